#!/usr/bin/env bats
# The README's tour shows real output: run every offline `$ xvnet VERB ...`
# line of its console blocks (routes, nexthop, path, check; lab verbs are
# left alone) and compare. (bad.yaml is illustrative, not in the tree;
# mynet.yaml is made by `xvnet import`: tests/cli/import.bats runs those.)
load common

@test "readme: every console example prints what the README shows" {
	local dir=$BATS_TEST_TMPDIR/readme n=0
	mkdir -p "$dir"
	# One file per command: line 1 the command, then the expected output.
	awk -v dir="$dir" '
		/^```console$/ { inblock = 1; next }
		/^```$/ { inblock = 0; next }
		inblock && /^\$ / { f = sprintf("%s/%03d", dir, ++n); print substr($0, 3) > f; next }
		inblock && f != "" { print > f }
		!inblock { f = "" }' "$REPO/README.md"
	cd "$REPO"
	for f in "$dir"/*; do
		local cmd
		cmd=$(head -1 "$f")
		[[ "$cmd" =~ ^(\./)?xvnet\ (routes|nexthop|path|check)\  ]] || continue
		[[ "$cmd" == *bad.yaml* || "$cmd" == *mynet.yaml* ]] && continue
		cmd=${cmd#./}
		diff -u <(tail -n +2 "$f") <(bash -c "${cmd/xvnet/$XVNET}" 2>&1) || {
			echo "README example differs: $cmd"
			return 1
		}
		n=$((n + 1))
	done
	[ "$n" -ge 8 ]
}
