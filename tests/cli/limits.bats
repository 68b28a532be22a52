#!/usr/bin/env bats
# Hostile input: every oversized, deep, endless or malformed file ends in a
# clear error naming the file, exit 2, within 2 s. Big inputs are generated
# here, never committed.
load common

# Run xvnet under `timeout 5`, recording the wall time in $secs.
timed() {
	local t0 t1
	t0=$(date +%s.%N)
	run timeout 5 "$XVNET" "$@"
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc)
}

# Within 2 s, exit 2, and $1 in the first line of the message.
refused() {
	[ "$status" -eq 2 ] || { echo "status $status: ${output:0:2000}"; return 1; }
	[ "$(echo "$secs < 2" | bc)" -eq 1 ] || { echo "took ${secs}s"; return 1; }
	[[ "${lines[0]}" == *"$1"* ]] || { echo "want '$1' in: ${output:0:2000}"; return 1; }
}

# A valid lab whose route table rt holds $1 routes.
routes_topo() {
	local f=$BATS_TEST_TMPDIR/routes.yaml
	{
		printf 'name: big\nvnets:\n  - {name: v, addressSpace: [10.0.0.0/16], subnets: [{name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}]}\n'
		printf 'routeTables:\n  - name: rt\n    routes:\n'
		awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
			printf "      - {name: r%d, addressPrefix: %d.%d.%d.0/24, nextHopType: None}\n",
				i, 11 + int(i / 65536), int(i / 256) % 256, i % 256 }'
	} >"$f"
	echo "$f"
}

@test "limits: a file over the input limit is refused before it is read" {
	local f=$BATS_TEST_TMPDIR/huge.yaml
	truncate -s 100M "$f"
	timed check -t "$f"
	refused "$f: error: "
	[[ "$output" == *"64 MiB"*"--max-input"* ]]
}

@test "limits: --max-input lowers and raises the limit (K, M, G suffixes)" {
	timed check -t "$HS" --max-input 1K
	refused "$HS: error: "
	[[ "$output" == *"1 KiB"* ]]
	run xv check -t "$HS" --max-input 1M
	[ "$status" -eq 0 ]
	run xv routes -t "$HS" --max-input 2G spoke1/app
	[ "$status" -eq 0 ]
	run xv check -t "$HS" --max-input 12X
	[ "$status" -eq 2 ]
	[[ "$output" == *"--max-input"* ]]
	run xv check -t "$HS" --max-input 0
	[ "$status" -eq 2 ]
}

@test "limits: /dev/zero and an endless FIFO end at the limit" {
	timed check -t /dev/zero
	refused "/dev/zero: error: "
	local fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	(yes 'a: b' >"$fifo" 2>/dev/null &)
	timed check -t "$fifo" --max-input 8M
	refused "$fifo: error: "
	[[ "$output" == *"8 MiB"* ]]
	# and from stdin
	run bash -c 'head -c 20M /dev/zero | timeout 5 "$0" check -t - --max-input 10M' "$XVNET"
	[ "$status" -eq 2 ]
	[[ "$output" == "-: error: "* ]]
}

@test "limits: deep nesting is refused at the first level too deep" {
	local f=$BATS_TEST_TMPDIR/deep.yaml
	{ printf 'name: x\nvnets: '; head -c 200000 /dev/zero | tr '\0' '['; } >"$f"
	timed check -t "$f"
	refused "$f:2:"
	[[ "$output" == *"nested deeper than 64"* ]]
	# block style nesting too
	awk 'BEGIN { printf "name: x\n"; for (i = 0; i < 100; i++) { for (j = 0; j < i; j++) printf " "; printf "k%d:\n", i } }' >"$f"
	timed check -t "$f"
	refused "$f:"
	[[ "$output" == *"nested deeper than 64"* ]]
}

@test "limits: a list of millions of nodes is refused at the node limit" {
	local f=$BATS_TEST_TMPDIR/list.yaml
	{ printf 'name: x\nvnets:\n'; yes '  - a' | head -n 3000000; } >"$f"
	timed check -t "$f"
	refused "$f:"
	[[ "$output" == *"more than 200000 YAML nodes"* ]]
}

@test "limits: 40,000 and 10^6 routes in a table are refused quickly (Azure: 400)" {
	local f
	f=$(routes_topo 401)
	timed check -t "$f"
	refused "$f:7:7: error: "
	[[ "$output" == *"401 routes"*"400"* ]]
	# beyond the node limit long before the table is built
	f=$(routes_topo 40000)
	timed check -t "$f"
	refused "$f:"
	f=$(routes_topo 1000000)
	timed check -t "$f" --max-input 200M
	refused "$f:"
	run xv check -t "$(routes_topo 400)"
	[ "$status" -eq 0 ]
}

@test "limits: more than 500 peerings of one VNet are refused (Azure: 500)" {
	local f=$BATS_TEST_TMPDIR/peer.yaml
	awk 'BEGIN { printf "name: x\nvnets:\n  - {name: hub, addressSpace: [10.0.0.0/16]}\n";
		for (i = 1; i <= 501; i++) printf "  - {name: s%d, addressSpace: [10.%d.%d.0/24]}\n", i, 1 + int(i / 256), i % 256;
		printf "peerings:\n";
		for (i = 1; i <= 501; i++) printf "  - {from: hub, to: s%d}\n", i }' >"$f"
	timed check -t "$f"
	refused "$f:"
	[[ "$output" == *"vnet 'hub' has 501 peerings"*"500"* ]]
}

@test "limits: more than 3,000 subnets in a VNet are refused (Azure: 3,000)" {
	local f=$BATS_TEST_TMPDIR/subnets.yaml
	awk 'BEGIN { printf "name: x\nvnets:\n  - name: v\n    addressSpace: [10.0.0.0/8]\n    subnets:\n";
		for (i = 0; i <= 3000; i++) printf "      - {name: s%d, addressPrefix: 10.%d.%d.0/24}\n", i, int(i / 256), i % 256 }' >"$f"
	timed check -t "$f"
	refused "$f:6:7: error: "
	[[ "$output" == *"3001 subnets"*"3000"* ]]
}

@test "limits: a flood of errors is cut to the first 100 and a count" {
	local f=$BATS_TEST_TMPDIR/flood.yaml
	{ printf 'name: x\nvnets:\n'; yes '  - a' | head -n 150000; } >"$f"
	timed check -t "$f"
	refused "$f:3:5: error: "
	[ "${#lines[@]}" -eq 101 ]
	[ "${lines[100]}" = "$f: error: 149900 more errors not shown; fix the first ones and check again" ]
}
