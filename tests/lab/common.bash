# Shared by tests/lab/*.bats (root, real packets). Every lab a test makes
# has a name of its own (lt<pid><tag>) and is destroyed in teardown, even
# when the test fails; nothing else is touched.
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
XVNET=${XVNET:-$REPO/xvnet}
HS=$REPO/examples/hub-spoke.yaml
TH=$REPO/examples/two-hubs-er.yaml
PROBE_PORT=33434

xv() { "$XVNET" "$@"; }

# lab_name TAG: a lab name of this test run ([a-z][a-z0-9-]{0,11}).
lab_name() { echo "lt$(($$ % 100000))$1"; }

# renamed FILE LAB [SED]: a copy of FILE named LAB (and edited by SED).
renamed() {
	local out=$BATS_FILE_TMPDIR/$2.yaml
	sed -e "s/^name: .*/name: $2/" ${3:+-e "$3"} "$1" >"$out"
	echo "$out"
}

# The namespace of a node of lab $1.
node_ns() { jq -r --arg n "$2" '.nodes[] | select(.name == $n) | .netns' "/run/xvnet/$1/state.json"; }
in_node() { local lab=$1 node=$2; shift 2; xv exec --lab "$lab" "$node" -- "$@"; }

# Everything a lab could leave behind, one line each; empty when none.
leftovers() {
	ip netns list | grep -E "^xv-$1\." || true
	ip -d link show | grep -F "alias xvnet:$1:" || true
	[ ! -e "/sys/fs/bpf/xvnet/$1" ] || echo "pin dir /sys/fs/bpf/xvnet/$1"
	[ ! -e "/run/xvnet/$1" ] || echo "state /run/xvnet/$1"
	[ ! -e "/run/xvnet/$1.lock" ] || echo "lock /run/xvnet/$1.lock"
}

# Other labs on this machine (a demo, a user's): never ours to remove.
foreign_labs() {
	{ ls /run/xvnet /sys/fs/bpf/xvnet 2>/dev/null | grep -v -e ':$' -e '^$' | sed 's/\.lock$//'
	  ip netns list | sed -n 's/^xv-\([a-z0-9-]*\)\..*/\1/p'; } |
		sort -u | grep -vx "$LAB" || true
}

# cleanup, unless another lab is up: then only ours ($LAB).
clean_up() {
	if [ -z "$(foreign_labs)" ]; then xv cleanup; else xv destroy --lab "$LAB"; fi
}

# Count every UDP probe a node's stack receives, keyed by (source, dest),
# at the first hook: the node that gets a frame is proved, not assumed.
install_probes() {
	local lab=$1 n
	for n in $(jq -r '.nodes[] | select(.kind != "fabric") | .name' "/run/xvnet/$lab/state.json"); do
		in_node "$lab" "$n" nft -f - <<NFT
table ip xvprobe {
	set seen {
		type ipv4_addr . ipv4_addr
		flags dynamic
		counter
	}
	chain pre {
		type filter hook prerouting priority -400; policy accept;
		udp dport $PROBE_PORT update @seen { ip saddr . ip daddr }
	}
}
NFT
	done
}

# "NODE SRC DST" for every probe a node received.
probe_receivers() {
	local lab=$1 n
	for n in $(jq -r '.nodes[] | select(.kind != "fabric") | .name' "/run/xvnet/$lab/state.json"); do
		in_node "$lab" "$n" nft -j list set ip xvprobe seen |
			jq -r --arg n "$n" '.nftables[].set.elem? // [] | .[] | .elem.val.concat | "\($n) \(.[0]) \(.[1])"'
	done
}

# The nodes `xvnet path` says a flow reaches: NVAs, gateways, circuits,
# and where it is delivered (a VM, a site, the Internet edge).
predicted_receivers() {
	jq -r '[.hops[] | .nic, .gateway, .circuit] +
		[.deliveredTo.nic?, .deliveredTo.site?,
		 (if .deliveredTo.internet? then "internet" else null end)]
		| map(select(. != null)) | unique | .[]'
}

# XDP_NVAS="NAME:IP ..." names the firewall NVAs of dataplane xdp (snat
# Auto) of the lab under test: the fabric forwards a flow through such an
# NVA to a private destination itself, so its namespace never sees the
# flow; it still sees what is addressed to it and what it source-NATs.
# Reads predicted receivers on stdin, for destination $1.
xdp_seen() {
	local n ip skip=
	case $1 in 10.* | 192.168.* | 172.1[6-9].* | 172.2[0-9].* | 172.3[01].*) ;; *) cat; return ;; esac
	for n in $XDP_NVAS; do
		ip=${n#*:}
		[ "$ip" = "$1" ] || skip="$skip ${n%%:*}"
	done
	grep -vxF -e _none_ $(for n in $skip; do printf -- '-e %s ' "$n"; done) || true
}

# "NAME IP" of every VM, site host and Internet host of a lab.
hosts() {
	jq -r '.nodes[] | select(.kind == "vm" or .kind == "site" or .kind == "internet")
		| .name as $n | .address | split(",")[] | select(. != "")
		| "\($n) \(split("/")[0])"' "/run/xvnet/$1/state.json"
}

# The VMs of a lab, "NAME IP".
vm_hosts() { hosts "$1" | while read -r n a; do [ "$(jq -r --arg n "$n" '.nodes[] | select(.name == $n) | .kind' "/run/xvnet/$1/state.json")" = vm ] && echo "$n $a"; done; }

# Listeners answering "pong <line>" on TCP and UDP port 80 in every host
# node; their pids go to $BATS_FILE_TMPDIR/$1.pids.
start_listeners() {
	local lab=$1 n a
	hosts "$lab" | while read -r n a; do
		# xvnet exec becomes ncat: $! is the listener itself.
		"$XVNET" exec --lab "$lab" "$n" -- ncat -l -k 80 \
			--sh-exec 'read l; echo "pong $l"' >/dev/null 2>&1 3>&- &
		echo $! >>"$BATS_FILE_TMPDIR/$lab.pids"
		"$XVNET" exec --lab "$lab" "$n" -- ncat -u -l -k 80 \
			--sh-exec 'read l; echo "pong $l"' >/dev/null 2>&1 3>&- &
		echo $! >>"$BATS_FILE_TMPDIR/$lab.pids"
	done
	sleep 0.5
}

stop_listeners() {
	[ -e "$BATS_FILE_TMPDIR/$1.pids" ] || return 0
	kill $(cat "$BATS_FILE_TMPDIR/$1.pids") 2>/dev/null || true
	rm -f "$BATS_FILE_TMPDIR/$1.pids"
}

# did LAB SRC DST PROTO: does a real exchange succeed? (Delivered|Dropped)
did() {
	local out
	case $4 in
	icmp) in_node "$1" "$2" ping -c1 -W1 "$3" >/dev/null 2>&1 && out=ok ;;
	tcp | udp) # send a line, wait for the answer, no longer than needed
		out=$(in_node "$1" "$2" timeout 2 bash -c \
			"exec 3<>/dev/$4/$3/80 && echo $2 >&3 && timeout 1 head -n1 <&3" 2>/dev/null) ;;
	esac
	case $out in ok | "pong $2") echo Delivered ;; *) echo Dropped ;; esac
}

# predicted FILE SRC DST PROTO: xvnet path --round-trip's result for the
# flow: does the answer come back?
predicted() {
	local port=()
	[ "$4" = icmp ] || port=(--port 80)
	xv path -t "$1" --round-trip -j -p "$4" "${port[@]}" "$2" "$3" | jq -r .result
}

# Every VM to every other host, ICMP, TCP and UDP: the exchange succeeds
# exactly when xvnet path --round-trip says the reply comes back (each
# direction routed on its own, through the same translations). Prints the mismatches; fails if any, or if the lab
# never delivers or never drops (a vacuous lab proves nothing).
check_reachability() {
	local lab=$1 file=$2 src sa dst da proto want got bad=0 seen=
	while read -r src sa; do
		while read -r dst da; do
			[ "$src" = "$dst" ] && continue
			for proto in icmp tcp udp; do
				want=$(predicted "$file" "$src" "$da" "$proto")
				got=$(did "$lab" "$src" "$da" "$proto")
				seen="$seen $want"
				if [ "$want" != "$got" ]; then
					echo "$src -> $dst ($da) $proto: path says $want, the lab $got"
					bad=1
				fi
			done
		done < <(hosts "$lab")
	done < <(vm_hosts "$lab")
	[[ $seen == *Delivered* ]] || { echo "nothing delivered"; bad=1; }
	[[ $seen == *Dropped* ]] || { echo "nothing dropped"; bad=1; }
	return $bad
}

# One UDP probe from every VM to every other host; then every node's own
# counters say who received which: it must be exactly the nodes on the
# path xvnet path predicts (NVAs, gateways, circuits, the destination).
check_receivers() {
	local lab=$1 file=$2 src sa dst da want got bad=0 n=0
	while read -r src sa; do
		in_node "$lab" "$src" bash -c "
			for d in $(hosts "$lab" | awk -v s="$src" '$1 != s { print $2 }' | tr '\n' ' '); do
				echo probe >/dev/udp/\$d/$PROBE_PORT
			done" 2>/dev/null
	done < <(vm_hosts "$lab")
	sleep 0.3
	probe_receivers "$lab" >"$BATS_TEST_TMPDIR/received"
	while read -r src sa; do
		while read -r dst da; do
			[ "$src" = "$dst" ] && continue
			want=$(xv path -t "$file" -j -p udp --port "$PROBE_PORT" "$src" "$da" |
				predicted_receivers | xdp_seen "$da" | sort | tr '\n' ' ')
			got=$(awk -v s="$sa" -v d="$da" '$2 == s && $3 == d { print $1 }' \
				"$BATS_TEST_TMPDIR/received" | sort | tr '\n' ' ')
			n=$((n + 1))
			if [ "$want" != "$got" ]; then
				echo "$src -> $dst ($da): path predicts [$want], received by [$got]"
				bad=1
			fi
		done < <(hosts "$lab")
	done < <(vm_hosts "$lab")
	[ "$n" -gt 0 ] || { echo "no pairs"; bad=1; }
	return $bad
}

# Deploy FILE ($2) renamed to a lab of our own (tag $1). Exports LAB and FILE.
# DATAPLANE=kernel in the environment deploys it on Linux routing instead
# of the XDP fabric (DATAPLANE=kernel bats tests/lab/two-hubs.bats).
deploy_example() {
	LAB=$(lab_name "$1")
	FILE=$(renamed "$2" "$LAB")
	export LAB FILE
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
	xv deploy ${DATAPLANE:+--dataplane "$DATAPLANE"} -t "$FILE" >"$BATS_FILE_TMPDIR/deploy.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/deploy.log" >&3
		return 1
	}
}

# setup_file of an example lab: deploy_example, with probes and listeners
# in every node.
up_example() {
	deploy_example "$@" || return 1
	install_probes "$LAB"
	start_listeners "$LAB"
}

down_example() {
	stop_listeners "$LAB"
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
}
