#!/usr/bin/env bats
# tests/lab/nested-prefix.yaml as a real lab: a gateway keeps its VNet's
# ranges, every one of them, even when a site advertises a prefix nested
# in one; traffic from a branch goes where xvnet path says.
load common

NP=$REPO/tests/lab/nested-prefix.yaml

setup_file() { up_example np "$NP"; }
teardown_file() { down_example; }

# The nodes that received a UDP probe from the branch to $1, sorted.
probe_from_branch() {
	in_node "$LAB" branch-pc bash -c "echo probe >/dev/udp/$1/$PROBE_PORT"
	sleep 0.3
	probe_receivers "$LAB" | awk -v d="$1" '$2 == "192.168.1.10" && $3 == d { print $1 }' |
		sort | tr '\n' ' '
}

# What xvnet path says a probe from the branch to $1 reaches, sorted.
path_from_branch() {
	xv path -t "$FILE" -j -p udp --port "$PROBE_PORT" branch-pc "$1" |
		predicted_receivers | sort | tr '\n' ' '
}

@test "nested prefix: the gateway's kernel route to 10.0.5.4 leads into the hub, not to dc" {
	run in_node "$LAB" hub-gw ip -4 route get 10.0.5.4
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *" dev eth0 "* ]]
}

@test "nested prefix: the branch reaches 10.0.5.4 in the hub (ICMP, TCP), as xvnet path says" {
	xv path -t "$FILE" -j branch-pc 10.0.5.4 | jq -e '.deliveredTo.nic == "app1"'
	for proto in icmp tcp; do
		[ "$(predicted "$FILE" branch-pc 10.0.5.4 $proto)" = Delivered ]
		[ "$(did "$LAB" branch-pc 10.0.5.4 $proto)" = Delivered ]
	done
}

@test "nested prefix: the branch's probe to 10.0.5.4 is received by exactly the nodes path predicts" {
	want=$(path_from_branch 10.0.5.4)
	got=$(probe_from_branch 10.0.5.4)
	echo "path predicts [$want], received by [$got]"
	[ "$want" = "app1 hub-gw " ]
	[ "$got" = "$want" ]
}

@test "two ranges: the gateway routes each of the hub's ranges, and the branch reaches both" {
	for dst in 10.0.1.1 10.50.1.4; do
		run in_node "$LAB" hub-gw ip -4 route get "$dst"
		echo "$output"
		[[ $output == *" dev eth0 "* ]]
	done
	for proto in icmp tcp; do
		[ "$(predicted "$FILE" branch-pc 10.50.1.4 $proto)" = Delivered ]
		[ "$(did "$LAB" branch-pc 10.50.1.4 $proto)" = Delivered ]
	done
	want=$(path_from_branch 10.50.1.4)
	got=$(probe_from_branch 10.50.1.4)
	echo "path predicts [$want], received by [$got]"
	[ "$want" = "data1 hub-gw " ]
	[ "$got" = "$want" ]
}

@test "nested prefix: dc keeps its own space, as path says, though it learns the hub's range" {
	xv path -t "$FILE" -j dc-srv 10.0.5.4 | jq -e '.result == "Delivered" and .deliveredTo.site == "dc"'
	run in_node "$LAB" dc-srv ip -4 route get 10.0.5.4
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *unreachable* ]]
	# ... while the rest of the hub's range is the gateway's.
	run in_node "$LAB" dc-srv ip -4 route get 10.0.6.4
	echo "$output"
	[[ $output == *" dev g-hub-gw "* ]]
}
