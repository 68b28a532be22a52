// SPDX-License-Identifier: GPL-2.0
/* xvnet deploy: bring a topology up as a lab of namespaces. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "deploy.h"
#include "lab_verb.h"
#include "log.h"
#include "state.h"
#include "timings.h"
#include "verb.h"

static int cmd_deploy(struct verb_opts *o);

/* deploy's own options. */
struct deploy_cli {
	int dataplane;		/* enum lab_dataplane, by its name */
	bool timings;		/* --timings */
};

static const char *const dataplanes[] = { "xdp", "kernel", NULL };

static const struct opt deploy_opts[] = {
	{ .name = "dataplane", .type = OPT_CHOICE, .off = offsetof(struct deploy_cli, dataplane),
	  .arg = "D", .help = "what forwards in the fabric namespace: xdp (the XDP\n"
			      "fabric, default) or kernel (Linux policy routing from\n"
			      "the same routes, to compare with; docs/dataplane.md)",
	  .choices = dataplanes, .complete = COMPLETE_CHOICE, .own = true },
	{ .name = "timings", .type = OPT_FLAG, .off = offsetof(struct deploy_cli, timings),
	  .help = "then the wall time of each step (namespaces, veths, XDP\n"
		  "attach, ...) and how many operations it took: a table,\n"
		  "or \"timings\" in the JSON document", .own = true },
	{ NULL },
};

static const struct deploy_cli deploy_defaults = { .dataplane = LAB_DATAPLANE_XDP };

const struct verb verb_deploy = {
	.name = "deploy",
	.summary = "bring a topology up as a lab of namespaces",
	.help = "Validate the topology (nothing is created when it is invalid: exit 2),\n"
		"then create the lab: a namespace per VM, firewall NVA, gateway, site and\n"
		"circuit, the Internet edge and the XDP fabric; print what runs. Refuses a\n"
		"lab that is already up (use xvnet apply, or xvnet destroy first), or that\n"
		"another xvnet is changing. On any failure everything created is removed again.\n",
	.examples = (const char *const[]){
		"sudo xvnet deploy -t examples/hub-spoke.yaml",
		"sudo xvnet deploy -t examples/hub-spoke.yaml --dataplane kernel",
		"sudo xvnet deploy -t examples/hub-spoke.yaml --timings -j",
		NULL },
	.opts = deploy_opts,
	.own_size = sizeof(struct deploy_cli),
	.own_defaults = &deploy_defaults,
	.common = VERB_TOPOLOGY | VERB_OUTPUT,
	.flags = VERB_ROOT,
	.run = cmd_deploy,
};

/* Planned, brought up, shown (with the timings when asked). */
static int plan_and_deploy(struct session *s, const struct deploy_cli *d)
{
	struct lab_plan p;
	char file[PATH_MAX];
	int rc;

	timing_enter(STEP_PLAN);
	if (lab_plan(&p, &s->eng))
		return EXIT_FAIL;
	p.dataplane = d->dataplane;
	if (!realpath(s->o.topology, file))
		snprintf(file, sizeof(file), "%s", s->o.topology);
	rc = lab_deploy(&p, &s->eng, file) ? EXIT_FAIL : EXIT_OK;
	timing_enter(STEP_OUTPUT);
	if (rc == EXIT_OK)
		rc = lab_inspect_and(p.lab, s->o.format, d->timings ? timings_print : NULL);
	lab_plan_free(&p);
	return rc;
}

static int cmd_deploy(struct verb_opts *o)
{
	const struct deploy_cli *d = o->own;
	struct session s = { 0 };
	struct state_lock l;
	int rc;

	if (d->timings)
		timings_start();
	timing_enter(STEP_TOPOLOGY);
	rc = session_open(&s, o);
	if (rc) {
		session_close(&s);
		return rc;
	}
	/* Checked and created under the lab's lock: one deploy wins, the other never starts. */
	if (state_lock(&l, s.topo.name, "deploy")) {
		session_close(&s);
		return EXIT_FAIL;
	}
	if (lab_exists(s.topo.name)) {
		pr_err("xvnet: lab '%s' is already up: use 'xvnet apply -t %s' to change its routes, or 'xvnet destroy --lab %s'\n",
		       s.topo.name, s.o.topology, s.topo.name);
		rc = EXIT_FAIL;
	} else {
		rc = plan_and_deploy(&s, d);
	}
	state_unlock(&l);
	session_close(&s);
	return rc;
}
