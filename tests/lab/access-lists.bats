#!/usr/bin/env bats
# tests/lab/access-lists.yaml as a real lab: a firewall rule with an address
# list, peerings closed by allowVirtualNetworkAccess on either side (gateway
# transit included), and a half peering. Real packets, counted where they
# arrive, against xvnet path.
load common

setup_file() { up_example al "$REPO/tests/lab/access-lists.yaml"; }

teardown_file() { down_example; }

@test "access-lists: the node receiving each flow is the one xvnet path predicts" {
	run check_receivers "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

denied_from() {
	xv inspect --lab "$LAB" -j | jq --arg s "$1" '[.deniedFlows[] | select(.source == $s) | .packets] | add // 0'
}

@test "access-lists: a rule's address list lets spoke1 and spoke2 through, not spoke3" {
	[ "$(did "$LAB" s1 10.2.1.4 tcp)" = Delivered ]
	[ "$(did "$LAB" s2 10.1.1.4 udp)" = Delivered ]
	before=$(denied_from 10.3.1.4)
	[ "$(predicted "$FILE" s3 10.1.1.4 tcp)" = Dropped ]
	[ "$(did "$LAB" s3 10.1.1.4 tcp)" = Dropped ]
	after=$(denied_from 10.3.1.4)
	echo "denied from spoke3: $before -> $after"
	[ "$after" -gt "$before" ]
}

@test "access-lists: a peering closed on either side carries nothing, gateway transit included" {
	for src in s4 s5; do
		xv path -t "$FILE" -j "$src" 192.168.1.10 | jq -e '.dropReason == "PeeringAccessDenied"'
		[ "$(did "$LAB" "$src" 192.168.1.10 icmp)" = Dropped ]
	done
	# From on-premises: the gateway gets the packet, the spoke never does.
	for dst in 10.4.1.4 10.5.1.4; do
		xv path -t "$FILE" -j dc-srv "$dst" | jq -e '.dropReason == "PeeringAccessDenied"'
		[ "$(did "$LAB" dc "$dst" icmp)" = Dropped ]
	done
	[ "$(did "$LAB" fw 10.5.1.4 icmp)" = Dropped ]
	[ "$(did "$LAB" s4 10.0.1.4 icmp)" = Dropped ]
	# The hub itself still reaches on-premises through the same gateway.
	[ "$(did "$LAB" fw 192.168.1.10 icmp)" = Delivered ]
}

@test "access-lists: a half peering is warned about and carries nothing" {
	run bash -c '"$0" check -t "$1" 2>&1 >/dev/null' "$XVNET" "$FILE"
	[[ "$output" == *"warning: peering spoke6 -> hub has no reverse peering hub -> spoke6"* ]]
	xv path -t "$FILE" -j s6 10.1.1.4 | jq -e '.halfPeering == {"from": "spoke6", "to": "hub"}'
	[ "$(did "$LAB" s6 10.1.1.4 icmp)" = Dropped ]
}
