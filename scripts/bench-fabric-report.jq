# scripts/bench-fabric.sh: samples (one JSON object a line) -> the report.
def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r2: if . == null then null else . * 100 | round / 100 end;
def stats(f): map(f) | {median: (median | r2), min: (min | r2), max: (max | r2), samples: map(r2)};

. as $s
| ($s | map(select(.live)) | group_by(.live) | map({key: .[0].live, value: .}) | from_entries) as $live
| ($s | map(select(.test)) | group_by(.test) | map({key: .[0].test, value: .}) | from_entries) as $test
| def by_rep(m): $live[m] // [] | map({key: (.rep | tostring), value: .mpps}) | from_entries;
  # Median of the per-rep ratios (robust to drift), and the ratio of the medians;
  # pass compares the paired median with the target (a minimum).
  def ratio(a; b; target; kind):
	(by_rep(a)) as $a | (by_rep(b)) as $b
	| ([$a | keys[] | select($b[.] > 0) | $a[.] / $b[.]] | median | r2) as $paired
	| {paired_median: $paired,
	   of_medians: (([$a[]] | median) as $ma | ([$b[]] | median) as $mb
		| if $ma != null and $mb != null and $mb > 0 then $ma / $mb | r2 else null end)}
	+ if target == null then {} else {(kind): target, pass: ($paired != null and $paired >= target)} end;
{
	benchmark: "fabric",
	machine: $machine[0].machine,
	method: {
		layout: "1cpu: generator pinned to CPU0, veth NAPI inline; harness on CPU1",
		frame_bytes: 64, reps: $reps, window_s: $window, warmup_s: 1,
		live: "Mpps delivered to the XDP_DROP sink, medians of reps, modes interleaved per rep",
		test_run: "ns per frame under BPF_PROG_RUN (repeat), generator chained in front (floor: generator + sink)",
		tables: {fabric10: "10 UDRs", fabric400: "400 UDRs",
			 fabric100kS: "\($prefixes) gateway-learned prefixes, destinations sprayed over all",
			 fabric100k: "the same table, one destination (test-run only)",
			 fib100kS: "the same prefixes as kernel routes, bpf_fib_lookup, sprayed",
			 kernel100kS: "the same kernel routes, Linux forwarding, sprayed"},
		effective_routes: $routes[0]
	},
	live_mpps: ($live | map_values(stats(.mpps)
		+ if .[0].redirected == null then {} else {redirected_min: (map(.redirected) | min)} end)),
	generator_mpps: ($live | map_values(map(.gen_mpps) | median | r2)),
	# net_median: minus the floor (generator + sink), i.e. the program's own cost.
	test_run_ns: (($test.floor // [] | map(.ns) | median) as $floor
		| $test | map_values(stats(.ns) + {
			net_median: ((map(.ns) | median) - $floor | r2),
			verdicts: (map(.verdict) | unique)})),
	ratios: {
		"fabric10/kernel": ratio("fabric10"; "kernel"; 3; "target"),
		"fabric400/kernel": ratio("fabric400"; "kernel"; 3; "target"),
		"fabric10/ceiling": ratio("fabric10"; "ceiling"; 0.9; "target"),
		"fabric400/ceiling": ratio("fabric400"; "ceiling"; 0.9; "target"),
		"fabric100kS/fib100kS": ratio("fabric100kS"; "fib100kS"; 2.5; "target"),
		"fabric100kS/kernel100kS": ratio("fabric100kS"; "kernel100kS"; null; null),
		"ceiling/kernel": ratio("ceiling"; "kernel"; null; null),
		# The bound of fabric100kS/fib100kS live: no forwarder beats the ceiling.
		"ceiling/fib100kS": ratio("ceiling"; "fib100kS"; null; null)
	},
	# Program cost alone (net of the floor): the live ratio is diluted by the
	# fixed cost of generator, veths and sink that every mode pays.
	test_run_speedup: (($test.floor // [] | map(.ns) | median) as $floor
		| def net(m): ($test[m] // [] | map(.ns) | median) as $v
			| if $v == null or $floor == null then null else $v - $floor end;
		  (if net("fabric100kS") > 0 and net("fib100kS") != null
			then net("fib100kS") / net("fabric100kS") | r2 else null end) as $x
		| {"fib100kS/fabric100kS": {net: $x, target: 2, pass: ($x != null and $x >= 2)}}),
	map_memory: $mem[0]
}
