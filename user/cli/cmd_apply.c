// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet apply: make a running lab a changed topology: the fabric's tables
 * swapped, changed nftables rulesets replaced, Internet hosts synced.
 */
#include <stdio.h>
#include <stdlib.h>
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
	.summary = "make a running lab a changed topology: routes, firewalls, Internet hosts",
	.help = "Recompile the fabric's routes from a changed topology (route tables,\n"
		"routes, peering flags) and make them current in one swap, without touching\n"
		"the lab's namespaces. Each firewall NVA's nftables ruleset (its rules,\n"
		"defaultAction, snat) and the Internet edge's (the VMs' public addresses)\n"
		"that changed is replaced, each in one nftables transaction: established\n"
		"connections are kept and meet the new rules from their next new flow on.\n"
		"Internet hosts added or removed are added to or removed from the edge.\n"
		"It prints which rulesets it reloaded. The lab's nodes must be those it\n"
		"was deployed with.\n",
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

/* "fabric routes applied; nftables rulesets reloaded: fw, internet; Internet hosts: 1 added" */
static void print_applied(const char *lab, const struct lab_applied *a)
{
	printf("xvnet: %s: fabric routes applied", lab);
	if (!a->nreloaded)
		printf("; nftables rulesets unchanged");
	for (int i = 0; i < a->nreloaded; i++)
		printf("%s%s", i ? ", " : "; nftables rulesets reloaded: ", a->reloaded[i]);
	if (a->hosts_added || a->hosts_removed)
		printf("; Internet hosts: %d added, %d removed", a->hosts_added, a->hosts_removed);
	printf("\n");
}

static int cmd_apply(struct verb_opts *o)
{
	struct session s = { 0 };
	struct lab_applied done = { 0 };
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
		pr_err("xvnet: lab '%s' is not up with these nodes: apply changes routes, firewall rulesets and Internet hosts only; destroy and deploy to change nodes\n",
		       p.lab);
		rc = EXIT_FAIL;
	} else if (lab_apply(&p, &s.eng, s.o.topology, &done)) {
		rc = EXIT_FAIL;
	} else {
		print_applied(p.lab, &done);
	}
	free(done.reloaded);
	lab_plan_free(&p);
	state_unlock(&l);
	session_close(&s);
	return rc;
}
