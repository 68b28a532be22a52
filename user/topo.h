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

#include "model.h"

struct diags {
	char **lines;
	int n;
	int cap;
};

void diags_add(struct diags *d, const char *file, struct pos pos,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diags_free(struct diags *d);

/*
 * Parse and validate a topology held in memory (pure: no I/O). name is
 * used in messages. Returns 0 and fills *t, or -1 with d->n > 0 and *t
 * left zeroed.
 */
int topo_parse(const char *name, const char *buf, size_t len,
	       struct topology *t, struct diags *d);

/* The whole of path ("-" for stdin) in *buf (malloc'd); -1 with errno set. */
int topo_read(const char *path, char **buf, size_t *len);

/*
 * Is s a valid lab name (the topology's `name:`)? It prefixes kernel
 * object names and names directories: checked wherever a lab is named.
 */
bool valid_lab_name(const char *s);

/* topo_read(), then topo_parse(). */
int topo_load(const char *path, struct topology *t, struct diags *d);

#endif
