/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command-line face: one small file per verb (cmd_*.c), each declaring
 * its verb as data (verb.h) and calling the layers below; main.c lists them.
 */
#ifndef XVNET_CLI_H
#define XVNET_CLI_H

#include "verb.h"

/* Exit codes everywhere (topology.md): */
#define EXIT_OK 0
#define EXIT_FAIL 1  /* a failed operation or check */
#define EXIT_USAGE 2 /* bad usage or input */

/* One line per verb, in main.c's order, so that adding one is a one-line hunk. */
extern const struct verb verb_check;
extern const struct verb verb_routes;
extern const struct verb verb_nexthop;
extern const struct verb verb_path;
extern const struct verb verb_graph;
extern const struct verb verb_deploy;
extern const struct verb verb_list;
extern const struct verb verb_apply;
extern const struct verb verb_inspect;
extern const struct verb verb_verify;
extern const struct verb verb_exec;
extern const struct verb verb_capture;
extern const struct verb verb_stats;
extern const struct verb verb_trace;
extern const struct verb verb_destroy;
extern const struct verb verb_cleanup;
extern const struct verb verb_import;
extern const struct verb verb_export;
extern const struct verb verb_bench;
extern const struct verb verb_pktgen;

#endif
