#!/usr/bin/env bats
# The pin root (/sys/fs/bpf/xvnet) and the state root (/run/xvnet) are
# root's alone: a link or directory planted there is refused or reported,
# and nothing that is not xvnet's is ever deleted.
load common

setup() {
	PLANTED=()
	security_setup
}

teardown() {
	security_teardown
}

# The pin root made by (or handed to) a user: bpffs is often mounted 1777.
user_pin_root() {
	[ -d "$PINS" ] || mkdir -m 700 "$PINS"
	chown "$PROBE_USER" "$PINS"
}

@test "security: a user's pin root is refused by cleanup, its links not followed" {
	user_pin_root
	as_user ln -s "$VICTIM" "$PINS/evil"
	plant "$PINS/evil"
	as_user ln -s "$VICTIM" "$PINS/$LAB"
	plant "$PINS/$LAB"
	run xv cleanup
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"$PINS"*"owned by uid"* ]]
	victim_intact
	[ -L "$PINS/evil" ]
}

@test "security: a deploy refuses a user's pin root before creating anything" {
	user_pin_root
	as_user ln -s "$VICTIM" "$PINS/$LAB"
	plant "$PINS/$LAB"
	run xv deploy -t "$(small_topology)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"$PINS"* ]]
	victim_intact
	! ip netns list | grep "^xv-$LAB\." || false
	[ ! -e "$STATE/$LAB" ]
}

@test "security: foreign entries in the pin root are reported and left in place" {
	[ -d "$PINS" ] || mkdir -m 700 "$PINS"
	ln -s "$VICTIM" "$PINS/evil"
	plant "$PINS/evil"
	mkdir -m 700 "$PINS/$LAB"
	plant "$PINS/$LAB"
	ln -s "$VICTIM" "$PINS/$LAB/config"
	plant "$PINS/$LAB/config"
	mkdir "$PINS/$LAB/stats"
	plant "$PINS/$LAB/stats"
	run xv destroy --lab "$LAB"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"$PINS/$LAB/config"*"not xvnet's"* ]]
	[[ $output == *"$PINS/$LAB/stats"*"not xvnet's"* ]]
	[ -L "$PINS/$LAB/config" ] && [ -d "$PINS/$LAB/stats" ]
	run xv cleanup
	echo "$output"
	[ "$status" -ne 0 ]
	[[ $output == *"$PINS/evil"*"not xvnet's"* ]]
	victim_intact
	[ -L "$PINS/evil" ]
}

@test "security: a forged pinDir in state.json is ignored" {
	mkdir -p -m 700 "$STATE/$LAB"
	plant "$STATE/$LAB"
	printf '{"lab": "%s", "pinDir": "%s", "nodes": []}\n' "$LAB" "$VICTIM" >"$STATE/$LAB/state.json"
	plant "$STATE/$LAB/state.json"
	run xv destroy --lab "$LAB"
	echo "$output"
	[ "$status" -eq 0 ]
	victim_intact
	[ ! -e "$STATE/$LAB" ]
}

@test "security: a state root that is a link is refused" {
	rm -f "$STATE/.lock"
	[ ! -e "$STATE" ] || rmdir "$STATE"
	ln -s "$VICTIM" "$STATE"
	run xv deploy -t "$(small_topology)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"$STATE"*"symbolic link"* ]]
	victim_intact
	run xv cleanup
	echo "$output"
	[ "$status" -ne 0 ]
	victim_intact
	rm "$STATE"
	[ -z "$(leftovers)" ]
}

@test "security: a lab's state directory that is a link, or a user's, is refused" {
	mkdir -p -m 700 "$STATE"
	ln -s "$VICTIM" "$STATE/$LAB"
	plant "$STATE/$LAB"
	run xv deploy -t "$(small_topology)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"$STATE/$LAB"*"symbolic link"* ]]
	victim_intact
	rm "$STATE/$LAB"
	# A user's directory (reached before the root was 0700), with a link
	# where the state is written.
	mkdir -m 700 "$STATE/$LAB"
	ln -s "$VICTIM/canary" "$STATE/$LAB/state.json.tmp"
	plant "$STATE/$LAB/state.json.tmp"
	chown -h "$PROBE_USER" "$STATE/$LAB" "$STATE/$LAB/state.json.tmp"
	run xv deploy -t "$(small_topology)"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"$STATE/$LAB"*"owned by uid"* ]]
	victim_intact
}

@test "security: a state.json replaced by a directory is reported" {
	mkdir -p -m 700 "$STATE/$LAB/state.json"
	plant "$STATE/$LAB"
	plant "$STATE/$LAB/state.json"
	run xv destroy --lab "$LAB"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"$STATE/$LAB/state.json"*"not xvnet's"* ]]
	[ -d "$STATE/$LAB/state.json" ]
}

# The names tables beside the state (names.GEN.json) are read and removed
# like state.json: a link put in one's place is neither followed nor deleted.
@test "security: a names table replaced by a link is not followed, and reported" {
	xv deploy -t "$(small_topology)" >/dev/null
	names=$STATE/$LAB/names.1.json
	[ -f "$names" ]
	jq '.nics |= map("EVIL")' "$names" >"$BATS_TEST_TMPDIR/evil.json"
	ln -sf "$BATS_TEST_TMPDIR/evil.json" "$names"
	plant "$names"
	run xv stats --lab "$LAB"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output != *EVIL* ]]
	[[ $output == *"nic 0"* ]]
	run xv destroy --lab "$LAB"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"$names"*"not xvnet's"* ]]
	[ -L "$names" ]
	[ -f "$BATS_TEST_TMPDIR/evil.json" ]
	victim_intact
}

@test "security: bpffs mounted by xvnet is root's alone (mode 1700)" {
	topo=$(small_topology)
	run unshare -m --propagation private bash -c "
		umount $(dirname "$PINS") || exit 9
		'$XVNET' deploy -t '$topo' >/dev/null || exit 8
		stat -c %a $(dirname "$PINS")
		'$XVNET' destroy --lab $LAB >/dev/null"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = 1700 ]	# bpffs adds the sticky bit
	[ -z "$(leftovers)" ]
}

# Every verb and name: tests/cli/lab-args.bats.
@test "security: destroy of the roots themselves, or of no lab, does nothing" {
	mkdir -p -m 700 "$STATE" "$PINS"
	plant "$STATE/$LAB.keep"
	touch "$STATE/$LAB.keep"
	for bad in '' . .. ../xvnet; do
		run xv destroy --lab "$bad"
		echo "'$bad': $output"
		[ "$status" -eq 2 ]
		[[ $output == *"invalid lab name"* ]]
	done
	[ -d "$STATE" ] && [ -d "$PINS" ] && [ -e "$STATE/$LAB.keep" ]
	run xv destroy --lab nosuchlab
	echo "$output"
	[ "$status" -eq 1 ]
	[[ $output == *"no lab 'nosuchlab'"* ]]
	[[ $output != *destroyed* ]]
}
