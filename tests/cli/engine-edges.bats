#!/usr/bin/env bats
# Edges of the route engine as `routes`, `nexthop` and `path` show them.
load common

# VNet v 10.0.0.0/16 with a gateway to site dc (10.0.255.255/32 and
# 192.0.2.0/24) and, in subnet a's table, 10.0.0.0/8 VnetLocal.
edges() {
	topo <<'YAML'
name: edges
vnets:
  - name: v
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}
      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}
routeTables:
  - name: rt
    routes:
      - {name: wide-local, addressPrefix: 10.0.0.0/8, nextHopType: VnetLocal}
gateways:
  - {name: gw, vnet: v, type: Vpn, ip: 10.0.255.4}
sites:
  - {name: dc, addressSpace: [10.0.255.255/32, 192.0.2.0/24]}
connections:
  - {name: c, gateway: gw, site: dc}
vms:
  - {name: a1, subnet: v/a, ip: 10.0.1.4}
YAML
}

@test "engine edges: a learned /32 at a VNet range's last address is Invalid (VNet routes win)" {
	local f
	f=$(edges)
	run xv routes -t "$f" v/GatewaySubnet
	[ "$status" -eq 0 ]
	has_row "VirtualNetworkGateway Invalid 10.0.255.255/32 VirtualNetworkGateway 10.0.255.4"
	run xv nexthop -t "$f" v/GatewaySubnet 10.0.255.255 -j
	[ "$status" -eq 0 ]
	jq_true '.nextHopType == "VirtualNetwork"'
}

@test "engine edges: 10.0.0.0/8 VnetLocal in a 10.0.0.0/16 VNet is None (VnetLocal outside the VNet)" {
	local f
	f=$(edges)
	run xv nexthop -t "$f" v/a 10.9.0.1 -j
	[ "$status" -eq 0 ]
	jq_true '.nextHopType == "None" and .routeTableId == "rt"'
	run xv path -t "$f" a1 10.9.0.1 -j
	[ "$status" -eq 1 ]	# dropped
	jq_true '.result == "Dropped" and .dropReason == "NoneRoute"'
}
