// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet exec NODE -- CMD...: run a command in a node's namespace. Only the
 * network namespace is entered (unlike `ip netns exec`, /sys stays as it
 * is, so the fabric's pins remain visible).
 */
#include <getopt.h>
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
	static const struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "topology", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *lab = NULL, *file = NULL;
	char name[LAB_NAME_LEN], netns[LAB_NETNS_LEN];
	int c, rc, fd, cmd;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+l:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l': lab = optarg; break;
		case 't': file = optarg; break;
		case 'h': fputs(exec_usage, stdout); return EXIT_OK;
		default: fputs(exec_usage, stderr); return EXIT_USAGE;
		}
	}
	cmd = optind + 1;
	if (cmd < argc && !strcmp(argv[cmd], "--"))
		cmd++;
	if (cmd >= argc) {
		fputs(exec_usage, stderr);
		return EXIT_USAGE;
	}
	rc = lab_select(lab, file, name);
	if (rc)
		return rc;
	if (lab_node_netns(name, argv[optind], netns, sizeof(netns))) {
		fprintf(stderr, "xvnet: lab '%s' has no node '%s'\n", name, argv[optind]);
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
