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

extern const struct verb verb_routes, verb_nexthop, verb_path, verb_check;
extern const struct verb verb_deploy, verb_apply, verb_inspect, verb_exec;
extern const struct verb verb_destroy, verb_cleanup, verb_stats, verb_trace;
extern const struct verb verb_pktgen, verb_import, verb_export, verb_bench;

#endif
