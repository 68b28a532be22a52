// SPDX-License-Identifier: GPL-2.0
/* Shared by the lab verbs: choosing the lab, planning it, the root check. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "deploy.h"
#include "lab_verb.h"
#include "log.h"
#include "netns.h"
#include "state.h"
#include "topo.h"

static int from_file(const char *file, char out[LAB_NAME_LEN])
{
	struct topology t;
	struct diags d = { 0 };

	if (topo_load(file, &t, &d)) {
		for (int i = 0; i < d.n; i++)
			pr_err("%s\n", d.lines[i]);
		diags_free(&d);
		return EXIT_USAGE;
	}
	snprintf(out, LAB_NAME_LEN, "%s", t.name);
	topo_free(&t);
	return EXIT_OK;
}

/* The running labs, one a line, after why they are listed. */
static void list_labs(char **labs)
{
	for (int i = 0; labs && labs[i]; i++)
		pr_err("  %s\n", labs[i]);
}

/* --lab NAME: a lab that is there (even partly: destroy removes what is left). */
static int named(const char *lab, char out[LAB_NAME_LEN])
{
	char **labs, hint[128];

	snprintf(out, LAB_NAME_LEN, "%s", lab);
	if (lab_exists(lab))
		return EXIT_OK;
	labs = state_labs(false);
	verb_did_you_mean(hint, sizeof(hint), lab, labs, sizeof(*labs), -1);
	pr_err("xvnet: no lab '%s'%s%s\n", lab, hint,
		labs && labs[0] ? "; running:" : "; no lab is running");
	list_labs(labs);
	names_free(labs);
	return EXIT_FAIL;
}

int lab_select(const char *lab, const char *file, char out[LAB_NAME_LEN])
{
	char **labs;
	int n = 0;

	if (lab)	/* a valid name: checked as it was parsed (OPT_LAB) */
		return named(lab, out);
	if (file)
		return from_file(file, out);
	labs = state_labs(false);
	while (labs[n])
		n++;
	if (n == 1) {
		snprintf(out, LAB_NAME_LEN, "%s", labs[0]);
	} else if (!n) {
		pr_err("xvnet: no lab is running: deploy one (xvnet deploy -t FILE)\n");
	} else {
		pr_err("xvnet: several labs are running: name one with --lab NAME or -t FILE:\n");
		list_labs(labs);
	}
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
	pr_err("xvnet %s: needs root: run with sudo (it uses namespaces, netlink and BPF)\n",
		verb);
	return EXIT_FAIL;
}
