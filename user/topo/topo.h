/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topology file -> struct topology: parse (libyaml, with marks) and validate.
 * Every problem becomes one diagnostic line
 *   FILE:LINE:COL: error: <what is wrong and how to fix it>
 * and a topology with any error is never returned half-built.
 */
#ifndef XVNET_TOPO_H
#define XVNET_TOPO_H

#include <stdbool.h>
#include <stddef.h>

#include "lab_name.h"
#include "model.h"

/* Where each line's parts are, for output as objects (check -o json). */
struct diag_at {
	int line, col;		/* 0: none */
	int file_len;		/* lines[i] starts with the file's name, this long */
	int msg;		/* the message starts at lines[i] + msg */
	bool warning;		/* a diags_warn() line */
};

struct diags {
	char **lines;
	struct diag_at *at;	/* one per line */
	int n;
	int cap;
};

void diags_add(struct diags *d, const char *file, struct pos pos,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same as a "warning:" line: valid, but likely not what was meant. */
void diags_warn(struct diags *d, const char *file, struct pos pos,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diags_free(struct diags *d);
/*
 * A value from the user as a message shows it: control characters escaped
 * (\n, \t, \x1b), cut after DIAG_VALUE_MAX characters with "...". Valid
 * until the 8th call after this one, which is enough for one message.
 */
#define DIAG_VALUE_MAX 64
const char *diag_value(const char *s);
/* Out of memory while loading: oom_exit(), the one policy (log.h). */
void diags_oom(void) __attribute__((noreturn));

/*
 * Parse and validate a topology held in memory (pure: no I/O). name is
 * used in messages. Returns 0 and fills *t, or -1 with d->n > 0 and *t
 * left zeroed.
 */
int topo_parse(const char *name, const char *buf, size_t len,
	       struct topology *t, struct diags *d);

/*
 * The whole of path ("-" for stdin) in *buf (malloc'd); -1 with errno set,
 * EFBIG when it holds more than the input limit (never read past it).
 */
int topo_read(const char *path, char **buf, size_t *len);
/* The diagnostic for a topo_read() failure with errno err. */
void topo_read_error(struct diags *d, const char *path, int err);

/* Limits on a topology file (topology.md "Limits"). */
#define TOPO_MAX_INPUT (64u << 20)	/* bytes, --max-input changes it */
#define TOPO_MAX_DEPTH 64		/* nested lists and mappings */
#define TOPO_MAX_NODES 200000		/* YAML nodes (scalars, lists, mappings) */
#define TOPO_MAX_TEXT (32u << 20)	/* bytes of all scalars (keys, values) */
#define TOPO_MAX_ERRORS 100		/* messages shown, then a count of the rest */
/* Azure's own limits (topology.md "Limits" cites them). */
#define AZ_MAX_ROUTES_PER_TABLE 400	/* user-defined routes per route table */
#define AZ_MAX_SUBNETS_PER_VNET 3000	/* subnets per virtual network */
#define AZ_MAX_PEERINGS_PER_VNET 500	/* virtual network peerings per VNet */
/* Azure states none: xvnet's bound on addressSpace entries of a VNet. */
#define TOPO_MAX_VNET_PREFIXES 1000
/* Set the input limit (bytes) of every later topo_read(). */
void topo_set_max_input(size_t bytes);

/*
 * What a valid topology holds that is likely a mistake, as warnings in w
 * (pure): a peering declared in one direction only, which Azure shows as
 * Initiated and which carries no traffic.
 */
void topo_warnings(const struct topology *t, struct diags *w);

/* topo_read(), then topo_parse(). */
int topo_load(const char *path, struct topology *t, struct diags *d);

#endif
