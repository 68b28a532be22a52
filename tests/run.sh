#!/usr/bin/env bash
# Run every test tier and end with one line: "xvnet: N passed, N failed, N skipped".
#   unit : cmocka binaries from tests/unit (no root needed)
#   cli  : bats files from tests/cli (the xvnet binary, no root needed)
#   bpf  : cmocka binaries from tests/bpf (BPF_PROG_TEST_RUN; root)
#   lab  : bats files from tests/lab (namespaces; root)
# TIERS="unit bpf" restricts the run; a tier needing root is skipped without it.
set -uo pipefail
cd "$(dirname "$0")/.."

TIERS=${TIERS:-unit cli bpf lab}
passed=0 failed=0 skipped=0
failures=()

sum_of() { # $1 = cmocka status word, $2 = output file; empty when absent
	awk -v tag="[  $1] " 'index($0, tag) == 1 && $5 ~ /^test/ { n += $4; seen = 1 }
		END { if (seen) print n }' "$2"
}

count_cmocka() { # $1 = name, $2 = output file
	local p f s
	# a binary may run several groups: add up every group's summary
	p=$(sum_of 'PASSED  ' "$2") f=$(sum_of 'FAILED  ' "$2") s=$(sum_of 'SKIPPED ' "$2")
	if [ -z "$p$f" ]; then # crashed before cmocka could summarise
		f=1
		failures+=("$1 (no summary: crashed?)")
	fi
	[ "${f:-0}" -gt 0 ] && failures+=("$1: $(grep '^\[  FAILED  \] [a-z_]' "$2" | sed 's/^\[  FAILED  \] //' | tr '\n' ' ')")
	passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
}

run_cmocka_dir() { # $1 = source dir
	local src bin out
	for src in "$1"/test_*.c; do
		[ -e "$src" ] || continue
		bin=build/tests/$(basename "$src" .c)
		out=$(mktemp)
		echo "== $bin"
		timeout 600 "$bin" >"$out" 2>&1
		cat "$out"
		count_cmocka "$bin" "$out"
		rm -f "$out"
	done
}

run_bats_dir() { # $1 = dir
	local f out
	for f in "$1"/*.bats; do
		[ -e "$f" ] || continue
		out=$(mktemp)
		echo "== $f"
		timeout 1200 bats --tap "$f" >"$out" 2>&1
		cat "$out"
		local s p n
		s=$(grep -c '^ok .*# skip' "$out")
		p=$(($(grep -c '^ok ' "$out") - s))
		n=$(grep -c '^not ok ' "$out")
		if ! grep -q '^1\.\.' "$out"; then
			n=$((n + 1))
			failures+=("$f (bats did not run)")
		fi
		grep '^not ok ' "$out" | while read -r l; do echo "FAILED $f: $l"; done
		[ "$n" -gt 0 ] && failures+=("$f: $n failed")
		passed=$((passed + p)) failed=$((failed + n)) skipped=$((skipped + s))
		rm -f "$out"
	done
}

is_root() { [ "$(id -u)" -eq 0 ]; }

for tier in $TIERS; do
	case $tier in
	unit) run_cmocka_dir tests/unit ;;
	cli) run_bats_dir tests/cli ;;
	bpf)
		if is_root; then run_cmocka_dir tests/bpf
		else echo "== bpf tier skipped: needs root"; skipped=$((skipped + 1)); fi ;;
	lab)
		if is_root; then run_bats_dir tests/lab
		else echo "== lab tier skipped: needs root"; skipped=$((skipped + 1)); fi ;;
	esac
done

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "xvnet: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
