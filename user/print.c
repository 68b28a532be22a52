// SPDX-License-Identifier: GPL-2.0
/* One print path for text and JSON: see print.h. */
#define _GNU_SOURCE
#include "print.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16

/* A text table collects its cells so that columns can be aligned. */
struct table {
	const struct column *cols;
	int ncols;
	char **cells; /* nrows * ncols, NULL = empty */
	int nrows;
	int cap;
};

static struct {
	bool json;
	json_t *stack[MAX_DEPTH]; /* open JSON containers, [0] = the document */
	int depth;
	struct table tab; /* text mode: the open table, cols == NULL if none */
} out;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		perror("xvnet");
		exit(1);
	}
	return p;
}

void print_start(bool json)
{
	memset(&out, 0, sizeof(out));
	out.json = json;
	if (json) {
		out.stack[0] = json_object();
		out.depth = 1;
	}
}

int print_end(void)
{
	if (out.json) {
		json_dumpf(out.stack[0], stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(out.stack[0]);
		out.depth = 0;
	}
	return fflush(stdout) || ferror(stdout) ? -1 : 0;
}

/* Add v to the innermost JSON container, under key when it is an object. */
static void json_add(const char *key, json_t *v)
{
	json_t *top = out.stack[out.depth - 1];

	if (json_is_array(top))
		json_array_append_new(top, v);
	else
		json_object_set_new(top, key, v);
}

static void json_push(const char *key, json_t *v)
{
	if (out.depth == MAX_DEPTH) {
		fprintf(stderr, "xvnet: JSON nested too deep\n");
		exit(1);
	}
	json_add(key, v);
	out.stack[out.depth++] = v;
}

void print_open_object(const char *key)
{
	if (out.json)
		json_push(key, json_object());
}

void print_close_object(void)
{
	if (out.json)
		out.depth--;
}

void print_open_array(const char *key)
{
	if (out.json)
		json_push(key, json_array());
}

void print_close_array(void)
{
	if (out.json)
		out.depth--;
}

static void table_open(const struct column *cols, int ncols)
{
	out.tab = (struct table){ .cols = cols, .ncols = ncols };
}

void print_table_open(const char *key, const struct column *cols, int ncols)
{
	if (out.json)
		print_open_array(key);
	else
		table_open(cols, ncols);
}

void print_row_open(void)
{
	struct table *tb = &out.tab;
	size_t n;

	if (out.json) {
		print_open_object(NULL);
		return;
	}
	if (tb->nrows == tb->cap) {
		tb->cap = tb->cap ? 2 * tb->cap : 16;
		tb->cells = xrealloc(tb->cells, sizeof(char *) * tb->cap * tb->ncols);
	}
	n = (size_t)tb->nrows++ * tb->ncols;
	memset(&tb->cells[n], 0, sizeof(char *) * tb->ncols);
}

void print_row_close(void)
{
	if (out.json)
		print_close_object();
}

static void put_padded(const char *s, int width, bool last)
{
	if (last)
		fputs(s, stdout); /* no trailing blanks */
	else
		printf("%-*s  ", width, s);
}

/* The last column that has a heading or a value ends each line. */
static void print_line(const struct table *tb, const char *const *cells,
		       const int *width)
{
	int last = tb->ncols - 1;

	while (last > 0 && !(cells[last] && *cells[last]))
		last--;
	for (int c = 0; c <= last; c++)
		put_padded(cells[c] ? cells[c] : "", width[c], c == last);
	fputc('\n', stdout);
}

/*
 * Aligned like `az ... -o table`: headings, dashes, two blanks between.
 * An empty table prints nothing, like az.
 */
static void table_flush(struct table *tb)
{
	const char *heads[tb->ncols], *dashes[tb->ncols];
	int width[tb->ncols];
	char *dash;

	if (!tb->nrows)
		goto out;
	for (int c = 0; c < tb->ncols; c++) {
		heads[c] = tb->cols[c].title;
		width[c] = (int)strlen(heads[c]);
		for (int r = 0; r < tb->nrows; r++) {
			const char *s = tb->cells[r * tb->ncols + c];

			if (s && (int)strlen(s) > width[c])
				width[c] = (int)strlen(s);
		}
	}
	dash = xrealloc(NULL, 256);
	memset(dash, '-', 255);
	dash[255] = '\0';
	for (int c = 0; c < tb->ncols; c++)
		dashes[c] = dash + 255 - (width[c] < 255 ? width[c] : 255);
	print_line(tb, heads, width);
	print_line(tb, dashes, width);
	for (int r = 0; r < tb->nrows; r++)
		print_line(tb, (const char *const *)&tb->cells[r * tb->ncols], width);
	free(dash);
out:
	for (int i = 0; i < tb->nrows * tb->ncols; i++)
		free(tb->cells[i]);
	free(tb->cells);
	out.tab = (struct table){ 0 };
}

void print_table_close(void)
{
	if (out.json)
		print_close_array();
	else
		table_flush(&out.tab);
}

void print_record_open(const struct column *cols, int ncols)
{
	if (out.json)
		return;
	table_open(cols, ncols);
	print_row_open();
}

void print_record_close(void)
{
	if (!out.json)
		table_flush(&out.tab);
}

/* Text: the cell of column key in the open table, or stdout outside one. */
static void text_emit(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_emit(const char *key, const char *fmt, ...)
{
	struct table *tb = &out.tab;
	va_list ap;
	char *s;

	if (!tb->cols) {
		if (!fmt)
			return;
		/* not in a table: printed where it falls, as iproute2 does */
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		return;
	}
	for (int c = 0; key && c < tb->ncols; c++) {
		if (strcmp(tb->cols[c].key, key))
			continue;
		va_start(ap, fmt);
		if (vasprintf(&s, fmt ? fmt : "%s", ap) < 0)
			s = NULL;
		va_end(ap);
		free(tb->cells[(tb->nrows - 1) * tb->ncols + c]);
		tb->cells[(tb->nrows - 1) * tb->ncols + c] = s;
		return;
	}
}

static bool to_json(enum print_type t)
{
	return out.json && t != PRINT_FP;
}

static bool to_text(enum print_type t)
{
	return !out.json && t != PRINT_JSON;
}

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *val)
{
	if (to_json(t))
		json_add(key, val ? json_string(val) : json_null());
	else if (to_text(t))
		text_emit(key, fmt ? fmt : "%s", val ? val : "");
}

void print_strings(enum print_type t, const char *key, const char *fmt,
		   const char *const *vals, int n)
{
	size_t len = 1;
	char *s;

	if (to_json(t)) {
		json_t *a = json_array();

		for (int i = 0; i < n; i++)
			json_array_append_new(a, json_string(vals[i]));
		json_add(key, a);
		return;
	}
	if (!to_text(t))
		return;
	for (int i = 0; i < n; i++)
		len += strlen(vals[i]) + 1;
	s = xrealloc(NULL, len);
	*s = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, vals[i]);
	}
	text_emit(key, fmt ? fmt : "%s", s);
	free(s);
}

void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned long val)
{
	if (to_json(t))
		json_add(key, json_integer((json_int_t)val));
	else if (to_text(t))
		text_emit(key, fmt ? fmt : "%lu", val);
}

void print_double(enum print_type t, const char *key, const char *fmt,
		  double val)
{
	if (to_json(t))
		json_add(key, json_real(val));
	else if (to_text(t))
		text_emit(key, fmt ? fmt : "%g", val);
}

void print_bool(enum print_type t, const char *key, const char *fmt, bool val)
{
	if (to_json(t))
		json_add(key, json_boolean(val));
	else if (to_text(t))
		text_emit(key, fmt ? fmt : "%s", val ? "true" : "false");
}

void print_null(enum print_type t, const char *key, const char *fmt)
{
	if (to_json(t))
		json_add(key, json_null());
	else if (to_text(t))
		text_emit(key, fmt ? fmt : "%s", "");
}
