#!/usr/bin/env bats
# apply beyond the fabric's routes: a firewall NVA's changed rules and snat
# mode, and the Internet edge's changed hosts, hold for real TCP, UDP and
# ICMP packets after `xvnet apply`, as `path --round-trip` predicts; an
# established connection survives the swap; apply says what it reloaded.
load common

setup_file() {
	deploy_example ap "$HS" || return 1
	start_listeners "$LAB"
	# who connects to app2:443, as app2 sees it
	"$XVNET" exec --lab "$LAB" app2 -- ncat -l -k 443 --sh-exec 'echo "from $NCAT_REMOTE_ADDR"' \
		>/dev/null 2>&1 3>&- &
	echo $! >>"$BATS_FILE_TMPDIR/$LAB.pids"
	sleep 0.5
}

teardown_file() {
	stop_listeners "$LAB"
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
}

teardown() {
	xv apply -t "$FILE" >/dev/null 2>&1 || true	# back to the deployed topology
}

# Each of ICMP, TCP 80 and UDP 80 from app1 to app2: the lab does what
# path --round-trip predicts from FILE ($1), and that is $2 $3 $4.
expect_flows() {
	local f=$1 want=("$2" "$3" "$4") i=0 p
	for p in icmp tcp udp; do
		echo "$p: predicted $(predicted "$f" app1 10.2.1.4 $p), observed $(did "$LAB" app1 10.2.1.4 $p), want ${want[$i]}"
		[ "$(predicted "$f" app1 10.2.1.4 $p)" = "${want[$i]}" ]
		[ "$(did "$LAB" app1 10.2.1.4 $p)" = "${want[$i]}" ]
		i=$((i + 1))
	done
}

@test "apply: a changed firewall rule holds for ICMP, TCP and UDP; an open connection survives" {
	expect_flows "$FILE" Delivered Delivered Delivered
	# ping only towards on-premises; spoke1 to spoke2 denied (web-out still lets TCP 80 through)
	new=$BATS_TEST_TMPDIR/rules.yaml
	sed -e 's/{name: ping, action: Allow, protocol: Icmp, source: Any, destination: Any}/{name: ping, action: Allow, protocol: Icmp, source: Any, destination: 192.168.0.0\/16}/' \
	    -e 's/{name: spoke1-to-spoke2, action: Allow,/{name: spoke1-to-spoke2, action: Deny,/' "$FILE" >"$new"
	! cmp -s "$FILE" "$new"
	# a TCP connection opened before the apply, used again after it (one
	# connection, answered line by line; the listener ends with it, or in 20 s)
	"$XVNET" exec --lab "$LAB" app2 -- timeout 20 ncat -l 8081 --sh-exec 'while read l; do echo "pong $l"; done' \
		</dev/null >/dev/null 2>&1 3>&- &
	sleep 0.5
	in_node "$LAB" app1 timeout 10 bash -c 'exec 3<>/dev/tcp/10.2.1.4/8081 && echo before >&3 &&
		head -n1 <&3 && sleep 3 && echo after >&3 && head -n1 <&3' </dev/null >"$BATS_TEST_TMPDIR/open" 2>&1 3>&- &
	client=$!
	sleep 1
	run xv apply -t "$new"
	echo "$output"
	[ "$status" -eq 0 ]
	expect_flows "$new" Dropped Delivered Dropped
	[ "$output" = "xvnet: $LAB: fabric routes applied; nftables rulesets reloaded: fw" ]
	xv inspect --lab "$LAB" -j | jq -e '[.. | objects | select(.rule? == "spoke1-to-spoke2")][0] | .action != "accept" and .packets > 0'
	wait "$client"
	cat "$BATS_TEST_TMPDIR/open"
	[ "$(cat "$BATS_TEST_TMPDIR/open")" = "$(printf 'pong before\npong after')" ]
	# a new connection on that port is now denied
	run in_node "$LAB" app1 timeout 2 bash -c 'exec 3<>/dev/tcp/10.2.1.4/8081'
	[ "$status" -ne 0 ]
	# back, and nothing else reloaded when nothing changed
	run xv apply -t "$FILE"
	[ "$output" = "xvnet: $LAB: fabric routes applied; nftables rulesets reloaded: fw" ]
	expect_flows "$FILE" Delivered Delivered Delivered
	run xv apply -t "$FILE"
	[ "$output" = "xvnet: $LAB: fabric routes applied; nftables rulesets unchanged" ]
}

# Who app2's port 443 sees connecting from app1 ("" when nothing answers).
seen_by_app2() {
	in_node "$LAB" app1 timeout 3 bash -c 'exec 3<>/dev/tcp/10.2.1.4/443 && head -n1 <&3' 2>/dev/null |
		sed -n 's/^from //p'
}

@test "apply: a changed snat mode holds: Always translates east-west flows to the firewall's address" {
	[ "$(seen_by_app2)" = 10.1.1.4 ]
	new=$BATS_TEST_TMPDIR/snat.yaml
	sed -e 's/^      defaultAction: Deny$/&\n      snat: Always/' "$FILE" >"$new"
	xv path -t "$new" --round-trip -j -p tcp --port 443 app1 10.2.1.4 |
		jq -e '.result == "Delivered" and .request.hops[0].snat == "10.0.1.4"'
	run xv apply -t "$new"
	echo "$output"
	[ "$(seen_by_app2)" = 10.0.1.4 ]
	expect_flows "$new" Delivered Delivered Delivered
	[ "$output" = "xvnet: $LAB: fabric routes applied; nftables rulesets reloaded: fw" ]
}

@test "apply: an Internet host added and removed, the edge's ruleset with it" {
	new=$BATS_TEST_TMPDIR/hosts.yaml
	sed -e 's/^    - {name: web, ip: 203.0.113.10}$/&\n    - {name: web2, ip: 203.0.113.20}/' "$FILE" >"$new"
	[ "$(predicted "$new" app1 203.0.113.20 icmp)" = Delivered ]
	[ "$(did "$LAB" app1 203.0.113.20 icmp)" = Dropped ]
	run xv apply -t "$new"
	echo "$output"
	[ "$(did "$LAB" app1 203.0.113.20 icmp)" = Delivered ]
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Delivered ]
	[ "$output" = "xvnet: $LAB: fabric routes applied; nftables rulesets reloaded: internet; Internet hosts: 1 added, 0 removed" ]
	run xv apply -t "$FILE"
	[ "$output" = "xvnet: $LAB: fabric routes applied; nftables rulesets reloaded: internet; Internet hosts: 0 added, 1 removed" ]
	[ "$(did "$LAB" app1 203.0.113.20 icmp)" = Dropped ]
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Delivered ]
}

@test "apply: every Internet host removed is taken off the edge, however many were added" {
	new=$BATS_TEST_TMPDIR/many.yaml
	hosts=""
	for i in $(seq 20 49); do hosts+="\n    - {name: web$i, ip: 203.0.113.$i}"; done
	sed -e "s/^    - {name: web, ip: 203.0.113.10}\$/&$hosts/" "$FILE" >"$new"
	run xv apply -t "$new"
	echo "$output"
	[ "$output" = "xvnet: $LAB: fabric routes applied; nftables rulesets reloaded: internet; Internet hosts: 30 added, 0 removed" ]
	[ "$(did "$LAB" app1 203.0.113.49 icmp)" = Delivered ]
	run xv apply -t "$FILE"
	echo "$output"
	[ "$output" = "xvnet: $LAB: fabric routes applied; nftables rulesets reloaded: internet; Internet hosts: 0 added, 30 removed" ]
	[ "$(did "$LAB" app1 203.0.113.49 icmp)" = Dropped ]
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Delivered ]
}
