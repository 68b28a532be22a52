#!/usr/bin/env bats
# make install: the binary, the man page made from the option tables, and
# shell completion of verbs, options, values and topology targets.
load common

@test "install: make install PREFIX puts the binary, man page and completion in place" {
	local p=$BATS_TEST_TMPDIR/prefix
	local bin
	bin=$(realpath --relative-to="$REPO" "$XVNET")
	# -o: install the binary under test as it is, never rebuilt
	make -s -C "$REPO" -o "$bin" install PREFIX="$p" BIN="$bin" >/dev/null
	[ -x "$p/bin/xvnet" ]
	"$p/bin/xvnet" --version | grep -q '^xvnet '
	[ -s "$p/share/bash-completion/completions/xvnet" ]
	[ -s "$p/share/zsh/site-functions/_xvnet" ]
	run man -l "$p/share/man/man1/xvnet.1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"xvnet routes [OPTIONS] TARGET"* ]]
	# every verb and every option of the tables is in the page
	for v in $(xv help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
		grep -q "^   xvnet $v \[OPTIONS\]" <<<"$output"
		for o in $(xv __complete 1 "$v" --); do
			grep -q -- "$o" <<<"$output" || { echo "$v: $o not in the man page"; return 1; }
		done
	done
	make -s -C "$REPO" uninstall PREFIX="$p"
	[ ! -e "$p/bin/xvnet" ]
}


@test "install: bash completion of verbs, options, values and targets" {
	cd "$REPO"
	export PATH=$(dirname "$XVNET"):$PATH
	comp() {
		local -a w=("$@")
		bash -c 'source completion/xvnet.bash
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _xvnet; printf "%s\n" "${COMPREPLY[@]}"' \
			_ "${w[@]}"
	}
	[ "$(comp xvnet rou)" = routes ]
	comp xvnet he | grep -qx help
	comp xvnet routes --js | grep -qx -- --json
	[ "$(comp xvnet routes -o y)" = yaml ]
	[ "$(comp xvnet path -t examples/hub-spoke.yaml dc)" = dc1-srv ]
	comp xvnet routes -t examples/hub-spoke.yaml spoke | grep -qx spoke1/app
	comp xvnet routes -t examples/hub-s | grep -qx examples/hub-spoke.yaml
	comp xvnet graph -o m | grep -qx mermaid
	XVNET_TOPOLOGY=examples/hub-spoke.yaml comp xvnet nexthop ap | grep -qx app2
	# the command of exec is any command
	comp xvnet exec app1 bas | grep -qx bash
}
