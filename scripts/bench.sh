#!/usr/bin/env bash
# Every benchmark of the project, one JSON document on stdout:
#   {"fabric": ..., "engine": ..., "lab": ..., "failed": [...]}
# from scripts/bench-fabric.sh, bench-engine.sh and bench-lab.sh (those that
# exist); options (--quick, --reps N) are passed to each. A benchmark that
# exits non-zero (an error, or a missed target) is listed in "failed" and
# makes the exit code 1; one that prints no JSON is {"error": ...}.
# Human progress on stderr. Root, for the fabric and lab benchmarks.
set -uo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=()
for name in fabric engine lab; do
	script=scripts/bench-$name.sh
	[ -x "$script" ] || continue
	echo "bench: $name" >&2
	"$script" "$@" >"$out/$name.raw" || failed+=("$name")
	jq -e . "$out/$name.raw" >/dev/null 2>&1 ||
		jq -n --arg s "$script" '{error: "\($s) printed no JSON; see its messages"}' >"$out/$name.raw"
	jq --arg name "$name" '{($name): .}' "$out/$name.raw" >"$out/$name.json"
done
jq -s --arg failed "${failed[*]}" 'add + {failed: ($failed | split(" ") | map(select(. != "")))}' \
	"$out"/*.json
[ ${#failed[@]} -eq 0 ]
