#!/usr/bin/env bats
# A peering declared in one direction only: valid, but Azure shows it as
# Initiated and it carries no traffic. check warns, path says why.
load common

half() {
	topo <<'YAML'
name: half
vnets:
  - name: hub
    addressSpace: [10.0.0.0/16]
    subnets: [{name: fw, addressPrefix: 10.0.1.0/24}]
  - name: spoke
    addressSpace: [10.1.0.0/16]
    subnets: [{name: app, addressPrefix: 10.1.1.0/24, routeTable: rt}]
peerings:
  - {from: spoke, to: hub}
routeTables:
  - name: rt
    routes: [{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]
vms:
  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}
  - {name: app, subnet: spoke/app, ip: 10.1.1.4}
YAML
}

@test "check: a half peering is a warning naming the missing direction, exit 0" {
	local f
	f=$(half)
	run bash -c '"$0" check -t "$1" 2>&1 >/dev/null' "$XVNET" "$f"
	[ "$status" -eq 0 ]
	[ "$output" = "$f:10:5: warning: peering spoke -> hub has no reverse peering hub -> spoke; Azure shows it as Initiated and it carries no traffic; add {from: hub, to: spoke}" ]
	run bash -c '"$0" check -t "$1" 2>/dev/null' "$XVNET" "$f"
	[[ "$output" == "$f: valid, "* ]]
}

@test "check: both directions, no warning" {
	local f
	f=$(half)
	sed -i 's/^  - {from: spoke, to: hub}$/&\n  - {from: hub, to: spoke}/' "$f"
	run bash -c '"$0" check -t "$1" 2>&1 >/dev/null' "$XVNET" "$f"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "path: a drop explained by a half peering names it" {
	local f
	f=$(half)
	run xv path -t "$f" app 203.0.113.5 -j
	[ "$status" -eq 1 ]
	jq_true '.dropReason == "VirtualApplianceUnreachable" and .halfPeering == {"from": "spoke", "to": "hub"}'
	run xv path -t "$f" app 203.0.113.5
	[[ "${lines[-1]}" == "Dropped: VirtualApplianceUnreachable (half peering: spoke -> hub has no reverse hub -> spoke;"* ]]
	run xv path -t "$f" fw 10.1.1.4 -j
	jq_true '.dropReason == "NoneRoute" and .halfPeering.from == "spoke"'
}

@test "path: a drop with no half peering involved names none" {
	local f
	f=$(half)
	run xv path -t "$f" fw 10.9.9.9 -j
	[ "$status" -eq 1 ]
	jq_true '.dropReason != null and (has("halfPeering") | not)'
}
