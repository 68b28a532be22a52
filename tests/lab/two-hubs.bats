#!/usr/bin/env bats
# examples/two-hubs-er.yaml as a real lab: two hubs joined by one
# ExpressRoute circuit (meet-me router), each with its firewall NVA.
load common

setup_file() { up_example th "$TH"; }

teardown_file() { down_example; }

@test "two-hubs: every VM reaches exactly what Azure delivers (ICMP, TCP, UDP)" {
	run check_reachability "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "two-hubs: the node receiving each flow is the one xvnet path predicts" {
	run check_receivers "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

# Packets sent by a node's interface (/proc/net is the reader's namespace's).
tx_packets() {
	in_node "$1" "$2" cat /proc/net/dev | awk -v i="$3:" '$1 == i { print $11 }'
}

@test "two-hubs: the meet-me router carries dc1's traffic to both hubs" {
	xv path -t "$FILE" -j we-app1 192.168.1.10 | jq -e '[.hops[].circuit] | index("er1")'
	before=$(tx_packets "$LAB" er1 s-dc1)
	[ "$(did "$LAB" we-app1 192.168.1.10 icmp)" = Delivered ]
	[ "$(did "$LAB" ne-app1 192.168.1.10 icmp)" = Delivered ]
	after=$(tx_packets "$LAB" er1 s-dc1)
	[ "$after" -ge $((before + 2)) ]
}
