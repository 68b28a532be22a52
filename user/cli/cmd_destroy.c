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
	  .help = "every lab of yours and every orphan, as xvnet cleanup" },
	{ .name = "any-owner", .type = OPT_FLAG, .off = offsetof(struct verb_opts, any_owner),
	  .help = "--all: other users' labs too" },
	{ NULL },
};

static const struct opt cleanup_opts[] = {
	{ .name = "any-owner", .type = OPT_FLAG, .off = offsetof(struct verb_opts, any_owner),
	  .help = "other users' labs too" },
	{ NULL },
};

const struct verb verb_destroy = {
	.name = "destroy",
	.summary = "remove a lab (--all: every lab of yours)",
	.help = "Remove every namespace, veth, pin and the state of a lab (default: the only\n"
		"one running); a lab that is not there is an error (exit 1), naming those that\n"
		"are. --all removes every lab of yours (deployed by you, through sudo) and every\n"
		"orphan; when other users' labs are up, only yours go and theirs are listed\n"
		"(--any-owner removes them too).\n",
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
	.summary = "remove your labs and anything left behind",
	.help = "Remove every lab of yours (deployed by you, through sudo) and every orphan\n"
		"xvnet left behind; when other users' labs are up, only yours go and theirs\n"
		"are listed (--any-owner removes them too).\n",
	.examples = (const char *const[]){ "sudo xvnet cleanup", "sudo xvnet cleanup --any-owner",
					   NULL },
	.opts = cleanup_opts,
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
	/* Only a lock: its deploy was killed before it created anything. */
	bool lock_only = !lab_exists(lab) && state_lock_left(lab);
	struct state_lock l;
	int err, rc = EXIT_FAIL;

	if (state_lock(&l, lab, "destroy"))
		return EXIT_FAIL;
	if (!lab_exists(lab) && lock_only) {
		printf("xvnet: %s: destroyed (an interrupted deploy had left only its lock)\n", lab);
		rc = EXIT_OK;	/* state_unlock() removes the lock */
	} else if (!lab_exists(lab)) {
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

/* Another user's lab: deployed through sudo by someone else (older labs: nobody's). */
static bool others(const char *lab, long me, long *owner)
{
	struct lab_state st;

	*owner = -1;
	if (state_read(lab, &st))
		return false;
	*owner = st.owner;
	state_free(&st);
	return *owner >= 0 && *owner != me;
}

/*
 * destroy --all and cleanup: every lab and orphan (lab_cleanup()) when all
 * labs are the caller's or any_owner; else the caller's labs one by one,
 * the others listed and left, with the orphans (whose they are is unknown).
 */
static int remove_labs(bool any_owner)
{
	char **labs = state_labs(false);
	long me = state_caller(), owner;
	int n = 0, rc = EXIT_OK;

	for (int i = 0; !any_owner && labs && labs[i]; i++)
		n += others(labs[i], me, &owner);
	if (!labs || !n) {
		names_free(labs);
		return lab_cleanup() ? EXIT_FAIL : EXIT_OK;
	}
	for (int i = 0; labs[i]; i++) {
		if (others(labs[i], me, &owner))
			pr_warn("xvnet: left lab '%s' of uid %ld (--any-owner removes it)\n",
				labs[i], owner);
		else if (destroy(labs[i]))
			rc = EXIT_FAIL;
	}
	names_free(labs);
	return rc;
}

static int cmd_destroy(struct verb_opts *o)
{
	char name[LAB_NAME_LEN];
	int rc;

	if (o->all && (o->lab || o->topology))
		return verb_usage_error(o->verb, "--all removes every lab: give no --lab or -t with it");
	if (o->any_owner && !o->all)
		return verb_usage_error(o->verb, "--any-owner goes with --all");
	if (o->all)
		return remove_labs(o->any_owner);
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
	return remove_labs(o->any_owner);
}
