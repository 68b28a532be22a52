#!/usr/bin/env bash
# Install the Debian packages xvnet needs, only when one is missing.
# Used by `make deps` (and so by `make test` and `make demo`). libclang-rt-dev:
# clang's sanitizer and libFuzzer runtimes (make asan, make fuzz); cppcheck and
# clang-tidy: make lint.
set -euo pipefail

PKGS=(
	build-essential clang llvm pkg-config
	libbpf-dev libxdp-dev xdp-tools bpftool libelf-dev zlib1g-dev
	libyaml-dev libjansson-dev libcmocka-dev libmnl-dev
	iproute2 bats iperf3 nftables ethtool tcpdump graphviz util-linux
	iputils-ping ncat jq python3-yaml
	libclang-rt-dev cppcheck clang-tidy
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "xvnet: missing Debian packages: ${missing[*]}" >&2
	echo "xvnet: run as root (sudo make ...) to install them" >&2
	exit 2
fi
echo "xvnet: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
