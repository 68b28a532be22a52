#!/usr/bin/env bash
# user/ is grouped by concern in pipeline order; a folder may include headers
# of its own folder and of the folders before it, never of those after it.
# Prints every include that runs back up the layers; exit 1 if there is one.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
layers=(lib topo route fabric lab azure cli)
declare -A rank home
for i in "${!layers[@]}"; do
	rank[${layers[$i]}]=$i
	for h in user/"${layers[$i]}"/*.h; do home[$(basename "$h")]=${layers[$i]}; done
done
bad=0
for d in "${layers[@]}"; do
	for f in user/"$d"/*.[ch]; do
		while read -r inc; do
			to=${home[$inc]:-}
			if [ -n "$to" ] && [ "${rank[$to]}" -gt "${rank[$d]}" ]; then
				echo "$f includes $to/$inc: $d comes before $to" >&2
				bad=1
			fi
		done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
	done
done
for f in user/*.[ch]; do
	[ -e "$f" ] && { echo "$f: every source belongs to one of: ${layers[*]}" >&2; bad=1; }
done
exit $bad
