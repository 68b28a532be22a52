#!/usr/bin/env bats
# The command line on a live lab: NDJSON and structured fields from trace
# and stats, trace filters, colour and escapes only on a terminal.
load common

# Deployed through sudo by uid 4242, as far as the state records.
setup_file() { SUDO_UID=4242 deploy_example cl "$HS"; }

teardown_file() {
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
}

TRACES=()
teardown() {
	local p
	for p in "${TRACES[@]}"; do
		kill -9 "$p" 2>/dev/null || true
	done
}

# trace_while OUT ARGS... -- CMD...: trace the lab (ARGS) while CMD runs in app1.
trace_while() {
	local out=$1 args=()
	shift
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	"$XVNET" trace --lab "$LAB" "${args[@]}" >"$out" 2>"$out.err" 3>&- &
	TRACES+=($!)
	sleep 0.5
	in_node "$LAB" app1 "$@" >/dev/null 2>&1 || true
	sleep 0.5
	kill -TERM "${TRACES[-1]}"
	wait "${TRACES[-1]}" || true
	cat "$out" "$out.err"
}

@test "cli lab: trace -o json is one object a line, with structured NICs and routes" {
	out=$BATS_TEST_TMPDIR/t
	trace_while "$out" -o json -- ping -c1 -W1 203.0.113.10
	[ -s "$out" ]
	# every line is one JSON object (NDJSON)
	while read -r line; do
		jq -e 'type == "object"' <<<"$line" >/dev/null
	done <"$out"
	jq -se 'map(select(.src == "10.1.1.4" and .dst == "203.0.113.10" and .protocol == "icmp"
		and .from == {"vm": "app1", "vnet": "spoke1", "subnet": "app"}
		and .route == {"addressPrefix": "0.0.0.0/0", "source": "User",
			"nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.1.4"}
		and .to == {"vm": "fw", "vnet": "hub", "subnet": "fw"} and .drop == null)) | length >= 1' "$out"
	jq -se 'map(select(.from.vm == "fw" and .to == {"internet": true})) | length >= 1' "$out"
}

@test "cli lab: trace --node, --protocol, --no-arp and --drops filter frames" {
	out=$BATS_TEST_TMPDIR/t
	trace_while "$out" -j --node app2 -- ping -c1 -W1 203.0.113.10
	[ ! -s "$out" ]
	trace_while "$out" -j --node fw --protocol tcp -- ping -c1 -W1 203.0.113.10
	[ ! -s "$out" ]
	trace_while "$out" -j --node fw --no-arp -- ping -c1 -W1 203.0.113.10
	[ -s "$out" ]
	jq -se 'all(.protocol != "arp" and (.from.vm == "fw" or .to.vm == "fw"))' "$out"
	trace_while "$out" -j --drops -- ping -c1 -W1 10.0.99.99
	jq -se 'length >= 1 and all(.drop != null)' "$out"
	run xv trace --lab "$LAB" --node fww
	[ "$status" -eq 2 ]
	[[ "$output" == *"has no VM or gateway 'fww'; did you mean 'fw'?"* ]]
}

@test "cli lab: stats --watch -o json prints one line a second; no escapes into a pipe" {
	timeout -s INT 2.5 "$XVNET" stats --lab "$LAB" --watch -o json >"$BATS_TEST_TMPDIR/w" || true
	[ "$(wc -l <"$BATS_TEST_TMPDIR/w")" -ge 2 ]
	while read -r line; do
		jq -e '.nics | length > 0' <<<"$line" >/dev/null
	done <"$BATS_TEST_TMPDIR/w"
	timeout -s INT 1.5 "$XVNET" stats --lab "$LAB" --watch >"$BATS_TEST_TMPDIR/t" || true
	grep -q '^NIC ' "$BATS_TEST_TMPDIR/t"
	! grep -q $'\e' "$BATS_TEST_TMPDIR/t"
	# stats and trace default to the only lab running, as the other lab verbs do
	if [ "$(ls /run/xvnet | grep -cv '\.lock$')" -eq 1 ]; then
		xv stats -j | jq -e '.nics | length > 0'
	fi
}

@test "cli lab: list shows the lab with its file, owner, age, nodes and state" {
	local n
	n=$(jq '.nodes | length' "/run/xvnet/$LAB/state.json")
	run xv list -o json
	[ "$status" -eq 0 ]
	jq -e --arg l "$LAB" --arg f "$FILE" --argjson n "$n" '.labs[] | select(.name == $l) |
		.file == $f and .owner == 4242 and .ageSeconds >= 0 and .ageSeconds < 3600 and
		.nodes == $n and .nodesRunning == $n and .state == "up"' <<<"$output"
	run xv list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Name"*"File"*"Owner"*"Age"*"Nodes"*"State" ]]
	grep -qE "^$LAB +$FILE +4242 +[0-9]+s +$n/$n +up$" <<<"$output"
}

@test "cli lab: a lab verb names the lab it cannot find, and the running ones" {
	run xv inspect --lab "${LAB}x"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "xvnet: no lab '${LAB}x'; did you mean '$LAB'?"* ]]
	grep -qx "  $LAB" <<<"$output"
}

@test "cli lab: completion offers running labs, the lab's nodes and its recorded targets" {
	xv __complete 2 exec --lab "" | grep -qx "$LAB"
	xv __complete 3 exec --lab "$LAB" ap | grep -qx app1
	xv __complete 3 exec --lab "$LAB" hub | grep -qx hub-gw
	xv __complete 3 routes --lab "$LAB" spoke | grep -qx spoke1/app
	# routes --lab reads the file the lab was deployed from
	run env -u XVNET_TOPOLOGY -C / "$XVNET" routes --lab "$LAB" app1
	[ "$status" -eq 0 ]
	[[ "$output" == *"User     Active   0.0.0.0/0"* ]]
}

@test "cli lab: exec runs as the node: its hostname, and the lab's names resolve" {
	[ "$(in_node "$LAB" app1 hostname)" = app1 ]
	[ "$(in_node "$LAB" fw cat /proc/sys/kernel/hostname)" = fw ]
	# the host's own name and /etc/hosts are untouched
	[ "$(hostname)" != app1 ]
	! grep -q "app2" /etc/hosts
	in_node "$LAB" app1 getent hosts app2 | grep -q '^10\.2\.1\.4 *app2$'
	in_node "$LAB" app1 getent hosts dc1-srv | grep -q '^192\.168\.1\.10 '
	in_node "$LAB" app1 ping -c1 -W2 app2 >/dev/null
	run xv exec --lab "$LAB" ap1 -- true
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet: lab '$LAB' has no node 'ap1'; did you mean 'app1'?; its nodes: "*" app1 "* ]]
}

@test "cli lab: capture sees a node's frames on its side of the NIC" {
	local out=$BATS_TEST_TMPDIR/cap
	"$XVNET" capture --lab "$LAB" app2 -n -c 2 icmp >"$out" 2>"$out.err" 3>&- &
	TRACES+=($!)
	sleep 1.5
	in_node "$LAB" app1 ping -c2 -W1 app2 >/dev/null || true
	for _ in $(seq 20); do kill -0 "${TRACES[-1]}" 2>/dev/null || break; sleep 0.1; done
	cat "$out" "$out.err"
	grep -q "10.1.1.4 > 10.2.1.4: ICMP echo request" "$out"
	grep -q "listening on eth0" "$out.err"
}

# Last: it takes the lab down.
@test "cli lab: cleanup removes the caller's labs and leaves other users' unless --any-owner" {
	if [ -n "$(foreign_labs)" ]; then skip "other labs are running on this machine"; fi
	local other
	other=$(lab_name co)
	SUDO_UID=4343 xv deploy -t "$(renamed "$HS" "$other")" >/dev/null
	run env SUDO_UID=4242 "$XVNET" cleanup
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"left lab '$other' of uid 4343 (--any-owner removes it)"* ]]
	[ -z "$(leftovers "$LAB")" ]
	[ -e "/run/xvnet/$other/state.json" ]
	run env SUDO_UID=4242 "$XVNET" destroy --all --any-owner
	[ "$status" -eq 0 ]
	[ -z "$(leftovers "$other")" ]
}
