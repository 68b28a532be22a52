#!/usr/bin/env bash
# Run every test tier and end with one line: "xvnet: N passed, N failed, N skipped".
#   unit     : cmocka binaries from tests/unit (no root needed)
#   cli      : bats files from tests/cli (the xvnet binary, no root needed)
#   bpf      : cmocka binaries from tests/bpf (BPF_PROG_TEST_RUN; root)
#   lab      : bats files from tests/lab (namespaces; root)
#   security : bats files from tests/security (pins and state under attack; root)
#   asan     : the unit and cli tiers again, built with ASan and UBSan (make asan)
#   fuzz     : each tests/fuzz/fuzz_*.c replays its corpus and every input that
#              ever failed, then fuzzes for FUZZ_SECONDS (60) seconds
# TIERS="unit bpf" restricts the run; a tier needing root is skipped without it.
#
# Every program reports in TAP (cmocka through CMOCKA_MESSAGE_OUTPUT=TAP, bats
# with --tap) and is counted one way: a program fails when it exits non-zero
# without a failed test to show for it, crashes, prints no plan, or reports
# fewer (or more) results than it planned. A tier with no program fails.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

TIERS=${TIERS:-unit cli bpf lab security asan fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
ASAN_BUILD=build-asan
passed=0 failed=0 skipped=0
failures=()

# Count one program's TAP output. $1 = name, $2 = stdout, $3 = exit code.
# With TAP_GROUPS set (cmocka), every plan must be closed by its group's
# "# ok - NAME" or "# not ok - NAME" line.
count_tap() {
	local name=$1 out=$2 rc=$3 plan p f s open n
	read -r plan p f s open < <(awk '
		/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan += $1; plans++; next }
		/^# (not )?ok - / { closed++ }
		/^(not )?ok [0-9]+/ {
			if (tolower($0) ~ /^(not )?ok [0-9]+[^#]*# skip/) s++
			else if ($1 == "ok") p++
			else f++
		}
		END { print (plans ? plan : -1), p + 0, f + 0, s + 0, plans - closed }' "$out")
	n=$((p + f + s))
	if [ "$f" -gt 0 ]; then
		failures+=("$name: $(grep '^not ok ' "$out" | grep -vi '# skip' |
			sed 's/^not ok [0-9]* *-* *//' | tr '\n' ',' | sed 's/,$//')")
	fi
	if [ "$plan" -lt 0 ]; then
		f=$((f + 1))
		failures+=("$name: no TAP plan (exit $rc): did it run?")
	elif [ "$n" -ne "$plan" ]; then
		failures+=("$name: $n results for a plan of $plan (exit $rc)")
		[ "$n" -lt "$plan" ] && f=$((f + plan - n)) || f=$((f + 1))
	elif [ -n "${TAP_GROUPS:-}" ] && [ "$open" -ne 0 ]; then
		f=$((f + 1))
		failures+=("$name: $open group(s) never finished (exit $rc)")
	fi
	if [ "$rc" -ne 0 ] && { [ "$f" -eq 0 ] || [ "$rc" -gt 100 ]; }; then
		# exit code 124: timeout; above 128: killed by a signal
		f=$((f + 1))
		failures+=("$name: exit $rc$([ "$rc" -gt 128 ] && echo " (signal $((rc - 128)))")")
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# Run a program ($2...) whose stdout is TAP, under the name $1, and count it.
# Its stderr is shown after its TAP, never mixed into it.
run_tap() {
	local name=$1 out err rc
	shift
	out=$(mktemp) err=$(mktemp)
	echo "== $name"
	"$@" >"$out" 2>"$err" </dev/null
	rc=$?
	cat "$out"
	[ -s "$err" ] && { echo "-- stderr of $name:"; cat "$err"; }
	count_tap "$name" "$out" "$rc"
	rm -f "$out" "$err"
}

# A tier found nothing to run: that is a failure, not a pass.
nothing_to_run() {
	failed=$((failed + 1))
	failures+=("$1 tier: $2")
	echo "FAILED $1 tier: $2"
}

run_cmocka_dir() { # $1 = tier, $2 = source dir, $3 = binary dir
	local src bin n=0
	for src in "$2"/test_*.c; do
		[ -e "$src" ] || continue
		bin=$3/$(basename "$src" .c)
		n=$((n + 1))
		if [ ! -x "$bin" ]; then
			nothing_to_run "$1" "$bin is missing (make tests)"
			continue
		fi
		CMOCKA_MESSAGE_OUTPUT=TAP TAP_GROUPS=1 run_tap "$1: $bin" timeout 600 "$bin"
	done
	[ "$n" -gt 0 ] || nothing_to_run "$1" "no $2/test_*.c"
}

run_bats_dir() { # $1 = tier, $2 = dir, $3 = "optional" when it may be absent
	local f n=0
	if [ ! -x "${XVNET:-./xvnet}" ]; then
		nothing_to_run "$1" "${XVNET:-./xvnet} is missing (make)"
		return
	fi
	for f in "$2"/*.bats; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		run_tap "$1: $f" timeout 1200 bats --tap "$f"
	done
	if [ "$n" -eq 0 ] && [ "${3:-}" = optional ]; then
		echo "== $1: no $2/*.bats, 0 tests"
	elif [ "$n" -eq 0 ]; then
		nothing_to_run "$1" "no $2/*.bats"
	fi
}

# The unit and cli tiers with the sanitizer build; any report is fatal.
run_asan() {
	if [ ! -x "$ASAN_BUILD/xvnet" ]; then
		nothing_to_run asan "$ASAN_BUILD/xvnet is missing (make asan)"
		return
	fi
	export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	run_cmocka_dir asan tests/unit "$ASAN_BUILD/tests"
	XVNET=$ASAN_BUILD/xvnet run_bats_dir asan tests/cli
	unset ASAN_OPTIONS UBSAN_OPTIONS
}

# One TAP result per fuzz target: replay, then fuzz.
fuzz_one() { # $1 = target binary, $2 = seed corpus, $3 = crashers
	local work=$ASAN_BUILD/fuzz/work-${1##*/fuzz_} log rc=0 runs
	local arts=$ASAN_BUILD/fuzz/artifacts-${1##*/fuzz_}/
	local crashers=() seeds=()
	shopt -s nullglob
	crashers=("$3"/*) seeds=("$2"/*)
	shopt -u nullglob
	mkdir -p "$work" "$arts"
	log=$(mktemp)
	echo "1..1"
	# Every input that ever failed, and the seeds: one run each.
	if [ $((${#crashers[@]} + ${#seeds[@]})) -gt 0 ]; then
		"$1" -rss_limit_mb=1024 -timeout=20 "${crashers[@]}" "${seeds[@]}" >"$log" 2>&1
		rc=$?
	fi
	if [ "$rc" -eq 0 ] && [ "$FUZZ_SECONDS" -gt 0 ]; then
		# New inputs go to $work (the first directory), never into the tree.
		"$1" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=1024 -timeout=20 \
			-print_final_stats=1 -artifact_prefix="$arts" \
			"$work" "$2" >>"$log" 2>&1
		rc=$?
	fi
	if [ "$rc" -eq 0 ]; then
		grep -E '^(Done|stat::)|files found' "$log" | sed 's/^/# /'
	else
		tail -n 40 "$log" | sed 's/^/# /'
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" -eq 0 ]; then
		echo "ok 1 - ${1##*/}: ${#crashers[@]} crashers and ${#seeds[@]} seeds replayed, ${runs:-0} runs in ${FUZZ_SECONDS} s"
	else
		echo "not ok 1 - ${1##*/}: exit $rc; keep the failing input (see $arts) in $3/"
	fi
	rm -f "$log"
	return "$rc"
}

run_fuzz() {
	local src bin name n=0
	if ! [[ $FUZZ_SECONDS =~ ^[0-9]+$ ]]; then
		nothing_to_run fuzz "FUZZ_SECONDS=$FUZZ_SECONDS is not a number of seconds"
		return
	fi
	for src in tests/fuzz/fuzz_*.c; do
		[ -e "$src" ] || continue
		n=$((n + 1))
		bin=$ASAN_BUILD/fuzz/$(basename "$src" .c)
		name=${bin##*/fuzz_}
		if [ ! -x "$bin" ]; then
			nothing_to_run fuzz "$bin is missing (make fuzz)"
			continue
		fi
		run_tap "fuzz: $bin" fuzz_one "$bin" "tests/fuzz/corpus/$name" "tests/fuzz/crashers/$name"
	done
	[ "$n" -gt 0 ] || nothing_to_run fuzz "no tests/fuzz/fuzz_*.c"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

root_tier() { # $1 = tier, then the command running it
	if is_root; then "${@:2}"
	else echo "== $1 tier skipped: needs root"; skipped=$((skipped + 1)); fi
}

[ -n "${TIERS// /}" ] || nothing_to_run all "TIERS is empty"
for tier in $TIERS; do
	start=$SECONDS
	case $tier in
	unit) run_cmocka_dir unit tests/unit build/tests ;;
	cli) run_bats_dir cli tests/cli ;;
	bpf) root_tier bpf run_cmocka_dir bpf tests/bpf build/tests ;;
	lab) root_tier lab run_bats_dir lab tests/lab ;;
	security) root_tier security run_bats_dir security tests/security optional ;;
	asan) run_asan ;;
	fuzz) run_fuzz ;;
	*) nothing_to_run "$tier" "no such tier (unit cli bpf lab security asan fuzz)" ;;
	esac
	echo "== $tier tier: $((SECONDS - start)) s"
done

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "xvnet: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
