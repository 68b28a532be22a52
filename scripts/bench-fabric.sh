#!/usr/bin/env bash
# Fabric benchmark (docs/bench.md): one fabric hop between two namespaces,
# next to the references measured in the same run, interleaved.
#
#   src ns  vm10 vm400 vmgw ref ──veth──  fab ns  o-vm10 o-vm400 o-vmgw o-ref
#                                                  o-dst o-gw ──veth── dst ns  dst gw
#
# The generator (xvnet pktgen, live frames) runs in src, SCHED_FIFO, pinned
# to CPU0; veth NAPI runs inline, so generator, forwarder and sink share
# CPU0 (the 1-CPU layout of xdp-veth-baseline.md). Modes, each counted at
# the XDP_DROP sink on dst/gw:
#   ceiling      ref → o-ref: xdp_redirect (devmap, no lookup) → o-dst
#   kernel       ref → o-ref: no XDP, Linux forwarding (GRO on for NAPI) → o-dst
#   fabric10     vm10 → the fabric, 10 UDRs → o-dst
#   fabric400    vm400 → the fabric, 400 UDRs → o-dst
#   fabric100kS  vmgw → the fabric, 100k gateway-learned prefixes, sprayed → o-gw
#   fib100kS     ref → o-ref: xdp_fib (bpf_fib_lookup), the same 100k prefixes
#                as kernel routes, sprayed → o-dst
#   kernel100kS  ref → o-ref: Linux forwarding over those routes, sprayed
# Test-run: the same programs' ns per frame under BPF_PROG_RUN, fed by the
# generator chained in front of them (floor: the sink alone), plus fabric100k:
# the 100k table with a single destination.
#
# Root. Everything it creates is named xvb-<pid>-* and removed on exit.
# Human progress on stderr, one JSON document on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=4 WARMUP=1 WINDOW=4 PREFIXES=${PREFIXES:-100000} REPEAT=$((1 << 20))
usage() {
	echo "Usage: scripts/bench-fabric.sh [--reps N] [--seconds S] [--quick]" >&2
	echo "  --reps N     repetitions of every mode (default $REPS); medians are reported" >&2
	echo "  --seconds S  measurement window of a live sample (default $WINDOW)" >&2
	echo "  --quick      2 reps of 2 s windows, for a ~1 minute run" >&2
	echo "  PREFIXES=N in the environment: gateway-learned prefixes (default 100000)" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--reps) REPS=${2:-}; shift 2 ;;
	--seconds) WINDOW=${2:-}; shift 2 ;;
	--quick) REPS=2 WINDOW=2 REPEAT=$((1 << 18)); shift ;;
	*) usage ;;
	esac
done
[[ $REPS =~ ^[1-9][0-9]*$ && $WINDOW =~ ^[1-9][0-9]*$ && $PREFIXES =~ ^[1-9][0-9]*$ ]] || usage
[ "$(id -u)" -eq 0 ] || { echo "bench-fabric: needs root" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "bench-fabric: needs 2 CPUs (generator on CPU0, harness on CPU1)" >&2; exit 2; }

log() { echo "bench-fabric: $*" >&2; }

P=xvb-$$
SRC=$P-src FAB=$P-fab DST=$P-dst
PIN=/sys/fs/bpf/$P
FPIN=/sys/fs/bpf/xvnet/$P	# the fabric pins only where xvnet keeps pins
WORK=$(mktemp -d /tmp/$P.XXXX)
SAMPLES=$WORK/samples.jsonl
XVNET=./xvnet
LOADER=build/tests/bench-fabric-load
# The generator (and the NAPI it runs inline) outranks whatever else shares
# CPU0: on a busy VM that halves the spread. RT throttling leaves others 5 %.
RT="chrt -f 50"
in_ns() { local ns=$1; shift; nsenter --net=/run/netns/"$ns" "$@"; }

GEN=
cleanup() {
	trap - EXIT INT TERM
	[ -n "$GEN" ] && kill -TERM "$GEN" 2>/dev/null && wait "$GEN"
	[ -d "$FPIN" ] && in_ns "$FAB" "$LOADER" unload "$FPIN" >&2 || true
	for ns in "$SRC" "$FAB" "$DST"; do ip netns del "$ns" 2>/dev/null || true; done
	rm -rf "$PIN" "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The harness stays off CPU0, which belongs to the generator and its NAPI.
taskset -cp 1 $$ >/dev/null

log "building"
make -s xvnet "$LOADER" build/benchref.bpf.o >&2
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf

mac() { in_ns "$1" ip -j link show dev "$2" | jq -r '.[0].address'; }
ifindex() { in_ns "$1" ip -j link show dev "$2" | jq -r '.[0].ifindex'; }
# Map keys and values for bpftool, byte by byte.
le32() { printf '%d %d %d %d' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
mac_bytes() { local b; for b in ${1//:/ }; do printf '0x%s ' "$b"; done; }

# veth INNER_NS INNER OUTER: the outer end in the fabric namespace.
veth() {
	ip -n "$FAB" link add "$3" type veth peer name "$2" netns "$1"
	ip -n "$FAB" link set "$3" up
	ip -n "$1" link set "$2" up
}

setup() {
	local ns
	log "namespaces $P-{src,fab,dst}"
	for ns in "$SRC" "$FAB" "$DST"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	for nic in vm10 vm400 vmgw ref; do veth "$SRC" "$nic" "o-$nic"; done
	veth "$DST" dst o-dst
	veth "$DST" gw o-gw

	# Kernel forwarding (and bpf_fib_lookup) from ref to the dst VM.
	in_ns "$FAB" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$FAB" addr add 10.250.1.1/24 dev o-ref
	ip -n "$SRC" addr add 10.250.1.2/24 dev ref
	ip -n "$FAB" route add 10.1.2.4/32 dev o-dst
	ip -n "$FAB" neigh replace 10.1.2.4 lladdr "$(mac "$DST" dst)" dev o-dst nud permanent
	# NAPI on o-ref while no XDP program is attached to it (kernel mode).
	in_ns "$FAB" ethtool -K o-ref gro on >/dev/null

	log "reference forwarders and sink"
	mkdir -p "$PIN/ref"
	bpftool prog loadall build/benchref.bpf.o "$PIN/ref" type xdp pinmaps "$PIN/ref"
	in_ns "$DST" ip link set dev dst xdpdrv pinned "$PIN/ref/xdp_sink"
	in_ns "$DST" ip link set dev gw xdpdrv pinned "$PIN/ref/xdp_sink"
	local o_dst
	o_dst=$(ifindex "$FAB" o-dst)
	in_ns "$FAB" bpftool map update pinned "$PIN/ref/tx_ports" key $(le32 "$o_dst") value $(le32 "$o_dst")
	in_ns "$FAB" bpftool map update pinned "$PIN/ref/redirect_egress" key 0 0 0 0 \
		value $(le32 "$o_dst") $(mac_bytes "$(mac "$DST" dst)") $(mac_bytes "$(mac "$FAB" o-dst)")

	log "topology: 10 and 400 UDRs, $PREFIXES gateway-learned prefixes"
	awk -v nprefixes="$PREFIXES" -v prefixes_file="$WORK/prefixes" -v hosts="$WORK/hosts" \
		-f scripts/bench-fabric-topo.awk >"$WORK/topo.yaml"
	awk '{ print "route add " $1 " via 10.1.2.4 dev o-dst proto 99" }' "$WORK/prefixes" >"$WORK/routes"
	# The sending subnets' effective routes, as the route engine counts them.
	for vm in vm10 vm400 vmgw; do
		"$XVNET" routes -t "$WORK/topo.yaml" "$vm" -j | jq --arg vm "$vm" '{($vm): (.value | length)}'
	done | jq -s add >"$WORK/routes.json"

	log "fabric (compiler + loader)"
	# libbpf and libxdp are chatty even when all goes well: keep it for failures.
	in_ns "$FAB" "$LOADER" load "$WORK/topo.yaml" "$FPIN" \
		"vm10=o-vm10,$(mac "$SRC" vm10)" "vm400=o-vm400,$(mac "$SRC" vm400)" \
		"vmgw=o-vmgw,$(mac "$SRC" vmgw)" "dst=o-dst,$(mac "$DST" dst)" \
		"gw=o-gw,$(mac "$DST" gw)" 2>"$WORK/load.log" || { cat "$WORK/load.log" >&2; exit 1; }
}

sink_packets() {
	bpftool map dump pinned "$PIN/ref/sink_stats" -j | jq '[.[0].formatted.values[].value.packets] | add'
}

now_ns() { date +%s%N; }

# mode: ns dev src dst [dst-mac]: where and what the generator sends.
mode_args() {
	case $1 in
	ceiling | kernel) echo "$SRC ref 10.250.1.2 10.1.2.4 $(mac "$FAB" o-ref)" ;;
	fib100kS | kernel100kS) echo "$SRC ref 10.250.1.2 $WORK/hosts $(mac "$FAB" o-ref)" ;;
	fabric10) echo "$SRC vm10 10.1.10.4 10.1.2.4" ;;
	fabric400) echo "$SRC vm400 10.1.50.4 10.1.2.4" ;;
	fabric100kS) echo "$SRC vmgw 10.1.100.4 $WORK/hosts" ;;
	fabric100k) echo "$SRC vmgw 10.1.100.4 $(head -1 "$WORK/hosts")" ;;
	esac
}

# The program on o-ref for each reference mode.
mode_enter() {
	case $1 in
	ceiling) in_ns "$FAB" ip -force link set dev o-ref xdpdrv pinned "$PIN/ref/xdp_redirect" ;;
	kernel) ip -n "$FAB" link set dev o-ref xdpdrv off ;;
	fib100kS)
		in_ns "$FAB" ip -force link set dev o-ref xdpdrv pinned "$PIN/ref/xdp_fib"
		ip -n "$FAB" -batch "$WORK/routes" ;;
	kernel100kS)
		ip -n "$FAB" link set dev o-ref xdpdrv off
		ip -n "$FAB" -batch "$WORK/routes" ;;
	esac
}

mode_leave() {
	case $1 in
	*100kS) ip -n "$FAB" route flush proto 99 ;;
	esac
}

pktgen_args() { # ns dev src dst [dmac]
	echo "--dev $2 --src $3 --dst $4 ${5:+--dst-mac $5}"
}

# "xdp_packets xdp_redirect" of the veth the mode's frames enter the fabric by.
xdp_counters() {
	in_ns "$FAB" ethtool -S "$1" |
		awk '/rx_queue_0_xdp_packets:/ { p = $2 } /rx_queue_0_xdp_redirect:/ { r = $2 } END { print p, r }'
}

# One live sample: start the generator, skip the warm-up, count the sink.
live_sample() {
	local rep=$1 mode=$2 a c0 c1 t0 t1 x0 x1
	read -r -a a <<<"$(mode_args "$mode")"
	# nsenter and chrt exec xvnet: $! is the generator, which stops cleanly on SIGTERM.
	nsenter --net=/run/netns/"${a[0]}" $RT "$XVNET" pktgen $(pktgen_args "${a[@]}") --cpu 0 \
		--seconds $((WARMUP + WINDOW + 10)) -j >"$WORK/gen.json" &
	GEN=$!
	sleep "$WARMUP"
	c0=$(sink_packets) t0=$(now_ns) x0=$(xdp_counters "o-${a[1]}")
	sleep "$WINDOW"
	c1=$(sink_packets) t1=$(now_ns) x1=$(xdp_counters "o-${a[1]}")
	kill -TERM "$GEN"
	wait "$GEN"
	GEN=
	if [ "$c1" -eq "$c0" ]; then
		log "$mode: no frame reached the sink"
		exit 1
	fi
	# redirected: the share of frames the XDP program forwarded itself (a
	# frame it passes up would be forwarded by the kernel and still counted).
	jq -nc --argjson rep "$rep" --arg mode "$mode" --argjson c "$((c1 - c0))" \
		--argjson t "$((t1 - t0))" --slurpfile gen "$WORK/gen.json" --arg x0 "$x0" --arg x1 "$x1" \
		'($x0 | split(" ") | map(tonumber)) as [$p0, $r0] | ($x1 | split(" ") | map(tonumber)) as [$p1, $r1]
		| {rep: $rep, live: $mode, mpps: ($c / $t * 1000), gen_mpps: ($gen[0].pps / 1e6),
		   redirected: (if $p1 > $p0 then ($r1 - $r0) / ($p1 - $p0) else null end)}' |
		tee -a "$SAMPLES" | jq -r '"  \(.live): \(.mpps * 100 | round / 100) Mpps (generated \(.gen_mpps * 100 | round / 100))"' >&2
	[[ $mode = kernel* ]] || tail -1 "$SAMPLES" | jq -e '.redirected >= 0.99' >/dev/null ||
		{ log "$mode: the XDP program did not redirect the frames"; exit 1; }
}

# One test-run sample: the program attached where the mode's frames arrive.
test_sample() {
	local rep=$1 mode=$2 a ns dev
	read -r -a a <<<"$(mode_args "$mode")"
	case $mode in
	floor) a=("$SRC" ref 10.250.1.2 10.1.2.4) ns=$DST dev=dst ;;
	*) ns=$FAB dev=o-${a[1]} ;;
	esac
	in_ns "$ns" $RT "$XVNET" pktgen --test-run $(pktgen_args "${a[@]}") --dev "$dev" \
		--src-mac "$(mac "${a[0]}" "${a[1]}")" --cpu 0 --repeat "$REPEAT" -j |
		jq -c --argjson rep "$rep" --arg mode "$mode" '{rep: $rep, test: $mode, ns: .ns_per_frame, verdict}' |
		tee -a "$SAMPLES" | jq -r '"  \(.test): \(.ns) ns/frame (\(.verdict))"' >&2
	# A program that drops (or passes) what it should forward measures nothing useful.
	tail -1 "$SAMPLES" | jq -e --arg want "$([ "$mode" = floor ] && echo XDP_DROP || echo XDP_REDIRECT)" \
		'.verdict == $want' >/dev/null || { log "$mode: unexpected verdict"; exit 1; }
}

# Every map of the fabric: the pinned ones and the current generation's own
# (the maps of the program in gens[0]).
fabric_memory() {
	local f prog ids=()
	for f in "$FPIN"/*; do
		[ "$(basename "$f")" = prog ] && continue
		ids+=("$(bpftool map show pinned "$f" -j | jq .id)")
	done
	# gens' value: the program id, as little-endian bytes
	prog=$(bpftool map dump pinned "$FPIN/gens" -j |
		jq -r '.[0].value | map(ltrimstr("0x")) | reverse | "16#" + join("")')
	ids+=($(bpftool prog show id $((prog)) -j | jq '.map_ids[]'))
	printf '%s\n' "${ids[@]}" | sort -un | while read -r f; do bpftool map show id "$f" -j; done |
		jq -s '{bytes_memlock: (map(.bytes_memlock) | add), maps: map({id, name, type, max_entries, bytes_memlock})}'
}

# The machine the figures are measured on, with them (ratios move between machines).
"$XVNET" bench --machine -j >"$WORK/machine.json"
log "$("$XVNET" bench --machine | tr '\n' ' ' | tr -s ' ')"
setup
modes=(ceiling kernel fabric10 fabric400 fabric100kS fib100kS kernel100kS)
for rep in $(seq 1 "$REPS"); do
	log "rep $rep/$REPS"
	test_sample "$rep" floor
	for mode in "${modes[@]}"; do
		mode_enter "$mode"
		live_sample "$rep" "$mode"
		[[ $mode = kernel* ]] || test_sample "$rep" "$mode"
		[ "$mode" = fabric100kS ] && test_sample "$rep" fabric100k
		mode_leave "$mode"
	done
done

fabric_memory >"$WORK/memory.json"
jq -s --slurpfile mem "$WORK/memory.json" --slurpfile routes "$WORK/routes.json" \
	--slurpfile machine "$WORK/machine.json" \
	--argjson reps "$REPS" --argjson window "$WINDOW" \
	--argjson prefixes "$PREFIXES" -f scripts/bench-fabric-report.jq "$SAMPLES" >"$WORK/report.json"
cat "$WORK/report.json"
# A missed target fails the run, as bench-engine.sh does, and is named.
missed=$(jq -r '[(.ratios, .test_run_speedup) | to_entries[] | select(.value.pass == false) | .key]
	| join(", ")' "$WORK/report.json")
[ -z "$missed" ] || { log "missed target: $missed"; exit 1; }
