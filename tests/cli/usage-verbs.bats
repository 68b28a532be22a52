#!/usr/bin/env bats
# Every verb through the one option layer: help, bad options, no
# arguments, errors that name what is missing, did-you-mean, --version.
load common

# The verbs `xvnet help` lists.
verbs() { "$XVNET" help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ { on = 0 }'; }

# As an unprivileged user: root verbs refuse before touching anything.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

@test "verbs: help lists every verb, pktgen included" {
	run verbs
	[ "${#lines[@]}" -ge 13 ]
	for v in check routes nexthop path deploy apply inspect exec stats trace destroy cleanup pktgen; do
		grep -qx "$v" <<<"$output"
	done
}

@test "verbs: every verb's -h, --help and help VERB print one layout, exit 0" {
	local v
	for v in $(verbs); do
		run "$XVNET" "$v" -h
		echo "$v -h: $status"
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "Usage: xvnet $v [OPTIONS]"* ]]
		grep -qx "Options:" <<<"$output"
		grep -qx "Examples:" <<<"$output"
		grep -q -- "^  -h, --help  *print this help$" <<<"$output"
		diff <("$XVNET" "$v" --help) <("$XVNET" help "$v")
	done
}

@test "verbs: a bad option is exit 2 for every verb, naming it" {
	local v
	for v in $(verbs); do
		run "$XVNET" "$v" --no-such-option
		echo "$v: $status $output"
		[ "$status" -eq 2 ]
		[ "${lines[0]}" = "xvnet $v: unknown option '--no-such-option'" ]
		[ "${lines[-1]}" = "Try 'xvnet $v --help'." ]
		run "$XVNET" "$v" -%
		[ "$status" -eq 2 ]
		[ "${lines[0]}" = "xvnet $v: unknown option '-%'" ]
	done
}

@test "verbs: no arguments is exit 0, 1 or 2 for every verb, never a signal; root verbs say how" {
	local v
	for v in $(verbs); do
		run as_nobody env -u XVNET_TOPOLOGY "$XVNET" "$v"
		echo "$v: $status $output"
		[ "$status" -le 2 ]
		if [ "$status" -eq 1 ]; then
			[ "$output" = "xvnet $v: needs root: run with sudo (it uses namespaces, netlink and BPF)" ]
		fi
	done
	for v in deploy apply inspect stats trace destroy; do
		run as_nobody "$XVNET" "$v" -t "$HS"
		echo "$v: $status $output"
		[ "$status" -eq 1 ]
		[[ "$output" == *"needs root: run with sudo"* ]]
	done
	for v in exec capture; do
		run as_nobody "$XVNET" "$v" app1 true
		[ "$status" -eq 1 ]
		[[ "$output" == *"needs root: run with sudo"* ]]
	done
}

@test "verbs: errors name what is missing" {
	run xv exec
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "xvnet exec: missing NODE" ]
	run xv exec app1
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "xvnet exec: missing CMD" ]
	run xv nexthop -t "$HS"
	[ "${lines[0]}" = "xvnet nexthop: missing TARGET" ]
	run xv path -t "$HS" app1
	[ "${lines[0]}" = "xvnet path: missing DESTINATION_IP" ]
	run xv trace -c
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "xvnet trace: option '-c' needs N" ]
	run xv stats --lab
	[ "${lines[0]}" = "xvnet stats: option '--lab' needs NAME" ]
	run xv check --json=yes -t "$HS"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "xvnet check: option '--json' takes no value" ]
}

@test "verbs: did you mean, for verbs, options and values" {
	run xv rotues
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "xvnet: unknown command 'rotues'; did you mean 'routes'?" ]
	run xv help nexthp
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "xvnet: unknown command 'nexthp'; did you mean 'nexthop'?" ]
	run xv routes -t "$HS" app1 --jsno
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "xvnet routes: unknown option '--jsno'; did you mean '--json'?" ]
	run xv routes -t "$HS" app1 --topolgy=x
	[ "${lines[0]}" = "xvnet routes: unknown option '--topolgy'; did you mean '--topology'?" ]
	run xv routes -t "$HS" app1 -o jsn
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "xvnet routes: bad --output 'jsn': use table, json, jsonc, tsv or yaml; did you mean 'json'?" ]
	run xv trace -c 0
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet trace: bad --count '0': use 1-"* ]]
}

@test "verbs: values attach as --opt=value, -tFILE, and flags cluster" {
	run xv routes --topology="$HS" app1 -jo table
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == Source* ]]
	run xv routes -t"$HS" app1 -j
	[ "$status" -eq 0 ]
	jq_true '.value | length > 3'
	# after --, a word that looks like an option is an operand
	run xv routes -t "$HS" -- -x
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "xvnet routes: '-x' is neither"* ]]
}

@test "verbs: --version prints git describe of the build" {
	run xv --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^xvnet\ [0-9a-z.+-]+$ ]]
	[ "$output" != "xvnet unknown" ]
	run xv -V
	[ "$status" -eq 0 ]
	local want
	want=$(git -C "$REPO" describe --tags --always 2>/dev/null) || skip "not a git checkout"
	[[ "$output" == "xvnet ${want}"* ]]
}
