#!/usr/bin/env bats
# An ICMP Deny rule in a firewall NVA: examples/hub-spoke.yaml with its
# "ping" rule set to Deny. Pings through the NVA die there, on that rule;
# TCP on the same paths still passes.
load common

setup_file() {
	up_example ic "$(renamed "$HS" icmp-deny 's/name: ping, action: Allow/name: ping, action: Deny/')"
}

teardown_file() { down_example; }

ping_packets() {
	xv inspect --lab "$LAB" -j | jq '.firewallRules[] | select(.rule == "ping") | .packets'
}

@test "icmp deny: path says the NVA drops the ping on its ping rule" {
	for dst in 203.0.113.10 10.2.1.4; do
		xv path -t "$FILE" -j -p icmp app1 "$dst" |
			jq -e '.result == "Dropped" and .dropReason == "FirewallDenied" and
				.hops[0].nic == "fw" and .hops[0].firewallRule == "ping"'
	done
}

@test "icmp deny: the ping to the Internet and to the other spoke dies at the NVA, counted by its rule" {
	before=$(ping_packets)
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Dropped ]
	[ "$(did "$LAB" app1 10.2.1.4 icmp)" = Dropped ]
	after=$(ping_packets)
	echo "ping rule: $before -> $after packets"
	[ "$after" -ge $((before + 2)) ]
	run xv inspect --lab "$LAB" -j
	echo "$output"
	jq -e '.firewallRules[] | select(.rule == "ping") | .action == "Deny"' <<<"$output"
	jq -e '.deniedFlows[] | select(.source == "10.1.1.4" and .destination == "10.2.1.4"
		and .protocol == "icmp") | .packets > 0' <<<"$output"
}

@test "icmp deny: TCP on the same paths still passes the NVA" {
	[ "$(predicted "$FILE" app1 10.2.1.4 tcp)" = Delivered ]
	[ "$(did "$LAB" app1 10.2.1.4 tcp)" = Delivered ]
	[ "$(did "$LAB" app1 203.0.113.10 tcp)" = Delivered ]
}
