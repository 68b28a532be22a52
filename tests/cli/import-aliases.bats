#!/usr/bin/env bats
# Azure's own spellings in a topology file (docs/topology.md, "ARM
# spellings"): pasted from ARM, Bicep or `az ... -o json`.
load common

@test "aliases: ARM spellings give the same topology as xvnet's own" {
	local arm own
	arm=$(topo arm <<-'EOF'
	name: arm
	vnets:
	  - name: hub
	    location: northeurope
	    addressSpace: {addressPrefixes: [10.0.0.0/16]}
	    subnets:
	      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}
	      - name: fw
	        addressPrefix: 10.0.1.0/24
	      - name: app
	        addressPrefix: 10.0.2.0/24
	        routeTable: {id: /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/app-rt}
	      - {name: web, addressPrefix: 10.0.3.0/24, routeTable: {name: app-rt}}
	routeTables:
	  - name: app-rt
	    location: northeurope
	    routes: [{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]
	gateways:
	  - {name: gw, vnet: hub, gatewayType: Vpn, location: northeurope}
	sites:
	  - {name: dc1, location: northeurope, localNetworkAddressSpace: {addressPrefixes: [192.168.0.0/16]}}
	  - {name: dc2, addressSpace: {addressPrefixes: [192.169.0.0/16]}}
	connections:
	  - {name: c1, gateway: gw, site: dc1, location: northeurope}
	  - {name: c2, gateway: gw, site: dc2}
	vms:
	  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIPForwarding: true, location: northeurope}
	  - {name: a1, subnet: hub/app}
	EOF
	)
	own=$(topo own <<-'EOF'
	name: own
	vnets:
	  - name: hub
	    region: northeurope
	    addressSpace: [10.0.0.0/16]
	    subnets:
	      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}
	      - {name: fw, addressPrefix: 10.0.1.0/24}
	      - {name: app, addressPrefix: 10.0.2.0/24, routeTable: app-rt}
	      - {name: web, addressPrefix: 10.0.3.0/24, routeTable: app-rt}
	routeTables:
	  - name: app-rt
	    routes: [{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]
	gateways:
	  - {name: gw, vnet: hub, type: Vpn}
	sites:
	  - {name: dc1, addressSpace: [192.168.0.0/16]}
	  - {name: dc2, addressSpace: [192.169.0.0/16]}
	connections:
	  - {name: c1, gateway: gw, site: dc1}
	  - {name: c2, gateway: gw, site: dc2}
	vms:
	  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}
	  - {name: a1, subnet: hub/app}
	EOF
	)
	run xv check -t "$arm"
	[ "$status" -eq 0 ]
	for s in hub/fw hub/app hub/web; do
		diff <(xv routes -t "$own" "$s" -j) <(xv routes -t "$arm" "$s" -j)
	done
	diff <(xv path -t "$own" a1 192.168.1.1 -j) <(xv path -t "$arm" a1 192.168.1.1 -j)
}

@test "aliases: both spellings of one key are a duplicate, reported at the second" {
	local f
	f=$(topo <<-'EOF'
	name: dup
	vnets:
	  - {name: v, addressSpace: [10.0.0.0/16], subnets: [{name: a, addressPrefix: 10.0.1.0/24}]}
	vms:
	  - {name: x, subnet: v/a, enableIpForwarding: true, enableIPForwarding: false}
	EOF
	)
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[[ "$output" == *"duplicate key 'enableIpForwarding'"* ]]
}

@test "aliases: an addressSpace mapping with other keys is still an error" {
	local f
	f=$(topo <<-'EOF'
	name: bad
	vnets:
	  - {name: v, addressSpace: {addressPrefixes: [10.0.0.0/16], foo: 1}}
	EOF
	)
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[[ "$output" == *"addressSpace"* ]]
}

@test "route table id and NIC name: nexthop prints the id, the NIC name is a target" {
	local f
	f=$(topo <<-'EOF'
	name: ids
	vnets:
	  - {name: v, addressSpace: [10.0.0.0/16], subnets: [{name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}]}
	routeTables:
	  - {name: rt, id: /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt,
	     routes: [{name: blackhole, addressPrefix: 10.9.0.0/16, nextHopType: None}]}
	vms:
	  - {name: vm1, nic: vm1-nic-01, subnet: v/a}
	  - {name: vm2, subnet: v/a, ip: 10.0.1.5}
	EOF
	)
	run xv nexthop -t "$f" vm1-nic-01 10.9.0.1 -j
	[ "$status" -eq 0 ]
	jq_true '.routeTableId == "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt"'
	run xv path -t "$f" vm1-nic-01 10.0.1.5 -j
	jq_true '.result == "Delivered"'
}
