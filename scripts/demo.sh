#!/usr/bin/env bash
# `make demo`: forced tunnelling you can check, on live labs.
#  1. examples/hub-spoke.yaml: a spoke's Internet flow through the firewall
#     and back, translated to the firewall's public address;
#  2. the classic mistake: gateway propagation enabled on the spoke route
#     table, applied live: on-premises bypasses the firewall one way and is
#     dropped by it the other way; fixed live;
#  3. the asymmetric return: the GatewaySubnet without the spoke's route to
#     the firewall; fixed live;
#  4. examples/vpn-forced-tunnel.yaml: the Internet through the VPN gateway's
#     default site.
# Each step shows the prediction (xvnet path --round-trip), the real packets
# (ping, TCP, xvnet trace) and checks them with xvnet verify. It exits 1 when
# anything observed differs from the prediction, and leaves nothing running:
# no process, namespace or pin. Every command shown can be pasted (from the
# repository, as root, while the demo's labs are up). Colour only on a
# terminal, and never with NO_COLOR set.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
XVNET=${XVNET:-$REPO/xvnet}
HS=examples/hub-spoke.yaml
FT=examples/vpn-forced-tunnel.yaml
LAB=$(sed -n 's/^name: *//p' "$HS")
FTLAB=$(sed -n 's/^name: *//p' "$FT")
WORK=$(mktemp -d /tmp/xvnet-demo.XXXXXX)
TRACE=$WORK/trace
STARTED=()	# pids of what the demo runs in the background
CHECKS=0 FAILED=0

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	BOLD=$'\033[1m' DIM=$'\033[2m' RED=$'\033[31m' GREEN=$'\033[32m' OFF=$'\033[0m'
else
	BOLD= DIM= RED= GREEN= OFF=
fi

title() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$OFF"; }
say() { printf '%s\n' "$*"; }
# show CMD...: the command as root types it (the prompt is "# ")
show() { printf '%s# %s%s\n' "$DIM" "$*" "$OFF"; }
# run xvnet ARGS...: show it, run it (its exit status is the caller's)
run() { show "$*"; "$XVNET" "${@:2}"; }

# check WHAT PREDICTED OBSERVED: the demo's verdict on one observation.
check() {
	CHECKS=$((CHECKS + 1))
	if [ "$2" = "$3" ]; then
		printf '%s✓ %s: %s, as predicted%s\n' "$GREEN" "$1" "$3" "$OFF"
	else
		printf '%s✗ %s: predicted %s, observed %s%s\n' "$RED" "$1" "$2" "$3" "$OFF"
		FAILED=$((FAILED + 1))
	fi
}

# verify_lab LAB: every pair of the lab against path --round-trip.
verify_lab() {
	local out rc=0
	show "xvnet verify --lab $1 | tail -n 1"
	out=$("$XVNET" verify --lab "$1") || rc=$?
	tail -n 1 <<<"$out"
	grep '^MISMATCH' <<<"$out" || true
	check "xvnet verify --lab $1" "exit 0" "exit $rc"
}

# predicted FILE SRC DST [path options]: what path --round-trip says
# (path exits 1 for a dropped flow).
predicted() {
	{ "$XVNET" path -t "$1" --round-trip -j "${@:4}" "$2" "$3" || true; } | jq -r .result
}

# pinged LAB NODE DST [SRC_IP]: a real ping's round trip, in $PINGED.
pinged() {
	local out rc=0
	show "xvnet exec --lab $1 $2 -- ping -c 1 -W 1 ${4:+-I $4 }$3"
	out=$("$XVNET" exec --lab "$1" "$2" -- ping -c 1 -W 1 ${4:+-I "$4"} "$3" 2>&1) || rc=$?
	grep transmitted <<<"$out" || true
	if [ "$rc" -eq 0 ]; then PINGED=Delivered; else PINGED=Dropped; fi
}

# up FILE: deploy its lab, show the first line of what deploy says.
up() {
	local out
	show "xvnet deploy -t $1"
	out=$("$XVNET" deploy -t "$1")
	head -n 1 <<<"$out"
}

# background CMD...: run xvnet CMD in the background, the process itself
# (not a subshell around it) so that its pid is the one to stop.
background() {
	"$XVNET" "$@" 3>&- &
	STARTED+=($!)
}

# running PID...: how many of them still run.
running() {
	local p n=0
	for p in "$@"; do
		if kill -0 "$p" 2>/dev/null; then n=$((n + 1)); fi
	done
	echo "$n"
}

# Stop what the demo started, by pid: SIGTERM, then SIGKILL after 2 s.
stop_background() {
	local i
	[ ${#STARTED[@]} -gt 0 ] || return 0
	kill "${STARTED[@]}" 2>/dev/null || true
	for i in $(seq 20); do
		[ "$(running "${STARTED[@]}")" -gt 0 ] || break
		sleep 0.1
	done
	kill -9 "${STARTED[@]}" 2>/dev/null || true
	wait "${STARTED[@]}" 2>/dev/null || true
	STARTED=()
}

# On every way out (the end, a failure, Ctrl-C): nothing left running, no lab.
finish() {
	trap - INT TERM HUP
	stop_background
	"$XVNET" destroy --lab "$LAB" >/dev/null 2>&1 || true
	"$XVNET" destroy --lab "$FTLAB" >/dev/null 2>&1 || true
	rm -rf "$WORK"
}

# traced SINCE [LINES]: what the fabric did since line SINCE of the trace.
traced() {
	sleep 0.3
	say "-- what the XDP fabric did (xvnet trace --lab $LAB):"
	tail -n +"$(($1 + 1))" "$TRACE" | grep -v ' arp ' | head -n "${2:-12}" || true
}

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 1; }
for l in "$LAB" "$FTLAB"; do
	if [ -e "/run/xvnet/$l" ]; then
		echo "demo: lab '$l' is already up; take it down first: sudo xvnet destroy --lab $l" >&2
		exit 1
	fi
done
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

title "Effective routes: the spoke forced through the firewall, the GatewaySubnet back through it"
run xvnet routes -t "$HS" spoke1/app
run xvnet routes -t "$HS" hub/GatewaySubnet

title "Up: the hub-spoke lab"
up "$HS"
background trace --lab "$LAB" >"$TRACE" 2>/dev/null
sleep 0.5

title "1. The forced tunnel both ways: app1 to the Internet through the firewall, and back"
run xvnet path -t "$HS" --round-trip -p tcp --port 443 app1 203.0.113.10 || true
public=$({ "$XVNET" path -t "$HS" --round-trip -j -p tcp --port 443 app1 203.0.113.10 || true; } |
	jq -r '.request.deliveredTo.publicIp')
mark=$(wc -l <"$TRACE")
# a web server on the Internet that says who it sees (verify's probes
# stay between VMs and sites: it can keep running)
background exec --lab "$LAB" internet -- ncat -l -k 443 --sh-exec 'echo "you are $NCAT_REMOTE_ADDR"' \
	>/dev/null 2>&1
sleep 0.3
show "xvnet exec --lab $LAB app1 -- bash -c 'exec 3<>/dev/tcp/203.0.113.10/443; head -n 1 <&3'"
seen=$("$XVNET" exec --lab "$LAB" app1 -- timeout 3 bash -c 'exec 3<>/dev/tcp/203.0.113.10/443; head -n 1 <&3' 2>/dev/null || true)
say "${seen:-(no answer)}"
check "the Internet sees app1 as the firewall's public address" "you are $public" "$seen"
traced "$mark" 4
verify_lab "$LAB"

title "2. The classic mistake: gateway propagation enabled on the spoke route table"
sed 's/^    disableBgpRoutePropagation: true$/    disableBgpRoutePropagation: false/' "$HS" \
	>"$WORK/hub-spoke-propagation.yaml"
show "diff $HS $WORK/hub-spoke-propagation.yaml"
diff "$HS" "$WORK/hub-spoke-propagation.yaml" || true
say "On-premises is now learned by the spoke: 192.168.0.0/16 beats the firewall's 0.0.0.0/0 by length."
show "xvnet routes -t $WORK/hub-spoke-propagation.yaml spoke1/app | grep -e Source -e 192.168"
"$XVNET" routes -t "$WORK/hub-spoke-propagation.yaml" spoke1/app | grep -e Source -e 192.168
say "The request bypasses the firewall; the reply, routed by the GatewaySubnet, goes through it:"
run xvnet path -t "$WORK/hub-spoke-propagation.yaml" --round-trip app1 192.168.1.10 || true
want=$(predicted "$WORK/hub-spoke-propagation.yaml" app1 192.168.1.10)
run xvnet apply -t "$WORK/hub-spoke-propagation.yaml"
mark=$(wc -l <"$TRACE")
pinged "$LAB" app1 192.168.1.10
check "app1 pings dc1-srv" "$want" "$PINGED"
traced "$mark"
show "xvnet inspect --lab $LAB | grep -e '^NVA  *Rule' -e '^fw  *asymmetric'"
"$XVNET" inspect --lab "$LAB" | grep -e '^NVA  *Rule' -e '^fw  *asymmetric'
verify_lab "$LAB"
say "Fixed: propagation disabled again, applied live."
run xvnet apply -t "$HS"
pinged "$LAB" app1 192.168.1.10
check "app1 pings dc1-srv" "$(predicted "$HS" app1 192.168.1.10)" "$PINGED"

title "3. The asymmetric return: the GatewaySubnet without spoke1's route to the firewall"
sed '/- {name: spoke1-via-fw/,+1d' "$HS" >"$WORK/hub-spoke-no-gateway-route.yaml"
show "diff $HS $WORK/hub-spoke-no-gateway-route.yaml"
diff "$HS" "$WORK/hub-spoke-no-gateway-route.yaml" || true
say "On-premises reaches app1 straight through the peering; app1's 0.0.0.0/0 sends the reply to the"
say "firewall, which never saw the request:"
run xvnet path -t "$WORK/hub-spoke-no-gateway-route.yaml" --round-trip -p tcp --port 443 dc1-srv 10.1.1.4 || true
run xvnet check -t "$WORK/hub-spoke-no-gateway-route.yaml" || true
want=$(predicted "$WORK/hub-spoke-no-gateway-route.yaml" dc1-srv 10.1.1.4)
run xvnet apply -t "$WORK/hub-spoke-no-gateway-route.yaml"
mark=$(wc -l <"$TRACE")
pinged "$LAB" dc1 10.1.1.4 192.168.1.10
check "dc1-srv pings app1" "$want" "$PINGED"
traced "$mark"
verify_lab "$LAB"
say "Fixed: the GatewaySubnet's route back, applied live."
run xvnet apply -t "$HS"
pinged "$LAB" dc1 10.1.1.4 192.168.1.10
check "dc1-srv pings app1" "$(predicted "$HS" dc1-srv 10.1.1.4)" "$PINGED"

title "The firewall NVA: counters per rule, denied flows, translations (xvnet inspect)"
show "xvnet inspect --lab $LAB | sed -n '/^NVA  *Rule/,\$p'"
"$XVNET" inspect --lab "$LAB" | sed -n '/^NVA  *Rule/,$p'

title "4. VPN forced tunnelling: the Internet through the gateway's default site"
run xvnet routes -t "$FT" hub/fw
up "$FT"
run xvnet path -t "$FT" --round-trip -p tcp --port 443 app1 203.0.113.80 || true
background exec --lab "$FTLAB" hq -- ncat -l -k 443 --sh-exec 'echo "hq breakout: you are $NCAT_REMOTE_ADDR"' \
	>/dev/null 2>&1
web=${STARTED[-1]}
sleep 0.3
show "xvnet exec --lab $FTLAB app1 -- bash -c 'exec 3<>/dev/tcp/203.0.113.80/443; head -n 1 <&3'"
seen=$("$XVNET" exec --lab "$FTLAB" app1 -- timeout 3 bash -c 'exec 3<>/dev/tcp/203.0.113.80/443; head -n 1 <&3' 2>/dev/null || true)
say "${seen:-(no answer)}"
check "the default site answers app1, translated by the firewall" "hq breakout: you are 10.10.1.4" "$seen"
# verify answers TCP 443 in hq itself
kill "$web" 2>/dev/null || true
wait "$web" 2>/dev/null || true
verify_lab "$FTLAB"

title "Down: both labs"
# the trace and the servers first: they would keep the namespaces alive
stopped=("${STARTED[@]}")
stop_background
run xvnet destroy --lab "$LAB"
run xvnet destroy --lab "$FTLAB"
left=$(ip netns list | grep -c -e "^xv-$LAB\." -e "^xv-$FTLAB\." || true)
running=$(running "${stopped[@]}")
pins=0
for d in "/sys/fs/bpf/xvnet/$LAB" "/sys/fs/bpf/xvnet/$FTLAB"; do
	if [ -e "$d" ]; then pins=$((pins + 1)); fi
done
say "namespaces left: $left; pins left: $pins; demo processes left: $running"
check "nothing left behind" "0 0 0" "$left $pins $running"

title "Demo: $CHECKS checks, $FAILED differing from the prediction"
[ "$FAILED" -eq 0 ]
