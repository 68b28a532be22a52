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

# A probe from the branch to $1 is received by exactly the nodes xvnet
# path predicts, which are $2.
probe_as_predicted() {
	local want got
	want=$(xv path -t "$FILE" -j -p udp --port "$PROBE_PORT" branch-pc "$1" |
		predicted_receivers | sort | tr '\n' ' ')
	got=$(probe_from_branch "$1")
	echo "path predicts [$want], received by [$got]"
	[ "$want" = "$2" ] && [ "$got" = "$want" ]
}

# The branch reaches $1 (ICMP, TCP), as xvnet path says.
branch_reaches() {
	for proto in icmp tcp; do
		[ "$(predicted "$FILE" branch-pc "$1" $proto)" = Delivered ]
		[ "$(did "$LAB" branch-pc "$1" $proto)" = Delivered ]
	done
}

@test "nested prefix: the gateway's kernel route to 10.0.5.4 leads into the hub, not to dc" {
	run in_node "$LAB" hub-gw ip -4 route get 10.0.5.4
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *" dev eth0 "* ]]
}

@test "nested prefix: the branch reaches 10.0.5.4 in the hub (ICMP, TCP), as xvnet path says" {
	xv path -t "$FILE" -j branch-pc 10.0.5.4 | jq -e '.deliveredTo.nic == "app1"'
	branch_reaches 10.0.5.4
}

@test "nested prefix: the branch's probe to 10.0.5.4 is received by exactly the nodes path predicts" {
	run probe_as_predicted 10.0.5.4 "app1 hub-gw "
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "two ranges: the gateway routes each of the hub's ranges, and the branch reaches both" {
	for dst in 10.0.1.1 10.50.1.4; do
		run in_node "$LAB" hub-gw ip -4 route get "$dst"
		echo "$output"
		[[ $output == *" dev eth0 "* ]]
	done
	branch_reaches 10.50.1.4
	run probe_as_predicted 10.50.1.4 "data1 hub-gw "
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "nested prefix: dc keeps its own space, as path says, though it learns the hub's range" {
	xv path -t "$FILE" -j dc-srv 10.0.5.4 | jq -e '.result == "Delivered" and .deliveredTo.site == "dc"'
	run in_node "$LAB" dc-srv ip -4 route get 10.0.5.4
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"No route to host"* ]]
	# ... while the rest of the hub's range is the gateway's.
	run in_node "$LAB" dc-srv ip -4 route get 10.0.6.4
	echo "$output"
	[[ $output == *" dev g-hub-gw "* ]]
}
