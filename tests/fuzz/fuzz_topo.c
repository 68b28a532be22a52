// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a topology file through every stage the verbs take
 * before they touch the system: parse and validate (topo_parse, as
 * session_load() does), the route engine (engine_build, as session_build()),
 * every subnet's rows read out (as `routes` and `check --stats` do), and the
 * lab plan with its firewall rulesets (as `deploy` plans). Pure: memory only.
 * Built and run by `make fuzz` and the fuzz tier of tests/run.sh; seeds are
 * in tests/fuzz/corpus/topo/, and every input that ever failed is kept in
 * tests/fuzz/crashers/topo/, replayed by every run.
 */
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "lab.h"
#include "topo.h"

static void read_out(const struct engine *e)
{
	struct eff_route tmp;

	for (int i = 0; i < e->topo->nsubnets; i++) {
		const struct route_set *rs = &e->sets[i];
		int n = route_set_count(rs);

		for (int j = 0; j < n; j++)
			route_set_row(e, rs, j, &tmp);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topology t;
	struct diags d = { 0 };
	struct engine e;
	struct lab_plan p;

	if (topo_parse("fuzz.yaml", (const char *)data, size, &t, &d)) {
		diags_free(&d);
		return 0;
	}
	diags_free(&d);
	engine_build(&e, &t);
	read_out(&e);
	if (!lab_plan_build(&p, &e))
		lab_plan_free(&p);
	engine_free(&e);
	topo_free(&t);
	return 0;
}
