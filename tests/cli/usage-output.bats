#!/usr/bin/env bats
# Output formats: -o table|json|jsonc|tsv|yaml (-j = -o json), one print path.
load common

yaml2json() { python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'; }

@test "output: -o json is -j, for every offline verb" {
	diff <(xv routes -t "$HS" app1 -j) <(xv routes -t "$HS" app1 -o json)
	diff <(xv nexthop -t "$HS" app1 8.8.8.8 --json) <(xv nexthop -t "$HS" app1 8.8.8.8 --output=json)
	diff <(xv path -t "$HS" app1 192.168.1.10 -j) <(xv path -t "$HS" app1 192.168.1.10 -o JSON)
	diff <(xv check -t "$HS" -j) <(xv check -t "$HS" -o json)
	# the last one given wins
	run xv routes -t "$HS" app1 -j -o table
	[[ "${lines[0]}" == Source* ]]
}

@test "output: yaml is the JSON document, strings that look like numbers quoted" {
	local f
	f=$(topo <<'Y'
name: n123
vnets:
  - name: "10"
    addressSpace: [10.0.0.0/16]
    subnets: [{ name: "true", addressPrefix: 10.0.1.0/24 }]
Y
)
	for cmd in "routes -t $HS app1" "nexthop -t $HS hub/fw 10.1.1.4" "path -t $HS app1 203.0.113.10" \
		"check -t $HS" "routes -t $f 10/true"; do
		diff <(xv $cmd -o json | jq -S .) <(xv $cmd -o yaml | yaml2json | jq -S .) ||
			{ echo "differs: $cmd"; return 1; }
	done
}

@test "output: tsv is one line per table row, values tab-separated in column order" {
	run xv routes -t "$HS" app1 -o tsv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$(xv routes -t "$HS" app1 -j | jq '.value | length')" ]
	[ "$(cut -f1-4 <<<"${lines[0]}")" = "$(printf 'Default\tActive\t10.1.0.0/16\tVnetLocal')" ]
	grep -qxF "$(printf 'User\tActive\t0.0.0.0/0\tVirtualAppliance\t10.0.1.4\tdefault-via-fw\ttrue')" <<<"$output"
	# a document without a table is one line
	run xv nexthop -t "$HS" app1 8.8.8.8 -o tsv
	[ "$output" = "$(printf 'VirtualAppliance\t10.0.1.4\tspoke-rt')" ]
}

@test "output: jsonc is coloured on a terminal only, and never with NO_COLOR" {
	# into a pipe: plain JSON
	diff <(xv nexthop -t "$HS" app1 8.8.8.8 -o jsonc) <(xv nexthop -t "$HS" app1 8.8.8.8 -j)
	# on a terminal (script gives one): escapes
	run script -qec "$XVNET nexthop -t $HS app1 8.8.8.8 -o jsonc" /dev/null
	[[ "$output" == *$'\e[34m"nextHopType"\e[0m: \e[32m"VirtualAppliance"\e[0m'* ]]
	run script -qec "env NO_COLOR=1 $XVNET nexthop -t $HS app1 8.8.8.8 -o jsonc" /dev/null
	[[ "$output" != *$'\e['* ]]
	jq -e '.nextHopType == "VirtualAppliance"' <<<"${output//$'\r'/}"
}

@test "output: check -o json reports errors as objects on stdout, exit 2" {
	local f
	f=$(topo <<'Y'
name: bad
vnets:
  - name: a
    adressSpace: [10.0.0.0/16]
Y
)
	run bash -c '"$0" check -t "$1" -o json 2>/dev/null' "$XVNET" "$f"
	[ "$status" -eq 2 ]
	jq -e --arg f "$f" '.valid == false and .file == $f and (.errors | length) >= 1' <<<"$output"
	jq -e --arg f "$f" '.errors[0] == {"file": $f, "line": 4, "column": 5,
		"message": "unknown key '"'adressSpace'"' in vnet '"'a'"'; did you mean '"'addressSpace'"'?"}' <<<"$output"
	run bash -c '"$0" check -t /nonexistent.yaml -o yaml 2>/dev/null' "$XVNET"
	[ "$status" -eq 2 ]
	[[ "$output" == *"line: null"* ]]
	# the table form is unchanged: FILE:LINE:COL on stderr
	run bash -c '"$0" check -t "$1" 2>&1 >/dev/null' "$XVNET" "$f"
	[ "${lines[0]}" = "$f:4:5: error: unknown key 'adressSpace' in vnet 'a'; did you mean 'addressSpace'?" ]
}
