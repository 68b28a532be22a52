#!/usr/bin/env bats
# A gateway answers for its own address (its instance address in the
# GatewaySubnet, where on-premises devices reach it for BGP): ping and a
# TCP session on port 179 from every VM and site host to every gateway of
# the hub-spoke example (VPN) and the hybrid example (ExpressRoute and VPN
# side by side) come back exactly when `path --round-trip` says so, the
# gateway's answer routed as the gateway routes.
load common

setup_file() {
	LAB_S=$(lab_name gs) LAB_H=$(lab_name gh)
	FILE_S=$(renamed "$HS" "$LAB_S")
	FILE_H=$(renamed "$REPO/examples/hub-er-vpn.yaml" "$LAB_H")
	export LAB_S LAB_H FILE_S FILE_H
	for l in S H; do
		local lab=LAB_$l file=FILE_$l g
		xv destroy --lab "${!lab}" >/dev/null 2>&1 || true
		xv deploy -t "${!file}" >"$BATS_FILE_TMPDIR/deploy.log" 2>&1 || {
			cat "$BATS_FILE_TMPDIR/deploy.log" >&3
			return 1
		}
		# a BGP-like listener in each gateway, ending by itself at the latest
		for g in $(gateways "${!lab}" | cut -d' ' -f1); do
			"$XVNET" exec --lab "${!lab}" "$g" -- timeout 300 ncat -l -k 179 \
				--sh-exec 'read l; echo "pong $l"' </dev/null >/dev/null 2>&1 3>&- &
			echo $! >>"$BATS_FILE_TMPDIR/${!lab}.pids"
		done
	done
	sleep 0.5
}

teardown_file() {
	for l in "$LAB_S" "$LAB_H"; do
		stop_listeners "$l"
		xv destroy --lab "$l" >/dev/null 2>&1 || true
	done
}

# "NAME IP" of every gateway of lab $1.
gateways() {
	jq -r '.nodes[] | select(.kind == "gateway") | "\(.name) \(.address | split("/")[0])"' \
		"/run/xvnet/$1/state.json"
}

# Does SRC (a node of lab LAB) get an answer from DST? icmp or tcp/179.
answered() { # LAB SRC-NODE SRC-IP DST PROTO
	local out
	case $5 in
	icmp) in_node "$1" "$2" ping -c1 -W1 -I "$3" "$4" >/dev/null 2>&1 && out=ok ;;
	tcp) out=$(in_node "$1" "$2" timeout 2 bash -c \
		"exec 3<>/dev/tcp/$4/179 && echo $3 >&3 && timeout 1 head -n1 <&3" 2>/dev/null) ;;
	esac
	case $out in ok | "pong $3") echo Delivered ;; *) echo Dropped ;; esac
}

# Every VM and site host to every gateway of lab $1 (file $2), ICMP and
# TCP 179: observed == predicted. Prints the flows; fails on a mismatch,
# or when nothing (or everything) comes back.
check_gateways() {
	local lab=$1 file=$2 n a g gip p port want got bad=0 ok=0 dropped=0
	while read -r n a; do
		while read -r g gip; do
			for p in icmp tcp; do
				port=()
				[ "$p" = icmp ] || port=(--port 179)
				want=$(xv path -t "$file" --round-trip -j -p "$p" "${port[@]}" "$a" "$gip" | jq -r .result)
				got=$(answered "$lab" "$n" "$a" "$gip" "$p")
				echo "$n $a -> $g $gip $p: predicted $want, observed $got"
				[ "$want" = "$got" ] || bad=$((bad + 1))
				[ "$got" = Delivered ] && ok=$((ok + 1)) || dropped=$((dropped + 1))
			done
		done < <(gateways "$lab")
	done < <(hosts "$lab" | grep -v '^internet ')
	echo "mismatches $bad, delivered $ok, dropped $dropped"
	[ "$bad" -eq 0 ] && [ "$ok" -gt 0 ] && [ "$dropped" -gt 0 ]
}

@test "gateway address: the hub-spoke VPN gateway answers as path --round-trip predicts" {
	run check_gateways "$LAB_S" "$FILE_S"
	echo "$output"
	[ "$status" -eq 0 ]
	# on-premises reaches it; a spoke's ping is answered through the firewall, which drops it
	[[ $output == *"dc1 192.168.1.10 -> hub-gw 10.0.255.4 icmp: predicted Delivered, observed Delivered"* ]]
	[[ $output == *"app1 10.1.1.4 -> hub-gw 10.0.255.4 icmp: predicted Dropped, observed Dropped"* ]]
	xv path -t "$FILE_S" --round-trip -j -p icmp app1 10.0.255.4 |
		jq -e '.dropReason == "AsymmetricRouting" and .droppedBy == "fw" and
			.request.deliveredTo.gateway == "hub-gw" and .reply.hops[0].gateway == "hub-gw"'
}

@test "gateway address: ExpressRoute and VPN gateways side by side answer as predicted" {
	run check_gateways "$LAB_H" "$FILE_H"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"dc1 192.168.1.10 -> hub-er 10.0.255.5 tcp: predicted Delivered, observed Delivered"* ]]
}
