#!/usr/bin/env bats
# examples/hub-er-vpn.yaml as a real lab: an ExpressRoute and a VPN gateway
# side by side in the hub's GatewaySubnet (two gateway namespaces), and BGP
# transit between the VPN gateway's sites.
load common

setup_file() { up_example hy "$REPO/examples/hub-er-vpn.yaml"; }

teardown_file() { down_example; }

@test "hybrid: two gateway namespaces on the GatewaySubnet" {
	[ "$(jq -r '[.nodes[] | select(.kind == "gateway") | .name] | sort | join(" ")' \
		"/run/xvnet/$LAB/state.json")" = "hub-er hub-vpn" ]
	[ "$(did "$LAB" hub-vm 10.0.255.4 icmp)" = Delivered ]
	[ "$(did "$LAB" spoke-vm 10.0.255.5 icmp)" = Delivered ]
}

@test "hybrid: the node receiving each VM's flow is the one xvnet path predicts" {
	run check_receivers "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

# site_probe SITE HOST HOST_IP DST: a UDP probe from HOST of SITE to DST;
# prints the nodes xvnet path predicts and those that received it.
site_probe() {
	local site=$1 host=$2 src=$3 dst=$4 want got
	in_node "$LAB" "$site" bash -c "echo probe >/dev/udp/$dst/$PROBE_PORT" 2>/dev/null
	sleep 0.3
	want=$(xv path -t "$FILE" -j -p udp --port "$PROBE_PORT" "$host" "$dst" |
		predicted_receivers | sort | tr '\n' ' ')
	got=$(probe_receivers "$LAB" | awk -v s="$src" -v d="$dst" '$2 == s && $3 == d { print $1 }' |
		sort | tr '\n' ' ')
	echo "$host -> $dst: path predicts [$want], received by [$got]"
	[ "$want" = "$got" ]
}

@test "hybrid: the data centre over ExpressRoute, the recovery site over VPN" {
	xv path -t "$FILE" -j spoke-vm 192.168.1.10 | jq -e '[.hops[].gateway] | index("hub-er")'
	xv path -t "$FILE" -j spoke-vm 192.168.100.10 | jq -e '[.hops[].gateway] | index("hub-vpn")'
	for proto in icmp tcp udp; do
		[ "$(did "$LAB" spoke-vm 192.168.1.10 "$proto")" = Delivered ]
		[ "$(did "$LAB" hub-vm 192.168.100.10 "$proto")" = Delivered ]
	done
}

@test "hybrid: branch to branch and data centre to recovery site through the VPN gateway" {
	for proto in icmp tcp udp; do
		[ "$(did "$LAB" branch1 172.20.2.10 "$proto")" = Delivered ]
		[ "$(did "$LAB" dc1 192.168.100.10 "$proto")" = Delivered ]
	done
	run site_probe branch1 b1-srv 172.20.1.10 172.20.2.10
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"received by [branch2 hub-vpn ]"* ]]
	run site_probe dc1 dc1-srv 192.168.1.10 192.168.100.10
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"received by [dr hub-vpn ]"* ]]
}
