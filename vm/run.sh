#!/usr/bin/env bash
# Run the test suite, or any command, inside a Debian 12 VM (its own 6.1
# kernel with netem, vrf, dummy, wireguard, GRE and loadable modules).
#
#   vm/run.sh                 make test
#   vm/run.sh -- CMD ARGS...  CMD ARGS... (run by bash in a copy of the tree)
#
# Prints the guest's console as it runs and exits with the command's exit
# code (125 when the guest reported none). The image is built and cached
# by vm/build-image.sh. Environment: VM_TIMEOUT (seconds for the command,
# default 1800), VM_MEM (MiB, default 2048), VM_CPUS (default: host CPUs),
# VM_ACCEL (kvm or tcg; default kvm when /dev/kvm is usable and the CPU
# shows vmx or svm).
set -euo pipefail

cd "$(dirname "$0")/.."
IMG=build/vm

usage() {
	sed -n '2,13s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

cmd="make test"
case "${1:-}" in
"") ;;
--) shift; [ $# -gt 0 ] || usage; cmd="$*" ;;
*) usage ;;
esac

limit=${VM_TIMEOUT:-1800}
accel=${VM_ACCEL:-}
if [ -z "$accel" ]; then
	# Hardware virtualisation, not just /dev/kvm: a PVM host (kvm_pvm, no
	# vmx/svm flag) offers /dev/kvm but hangs a stock Debian kernel.
	accel=tcg
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && accel=kvm
fi
case $accel in
kvm) accel_args=(-enable-kvm -cpu host) ;;
tcg) accel_args=(-accel tcg,thread=multi -cpu max) ;;
*) echo "vm/run.sh: VM_ACCEL must be kvm or tcg" >&2; exit 2 ;;
esac
command -v qemu-system-x86_64 >/dev/null || {
	echo "vm/run.sh: qemu-system-x86_64 missing: apt-get install qemu-system-x86" >&2
	exit 2
}

vm/build-image.sh

run=$(mktemp -d "$PWD/$IMG/run.XXXXXX")
qemu_pid=
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	[ ! -f "$run/output.log" ] || cp "$run/output.log" $IMG/last-output.log
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

printf '%s\n' "$cmd" > "$run/cmd"
echo "$limit" > "$run/timeout"

# The guest stops itself after $limit; the host allows boot and copy on top.
timeout -k 5 $((limit + 300)) qemu-system-x86_64 \
	-machine q35 "${accel_args[@]}" -m "${VM_MEM:-2048}" -smp "${VM_CPUS:-$(nproc)}" \
	-nodefaults -no-user-config -display none -no-reboot \
	-serial stdio -device virtio-rng-pci \
	-kernel $IMG/vmlinuz -initrd $IMG/initrd.img \
	-append "console=ttyS0 root=/dev/vda rw init=/sbin/xvnet-init quiet loglevel=3 panic=-1" \
	-drive file=$IMG/rootfs.ext4,format=raw,if=virtio,snapshot=on \
	-virtfs local,path="$PWD",mount_tag=src,security_model=none,readonly=on \
	-virtfs local,path="$run",mount_tag=out,security_model=none \
	</dev/null &
qemu_pid=$!
qemu_rc=0
wait $qemu_pid || qemu_rc=$?
qemu_pid=

if [ ! -s "$run/status" ]; then
	echo "vm/run.sh: the guest reported no exit code (qemu exit $qemu_rc$(
		[ $qemu_rc -ne 124 ] || echo ", killed after $((limit + 300))s"))" >&2
	exit 125
fi
exit "$(cat "$run/status")"
