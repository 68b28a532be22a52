// SPDX-License-Identifier: GPL-2.0
/* xvnet destroy / xvnet cleanup: remove labs and whatever they left. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "deploy.h"
#include "lab_verb.h"
#include "log.h"
#include "netns.h"
#include "state.h"

static int cmd_destroy(struct verb_opts *o);
static int cmd_cleanup(struct verb_opts *o);

static const struct opt destroy_opts[] = {
	{ .name = "all", .type = OPT_FLAG, .off = offsetof(struct verb_opts, all),
	  .help = "every lab and every orphan, as xvnet cleanup" },
	{ NULL },
};

const struct verb verb_destroy = {
	.name = "destroy",
	.summary = "remove a lab (--all: every lab)",
	.help = "Remove every namespace, veth, pin and the state of a lab (default: the only\n"
		"one running); a lab that is not there is an error (exit 1). --all removes\n"
		"every lab and every orphan.\n",
	.examples = (const char *const[]){
		"sudo xvnet destroy",
		"sudo xvnet destroy --lab hubspoke",
		NULL },
	.opts = destroy_opts,
	.common = VERB_TOPOLOGY | VERB_LAB,
	.flags = VERB_ROOT,
	.run = cmd_destroy,
};

const struct verb verb_cleanup = {
	.name = "cleanup",
	.summary = "remove every lab and anything left behind",
	.help = "Remove every lab and every orphan xvnet left behind.\n",
	.examples = (const char *const[]){ "sudo xvnet cleanup", NULL },
	.flags = VERB_ROOT,
	.run = cmd_cleanup,
};

/* Down with nothing up is done already. */
static bool labs_running(void)
{
	char **labs = state_labs(false);
	bool any = labs[0];

	names_free(labs);
	return any;
}

/* Under the lab's lock: a deploy or apply of it is not half-way. */
static int destroy(const char *lab)
{
	struct state_lock l;
	int err, rc = EXIT_FAIL;

	if (state_lock(&l, lab, "destroy"))
		return EXIT_FAIL;
	if (!lab_exists(lab)) {
		pr_err("xvnet: no lab '%s'\n", lab);
	} else if ((err = lab_destroy(lab))) {
		pr_err("xvnet: %s: not everything could be removed: %s\n", lab,
			strerror(-err));
	} else {
		printf("xvnet: %s: destroyed\n", lab);
		rc = EXIT_OK;
	}
	state_unlock(&l);
	return rc;
}

static int cmd_destroy(struct verb_opts *o)
{
	char name[LAB_NAME_LEN];
	int rc;

	if (o->all && (o->lab || o->topology))
		return verb_usage_error(o->verb, "--all removes every lab: give no --lab or -t with it");
	if (o->all)
		return lab_cleanup() ? EXIT_FAIL : EXIT_OK;
	if (!o->lab && !o->topology && !labs_running()) {
		printf("xvnet: no lab is running\n");
		return EXIT_OK;
	}
	rc = lab_select(o->lab, o->topology, name);
	if (rc)
		return rc;
	return destroy(name);
}

static int cmd_cleanup(struct verb_opts *o)
{
	return lab_cleanup() ? EXIT_FAIL : EXIT_OK;
}
