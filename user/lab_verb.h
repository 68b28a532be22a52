/* SPDX-License-Identifier: GPL-2.0 */
/* What the lab verbs (deploy, destroy, inspect, exec, apply, cleanup) share. */
#ifndef XVNET_LAB_VERB_H
#define XVNET_LAB_VERB_H

#include <stdbool.h>

#include "lab.h"

struct option;

/* The options every lab verb takes, and the verb's own flag. */
struct lab_args {
	const char *lab;  /* --lab NAME */
	const char *file; /* -t FILE */
	bool flag;	  /* the verb's own flag (destroy --all, inspect --json) */
	int operand;	  /* argv index of the first operand */
};

#define LAB_ARGS_OK -1

/*
 * Parse [--lab NAME | -t FILE] [-h] and the verb's flag (NULL: none),
 * stopping at the first operand. Returns LAB_ARGS_OK, or an exit code
 * after printing usage (EXIT_OK for -h).
 */
int lab_args_parse(int argc, char **argv, const char *usage,
		   const struct option *flag, struct lab_args *a);

/*
 * A lab name from the command line obeys the topology's rules for `name:`:
 * EXIT_OK, or EXIT_USAGE with the reason printed.
 */
int lab_name_check(const char *lab);

/*
 * The lab a verb acts on: lab (--lab) when given, else the name in file
 * (-t), else the only lab running. Prints why not and returns an exit code
 * (EXIT_USAGE, EXIT_FAIL), or EXIT_OK with out filled.
 */
int lab_select(const char *lab, const char *file, char out[LAB_NAME_LEN]);

/*
 * lab_plan_build() for a verb: 0, or -errno with the reason printed (out
 * of memory: log.h's policy).
 */
int lab_plan(struct lab_plan *p, const struct engine *e);

/* Lab verbs change the kernel: EXIT_FAIL with a message when not root. */
int lab_need_root(const char *verb);

/* The inspect view of a running lab: nodes and firewall counters. */
int lab_inspect(const char *lab, bool json);

#endif
