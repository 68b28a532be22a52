// SPDX-License-Identifier: GPL-2.0
/* Shared by the lab verbs: their options, choosing the lab, the root check. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lab_verb.h"
#include "log.h"
#include "netns.h"
#include "state.h"
#include "topo.h"

int lab_args_parse(int argc, char **argv, const char *usage,
		   const struct option *flag, struct lab_args *a)
{
	struct option opts[] = {
		{ "lab", required_argument, NULL, 'l' },
		{ "topology", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
		{ 0 },
	};
	/* "+": stop at the first operand (exec's command keeps its options). */
	char optstring[8] = "+l:t:h";
	int c;

	memset(a, 0, sizeof(*a));
	if (flag) {
		opts[3] = *flag;
		optstring[6] = (char)flag->val;
	}
	optind = 0;
	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		if (c == 'l') {
			if (lab_name_check(optarg))
				return EXIT_USAGE;
			a->lab = optarg;
		} else if (c == 't') {
			a->file = optarg;
		} else if (flag && c == flag->val) {
			a->flag = true;
		} else {
			fputs(usage, c == 'h' ? stdout : stderr);
			return c == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	a->operand = optind;
	return LAB_ARGS_OK;
}

static int from_file(const char *file, char out[LAB_NAME_LEN])
{
	struct topology t;
	struct diags d = { 0 };

	if (topo_load(file, &t, &d)) {
		for (int i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		diags_free(&d);
		return EXIT_USAGE;
	}
	snprintf(out, LAB_NAME_LEN, "%s", t.name);
	topo_free(&t);
	return EXIT_OK;
}

int lab_name_check(const char *lab)
{
	if (valid_lab_name(lab))
		return EXIT_OK;
	fprintf(stderr, "xvnet: invalid lab name '%.*s'; a lab name is a lowercase letter then up to 11 lowercase letters, digits or '-'\n",
		LAB_NAME_LEN * 4, lab);
	return EXIT_USAGE;
}

int lab_select(const char *lab, const char *file, char out[LAB_NAME_LEN])
{
	char **labs;
	int n = 0;

	if (lab) {	/* checked by lab_args_parse() */
		snprintf(out, LAB_NAME_LEN, "%s", lab);
		return EXIT_OK;
	}
	if (file)
		return from_file(file, out);
	labs = state_labs(false);
	while (labs && labs[n])
		n++;
	if (n == 1)
		snprintf(out, LAB_NAME_LEN, "%s", labs[0]);
	else
		fprintf(stderr, "xvnet: %s: name one with --lab NAME or -t FILE\n",
			n ? "several labs are running" : "no lab is running");
	names_free(labs);
	return n == 1 ? EXIT_OK : EXIT_FAIL;
}

int lab_plan(struct lab_plan *p, const struct engine *e)
{
	int err = lab_plan_build(p, e);

	if (err == -ENOMEM)
		oom_exit();
	if (err)
		pr_err("xvnet: %s: cannot plan the lab: %s\n", e->topo->name, strerror(-err));
	return err;
}

int lab_need_root(const char *verb)
{
	if (!geteuid())
		return EXIT_OK;
	fprintf(stderr, "xvnet %s: needs root (namespaces, netlink, BPF)\n", verb);
	return EXIT_FAIL;
}
