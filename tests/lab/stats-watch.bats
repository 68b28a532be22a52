#!/usr/bin/env bats
# stats --watch ends by itself, saying so, when its lab is destroyed.
load common

setup() { deploy_example sw "$HS"; }
teardown() { xv destroy --lab "$LAB" >/dev/null 2>&1 || true; }

@test "stats --watch: exits within two seconds of its lab being destroyed" {
	local pid out=$BATS_TEST_TMPDIR/w
	"$XVNET" stats --lab "$LAB" --watch -j >"$out" 2>"$out.err" 3>&- &
	pid=$!
	sleep 1.2
	xv destroy --lab "$LAB" >/dev/null
	for _ in $(seq 25); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		echo "stats --watch still running"
		false
	fi
	wait "$pid"
	cat "$out.err"
	[ "$(cat "$out.err")" = "xvnet stats: lab $LAB was destroyed" ]
	[ "$(wc -l <"$out")" -ge 1 ]
}
