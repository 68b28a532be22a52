// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct command commands[] = {
	{ "routes", cmd_routes, "a subnet's effective routes" },
	{ "nexthop", cmd_nexthop, "Network Watcher's next hop for a destination" },
	{ "path", cmd_path, "the hop-by-hop path of a flow" },
	{ "check", cmd_check, "validate a topology file" },
	{ "deploy", cmd_deploy, "bring a topology up as a lab of namespaces" },
	{ "apply", cmd_apply, "swap a running lab's fabric routes for a changed topology" },
	{ "inspect", cmd_inspect, "a running lab's nodes and firewall counters" },
	{ "exec", cmd_exec, "run a command in a lab node's namespace" },
	{ "destroy", cmd_destroy, "remove a lab (--all: every lab)" },
	{ "cleanup", cmd_cleanup, "remove every lab and anything left behind" },
	{ "stats", cmd_stats, "a running lab's fabric counters" },
	{ "trace", cmd_trace, "stream a running lab's per-frame fabric decisions" },
	{ "import", cmd_import, "build a topology file from Azure's JSON (az CLI, ARM)" },
	{ "export", cmd_export, "write a topology as the JSON of the az CLI or ARM" },
	{ "pktgen", cmd_pktgen, NULL }, /* hidden: scripts/bench-fabric.sh */
};

static int usage(FILE *f)
{
	fprintf(f, "Usage: xvnet COMMAND [options]   (xvnet COMMAND -h for help)\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].summary)
			fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "xvnet: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
