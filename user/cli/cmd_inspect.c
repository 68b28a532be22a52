// SPDX-License-Identifier: GPL-2.0
/* xvnet inspect: what a lab runs and its firewall counters (lab_inspect()). */
#include <stdio.h>

#include "cli.h"
#include "lab_verb.h"

static int cmd_inspect(struct verb_opts *o);

const struct verb verb_inspect = {
	.name = "inspect",
	.summary = "a running lab's nodes and firewall counters",
	.help = "The nodes of a running lab (default: the only one) and the counters of\n"
		"its firewall NVAs: packets per rule and the flows they denied; then the\n"
		"active source translations (a firewall NVA's source NAT, the public\n"
		"addresses of the Internet edge).\n",
	.examples = (const char *const[]){
		"sudo xvnet inspect",
		"sudo xvnet inspect --lab hubspoke -o json",
		NULL },
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.flags = VERB_ROOT,
	.run = cmd_inspect,
};

static int cmd_inspect(struct verb_opts *o)
{
	char name[LAB_NAME_LEN];
	int rc = lab_select(o->lab, o->topology, name);

	return rc ? rc : lab_inspect(name, o->format);
}
