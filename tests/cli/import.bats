#!/usr/bin/env bats
# xvnet import: Azure's own JSON (az CLI, ARM resources, learned routes) in,
# a topology file out. Fixtures: tests/fixtures/azure (README.md there).
load common

FX=$REPO/tests/fixtures/azure

# Import into $BATS_TEST_TMPDIR/NAME.yaml; stderr in $BATS_TEST_TMPDIR/NAME.err.
imp() {
	local name=$1
	shift
	xv import -o "$BATS_TEST_TMPDIR/$name.yaml" "$@" 2>"$BATS_TEST_TMPDIR/$name.err"
}

# The JSON effective routes of TARGET in two topologies are the same rows.
same_routes() {
	diff <(xv routes -t "$1" "$3" -j | jq -S '.value | sort_by(.addressPrefix, .source, .state)') \
		<(xv routes -t "$2" "$3" -j | jq -S '.value | sort_by(.addressPrefix, .source, .state)')
}

@test "import: hub-spoke from az CLI lists gives the example's effective routes" {
	imp hs "$FX/hub-spoke"
	local out=$BATS_TEST_TMPDIR/hs.yaml
	run xv check -t "$out"
	[ "$status" -eq 0 ]
	for s in hub/GatewaySubnet hub/fw spoke1/app spoke2/app; do
		same_routes "$HS" "$out" "$s"
	done
	# names are Azure's: the VM (not its NIC), the route tables, the site
	run xv nexthop -t "$out" app1 192.168.1.10 -j
	[ "$status" -eq 0 ]
	# Network Watcher names the route table by its resource id: kept from the export
	jq_true '.nextHopType == "VirtualAppliance" and .nextHopIpAddress == "10.0.1.4" and
		.routeTableId == "/subscriptions/5d2f0a8e-7c1b-4e55-9d3a-2b6f8c1e4a90/resourceGroups/rg-hub/providers/Microsoft.Network/routeTables/spoke-rt"'
	run xv nexthop -t "$out" app1 192.168.1.10 --compare "$REPO/tests/fixtures/azure/saved/app1-next-hop.json"
	[ "$status" -eq 0 ]
	# the NIC's name is a target too
	diff <(xv routes -t "$out" app1-nic) <(xv routes -t "$out" app1)
	grep -qx '  - {name: hub-dc1, gateway: hub-gw, site: dc1}' "$out"
	# the NVA's NIC forwards; the lab name comes from the output file
	grep -A4 -- '- name: fw$' "$out" | grep -q 'enableIpForwarding: true'
	grep -qx 'name: hs' "$out"
}

@test "import: ids are compared ignoring case (RG-SPOKES, HUB)" {
	imp hs "$FX/hub-spoke"
	# spoke2's peering names its remote VNet .../virtualNetworks/HUB
	grep -qx '  - {from: spoke2, to: hub, allowForwardedTraffic: true, useRemoteGateways: true}' \
		"$BATS_TEST_TMPDIR/hs.yaml"
	grep -qx '  - {from: hub, to: spoke1, allowGatewayTransit: true}' "$BATS_TEST_TMPDIR/hs.yaml"
	! grep -q absent "$BATS_TEST_TMPDIR/hs.err"
}

@test "import: unmodelled resources are listed on stderr and as comments, not fatal" {
	run imp um "$FX/unmodelled"
	[ "$status" -eq 0 ]
	local err=$BATS_TEST_TMPDIR/um.err out=$BATS_TEST_TMPDIR/um.yaml
	for what in "network security group nsg-web" "NAT gateway nat-egress" \
		"private endpoint pe-storage" "Virtual WAN vwan-global" "load balancer lb-web" \
		"rs-platform" "service endpoint" "Route Server"; do
		grep -q "not modelled: .*$what" "$err"
		grep -q "^# not modelled: .*$what" "$out"
	done
	run xv check -t "$out"
	[ "$status" -eq 0 ]
}

@test "import: the hub-spoke's NSG is listed too" {
	imp hs "$FX/hub-spoke"
	grep -qx 'xvnet import: not modelled: network security group nsg-app (resource group rg-spokes)' \
		"$BATS_TEST_TMPDIR/hs.err"
}

@test "import: ExpressRoute on-premises prefixes come from learned routes (ARM, az graph query)" {
	imp er "$FX/er-hub"
	local out=$BATS_TEST_TMPDIR/er.yaml
	run xv check -t "$out"
	[ "$status" -eq 0 ]
	# EBgp rows make the circuit's far side; the VNets' own (origin Network) do not
	grep -qx '    addressSpace: \[192.168.0.0/16, 172.16.32.0/20\]' "$out"
	grep -qx '  - {name: er-circuit, sites: \[er-circuit-onprem\]}' "$out"
	run xv routes -t "$out" er-spoke/app
	[ "$status" -eq 0 ]
	has_row "VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.10.255.4"
	has_row "VirtualNetworkGateway Active 172.16.32.0/20 VirtualNetworkGateway 10.10.255.4"
	! grep -q '10.10.0.0/16 VirtualNetworkGateway' <<<"$output"
}

@test "import: learned routes go by localAddress when the file name names no gateway" {
	mkdir "$BATS_TEST_TMPDIR/er"
	cp "$FX/er-hub/graph-network.json" "$BATS_TEST_TMPDIR/er/"
	cp "$FX/er-hub/learned-routes-er-gw.json" "$BATS_TEST_TMPDIR/er/bgp.json"
	imp er2 "$BATS_TEST_TMPDIR/er"
	grep -qx '    addressSpace: \[192.168.0.0/16, 172.16.32.0/20\]' "$BATS_TEST_TMPDIR/er2.yaml"
	# no learned routes at all: the circuit is kept, its far side unknown, said so
	rm "$BATS_TEST_TMPDIR/er/bgp.json"
	imp er3 "$BATS_TEST_TMPDIR/er"
	grep -q 'circuit er-circuit: no learned routes' "$BATS_TEST_TMPDIR/er3.err"
}

@test "import: names that collide across resource groups are qualified" {
	imp tg "$FX/two-groups"
	local out=$BATS_TEST_TMPDIR/tg.yaml
	run xv check -t "$out"
	[ "$status" -eq 0 ]
	grep -qx '  - name: rt-spokes-rg-hub1' "$out"
	grep -qx '  - name: rt-spokes-rg-hub2' "$out"
	grep -qx '      - {name: workload, addressPrefix: 10.30.1.0/24, routeTable: rt-spokes-rg-hub2}' "$out"
	grep -qx '  - name: vm-web-rg-hub2' "$out"
	# peerings name the other group in capitals (RG-HUB2, rg-HUB1)
	grep -qx '  - {from: vnet-hub-rg-hub1, to: vnet-hub-rg-hub2}' "$out"
	grep -qx '  - {from: vnet-hub-rg-hub2, to: vnet-hub-rg-hub1}' "$out"
	run xv nexthop -t "$out" vm-web-rg-hub2 10.35.1.1 -j
	jq_true '.nextHopType == "None" and (.routeTableId | endswith("/resourceGroups/rg-hub2/providers/Microsoft.Network/routeTables/rt-spokes"))'
	# one group alone: no collision, Azure's names unchanged
	imp one "$FX/two-groups/rg-hub1"
	grep -qx '  - name: rt-spokes' "$BATS_TEST_TMPDIR/one.yaml"
}

@test "import: a reference to an absent resource is reported; --strict makes it an error" {
	run imp half "$FX/hub-spoke/vnet-list.json" "$FX/hub-spoke/nic-list.json"
	[ "$status" -eq 0 ]
	# the subnets' route tables are not in the input
	grep -q 'absent: subnet spoke1/app: its route table /subscriptions/.*/resourceGroups/RG-HUB/providers/Microsoft.Network/routeTables/spoke-rt is not in the input' \
		"$BATS_TEST_TMPDIR/half.err"
	run xv check -t "$BATS_TEST_TMPDIR/half.yaml"
	[ "$status" -eq 0 ]
	run imp strict --strict "$FX/hub-spoke/vnet-list.json" "$FX/hub-spoke/nic-list.json"
	[ "$status" -eq 2 ]
	grep -q 'error: subnet spoke1/app: its route table .*spoke-rt is not in the input (--strict)' \
		"$BATS_TEST_TMPDIR/strict.err"
	[ ! -e "$BATS_TEST_TMPDIR/strict.yaml" ]
}

@test "import: NICs whose subnets are all absent leave nothing usable: exit 2" {
	run imp nics "$FX/hub-spoke/nic-list.json"
	[ "$status" -eq 2 ]
	grep -q 'absent: NIC app1-nic: its subnet' "$BATS_TEST_TMPDIR/nics.err"
	grep -q 'no virtual network could be imported' "$BATS_TEST_TMPDIR/nics.err"
	[ ! -e "$BATS_TEST_TMPDIR/nics.yaml" ]
}

@test "import: truncated JSON is an error at FILE:LINE:COL, nothing written" {
	local d=$BATS_TEST_TMPDIR/in
	mkdir "$d"
	cp "$FX/hub-spoke/"*.json "$d/"
	head -c 3000 "$FX/hub-spoke/vnet-list.json" >"$d/vnet-list.json"
	run imp tr "$d"
	[ "$status" -eq 2 ]
	grep -Eq "^$d/vnet-list.json:[0-9]+:[0-9]+: error: not valid JSON" "$BATS_TEST_TMPDIR/tr.err"
	[ ! -e "$BATS_TEST_TMPDIR/tr.yaml" ]
}

@test "import: JSON that is not Azure's is skipped with a note; alone it is exit 2" {
	echo '{"students": [{"name": "x"}]}' >"$BATS_TEST_TMPDIR/other.json"
	run imp na "$BATS_TEST_TMPDIR/other.json"
	[ "$status" -eq 2 ]
	grep -q 'other.json: skipped: not Azure resources' "$BATS_TEST_TMPDIR/na.err"
	grep -q 'no Azure resources in the input' "$BATS_TEST_TMPDIR/na.err"
	run imp mix "$BATS_TEST_TMPDIR/other.json" "$FX/hub-spoke"
	[ "$status" -eq 0 ]
	grep -q 'other.json: skipped' "$BATS_TEST_TMPDIR/mix.err"
}

@test "import: a saved effective route table and an empty list in the folder are fine" {
	local d=$BATS_TEST_TMPDIR/in
	mkdir "$d"
	cp "$FX/hub-spoke/"*.json "$d/"
	echo '[]' >"$d/express-route-list.json"
	xv routes -t "$HS" spoke1/app -j >"$d/effective-app1.json"
	run imp mix "$d"
	[ "$status" -eq 0 ]
	grep -q 'effective-app1.json: skipped: an effective route table' "$BATS_TEST_TMPDIR/mix.err"
	! grep -q 'express-route-list' "$BATS_TEST_TMPDIR/mix.err"
	same_routes "$HS" "$BATS_TEST_TMPDIR/mix.yaml" spoke1/app
}

@test "import: 50 MB of resources is read, never a crash" {
	local big=$BATS_TEST_TMPDIR/big.json
	# one VNet, then 700 NSGs with long rule descriptions: past 50 MB
	python3 - "$big" "$FX/hub-spoke/vnet-list.json" <<-'EOF'
	import json, sys
	vnets = json.load(open(sys.argv[2]))
	rule = {"name": "r", "properties": {"access": "Allow", "priority": 100,
	        "description": "x" * 72000, "destinationPortRange": "443"}}
	nsg = lambda i: {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n%d" % i,
	                 "name": "n%d" % i, "type": "Microsoft.Network/networkSecurityGroups",
	                 "properties": {"securityRules": [rule]}}
	json.dump(vnets + [nsg(i) for i in range(700)], open(sys.argv[1], "w"))
	EOF
	[ "$(stat -c %s "$big")" -gt 50000000 ]
	run imp big "$big"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'not modelled: network security group n[0-9]* (resource group rg)' "$BATS_TEST_TMPDIR/big.err")" -eq 700 ]
}

@test "import: usage errors" {
	run xv import
	[ "$status" -eq 2 ]
	[[ "$output" == *"missing FILE|DIR"* ]]
	run xv import --name BAD "$FX/hub-spoke"
	[ "$status" -eq 2 ]
	run xv import "$BATS_TEST_TMPDIR/none.json"
	[ "$status" -eq 2 ]
	[[ "$output" == *"none.json: No such file or directory"* ]]
	run xv import -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: xvnet import"* ]]
}

@test "bench-import: JSON with the machine, exit 1 on a missed target" {
	run env VNETS=30 "$REPO/scripts/bench-import.sh"
	[ "$status" -eq 0 ]
	jq_true '.benchmark == "import" and .vnets == 30 and .subnets == 120 and .peerings == 58
		and .pass and .total_s < .target_s and (.cpu | length > 0)'
	run env VNETS=30 TARGET_MB=1 "$REPO/scripts/bench-import.sh"
	[ "$status" -eq 1 ]
	jq_true '.pass == false'
	run "$REPO/scripts/bench-import.sh" --bad
	[ "$status" -eq 2 ]
}

@test "readme: 'Your own network' shows what import and --compare print" {
	local dir=$BATS_TEST_TMPDIR/readme n=0 f
	mkdir -p "$dir/run"
	ln -s "$REPO/tests" "$dir/run/tests"
	awk -v dir="$dir" '
		/^### Your own network/ { sec = 1; next }
		/^### / { sec = 0 }
		sec && /^```console$/ { inblock = 1; next }
		/^```$/ { inblock = 0; next }
		sec && inblock && /^\$ / { f = sprintf("%s/%03d", dir, ++n); print substr($0, 3) > f; next }
		sec && inblock && f != "" { print > f }' "$REPO/README.md"
	cd "$dir/run"
	for f in "$dir"/[0-9]*; do
		diff -u <(tail -n +2 "$f") <(bash -c "$(head -1 "$f" | sed -E "s|^(\./)?xvnet|$XVNET|")" 2>&1)
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}

@test "import: an exported ARM template, its expressions evaluated" {
	imp tpl "$FX/template"
	local out=$BATS_TEST_TMPDIR/tpl.yaml
	run xv check -t "$out"
	[ "$status" -eq 0 ]
	# names from parameters(), children from concat(), references from resourceId()
	grep -qx '      - {name: app, addressPrefix: 10.1.1.0/24, routeTable: spoke-rt}' "$out"
	grep -qx '  - {from: spoke1, to: hub, allowForwardedTraffic: true}' "$out"
	grep -qx '  - {from: hub, to: spoke1}' "$out"
	grep -qx '  - name: app1' "$out"
	! grep -q 'absent\|\[' "$BATS_TEST_TMPDIR/tpl.err"
	# an expression xvnet does not evaluate is left as written, and said
	jq '.resources[0].location = "[resourceGroup().location]"' \
		"$FX/template/hub-spoke-template.json" >"$BATS_TEST_TMPDIR/t.json"
	imp tpl2 "$BATS_TEST_TMPDIR/t.json"
	grep -q '1 template expression(s) left as written' "$BATS_TEST_TMPDIR/tpl2.err"
}

@test "import: advertised routes (the same shape as learned ones) are skipped with a note" {
	mkdir "$BATS_TEST_TMPDIR/er"
	cp "$FX/er-hub/graph-network.json" "$BATS_TEST_TMPDIR/er/"
	jq '.value |= map(.network = "10.200.0.0/16")' "$FX/er-hub/learned-routes-er-gw.json" \
		>"$BATS_TEST_TMPDIR/er/advertised-routes-er-gw.json"
	cp "$FX/er-hub/learned-routes-er-gw.json" "$BATS_TEST_TMPDIR/er/"
	imp adv "$BATS_TEST_TMPDIR/er"
	grep -q 'advertised-routes-er-gw.json: skipped: advertised routes' "$BATS_TEST_TMPDIR/adv.err"
	! grep -q 10.200.0.0 "$BATS_TEST_TMPDIR/adv.yaml"
}

@test "import: a VM with two NICs becomes one VM per NIC, named after the NIC" {
	local d=$BATS_TEST_TMPDIR/in
	mkdir "$d"
	cp "$FX/hub-spoke/"*.json "$d/"
	jq '. + [.[1] | .name = "app1-nic2" | .id |= sub("app1-nic$"; "app1-nic2")
		| .ipConfigurations[0].privateIPAddress = "10.1.1.5"]' "$FX/hub-spoke/nic-list.json" >"$d/nic-list.json"
	imp two "$d"
	local out=$BATS_TEST_TMPDIR/two.yaml
	grep -q 'VM app1 has several NICs: each is imported as a VM named after its NIC' "$BATS_TEST_TMPDIR/two.err"
	grep -qx '  - name: app1-nic' "$out"
	grep -qx '  - name: app1-nic2' "$out"
	! grep -qx '  - name: app1' "$out"
	run xv nexthop -t "$out" app1-nic2 10.2.1.4 -j
	[ "$status" -eq 0 ]
	# the VM that has one NIC keeps its own name
	grep -qx '  - name: app2' "$out"
}
