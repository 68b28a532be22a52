# Shared by tests/security/*.bats (root): a non-root account plants links
# and directories where xvnet keeps its pins and state, and root's xvnet
# must refuse or report them and delete nothing that is not its own.
# Every test puts the machine back as it found it, even when it fails.
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
XVNET=${XVNET:-$REPO/xvnet}
PINS=/sys/fs/bpf/xvnet
STATE=/run/xvnet
PROBE_USER=xvnet-probe

xv() { "$XVNET" "$@"; }

# A lab name of this run, and a one-VM topology of that name.
LAB=sec$(($$ % 100000))

small_topology() {
	cat >"$BATS_TEST_TMPDIR/small.yaml" <<YAML
name: $LAB
vnets:
  - name: v
    region: westeurope
    addressSpace: [10.9.0.0/16]
    subnets:
      - {name: s, addressPrefix: 10.9.1.0/24}
vms:
  - {name: vm1, subnet: v/s}
YAML
	echo "$BATS_TEST_TMPDIR/small.yaml"
}

# Run a command as the unprivileged account.
as_user() { setpriv --reuid "$PROBE_USER" --regid "$PROBE_USER" --clear-groups -- "$@"; }

# A root-owned directory holding a canary: what an attack would delete.
make_victim() {
	VICTIM=$BATS_TEST_TMPDIR/victim
	mkdir -p "$VICTIM/sub"
	echo canary >"$VICTIM/canary"
	echo canary >"$VICTIM/sub/state.json"
	chmod 755 "$BATS_TEST_TMPDIR" "$VICTIM"
}

victim_intact() {
	[ "$(cat "$VICTIM/canary")" = canary ] &&
		[ "$(cat "$VICTIM/sub/state.json")" = canary ] &&
		[ "$(ls -A "$VICTIM" | sort | tr '\n' ' ')" = "canary sub " ]
}

# Nothing of ours may be running, nor anyone else's lab: cleanup removes all.
security_setup() {
	id "$PROBE_USER" >/dev/null 2>&1 ||
		useradd --system --no-create-home --shell /usr/sbin/nologin "$PROBE_USER"
	if [ -n "$(ls -A "$STATE" 2>/dev/null | grep -vx '\.lock')" ] ||
	   [ -n "$(ls -A "$PINS" 2>/dev/null)" ] || ip netns list | grep -q '^xv-'; then
		skip "labs are running on this machine"
	fi
	make_victim
}

# Remove whatever a test planted (never following a link), then the lab.
security_teardown() {
	local p
	for p in "${PLANTED[@]}"; do
		if [ -L "$p" ] || [ -f "$p" ]; then rm -f "$p"; else rmdir "$p" 2>/dev/null || true; fi
	done
	for p in "$PINS" "$STATE"; do
		if [ -L "$p" ]; then rm -f "$p"; fi
		if [ -d "$p" ] && [ "$(stat -c %u "$p")" != 0 ]; then
			chown root:root "$p"
			chmod 700 "$p"
		fi
	done
	xv destroy --lab "$LAB" >/dev/null 2>&1 || true
	ip netns list | grep -q "^xv-$LAB\." && xv cleanup >/dev/null 2>&1
	true
}

# plant PATH: remember PATH for teardown (deepest first).
plant() { PLANTED=("$1" "${PLANTED[@]}"); }

leftovers() {
	ip netns list | grep -E "^xv-$LAB\." || true
	[ ! -e "$PINS/$LAB" ] || echo "pin dir $PINS/$LAB"
	[ ! -e "$STATE/$LAB" ] || echo "state $STATE/$LAB"
	[ ! -e "$STATE/$LAB.lock" ] || echo "lock $STATE/$LAB.lock"
}
