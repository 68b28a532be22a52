// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet capture NODE [TCPDUMP ARGS]: tcpdump on the node's side of its NIC
 * (eth0 in the node), where frames are visible. The fabric's side shows
 * nothing: its XDP program redirects each frame to the next NIC before the
 * kernel's packet taps (AF_PACKET) would see it (docs/labs.md, "Capture").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lab_verb.h"

static int cmd_capture(struct verb_opts *o);

const struct verb verb_capture = {
	.name = "capture",
	.summary = "tcpdump on a lab node's NIC, where its frames are visible",
	.operands = "NODE [--] [TCPDUMP_ARG...]",
	.nmin = 1, .nmax = -1, .nfixed = 1,
	.operand_complete = { COMPLETE_NODE },
	.help = "Run tcpdump as NODE of a running lab (default: the only one) on its NIC,\n"
		"eth0, unless the arguments name another interface (-i): the node's side of\n"
		"the link, where every frame it sends and receives is seen. The fabric's side\n"
		"(the interfaces in the fabric namespace) shows nothing: the fabric's XDP\n"
		"program redirects each frame to the next NIC before the kernel's packet\n"
		"capture would see it. Options end at NODE: the rest is tcpdump's.\n",
	.examples = (const char *const[]){
		"sudo xvnet capture fw -n icmp",
		"sudo xvnet capture --lab hubspoke app1 -- -n -c 10 -w app1.pcap",
		NULL },
	.common = VERB_TOPOLOGY | VERB_LAB,
	.flags = VERB_ROOT | VERB_REST,
	.run = cmd_capture,
};

static int cmd_capture(struct verb_opts *o)
{
	char name[LAB_NAME_LEN], **argv = calloc((size_t)o->nargs + 4, sizeof(char *));
	bool iface = false;
	int rc, n = 0;

	if (!argv) {
		perror("xvnet capture");
		return EXIT_FAIL;
	}
	argv[n++] = "tcpdump";
	for (int i = 1; i < o->nargs; i++)
		iface |= !strncmp(o->args[i], "-i", 2) || !strncmp(o->args[i], "--interface", 11);
	if (!iface) {
		argv[n++] = "-i";
		argv[n++] = "eth0";
	}
	for (int i = 1; i < o->nargs; i++)
		argv[n++] = o->args[i];
	rc = lab_select(o->lab, o->topology, name);
	if (!rc)
		rc = lab_enter_node(name, o->args[0]);
	if (!rc) {
		execvp(argv[0], argv);
		perror("xvnet capture: tcpdump");
		rc = 127;
	}
	free(argv);
	return rc;
}
