#!/usr/bin/env bats
# scripts/demo.sh leaves nothing behind: no listener, no trace, no lab,
# whether it runs to the end or is interrupted with Ctrl-C.
load common

DEMO_LAB=$(sed -n 's/^name: *//p' "$HS")

setup() {
	[ ! -e "/run/xvnet/$DEMO_LAB" ] || skip "lab $DEMO_LAB is up (not ours)"
	# every process the demo starts inherits this mark
	MARK="xvdemo$$.$BATS_TEST_NUMBER"
}

# Processes carrying the mark, "PID COMMAND" each.
marked() {
	local f
	for f in $(grep -lzx "XVNET_DEMO_TEST=$MARK" /proc/[0-9]*/environ 2>/dev/null); do
		f=${f%/environ}
		echo "${f#/proc/} $(tr '\0' ' ' <"$f/cmdline" 2>/dev/null)"
	done
}

teardown() {
	local p
	for p in $(marked | cut -d' ' -f1); do
		kill -9 "$p" 2>/dev/null || true
	done
	xv destroy --lab "$DEMO_LAB" >/dev/null 2>&1 || true
}

@test "demo: a run to the end leaves no process and no lab" {
	XVNET_DEMO_TEST=$MARK timeout 120 "$REPO/scripts/demo.sh" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- ||
		{ tail -n 20 "$BATS_TEST_TMPDIR/out"; false; }
	tail -n 1 "$BATS_TEST_TMPDIR/out"
	marked
	[ -z "$(marked)" ]
	[ -z "$(leftovers "$DEMO_LAB")" ]
}

# interrupted SIGNAL TARGET STATUS: start the demo as a terminal's foreground
# job (its own process group, SIGINT not ignored), send SIGNAL to TARGET
# ("group" or "script") once its listeners and trace run; it exits with
# STATUS and leaves nothing.
interrupted() {
	local demo rc=0 to
	XVNET_DEMO_TEST=$MARK setsid env --default-signal=INT "$REPO/scripts/demo.sh" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	demo=$!
	for _ in $(seq 300); do
		marked | grep -q " trace " && break
		sleep 0.1
	done
	marked | grep -q " trace "
	marked | grep -q "ncat"
	to=$demo
	[ "$2" = script ] || to=-$demo
	kill "-$1" -- "$to"
	wait "$demo" || rc=$?
	tail -n 3 "$BATS_TEST_TMPDIR/out"
	[ "$rc" -eq "$3" ]
	marked
	[ -z "$(marked)" ]
	[ -z "$(leftovers "$DEMO_LAB")" ]
}

@test "demo: Ctrl-C while its listeners and trace run leaves no process and no lab" {
	interrupted INT group 130
}

@test "demo: SIGTERM to the script alone leaves no process and no lab" {
	interrupted TERM script 143
}
