#!/usr/bin/env bats
# deploy --dataplane kernel: the same labs with Linux policy routing in the
# fabric namespace instead of the XDP fabric. Every flow is delivered or
# dropped as xvnet path says, and received by the nodes it predicts, as on
# the XDP fabric; the lab is torn down without a trace.
load common

setup_file() {
	export DATAPLANE=kernel TH_LAB
	TH_LAB=$(lab_name kt)
	up_example kh "$HS"
}

teardown_file() {
	down_example
	xv destroy --lab "$TH_LAB" >/dev/null 2>&1 || true
}

@test "kernel dataplane: the lab runs on ip rules and tables, no XDP fabric" {
	[ "$(jq -r .dataplane "/run/xvnet/$LAB/state.json")" = kernel ]
	[ ! -e "/sys/fs/bpf/xvnet/$LAB" ]
	run in_node "$LAB" fabric ip -j rule show
	# One rule per NIC: fw, app1, app2, hub-gw, the Internet edge.
	[ "$(jq '[.[] | select(.iif != null and .priority == 100)] | length' <<<"$output")" -eq 5 ]
	run in_node "$LAB" fabric ip link show
	[[ "$output" != *"xdp"* ]]
	# spoke1/app's table: the 0/0 UDR to the firewall, its own VNet's NIC.
	run in_node "$LAB" fabric ip route show table all
	grep -q "^default via 10.0.1.4 dev v-fw table 1002 onlink" <<<"$output"
	grep -q "^10.1.1.4 dev v-app1 table 1002 scope link" <<<"$output"
}

@test "kernel dataplane: every VM reaches exactly what Azure delivers (ICMP, TCP, UDP)" {
	run check_reachability "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "kernel dataplane: the node receiving each flow is the one xvnet path predicts" {
	run check_receivers "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "kernel dataplane: apply is refused, destroy leaves nothing" {
	run xv apply -t "$FILE"
	[ "$status" -eq 1 ]
	[[ "$output" == *"kernel-dataplane lab"* ]]
	# Still up and still forwarding.
	[ "$(did "$LAB" app1 10.2.1.4 icmp)" = Delivered ]
	xv destroy --lab "$LAB"
	[ -z "$(leftovers "$LAB")" ]
}

@test "kernel dataplane: two hubs over ExpressRoute, reachability as predicted" {
	LAB=$TH_LAB
	FILE=$(renamed "$TH" "$LAB")
	xv deploy --dataplane kernel -t "$FILE" >/dev/null
	install_probes "$LAB"
	start_listeners "$LAB"
	run check_reachability "$LAB" "$FILE"
	stop_listeners "$LAB"
	echo "$output"
	[ "$status" -eq 0 ]
}
