#!/usr/bin/env bats
# xvnet routes: effective routes as `az network nic show-effective-route-table`.
load common

@test "routes: spoke with forced tunnelling, table" {
	run xv routes -t "$HS" spoke1/app
	[ "$status" -eq 0 ]
	has_row "Source State Address Prefix Next Hop Type Next Hop IP User Defined Route Name"
	has_row "Default Active 10.1.0.0/16 VnetLocal"
	has_row "Default Invalid 0.0.0.0/0 Internet"
	has_row "Default Active 10.0.0.0/16 VNetPeering"
	has_row "User Active 0.0.0.0/0 VirtualAppliance 10.0.1.4 default-via-fw"
	# Forced tunnel removes reserved prefixes: the reserved None routes go
	# when 0/0 leads to an appliance.
	! grep -q None <<<"$output" || false
	# Route propagation: disabled, so no gateway routes.
	! grep -q VirtualNetworkGateway <<<"$output" || false
	[ "${#lines[@]}" -eq 6 ]
}

@test "routes: columns are aligned under their headings" {
	run xv routes -t "$HS" hub/fw
	[ "$status" -eq 0 ]
	# Every row's State starts where the heading's does; dashes match widths.
	local col
	col=$(awk 'NR == 1 { print index($0, "State") }' <<<"$output")
	[ "$col" -gt 1 ]
	awk -v c="$col" 'NR > 2 && substr($0, c, 6) != "Active" && substr($0, c, 7) != "Invalid" { exit 1 }' <<<"$output"
	[ "$(sed -n 2p <<<"$output" | cut -c1-21)" = "---------------------" ]
	# No trailing blanks.
	! grep -q ' $' <<<"$output"
}

@test "routes: JSON has exactly the az shape" {
	run xv routes -t "$HS" spoke1/app -j
	[ "$status" -eq 0 ]
	jq_true '.value | length == 4'
	jq_true '[.value[] | keys] | unique == [["addressPrefix","disableBgpRoutePropagation","name","nextHopIpAddress","nextHopType","source","state"]]'
	jq_true 'all(.value[]; .disableBgpRoutePropagation == true)'
	jq_true '.value[3] == {"source":"User","state":"Active","addressPrefix":["0.0.0.0/0"],"nextHopType":"VirtualAppliance","nextHopIpAddress":["10.0.1.4"],"name":"default-via-fw","disableBgpRoutePropagation":true}'
	jq_true '.value[0] == {"source":"Default","state":"Active","addressPrefix":["10.1.0.0/16"],"nextHopType":"VnetLocal","nextHopIpAddress":[],"name":null,"disableBgpRoutePropagation":true}'
}

@test "routes: a VM name gives its subnet's routes" {
	[ "$(xv routes -t "$HS" app1 -j)" = "$(xv routes -t "$HS" spoke1/app -j)" ]
}

@test "routes: hub firewall subnet learns on-premises from the gateway" {
	run xv routes -t "$HS" hub/fw -j
	[ "$status" -eq 0 ]
	jq_true '[.value[] | select(.source == "VirtualNetworkGateway")] == [{"source":"VirtualNetworkGateway","state":"Active","addressPrefix":["192.168.0.0/16"],"nextHopType":"VirtualNetworkGateway","nextHopIpAddress":["10.0.255.4"],"name":null,"disableBgpRoutePropagation":false}]'
	# Gateway beats Default: the gateway route beats the reserved None route of equal prefix.
	jq_true '.value[] | select(.addressPrefix == ["192.168.0.0/16"] and .source == "Default") | .state == "Invalid" and .nextHopType == "None"'
	# Gateway rows come last, as Azure lists them.
	jq_true '.value[-1].source == "VirtualNetworkGateway"'
	jq_true '[.value[] | select(.nextHopType == "VNetPeering") | .addressPrefix[0]] == ["10.1.0.0/16","10.2.0.0/16"]'
}

@test "routes: GatewaySubnet UDRs beat the equal peering routes (User beats Default, GatewaySubnet entry)" {
	run xv routes -t "$HS" hub/GatewaySubnet
	[ "$status" -eq 0 ]
	has_row "Default Invalid 10.1.0.0/16 VNetPeering"
	has_row "Default Invalid 10.2.0.0/16 VNetPeering"
	has_row "User Active 10.1.0.0/16 VirtualAppliance 10.0.1.4 spoke1-via-fw"
	has_row "User Active 10.2.0.0/16 VirtualAppliance 10.0.1.4 spoke2-via-fw"
}

@test "routes: two hubs, global peering beats routes learned over the circuit" {
	run xv routes -t "$TH" we-hub/fw
	[ "$status" -eq 0 ]
	has_row "Default Active 10.100.0.0/16 VNetGlobalPeering"
	has_row "VirtualNetworkGateway Invalid 10.100.0.0/16 VirtualNetworkGateway 10.0.255.4"
	has_row "User Active 10.101.0.0/16 VirtualAppliance 10.100.1.4 ne-spoke1-via-ne-fw"
	has_row "VirtualNetworkGateway Invalid 10.101.0.0/16 VirtualNetworkGateway 10.0.255.4"
	has_row "VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.0.255.4"
}

@test "routes: inline topology from stdin, UDRs and a VnetLocal UDR outside the VNet" {
	run xv routes -t - v1/a <<'YAML'
name: inline
vnets:
  - name: v1
    addressSpace: [10.10.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.10.1.0/24, routeTable: rt}
routeTables:
  - name: rt
    routes:
      - {name: drop-x, addressPrefix: 10.20.0.0/16, nextHopType: None}
      - {name: local-y, addressPrefix: 10.10.2.0/24, nextHopType: VnetLocal}
      - {name: web, addressPrefix: 203.0.113.0/24, nextHopType: Internet}
      - {name: outside, addressPrefix: 10.30.0.0/16, nextHopType: VnetLocal}
YAML
	[ "$status" -eq 0 ]
	has_row "Default Active 10.10.0.0/16 VnetLocal"
	has_row "Default Active 0.0.0.0/0 Internet"
	has_row "Default Active 10.0.0.0/8 None"
	has_row "Default Active 172.16.0.0/12 None"
	has_row "Default Active 192.168.0.0/16 None"
	has_row "Default Active 100.64.0.0/10 None"
	has_row "User Active 10.20.0.0/16 None drop-x"
	has_row "User Active 10.10.2.0/24 VnetLocal local-y"
	has_row "User Active 203.0.113.0/24 Internet web"
	# VnetLocal outside the VNet: a VnetLocal UDR outside the VNet is programmed as None.
	has_row "User Active 10.30.0.0/16 None outside"
}

@test "routes: XVNET_TOPOLOGY stands in for -t" {
	XVNET_TOPOLOGY=$HS run xv routes app2 -j
	[ "$status" -eq 0 ]
	jq_true '.value[0].addressPrefix == ["10.2.0.0/16"]'
}

@test "routes: unknown target is bad input (exit 2)" {
	run xv routes -t "$HS" spoke1/nope
	[ "$status" -eq 2 ]
	[[ "$output" == *"'spoke1/nope' is neither a subnet (VNET/SUBNET) nor a VM"* ]]
}
