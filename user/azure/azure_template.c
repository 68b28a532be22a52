// SPDX-License-Identifier: GPL-2.0
/*
 * ARM template expressions, as far as an exported template uses them to
 * name resources and tie them together (`az group export`, the portal's
 * "Export template"): "[parameters('x')]", "[variables('x')]",
 * "[concat(a, b, ...)]", "[resourceId('Type', 'name', ...)]" and string
 * literals. The importer evaluates them into plain names and ids before
 * it reads the resources; anything else stays as written. Pure.
 */
#define _GNU_SOURCE
#include "azure_template.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "azure_json.h"
#include "topo.h"

struct ev {
	const json_t *tpl;
	const char *group;
	const char *p; /* the expression being read */
	bool bad;
};

static char *expr(struct ev *e);

static void blanks(struct ev *e)
{
	while (isspace((unsigned char)*e->p))
		e->p++;
}

static bool eat(struct ev *e, char ch)
{
	blanks(e);
	if (*e->p != ch)
		return false;
	e->p++;
	return true;
}

/* 'text', with '' for a quote */
static char *literal(struct ev *e)
{
	char *out = az_alloc(strlen(e->p) + 1), *w = out;

	e->p++;
	for (;;) {
		if (!*e->p) {
			e->bad = true;
			break;
		}
		if (*e->p == '\'' && e->p[1] == '\'') {
			*w++ = '\'';
			e->p += 2;
		} else if (*e->p == '\'') {
			e->p++;
			break;
		} else {
			*w++ = *e->p++;
		}
	}
	*w = '\0';
	return out;
}

/* The arguments of a call, up to ")": at most 16. */
static int args(struct ev *e, char **v)
{
	int n = 0;

	if (eat(e, ')'))
		return 0;
	do {
		char *a = expr(e);

		if (n < 16)
			v[n++] = a;
		else
			free(a);
	} while (!e->bad && eat(e, ','));
	if (!eat(e, ')'))
		e->bad = true;
	return n;
}

/* parameters('x'): its defaultValue; variables('x'): its value. Strings only. */
static char *lookup(struct ev *e, const char *section, const char *name)
{
	const json_t *v = aj_get(aj_get(e->tpl, section), name);

	if (!strcmp(section, "parameters"))
		v = aj_get(v, "defaultValue");
	if (json_is_string(v) && json_string_value(v)[0] == '[') {
		/* a value that is itself an expression */
		struct ev inner = { e->tpl, e->group, json_string_value(v) + 1, false };
		char *s = expr(&inner);

		if (!inner.bad && eat(&inner, ']'))
			return s;
		free(s);
	} else if (json_is_string(v)) {
		return az_strdup(json_string_value(v));
	}
	e->bad = true;
	return az_strdup("");
}

/* resourceId('Microsoft.Network/virtualNetworks/subnets', 'hub', 'app') */
static char *resource_id(struct ev *e, char **v, int n)
{
	const char *type, *child;
	char *id;

	if (n < 2) {
		e->bad = true;
		return az_strdup("");
	}
	type = v[0];
	child = strchr(type, '/') ? strchr(strchr(type, '/') + 1, '/') : NULL;
	if (!child || n < 3)
		return az_printf("/resourceGroups/%s/providers/%s/%s", e->group, type, v[1]);
	id = az_printf("/resourceGroups/%s/providers/%.*s/%s%s/%s", e->group,
		       (int)(child - type), type, v[1], child, v[2]);
	return id;
}

static char *call(struct ev *e, const char *fn, size_t len)
{
	char *v[16], *out = NULL;
	int n = args(e, v);

	if (e->bad) {
		out = az_strdup("");
	} else if (len == 10 && !strncasecmp(fn, "parameters", len) && n == 1) {
		out = lookup(e, "parameters", v[0]);
	} else if (len == 9 && !strncasecmp(fn, "variables", len) && n == 1) {
		out = lookup(e, "variables", v[0]);
	} else if (len == 6 && !strncasecmp(fn, "concat", len)) {
		out = az_strdup("");
		for (int i = 0; i < n; i++) {
			char *more = az_printf("%s%s", out, v[i]);

			free(out);
			out = more;
		}
	} else if (len == 10 && !strncasecmp(fn, "resourceId", len)) {
		out = resource_id(e, v, n);
	} else {
		e->bad = true; /* resourceGroup(), subscription(), ...: not evaluated */
		out = az_strdup("");
	}
	for (int i = 0; i < n; i++)
		free(v[i]);
	return out;
}

static char *expr(struct ev *e)
{
	const char *fn;
	size_t len;

	blanks(e);
	if (*e->p == '\'')
		return literal(e);
	fn = e->p;
	while (isalnum((unsigned char)*e->p))
		e->p++;
	len = (size_t)(e->p - fn);
	if (!len || !eat(e, '(')) {
		e->bad = true;
		return az_strdup("");
	}
	return call(e, fn, len);
}

/* "[...]" evaluated, or NULL when it is no expression xvnet evaluates. */
static char *evaluate(const json_t *tpl, const char *group, const char *s)
{
	struct ev e = { tpl, group, s + 1, false };
	char *out;

	out = expr(&e);
	if (e.bad || !eat(&e, ']') || (blanks(&e), *e.p)) {
		free(out);
		return NULL;
	}
	return out;
}

static void walk(const json_t *tpl, const char *group, json_t *v, int *left)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			const char *s = json_string_value(x);

			if (s && s[0] == '[' && s[1] != '[') {
				char *r = evaluate(tpl, group, s);

				if (r)
					json_object_set_new(v, k, json_string(r));
				else
					(*left)++;
				free(r);
			} else {
				walk(tpl, group, x, left);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			walk(tpl, group, x, left);
	}
}

bool az_is_template(const json_t *root)
{
	const char *schema = aj_str(root, "$schema");

	return json_is_array(aj_get(root, "resources")) && schema &&
	       strcasestr(schema, "deploymentTemplate");
}

json_t *az_template_resolve(const json_t *tpl, const char *group, int *left)
{
	json_t *res = json_deep_copy(aj_get(tpl, "resources"));

	if (!res)
		diags_oom();
	*left = 0;
	walk(tpl, group, res, left);
	return res;
}
