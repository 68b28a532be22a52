#!/usr/bin/env bash
# Route-engine benchmark: 500 spoke VNets (Azure's limit of peerings on the
# hub) with 8 subnets each,
# route tables on half of them, and a site advertising 10,000 prefixes over
# an ExpressRoute gateway whose routes reach every spoke (gateway transit).
# Times loading, validating and computing every subnet's effective routes
# (xvnet check --stats) and prints one JSON object; total_s is their sum.
# readout_s, reported apart, is reading every row of every subnet back one
# by one (tens of millions: gateway rows are stored once per gateway and
# materialised per subnet on demand). A second point, "tables", times the
# engine alone (build/tests/bench-engine-tables, no topology file, so no
# per-table limit) on 1,000 route tables of 1,000 UDRs each, one subnet
# per table; its target is TABLES_TARGET_S. Exit 1 if a target is missed.
#   --reps N   run N times and report the run with the median total_s
#   --quick    accepted for scripts/bench.sh; this benchmark is quick anyway
# Override the sizes with SPOKES, SUBNETS, PREFIXES, TABLES and ROUTES.
set -euo pipefail
cd "$(dirname "$0")/.."

XVNET=${XVNET:-./xvnet}
SPOKES=${SPOKES:-500} SUBNETS=${SUBNETS:-8} PREFIXES=${PREFIXES:-10000}
TABLES=${TABLES:-1000} ROUTES=${ROUTES:-1000}
TARGET_S=1 TARGET_MB=200 TABLES_TARGET_S=1
reps=1

while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=${2:-}; shift 2 ;;
	--quick) shift ;;
	*) echo "usage: scripts/bench-engine.sh [--reps N] [--quick]" >&2; exit 2 ;;
	esac
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench-engine: --reps needs a positive number" >&2; exit 2; }

[ -x "$XVNET" ] || make -s xvnet >&2
TABLES_BIN=build/tests/bench-engine-tables
make -s "$TABLES_BIN" >&2
topo=$(mktemp --suffix=.yaml)
trap 'rm -f "$topo"' EXIT
scripts/gen-topo.sh --spokes "$SPOKES" --subnets "$SUBNETS" --site-prefixes "$PREFIXES" >"$topo"

result=$(for ((i = 0; i < reps; i++)); do "$XVNET" check -t "$topo" --stats -j; done |
	jq -s -c --argjson ts "$TARGET_S" --argjson tm "$TARGET_MB" --argjson p "$PREFIXES" '
	sort_by(.stats.total_s) | .[length / 2 | floor] as $r | $r.stats as $s | {
		vnets: $r.vnets, subnets: $r.subnets, site_prefixes: $p,
		load_s: $s.load_s, validate_s: $s.validate_s, compute_s: $s.compute_s,
		total_s: $s.total_s, readout_s: $s.readout_s,
		peak_rss_mb: $s.peak_rss_mb, routes: $s.routes, reps: length,
		target_s: $ts, target_mb: $tm,
		pass: ($s.total_s < $ts and $s.peak_rss_mb < $tm)
	}')
tables=$(for ((i = 0; i < reps; i++)); do "$TABLES_BIN" "$TABLES" "$ROUTES"; done |
	jq -s -c --argjson ts "$TABLES_TARGET_S" --argjson tm "$TARGET_MB" '
	sort_by(.compute_s) | .[length / 2 | floor] + {
		target_s: $ts, target_mb: $tm
	} | .pass = (.compute_s < $ts and .peak_rss_mb < $tm)')
result=$(jq -c --argjson t "$tables" '.tables = $t | .pass = (.pass and $t.pass)' <<<"$result")
echo "$result"
jq -e .pass <<<"$result" >/dev/null
