// SPDX-License-Identifier: GPL-2.0
/*
 * Comparing xvnet's effective routes and next hop with Azure's saved
 * output (see azure_compare.h). Reads JSON (jansson) or the az CLI's
 * `-o table` text, whose dashed line under the headings gives the column
 * spans. Pure: no I/O.
 */
#define _GNU_SOURCE
#include "azure_compare.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "azure_json.h"
#include "ipv4.h"
#include "model.h"
#include "topo.h"

static char **copy_strs(const char *const *v, int n)
{
	char **c = az_alloc((size_t)(n ? n : 1) * sizeof(*c));

	for (int i = 0; i < n; i++)
		c[i] = az_strdup(v[i]);
	return c;
}

static void free_strs(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void az_rows_add(struct az_rows *r, const char *source, const char *state,
		 const char *type, const char *const *prefixes, int nprefixes,
		 const char *const *ips, int nips)
{
	size_t cap = (size_t)r->cap;
	struct az_route_row *row;

	r->v = az_grow(r->v, &cap, (size_t)r->n + 1, sizeof(*r->v));
	r->cap = (int)cap;
	row = &r->v[r->n++];
	row->source = az_strdup(source);
	row->state = az_strdup(state);
	row->type = az_strdup(type);
	row->prefixes = copy_strs(prefixes, nprefixes);
	row->nprefixes = nprefixes;
	row->ips = copy_strs(ips, nips);
	row->nips = nips;
}

void az_rows_free(struct az_rows *r)
{
	for (int i = 0; i < r->n; i++) {
		struct az_route_row *row = &r->v[i];

		free(row->source);
		free(row->state);
		free(row->type);
		free_strs(row->prefixes, row->nprefixes);
		free_strs(row->ips, row->nips);
	}
	free(r->v);
	*r = (struct az_rows){ 0 };
}

/* ---- reading: JSON ---- */

/* A string or a list of strings (Azure prints both) into v (max n). */
static int json_strs(const json_t *j, const char **v, int n)
{
	size_t i;
	json_t *e;
	int k = 0;

	if (json_is_string(j)) {
		v[0] = json_string_value(j);
		return 1;
	}
	json_array_foreach(j, i, e)
		if (json_is_string(e) && k < n)
			v[k++] = json_string_value(e);
	return k;
}

#define ROW_MAX_LIST 64 /* prefixes or addresses of one row */

static int effective_json(const json_t *root, struct az_rows *out, const char **why)
{
	const json_t *list = json_is_array(root) ? root : aj_get(root, "value");
	size_t i;
	json_t *o;

	if (!json_is_array(list)) {
		*why = "neither {\"value\": [...]} nor a list of routes";
		return -1;
	}
	json_array_foreach(list, i, o) {
		const char *pfx[ROW_MAX_LIST], *ips[ROW_MAX_LIST];
		const char *src = aj_str(o, "source"), *state = aj_str(o, "state");
		const char *type = aj_str(o, "nextHopType");
		int np = json_strs(aj_get(o, "addressPrefix"), pfx, ROW_MAX_LIST);
		int ni = json_strs(aj_get(o, "nextHopIpAddress"), ips, ROW_MAX_LIST);

		if (!src || !state || !type || !np) {
			*why = "a row lacks source, state, addressPrefix or nextHopType";
			return -1;
		}
		az_rows_add(out, src, state, type, pfx, np, ips, ni);
	}
	return 0;
}

/* ---- reading: -o table text ---- */

struct table {
	char **lines;
	int nlines;
	int starts[16], ends[16]; /* column spans, from the dashed line */
	char *titles[16];	  /* the headings, lowercased, blanks removed */
	int ncols;
	int first;		  /* the first data line */
};

static void table_free(struct table *t)
{
	for (int i = 0; i < t->nlines; i++)
		free(t->lines[i]);
	free(t->lines);
	for (int i = 0; i < t->ncols; i++)
		free(t->titles[i]);
}

/* The text cut at [a, b) of line, trimmed (malloc'd). */
static char *cell(const char *line, int a, int b)
{
	int n = (int)strlen(line);

	if (a > n)
		a = n;
	if (b < 0 || b > n)
		b = n;
	while (a < b && isspace((unsigned char)line[a]))
		a++;
	while (b > a && isspace((unsigned char)line[b - 1]))
		b--;
	return strndup(line + a, (size_t)(b - a));
}

/* Split text into lines; find the heading and its dashed line. */
static int table_read(const char *text, size_t len, struct table *t)
{
	const char *p = text, *end = text + len;
	size_t cap = 0;

	*t = (struct table){ 0 };
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), kept;
		char *line = strndup(p, n); /* a NUL in the text ends the line early */

		t->lines = az_grow(t->lines, &cap, (size_t)t->nlines + 1, sizeof(*t->lines));
		if (!line)
			diags_oom();
		kept = strlen(line);
		if (kept && line[kept - 1] == '\r')
			line[kept - 1] = '\0';
		t->lines[t->nlines++] = line;
		p += n + 1;
	}
	for (int i = 1; i < t->nlines; i++) {
		const char *d = t->lines[i];

		if (!*d || strspn(d, "- ") != strlen(d) || !strchr(d, '-'))
			continue;
		for (int c = 0; d[c] && t->ncols < 16;) {
			while (d[c] == ' ')
				c++;
			if (!d[c])
				break;
			t->starts[t->ncols] = c;
			while (d[c] == '-')
				c++;
			t->ends[t->ncols++] = c;
		}
		for (int k = 0; k < t->ncols; k++) {
			char *h = cell(t->lines[i - 1], t->starts[k],
				       k + 1 < t->ncols ? t->starts[k + 1] : -1), *w = h;

			for (char *r = h; *r; r++)
				if (!isspace((unsigned char)*r))
					*w++ = (char)tolower((unsigned char)*r);
			*w = '\0';
			t->titles[k] = h;
		}
		t->first = i + 1;
		return 0;
	}
	return -1;
}

static int table_col(const struct table *t, const char *title)
{
	for (int k = 0; k < t->ncols; k++)
		if (!strcmp(t->titles[k], title))
			return k;
	return -1;
}

/* The cell of column k in line i, "" when k is -1. */
static char *table_cell(const struct table *t, int i, int k)
{
	if (k < 0)
		return az_strdup("");
	return cell(t->lines[i], t->starts[k], k + 1 < t->ncols ? t->starts[k + 1] : -1);
}

/* "10.0.1.4 10.0.1.5" or "10.0.1.4, 10.0.1.5" into v. */
static int split_words(char *s, const char **v, int n)
{
	int k = 0;

	for (char *w = strtok(s, " ,"); w && k < n; w = strtok(NULL, " ,"))
		v[k++] = w;
	return k;
}

static int effective_table(const char *text, size_t len, struct az_rows *out, const char **why)
{
	struct table t;
	int cs, cst, cp, ct, ci;

	if (table_read(text, len, &t)) {
		*why = "neither JSON nor an `-o table` text (no dashed line under headings)";
		table_free(&t);
		return -1;
	}
	cs = table_col(&t, "source");
	cst = table_col(&t, "state");
	cp = table_col(&t, "addressprefix");
	ct = table_col(&t, "nexthoptype");
	ci = table_col(&t, "nexthopip");
	if (ci < 0)
		ci = table_col(&t, "nexthopipaddress");
	if (cs < 0 || cst < 0 || cp < 0 || ct < 0) {
		*why = "a table without Source, State, Address Prefix and Next Hop Type columns";
		table_free(&t);
		return -1;
	}
	for (int i = t.first; i < t.nlines; i++) {
		char *src, *state, *pfx, *type, *ip;
		const char *pv[ROW_MAX_LIST], *iv[ROW_MAX_LIST];

		if (!*t.lines[i] || strspn(t.lines[i], " ") == strlen(t.lines[i]))
			continue;
		src = table_cell(&t, i, cs);
		state = table_cell(&t, i, cst);
		pfx = table_cell(&t, i, cp);
		type = table_cell(&t, i, ct);
		ip = table_cell(&t, i, ci);
		az_rows_add(out, src, state, type, pv, split_words(pfx, pv, ROW_MAX_LIST), iv,
			    split_words(ip, iv, ROW_MAX_LIST));
		free(src);
		free(state);
		free(pfx);
		free(type);
		free(ip);
	}
	table_free(&t);
	return 0;
}

/* Text that starts with { or [ is JSON; a JSON error is then the answer. */
static bool looks_json(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)text[i]))
		i++;
	return i < len && (text[i] == '{' || text[i] == '[');
}

int az_parse_effective(const char *text, size_t len, struct az_rows *out, const char **why)
{
	json_error_t err;
	json_t *root;
	int rc;

	*out = (struct az_rows){ 0 };
	if (!looks_json(text, len))
		return effective_table(text, len, out, why);
	root = json_loadb(text, len, 0, &err);
	if (!root) {
		*why = "not valid JSON";
		return -1;
	}
	rc = effective_json(root, out, why);
	json_decref(root);
	if (rc)
		az_rows_free(out);
	return rc;
}

/* ---- matching ---- */

/* The prefix in canonical form, or s itself when it is no prefix. */
static bool same_prefix(const char *a, const char *b)
{
	struct prefix pa, pb;

	if (!prefix_parse(a, &pa) && !prefix_parse(b, &pb))
		return prefix_equal(pa, pb);
	return !strcasecmp(a, b);
}

static bool same_prefixes(const struct az_route_row *a, const struct az_route_row *b)
{
	if (a->nprefixes != b->nprefixes)
		return false;
	for (int i = 0; i < a->nprefixes; i++) {
		int k;

		for (k = 0; k < b->nprefixes; k++)
			if (same_prefix(a->prefixes[i], b->prefixes[k]))
				break;
		if (k == b->nprefixes)
			return false;
	}
	return true;
}

bool az_next_hop_ip_equal(const char *type, const char *azure, const char *xvnet,
			  az_same_gateway same, void *ctx)
{
	if (!azure || !*azure || !xvnet || !*xvnet)
		return (!azure || !*azure) == (!xvnet || !*xvnet);
	if (!strcmp(azure, xvnet))
		return true;
	/* Azure shows a gateway's instance addresses; xvnet one address */
	return type && !strcasecmp(type, "VirtualNetworkGateway") && same &&
	       same(azure, xvnet, ctx);
}

static bool same_ips(const struct az_route_row *a, const struct az_route_row *x,
		     az_same_gateway same, void *ctx)
{
	if (!a->nips || !x->nips)
		return a->nips == x->nips;
	for (int i = 0; i < a->nips; i++) {
		bool any = false;

		for (int k = 0; k < x->nips && !any; k++)
			any = az_next_hop_ip_equal(a->type, a->ips[i], x->ips[k], same, ctx);
		if (!any)
			return false;
	}
	/* and every xvnet address is among Azure's (gateways: any instance) */
	for (int k = 0; k < x->nips; k++) {
		bool any = false;

		for (int i = 0; i < a->nips && !any; i++)
			any = az_next_hop_ip_equal(a->type, a->ips[i], x->ips[k], same, ctx);
		if (!any)
			return false;
	}
	return true;
}

static bool rows_equal(const struct az_route_row *a, const struct az_route_row *x,
		       az_same_gateway same, void *ctx)
{
	return !strcasecmp(a->source, x->source) && same_prefixes(a, x) &&
	       !strcasecmp(a->state, x->state) && !strcasecmp(a->type, x->type) &&
	       same_ips(a, x, same, ctx);
}

bool az_same_gateway_subnet(const char *azure, const char *xvnet, void *topology)
{
	const struct topology *t = topology;
	uint32_t a, x;

	if (!ipv4_parse(azure, &a) || !ipv4_parse(xvnet, &x))
		return false;
	for (int i = 0; i < t->nsubnets; i++)
		if (t->subnets[i].is_gateway_subnet && prefix_has(t->subnets[i].prefix, x) &&
		    prefix_has(t->subnets[i].prefix, a))
			return true;
	return false;
}

static void add_pair(struct az_pair **v, int *n, size_t *cap, enum az_cmp c, int a, int x)
{
	*v = az_grow(*v, cap, (size_t)*n + 1, sizeof(**v));
	(*v)[(*n)++] = (struct az_pair){ c, a, x };
}

void az_compare_routes(const struct az_rows *azure, const struct az_rows *xvnet,
		       az_same_gateway same, void *ctx, struct az_pair **pairs, int *npairs)
{
	bool *ua = az_alloc((size_t)azure->n + 1), *ux = az_alloc((size_t)xvnet->n + 1);
	size_t cap = 0;
	int i, k;

	*pairs = NULL;
	*npairs = 0;
	for (k = 0; k < xvnet->n; k++)
		for (i = 0; i < azure->n; i++)
			if (!ua[i] && rows_equal(&azure->v[i], &xvnet->v[k], same, ctx)) {
				ua[i] = ux[k] = true;
				add_pair(pairs, npairs, &cap, AZ_EQUAL, i, k);
				break;
			}
	/* the same route (source and prefixes) with another state or next hop */
	for (k = 0; k < xvnet->n; k++)
		for (i = 0; i < azure->n && !ux[k]; i++)
			if (!ua[i] && !strcasecmp(azure->v[i].source, xvnet->v[k].source) &&
			    same_prefixes(&azure->v[i], &xvnet->v[k])) {
				ua[i] = ux[k] = true;
				add_pair(pairs, npairs, &cap, AZ_DIFFERING, i, k);
			}
	for (i = 0; i < azure->n; i++)
		if (!ua[i])
			add_pair(pairs, npairs, &cap, AZ_ONLY_AZURE, i, -1);
	for (k = 0; k < xvnet->n; k++)
		if (!ux[k])
			add_pair(pairs, npairs, &cap, AZ_ONLY_XVNET, -1, k);
	free(ua);
	free(ux);
}

const char *az_cmp_name(enum az_cmp c)
{
	static const char *const names[] = { "equal", "onlyInAzure", "onlyInXvnet", "differing" };

	return names[c];
}

/* ---- next hop ---- */

bool az_route_table_equal(const char *azure, const char *xvnet)
{
	size_t na, nx;

	if (!azure || !xvnet)
		return !azure == !xvnet;
	if (!strcasecmp(azure, xvnet))
		return true;
	/* ".../routeTables/spoke-rt" against "spoke-rt" */
	na = strlen(azure);
	nx = strlen(xvnet);
	return na > nx + 13 && !strcasecmp(azure + na - nx, xvnet) &&
	       !strncasecmp(azure + na - nx - 13, "/routeTables/", 13);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? az_strdup(s) : NULL;
}

int az_parse_next_hop(const char *text, size_t len, struct az_next_hop *out, const char **why)
{
	json_error_t err;
	struct table t;
	json_t *root;

	*out = (struct az_next_hop){ 0 };
	if (looks_json(text, len)) {
		root = json_loadb(text, len, 0, &err);
		if (!root) {
			*why = "not valid JSON";
			return -1;
		}
		if (!json_is_object(root) || !aj_str(root, "nextHopType")) {
			json_decref(root);
			*why = "not a next hop: no nextHopType";
			return -1;
		}
		out->type = dup_or_null(aj_str(root, "nextHopType"));
		out->ip = dup_or_null(aj_str(root, "nextHopIpAddress"));
		out->route_table = dup_or_null(aj_str(root, "routeTableId"));
		json_decref(root);
		return 0;
	}
	if (table_read(text, len, &t) || table_col(&t, "nexthoptype") < 0 || t.first >= t.nlines) {
		table_free(&t);
		*why = "neither JSON nor an `-o table` text with a NextHopType column";
		return -1;
	}
	out->type = table_cell(&t, t.first, table_col(&t, "nexthoptype"));
	out->ip = table_cell(&t, t.first, table_col(&t, "nexthopipaddress"));
	out->route_table = table_cell(&t, t.first, table_col(&t, "routetableid"));
	table_free(&t);
	return 0;
}

void az_next_hop_free(struct az_next_hop *h)
{
	free(h->type);
	free(h->ip);
	free(h->route_table);
	*h = (struct az_next_hop){ 0 };
}
