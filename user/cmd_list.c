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
static size_t running(json_t *nodes)
{
	size_t i, n = 0;
	json_t *node;

	json_array_foreach(nodes, i, node) {
		int fd = netns_open(json_string_value(json_object_get(node, "netns")) ?: "");

		if (fd >= 0) {
			n++;
			close(fd);
		}
	}
	return n;
}

static void print_lab(const char *lab)
{
	json_t *st = state_read(lab), *nodes = json_object_get(st, "nodes");
	json_t *owner = json_object_get(st, "owner"), *created = json_object_get(st, "created");
	size_t total = json_array_size(nodes), up = running(nodes);
	const char *status = json_string_value(json_object_get(st, "status"));
	char buf[64], age[32];
	long secs = created ? (long)(time(NULL) - json_integer_value(created)) : -1;

	if (!st)
		status = "broken";
	else if (up < total)
		status = "partial";
	print_row_open();
	print_string(PRINT_ANY, "name", NULL, lab);
	print_string(PRINT_ANY, "file", NULL, json_string_value(json_object_get(st, "file")));
	if (owner)
		print_uint(PRINT_ANY, "owner", NULL, (unsigned long)json_integer_value(owner));
	else
		print_null(PRINT_ANY, "owner", NULL);
	print_string(PRINT_FP, "age", NULL, secs >= 0 ? age_str(secs, age, sizeof(age)) : NULL);
	if (secs >= 0)
		print_uint(PRINT_JSON, "ageSeconds", NULL, (unsigned long)secs);
	else
		print_null(PRINT_JSON, "ageSeconds", NULL);
	snprintf(buf, sizeof(buf), "%zu/%zu", up, total);
	print_string(PRINT_FP, "nodes", NULL, buf);
	print_uint(PRINT_JSON, "nodes", NULL, total);
	print_uint(PRINT_JSON, "nodesRunning", NULL, up);
	print_string(PRINT_ANY, "state", NULL, status ? status : "unknown");
	print_row_close();
	json_decref(st);
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
