#!/usr/bin/env bats
# xvnet check: validation, summary, diagnostics; and the generated topologies.
load common

@test "check: the examples are valid, with a one-line summary" {
	run xv check -t "$HS"
	[ "$status" -eq 0 ]
	[ "$output" = "$HS: valid, lab hubspoke, 3 VNets, 4 subnets, 4 peerings, 2 route tables, 1 gateway, 1 site, 0 circuits, 1 connection, 3 VMs, 1 Internet host" ]
	run xv check -t "$TH" -j
	[ "$status" -eq 0 ]
	jq_true '. == {"file":"'"$TH"'","name":"twohubs","vnets":6,"subnets":8,"peerings":10,"routeTables":6,"gateways":2,"sites":1,"circuits":1,"connections":2,"vms":6,"internetHosts":1}'
	run xv check -t "$REPO/examples/scale-100.yaml" -j
	[ "$status" -eq 0 ]
	jq_true '.vnets == 101 and .subnets == 202 and .routeTables == 50'
}

@test "check: every problem on stderr as FILE:LINE:COL, exit 2, nothing on stdout" {
	local f
	f=$(topo <<'YAML'
name: bad
vnets:
  - name: v1
    adressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.1.1/24}
YAML
)
	run bash -c '"$0" check -t "$1" 2>/dev/null' "$XVNET" "$f"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "$f:4:5: error: unknown key 'adressSpace'"*"did you mean 'addressSpace'?" ]]
	[[ "${lines[1]}" == "$f:6:34: error: "*"10.0.1.1/24 has host bits set"* ]]
}

@test "check: cross-reference problems, all reported" {
	local f
	f=$(topo <<'YAML'
name: bad
vnets:
  - name: v1
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: nope}
  - name: v2
    addressSpace: [10.0.0.0/16]
    subnets:
      - {name: b, addressPrefix: 10.0.1.0/24}
peerings:
  - {from: v1, to: v2}
  - {from: v2, to: v1}
YAML
)
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -ge 2 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^"$f":[0-9]+:[0-9]+:\ error:\  ]]
	done
	grep -q "^$f:6:.*nope" <<<"$output"
	grep -q "overlap" <<<"$output"
}

@test "check: malformed YAML and unreadable files are exit 2" {
	run xv check -t - <<<$'name: x\nvnets: [\n'
	[ "$status" -eq 2 ]
	[[ "$output" == "-:"[0-9]*":"[0-9]*": error: malformed YAML"* ]]
	run xv check -t "$BATS_TEST_TMPDIR/missing.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"missing.yaml"* ]]
}

@test "check: a bad topology stops every verb with its diagnostics" {
	local f
	f=$(topo <<<$'name: bad\nvnets:\n  - {name: v1, addressSpace: [10.0.0.0/33], subnets: []}\n')
	for verb in "routes v1/a" "nexthop v1/a 10.0.0.1" "path v1 10.0.0.1"; do
		run xv $verb -t "$f"
		[ "$status" -eq 2 ]
		[[ "${lines[0]}" == "$f:3:"*": error: "* ]]
	done
}

@test "check --stats: times and counts every subnet's routes" {
	run xv check -t "$HS" --stats -j
	[ "$status" -eq 0 ]
	# hub/GatewaySubnet 11 rows (3 Invalid), hub/fw 9 (1), two spokes 4 (1).
	jq_true '.stats.routes == 28 and .stats.active_routes == 22'
	jq_true '.stats | (.load_s >= 0 and .validate_s >= 0 and .compute_s >= 0 and .peak_rss_mb > 0)'
	jq_true '.stats.total_s >= .stats.compute_s and .stats.readout_s >= 0'
}

@test "gen-topo: generated topologies are valid and sized as asked" {
	local f=$BATS_TEST_TMPDIR/gen.yaml
	"$REPO/scripts/gen-topo.sh" --spokes 7 --subnets 3 --site-prefixes 50 --vms >"$f"
	run xv check -t "$f" -j
	[ "$status" -eq 0 ]
	jq_true '. | .name == "scale7" and .vnets == 8 and .subnets == 23 and .peerings == 14 and .routeTables == 4 and .vms == 22 and .gateways == 1'
	# Odd spokes tunnel to the firewall; even ones do not.
	run xv nexthop -t "$f" spoke1/sn2 203.0.113.1 -j
	jq_true '.nextHopType == "VirtualAppliance" and .routeTableId == "spoke1-rt"'
	run xv nexthop -t "$f" spoke2/sn1 203.0.113.1 -j
	jq_true '.nextHopType == "Internet"'
	# The site's 50 prefixes reach every spoke through gateway transit.
	run xv routes -t "$f" spoke6/sn3 -j
	jq_true '[.value[] | select(.source == "VirtualNetworkGateway")] | length == 50'
	run "$REPO/scripts/gen-topo.sh" --spokes 0
	[ "$status" -eq 2 ]
}

@test "gen-topo: beyond 4096 site prefixes it switches to /26" {
	local f=$BATS_TEST_TMPDIR/gen.yaml
	"$REPO/scripts/gen-topo.sh" --spokes 1 --site-prefixes 5000 >"$f"
	run xv routes -t "$f" spoke1/sn1 -j
	[ "$status" -eq 0 ]
	jq_true '[.value[] | select(.source == "VirtualNetworkGateway")] | length == 5000 and .[-1].addressPrefix == ["172.20.225.192/26"]'
}

@test "check: a NUL in a name is refused, not cut short" {
	local f
	f=$(topo <<<$'name: "rel\\0; rm -rf /"\nvnets:\n  - {name: "v\\0x", addressSpace: [10.0.0.0/16]}\n')
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "$f:1:7: error: "*"NUL"* ]]
	[[ "${lines[1]}" == "$f:3:12: error: "*"NUL"* ]]
}

@test "check: control characters in names and references are refused, and escaped" {
	local f
	f=$(topo <<<$'name: lab\nvnets:\n  - {name: "v\\e[31m", addressSpace: [10.0.0.0/16]}\n  - {name: w, region: "west\\neu", addressSpace: [10.1.0.0/16]}\n')
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "$f:3:12: error: "*"'v\x1b[31m' holds a control character"* ]]
	[[ "${lines[1]}" == "$f:4:23: error: "*"'west\neu' holds a control character"* ]]
	[[ "$output" != *$'\e'* ]]
}

@test "check: leading zeros in addresses are refused with the reading meant" {
	local f
	f=$(topo <<'YAML'
name: lab
vnets:
  - name: v
    addressSpace: [010.0.0.0/16]
  - name: w
    addressSpace: [10.1.0.0/08]
  - name: x
    addressSpace: [10.2.0.0/16]
    subnets: [{name: a, addressPrefix: 10.2.1.0/24}]
vms:
  - {name: vm, subnet: x/a, ip: 10.2.1.04}
YAML
)
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == "$f:4:20: error: "*"'010.0.0.0/16'"*"leading zero"*"did you mean 10.0.0.0/16?" ]]
	[[ "${lines[1]}" == "$f:6:20: error: "*"did you mean 10.1.0.0/8?" ]]
	[[ "${lines[2]}" == "$f:11:33: error: "*"did you mean 10.2.1.4?" ]]
}

@test "check: a long name is shown cut short in messages" {
	local f long
	long=$(head -c 1000000 /dev/zero | tr '\0' 'x')
	f=$(topo <<<"name: lab
vnets:
  - {name: v, addressSpace: [10.0.0.0/16], subnets: [{name: a, addressPrefix: 10.0.1.0/24, routeTable: $long}]}
  - {name: \"$long!\", addressSpace: [10.1.0.0/16]}")
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[ "${#output}" -lt 2000 ]
	[[ "$output" == *"'xxxxxxxxxx"*"...'"* ]]
}

@test "gen-topo: beyond 500 spokes (Azure's peerings per VNet) the spokes get a hub per 500" {
	local f=$BATS_TEST_TMPDIR/gen.yaml
	"$REPO/scripts/gen-topo.sh" --spokes 501 --subnets 1 --vms >"$f"
	run xv check -t "$f" -j
	[ "$status" -eq 0 ]
	jq_true '. | .vnets == 503 and .gateways == 2 and .vms == 503 and .peerings == 1002'
	run xv nexthop -t "$f" spoke501/sn1 203.0.113.1 -j
	jq_true '.nextHopType == "VirtualAppliance" and .nextHopIpAddress == "10.1.1.4"'
}
