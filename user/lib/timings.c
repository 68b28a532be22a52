// SPDX-License-Identifier: GPL-2.0
/* Wall time per deploy step (see timings.h); one clock per process. */
#include "timings.h"

#include <stdbool.h>
#include <time.h>

#include "print.h"

static const char *const step_names[NSTEPS] = {
	[STEP_NONE] = "other",
	[STEP_TOPOLOGY] = "topology",
	[STEP_PLAN] = "plan",
	[STEP_COMPILE] = "compile",
	[STEP_NAMESPACES] = "namespaces",
	[STEP_SYSCTLS] = "sysctls",
	[STEP_VETHS] = "veths",
	[STEP_LINKS] = "links",
	[STEP_ETHTOOL] = "ethtool",
	[STEP_XDP_ATTACH] = "xdp attach",
	[STEP_ADDRESSES] = "addresses",
	[STEP_ROUTES] = "routes",
	[STEP_NFT] = "nft",
	[STEP_MAPS] = "maps",
	[STEP_STATE] = "state",
	[STEP_OUTPUT] = "output",
};

static struct {
	bool on;
	enum deploy_step running;
	double since;			/* when running began, seconds */
	double seconds[NSTEPS];
	unsigned long ops[NSTEPS];
} clk;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void timings_start(void)
{
	clk = (typeof(clk)){ .on = true, .running = STEP_NONE, .since = now() };
}

void timing_resume(enum deploy_step s)
{
	double t;

	if (!clk.on)
		return;
	t = now();
	clk.seconds[clk.running] += t - clk.since;
	clk.running = s;
	clk.since = t;
}

enum deploy_step timing_enter(enum deploy_step s)
{
	enum deploy_step was = clk.running;

	if (clk.on) {
		timing_resume(s);
		clk.ops[s]++;
	}
	return was;
}

void timings_print(void)
{
	static const struct column cols[] = {
		{ "step", "STEP" }, { "ops", "OPS" }, { "seconds", "SECONDS" },
	};
	double total = 0;

	timing_resume(STEP_NONE);
	print_string(PRINT_FP, NULL, "%s", "\nDeploy timings (wall clock):\n");
	print_table_open("timings", cols, 3);
	for (int s = 0; s < NSTEPS; s++) {
		if (s != STEP_NONE && !clk.ops[s])
			continue;
		print_row_open();
		print_string(PRINT_ANY, "step", "%s", step_names[s]);
		print_uint(PRINT_ANY, "ops", "%lu", clk.ops[s]);
		print_double(PRINT_ANY, "seconds", "%.3f", clk.seconds[s]);
		print_row_close();
		total += clk.seconds[s];
	}
	print_table_close();
	print_double(PRINT_ANY, "timings_total_s", "total %.3f s\n", total);
}
