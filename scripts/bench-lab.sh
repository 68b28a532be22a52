#!/usr/bin/env bash
# Time to bring up and tear down a generated lab: N spokes with a VM each,
# plus the hub's firewall NVA, an ExpressRoute gateway, site dc1 and the
# Internet edge (scripts/gen-topo.sh). Each rep checks that the lab works
# (a spoke VM pings the firewall through the fabric) and that down leaves
# no namespace. JSON on stdout; targets: up < 10 s, down < 5 s; a missed
# target exits 1 (the JSON's up_ok / down_ok say which).
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
	-h | --help) sed -n '8,9s/^# *//p' "$0"; exit 0 ;;
	*) sed -n '8,9s/^# *//p' "$0" >&2; exit 2 ;;
	esac
done
[[ $spokes =~ ^[1-9][0-9]*$ && $reps =~ ^[1-9][0-9]*$ ]] ||
	{ echo "bench-lab: --spokes and --reps need positive numbers" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench-lab: run as root" >&2; exit 1; }

LAB=benchlab$$
LAB=${LAB:0:12}
TOPO=$(mktemp --suffix=.yaml)
trap '"$XVNET" destroy --lab "$LAB" >/dev/null 2>&1 || true; rm -f "$TOPO" "$TOPO.json"' EXIT
"$REPO/scripts/gen-topo.sh" --spokes "$spokes" --subnets 1 --vms --name "$LAB" >"$TOPO"
"$XVNET" destroy --lab "$LAB" >/dev/null 2>&1 || true

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ups=() downs=()
for ((i = 0; i < reps; i++)); do
	t0=$(now)
	"$XVNET" deploy -t "$TOPO" >/dev/null 2>&1
	t1=$(now)
	nodes=$(jq '.nodes | length' "/run/xvnet/$LAB/state.json")
	vm=$(jq -r '[.nodes[] | select(.kind == "vm" and .name != "fw")][0].name' "/run/xvnet/$LAB/state.json")
	"$XVNET" exec --lab "$LAB" "$vm" -- ping -c1 -W1 10.0.1.4 >/dev/null
	t2=$(now)
	"$XVNET" destroy --lab "$LAB" >/dev/null
	t3=$(now)
	[ "$(ip netns list | grep -c "^xv-$LAB\.")" -eq 0 ]
	ups+=("$(elapsed "$t0" "$t1")")
	downs+=("$(elapsed "$t2" "$t3")")
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
jq -n --argjson spokes "$spokes" --argjson nodes "$nodes" \
	--argjson up "$(printf '%s\n' "${ups[@]}" | jq -s .)" \
	--argjson down "$(printf '%s\n' "${downs[@]}" | jq -s .)" \
	--argjson up_med "$(median "${ups[@]}")" --argjson down_med "$(median "${downs[@]}")" \
	'{benchmark: "lab", spokes: $spokes, namespaces: $nodes,
	  up_s: $up, down_s: $down, up_median_s: $up_med, down_median_s: $down_med,
	  target_up_s: 10, target_down_s: 5,
	  up_ok: ($up_med < 10), down_ok: ($down_med < 5)}' | tee "$TOPO.json"
jq -e '.up_ok and .down_ok' "$TOPO.json" >/dev/null || { echo "bench-lab: a target was missed" >&2; exit 1; }
