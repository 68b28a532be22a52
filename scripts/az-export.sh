#!/usr/bin/env bash
# Export what `xvnet import` reads from an Azure subscription, read-only:
#   scripts/az-export.sh [--subscription S] [--resource-group RG]... DIR
# writes DIR/<resource group>/<command>.json, one file per `az network ...
# list -o json` command and resource group (vnet-list.json, route-table-
# list.json, ...), and learned-routes-<gateway>.json for every virtual
# network gateway (`az network vnet-gateway list-learned-routes`: the
# prefixes an ExpressRoute site is known by). Without --resource-group,
# every resource group of the subscription. Then:
#   xvnet import DIR -o mynet.yaml
# Needs the az CLI, logged in (`az login`). Only list and show commands run.
set -euo pipefail

usage() {
	echo "usage: scripts/az-export.sh [--subscription S] [--resource-group RG]... DIR" >&2
	exit 2
}

sub=() groups=() dir=
while [ $# -gt 0 ]; do
	case $1 in
	--subscription) [ $# -ge 2 ] || usage; sub=(--subscription "$2"); shift 2 ;;
	--resource-group | -g) [ $# -ge 2 ] || usage; groups+=("$2"); shift 2 ;;
	-h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) usage ;;
	*) [ -z "$dir" ] || usage; dir=$1; shift ;;
	esac
done
[ -n "$dir" ] || usage
command -v az >/dev/null || { echo "az-export: the az CLI is not installed (https://aka.ms/azure-cli)" >&2; exit 1; }
az account show "${sub[@]}" -o none 2>/dev/null ||
	{ echo "az-export: az is not logged in to ${sub[1]:-a subscription}: run 'az login'" >&2; exit 1; }

# What each file holds: FILE "az arguments" (then -g RG -o json). Optional
# ones (?) only tell what xvnet does not model, or need an az extension
# (firewall: azure-firewall): their failure is a warning.
lists=(
	"vnet-list network vnet list"
	"route-table-list network route-table list"
	"vnet-gateway-list network vnet-gateway list"
	"local-gateway-list network local-gateway list"
	"vpn-connection-list network vpn-connection list"
	"nic-list network nic list"
	"express-route-list network express-route list"
	"?firewall-list network firewall list"
	"?nsg-list network nsg list"
	"?nat-gateway-list network nat gateway list"
	"?private-endpoint-list network private-endpoint list"
	"?lb-list network lb list"
)

# az ... > FILE, through a temporary file: a failed command leaves no file.
save() {
	local file=$1
	shift
	if az "$@" "${sub[@]}" -o json >"$file.tmp" 2>"$file.err"; then
		mv "$file.tmp" "$file"
		rm -f "$file.err"
	else
		echo "az-export: az $* failed: $(head -c 300 "$file.err")" >&2
		rm -f "$file.tmp" "$file.err"
		return 1
	fi
}

if [ ${#groups[@]} -eq 0 ]; then
	mapfile -t groups < <(az group list "${sub[@]}" --query '[].name' -o tsv | tr -d '\r')
fi
[ ${#groups[@]} -gt 0 ] || { echo "az-export: no resource group to export" >&2; exit 1; }

mkdir -p "$dir"
failed=0
for rg in "${groups[@]}"; do
	[[ $rg =~ ^[-A-Za-z0-9_.()]+$ ]] || { echo "az-export: odd resource group name '$rg'" >&2; exit 2; }
	mkdir -p "$dir/$rg"
	for l in "${lists[@]}"; do
		read -r file args <<<"$l"
		# shellcheck disable=SC2086 # args are words
		if [[ $file == '?'* ]]; then
			save "$dir/$rg/${file#?}.json" $args -g "$rg" ||
				echo "az-export: (optional, skipped)" >&2
		else
			save "$dir/$rg/$file.json" $args -g "$rg" || failed=$((failed + 1))
		fi
	done
	while read -r gw; do
		[ -n "$gw" ] || continue
		save "$dir/$rg/learned-routes-$gw.json" network vnet-gateway list-learned-routes \
			-g "$rg" -n "$gw" || failed=$((failed + 1))
	done < <(az network vnet-gateway list -g "$rg" "${sub[@]}" --query '[].name' -o tsv | tr -d '\r')
	echo "az-export: $rg -> $dir/$rg" >&2
done
if [ "$failed" -gt 0 ]; then
	echo "az-export: $failed command(s) failed (above); the rest is in $dir" >&2
	exit 1
fi
echo "az-export: done; next: xvnet import $dir -o mynet.yaml" >&2
