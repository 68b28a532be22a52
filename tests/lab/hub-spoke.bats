#!/usr/bin/env bats
# examples/hub-spoke.yaml as a real lab: reachability, the node that
# receives every flow, forced tunnelling through the firewall NVA.
load common

# Each test runs in a process of its own: the Deny lab's name is fixed
# here, so that teardown_file destroys it when its test fails half-way.
setup_file() {
	export DENY
	DENY=$(lab_name dn)
	up_example hs "$HS"
}

teardown_file() {
	down_example
	xv destroy --lab "$DENY" >/dev/null 2>&1 || true
}

@test "hub-spoke: every VM reaches exactly what Azure delivers (ICMP, TCP, UDP)" {
	run check_reachability "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "hub-spoke: the node receiving each flow is the one xvnet path predicts" {
	run check_receivers "$LAB" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "hub-spoke: a spoke's Internet flow is counted by the NVA's web-out rule" {
	before=$(xv inspect --lab "$LAB" -j | jq '.firewallRules[] | select(.rule == "web-out") | .packets')
	[ "$(did "$LAB" app1 203.0.113.10 tcp)" = Delivered ]
	after=$(xv inspect --lab "$LAB" -j | jq '.firewallRules[] | select(.rule == "web-out") | .packets')
	[ "$after" -gt "$before" ]
	# ... and the path says it went through the firewall on that rule.
	xv path -t "$FILE" -j -p tcp --port 80 app1 203.0.113.10 |
		jq -e '.hops[0].nic == "fw" and .hops[0].firewallRule == "web-out" and .deliveredTo.internet'
}

@test "hub-spoke: the fabric's trace shows the Internet flow handed to the NVA" {
	out=$BATS_TEST_TMPDIR/trace
	timeout 3 "$XVNET" trace -t "$FILE" >"$out" 2>&1 3>&- &
	sleep 1
	did "$LAB" app1 203.0.113.10 tcp >/dev/null
	did "$LAB" app1 192.168.1.10 icmp >/dev/null
	wait || true
	cat "$out"
	# app1's frame is routed by the spoke's 0/0 UDR to the firewall, and the
	# firewall's (forwarded, source-NATed) frame by its subnet's 0/0 to the
	# Internet edge; the answer comes back to the firewall, not to app1.
	# TCP lines show the ports (source:port > destination:port).
	grep -E '^10\.1\.1\.4:[0-9]+ > 203\.0\.113\.10:80 tcp .*from app1 .*0\.0\.0\.0/0 .*-> fw' "$out"
	grep -E '^10\.0\.1\.4:[0-9]+ > 203\.0\.113\.10:80 tcp .*from fw .*-> Internet' "$out"
	grep -E '^203\.0\.113\.10:80 > 10\.0\.1\.4:[0-9]+ tcp .*from Internet .*-> fw' "$out"
	[ -z "$(grep -E '^203\.0\.113\.10(:[0-9]+)? > 10\.1\.1\.4(:[0-9]+)? .*from Internet' "$out")" ]
	# Towards dc1 the firewall's frame takes the learned route, named in full.
	grep -E '^10\.1\.1\.4 > 192\.168\.1\.10 icmp .*from fw .*route 192\.168\.0\.0/16 VirtualNetworkGateway VirtualNetworkGateway 10\.0\.255\.4 .*-> hub-gw' "$out"
}

@test "hub-spoke: stats --lab names NICs and routes as the lab was deployed, its file gone" {
	did "$LAB" app1 203.0.113.10 icmp >/dev/null
	# The names come from the lab's names table, not from the topology.
	mv "$FILE" "$FILE.away"
	run env -u XVNET_TOPOLOGY -C / "$XVNET" stats --lab "$LAB" -j
	mv "$FILE.away" "$FILE"
	echo "$output"
	[ "$status" -eq 0 ]
	jq -e '.nics[] | select(.nic == {"vm": "app1", "vnet": "spoke1", "subnet": "app"}) | .rx > 0' <<<"$output"
	jq -e '.routes[] | select(.table == "spoke1/app" and .route == {"addressPrefix": "0.0.0.0/0",
		"source": "User", "nextHopType": "VirtualAppliance", "nextHopIpAddress": "10.0.1.4"}) | .hits > 0' <<<"$output"
}

@test "hub-spoke: with web-out set to Deny, the flow dies at the NVA and is logged; two labs side by side" {
	file=$(renamed "$HS" "$DENY" 's/name: web-out, action: Allow/name: web-out, action: Deny/')
	xv deploy -t "$file" >/dev/null
	# Both labs are up at once, each answering on its own.
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Delivered ]
	[ "$(did "$DENY" app1 203.0.113.10 icmp)" = Delivered ]
	# Dropped by the NVA's web-out rule, not for any other reason.
	xv path -t "$file" -j -p tcp --port 80 app1 203.0.113.10 |
		jq -e '.result == "Dropped" and .dropReason == "FirewallDenied" and
			.hops[-1].nic == "fw" and .hops[-1].firewallRule == "web-out" and
			.hops[-1].firewallAction == "Deny"'
	[ "$(did "$DENY" app1 203.0.113.10 tcp)" = Dropped ]
	run xv inspect --lab "$DENY" -j
	echo "$output"
	jq -e '.firewallRules[] | select(.rule == "web-out") | .action == "Deny" and .packets > 0' <<<"$output"
	jq -e '.deniedFlows[] | select(.source == "10.1.1.4" and .destination == "203.0.113.10"
		and .protocol == "tcp" and .port == 80) | .packets > 0' <<<"$output"
	# The other lab's firewall never saw it.
	xv inspect --lab "$LAB" -j | jq -e '.deniedFlows | map(select(.port == 80 and .protocol == "tcp")) | length == 0'
	xv destroy --lab "$DENY"
	[ -z "$(leftovers "$DENY")" ]
}
