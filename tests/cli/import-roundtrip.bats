#!/usr/bin/env bats
# export -> import round trip on every example: the same effective routes
# for every subnet and the same path results, in both of Azure's shapes.
load common

# The example's subnets ("VNET/SUBNET"), VM names and every address to send
# to (VMs, site hosts, internet hosts), from the exported az JSON and the file.
subnets() { jq -r '.[] | .name as $v | .subnets[] | "\($v)/\(.name)"' "$1/vnet-list.json"; }
vm_names() {
	jq -r '.[] | .virtualMachine.id | split("/") | last' "$1/nic-list.json"
	jq -r '.[].name' "$1/firewall-list.json"
}
addresses() {
	jq -r '.[].ipConfigurations[0].privateIPAddress' "$1/nic-list.json" "$1/firewall-list.json"
	grep -oE 'ip: [0-9.]+\}' "$2" | grep -oE '[0-9.]+' # hosts: {name: x, ip: a.b.c.d}
}

# Every subnet's routes, then every path, of topology $1 as one stream of
# JSON documents (one xvnet call each, one jq call in all).
answers() {
	local t=$1 s src dst
	for s in $subnets; do
		xv routes -t "$t" "$s" -j
	done
	for src in $sources; do
		for dst in $dests; do
			xv path -t "$t" "$src" "$dst" -j || true
		done
	done
}

# Rows in a stable order. A site behind ExpressRoute exists in Azure only
# as learned routes: the importer names it after its circuit, so site
# names (original or "<circuit>-onprem") read "SITE".
normalise() {
	jq -cS --argjson sites "$1" '
		(if has("value") then .value |= sort_by(.addressPrefix, .source, .state, .nextHopType) else . end)
		| walk(if type == "string" and (. as $s | endswith("-onprem") or ($sites | index([$s]) != null))
		       then "SITE" else . end)'
}

roundtrip() {
	local ex=$1 fmt=$2 step=${3:-1} sites subnets sources dests
	local dir=$BATS_TEST_TMPDIR/$fmt az=$BATS_TEST_TMPDIR/az out=$BATS_TEST_TMPDIR/back-$fmt.yaml
	xv export -t "$ex" --format "$fmt" "$dir"
	[ "$fmt" = az ] || xv export -t "$ex" --format az "$az"
	[ "$fmt" = arm ] || az=$dir
	xv import "$dir" -o "$out"
	xv check -t "$out"
	sites=$(awk '/^sites:/ { f = 1; next } /^[a-z]/ { f = 0 } f && /^  - name:/ { print $3 }' "$ex" |
		jq -R . | jq -sc .)
	subnets=$(subnets "$az" | awk -v s="$step" 'NR % s == 0')
	sources=$(vm_names "$az" | head -6)
	dests=$(addresses "$az" "$ex" | awk -v s="$step" 'NR % s == 0' | head -12)
	[ -n "$subnets" ] && [ -n "$sources" ] && [ -n "$dests" ]
	diff <(answers "$ex" | normalise "$sites") <(answers "$out" | normalise "$sites")
}

@test "round trip: hub-spoke, az CLI shape" {
	roundtrip "$HS" az
}

@test "round trip: hub-spoke, ARM shape" {
	roundtrip "$HS" arm
}

@test "round trip: two hubs over ExpressRoute, az CLI shape" {
	roundtrip "$TH" az
}

@test "round trip: two hubs over ExpressRoute, ARM shape" {
	roundtrip "$TH" arm
}

@test "round trip: every other example (a sample of scale-100's subnets)" {
	for ex in "$REPO"/examples/*.yaml; do
		case $ex in "$HS" | "$TH") continue ;; esac
		roundtrip "$ex" az 9
	done
}

@test "round trip: a firewall's default Allow survives as a last allow-all collection" {
	local f
	f=$(topo <<-'EOF'
	name: fwallow
	vnets:
	  - {name: v, addressSpace: [10.9.0.0/16], subnets: [{name: a, addressPrefix: 10.9.1.0/24}, {name: b, addressPrefix: 10.9.2.0/24, routeTable: rt}]}
	routeTables:
	  - {name: rt, routes: [{name: all, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.9.1.4}]}
	vms:
	  - name: fw
	    subnet: v/a
	    ip: 10.9.1.4
	    enableIpForwarding: true
	    firewall:
	      defaultAction: Allow
	      rules: [{name: no-web, action: Deny, protocol: Tcp, source: Any, destination: Any, destinationPorts: "80"}]
	  - {name: b1, subnet: v/b}
	EOF
	)
	xv export -t "$f" "$BATS_TEST_TMPDIR/x"
	jq -e '.[0].networkRuleCollections | map(.action.type) == ["Deny", "Allow"]' \
		"$BATS_TEST_TMPDIR/x/firewall-list.json"
	xv import "$BATS_TEST_TMPDIR/x" -o "$BATS_TEST_TMPDIR/back.yaml"
	run xv path -t "$BATS_TEST_TMPDIR/back.yaml" b1 203.0.113.10 -p tcp --port 80 -j
	jq_true '.result == "Dropped"'
	run xv path -t "$BATS_TEST_TMPDIR/back.yaml" b1 203.0.113.10 -p tcp --port 443 -j
	jq_true '.result == "Delivered"'
}

@test "export: usage and bad input" {
	run xv export -t "$HS" --format bicep "$BATS_TEST_TMPDIR/x"
	[ "$status" -eq 2 ]
	[[ "$output" == *"bad --format 'bicep': use az or arm"* ]]
	run xv export -t "$HS"
	[ "$status" -eq 2 ]
	echo 'name: [' >"$BATS_TEST_TMPDIR/bad.yaml"
	run xv export -t "$BATS_TEST_TMPDIR/bad.yaml" "$BATS_TEST_TMPDIR/x"
	[ "$status" -eq 2 ]
	[ ! -e "$BATS_TEST_TMPDIR/x" ]
	# DIR a link: refused, nothing written through it
	mkdir "$BATS_TEST_TMPDIR/real"
	ln -s "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/link"
	run xv export -t "$HS" "$BATS_TEST_TMPDIR/link"
	[ "$status" -eq 1 ]
	[ -z "$(ls "$BATS_TEST_TMPDIR/real")" ]
	# the resource group goes into every id
	xv export -t "$HS" -g rg-net "$BATS_TEST_TMPDIR/g"
	jq -e 'all(.[]; .id | test("/resourceGroups/rg-net/"))' "$BATS_TEST_TMPDIR/g/vnet-list.json"
}

@test "round trip: a site behind ExpressRoute and VPN stays one site" {
	xv export -t "$REPO/examples/hub-er-vpn.yaml" "$BATS_TEST_TMPDIR/x"
	# Azure has no resource for it on the ExpressRoute side: only learned routes
	jq -e '[.value[] | select(.origin == "EBgp") | .network] == ["192.168.0.0/16"]' \
		"$BATS_TEST_TMPDIR/x/learned-routes-hub-er.json"
	xv import "$BATS_TEST_TMPDIR/x" -o "$BATS_TEST_TMPDIR/back.yaml"
	grep -qx '  - {name: er1, sites: \[dc1\]}' "$BATS_TEST_TMPDIR/back.yaml"
	! grep -q onprem "$BATS_TEST_TMPDIR/back.yaml"
}
