#!/usr/bin/env bats
# deploy --timings: the wall time of every step a deploy ran, with how many
# operations it took, in the deploy's own document (text and JSON).
load common

setup() {
	LAB=$(lab_name tm)
	FILE=$(renamed "$HS" "$LAB")
}

teardown() {
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
}

@test "timings: deploy --timings -j adds every step with its operations" {
	run xv deploy -t "$FILE" --timings -j
	[ "$status" -eq 0 ]
	nodes=$(jq '.nodes | length' <<<"$output")
	nics=$(jq '[.nodes[] | select(.nic)] | length' <<<"$output")
	# One namespace and one sysctl set per node, one attach per NIC end (two).
	jq -e --argjson n "$nodes" --argjson k "$nics" '
		(.timings | map({(.step): .}) | add) as $t |
		$t.namespaces.ops == $n and $t.sysctls.ops == $n and
		$t.veths.ops >= $k and $t["xdp attach"].ops == 2 * $k and
		$t.nft.ops >= 1 and $t.maps.ops == 1 and $t.topology.ops == 1 and
		all(.timings[]; .seconds >= 0 and (.step | type) == "string") and
		.timings_total_s >= ([.timings[].seconds] | add) - 0.001' <<<"$output"
	xv destroy --lab "$LAB" >/dev/null
	run xv deploy -t "$FILE" --timings
	[ "$status" -eq 0 ]
	[[ $output == *"Deploy timings"*"veths"*"xdp attach"*"total "* ]]
	xv destroy --lab "$LAB" >/dev/null
	[ -z "$(leftovers "$LAB")" ]
}

@test "timings: without --timings the document has none" {
	run xv deploy -t "$FILE" -j
	[ "$status" -eq 0 ]
	jq -e 'has("timings") | not' <<<"$output"
}
