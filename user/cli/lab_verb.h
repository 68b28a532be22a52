/* SPDX-License-Identifier: GPL-2.0 */
/* What the lab verbs (deploy, destroy, inspect, exec, apply, cleanup) share: choosing the lab, the root check. */
#ifndef XVNET_LAB_VERB_H
#define XVNET_LAB_VERB_H

#include <stdbool.h>

#include "lab.h"
#include "print.h"

/*
 * The lab a verb acts on: lab (--lab) when given, else the name in file
 * (-t), else the only lab running. Prints why not and returns an exit code
 * (EXIT_USAGE, EXIT_FAIL), or EXIT_OK with out filled.
 */
int lab_select(const char *lab, const char *file, char out[LAB_NAME_LEN]);

/* lab_plan_build() for a verb: 0, or -errno with the reason printed. */
int lab_plan(struct lab_plan *p, const struct engine *e);

/*
 * Become node of lab, for exec and capture: its network namespace (a site
 * or Internet host's name means its node's), its hostname (its own UTS
 * namespace) and an /etc/hosts naming the lab's VMs, gateways and hosts
 * (its own mount namespace). EXIT_OK, or the exit code with the reason
 * printed: EXIT_USAGE for a node the lab does not have (naming the nearest
 * and the nodes it has), EXIT_FAIL when it cannot be entered.
 */
int lab_enter_node(const char *lab, const char *node);

/*
 * Verbs marked VERB_ROOT (main.c) change or read the kernel's namespaces,
 * netlink and BPF objects: EXIT_FAIL, saying so and how, when not root.
 */
int lab_need_root(const char *verb);

/* The inspect view of a running lab: nodes and firewall counters. */
int lab_inspect(const char *lab, enum print_format format);
/* The same, then what more() prints into the same document (deploy --timings). */
int lab_inspect_and(const char *lab, enum print_format format, void (*more)(void));

#endif
