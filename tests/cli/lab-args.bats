#!/usr/bin/env bats
# The lab verbs' arguments, checked before root is needed: help, and lab
# names that obey the topology's rules.
load common

@test "lab verbs: deploy -h and apply -h print their help, exit 0" {
	for verb in deploy apply; do
		run "$XVNET" "$verb" -h
		echo "$verb: $status $output"
		[ "$status" -eq 0 ]
		[[ $output == *"xvnet $verb"* ]]
	done
}

@test "lab verbs: a --lab name that is not a lab name is exit 2 for every verb" {
	for verb in destroy inspect stats trace; do
		for bad in '' ../xvnet/x . a/b .. UPPER 1abc toolongname123; do
			run "$XVNET" "$verb" --lab "$bad"
			echo "$verb '$bad': $status $output"
			[ "$status" -eq 2 ]
			[[ $output == *"invalid lab name"* ]]
		done
	done
	run "$XVNET" exec --lab ../x vm -- true
	[ "$status" -eq 2 ]
}
