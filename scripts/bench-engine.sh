#!/usr/bin/env bash
# Route-engine benchmark (issue 2): 1,000 spoke VNets with 4 subnets each,
# route tables on half of them, and a site advertising 10,000 prefixes over
# an ExpressRoute gateway whose routes reach every spoke (gateway transit).
# Times loading, validating and computing every subnet's effective routes
# (xvnet check --stats) and prints one JSON object; total_s is their sum.
# readout_s, reported apart, is reading every row of every subnet back one
# by one (tens of millions: gateway rows are stored once per gateway and
# materialised per subnet on demand). Exit 1 if a target is missed.
# Override the sizes with SPOKES, SUBNETS and PREFIXES.
set -euo pipefail
cd "$(dirname "$0")/.."

XVNET=${XVNET:-./xvnet}
SPOKES=${SPOKES:-1000} SUBNETS=${SUBNETS:-4} PREFIXES=${PREFIXES:-10000}
TARGET_S=1 TARGET_MB=200

[ -x "$XVNET" ] || make -s xvnet >&2
topo=$(mktemp --suffix=.yaml)
trap 'rm -f "$topo"' EXIT
scripts/gen-topo.sh --spokes "$SPOKES" --subnets "$SUBNETS" --site-prefixes "$PREFIXES" >"$topo"

result=$("$XVNET" check -t "$topo" --stats -j |
	jq -c --argjson ts "$TARGET_S" --argjson tm "$TARGET_MB" --argjson p "$PREFIXES" '
	.stats as $s | {
		vnets, subnets, site_prefixes: $p,
		load_s: $s.load_s, validate_s: $s.validate_s, compute_s: $s.compute_s,
		total_s: $s.total_s, readout_s: $s.readout_s,
		peak_rss_mb: $s.peak_rss_mb, routes: $s.routes,
		target_s: $ts, target_mb: $tm,
		pass: ($s.total_s < $ts and $s.peak_rss_mb < $tm)
	}')
echo "$result"
jq -e .pass <<<"$result" >/dev/null
