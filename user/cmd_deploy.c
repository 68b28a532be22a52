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
#include "verb.h"

static int cmd_deploy(struct verb_opts *o);

/* deploy's own options. */
struct deploy_cli {
	int dataplane;		/* enum lab_dataplane, by its name */
};

static const char *const dataplanes[] = { "xdp", "kernel", NULL };

static const struct opt deploy_opts[] = {
	{ .name = "dataplane", .type = OPT_CHOICE, .off = offsetof(struct deploy_cli, dataplane),
	  .arg = "D", .help = "what forwards in the fabric namespace: xdp (the XDP\n"
			      "fabric, default) or kernel (Linux policy routing from\n"
			      "the same routes, to compare with; docs/dataplane.md)",
	  .choices = dataplanes, .complete = COMPLETE_CHOICE, .own = true },
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
		NULL },
	.opts = deploy_opts,
	.own_size = sizeof(struct deploy_cli),
	.own_defaults = &deploy_defaults,
	.common = VERB_TOPOLOGY | VERB_OUTPUT,
	.flags = VERB_ROOT,
	.run = cmd_deploy,
};

static int cmd_deploy(struct verb_opts *o)
{
	struct session s = { 0 };
	struct state_lock l;
	struct lab_plan p;
	char file[PATH_MAX];
	int rc = session_open(&s, o);

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
	} else if (lab_plan(&p, &s.eng)) {
		rc = EXIT_FAIL;
	} else {
		p.dataplane = ((const struct deploy_cli *)o->own)->dataplane;
		if (!realpath(s.o.topology, file))
			snprintf(file, sizeof(file), "%s", s.o.topology);
		rc = lab_deploy(&p, &s.eng, file) ? EXIT_FAIL : EXIT_OK;
		if (rc == EXIT_OK)
			rc = lab_inspect(p.lab, s.o.format);
		lab_plan_free(&p);
	}
	state_unlock(&l);
	session_close(&s);
	return rc;
}
