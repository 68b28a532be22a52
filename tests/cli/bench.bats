#!/usr/bin/env bats
# xvnet bench and xvnet pktgen without a lab: help, usage errors (exit 2,
# naming the problem), and the machine report every figure is printed with.
load common

@test "bench: --help on stdout, exit 0; pktgen is a listed verb" {
	run xv bench --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: xvnet bench [OPTIONS] [SRC DST]" ]]
	grep -q -- "--matrix" <<<"$output"
	run xv --help
	grep -q "^  bench " <<<"$output"
	grep -q "^  pktgen " <<<"$output"
	run xv pktgen --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Usage: xvnet pktgen [OPTIONS]" ]]
	grep -q -- "--port N" <<<"$output"
}

@test "bench: usage errors are exit 2 and say what is wrong" {
	run xv bench app1
	[ "$status" -eq 2 ]
	[[ "$output" == *"name the flow: SRC DST (or --matrix)"* ]]
	run xv bench --matrix app1 app2
	[ "$status" -eq 2 ]
	[[ "$output" == *"--matrix takes no SRC DST: app1"* ]]
	run xv bench --reps 0 app1 app2
	[ "$status" -eq 2 ]
	[[ "$output" == *"bad --reps '0': use 1-50"* ]]
	run xv bench --size 20 app1 app2
	[ "$status" -eq 2 ]
	[[ "$output" == *"bad --size '20': use 48-1514"* ]]
	run xv bench --svg x.svg app1 app2
	[ "$status" -eq 2 ]
	[[ "$output" == *"--svg goes with --matrix or --compare-dataplanes"* ]]
	run xv bench --lab BAD app1 app2
	[ "$status" -eq 2 ]
	run xv bench --bogus
	[ "$status" -eq 2 ]
}

@test "bench --machine: the CPU, its count, the kernel and the mitigations" {
	run xv bench --machine -j
	[ "$status" -eq 0 ]
	jq -e --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
		--arg k "$(uname -r)" --argjson n "$(nproc)" \
		--arg v "$(cat /sys/devices/system/cpu/vulnerabilities/spectre_v2)" \
		'.machine.cpu == $cpu and .machine.kernel == $k and .machine.cpus == $n
		 and .machine.spectreV2 == $v' <<<"$output"
	run xv bench --machine
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "Machine: "*", kernel $(uname -r)" ]]
	[[ "${lines[1]}" == "  spectre_v2: "* ]]
}

@test "bench --only and --compare-dataplanes: usage errors" {
	run xv bench --only frames,bogus app1 app2
	[ "$status" -eq 2 ]
	[[ "$output" == *"--only: frames, tcp or latency, not 'bogus'"* ]]
	run xv bench --compare-dataplanes
	[ "$status" -eq 2 ]
	[[ "$output" == *"--compare-dataplanes deploys a topology: give -t FILE"* ]]
	run xv bench --compare-dataplanes -t "$HS" app1 app2
	[ "$status" -eq 2 ]
	[[ "$output" == *"--compare-dataplanes takes no SRC DST: app1"* ]]
	run xv bench --svg x.svg app1 app2
	[[ "$output" == *"--svg goes with --matrix or --compare-dataplanes"* ]]
}

@test "deploy --dataplane: xdp or kernel, nothing else" {
	run xv deploy --help
	grep -q -- "--dataplane D" <<<"$output"
	run xv deploy --dataplane vpp -t "$HS"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--dataplane"* ]]
}
