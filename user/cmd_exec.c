// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet exec NODE -- CMD...: run a command in a node's namespace. Only the
 * network namespace is entered (unlike `ip netns exec`, /sys stays as it
 * is, so the fabric's pins remain visible).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "deploy.h"
#include "lab_verb.h"
#include "netns.h"

static const char exec_usage[] =
	"Usage: xvnet exec [--lab NAME | -t FILE] NODE -- CMD [ARG...]\n"
	"Run CMD in the namespace of NODE (a VM, gateway, site, circuit, 'fabric'\n"
	"or 'internet') of a running lab (default: the only one).\n";

int cmd_exec(int argc, char **argv)
{
	char name[LAB_NAME_LEN], netns[LAB_NETNS_LEN];
	struct lab_args a;
	int rc, fd, cmd;

	rc = lab_args_parse(argc, argv, exec_usage, NULL, &a);
	if (rc != LAB_ARGS_OK)
		return rc;
	cmd = a.operand + 1;
	if (cmd < argc && !strcmp(argv[cmd], "--"))
		cmd++;
	if (cmd >= argc) {
		fputs(exec_usage, stderr);
		return EXIT_USAGE;
	}
	rc = lab_select(a.lab, a.file, name);
	if (rc)
		return rc;
	if (lab_node_netns(name, argv[a.operand], netns, sizeof(netns))) {
		fprintf(stderr, "xvnet: lab '%s' has no node '%s'\n", name, argv[a.operand]);
		return EXIT_USAGE;
	}
	fd = netns_open(netns);
	if (fd < 0 || netns_enter(fd)) {
		fprintf(stderr, "xvnet: cannot enter %s\n", netns);
		return EXIT_FAIL;
	}
	execvp(argv[cmd], argv + cmd);
	fprintf(stderr, "xvnet: %s: ", argv[cmd]);
	perror(NULL);
	return 127;
}
