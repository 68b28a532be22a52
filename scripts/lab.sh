#!/usr/bin/env bash
# One command up, one command down (a thin face over xvnet deploy/destroy):
#   scripts/lab.sh up FILE            validate FILE, bring its lab up, show it
#   scripts/lab.sh down [FILE|--all]  remove FILE's lab (default: the only one
#                                     running), or every lab and orphan
set -euo pipefail
XVNET=${XVNET:-$(cd "$(dirname "$0")/.." && pwd)/xvnet}

usage() {
	sed -n '2,5s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

case ${1:-} in
up)
	[ $# -eq 2 ] || usage
	exec "$XVNET" deploy -t "$2" ;;
down)
	[ $# -le 2 ] || usage
	case ${2:-} in
	'') exec "$XVNET" destroy ;;
	--all) exec "$XVNET" destroy --all ;;
	*) exec "$XVNET" destroy -t "$2" ;;
	esac ;;
*) usage ;;
esac
