#!/usr/bin/env bats
# xvnet verify: real packets against path --round-trip, on the examples;
# a firewall changed behind the lab's back is caught, the flow named;
# --expect lists (a file, or a topology's expect: section).
load common

setup_file() {
	LAB_H=$(lab_name vh) LAB_V=$(lab_name vv) LAB_E=$(lab_name ve)
	FILE_H=$(renamed "$HS" "$LAB_H")
	FILE_V=$(renamed "$REPO/examples/vpn-forced-tunnel.yaml" "$LAB_V")
	FILE_E=$(renamed "$REPO/examples/hub-er-vpn.yaml" "$LAB_E")
	export LAB_H LAB_V LAB_E FILE_H FILE_V FILE_E
	for l in "$LAB_H:$FILE_H" "$LAB_V:$FILE_V" "$LAB_E:$FILE_E"; do
		xv destroy --lab "${l%%:*}" >/dev/null 2>&1 || true
		xv deploy -t "${l#*:}" >"$BATS_FILE_TMPDIR/deploy.log" 2>&1 || {
			cat "$BATS_FILE_TMPDIR/deploy.log" >&3
			return 1
		}
	done
}

teardown_file() {
	xv destroy --lab "$LAB_H" >/dev/null 2>&1 || true
	xv destroy --lab "$LAB_V" >/dev/null 2>&1 || true
	xv destroy --lab "$LAB_E" >/dev/null 2>&1 || true
}

# Our processes: verify leaves none (responders and probers are its children).
leftover_children() { pgrep -f "xvnet verify" || true; }

@test "verify: the hub-spoke lab does what path --round-trip predicts, every pair" {
	run xv verify --lab "$LAB_H" -j
	echo "$output" | head -c 2000
	[ "$status" -eq 0 ]
	jq -e '.mismatches == 0 and .total == 36 and ([.flows[] | select(.ok | not)] | length == 0)' <<<"$output"
	jq -e '.flows[] | select(.from == "dc1-srv" and .to == "app2" and .protocol == "tcp/80")
		| .via == ["dc1", "hub-gw", "fw", "app2"]' <<<"$output"
	# observed on the fabric, in the order the nodes saw it: the site is behind hub-gw
	jq -e '.flows[] | select(.from == "dc1-srv" and .to == "app2" and .protocol == "tcp/80")
		| .seen == ["hub-gw", "fw", "app2"] and .diedAt == null' <<<"$output"
	jq -e '.flows[] | select(.from == "app1" and .to == "app2" and .protocol == "icmp")
		| .seen == ["app1", "fw", "app2"]' <<<"$output"
	jq -e '.unobserved == 0 and all(.flows[]; .observedPath)' <<<"$output"
	[ -z "$(leftover_children)" ]
}

@test "verify: the VPN forced-tunnelling lab does what path --round-trip predicts" {
	run xv verify --lab "$LAB_V"
	echo "$output" | tail -3
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == "verify: "*" flows, 0 mismatches" ]]
}

@test "verify: the hybrid hub lab (ExpressRoute and VPN side by side, BGP branches) as predicted" {
	run xv verify --lab "$LAB_E"
	echo "$output" | grep -v '^ok '
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == "verify: "*" flows, 0 mismatches" ]]
}

@test "verify: a run right after another, routes changed between: no earlier state passes a reply" {
	xv verify --lab "$LAB_H" >/dev/null
	# the propagation mistake: app1 to dc1 bypasses the firewall, the reply meets it
	sed 's/^    disableBgpRoutePropagation: true$/    disableBgpRoutePropagation: false/' "$FILE_H" \
		>"$BATS_TEST_TMPDIR/propagation.yaml"
	xv apply -t "$BATS_TEST_TMPDIR/propagation.yaml"
	run xv verify --lab "$LAB_H"
	xv apply -t "$FILE_H"
	echo "$output" | grep -v '^ok '
	[ "$status" -eq 0 ]
	grep -E '^ok +app1 -> dc1-srv +icmp +Dropped at fw +Dropped: AsymmetricRouting at fw' <<<"$output"
}

@test "verify: a firewall changed behind the lab's back fails, naming the flow" {
	in_node "$LAB_H" fw nft insert rule ip xvnet forward ip saddr 10.1.1.4 ip daddr 192.168.1.10 tcp dport 443 drop
	run xv verify --lab "$LAB_H"
	in_node "$LAB_H" fw nft flush chain ip xvnet forward
	xv destroy --lab "$LAB_H" >/dev/null && xv deploy -t "$FILE_H" >/dev/null
	echo "$output" | grep -v '^ok '
	[ "$status" -eq 1 ]
	[ "$(grep -c '^MISMATCH ' <<<"$output")" -eq 1 ]
	# the flow, and the node it died in: the firewall took it and nothing came out
	grep -E '^MISMATCH +app1 -> dc1-srv +tcp/443 +Dropped at fw +Delivered .* app1 fw +the lab dropped it at fw$' <<<"$output"
	[[ "${lines[-1]}" == "verify: 36 flows, 1 mismatches: app1 -> dc1-srv tcp/443: the lab dropped it at fw" ]]
}

@test "verify: a lab routing around the firewall delivers, but not through the predicted nodes" {
	# the lab runs routes that bypass the firewall both ways to on-premises;
	# verify predicts from the file the lab was deployed from
	sed -e 's/^    disableBgpRoutePropagation: true$/    disableBgpRoutePropagation: false/' \
		-e '/spoke1-via-fw/,+1d' "$FILE_H" >"$BATS_TEST_TMPDIR/bypass.yaml"
	xv apply -t "$BATS_TEST_TMPDIR/bypass.yaml"
	run xv verify --lab "$LAB_H" -t "$FILE_H"
	xv apply -t "$FILE_H"
	echo "$output" | grep -v '^ok '
	[ "$status" -eq 1 ]
	grep -E '^MISMATCH +app1 -> dc1-srv +icmp +Delivered +Delivered .* app1 hub-gw +not seen by fw$' <<<"$output"
	grep -E '^MISMATCH +dc1-srv -> app1 +icmp +Delivered +Delivered .* hub-gw app1 +not seen by fw$' <<<"$output"
	# app2's replies still cross the firewall: asymmetric, dropped there
	grep -E '^MISMATCH +app2 -> dc1-srv +icmp +Dropped at fw +Delivered ' <<<"$output"
}

@test "verify: with a trace of the lab running, both see every frame (a ring each)" {
	"$XVNET" trace --lab "$LAB_H" --no-arp >"$BATS_TEST_TMPDIR/t" 2>&1 3>&- &
	pid=$!
	sleep 0.5
	run xv verify --lab "$LAB_H" -j
	kill -TERM "$pid"
	wait "$pid" || true
	[ "$status" -eq 0 ]
	jq -e '.mismatches == 0 and .unobserved == 0 and all(.flows[]; .ok and .observedPath)' <<<"$output"
	# the user's trace saw verify's probes, both ways
	grep -Eq '^10\.1\.1\.4:[0-9]+ > 192\.168\.1\.10:443 tcp  from app1 ' "$BATS_TEST_TMPDIR/t"
	grep -Eq '^192\.168\.1\.10:443 > 10\.1\.1\.4:[0-9]+ tcp  from fw ' "$BATS_TEST_TMPDIR/t"
}

@test "verify --expect: a list of flows with results and via, one wrong" {
	cat >"$BATS_TEST_TMPDIR/flows.yaml" <<'YAML'
- {from: app1, to: web, protocol: tcp, port: 443, result: Delivered, via: [fw, internet]}
- {from: app1, to: 203.0.113.10, protocol: tcp, port: 22, result: Dropped}
- {from: dc1-srv, to: app2, protocol: icmp, result: Delivered, via: [hub-gw, fw]}
- {from: app1, to: web, protocol: udp, port: 53, result: Delivered}
YAML
	run xv verify --lab "$LAB_H" --expect "$BATS_TEST_TMPDIR/flows.yaml" -j
	echo "$output"
	[ "$status" -eq 1 ]
	jq -e '.total == 4 and .mismatches == 1' <<<"$output"
	jq -e '.flows[3] | .ok == false and .expected == "Delivered" and .observed == "Dropped"
		and .predicted == "Dropped: FirewallDenied" and .mismatch == "expected Delivered"' <<<"$output"
	jq -e '[.flows[0:3][] | .ok] == [true, true, true]' <<<"$output"
	# a via the flow does not take
	printf -- '- {from: app1, to: app2, result: Delivered, via: [hub-gw]}\n' >"$BATS_TEST_TMPDIR/via.yaml"
	run xv verify --lab "$LAB_H" --expect "$BATS_TEST_TMPDIR/via.yaml"
	[ "$status" -eq 1 ]
	[[ "${lines[-1]}" == *"app1 -> app2 icmp: does not cross hub-gw" ]]
}

@test "verify --expect: a topology file's expect: section, and errors at their line" {
	cp "$FILE_V" "$BATS_TEST_TMPDIR/with-expect.yaml"
	cat >>"$BATS_TEST_TMPDIR/with-expect.yaml" <<'YAML'
expect:
  - {from: app1, to: 203.0.113.80, protocol: tcp, port: 443, result: Delivered, via: [fw, hub-gw, hq]}
  - {from: branch-srv, to: app2, result: Delivered}
YAML
	xv check -t "$BATS_TEST_TMPDIR/with-expect.yaml"
	run xv verify --lab "$LAB_V" --expect "$BATS_TEST_TMPDIR/with-expect.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == "verify: 2 flows, 0 mismatches" ]]
	printf -- '- {from: app1, to: app2, result: Maybe}\n- {from: app1, protocol: tcp}\n' \
		>"$BATS_TEST_TMPDIR/bad.yaml"
	run xv verify --lab "$LAB_V" --expect "$BATS_TEST_TMPDIR/bad.yaml"
	echo "$output"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "$BATS_TEST_TMPDIR/bad.yaml:1:"*": error: result 'Maybe': use Delivered or Dropped" ]]
	grep -q "bad.yaml:2:[0-9]*: error: an expected flow needs 'to'" <<<"$output"
	printf -- '- {from: nobody, to: app2, result: Dropped}\n' >"$BATS_TEST_TMPDIR/who.yaml"
	run xv verify --lab "$LAB_V" --expect "$BATS_TEST_TMPDIR/who.yaml"
	[ "$status" -eq 2 ]
	[[ "$output" == *"from 'nobody' is not a VM or site host of $LAB_V"* ]]
}
