#!/usr/bin/env bash
# Time to bring up and tear down a generated lab: N spokes with a VM each,
# plus the hub's firewall NVA, an ExpressRoute gateway, site dc1 and the
# Internet edge (scripts/gen-topo.sh). Each rep checks that the lab works
# (a spoke VM pings the firewall through the fabric) and that down leaves
# no namespace. JSON on stdout; targets: up < 10 s, down < 5 s, and up
# growing at most linearly: a lab of 100 spokes is measured in the same run
# and up(N) / up(100) must stay within 1.2 x N / 100 (12x for 1,000); a
# missed target exits 1 (the JSON's up_ok / down_ok / linear_ok say which).
#   scripts/bench-lab.sh [--spokes N] [--reps R] [--quick]
#   --quick: one rep
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
XVNET=${XVNET:-$REPO/xvnet}
spokes=100 reps=3
while [ $# -gt 0 ]; do
	case $1 in
	--spokes) spokes=$2; shift 2 ;;
	--reps) reps=${2:-}; shift 2 ;;
	--quick) reps=1; shift ;;
	-h | --help) sed -n '10,11s/^# *//p' "$0"; exit 0 ;;
	*) sed -n '10,11s/^# *//p' "$0" >&2; exit 2 ;;
	esac
done
[[ $spokes =~ ^[1-9][0-9]*$ && $reps =~ ^[1-9][0-9]*$ ]] ||
	{ echo "bench-lab: --spokes and --reps need positive numbers" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench-lab: run as root" >&2; exit 1; }

TOPO=$(mktemp --suffix=.yaml)
LAB=
trap '[ -z "$LAB" ] || "$XVNET" destroy --lab "$LAB" >/dev/null 2>&1 || true; rm -f "$TOPO" "$TOPO.json"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# measure N TAG: ups[] and downs[] of R reps of a lab of N spokes; nodes.
measure() {
	LAB=bl$$$2
	LAB=${LAB:0:12}
	"$REPO/scripts/gen-topo.sh" --spokes "$1" --subnets 1 --vms --name "$LAB" >"$TOPO"
	"$XVNET" destroy --lab "$LAB" >/dev/null 2>&1 || true
	ups=() downs=()
	for ((i = 0; i < reps; i++)); do
		t0=$(now)
		"$XVNET" deploy -t "$TOPO" >/dev/null 2>&1
		t1=$(now)
		nodes=$(jq '.nodes | length' "/run/xvnet/$LAB/state.json")
		vm=$(jq -r '[.nodes[] | select(.kind == "vm" and (.name | test("^fw") | not))][0].name' "/run/xvnet/$LAB/state.json")
		"$XVNET" exec --lab "$LAB" "$vm" -- ping -c1 -W1 10.0.1.4 >/dev/null
		t2=$(now)
		"$XVNET" destroy --lab "$LAB" >/dev/null
		t3=$(now)
		[ "$(ip netns list | grep -c "^xv-$LAB\.")" -eq 0 ]
		ups+=("$(elapsed "$t0" "$t1")")
		downs+=("$(elapsed "$t2" "$t3")")
	done
}

base=100
base_up=null
if [ "$spokes" -gt "$base" ]; then
	measure "$base" b
	base_up=$(median "${ups[@]}")
fi
measure "$spokes" n
jq -n --argjson spokes "$spokes" --argjson nodes "$nodes" \
	--argjson up "$(printf '%s\n' "${ups[@]}" | jq -s .)" \
	--argjson down "$(printf '%s\n' "${downs[@]}" | jq -s .)" \
	--argjson up_med "$(median "${ups[@]}")" --argjson down_med "$(median "${downs[@]}")" \
	--argjson base "$base" --argjson base_up "$base_up" \
	'{benchmark: "lab", spokes: $spokes, namespaces: $nodes,
	  up_s: $up, down_s: $down, up_median_s: $up_med, down_median_s: $down_med,
	  target_up_s: 10, target_down_s: 5,
	  up_ok: ($up_med < 10), down_ok: ($down_med < 5),
	  base_spokes: $base, base_up_median_s: $base_up,
	  up_ratio: (if $base_up then $up_med / $base_up else null end),
	  target_up_ratio: (if $base_up then 1.2 * $spokes / $base else null end)}
	| .linear_ok = (.up_ratio == null or .up_ratio <= .target_up_ratio)' | tee "$TOPO.json"
jq -e '.up_ok and .down_ok and .linear_ok' "$TOPO.json" >/dev/null ||
	{ echo "bench-lab: a target was missed: $(jq -r '[to_entries[] | select(.key | endswith("_ok")) | select(.value | not) | .key] | join(", ")' "$TOPO.json")" >&2; exit 1; }
