# Shared by tests/cli/*.bats: the binary, the examples, small helpers.
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
XVNET=${XVNET:-$REPO/xvnet}
# absolute, for tests that run it from another directory (the asan tier gives build-asan/xvnet)
case $XVNET in /*) ;; *) XVNET=$REPO/$XVNET ;; esac
HS=$REPO/examples/hub-spoke.yaml
TH=$REPO/examples/two-hubs-er.yaml

xv() { "$XVNET" "$@"; }

# A table line with its column padding squeezed to single blanks.
squeeze() { tr -s ' ' <<<"$1"; }

# Assert that $output holds a line equal to $1 once squeezed.
has_row() {
	grep -qxF -- "$1" <<<"$(squeeze "$output")" || {
		echo "no row '$1' in:"
		head -c 3000 <<<"$output"
		return 1
	}
}

# Assert a jq expression over JSON in $output is true.
jq_true() {
	jq -e "$1" <<<"$output" >/dev/null || {
		echo "jq '$1' is not true for:"
		head -c 3000 <<<"$output"
		return 1
	}
}

# An inline topology in this test's temporary directory; prints its path.
topo() {
	local f=$BATS_TEST_TMPDIR/${2:-lab}.yaml
	cat >"$f"
	echo "$f"
}
