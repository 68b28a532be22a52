#!/usr/bin/env bats
# A lab's life: refused before anything exists, up, refused twice, routes
# swapped in place, down without a trace (and down again refused), and
# recovered after a SIGKILL.
load common

setup() {
	LAB=$(lab_name lc)
	FILE=$(renamed "$HS" "$LAB")
}

teardown() {
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
}

@test "lifecycle: a bad topology is refused before anything is created" {
	bad=$(renamed "$HS" "$LAB" 's/nextHopIpAddress: 10.0.1.4}/nextHopIpAddress: 10.0.1.400}/')
	run xv deploy -t "$bad"
	echo "$output"
	[ "$status" -eq 2 ]
	[[ $output == *"$bad:"*"error:"* ]]
	[ -z "$(leftovers "$LAB")" ]
}

# 200 gateways: a wide root each (256 KiB) makes the fabric's tables some
# 50 MiB, while the topology, its routes and the lab's plan fit in a few.
# Under a 32 MiB address-space limit the compile runs out of memory: it
# must do so before a namespace is made or bpffs mounted (no unshare, no
# mount), and leave nothing behind.
@test "lifecycle: a fabric that cannot be compiled is refused before anything is created" {
	big=$BATS_TEST_TMPDIR/gw.yaml
	{
		echo "name: $LAB"
		echo "vnets:"
		for i in $(seq 1 200); do
			echo "  - {name: v$i, addressSpace: [10.$i.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.$i.255.0/27}]}"
		done
		echo "gateways:"
		for i in $(seq 1 200); do echo "  - {name: g$i, vnet: v$i, type: Vpn}"; done
	} >"$big"
	limit=$((32 << 20))
	prlimit --as=$limit "$XVNET" check -t "$big"
	run strace -f -qq -o "$BATS_TEST_TMPDIR/calls" -e trace=unshare,mount \
		prlimit --as=$limit "$XVNET" deploy -t "$big"
	echo "$output"
	[ "$(grep -cE "unshare|mount" "$BATS_TEST_TMPDIR/calls")" -eq 0 ]
	[ "$status" -eq 1 ]
	[ "$output" = "xvnet: out of memory" ]
	[ -z "$(leftovers "$LAB")" ]
}

@test "lifecycle: up, refused when already up, down leaves nothing, down again is fine" {
	xv deploy -t "$FILE" >/dev/null
	[ "$(did "$LAB" app1 10.2.1.4 icmp)" = Delivered ]
	run xv deploy -t "$FILE"
	[ "$status" -eq 1 ]
	[[ $output == *"already up"* ]]
	[ "$(did "$LAB" app1 10.2.1.4 icmp)" = Delivered ]
	# Every object carries the lab's marker, and nothing lands in the host.
	[ "$(ip netns list | grep -c "^xv-$LAB\.")" -eq 7 ]
	! ip -d link show | grep -qF "xvnet:$LAB:" || false
	in_node "$LAB" fabric ip -d link show | grep -qF "alias xvnet:$LAB:vm.app1"
	[ -d "/sys/fs/bpf/xvnet/$LAB" ]
	xv destroy --lab "$LAB"
	[ -z "$(leftovers "$LAB")" ]
	# Down again: nothing to do, and said so (a typo must not look done).
	run xv destroy --lab "$LAB"
	[ "$status" -eq 1 ]
	[[ $output == *"no lab '$LAB'"* ]]
	[[ $output != *destroyed* ]]
	[ -z "$(leftovers "$LAB")" ]
}

@test "lifecycle: apply swaps the fabric's routes without touching the namespaces" {
	xv deploy -t "$FILE" >/dev/null
	inode=$(stat -L -c %i "/run/netns/xv-$LAB.vm.app1")
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Delivered ]
	# Forced tunnelling becomes a black hole: 0/0 -> None.
	none=$BATS_TEST_TMPDIR/none.yaml
	perl -0pe 's/(default-via-fw, addressPrefix: 0.0.0.0\/0,\s*)nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4/$1nextHopType: None/' \
		"$FILE" >"$none"
	xv path -t "$none" -j app1 203.0.113.10 | jq -e '.result == "Dropped"'
	xv apply -t "$none"
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Dropped ]
	# The state now names the applied file: stats --lab reads its routes.
	xv inspect --lab "$LAB" -j | jq -e --arg f "$none" '.file == $f'
	xv stats --lab "$LAB" -j | jq -e '.routes[] | select(.route.addressPrefix == "0.0.0.0/0" and
		.route.source == "User" and .route.nextHopType == "None")'
	xv apply -t "$FILE"
	[ "$(did "$LAB" app1 203.0.113.10 icmp)" = Delivered ]
	[ "$(stat -L -c %i "/run/netns/xv-$LAB.vm.app1")" = "$inode" ]
	# A changed set of nodes is not a route change.
	more=$BATS_TEST_TMPDIR/more.yaml
	sed 's/^vms:/vms:\n  - {name: app3, subnet: spoke1\/app}/' "$FILE" >"$more"
	run xv apply -t "$more"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"destroy and deploy"* ]]
}

@test "lifecycle: a deploy killed half-way is removed by cleanup, its state gone or not" {
	big=$BATS_TEST_TMPDIR/big.yaml
	"$REPO/scripts/gen-topo.sh" --spokes 60 --subnets 1 --vms --name "$LAB" >"$big"
	for lost_state in no yes; do
		"$XVNET" deploy -t "$big" >/dev/null 2>&1 3>&- &
		pid=$!
		for _ in $(seq 500); do
			[ "$(ip netns list | grep -c "^xv-$LAB\.")" -ge 20 ] && break
			sleep 0.01
		done
		kill -9 "$pid"
		wait "$pid" || true
		[ -n "$(leftovers "$LAB")" ]	# half-way indeed
		[ "$lost_state" = no ] || rm -rf "/run/xvnet/$LAB"
		clean_up	# never removes a lab this test does not own
		[ -z "$(leftovers "$LAB")" ]
	done
}

@test "lifecycle: exec runs in the node (or a host's), inspect lists every node" {
	xv deploy -t "$FILE" >/dev/null
	run xv exec --lab "$LAB" app2 -- ip -4 -o addr show dev eth0
	[[ $output == *"10.2.1.4/24"* ]]
	run xv inspect --lab "$LAB" -j
	jq -e '[.nodes[] | select(.state == "running")] | length == 7' <<<"$output"
	jq -e '.nodes[] | select(.name == "hub-gw") | .kind == "gateway" and .address == "10.0.255.4/27"' <<<"$output"
	run xv exec --lab "$LAB" nosuchnode -- true
	[ "$status" -eq 2 ]
	# A site host runs in its site's namespace and answers from its own address.
	run xv exec --lab "$LAB" dc1-srv -- ping -c1 -W1 10.0.1.4
	echo "$output"
	[ "$status" -eq 0 ]
	run xv exec --lab "$LAB" fw -- ping -c1 -W1 192.168.1.10
	[ "$status" -eq 0 ]
	run xv exec --lab "$LAB" web -- ip -4 -o addr show
	[[ $output == *"203.0.113.10/32"* ]]
}
