#!/usr/bin/env bats
# xvnet path --round-trip: the reply routed on its own, source NAT to the
# Internet, asymmetric routing through a stateful firewall NVA; the
# firewall's snat key; check's asymmetric-routing warning.
load common

# The hub-spoke example with the classic mistake: the GatewaySubnet sends
# spoke2 through the firewall but not spoke1.
asym() { sed -e '/- {name: spoke1-via-fw/,+1d' "$HS" | topo /dev/stdin asym; }

# The example with the firewall's snat set to $1.
snat() { sed -e "s/^      defaultAction: Deny$/      defaultAction: Deny\n      snat: $1/" "$HS" | topo /dev/stdin "snat-$1"; }

rt_json() { # FILE SOURCE DST [options]
	local f=$1
	shift
	run xv path -t "$f" --round-trip "$@" -j
}

@test "round trip: to the Internet through the firewall, translated and back" {
	rt_json "$HS" app1 203.0.113.10 --port 443
	[ "$status" -eq 0 ]
	jq_true '.result == "Delivered" and .dropReason == null and .droppedBy == null'
	jq_true '.request.hops[0] | .nic == "fw" and .firewallRule == "web-out" and .snat == "10.0.1.4"'
	jq_true '.request.deliveredTo == {"internet": true, "publicIp": "198.51.100.1"}'
	jq_true '.reply.hops[0] == {"internet": true, "nic": "fw", "publicIp": "198.51.100.1"}'
	jq_true '.reply.hops[1] | .vnet == "hub" and .subnet == "fw" and .nic == "app1"'
	jq_true '.reply.deliveredTo.nic == "app1" and .reply.result == "Delivered"'
}

@test "round trip: text shows both ways and the translation" {
	run xv path -t "$HS" --round-trip -p tcp --port 80 app1 203.0.113.10
	[ "$status" -eq 0 ]
	has_row "spoke1/app 0.0.0.0/0 User VirtualAppliance 10.0.1.4 fw (firewall rule web-out: Allow), source NAT to 10.0.1.4"
	has_row "Delivered to the Internet from 198.51.100.1"
	has_row "Internet fw (its public address 198.51.100.1)"
	has_row "Round trip: Delivered"
}

@test "round trip: on-premises to a spoke and back, both ways through the firewall" {
	rt_json "$HS" dc1-srv 10.2.1.4 -p tcp --port 22
	[ "$status" -eq 0 ]
	jq_true '[.request.hops[] | .nic // empty] == ["fw", "app2"]'
	jq_true '.reply.hops[0] | .nic == "fw" and .firewallState == "Tracked"'
	jq_true '.reply.deliveredTo == {"site": "dc1"}'
}

@test "round trip: the reply bypasses the GatewaySubnet's missing route: AsymmetricRouting" {
	local f
	f=$(asym)
	rt_json "$f" dc1-srv 10.1.1.4 -p tcp --port 22
	[ "$status" -eq 1 ]
	jq_true '.result == "Dropped" and .dropReason == "AsymmetricRouting" and .droppedBy == "fw"'
	jq_true '.request.result == "Delivered" and ([.request.hops[] | .nic // empty] == ["app1"])'
	jq_true '.reply.result == "Dropped" and .reply.droppedBy == "fw"'
	jq_true '.reply.hops[-1] | .nic == "fw" and .firewallState == "Untracked" and .firewallAction == "Deny"'
	run xv path -t "$f" --round-trip -p tcp --port 22 dc1-srv 10.1.1.4
	[ "$status" -eq 1 ]
	has_row "Dropped: AsymmetricRouting at fw (it never saw the request)"
	has_row "Round trip: Dropped: AsymmetricRouting at fw"
	# spoke2 is routed back through the firewall: symmetric
	rt_json "$f" dc1-srv 10.2.1.4 -p tcp --port 22
	[ "$status" -eq 0 ]
}

@test "round trip: TCP whose reply bypasses the firewall dies there, a ping comes back" {
	local f
	f=$(asym)
	rt_json "$f" app1 192.168.1.10 -p tcp --port 443
	[ "$status" -eq 1 ]
	jq_true '.reply.result == "Delivered" and .dropReason == "AsymmetricRouting" and .droppedBy == "fw"'
	rt_json "$f" app1 192.168.1.10
	[ "$status" -eq 0 ]
	jq_true '.result == "Delivered"'
}

@test "round trip: snat Never leaves a private source the Internet does not answer" {
	local f
	f=$(snat Never)
	rt_json "$f" app1 203.0.113.10 --port 443
	[ "$status" -eq 1 ]
	jq_true '.result == "Dropped" and .dropReason == "NoSourceNat" and .reply == null'
	jq_true '.request.hops[0].snat == null'
	f=$(snat Always)
	rt_json "$f" app1 10.2.1.4 --port 443
	[ "$status" -eq 0 ]
	jq_true '.request.hops[0].snat == "10.0.1.4" and .reply.hops[0].snatReversed == "10.1.1.4"'
}

@test "round trip: without --round-trip path is one-way and --round-trip is path's only" {
	run xv path -t "$HS" app1 203.0.113.10 --port 443 -j
	[ "$status" -eq 0 ]
	jq_true 'has("request") | not'
	run xv routes -t "$HS" spoke1/app --round-trip
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--round-trip'"* ]]
}

@test "snat: a bad value is refused at its line and column" {
	local f
	f=$(snat Sometimes)
	run xv check -t "$f"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "$f:"[0-9]*":"[0-9]*": error: "*"Sometimes"* ]]
	[[ "${lines[0]}" == *"Auto"*"Always"*"Never"* ]]
}

@test "check: asymmetric routing is a warning naming a few flows, exit 0" {
	local f
	f=$(asym)
	run xv check -t "$f"
	[ "$status" -eq 0 ]
	[[ "$output" == *"$f: valid"* ]]
	grep -q "^$f:[0-9]*:[0-9]*: warning: asymmetric routing: .* firewall NVA fw sees the .* only" <<<"$output"
	grep -q "^$f: warning: [0-9]* flows routed asymmetrically" <<<"$output"
	[ "$(grep -c ': warning: asymmetric routing: ' <<<"$output")" -eq 3 ]
	run xv check -t "$HS"
	[ "$status" -eq 0 ]
	[[ "$output" != *warning* ]]
}

# N VMs in one subnet, an Internet host, and a site of range $2 ("": none).
many_vms() { # FILE SITE-RANGE
	{
		echo "name: many"
		echo "vnets: [{name: v, addressSpace: [10.0.0.0/16], subnets: [{name: s, addressPrefix: 10.0.0.0/20}]}]"
		[ -z "$2" ] || echo "sites: [{name: dc, addressSpace: [$2]}]"
		echo "vms:"
		for i in $(seq 0 599); do echo "  - {name: vm$i, subnet: v/s}"; done
		echo "internet: {hosts: [{name: web, ip: 203.0.113.10}]}"
	} >"$1"
}

@test "public addresses: VM #509 on leaves from the benchmarking range" {
	many_vms "$BATS_TEST_TMPDIR/many.yaml" ""
	rt_json "$BATS_TEST_TMPDIR/many.yaml" vm508 203.0.113.10
	[ "$status" -eq 0 ]
	jq_true '.result == "Delivered" and .request.deliveredTo.publicIp == "198.18.0.1"'
	rt_json "$BATS_TEST_TMPDIR/many.yaml" vm507 203.0.113.10
	jq_true '.request.deliveredTo.publicIp == "192.0.2.254"'
}

@test "public addresses: running out is an error naming the first VM without one" {
	many_vms "$BATS_TEST_TMPDIR/out.yaml" 198.18.0.0/15
	run xv check -t "$BATS_TEST_TMPDIR/out.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"out.yaml:"*":"*": error: vm vm508: no public address left"* ]]
	run xv path -t "$BATS_TEST_TMPDIR/out.yaml" vm0 203.0.113.10
	[ "$status" -eq 2 ]
	run xv check -t "$BATS_TEST_TMPDIR/out.yaml" -o json
	[ "$status" -eq 2 ]
	jq_true '.valid == false and (.errors[0].message | startswith("vm vm508: no public address left")) and .errors[0].line == 513'
}
