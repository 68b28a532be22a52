// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers over Azure's JSON (see azure_json.h): property lookup that
 * ignores case, resource id parsing, a hash index of ids, report lines.
 * Pure: no I/O (out of memory exits through diags_oom()).
 */
#define _GNU_SOURCE
#include "azure_json.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "topo.h"

void *az_alloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		diags_oom();
	return p;
}

void *az_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;

	if (need <= *cap)
		return p;
	while (ncap < need)
		ncap *= 2;
	p = realloc(p, ncap * size);
	if (!p)
		diags_oom();
	memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
	*cap = ncap;
	return p;
}

char *az_strdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		diags_oom();
	return d;
}

char *az_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		diags_oom();
	return s;
}

json_t *aj_get(const json_t *o, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return NULL;
	v = json_object_get(o, key);
	if (v)
		return v;
	json_object_foreach((json_t *)o, k, v)
		if (!strcasecmp(k, key))
			return v;
	return NULL;
}

const char *aj_str(const json_t *o, const char *key)
{
	return json_string_value(aj_get(o, key));
}

bool aj_bool(const json_t *o, const char *key, bool dflt)
{
	json_t *v = aj_get(o, key);

	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_string(v))
		return !strcasecmp(json_string_value(v), "true");
	return dflt;
}

const char *aj_ref(const json_t *o, const char *key)
{
	json_t *v = aj_get(o, key);

	return json_is_string(v) ? json_string_value(v) : aj_str(v, "id");
}

char *az_id_group(const char *id)
{
	static const char tag[] = "/resourceGroups/";
	const char *p, *end;

	if (!id || !(p = strcasestr(id, tag)))
		return NULL;
	p += sizeof(tag) - 1;
	end = strchrnul(p, '/');
	return end > p ? strndup(p, (size_t)(end - p)) : NULL;
}

const char *az_id_last(const char *id)
{
	const char *p = strrchr(id, '/');

	return p ? p + 1 : id;
}

char *az_id_parent(const char *id, const char *child)
{
	char tag[64];
	const char *p;

	snprintf(tag, sizeof(tag), "/%s/", child);
	if (!id || !(p = strcasestr(id, tag)))
		return NULL;
	return strndup(id, (size_t)(p - id));
}

/* FNV-1a over the lowercased key. */
static size_t hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 16777619u;
	return h;
}

static void rehash(struct az_index *x)
{
	struct az_index old = *x;

	x->cap = old.cap ? old.cap * 2 : 64;
	x->keys = az_alloc(x->cap * sizeof(*x->keys));
	x->vals = az_alloc(x->cap * sizeof(*x->vals));
	x->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i])
			az_index_put(x, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

void az_index_put(struct az_index *x, const char *key, int val)
{
	size_t i;

	if (!key)
		return;
	if (2 * (x->n + 1) > x->cap)
		rehash(x);
	for (i = hash(key) & (x->cap - 1); x->keys[i]; i = (i + 1) & (x->cap - 1))
		if (!strcasecmp(x->keys[i], key))
			return;
	x->keys[i] = key;
	x->vals[i] = val;
	x->n++;
}

int az_index_get(const struct az_index *x, const char *key)
{
	if (!key || !x->cap)
		return -1;
	for (size_t i = hash(key) & (x->cap - 1); x->keys[i]; i = (i + 1) & (x->cap - 1))
		if (!strcasecmp(x->keys[i], key))
			return x->vals[i];
	return -1;
}

void az_index_free(struct az_index *x)
{
	free(x->keys);
	free(x->vals);
	*x = (struct az_index){ 0 };
}

void az_report_add(struct az_report *r, const char *fmt, ...)
{
	size_t cap = (size_t)r->cap;
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		diags_oom();
	va_end(ap);
	/* names come from the input: no newline or escape reaches stderr or a comment */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	r->lines = az_grow(r->lines, &cap, (size_t)r->n + 1, sizeof(*r->lines));
	r->cap = (int)cap;
	r->lines[r->n++] = line;
}

void az_report_free(struct az_report *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	*r = (struct az_report){ 0 };
}
