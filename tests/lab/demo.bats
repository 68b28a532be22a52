#!/usr/bin/env bats
# scripts/demo.sh checks itself (exit 0: everything observed as predicted)
# and leaves nothing behind: no listener, no trace, no lab, whether it runs
# to the end or is interrupted with Ctrl-C.
load common

DEMO_LAB=$(sed -n 's/^name: *//p' "$HS")
FT_LAB=$(sed -n 's/^name: *//p' "$REPO/examples/vpn-forced-tunnel.yaml")

setup() {
	[ ! -e "/run/xvnet/$DEMO_LAB" ] || skip "lab $DEMO_LAB is up (not ours)"
	[ ! -e "/run/xvnet/$FT_LAB" ] || skip "lab $FT_LAB is up (not ours)"
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
	xv destroy --lab "$FT_LAB" >/dev/null 2>&1 || true
}

@test "demo: a run to the end sees what it predicts, without colour off a terminal, and leaves nothing" {
	XVNET_DEMO_TEST=$MARK timeout 180 "$REPO/scripts/demo.sh" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- ||
		{ tail -n 30 "$BATS_TEST_TMPDIR/out"; false; }
	tail -n 2 "$BATS_TEST_TMPDIR/out"
	[[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" == "== Demo: "*" checks, 0 differing from the prediction" ]]
	grep -q '^✓ the Internet sees app1 as the firewall.s public address: you are 198.51.100.1' "$BATS_TEST_TMPDIR/out"
	grep -q '^✓ app1 pings dc1-srv: Dropped, as predicted' "$BATS_TEST_TMPDIR/out"
	grep -q '^✓ dc1-srv pings app1: Dropped, as predicted' "$BATS_TEST_TMPDIR/out"
	grep -q '^✓ the default site answers app1' "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c $'\033' "$BATS_TEST_TMPDIR/out")" -eq 0 ]
	marked
	[ -z "$(marked)" ]
	[ -z "$(leftovers "$DEMO_LAB")" ]
	[ -z "$(leftovers "$FT_LAB")" ]
}

@test "demo: a prediction the lab does not meet fails the demo" {
	# an xvnet whose verify always finds a mismatch
	cat >"$BATS_TEST_TMPDIR/xvnet" <<SH
#!/bin/sh
if [ "\$1" = verify ]; then "$XVNET" "\$@"; echo "MISMATCH injected"; exit 1; fi
exec "$XVNET" "\$@"
SH
	chmod +x "$BATS_TEST_TMPDIR/xvnet"
	run env XVNET="$BATS_TEST_TMPDIR/xvnet" XVNET_DEMO_TEST=$MARK timeout 180 "$REPO/scripts/demo.sh" 3>&-
	echo "$output" | tail -n 3
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == "== Demo: "*" checks, "[1-9]*" differing from the prediction" ]]
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
		marked | grep -q "ncat" && break
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
	[ -z "$(leftovers "$FT_LAB")" ]
}

@test "demo: Ctrl-C while its listeners and trace run leaves no process and no lab" {
	interrupted INT group 130
}

@test "demo: SIGTERM to the script alone leaves no process and no lab" {
	interrupted TERM script 143
}
