#!/usr/bin/env bash
# Every benchmark of the project, one JSON document on stdout:
#   {"fabric": ..., "engine": ..., "import": ..., "lab": ..., "failed": [...], "missed": [...]}
# from scripts/bench-fabric.sh, bench-engine.sh, bench-import.sh and bench-lab.sh (those that
# exist). A benchmark that exits non-zero (an error, or a missed target) is
# listed in "failed" and makes the exit code 1; every target it missed is
# named in "missed" ("fabric.ratios.fabric10/ceiling") and on stderr. One
# that prints no JSON is {"error": ...}. Human progress on stderr. Root, for
# the fabric and lab benchmarks.
set -uo pipefail
cd "$(dirname "$0")/.."

usage() {
	cat <<EOF
Usage: scripts/bench.sh [--quick] [--reps N] [--only NAME[,NAME...]]
Run the benchmarks (fabric, engine, import, lab) and print one JSON document.
  --quick    every benchmark's short form (about 2 minutes in all)
  --reps N   repetitions of every benchmark (medians are reported)
  --only     the benchmarks to run (default: fabric,engine,import,lab)
Exit 0 when every target is met, 1 when one is missed (named on stderr and
in "missed"), 2 on a usage error. Root, for the fabric and lab benchmarks.
EOF
}

args=() only="fabric engine import lab"
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--quick) args+=(--quick); shift ;;
	--reps)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "bench: --reps needs a positive number" >&2; exit 2; }
		args+=(--reps "$2"); shift 2 ;;
	--only)
		only=${2:-}; only=${only//,/ }
		for n in $only; do
			[[ $n =~ ^(fabric|engine|import|lab)$ ]] || { echo "bench: --only: no benchmark '$n'" >&2; exit 2; }
		done
		shift 2 ;;
	*) echo "bench: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=()
for name in $only; do
	script=scripts/bench-$name.sh
	[ -x "$script" ] || continue
	echo "bench: $name" >&2
	"$script" "${args[@]}" >"$out/$name.raw" || failed+=("$name")
	jq -e . "$out/$name.raw" >/dev/null 2>&1 ||
		jq -n --arg s "$script" '{error: "\($s) printed no JSON; see its messages"}' >"$out/$name.raw"
	jq --arg name "$name" '{($name): .}' "$out/$name.raw" >"$out/$name.json"
done
[ -n "$(ls "$out"/*.json 2>/dev/null)" ] || { echo "bench: nothing to run" >&2; exit 2; }
# A missed target: a false "pass" or "*_ok" anywhere in a benchmark's JSON.
jq -s --arg failed "${failed[*]}" 'add
	| . + {failed: ($failed | split(" ") | map(select(. != ""))),
	       missed: [paths(. == false) | select(.[-1] | tostring | . == "pass" or endswith("_ok"))
			| (if .[-1] == "pass" then .[:-1] else . end) | map(tostring) | join(".")]}' \
	"$out"/*.json >"$out/all"
cat "$out/all"
jq -r '.missed[] | "bench: missed target: \(.)"' "$out/all" >&2
jq -r '.failed[] | "bench: \(.) failed"' "$out/all" >&2
[ ${#failed[@]} -eq 0 ]
