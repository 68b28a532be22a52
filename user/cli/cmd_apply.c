// SPDX-License-Identifier: GPL-2.0
/* xvnet apply: swap a running lab's fabric tables for a changed topology. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "deploy.h"
#include "lab_verb.h"
#include "log.h"
#include "state.h"
#include "verb.h"

static int cmd_apply(struct verb_opts *o);

const struct verb verb_apply = {
	.name = "apply",
	.summary = "swap a running lab's fabric routes for a changed topology",
	.help = "Recompile the fabric's routes from a changed topology (route tables,\n"
		"routes, peering flags) and make them current in one swap, without touching\n"
		"the lab's namespaces. The lab's nodes must be those it was deployed with.\n",
	.examples = (const char *const[]){
		"sudo xvnet apply -t examples/hub-spoke.yaml",
		NULL },
	.common = VERB_TOPOLOGY,
	.flags = VERB_ROOT,
	.run = cmd_apply,
};

/* The nodes recorded at deploy time must be exactly the plan's. */
static bool same_nodes(const struct lab_plan *p)
{
	struct lab_state st;
	bool same = !state_read(p->lab, &st) && st.nnodes == p->nnodes;

	for (int i = 0; same && i < p->nnodes; i++)
		same = !strcmp(st.nodes[i].netns, p->nodes[i].netns);
	state_free(&st);
	return same;
}

static int cmd_apply(struct verb_opts *o)
{
	struct session s = { 0 };
	struct state_lock l;
	struct lab_plan p;
	int rc = session_open(&s, o);

	if (rc) {
		session_close(&s);
		return rc;
	}
	if (state_lock(&l, s.topo.name, "apply")) {
		session_close(&s);
		return EXIT_FAIL;
	}
	if (lab_plan(&p, &s.eng)) {
		state_unlock(&l);
		session_close(&s);
		return EXIT_FAIL;
	}
	if (!same_nodes(&p)) {
		pr_err("xvnet: lab '%s' is not up with these nodes: apply changes routes only; destroy and deploy to change nodes\n",
		       p.lab);
		rc = EXIT_FAIL;
	} else if (lab_apply(&p, &s.eng, s.o.topology)) {
		rc = EXIT_FAIL;
	} else {
		printf("xvnet: %s: fabric routes applied\n", p.lab);
	}
	lab_plan_free(&p);
	state_unlock(&l);
	session_close(&s);
	return rc;
}
