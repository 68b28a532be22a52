#!/usr/bin/env bats
# Command line: usage, help, options, exit codes (0 ok, 1 failed, 2 usage).
load common

@test "usage: no command is exit 2 with the command list on stderr" {
	run bash -c '"$0" 2>&1 >/dev/null' "$XVNET"
	[ "$status" -eq 2 ]
	[[ "$output" == "Usage: xvnet COMMAND"* ]]
	for verb in routes nexthop path check; do
		grep -q "^  $verb " <<<"$output"
	done
}

@test "usage: --help is exit 0 on stdout; unknown command is exit 2" {
	run bash -c '"$0" --help 2>/dev/null' "$XVNET"
	[ "$status" -eq 0 ]
	grep -q "^  routes .*effective routes" <<<"$output"
	run xv frobnicate
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet: unknown command 'frobnicate'" ]]
}

@test "usage: every verb has -h and --help" {
	local verb
	for verb in routes nexthop path check; do
		run xv "$verb" -h
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "Usage: xvnet $verb [OPTIONS]"* ]]
		grep -q -- "--topology FILE" <<<"$output"
		run xv "$verb" --help
		[ "$status" -eq 0 ]
	done
	run xv path --help
	grep -q -- "--protocol P" <<<"$output"
	run xv check --help
	grep -q -- "--stats" <<<"$output"
}

@test "usage: unknown options are exit 2, naming the option" {
	run xv routes -t "$HS" spoke1/app --bogus
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet routes: unknown option '--bogus'" ]]
	run xv routes -t "$HS" spoke1/app -x
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet routes: unknown option '-x'" ]]
	# Options of other verbs are unknown too.
	run xv routes -t "$HS" spoke1/app --stats
	[ "$status" -eq 2 ]
	run xv nexthop -t "$HS" app1 10.0.0.1 --port 80
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet nexthop: unknown option '--port'" ]]
}

@test "usage: missing or extra arguments, missing option value are exit 2" {
	run xv routes -t "$HS"
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet routes: missing TARGET" ]]
	[[ "${lines[1]}" == "Usage: xvnet routes [OPTIONS] TARGET" ]]
	run xv routes -t "$HS" spoke1/app spoke2/app
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet routes: unexpected argument 'spoke2/app'" ]]
	run xv check -t
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet check: option '-t' needs FILE" ]]
	run xv check --topology
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet check: option '--topology' needs FILE" ]]
}

@test "usage: no topology anywhere is exit 2" {
	run env -u XVNET_TOPOLOGY "$XVNET" check
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet check: no topology: give -t FILE, --lab NAME or set XVNET_TOPOLOGY" ]]
}

@test "usage: options may follow the arguments, long forms work" {
	run xv nexthop app1 8.8.8.8 --json --topology "$HS"
	[ "$status" -eq 0 ]
	jq_true '.nextHopType == "VirtualAppliance"'
	run xv path app1 203.0.113.10 --protocol TCP --port 443 -t "$HS"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "Delivered to the Internet" ]
}
