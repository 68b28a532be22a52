#!/usr/bin/env bats
# xvnet trace on a live lab: several readers at once (one leaving, or
# killed, does not switch tracing off for the others; the last one out
# switches it off), route names that follow `apply`, and a trace that ends
# by itself when its lab is destroyed.
load common

setup_file() { deploy_example tr "$HS"; }

teardown_file() {
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
}

# Every trace a test starts is stopped, even when the test fails.
teardown() {
	local p
	for p in "${TRACES[@]}"; do
		kill -9 "$p" 2>/dev/null || true
	done
}

# start_trace OUT [ARGS...]: a trace of the lab in the background, its
# output in OUT (stderr in OUT.err); its pid is appended to TRACES.
TRACES=()
start_trace() {
	local out=$1
	shift
	"$XVNET" trace --lab "$LAB" "$@" >"$out" 2>"$out.err" 3>&- &
	TRACES+=($!)
}

# The fabric's trace switch (config[XV_CFG_TRACE]) as the kernel holds it:
# the number of its nonzero bytes.
trace_switch() {
	bpftool -j map lookup pinned "/sys/fs/bpf/xvnet/$LAB/config" key 1 0 0 0 |
		jq -r '.value | map(select(. != "0x00")) | length'
}

# A frame from app1 to the Internet host, traced through the firewall.
internet_frame() {
	in_node "$LAB" app1 ping -c1 -W1 203.0.113.10 >/dev/null 2>&1 || true
	sleep 0.3
}

traced() { grep -q "10.1.1.4 > 203.0.113.10 icmp" "$1"; }

@test "trace: a second trace keeps receiving when the first one exits" {
	a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	start_trace "$a"
	start_trace "$b"
	sleep 0.5
	kill -TERM "${TRACES[0]}"
	wait "${TRACES[0]}"
	[ "$(trace_switch)" -ne 0 ]
	internet_frame
	cat "$b"
	traced "$b"
	kill -TERM "${TRACES[1]}"
	wait "${TRACES[1]}"
	[ "$(trace_switch)" -eq 0 ]
}

@test "trace: a reader killed with SIGKILL neither stops nor pins tracing" {
	a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	start_trace "$a"
	start_trace "$b"
	sleep 0.5
	kill -KILL "${TRACES[0]}"
	wait "${TRACES[0]}" || true
	internet_frame
	traced "$b"
	# the survivor is the last reader: tracing is off when it exits
	kill -TERM "${TRACES[1]}"
	wait "${TRACES[1]}"
	[ "$(trace_switch)" -eq 0 ]
}

@test "trace: routes are named from the generation that handled the frame, across apply" {
	out=$BATS_TEST_TMPDIR/t
	start_trace "$out"
	sleep 0.5
	# a new UDR in the spokes' table: app1 -> app2 now matches it
	new=$BATS_TEST_TMPDIR/new.yaml
	sed '/name: default-via-fw,/i\      - {name: spoke2-app, addressPrefix: 10.2.1.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}' \
		"$FILE" >"$new"
	run xv routes -t "$new" spoke1/app
	[[ $output == *"User     Active   10.2.1.0/24     VirtualAppliance"* ]]
	xv apply -t "$new"
	in_node "$LAB" app1 ping -c1 -W1 10.2.1.4 >/dev/null 2>&1 || true
	sleep 0.5
	cat "$out"
	grep -Eq "10.1.1.4 > 10.2.1.4 icmp echo id [0-9]+  from app1 \(spoke1/app\)  route 10.2.1.0/24 User VirtualAppliance 10.0.1.4" "$out"
	# and back: the old table's 0/0 again
	xv apply -t "$FILE"
	in_node "$LAB" app1 ping -c1 -W1 10.2.1.4 >/dev/null 2>&1 || true
	sleep 0.5
	tail -n 3 "$out"
	grep -E "10.1.1.4 > 10.2.1.4 icmp echo id [0-9]+  from app1" "$out" | tail -n1 |
		grep -q "route 0.0.0.0/0 User VirtualAppliance 10.0.1.4"
}

@test "trace: two traces at once both print every frame (a ring buffer each)" {
	a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
	start_trace "$a" --no-arp
	start_trace "$b" --no-arp
	sleep 0.5
	in_node "$LAB" app1 ping -c3 -i 0.2 -W1 203.0.113.10 >/dev/null 2>&1 || true
	sleep 0.5
	kill -TERM "${TRACES[@]}"
	wait "${TRACES[@]}"
	cat "$a"
	[ "$(grep -c '^10.1.1.4 > 203.0.113.10 icmp echo ' "$a")" -eq 3 ]
	diff "$a" "$b"
}

@test "trace: TCP and UDP frames show their ports, ICMP its type and echo id" {
	out=$BATS_TEST_TMPDIR/t
	start_trace "$out" --no-arp
	sleep 0.5
	in_node "$LAB" app1 ping -c1 -W1 -e 4711 203.0.113.10 >/dev/null 2>&1 || true
	echo probe | in_node "$LAB" app1 ncat -u -p 40123 --send-only 10.2.1.4 5353 >/dev/null 2>&1 || true
	in_node "$LAB" app1 timeout 2 ncat -p 40124 203.0.113.10 443 </dev/null >/dev/null 2>&1 || true
	sleep 0.5
	kill -TERM "${TRACES[0]}"
	wait "${TRACES[0]}"
	cat "$out"
	grep -q "^10.1.1.4 > 203.0.113.10 icmp echo id 4711  from app1 " "$out"
	grep -q "^203.0.113.10 > 10.0.1.4 icmp echo-reply id 4711  from Internet " "$out"
	grep -q "^10.1.1.4:40123 > 10.2.1.4:5353 udp  from app1 " "$out"
	grep -q "^10.1.1.4:40124 > 203.0.113.10:443 tcp  from app1 " "$out"
}

@test "trace: --port keeps TCP and UDP frames from or to one port, with their ports in JSON" {
	out=$BATS_TEST_TMPDIR/t
	start_trace "$out" --port 443 -o json
	sleep 0.5
	in_node "$LAB" app1 ping -c1 -W1 203.0.113.10 >/dev/null 2>&1 || true
	echo probe | in_node "$LAB" app1 ncat -u -p 40123 --send-only 10.2.1.4 5353 >/dev/null 2>&1 || true
	in_node "$LAB" app1 timeout 2 ncat -p 40124 203.0.113.10 443 </dev/null >/dev/null 2>&1 || true
	sleep 0.5
	kill -TERM "${TRACES[0]}"
	wait "${TRACES[0]}"
	cat "$out"
	# the TCP flow to 443, both ways, and nothing else
	jq -se 'length >= 4 and all(.protocol == "tcp" and (.srcPort == 443 or .dstPort == 443))' "$out"
	jq -se 'map(select(.src == "10.1.1.4" and .srcPort == 40124 and .dstPort == 443
		and .icmp == null)) | length == 1' "$out"
}

# Last: it takes the lab down.
@test "trace: exits by itself within a second of its lab being destroyed" {
	out=$BATS_TEST_TMPDIR/t
	start_trace "$out"
	sleep 0.5
	xv destroy --lab "$LAB" >/dev/null
	for _ in $(seq 15); do
		kill -0 "${TRACES[0]}" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "${TRACES[0]}" 2>/dev/null; then
		echo "trace still running"
		false
	fi
	wait "${TRACES[0]}"
	cat "$out.err"
	grep -q "$LAB" "$out.err"
	[ "$(wc -l <"$out.err")" -eq 1 ]
}
