#!/usr/bin/env bats
# Round trips with real packets: Internet egress translated by the firewall
# NVA and by the platform for a VM reaching the Internet itself, replies
# back the same way, the Internet edge answering translated flows only;
# asymmetric flows dropped by the NVA exactly when path --round-trip says
# so; VPN forced tunnelling through a default site.
load common

# Lab A: the hub-spoke example plus a VM reaching the Internet itself.
# Lab B: the GatewaySubnet lacks spoke1's route to the firewall (the classic
#        asymmetric mistake), and the firewall translates nothing.
# Lab C: examples/vpn-forced-tunnel.yaml.
setup_file() {
	LAB_A=$(lab_name ra) LAB_B=$(lab_name rb) LAB_C=$(lab_name rc)
	FILE_A=$(renamed "$HS" "$LAB_A" '/^      - {name: fw, addressPrefix: 10.0.1.0\/24}$/a\
      - {name: out, addressPrefix: 10.0.2.0/24}')
	printf '  - {name: direct, subnet: hub/out}\n' >"$BATS_FILE_TMPDIR/direct"
	sed -i "/^  - {name: app2, subnet: spoke2\/app}$/r $BATS_FILE_TMPDIR/direct" "$FILE_A"
	FILE_B=$(renamed "$HS" "$LAB_B" '/- {name: spoke1-via-fw/,+1d;s/^      defaultAction: Deny$/&\n      snat: Never/')
	FILE_C=$(renamed "$REPO/examples/vpn-forced-tunnel.yaml" "$LAB_C")
	export LAB_A LAB_B LAB_C FILE_A FILE_B FILE_C
	for l in A B C; do
		local lab=LAB_$l file=FILE_$l
		xv destroy --lab "${!lab}" >/dev/null 2>&1 || true
		xv deploy -t "${!file}" >"$BATS_FILE_TMPDIR/deploy.log" 2>&1 || {
			cat "$BATS_FILE_TMPDIR/deploy.log" >&3
			return 1
		}
		start_listeners "${!lab}"
	done
	# the default site answers any address: a listener there for the Internet
	"$XVNET" exec --lab "$LAB_C" hq -- ncat -l -k 443 --sh-exec 'echo "from $NCAT_REMOTE_ADDR"' \
		>/dev/null 2>&1 3>&- &
	echo $! >>"$BATS_FILE_TMPDIR/$LAB_C.pids"
	for l in "$LAB_A" "$LAB_B"; do
		"$XVNET" exec --lab "$l" internet -- ncat -l -k 443 --sh-exec 'echo "from $NCAT_REMOTE_ADDR"' \
			>/dev/null 2>&1 3>&- &
		echo $! >>"$BATS_FILE_TMPDIR/$l.pids"
	done
	sleep 0.5
}

teardown_file() {
	for l in "$LAB_A" "$LAB_B" "$LAB_C"; do
		stop_listeners "$l"
		xv destroy --lab "$l" >/dev/null 2>&1 || true
	done
}

# Who the server at DST:443 sees connecting from SRC ("" when nothing answers).
seen_from() {
	in_node "$1" "$2" timeout 3 bash -c "exec 3<>/dev/tcp/$3/443 && head -n1 <&3" 2>/dev/null |
		sed -n 's/^from //p'
}

# Packets counted by the rules of NODE's nftables table commented COMMENT.
nft_count() {
	in_node "$1" "$2" nft -j list table ip xvnet |
		jq --arg c "$3" '[.nftables[].rule? | select(.comment == $c) | .expr[] | .counter?.packets // empty] | add // 0'
}

rt() { # FILE SRC DST [options]: path --round-trip -j
	local f=$1
	shift
	xv path -t "$f" --round-trip -j "$@"
}

@test "internet: the firewall translates, the Internet sees its public address, the reply comes back" {
	local pub
	pub=$(rt "$FILE_A" app1 203.0.113.10 --port 443 | jq -r '.request.deliveredTo.publicIp')
	[ "$pub" = 198.51.100.1 ]
	[ "$(seen_from "$LAB_A" app1 203.0.113.10)" = "$pub" ]
	[ "$(did "$LAB_A" app1 203.0.113.10 icmp)" = Delivered ]
	# the NVA holds the translation, the edge the firewall's public address
	run xv inspect --lab "$LAB_A" -j
	[ "$status" -eq 0 ]
	jq -e '.translations[] | select(.node == "fw" and .source == "10.1.1.4" and
		.destination == "203.0.113.10" and .port == 443 and .translatedTo == "10.0.1.4")' <<<"$output"
	jq -e '.translations[] | select(.node == "internet" and .source == "10.0.1.4" and
		.protocol == "icmp" and .translatedTo == "198.51.100.1")' <<<"$output"
	run xv inspect --lab "$LAB_A"
	grep -E '^fw +tcp +10\.1\.1\.4 +203\.0\.113\.10 +443 +10\.0\.1\.4$' <<<"$output"
}

@test "internet: a VM reaching the Internet itself leaves with a public address of its own" {
	local pub
	rt "$FILE_A" direct 203.0.113.10 --port 443 |
		jq -e '.result == "Delivered" and .request.hops[0].nextHopType == "Internet" and
			.reply.hops[0].nic == "direct"'
	pub=$(rt "$FILE_A" direct 203.0.113.10 --port 443 | jq -r '.request.deliveredTo.publicIp')
	[ "$pub" = 198.51.100.4 ]
	[ "$(seen_from "$LAB_A" direct 203.0.113.10)" = "$pub" ]
	[ "$(did "$LAB_A" direct 203.0.113.10 udp)" = Delivered ]
}

@test "internet: no Internet host opens a flow to a private address" {
	local before
	before=$(nft_count "$LAB_A" internet inbound)
	run in_node "$LAB_A" internet ping -c1 -W1 10.1.1.4
	[ "$status" -ne 0 ]
	run in_node "$LAB_A" internet timeout 2 bash -c 'exec 3<>/dev/tcp/10.0.2.4/80'
	[ "$status" -ne 0 ]
	[ "$(nft_count "$LAB_A" internet inbound)" -ge $((before + 2)) ]
}

@test "internet: snat Never, the edge drops the untranslated source and counts it; path agrees" {
	local before
	rt "$FILE_B" app1 203.0.113.10 --port 443 | jq -e '.dropReason == "NoSourceNat"'
	before=$(nft_count "$LAB_B" internet untranslated)
	[ -z "$(seen_from "$LAB_B" app1 203.0.113.10)" ]
	[ "$(did "$LAB_B" app1 203.0.113.10 icmp)" = Dropped ]
	[ "$(nft_count "$LAB_B" internet untranslated)" -ge $((before + 2)) ]
}

@test "asymmetric: the firewall drops exactly the flows path --round-trip says, and counts them" {
	local src dst proto want got bad=0 before
	before=$(nft_count "$LAB_B" fw asymmetric)
	for flow in "dc1 192.168.1.10 10.1.1.4" "dc1 192.168.1.10 10.2.1.4" \
		    "app1 10.1.1.4 192.168.1.10" "app2 10.2.1.4 192.168.1.10"; do
		read -r node src dst <<<"$flow"
		for proto in icmp tcp udp; do
			local port=()
			[ "$proto" = icmp ] || port=(--port 80)
			want=$(rt "$FILE_B" "$src" "$dst" -p "$proto" "${port[@]}" | jq -r .result)
			# a site sends from its first host's address
			got=$(did "$LAB_B" "$node" "$dst" "$proto")
			echo "$node $dst $proto: path $want, lab $got"
			[ "$want" = "$got" ] || bad=1
		done
	done
	[ "$bad" -eq 0 ]
	# both shapes are there: dc1 to app1 is dropped, dc1 to app2 is not
	[ "$(rt "$FILE_B" 192.168.1.10 10.1.1.4 -p tcp --port 80 | jq -r '.dropReason + " " + .droppedBy')" = "AsymmetricRouting fw" ]
	[ "$(rt "$FILE_B" 192.168.1.10 10.2.1.4 -p tcp --port 80 | jq -r .result)" = Delivered ]
	[ "$(nft_count "$LAB_B" fw asymmetric)" -gt "$before" ]
}

@test "vpn forced tunnelling: the gateway sends the Internet to its default site, which answers" {
	rt "$FILE_C" app1 203.0.113.80 -p tcp --port 443 |
		jq -e '.result == "Delivered" and .request.deliveredTo == {"site": "hq"} and
			.request.hops[0].snat == "10.10.1.4" and .reply.deliveredTo.nic == "app1"'
	[ "$(seen_from "$LAB_C" app1 203.0.113.80)" = 10.10.1.4 ]
	[ "$(seen_from "$LAB_C" app2 198.51.100.77)" = 10.10.1.4 ]
	[ "$(did "$LAB_C" app1 203.0.113.80 icmp)" = Delivered ]
}

@test "vpn forced tunnelling: every round trip in the lab is what path --round-trip predicts" {
	run check_reachability "$LAB_C" "$FILE_C"
	echo "$output"
	[ "$status" -eq 0 ]
}
