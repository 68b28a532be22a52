#!/usr/bin/env bash
# Build (once, then cache) the Debian 12 guest image vm/run.sh boots:
#   build/vm/rootfs.ext4   bookworm root file system (mmdebstrap + mke2fs -d)
#   build/vm/vmlinuz       its linux-image-amd64 kernel
#   build/vm/initrd.img    and initramfs
#   build/vm/image.key     hash of what the image was built from
# The image holds linux-image-amd64 plus the packages scripts/deps.sh lists,
# fetched from the Debian mirrors this host's apt uses. It is rebuilt when this
# script or the deps.sh list changes, or with --force. Needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=build/vm

# Project packages, read from scripts/deps.sh's PKGS=( ... ) without running it.
eval "$(sed -n '/^PKGS=(/,/^)/p' scripts/deps.sh)"
# Guest-only extras: the kernel, mount, modprobe, ps/sysctl, and libmnl-dev,
# which the Makefile links (-lmnl) but deps.sh does not list yet.
VM_PKGS=(linux-image-amd64 mount kmod procps libmnl-dev)

# The in-image init: mount the source tree (9p tag "src") and hand over to the
# tree's vm/guest-init.sh, so guest logic changes need no image rebuild.
STUB='#!/bin/sh
export PATH=/usr/sbin:/usr/bin
mount -t proc proc /proc
modprobe -a 9pnet_virtio 9p
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=262144 src /mnt/src &&
	exec /bin/bash /mnt/src/vm/guest-init.sh
echo "xvnet-vm: cannot mount the source tree" >/dev/console
echo o >/proc/sysrq-trigger
sleep 30'

die() { echo "vm/build-image.sh: $*" >&2; exit 1; }

# One "deb URI SUITE COMPONENTS" line per Debian suite this host's apt uses.
debian_mirrors() {
	apt-get indextargets --format '$(ORIGIN) $(REPO_URI) $(RELEASE) $(COMPONENT)' \
		'Created-By: Packages' |
		awk '$1 == "Debian" && $3 ~ /^bookworm/ { c[$2 " " $3] = c[$2 " " $3] " " $4 }
		     END { for (k in c) print "deb " k c[k] }' | sort
}

image_key() {
	{ cat "$0"; printf '%s\n' "${PKGS[@]}" "${VM_PKGS[@]}"; } | sha256sum | cut -d' ' -f1
}

force=0
[ "${1:-}" = --force ] && force=1
key=$(image_key)
if [ $force -eq 0 ] && [ -f $OUT/image.key ] && [ "$(cat $OUT/image.key)" = "$key" ]; then
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "building the image needs root"
for tool in mmdebstrap mke2fs; do
	command -v $tool >/dev/null ||
		die "$tool missing: apt-get install mmdebstrap qemu-system-x86"
done
mapfile -t mirrors < <(debian_mirrors)
[ ${#mirrors[@]} -gt 0 ] || die "no Debian bookworm entry in this host's apt sources"

mkdir -p $OUT
tmp=$(mktemp -d "$PWD/$OUT/build.XXXXXX")
chmod 755 "$tmp"	# lets apt download as _apt
trap 'rm -rf "$tmp"' EXIT
rm -f $OUT/image.key

start=$SECONDS
printf '%s\n' "$STUB" > "$tmp/xvnet-init"
echo "vm: bootstrapping bookworm from ${mirrors[*]}" >&2
include=$(IFS=,; echo "${PKGS[*]},${VM_PKGS[*]}")
mmdebstrap --variant=apt --include="$include" \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--customize-hook='echo xvnet-vm > "$1/etc/hostname"' \
	--customize-hook='echo "127.0.0.1 localhost xvnet-vm" > "$1/etc/hosts"' \
	--customize-hook='mkdir -p "$1/mnt/src" "$1/mnt/out"' \
	--customize-hook="install -m 755 $tmp/xvnet-init \"\$1/sbin/xvnet-init\"" \
	--customize-hook='chroot "$1" dpkg-query -W > "$1/root/packages.txt"' \
	bookworm "$tmp/root" "${mirrors[@]}"

cp "$tmp"/root/boot/vmlinuz-* "$tmp/vmlinuz"
cp "$tmp"/root/boot/initrd.img-* "$tmp/initrd.img"
cp "$tmp/root/root/packages.txt" "$tmp/packages.txt"

# Room for the source copy, build/ and test scratch on top of the packages.
size_mb=$(( $(du -sm "$tmp/root" | cut -f1) + 1536 ))
mke2fs -q -t ext4 -L xvnet-vm -d "$tmp/root" "$tmp/rootfs.ext4" "${size_mb}M"

mv "$tmp/rootfs.ext4" "$tmp/vmlinuz" "$tmp/initrd.img" "$tmp/packages.txt" $OUT/
echo "$key" > $OUT/image.key
echo "vm: image built in $((SECONDS - start))s: $OUT/rootfs.ext4 (${size_mb} MiB)," \
	"kernel $(ls "$tmp/root/lib/modules")" >&2
