// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet list: the labs on this host, from their state files: name, the
 * topology file, the owner (the user who deployed it, through sudo), its
 * age, its nodes and its state (every node's namespace present or not).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "netns.h"
#include "print.h"
#include "state.h"

static int cmd_list(struct verb_opts *o);

const struct verb verb_list = {
	.name = "list",
	.summary = "the labs on this host: file, owner, age, nodes, state",
	.help = "List the labs on this host: name, the topology file each was deployed (or\n"
		"last applied) from, the uid of the user who deployed it (through sudo: the\n"
		"user who ran sudo), its age, its nodes (running/all) and its state: up,\n"
		"deploying, partial (some node's namespace is gone) or broken (no state).\n",
	.examples = (const char *const[]){ "sudo xvnet list", "sudo xvnet list -o json", NULL },
	.common = VERB_OUTPUT,
	.flags = VERB_ROOT,
	.run = cmd_list,
};

static const struct column lab_cols[] = {
	{ "name", "Name" }, { "file", "File" }, { "owner", "Owner" }, { "age", "Age" },
	{ "nodes", "Nodes" }, { "state", "State" },
};

/* "42s", "5m", "3h", "2d" */
static const char *age_str(long s, char *buf, size_t len)
{
	if (s < 120)
		snprintf(buf, len, "%lds", s);
	else if (s < 2 * 3600)
		snprintf(buf, len, "%ldm", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, len, "%ldh", s / 3600);
	else
		snprintf(buf, len, "%ldd", s / 86400);
	return buf;
}

/* Nodes whose namespace is there. */
static int running(const struct lab_state *st)
{
	int n = 0;

	for (int i = 0; i < st->nnodes; i++) {
		int fd = netns_open(st->nodes[i].netns);

		if (fd >= 0) {
			n++;
			close(fd);
		}
	}
	return n;
}

static void print_lab(const char *lab)
{
	struct lab_state st;
	bool have = !state_read(lab, &st);
	int up = have ? running(&st) : 0;
	long secs = have && st.created > 0 ? (long)time(NULL) - st.created : -1;
	const char *status = !have ? "broken" : up < st.nnodes ? "partial" : st.status;
	char buf[64], age[32];

	print_row_open();
	print_string(PRINT_ANY, "name", NULL, lab);
	print_string(PRINT_ANY, "file", NULL, have ? st.file : NULL);
	if (have && st.owner >= 0)
		print_uint(PRINT_ANY, "owner", NULL, (unsigned long)st.owner);
	else
		print_null(PRINT_ANY, "owner", NULL);
	print_string(PRINT_FP, "age", NULL, secs >= 0 ? age_str(secs, age, sizeof(age)) : NULL);
	if (secs >= 0)
		print_uint(PRINT_JSON, "ageSeconds", NULL, (unsigned long)secs);
	else
		print_null(PRINT_JSON, "ageSeconds", NULL);
	snprintf(buf, sizeof(buf), "%d/%d", up, have ? st.nnodes : 0);
	print_string(PRINT_FP, "nodes", NULL, buf);
	print_uint(PRINT_JSON, "nodes", NULL, have ? (unsigned long)st.nnodes : 0);
	print_uint(PRINT_JSON, "nodesRunning", NULL, (unsigned long)up);
	print_string(PRINT_ANY, "state", NULL, status);
	print_row_close();
	if (have)
		state_free(&st);
}

static int cmd_list(struct verb_opts *o)
{
	char **labs = state_labs(false);

	if (!labs) {
		perror("xvnet list");
		return EXIT_FAIL;
	}
	print_start(o->format);
	print_table_open("labs", lab_cols, sizeof(lab_cols) / sizeof(lab_cols[0]));
	for (char **l = labs; *l; l++)
		print_lab(*l);
	print_table_close();
	if (!labs[0] && o->format == FORMAT_TABLE)
		printf("no lab is running\n");
	names_free(labs);
	return verb_print_end(EXIT_OK);
}
