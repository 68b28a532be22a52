#!/usr/bin/env bats
# tests/lab/vpn-mesh.yaml as a real lab: VPN BGP transit between gateway
# namespaces joined VNet to VNet, over the shortest chain.
load common

setup_file() { up_example vm "$REPO/tests/lab/vpn-mesh.yaml"; }

teardown_file() { down_example; }

@test "vpn-mesh: the node receiving each flow is the one xvnet path predicts" {
	run check_receivers "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "vpn-mesh: both VNets reach on-premises through c-gw only, and back" {
	for vm in avm bvm; do
		xv path -t "$FILE" -j "$vm" 192.168.1.10 |
			jq -e '[.hops[].gateway | select(. != null)] | length == 2 and .[1] == "c-gw"'
		for proto in icmp tcp udp; do
			[ "$(did "$LAB" "$vm" 192.168.1.10 "$proto")" = Delivered ]
		done
	done
	[ "$(did "$LAB" p 10.20.1.4 tcp)" = Delivered ]
}
