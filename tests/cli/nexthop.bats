#!/usr/bin/env bats
# xvnet nexthop: Network Watcher's next hop (az network watcher show-next-hop).
load common

nexthop_is() { # TARGET DST expected-json
	run xv nexthop -t "$HS" "$1" "$2" -j
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	jq_true ". == $3"
}

@test "nexthop: forced tunnelling sends the Internet to the firewall, route table named" {
	nexthop_is app1 8.8.8.8 '{"nextHopType":"VirtualAppliance","nextHopIpAddress":"10.0.1.4","routeTableId":"spoke-rt"}'
}

@test "nexthop: on-premises from a spoke also goes to the firewall" {
	nexthop_is spoke2/app 192.168.1.10 '{"nextHopType":"VirtualAppliance","nextHopIpAddress":"10.0.1.4","routeTableId":"spoke-rt"}'
}

@test "nexthop: the firewall subnet reaches on-premises through the gateway" {
	nexthop_is hub/fw 192.168.1.10 '{"nextHopType":"VirtualNetworkGateway","nextHopIpAddress":"10.0.255.4","routeTableId":"System Route"}'
}

@test "nexthop: Network Watcher names for peering and local hops (Next hop type names)" {
	nexthop_is hub/fw 10.1.1.4 '{"nextHopType":"VirtualNetworkPeering","nextHopIpAddress":null,"routeTableId":"System Route"}'
	nexthop_is hub/fw 10.0.1.5 '{"nextHopType":"VirtualNetwork","nextHopIpAddress":null,"routeTableId":"System Route"}'
	nexthop_is fw 203.0.113.10 '{"nextHopType":"Internet","nextHopIpAddress":null,"routeTableId":"System Route"}'
}

@test "nexthop: reserved prefix not otherwise routed is None (Reserved prefixes)" {
	nexthop_is hub/fw 10.9.9.9 '{"nextHopType":"None","nextHopIpAddress":null,"routeTableId":"System Route"}'
	nexthop_is hub/fw 100.64.0.1 '{"nextHopType":"None","nextHopIpAddress":null,"routeTableId":"System Route"}'
}

@test "nexthop: longest prefix wins, user route wins an equal prefix" {
	# GatewaySubnet: 10.1.0.0/16 UDR beats the equal peering route,
	# the hub's own 10.0.0.0/16 is still local.
	nexthop_is hub/GatewaySubnet 10.1.1.4 '{"nextHopType":"VirtualAppliance","nextHopIpAddress":"10.0.1.4","routeTableId":"gateway-rt"}'
	nexthop_is hub/GatewaySubnet 10.0.1.4 '{"nextHopType":"VirtualNetwork","nextHopIpAddress":null,"routeTableId":"System Route"}'
}

@test "nexthop: table output" {
	run xv nexthop -t "$HS" app1 192.168.1.10
	[ "$status" -eq 0 ]
	has_row "Next Hop Type Next Hop IP Route Table"
	has_row "VirtualAppliance 10.0.1.4 spoke-rt"
	[ "${#lines[@]}" -eq 3 ]
}

@test "nexthop: bad destination or missing argument is exit 2" {
	run xv nexthop -t "$HS" app1 10.0.0.300
	[ "$status" -eq 2 ]
	[[ "$output" == *"'10.0.0.300' is not an IPv4 address"* ]]
	run xv nexthop -t "$HS" app1
	[ "$status" -eq 2 ]
	[[ "$output" == *"missing DESTINATION_IP"* ]]
}
