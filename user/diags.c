// SPDX-License-Identifier: GPL-2.0
/* Diagnostics: one "FILE:LINE:COL: error: ..." line per problem. */
#define _GNU_SOURCE
#include "topo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void diags_add(struct diags *d, const char *file, struct pos pos,
	       const char *fmt, ...)
{
	char *msg, *line;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	if (pos.line > 0)
		r = asprintf(&line, "%s:%d:%d: error: %s", file, pos.line,
			     pos.col, msg);
	else
		r = asprintf(&line, "%s: error: %s", file, msg);
	free(msg);
	if (r < 0)
		abort();
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->lines = realloc(d->lines, (size_t)d->cap * sizeof(*d->lines));
		if (!d->lines)
			abort();
	}
	d->lines[d->n++] = line;
}

void diags_free(struct diags *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	d->lines = NULL;
	d->n = d->cap = 0;
}
