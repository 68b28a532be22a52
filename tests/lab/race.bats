#!/usr/bin/env bats
# Labs under contention: two deploys of one lab at once, and deploys
# killed (SIGKILL) at points spread over their run, then cleanup.
load common

setup() {
	LAB=$(lab_name rc)
	FILE=$(renamed "$HS" "$LAB")
}

teardown() {
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
}

@test "race: two deploys of one lab at once leave exactly one lab, up and working" {
	for try in 1 2 3 4 5; do
		"$XVNET" deploy -t "$FILE" >"$BATS_TEST_TMPDIR/a" 2>&1 3>&- &
		a=$!
		"$XVNET" deploy -t "$FILE" >"$BATS_TEST_TMPDIR/b" 2>&1 3>&- &
		b=$!
		sa=0 sb=0
		wait "$a" || sa=$?
		wait "$b" || sb=$?
		echo "try $try: exit $sa and $sb"
		cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
		# One wins; the other is told why and removes nothing.
		[ $((sa + sb)) -eq 1 ]
		grep -qE "is busy: pid [0-9]+ \(xvnet deploy\)|already up" \
			"$BATS_TEST_TMPDIR/$([ "$sa" -eq 1 ] && echo a || echo b)"
		[ "$(jq -r .status "/run/xvnet/$LAB/state.json")" = up ]
		[ "$(ip netns list | grep -c "^xv-$LAB\.")" -eq 7 ]
		[ "$(did "$LAB" app1 10.2.1.4 icmp)" = Delivered ]
		xv destroy --lab "$LAB" >/dev/null
		[ -z "$(leftovers "$LAB")" ]
	done
}

@test "race: a deploy killed at 10 points of its run leaves nothing after cleanup" {
	# Big enough for its steps to take time: 45 namespaces.
	FILE=$BATS_TEST_TMPDIR/big.yaml
	"$REPO/scripts/gen-topo.sh" --spokes 40 --subnets 1 --vms --name "$LAB" >"$FILE"
	start=$(date +%s%N)
	xv deploy -t "$FILE" >/dev/null
	took=$((($(date +%s%N) - start) / 1000000))
	xv destroy --lab "$LAB" >/dev/null
	echo "a deploy takes $took ms"
	for i in $(seq 10); do
		# Spread over the run, with a random part: from the lock to the last pin.
		ms=$((took * (i - 1) / 10 + RANDOM % (took / 10 + 1)))
		"$XVNET" deploy -t "$FILE" >/dev/null 2>&1 3>&- &
		pid=$!
		sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "killed after $ms ms: $(leftovers "$LAB" | wc -l) objects left"
		clean_up
		[ -z "$(leftovers "$LAB")" ]
	done
}

@test "race: a deploy killed before it created anything leaves a lock that destroy --lab removes" {
	# What a deploy SIGKILLed right after taking its lock leaves: the lock alone.
	: >"/run/xvnet/$LAB.lock"
	run xv list -o json
	echo "$output"
	[ "$(echo "$output" | jq -r --arg l "$LAB" '.labs[] | select(.name == $l) | .state')" = broken ]
	run xv destroy --lab "$LAB"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "xvnet: $LAB: destroyed (an interrupted deploy had left only its lock)" ]
	[ ! -e "/run/xvnet/$LAB.lock" ]
	run xv destroy --lab "$LAB"
	[ "$status" -eq 1 ]
	[[ "$output" == "xvnet: no lab '$LAB'"* ]]
}
