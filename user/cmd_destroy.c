// SPDX-License-Identifier: GPL-2.0
/* xvnet destroy / xvnet cleanup: remove labs and whatever they left. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "deploy.h"
#include "lab_verb.h"
#include "netns.h"
#include "state.h"

static const char destroy_usage[] =
	"Usage: xvnet destroy [--lab NAME | -t FILE | --all]\n"
	"Remove every namespace, veth, pin and the state of a lab (default: the only\n"
	"one running); a lab that is not there is an error (exit 1). --all removes\n"
	"every lab and every orphan.\n";

/* Down with nothing up is done already. */
static bool labs_running(void)
{
	char **labs = state_labs(false);
	bool any = !labs || labs[0];

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
		fprintf(stderr, "xvnet: no lab '%s'\n", lab);
	} else if ((err = lab_destroy(lab))) {
		fprintf(stderr, "xvnet: %s: not everything could be removed: %s\n", lab,
			strerror(-err));
	} else {
		printf("xvnet: %s: destroyed\n", lab);
		rc = EXIT_OK;
	}
	state_unlock(&l);
	return rc;
}

int cmd_destroy(int argc, char **argv)
{
	static const struct option all = { "all", no_argument, NULL, 'a' };
	char name[LAB_NAME_LEN];
	struct lab_args a;
	int rc;

	rc = lab_args_parse(argc, argv, destroy_usage, &all, &a);
	if (rc != LAB_ARGS_OK)
		return rc;
	if (a.operand < argc) {
		fputs(destroy_usage, stderr);
		return EXIT_USAGE;
	}
	rc = lab_need_root("destroy");
	if (rc)
		return rc;
	if (a.flag)
		return lab_cleanup() ? EXIT_FAIL : EXIT_OK;
	if (!a.lab && !a.file && !labs_running()) {
		printf("xvnet: no lab is running\n");
		return EXIT_OK;
	}
	rc = lab_select(a.lab, a.file, name);
	if (rc)
		return rc;
	return destroy(name);
}

int cmd_cleanup(int argc, char **argv)
{
	static const char usage[] =
		"Usage: xvnet cleanup\nRemove every lab and every orphan xvnet left behind.\n";
	bool help = argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
	int rc;

	if (argc > 1) {
		fputs(usage, help ? stdout : stderr);
		return help ? EXIT_OK : EXIT_USAGE;
	}
	rc = lab_need_root("cleanup");
	if (rc)
		return rc;
	return lab_cleanup() ? EXIT_FAIL : EXIT_OK;
}
