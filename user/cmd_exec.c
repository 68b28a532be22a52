// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet exec NODE -- CMD...: run a command in a node's namespace. Only the
 * network namespace is entered (unlike `ip netns exec`, /sys stays as it
 * is, so the fabric's pins remain visible).
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
		"of a running lab (default: the only one). Options end at NODE: the rest of\n"
		"the line is the command and its arguments.\n",
	.examples = (const char *const[]){
		"sudo xvnet exec app1 -- ping -c 1 192.168.1.10",
		"sudo xvnet exec --lab hubspoke fw -- nft list ruleset",
		NULL },
	.common = VERB_TOPOLOGY | VERB_LAB,
	.flags = VERB_ROOT | VERB_REST,
	.run = cmd_exec,
};

/*
 * A host's node, from the topology the lab was deployed from; a host that
 * is not its node's first gets a note: traffic leaves from the first's
 * address unless the command binds its own.
 */
static int host_netns(const char *lab, const char *name, char *netns, size_t len)
{
	char *file = state_topology(lab), a[IPV4_STRLEN], b[IPV4_STRLEN];
	const char *node;
	struct diags d = { 0 };
	const struct host *h;
	struct topology t;
	uint32_t src;
	int err = -ENOENT;

	if (file && !topo_load(file, &t, &d)) {
		h = lab_host(&t, name, &node, &src);
		if (h)
			err = lab_node_netns(lab, node, netns, len);
		if (!err && h->ip != src)
			pr_info("xvnet: note: %s is an address of %s, whose traffic leaves from %s; bind %s (ping -I %s) to send as %s\n",
				name, node, ipv4_str(src, a), ipv4_str(h->ip, b), b, name);
		topo_free(&t);
	}
	diags_free(&d);
	free(file);
	return err;
}

static int cmd_exec(struct verb_opts *o)
{
	char name[LAB_NAME_LEN], netns[LAB_NETNS_LEN];
	const char *node = o->args[0];
	char **cmd = o->args + 1;
	int rc, fd;

	rc = lab_select(o->lab, o->topology, name);
	if (rc)
		return rc;
	if (lab_node_netns(name, node, netns, sizeof(netns)) &&
	    host_netns(name, node, netns, sizeof(netns))) {
		pr_err("xvnet: lab '%s' has no node '%s'\n", name, node);
		return EXIT_USAGE;
	}
	fd = netns_open(netns);
	if (fd < 0 || netns_enter(fd)) {
		pr_err("xvnet: cannot enter %s\n", netns);
		return EXIT_FAIL;
	}
	execvp(cmd[0], cmd);
	pr_err("xvnet: %s: %s\n", cmd[0], strerror(errno));
	return 127;
}
