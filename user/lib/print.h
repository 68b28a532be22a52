/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print path for text and JSON, after iproute2's lib/json_print.c:
 * a verb describes its output once, field by field, and the same calls
 * produce either the JSON document (built with jansson) or the text.
 *
 * PRINT_ANY fields go to both, PRINT_JSON only to JSON, PRINT_FP only to
 * text. Outside a table, text fields are printed with their printf format.
 * Inside a table (JSON: an array of objects) or a record (JSON: fields of
 * the current object), text fields become cells of the column with the
 * same key and are laid out as an aligned table, as `az ... -o table` does.
 * A NULL string is JSON null and an empty cell.
 */
#ifndef XVNET_PRINT_H
#define XVNET_PRINT_H

#include <stdbool.h>
#include <stdio.h>

enum print_type { PRINT_ANY, PRINT_JSON, PRINT_FP };

/* A table column: the JSON key whose value fills it, and its heading. */
struct column {
	const char *key;
	const char *title;
};

/*
 * Output formats (-o): the text table, or the document in JSON (jsonc:
 * coloured on a terminal), TSV (one line per row of each table, values
 * tab-separated in column order; without a table, one line of the
 * document's values) or YAML. false and true pass for table and json.
 */
enum print_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_JSONC, FORMAT_TSV, FORMAT_YAML };

/* Start a document (JSON: the top-level object) and print it at the end. */
void print_start(enum print_format f);
int print_end(void); /* 0, or -1 when stdout could not be written */
/*
 * Streaming verbs (trace, stats --watch) print one document per event:
 * JSON then takes one line each (NDJSON), YAML documents start with ---.
 */
void print_stream(bool on);
/* Colour and screen control: only on a terminal, and never with NO_COLOR set. */
bool print_color(void);

void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

/* JSON: array key of objects, one per row; text: an aligned table. */
void print_table_open(const char *key, const struct column *cols, int ncols);
void print_row_open(void);
void print_row_close(void);
void print_table_close(void);
/* JSON: fields of the current object; text: a table of one row. */
void print_record_open(const struct column *cols, int ncols);
void print_record_close(void);

void print_string(enum print_type t, const char *key, const char *fmt,
		  const char *val);
/* JSON: an array of strings; text: the strings joined by one space. */
void print_strings(enum print_type t, const char *key, const char *fmt,
		   const char *const *vals, int n);
void print_uint(enum print_type t, const char *key, const char *fmt,
		unsigned long val);
void print_double(enum print_type t, const char *key, const char *fmt,
		  double val);
void print_bool(enum print_type t, const char *key, const char *fmt, bool val);
void print_null(enum print_type t, const char *key, const char *fmt);

#endif
