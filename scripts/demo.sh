#!/usr/bin/env bash
# `make demo`: examples/hub-spoke.yaml as a live lab. Shows the effective
# routes, then for each path the prediction (xvnet path), the real exchange
# (ping and TCP), what the XDP fabric did (xvnet trace), then the firewall
# NVA's counters and the flows it denied, and takes the lab down again.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
XVNET=${XVNET:-$REPO/xvnet}
FILE=$REPO/examples/hub-spoke.yaml
LAB=$(sed -n 's/^name: *//p' "$FILE")
TRACE=$(mktemp)
STARTED=()	# pids of what the demo runs in the background

xv() { "$XVNET" "$@"; }
title() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '\033[2m$ xvnet %s\033[0m\n' "$*"; xv "$@"; }

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
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
	rm -f "$TRACE"
}

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 1; }
if [ -e "/run/xvnet/$LAB" ]; then
	echo "demo: lab '$LAB' is already up; take it down first: scripts/lab.sh down $FILE" >&2
	exit 1
fi
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

title "Effective routes: a spoke forced through the firewall, the GatewaySubnet back through it"
run routes -t "$FILE" spoke1/app
run routes -t "$FILE" hub/GatewaySubnet

title "Up: scripts/lab.sh up $FILE"
"$REPO/scripts/lab.sh" up "$FILE" 2>/dev/null

# A TCP service on port 80 in every host, and the fabric's trace recording.
# (xvnet exec becomes the command: the pid is ncat's.)
for node in app1 app2 dc1 internet; do
	background exec --lab "$LAB" "$node" -- ncat -l -k 80 --sh-exec "echo hello from $node" \
		>/dev/null 2>&1
done
background trace -t "$FILE" >"$TRACE" 2>/dev/null
sleep 0.5

# flow SRC DST_NAME DST_IP [NODE]: predict, exchange, show what the fabric
# did. SRC is a VM or a site host (then NODE is its site, and the host's
# address is the source).
flow() {
	local src=$1 name=$2 dst=$3 node=${4:-$1} from= lines
	title "$src -> $name ($dst)"
	run path -t "$FILE" -p tcp --port 80 "$src" "$dst" || true
	[ "$node" = "$src" ] ||
		from=$(jq -r --arg n "$node" '.nodes[] | select(.name == $n) | .address' "/run/xvnet/$LAB/state.json")
	lines=$(wc -l <"$TRACE")
	printf '\033[2m$ xvnet exec %s -- ping -c 2 %s%s\033[0m\n' "$node" "${from:+-I $from }" "$dst"
	xv exec --lab "$LAB" "$node" -- ping -c 2 -W 1 ${from:+-I "$from"} "$dst" | tail -2 || true
	printf '\033[2m$ xvnet exec %s -- TCP port 80 on %s\033[0m\n' "$node" "$dst"
	xv exec --lab "$LAB" "$node" -- timeout 3 bash -c "exec 3<>/dev/tcp/$dst/80 && head -n1 <&3" ||
		echo "(no answer)"
	sleep 0.3
	echo "-- what the XDP fabric did (xvnet trace):"
	tail -n +"$((lines + 1))" "$TRACE" | grep -v ' arp ' | head -12 || true
}

flow app1 app2 10.2.1.4
flow app1 dc1-srv 192.168.1.10
flow app1 web 203.0.113.10
flow dc1-srv app2 10.2.1.4 dc1

title "A flow the firewall denies: app1 -> web on UDP 53"
run path -t "$FILE" -p udp --port 53 app1 203.0.113.10 || true
xv exec --lab "$LAB" app1 -- bash -c 'echo query >/dev/udp/203.0.113.10/53'

title "The firewall NVA: counters per rule, denied flows (xvnet inspect)"
run inspect --lab "$LAB"

title "Down: scripts/lab.sh down $FILE"
# the listeners and the trace first: they would keep the namespaces alive
stopped=("${STARTED[@]}")
stop_background
"$REPO/scripts/lab.sh" down "$FILE"
left=$(ip netns list | grep -c "^xv-$LAB\." || true)
running=$(running "${stopped[@]}")
echo "namespaces left: $left; state: $([ -e "/run/xvnet/$LAB" ] && echo present || echo gone);" \
	"pins: $([ -e "/sys/fs/bpf/xvnet/$LAB" ] && echo present || echo gone);" \
	"demo processes left: $running"
[ "$left" -eq 0 ] && [ "$running" -eq 0 ]
