/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers over Azure's JSON shared by the importer, the exporter and
 * the comparer: case-insensitive property lookup (exports mix
 * `privateIPAddress` and `privateIpAddress`), resource ids, a string-keyed
 * hash index, and report lines. Pure: no I/O.
 */
#ifndef XVNET_AZURE_JSON_H
#define XVNET_AZURE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "azure.h"

/* o[key], the key compared case-insensitively; NULL when o is no object. */
json_t *aj_get(const json_t *o, const char *key);
/* The string o[key], or NULL. */
const char *aj_str(const json_t *o, const char *key);
/* o[key] as a bool; dflt when absent or not a bool ("true" strings too). */
bool aj_bool(const json_t *o, const char *key, bool dflt);
/* A reference: o[key].id, or o[key] itself when it is a string id. */
const char *aj_ref(const json_t *o, const char *key);

/* The resource group named in an id (malloc'd), or NULL. */
char *az_id_group(const char *id);
/* The last segment of an id (points into id). */
const char *az_id_last(const char *id);
/* id cut before "/<child>/" (e.g. "/subnets/"), malloc'd; NULL: no such part. */
char *az_id_parent(const char *id, const char *child);

/* An index of strings (ids, names), compared case-insensitively. */
struct az_index {
	const char **keys;
	int *vals;
	size_t cap, n;
};

/* Add key -> val (key is borrowed); an existing key keeps its first value. */
void az_index_put(struct az_index *x, const char *key, int val);
/* The value of key, or -1. */
int az_index_get(const struct az_index *x, const char *key);
void az_index_free(struct az_index *x);

/* Append one line (printf-style; control characters made '?'). */
void az_report_add(struct az_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void az_report_free(struct az_report *r);

/* malloc-or-exit wrappers (out of memory ends the verb, exit 2). */
void *az_alloc(size_t n);
void *az_grow(void *p, size_t *cap, size_t need, size_t size);
char *az_strdup(const char *s);
char *az_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
