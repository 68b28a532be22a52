/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The route engine's unit tests' fixture: one topology parsed from inline
 * YAML and its engine, freed by unload() (a cmocka teardown). Include it
 * after cmocka.h, in one test program each.
 */
#ifndef XVNET_TESTS_ENGINE_FIXTURE_H
#define XVNET_TESTS_ENGINE_FIXTURE_H

#include <string.h>

#include "engine.h"
#include "topo.h"

static struct topology topo;
static struct engine eng;
static bool loaded;

static inline int unload(void **state)
{
	if (loaded) {
		engine_free(&eng);
		topo_free(&topo);
	}
	loaded = false;
	return 0;
}

/* Parse yaml (a failed test if rejected) and build its engine with o. */
static inline void load_opts(const char *yaml, const struct engine_opts *o)
{
	struct diags d = { 0 };

	unload(NULL);
	if (topo_parse("test.yaml", yaml, strlen(yaml), &topo, &d)) {
		for (int i = 0; i < d.n; i++)
			print_error("%s\n", d.lines[i]);
		diags_free(&d);
		fail_msg("topology rejected");
	}
	engine_build_opts(&eng, &topo, o);
	loaded = true;
}

static inline void load(const char *yaml)
{
	load_opts(yaml, NULL);
}

#endif
