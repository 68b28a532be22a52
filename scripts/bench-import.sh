#!/usr/bin/env bash
# Import benchmark: `xvnet import` of 1,000 VNets with 4 subnets each, every
# VNet peered with the next one (both directions, as Azure lists them), one
# route table of 4 routes per VNet on its subnets: the az CLI's own JSON
# (`az network vnet list`, `route-table list`), generated here with jq.
# Times the whole import (read, convert, check, write) and its peak memory,
# prints one JSON object with the machine's CPU and mitigations, and exits
# 1 if a target (TARGET_S seconds, TARGET_MB MiB) is missed.
#   --reps N   run N times and report the run with the median time
#   --quick    accepted for scripts/bench.sh; this benchmark is quick anyway
# Override the size with VNETS (1-16384) and SUBNETS (1-4), the targets with
# TARGET_S and TARGET_MB.
set -euo pipefail
cd "$(dirname "$0")/.."

XVNET=${XVNET:-./xvnet}
VNETS=${VNETS:-1000} SUBNETS=${SUBNETS:-4}
TARGET_S=${TARGET_S:-2} TARGET_MB=${TARGET_MB:-200}
reps=1

while [ $# -gt 0 ]; do
	case $1 in
	--reps) reps=${2:-}; shift 2 ;;
	--quick) shift ;;
	*) echo "usage: scripts/bench-import.sh [--reps N] [--quick]" >&2; exit 2 ;;
	esac
done
[[ $reps =~ ^[1-9][0-9]*$ ]] || { echo "bench-import: --reps needs a positive number" >&2; exit 2; }
if ! [[ $VNETS =~ ^[0-9]+$ ]] || ((VNETS < 1 || VNETS > 16384)); then
	echo "bench-import: VNETS must be 1-16384" >&2
	exit 2
fi
[[ $SUBNETS =~ ^[1-4]$ ]] || { echo "bench-import: SUBNETS must be 1-4" >&2; exit 2; }

[ -x "$XVNET" ] || make -s xvnet >&2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# VNet i: 10.A.B.0/22 with A.B from i; subnets are its /24s.
jq -n --argjson n "$VNETS" --argjson k "$SUBNETS" '
	def sub: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-bench/providers/Microsoft.Network";
	def base($i): "10.\(($i / 64 | floor) + 64).\(($i % 64) * 4)";
	def vname($i): "vnet-\($i)";
	[range($n) as $i | {
		id: "\(sub)/virtualNetworks/\(vname($i))", name: vname($i),
		type: "Microsoft.Network/virtualNetworks", location: "westeurope",
		resourceGroup: "rg-bench",
		addressSpace: {addressPrefixes: ["\(base($i)).0/22"]},
		subnets: [range($k) as $s | {
			id: "\(sub)/virtualNetworks/\(vname($i))/subnets/sn\($s)", name: "sn\($s)",
			addressPrefix: "10.\(($i / 64 | floor) + 64).\(($i % 64) * 4 + $s).0/24",
			routeTable: {id: "\(sub)/routeTables/rt-\($i)"}}],
		virtualNetworkPeerings: [($i + 1, $i - 1) | select(. >= 0 and . < $n) | {
			id: "\(sub)/virtualNetworks/\(vname($i))/virtualNetworkPeerings/to-\(.)",
			name: "to-\(.)", allowVirtualNetworkAccess: true, allowForwardedTraffic: true,
			remoteVirtualNetwork: {id: "\(sub)/virtualNetworks/\(vname(.))"}}]
	}]' >"$dir/vnet-list.json"
jq -n --argjson n "$VNETS" '
	def sub: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-bench/providers/Microsoft.Network";
	[range($n) as $i | {
		id: "\(sub)/routeTables/rt-\($i)", name: "rt-\($i)",
		type: "Microsoft.Network/routeTables", location: "westeurope",
		disableBgpRoutePropagation: false,
		routes: [range(4) as $r | {name: "r\($r)", addressPrefix: "172.\(16 + $r).\($i % 256).0/24",
			nextHopType: "VirtualAppliance", nextHopIpAddress: "10.64.0.4"}]
	}]' >"$dir/route-table-list.json"

# one run: {s, mb} from GNU time's elapsed seconds and maximum RSS (KiB)
run() {
	/usr/bin/time -f '%e %M' -o "$dir/time" "$XVNET" import "$dir/vnet-list.json" \
		"$dir/route-table-list.json" -o "$dir/out.yaml" 2>/dev/null
	"$XVNET" check -t "$dir/out.yaml" >/dev/null
	awk '{ printf "{\"s\": %s, \"mb\": %.1f}\n", $1, $2 / 1024 }' "$dir/time"
}

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
mit=$(cat /sys/devices/system/cpu/vulnerabilities/spectre_v2 2>/dev/null || echo unknown)
result=$(for ((i = 0; i < reps; i++)); do run; done |
	jq -s -c --argjson ts "$TARGET_S" --argjson tm "$TARGET_MB" --argjson v "$VNETS" \
		--argjson k "$SUBNETS" --arg cpu "$cpu" --arg mit "$mit" \
		--argjson bytes "$(cat "$dir"/*.json | wc -c)" '
	sort_by(.s) | .[length / 2 | floor] as $r | {
		benchmark: "import", vnets: $v, subnets: ($v * $k), route_tables: $v,
		peerings: (2 * ($v - 1)), input_bytes: $bytes,
		total_s: $r.s, peak_rss_mb: $r.mb, reps: length,
		target_s: $ts, target_mb: $tm, cpu: $cpu, spectre_v2: $mit,
		pass: ($r.s < $ts and $r.mb < $tm)
	}')
echo "$result"
jq -e .pass <<<"$result" >/dev/null
