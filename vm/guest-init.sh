#!/bin/bash
# PID 1 of the xvnet test VM, started by the image's /sbin/xvnet-init once
# the source tree is mounted read-only on /mnt/src. Mounts what the tests
# need, copies the tree to /root/xvnet (the image is a throwaway snapshot),
# runs the command vm/run.sh left in /mnt/out/cmd, records output and exit
# code in /mnt/out, and powers off. Any error still ends in power-off.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb

OUT=/mnt/out

power_off() {
	local rc=$1
	if mountpoint -q $OUT; then
		echo "$rc" > $OUT/status
		umount $OUT
	fi
	echo "xvnet-vm: exit $rc"
	sync
	echo o > /proc/sysrq-trigger
	# Wait for it without exec'ing from a disk that is going away.
	mkfifo /run/halt && read -rt 30 <> /run/halt
}
trap 'power_off $?' EXIT

mnt() {		# mnt TYPE DIR [OPTIONS]: mount once, creating DIR
	mkdir -p "$2"
	mountpoint -q "$2" || mount -t "$1" ${3:+-o "$3"} "$1" "$2"
}

mnt sysfs /sys
mnt devtmpfs /dev
mnt devpts /dev/pts
mnt tmpfs /dev/shm
mnt tmpfs /run mode=755
mnt tmpfs /tmp mode=1777
mnt bpf /sys/fs/bpf
mnt debugfs /sys/kernel/debug
mnt tracefs /sys/kernel/tracing
mnt cgroup2 /sys/fs/cgroup
mkdir -p $OUT
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out $OUT
hostname xvnet-vm
ip link set lo up

cmd=$(cat $OUT/cmd)
limit=$(cat $OUT/timeout)

rm -rf /root/xvnet
mkdir -p /root/xvnet
tar -C /mnt/src --exclude=./build --exclude=./build-asan --exclude=./xvnet \
	--exclude=./.git -cf - . |
	tar -C /root/xvnet -xf -
cd /root/xvnet

echo "xvnet-vm: kernel $(uname -r), $(nproc) CPUs; running: ${cmd%%$'\n'*}"
set +e
timeout -k 10 "$limit" bash -c "$cmd" </dev/null 2>&1 | tee $OUT/output.log
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -ne 124 ] || echo "xvnet-vm: command timed out after ${limit}s"
exit "$rc"
