// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet's entry: find the verb, parse its options against its table
 * (verb.h), refuse a root verb early when not root, and run it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lab_verb.h"
#include "log.h"
#include "verb.h"
#include "version.h"

/* In the order `xvnet help` lists them; a new verb is one line here. */
static const struct verb *const verbs[] = {
	&verb_check,
	&verb_routes,
	&verb_nexthop,
	&verb_path,
	&verb_graph,
	&verb_deploy,
	&verb_list,
	&verb_apply,
	&verb_inspect,
	&verb_verify,
	&verb_exec,
	&verb_capture,
	&verb_stats,
	&verb_trace,
	&verb_destroy,
	&verb_cleanup,
	&verb_import,
	&verb_export,
	&verb_bench,
	&verb_pktgen,
	NULL,
};

static const struct verb *verb_find(const char *name)
{
	for (int i = 0; verbs[i]; i++)
		if (!strcmp(verbs[i]->name, name))
			return verbs[i];
	return NULL;
}

static int usage(FILE *f)
{
	fprintf(f, "Usage: xvnet COMMAND [OPTIONS] [ARGS]   (xvnet help COMMAND, or xvnet COMMAND -h)\n\n"
		"Commands:\n");
	for (int i = 0; verbs[i]; i++)
		fprintf(f, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(f, "\nOptions:\n"
		"  -h, --help     this list\n"
		"  -V, --version  xvnet's version\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

static int unknown_command(const char *name)
{
	const char *names[sizeof(verbs) / sizeof(verbs[0])];
	char hint[128];

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		names[i] = verbs[i] ? verbs[i]->name : NULL;
	verb_did_you_mean(hint, sizeof(hint), name, names, sizeof(names[0]), -1);
	pr_err("xvnet: unknown command '%s'%s\nTry 'xvnet help'.\n", name, hint);
	return EXIT_USAGE;
}

/* xvnet help [COMMAND], and the man page: xvnet help --man */
static int help(int argc, char **argv)
{
	const struct verb *v;

	if (argc < 3)
		return usage(stdout);
	if (!strcmp(argv[2], "--man")) {
		verb_man(stdout, verbs, XVNET_VERSION);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	v = verb_find(argv[2]);
	if (!v)
		return unknown_command(argv[2]);
	verb_help(v, stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct verb *v;
	struct verb_opts o;
	int rc;

	log_init();
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return help(argc, argv);
	/* for completion/xvnet.bash and completion/_xvnet: not a verb */
	if (!strcmp(argv[1], "__complete"))
		return verb_complete(verbs, argc - 2, argv + 2);
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("xvnet %s\n", XVNET_VERSION);
		return EXIT_OK;
	}
	v = verb_find(argv[1]);
	if (!v)
		return unknown_command(argv[1]);
	switch (verb_parse(v, argc - 1, argv + 1, &o)) {
	case PARSE_HELP:
		rc = EXIT_OK;
		break;
	case PARSE_BAD:
		rc = EXIT_USAGE;
		break;
	default:
		rc = v->flags & VERB_ROOT ? lab_need_root(v->name) : EXIT_OK;
		if (!rc)
			rc = v->run(&o);
	}
	verb_opts_free(&o);
	return rc;
}
