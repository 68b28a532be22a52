#!/usr/bin/env bats
# xvnet path: the hop-by-hop path of a flow, where it ends and why.
load common

path_json() { # FILE SOURCE DST [options]
	local f=$1
	shift
	run xv path -t "$f" "$@" -j
}

@test "path: spoke to on-premises through the firewall and the VPN gateway" {
	path_json "$HS" app1 192.168.1.10
	[ "$status" -eq 0 ]
	jq_true '.result == "Delivered" and .deliveredTo == {"site":"dc1"} and .dropReason == null'
	jq_true '[.hops[] | [.vnet, .subnet, .nextHopType, .nextHopIpAddress]] == [["spoke1","app","VirtualAppliance","10.0.1.4"],["hub","fw","VirtualNetworkGateway","10.0.255.4"],["hub","GatewaySubnet","Site",null]]'
	jq_true '.hops[0].nic == "fw" and .hops[0].firewallRule == "ping" and .hops[0].firewallAction == "Allow"'
	jq_true '.hops[1].nextHop == "hub-gw" and .hops[1].nic == null'
	jq_true '.hops[2].gateway == "hub-gw" and .hops[2].nextHop == "dc1"'
}

@test "path: spoke to spoke crosses the firewall" {
	path_json "$HS" app1 10.2.1.4 -p tcp --port 5432
	[ "$status" -eq 0 ]
	jq_true '.deliveredTo == {"vnet":"spoke2","subnet":"app","nic":"app2"}'
	jq_true '[.hops[] | .nic] == ["fw","app2"]'
	jq_true '.hops[0].firewallRule == "spoke1-to-spoke2"'
	jq_true '.hops[1] | .addressPrefix == "10.2.0.0/16" and .nextHopType == "VNetPeering"'
}

@test "path: firewall allows web, denies ssh to the Internet" {
	path_json "$HS" app1 203.0.113.10 --port 443
	[ "$status" -eq 0 ]
	jq_true '.deliveredTo == {"internet":true} and .hops[0].firewallRule == "web-out"'
	jq_true '.hops[1] | .vnet == "hub" and .subnet == "fw" and .nextHopType == "Internet"'
	path_json "$HS" app1 203.0.113.10 --port 22
	[ "$status" -eq 1 ]
	jq_true '.result == "Dropped" and .dropReason == "FirewallDenied" and .deliveredTo == null'
	jq_true '.hops | length == 1 and .[0].firewallRule == null and .[0].firewallAction == "Deny"'
}

@test "path: text output, one line per hop then the verdict" {
	run xv path -t "$HS" app1 203.0.113.10 -p tcp --port 22
	[ "$status" -eq 1 ]
	has_row "At Address Prefix Source Next Hop Type Next Hop IP To"
	has_row "spoke1/app 0.0.0.0/0 User VirtualAppliance 10.0.1.4 fw (firewall default action: Deny)"
	[ "${lines[-1]}" = "Dropped: FirewallDenied" ]
	run xv path -t "$HS" app1 10.2.1.4
	[ "$status" -eq 0 ]
	has_row "spoke1/app 0.0.0.0/0 User VirtualAppliance 10.0.1.4 fw (firewall rule ping: Allow)"
	has_row "hub/fw 10.2.0.0/16 Default VNetPeering app2"
	[ "${lines[-1]}" = "Delivered to spoke2/app (app2)" ]
}

@test "path: on-premises to a spoke enters through the GatewaySubnet's routes (GatewaySubnet entry)" {
	path_json "$HS" dc1-srv 10.1.1.4
	[ "$status" -eq 0 ]
	jq_true '[.hops[] | .site // .gateway // (.vnet + "/" + .subnet)] == ["dc1","hub-gw","hub/GatewaySubnet","hub/fw"]'
	jq_true '.hops[2] | .addressPrefix == "10.1.0.0/16" and .source == "User" and .nic == "fw"'
	jq_true '.deliveredTo == {"vnet":"spoke1","subnet":"app","nic":"app1"}'
}

@test "path: SOURCE by address equals SOURCE by name" {
	[ "$(xv path -t "$HS" 10.1.1.4 192.168.1.10 -j)" = "$(xv path -t "$HS" app1 192.168.1.10 -j)" ]
	[ "$(xv path -t "$HS" 192.168.1.10 10.2.1.4 -j)" = "$(xv path -t "$HS" dc1-srv 10.2.1.4 -j)" ]
}

@test "path: a site host to its own site takes no hop" {
	run xv path -t "$HS" dc1-srv 192.168.7.7
	[ "$status" -eq 0 ]
	[ "$output" = "Delivered to site dc1" ]
	path_json "$HS" dc1-srv 192.168.7.7
	jq_true '.hops == [] and .deliveredTo == {"site":"dc1"}'
}

@test "path: reserved prefix with no route is dropped (NoneRoute)" {
	path_json "$HS" fw 10.9.9.9
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "NoneRoute" and .hops[0].nextHopType == "None" and .hops[0].addressPrefix == "10.0.0.0/8"'
}

@test "path: address in a VNet that no NIC owns (NoNicOwnsAddress)" {
	path_json "$HS" app1 10.0.1.99
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "NoNicOwnsAddress" and .hops[0].nextHopType == "VNetPeering"'
}

@test "path: two hubs, spoke to remote spoke crosses both firewalls" {
	path_json "$TH" we-app1 10.101.1.4
	[ "$status" -eq 0 ]
	jq_true '[.hops[] | .nic] == ["we-fw","ne-fw","ne-app1"]'
	jq_true '[.hops[] | .nextHopIpAddress] == ["10.0.1.4","10.100.1.4",null]'
	path_json "$TH" ne-app2 10.2.1.4
	jq_true '[.hops[] | .nic] == ["ne-fw","we-fw","we-app2"]'
}

@test "path: two hubs, on-premises reaches each region over the shared circuit" {
	path_json "$TH" dc1-srv 10.102.1.4
	[ "$status" -eq 0 ]
	jq_true '[.hops[] | .site // .circuit // .gateway // (.vnet + "/" + .subnet)] == ["dc1","er1","ne-ergw","ne-hub/GatewaySubnet","ne-hub/fw"]'
	jq_true '.hops[1].nextHopType == "VirtualNetworkGateway" and .hops[1].nextHopIpAddress == "10.100.255.4"'
	path_json "$TH" we-app2 192.168.1.10
	jq_true '[.hops[] | .nextHopType] == ["VirtualAppliance","VirtualNetworkGateway","ExpressRouteCircuit","Site"]'
}

# hub with an NVA, two spokes sending everything to it; $1: NVA options,
# $2: spoke2's allowForwardedTraffic, $3: the NVA IP the spokes use.
nva_lab() {
	topo <<YAML
name: nvalab
vnets:
  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: nva, addressPrefix: 10.0.1.0/24}]}
  - {name: s1, addressSpace: [10.1.0.0/16], subnets: [{name: a, addressPrefix: 10.1.1.0/24, routeTable: rt}]}
  - {name: s2, addressSpace: [10.2.0.0/16], subnets: [{name: a, addressPrefix: 10.2.1.0/24, routeTable: rt}]}
peerings:
  - {from: hub, to: s1}
  - {from: s1, to: hub, allowForwardedTraffic: true}
  - {from: hub, to: s2}
  - {from: s2, to: hub, allowForwardedTraffic: $2}
routeTables:
  - name: rt
    routes: [{name: all, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: $3}]
vms:
  - {name: nva, subnet: hub/nva, ip: 10.0.1.4$1}
  - {name: vm1, subnet: s1/a}
  - {name: vm2, subnet: s2/a}
YAML
}

@test "path: NVA relays spoke to spoke when forwarding is allowed" {
	path_json "$(nva_lab ", enableIpForwarding: true" true 10.0.1.4)" vm1 10.2.1.4
	[ "$status" -eq 0 ]
	jq_true '.deliveredTo.nic == "vm2"'
}

@test "path: NVA without IP forwarding drops (IpForwardingDisabled)" {
	path_json "$(nva_lab "" true 10.0.1.4)" vm1 10.2.1.4
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "IpForwardingDisabled"'
}

@test "path: peering without allowForwardedTraffic drops relayed traffic" {
	path_json "$(nva_lab ", enableIpForwarding: true" false 10.0.1.4)" vm1 10.2.1.4
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "ForwardedTrafficNotAllowed" and .hops[-1].vnet == "hub"'
}

@test "path: next hop IP owned by no NIC (VirtualApplianceUnreachable)" {
	path_json "$(nva_lab ", enableIpForwarding: true" true 10.0.1.99)" vm1 10.2.1.4
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "VirtualApplianceUnreachable"'
}

@test "path: allowVirtualNetworkAccess false on one side blocks both directions (PeeringAccessDenied)" {
	local f
	f=$(topo <<'YAML'
name: access
vnets:
  - {name: v1, addressSpace: [10.1.0.0/16], subnets: [{name: a, addressPrefix: 10.1.1.0/24}]}
  - {name: v2, addressSpace: [10.2.0.0/16], subnets: [{name: a, addressPrefix: 10.2.1.0/24}]}
peerings:
  - {from: v1, to: v2, allowVirtualNetworkAccess: false}
  - {from: v2, to: v1}
vms:
  - {name: vm1, subnet: v1/a}
  - {name: vm2, subnet: v2/a}
YAML
)
	path_json "$f" vm1 10.2.1.4
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "PeeringAccessDenied" and .hops[0].nextHopType == "VNetPeering"'
	path_json "$f" vm2 10.1.1.4
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "PeeringAccessDenied" and .hops[0].nextHopType == "VNetPeering"'
}

@test "path: two NVAs routing to each other (RoutingLoop)" {
	local f
	f=$(topo <<'YAML'
name: loop
vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: to-b}
      - {name: b, addressPrefix: 10.0.2.0/24, routeTable: to-a}
routeTables:
  - name: to-b
    routes: [{name: x, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}]
  - name: to-a
    routes: [{name: x, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]
vms:
  - {name: nva-a, subnet: v/a, enableIpForwarding: true}
  - {name: nva-b, subnet: v/b, enableIpForwarding: true}
YAML
)
	path_json "$f" nva-a 203.0.113.10
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "RoutingLoop" and ([.hops[] | .nic] == ["nva-b","nva-a"])'
}

@test "path: forced tunnelling to a VPN gateway's default site (Default site)" {
	local f
	f=$(topo <<'YAML'
name: gwudr
vnets:
  - name: v
    addressSpace: [10.1.0.0/16]
    subnets:
      - {name: GatewaySubnet, addressPrefix: 10.1.255.0/27}
      - {name: a, addressPrefix: 10.1.1.0/24, routeTable: rt}
routeTables:
  - name: rt
    routes: [{name: tunnel, addressPrefix: 0.0.0.0/0, nextHopType: VirtualNetworkGateway}]
gateways:
  - {name: gw, vnet: v, type: Vpn, defaultSite: dc}
sites:
  - {name: dc, addressSpace: [192.168.0.0/16], hosts: [{name: h, ip: 192.168.0.10}]}
connections:
  - {name: c, gateway: gw, site: dc}
vms:
  - {name: a1, subnet: v/a}
YAML
)
	path_json "$f" a1 8.8.8.8
	[ "$status" -eq 0 ]
	jq_true '.deliveredTo == {"site":"dc"}'
	jq_true '.hops[0] | .source == "User" and .nextHopType == "VirtualNetworkGateway" and .nextHop == "gw"'
	jq_true '.hops[1] | .gateway == "gw" and .addressPrefix == "0.0.0.0/0" and .nextHopType == "Site"'
	run xv nexthop -t "$f" a1 8.8.8.8 -j
	jq_true '. == {"nextHopType":"VirtualNetworkGateway","nextHopIpAddress":null,"routeTableId":"rt"}'
}

@test "path: flow options are checked (exit 2)" {
	run xv path -t "$HS" app1 10.2.1.4 -p icmp --port 80
	[ "$status" -eq 2 ]
	run xv path -t "$HS" app1 10.2.1.4 -p sctp
	[ "$status" -eq 2 ]
	[[ "$output" == *"bad --protocol 'sctp': use tcp, udp or icmp"* ]]
	run xv path -t "$HS" app1 10.2.1.4 --port 70000
	[ "$status" -eq 2 ]
	run xv path -t "$HS" nobody 10.2.1.4
	[ "$status" -eq 2 ]
	[[ "$output" == *"'nobody' is neither a VM nor a site host"* ]]
}
