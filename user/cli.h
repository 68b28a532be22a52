/* SPDX-License-Identifier: GPL-2.0 */
/* The command-line face: one small file per verb (cmd_*.c), each calling the layers below. */
#ifndef XVNET_CLI_H
#define XVNET_CLI_H

/* Exit codes everywhere (topology.md): */
#define EXIT_OK 0
#define EXIT_FAIL 1  /* a failed operation or check */
#define EXIT_USAGE 2 /* bad usage or input */

struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the verb */
	const char *summary; /* NULL: hidden from the usage */
};

int cmd_routes(int argc, char **argv);
int cmd_nexthop(int argc, char **argv);
int cmd_path(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_deploy(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_pktgen(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
