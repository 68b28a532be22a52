// SPDX-License-Identifier: GPL-2.0
/* xvnet inspect: what a lab runs and its firewall counters (lab_inspect()). */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "lab_verb.h"

static const char inspect_usage[] =
	"Usage: xvnet inspect [--lab NAME | -t FILE] [-j]\n"
	"The nodes of a running lab (default: the only one) and the counters of\n"
	"its firewall NVAs: packets per rule and the flows they denied.\n";

int cmd_inspect(int argc, char **argv)
{
	static const struct option json = { "json", no_argument, NULL, 'j' };
	char name[LAB_NAME_LEN];
	struct lab_args a;
	int rc;

	rc = lab_args_parse(argc, argv, inspect_usage, &json, &a);
	if (rc != LAB_ARGS_OK)
		return rc;
	if (a.operand < argc) {
		fputs(inspect_usage, stderr);
		return EXIT_USAGE;
	}
	rc = lab_need_root("inspect");
	if (!rc)
		rc = lab_select(a.lab, a.file, name);
	return rc ? rc : lab_inspect(name, a.flag);
}
