#!/usr/bin/env bats
# A firewall NVA of dataplane xdp: examples/hub-spoke.yaml with its firewall
# given `dataplane: xdp`. The fabric filters and forwards flows through the
# NVA itself (rules, connection table, TTL), so that spoke to spoke and
# spoke to on-premises never enter the NVA's namespace; what the NVA
# source-NATs (the Internet) takes the slow path through its nftables.
# Real packets, against what xvnet path predicts.
load common

setup_file() {
	export XDP_NVAS="fw:10.0.1.4"
	up_example xn "$(renamed "$HS" xdpnva 's/^      defaultAction: Deny/      dataplane: xdp\n&/')"
}

teardown_file() { down_example; }

# The NVA's nftables counter of rule $1 (its namespace's own view).
nft_packets() {
	in_node "$LAB" fw nft -j list table ip xvnet |
		jq --arg r "$1" '[.nftables[].rule? | select(.comment == $r) | .expr[] | .counter?.packets // empty] | add // 0'
}

# Frames of NIC $1 the fabric dropped for reason $2.
fabric_drops() {
	xv stats --lab "$LAB" -j | jq --arg vm "$1" --arg r "$2" \
		'[.drops[] | select(.nic.vm == $vm and .reason == $r) | .frames] | add // 0'
}

# A TCP ACK of no connection, from node $1 to $2 port 80 (raw socket).
send_ack() {
	in_node "$LAB" "$1" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
s.sendto(struct.pack("!HHIIBBHHH", 40000, 80, 1, 1, 5 << 4, 0x10, 1024, 0, 0), (sys.argv[1], 0))
' "$2"
}

@test "xdp nva: the topology key is checked (unknown value: FILE:LINE:COL, exit 2)" {
	bad=$(renamed "$FILE" bad 's/dataplane: xdp/dataplane: ebpf/')
	run xv check -t "$bad"
	echo "$output"
	[ "$status" -eq 2 ]
	[[ $output == *"$bad":*:*": error: dataplane of firewall of VM 'fw': 'ebpf' is not one of nftables, xdp"* ]]
}

@test "xdp nva: every VM reaches exactly what Azure delivers (ICMP, TCP, UDP)" {
	run check_reachability "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "xdp nva: the NVA's namespace sees only what it translates or what is addressed to it" {
	run check_receivers "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "xdp nva: spoke to spoke passes in the fabric, TTL decremented, the NVA's nftables untouched" {
	before=$(nft_packets spoke1-to-spoke2)
	[ "$(did "$LAB" app1 10.2.1.4 tcp)" = Delivered ]
	[ "$(did "$LAB" app1 10.2.1.4 udp)" = Delivered ]
	[ "$(nft_packets spoke1-to-spoke2)" = "$before" ]
	# The NVA is an IP hop: 64 - 1 when the reply leaves app2.
	in_node "$LAB" app1 ping -c1 -W1 10.2.1.4 | grep -E 'ttl=63 '
}

@test "xdp nva: an unsolicited TCP ACK is dropped by the fabric, as conntrack's INVALID" {
	before=$(fabric_drops app1 FirewallDenied)
	send_ack app1 10.2.1.4
	send_ack app1 10.2.1.4
	after=$(fabric_drops app1 FirewallDenied)
	echo "FirewallDenied at app1: $before -> $after"
	[ "$after" -ge $((before + 2)) ]
}

@test "xdp nva: an Internet flow takes the slow path and is source-NATed by the NVA" {
	before=$(nft_packets web-out)
	[ "$(did "$LAB" app1 203.0.113.10 tcp)" = Delivered ]
	[ "$(nft_packets web-out)" -gt "$before" ]
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Delivered ]
}

# inspect's row of rule $1 of the NVA, field $2.
rule_field() {
	xv inspect --lab "$LAB" -j | jq --arg r "$1" "[.firewallRules[] | select(.nva == \"fw\" and .rule == \$r) | .$2] | add // 0"
}

@test "xdp nva: inspect shows the fabric's counters per rule, its denied log and its connections" {
	before=$(rule_field spoke1-to-spoke2 packets)
	[ "$(did "$LAB" app1 10.2.1.4 udp)" = Delivered ]
	after=$(rule_field spoke1-to-spoke2 packets)
	echo "spoke1-to-spoke2: $before -> $after"
	[ "$after" -eq $((before + 1)) ]	# the first packet; its answer is established
	xv inspect --lab "$LAB" -j | jq -e '.firewallRules[] | select(.rule == "spoke1-to-spoke2") | .action == "Allow"'
	[ "$(rule_field established packets)" -gt 0 ]
	send_ack app2 10.1.1.4
	run xv inspect --lab "$LAB" -j
	echo "$output"
	jq -e '.firewallRules[] | select(.nva == "fw" and .rule == "asymmetric") | .packets > 0 and .action == "Deny"' <<<"$output"
	jq -e '.deniedFlows[] | select(.nva == "fw" and .source == "10.2.1.4" and .destination == "10.1.1.4"
		and .protocol == "tcp" and .port == 80) | .packets > 0' <<<"$output"
	jq -e '.connections[] | select(.nva == "fw" and .source == "10.1.1.4" and .destination == "10.2.1.4"
		and .protocol == "udp" and .port == 80) | .packets >= 2' <<<"$output"
	# the table shows the same, with the Internet flow's translation beside it
	run xv inspect --lab "$LAB"
	[[ $output == *asymmetric* ]]
}

@test "xdp nva: an apply swaps the rules; flows already open stay open (the connection table is kept)" {
	deny=$BATS_TEST_TMPDIR/deny.yaml
	sed 's/name: ping, action: Allow/name: ping, action: Deny/' "$FILE" >"$deny"
	in_node "$LAB" app1 ping -i 0.2 -c 15 -W1 10.2.1.4 >"$BATS_TEST_TMPDIR/ping" 2>&1 &
	pid=$!
	sleep 1
	xv apply -t "$deny"
	# a new echo flow meets the new rule; the old one is tracked
	[ "$(did "$LAB" app2 10.1.1.4 icmp)" = Dropped ]
	wait "$pid" || true
	cat "$BATS_TEST_TMPDIR/ping"
	grep -E '15 packets transmitted, 15 received' "$BATS_TEST_TMPDIR/ping"
	run xv inspect --lab "$LAB" -j
	jq -e '.firewallRules[] | select(.nva == "fw" and .rule == "ping") | .action == "Deny" and .packets >= 1' <<<"$output"
	jq -e '.deniedFlows[] | select(.nva == "fw" and .source == "10.2.1.4" and .protocol == "icmp") | .packets >= 1' <<<"$output"
	# TCP still passes; back to the first rules
	[ "$(did "$LAB" app1 10.2.1.4 tcp)" = Delivered ]
	xv apply -t "$FILE"
	[ "$(did "$LAB" app2 10.1.1.4 icmp)" = Delivered ]
}

@test "xdp nva: trace shows the NVA hop as two: to the NVA's NIC, and from it on the NVA subnet's route" {
	out=$BATS_TEST_TMPDIR/trace
	timeout 3 "$XVNET" trace -t "$FILE" >"$out" 2>&1 3>&- &
	sleep 1
	did "$LAB" app1 10.2.1.4 udp >/dev/null
	wait || true
	cat "$out"
	grep -E '^10\.1\.1\.4:[0-9]+ > 10\.2\.1\.4:80 udp .*from app1 .*0\.0\.0\.0/0 .*-> fw' "$out"
	grep -E '^10\.1\.1\.4:[0-9]+ > 10\.2\.1\.4:80 udp .*from fw .*10\.2\.0\.0/16 .*-> app2' "$out"
	grep -E '^10\.2\.1\.4:80 > 10\.1\.1\.4:[0-9]+ udp .*from fw .*-> app1' "$out"
}
