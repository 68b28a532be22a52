// SPDX-License-Identifier: GPL-2.0
/* One print path for text and JSON: see print.h. */
#define _GNU_SOURCE
#include "print.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

#include "log.h"

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
	enum print_format format;
	bool json;	/* the document is built as JSON (every format but table) */
	json_t *stack[MAX_DEPTH]; /* open JSON containers, [0] = the document */
	int depth;
	struct table tab; /* text mode: the open table, cols == NULL if none */
} out;

static bool stream;

void print_stream(bool on)
{
	stream = on;
}

bool print_color(void)
{
	const char *no = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(no && *no);
}

void print_start(enum print_format f)
{
	memset(&out, 0, sizeof(out));
	out.format = f;
	out.json = f != FORMAT_TABLE;
	if (out.json) {
		out.stack[0] = json_object();
		out.depth = 1;
	}
}

/* jsonc: keys blue, strings green, numbers and booleans yellow, null grey. */
#define C_KEY "\033[34m"
#define C_STR "\033[32m"
#define C_NUM "\033[33m"
#define C_NULL "\033[90m"
#define C_OFF "\033[0m"

static void put_scalar(json_t *v, const char *color)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY);

	printf("%s%s%s", color, s ? s : "", C_OFF);
	free(s);
}

static void dump_color(json_t *v, int indent)
{
	const char *key;
	json_t *x;
	size_t i, n = json_is_object(v) ? json_object_size(v) : json_array_size(v);

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		fputs(json_is_object(v) ? "{" : "[", stdout);
		i = 0;
		if (json_is_object(v)) {
			json_object_foreach(v, key, x) {
				json_t *k = json_string(key);

				printf("%s\n%*s", i++ ? "," : "", indent + 2, "");
				put_scalar(k, C_KEY);
				json_decref(k);
				fputs(": ", stdout);
				dump_color(x, indent + 2);
			}
		} else {
			json_array_foreach(v, i, x) {
				printf("%s\n%*s", i ? "," : "", indent + 2, "");
				dump_color(x, indent + 2);
			}
		}
		if (n)
			printf("\n%*s", indent, "");
		fputs(json_is_object(v) ? "}" : "]", stdout);
		break;
	case JSON_STRING:
		put_scalar(v, C_STR);
		break;
	case JSON_NULL:
		put_scalar(v, C_NULL);
		break;
	default:
		put_scalar(v, C_NUM);
	}
}

/* A TSV cell: scalars as text, arrays joined by ",", objects inline. */
static void tsv_value(json_t *v, bool *first)
{
	const char *key;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, x)
			tsv_value(x, first);
		return;
	}
	if (!*first)
		fputc('\t', stdout);
	*first = false;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			char *s = json_is_string(x) ? NULL : json_dumps(x, JSON_ENCODE_ANY);

			printf("%s%s", i ? "," : "", s ? s : json_string_value(x));
			free(s);
		}
	} else if (json_is_string(v)) {
		fputs(json_string_value(v), stdout);
	} else if (!json_is_null(v)) {
		char *s = json_dumps(v, JSON_ENCODE_ANY);

		fputs(s ? s : "", stdout);
		free(s);
	}
}

static bool is_table(json_t *v)
{
	return json_is_array(v) && json_is_object(json_array_get(v, 0));
}

static void tsv_row(json_t *row)
{
	bool first = true;

	tsv_value(row, &first);
	fputc('\n', stdout);
}

/* One line per row of each table; a document without tables is one line. */
static void dump_tsv(json_t *doc)
{
	const char *key;
	json_t *x, *row;
	bool tables = false;
	size_t i;

	json_object_foreach(doc, key, x) {
		if (!is_table(x))
			continue;
		tables = true;
		json_array_foreach(x, i, row)
			tsv_row(row);
	}
	if (!tables)
		tsv_row(doc);
}

/* A string YAML would read as something else (a number, a boolean, null). */
static bool yaml_needs_quotes(const char *s)
{
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off",
					     "y", "n", "null", "~" };
	char *end;

	if (!*s)
		return true;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	(void)strtod(s, &end);
	return !*end;
}

static int yaml_scalar(yaml_emitter_t *e, const char *s, bool quote)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
				     quote ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
	return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int yaml_node(yaml_emitter_t *e, json_t *v)
{
	yaml_event_t ev;
	const char *key;
	json_t *x;
	size_t i;
	int err = 0;
	char *s;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
		err = !yaml_emitter_emit(e, &ev);
		json_object_foreach(v, key, x)
			err = err || yaml_scalar(e, key, yaml_needs_quotes(key)) || yaml_node(e, x);
		yaml_mapping_end_event_initialize(&ev);
		return err || !yaml_emitter_emit(e, &ev) ? -1 : 0;
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						     json_array_size(v) ? YAML_BLOCK_SEQUENCE_STYLE :
									  YAML_FLOW_SEQUENCE_STYLE);
		err = !yaml_emitter_emit(e, &ev);
		json_array_foreach(v, i, x)
			err = err || yaml_node(e, x);
		yaml_sequence_end_event_initialize(&ev);
		return err || !yaml_emitter_emit(e, &ev) ? -1 : 0;
	case JSON_STRING:
		return yaml_scalar(e, json_string_value(v), yaml_needs_quotes(json_string_value(v)));
	default:
		s = json_dumps(v, JSON_ENCODE_ANY);
		err = yaml_scalar(e, s ? s : "null", false);
		free(s);
		return err;
	}
}

static int dump_yaml(json_t *doc)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	int err;

	fflush(stdout);
	yaml_emitter_initialize(&e);
	yaml_emitter_set_output_file(&e, stdout);
	yaml_emitter_set_unicode(&e, 1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	err = !yaml_emitter_emit(&e, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, !stream);
	err = err || !yaml_emitter_emit(&e, &ev);
	err = err || yaml_node(&e, doc);
	yaml_document_end_event_initialize(&ev, 1);
	err = err || !yaml_emitter_emit(&e, &ev);
	yaml_stream_end_event_initialize(&ev);
	err = err || !yaml_emitter_emit(&e, &ev);
	yaml_emitter_delete(&e);
	return err ? -1 : 0;
}

int print_end(void)
{
	json_t *doc = out.stack[0];
	int err = 0;

	if (!out.json)
		return fflush(stdout) || ferror(stdout) ? -1 : 0;
	switch (out.format) {
	case FORMAT_JSONC:	/* coloured on a terminal, else plain JSON */
		if (print_color()) {
			dump_color(doc, 0);
			fputc('\n', stdout);
			break;
		}
		/* fall through */
	case FORMAT_JSON:
		json_dumpf(doc, stdout, stream ? JSON_COMPACT : JSON_INDENT(2));
		fputc('\n', stdout);
		break;
	case FORMAT_TSV:
		dump_tsv(doc);
		break;
	case FORMAT_YAML:
		err = dump_yaml(doc);
		break;
	case FORMAT_TABLE:
		break;
	}
	json_decref(doc);
	out.depth = 0;
	return fflush(stdout) || ferror(stdout) || err ? -1 : 0;
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
		pr_err("xvnet: JSON nested too deep\n");
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
