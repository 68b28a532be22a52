#!/usr/bin/env bats
# scripts/az-export.sh with a stand-in `az` on PATH that serves fixture
# files (tests/fixtures/azure), then `xvnet import` of what it wrote.
load common

FX=$REPO/tests/fixtures/azure

setup() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	export AZ_LOG=$BATS_TEST_TMPDIR/az.log AZ_FIXTURES=$BATS_TEST_TMPDIR/sub
	mkdir -p "$AZ_FIXTURES"
	# The stand-in: $AZ_FIXTURES/<group>/<command>.json, "[]" when absent.
	cat >"$BATS_TEST_TMPDIR/bin/az" <<-'AZ'
	#!/usr/bin/env bash
	echo "$*" >>"$AZ_LOG"
	args=("$@") rg= name= query= out=json words=()
	for ((i = 0; i < ${#args[@]}; i++)); do
		case ${args[i]} in
		-g | --resource-group) rg=${args[++i]} ;;
		-n | --name) name=${args[++i]} ;;
		--query) query=${args[++i]} ;;
		-o | --output) out=${args[++i]} ;;
		--subscription) sub=${args[++i]}; [ "$sub" = "${AZ_SUBSCRIPTION:-$sub}" ] || exit 3 ;;
		*) words+=("${args[i]}") ;;
		esac
	done
	case "${words[*]}" in
	"account show") exit "${AZ_LOGGED_OUT:-0}" ;;
	"group list") ls "$AZ_FIXTURES"; exit 0 ;;
	"network vnet-gateway list-learned-routes")
		cat "$AZ_FIXTURES/$rg/learned-routes-$name.json" 2>/dev/null || echo '{"value": []}'
		exit 0 ;;
	"network firewall list") [ -z "$AZ_NO_FIREWALL" ] || { echo "extension azure-firewall is not installed" >&2; exit 2; } ;;
	esac
	[ "${words[0]}" = network ] && [ "${words[-1]}" = list ] || { echo "stand-in az: not served: $*" >&2; exit 9; }
	file=$(IFS=-; echo "${words[*]:1}").json
	f=$AZ_FIXTURES/$rg/$file
	[ -f "$f" ] || { echo '[]'; exit 0; }
	if [ "$query" = '[].name' ] && [ "$out" = tsv ]; then jq -r '.[].name' "$f"; else cat "$f"; fi
	AZ
	chmod +x "$BATS_TEST_TMPDIR/bin/az"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
}

@test "az-export: every group, one file per command, then import gives the same topology" {
	cp -r "$FX/two-groups/rg-hub1" "$FX/two-groups/rg-hub2" "$AZ_FIXTURES/"
	run "$REPO/scripts/az-export.sh" "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	[ -f "$BATS_TEST_TMPDIR/out/rg-hub1/vnet-list.json" ]
	[ -f "$BATS_TEST_TMPDIR/out/rg-hub2/route-table-list.json" ]
	[ "$(cat "$BATS_TEST_TMPDIR/out/rg-hub1/express-route-list.json")" = "[]" ]
	# read-only: only list and show commands ran
	! grep -Ev '^(account show|group list|network .* (list|list-learned-routes))( |$)' "$AZ_LOG"
	xv import "$BATS_TEST_TMPDIR/out" -o "$BATS_TEST_TMPDIR/a.yaml"
	xv import "$FX/two-groups" -o "$BATS_TEST_TMPDIR/b.yaml" 2>/dev/null
	diff <(grep -v '^#' "$BATS_TEST_TMPDIR/a.yaml" | sed 's/^name: .*//') \
		<(grep -v '^#' "$BATS_TEST_TMPDIR/b.yaml" | sed 's/^name: .*//')
}

@test "az-export: --resource-group and --subscription are passed on; learned routes per gateway" {
	mkdir "$AZ_FIXTURES/rg-er" "$AZ_FIXTURES/rg-other"
	# the ER hub's resources, served as the CLI's lists of that group
	jq '[.data[] | select(.type == "microsoft.network/virtualnetworkgateways")]' \
		"$FX/er-hub/graph-network.json" >"$AZ_FIXTURES/rg-er/vnet-gateway-list.json"
	jq '[.data[] | select(.type != "microsoft.network/virtualnetworkgateways")]' \
		"$FX/er-hub/graph-network.json" >"$AZ_FIXTURES/rg-er/vnet-list.json"
	cp "$FX/er-hub/learned-routes-er-gw.json" "$AZ_FIXTURES/rg-er/"
	export AZ_SUBSCRIPTION=sub-1
	run "$REPO/scripts/az-export.sh" --subscription sub-1 --resource-group rg-er "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/out/rg-other" ]
	grep -qx 'network vnet-gateway list-learned-routes -g rg-er -n er-gw --subscription sub-1 -o json' "$AZ_LOG"
	xv import "$BATS_TEST_TMPDIR/out" -o "$BATS_TEST_TMPDIR/er.yaml"
	grep -qx '    addressSpace: \[192.168.0.0/16, 172.16.32.0/20\]' "$BATS_TEST_TMPDIR/er.yaml"
}

@test "az-export: not logged in, or a failed command, is exit 1; optional lists only warn" {
	mkdir "$AZ_FIXTURES/rg-a"
	AZ_LOGGED_OUT=1 run "$REPO/scripts/az-export.sh" "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 1 ]
	[[ "$output" == *"az login"* ]]
	AZ_NO_FIREWALL=1 run "$REPO/scripts/az-export.sh" "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	[[ "$output" == *"extension azure-firewall is not installed"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/out/rg-a/firewall-list.json" ]
	# a required list failing: reported, exit 1, no half file left
	sed -i '2i [ "$2 $3" = "nic list" ] \&\& { echo boom >\&2; exit 5; }' "$BATS_TEST_TMPDIR/bin/az"
	run "$REPO/scripts/az-export.sh" "$BATS_TEST_TMPDIR/out2"
	[ "$status" -eq 1 ]
	[[ "$output" == *"az network nic list -g rg-a failed: boom"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/out2/rg-a/nic-list.json" ]
	[ ! -e "$BATS_TEST_TMPDIR/out2/rg-a/nic-list.json.tmp" ]
	run "$REPO/scripts/az-export.sh"
	[ "$status" -eq 2 ]
}
