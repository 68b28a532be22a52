#!/usr/bin/env bats
# routes --compare / nexthop --compare: xvnet against a saved
# `az network nic show-effective-route-table` / `az network watcher
# show-next-hop` (tests/fixtures/azure/saved: Azure's shapes).
load common

SAVED=$REPO/tests/fixtures/azure/saved

# The saved hub/fw table changed by a jq program, into $BATS_TEST_TMPDIR/s.json.
edited() { jq "$1" "$SAVED/hub-fw-effective.json" >"$BATS_TEST_TMPDIR/s.json"; }

@test "routes --compare: equal, rows in another order, gateway rows with instance addresses" {
	run xv routes -t "$HS" hub/fw --compare "$SAVED/hub-fw-effective.json"
	[ "$status" -eq 0 ]
	[ "$(tail -1 <<<"$output")" = "9 equal, 0 only in Azure, 0 only in xvnet, 0 differing" ]
	edited '.value |= reverse'
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/s.json" -j
	[ "$status" -eq 0 ]
	jq_true '.value == [] and .equal == 9'
}

@test "routes --compare: the az CLI's -o table text" {
	run xv routes -t "$HS" hub/fw --compare "$SAVED/hub-fw-effective.txt"
	[ "$status" -eq 0 ]
	[ "$(tail -1 <<<"$output")" = "9 equal, 0 only in Azure, 0 only in xvnet, 0 differing" ]
	# the table xvnet prints itself reads back too
	xv routes -t "$HS" spoke1/app >"$BATS_TEST_TMPDIR/t.txt"
	run xv routes -t "$HS" spoke1/app --compare "$BATS_TEST_TMPDIR/t.txt"
	[ "$status" -eq 0 ]
}

@test "routes --compare: a row missing from xvnet's answer (only in Azure): exit 1" {
	edited '.value += [{"addressPrefix": ["10.3.0.0/16"], "nextHopIpAddress": [], "nextHopType": "VNetPeering", "source": "Default", "state": "Active"}]'
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/s.json"
	[ "$status" -eq 1 ]
	has_row "onlyInAzure azure Default Active 10.3.0.0/16 VNetPeering"
	[ "$(tail -1 <<<"$output")" = "9 equal, 1 only in Azure, 0 only in xvnet, 0 differing" ]
}

@test "routes --compare: a row Azure does not have (only in xvnet): exit 1" {
	edited 'del(.value[7])'
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/s.json" -j
	[ "$status" -eq 1 ]
	jq_true '.value == [{"comparison": "onlyInXvnet", "side": "xvnet", "source": "Default",
		"state": "Active", "addressPrefix": ["10.2.0.0/16"], "nextHopType": "VNetPeering",
		"nextHopIpAddress": []}] and .onlyInXvnet == 1 and .equal == 8'
}

@test "routes --compare: another state or next hop is a differing pair: exit 1" {
	edited '.value[4].state = "Active" | .value[8].nextHopIpAddress = ["10.0.1.4"]'
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/s.json"
	[ "$status" -eq 1 ]
	has_row "differing azure Default Active 192.168.0.0/16 None"
	has_row "differing xvnet Default Invalid 192.168.0.0/16 None"
	# 10.0.1.4 is not in the GatewaySubnet: not the gateway's instance
	has_row "differing azure VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.0.1.4"
	has_row "differing xvnet VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.0.255.4"
	[ "$(tail -1 <<<"$output")" = "7 equal, 0 only in Azure, 0 only in xvnet, 2 differing" ]
}

@test "routes --compare: a file of neither shape is exit 2" {
	echo '{"students": []}' >"$BATS_TEST_TMPDIR/x.json"
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/x.json"
	[ "$status" -eq 2 ]
	[[ "$output" == *"x.json: not a saved effective route table"* ]]
	echo 'hello world' >"$BATS_TEST_TMPDIR/x.txt"
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/x.txt"
	[ "$status" -eq 2 ]
	head -c 500 "$SAVED/hub-fw-effective.json" >"$BATS_TEST_TMPDIR/cut.json"
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/cut.json"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not valid JSON"* ]]
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/none.json"
	[ "$status" -eq 2 ]
	# a NUL byte inside the dashed line under the headings (found by fuzzing)
	printf 'Source  State\n---\001\0\0\0---  -----\n' >"$BATS_TEST_TMPDIR/nul.txt"
	run xv routes -t "$HS" hub/fw --compare "$BATS_TEST_TMPDIR/nul.txt"
	[ "$status" -eq 2 ]
}

@test "nexthop --compare: Network Watcher's full route table id matches the name" {
	run xv nexthop -t "$HS" app1 192.168.1.10 --compare "$SAVED/app1-next-hop.json"
	[ "$status" -eq 0 ]
	has_row "routeTableId spoke-rt /subscriptions/5d2f0a8e-7c1b-4e55-9d3a-2b6f8c1e4a90/resourceGroups/rg-hub/providers/Microsoft.Network/routeTables/spoke-rt equal"
}

@test "nexthop --compare: differing fields, table text, gateway instances, bad shape" {
	run xv nexthop -t "$HS" hub/fw 192.168.1.10 --compare "$SAVED/app1-next-hop.json" -j
	[ "$status" -eq 1 ]
	jq_true '[.value[].comparison] == ["differing", "differing", "differing"]'
	printf '%s\n' 'NextHopIpAddress    NextHopType            RouteTableId' \
		'------------------  ---------------------  ------------' \
		'10.0.255.5          VirtualNetworkGateway  System Route' >"$BATS_TEST_TMPDIR/nh.txt"
	run xv nexthop -t "$HS" hub/fw 192.168.1.10 --compare "$BATS_TEST_TMPDIR/nh.txt"
	[ "$status" -eq 0 ]
	echo '[1, 2]' >"$BATS_TEST_TMPDIR/bad.json"
	run xv nexthop -t "$HS" hub/fw 192.168.1.10 --compare "$BATS_TEST_TMPDIR/bad.json"
	[ "$status" -eq 2 ]
	[[ "$output" == *"not a saved next hop"* ]]
}
