// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet exec NODE -- CMD...: run a command as a node of the lab: in its
 * network namespace, with its hostname and an /etc/hosts naming the lab's
 * nodes (lab_enter_node()). Unlike `ip netns exec`, /sys stays as it is,
 * so the fabric's pins remain visible.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "deploy.h"
#include "lab_verb.h"
#include "ipv4.h"
#include "lab.h"
#include "log.h"
#include "netns.h"
#include "state.h"
#include "topo.h"

static int cmd_exec(struct verb_opts *o);

const struct verb verb_exec = {
	.name = "exec",
	.summary = "run a command in a lab node's namespace",
	.operands = "NODE [--] CMD [ARG...]",
	.nmin = 2, .nmax = -1, .nfixed = 1,
	.operand_complete = { COMPLETE_NODE, COMPLETE_COMMAND },
	.help = "Run CMD in the namespace of NODE (a VM, gateway, site, circuit, 'fabric'\n"
		"or 'internet', or a site or Internet host: its site's or the Internet edge's)\n"
		"of a running lab (default: the only one), with NODE's name as hostname and an\n"
		"/etc/hosts that names the lab's VMs, gateways and hosts (seen by CMD only).\n"
		"Options end at NODE: the rest of the line is the command and its arguments.\n",
	.examples = (const char *const[]){
		"sudo xvnet exec app1 -- ping -c 1 192.168.1.10",
		"sudo xvnet exec --lab hubspoke fw -- nft list ruleset",
		NULL },
	.common = VERB_TOPOLOGY | VERB_LAB,
	.flags = VERB_ROOT | VERB_REST,
	.run = cmd_exec,
};

static int cmd_exec(struct verb_opts *o)
{
	char name[LAB_NAME_LEN];
	char **cmd = o->args + 1;
	int rc;

	rc = lab_select(o->lab, o->topology, name);
	if (!rc)
		rc = lab_enter_node(name, o->args[0]);
	if (rc)
		return rc;
	execvp(cmd[0], cmd);
	pr_err("xvnet: %s: %s\n", cmd[0], strerror(errno));
	return 127;
}
