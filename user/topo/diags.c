// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics: one "FILE:LINE:COL: error: ..." line per problem (or
 * "warning:" for what is valid but likely not meant), and how a
 * value from the user is shown in one (cut short, control characters
 * escaped). Pure, but for diags_oom().
 */
#define _GNU_SOURCE
#include "topo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define DIAG_LINE_MAX 1024	/* a whole message, as a last resort */

void diags_oom(void)
{
	oom_exit();
}

/*
 * s into out (size cap) with control characters and DEL escaped, at most
 * max characters of s, then "..." when s was longer.
 */
static void escape(char *out, size_t cap, const char *s, size_t max)
{
	static const char named[] = "\a" "a" "\b" "b" "\t" "t" "\n" "n"
				    "\v" "v" "\f" "f" "\r" "r";
	size_t o = 0, i;

	for (i = 0; i < max && s[i] && o + 5 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		const char *n = ch ? memchr(named, ch, sizeof(named) - 1) : NULL;

		if (n && !((n - named) & 1))
			o += (size_t)snprintf(out + o, cap - o, "\\%c", n[1]);
		else if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
		else
			out[o++] = (char)ch;
	}
	if (s[i] && o + 4 <= cap)
		o += (size_t)snprintf(out + o, cap - o, "...");
	out[o < cap ? o : cap - 1] = 0;
}

const char *diag_value(const char *s)
{
	static char ring[8][4 * DIAG_VALUE_MAX + 8];
	static int next;
	char *out = ring[next++ % 8];

	escape(out, sizeof(ring[0]), s ? s : "", DIAG_VALUE_MAX);
	return out;
}

static void diags_addv(struct diags *d, const char *file, struct pos pos,
		       const char *kind, const char *fmt, va_list ap)
{
	char *msg, *line, safe[DIAG_LINE_MAX + 8], name[DIAG_LINE_MAX + 8];
	int r, off;

	r = vasprintf(&msg, fmt, ap);
	if (r < 0)
		diags_oom();
	/* the net under every caller: no raw ESC or newline reaches a terminal */
	escape(safe, sizeof(safe), msg, DIAG_LINE_MAX);
	free(msg);
	escape(name, sizeof(name), file, DIAG_LINE_MAX);
	if (pos.line > 0)
		r = asprintf(&line, "%s:%d:%d: %s: %n%s", name, pos.line,
			     pos.col, kind, &off, safe);
	else
		r = asprintf(&line, "%s: %s: %n%s", name, kind, &off, safe);
	if (r < 0)
		diags_oom();
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->lines = realloc(d->lines, (size_t)d->cap * sizeof(*d->lines));
		d->at = realloc(d->at, (size_t)d->cap * sizeof(*d->at));
		if (!d->lines || !d->at)
			diags_oom();
	}
	d->at[d->n] = (struct diag_at){ pos.line > 0 ? pos.line : 0, pos.line > 0 ? pos.col : 0,
					(int)strlen(name), off, kind[0] == 'w' };
	d->lines[d->n++] = line;
}

void diags_add(struct diags *d, const char *file, struct pos pos,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_addv(d, file, pos, "error", fmt, ap);
	va_end(ap);
}

void diags_warn(struct diags *d, const char *file, struct pos pos,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diags_addv(d, file, pos, "warning", fmt, ap);
	va_end(ap);
}

void diags_free(struct diags *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d->at);
	d->lines = NULL;
	d->at = NULL;
	d->n = d->cap = 0;
}
