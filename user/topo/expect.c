// SPDX-License-Identifier: GPL-2.0
/* Expected flows for xvnet verify (see expect.h). */
#include "expect.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct ctx {
	const char *name;
	yaml_document_t *doc;
	struct diags *d;
};

static struct pos node_pos(const yaml_node_t *n)
{
	return (struct pos){ (int)n->start_mark.line + 1, (int)n->start_mark.column + 1 };
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *get(struct ctx *c, const yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(c->doc, p->key));

		if (k && !strcmp(k, key))
			return yaml_document_get_node(c->doc, p->value);
	}
	return NULL;
}

static const char *const keys[] = { "from", "to", "protocol", "port", "result", "via", NULL };

static bool known_keys(struct ctx *c, const yaml_node_t *map)
{
	bool ok = true;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		const char *k = scalar(kn);
		int i;

		for (i = 0; k && keys[i] && strcmp(keys[i], k); i++)
			;
		if (!k || !keys[i]) {
			diags_add(c->d, c->name, node_pos(kn),
				  "unknown key '%s' in an expected flow: use from, to, protocol, port, result, via",
				  diag_value(k ? k : "?"));
			ok = false;
		}
	}
	return ok;
}

/* A required string. */
static char *get_str(struct ctx *c, const yaml_node_t *map, const char *key)
{
	const yaml_node_t *v = get(c, map, key);

	if (!scalar(v) || !*scalar(v)) {
		diags_add(c->d, c->name, node_pos(v ? v : map), "an expected flow needs '%s'", key);
		return NULL;
	}
	return xstrdup(scalar(v));
}

static void get_proto(struct ctx *c, const yaml_node_t *map, struct expectation *e)
{
	static const char *const names[] = { [FW_TCP] = "tcp", [FW_UDP] = "udp", [FW_ICMP] = "icmp" };
	const yaml_node_t *v = get(c, map, "protocol"), *pv = get(c, map, "port");
	char *end;
	long port;

	e->proto = pv ? FW_TCP : FW_ICMP;
	if (v) {
		e->proto = FW_ANY;
		for (int i = FW_TCP; i <= FW_ICMP; i++)
			if (scalar(v) && !strcasecmp(scalar(v), names[i]))
				e->proto = i;
		if (e->proto == FW_ANY)
			diags_add(c->d, c->name, node_pos(v), "protocol '%s': use icmp, tcp or udp",
				  diag_value(scalar(v) ? scalar(v) : "?"));
	}
	if (!pv) {
		if (e->proto == FW_TCP || e->proto == FW_UDP)
			diags_add(c->d, c->name, node_pos(v), "a %s flow needs a port", names[e->proto]);
		return;
	}
	errno = 0;
	port = scalar(pv) ? strtol(scalar(pv), &end, 10) : -1;
	if (!scalar(pv) || *end || errno || port < 1 || port > 65535)
		diags_add(c->d, c->name, node_pos(pv), "port '%s': use 1-65535",
			  diag_value(scalar(pv) ? scalar(pv) : "?"));
	else if (e->proto == FW_ICMP)
		diags_add(c->d, c->name, node_pos(pv), "an icmp flow has no port");
	e->port = (int)port;
}

static void get_result(struct ctx *c, const yaml_node_t *map, struct expectation *e)
{
	const yaml_node_t *v = get(c, map, "result");
	const char *s = scalar(v);

	e->delivered = s && !strcmp(s, "Delivered");
	if (!v)
		diags_add(c->d, c->name, node_pos(map), "an expected flow needs 'result'");
	else if (!s || (strcmp(s, "Delivered") && strcmp(s, "Dropped")))
		diags_add(c->d, c->name, node_pos(v), "result '%s': use Delivered or Dropped",
			  diag_value(s ? s : "?"));
}

static void get_via(struct ctx *c, const yaml_node_t *map, struct expectation *e)
{
	const yaml_node_t *v = get(c, map, "via");
	yaml_node_item_t *it;

	if (!v)
		return;
	if (v->type != YAML_SEQUENCE_NODE) {
		diags_add(c->d, c->name, node_pos(v), "via is a list of nodes: [fw, hub-gw]");
		return;
	}
	e->via = xcalloc((size_t)(v->data.sequence.items.top - v->data.sequence.items.start),
			 sizeof(*e->via));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const yaml_node_t *n = yaml_document_get_node(c->doc, *it);

		if (!scalar(n))
			diags_add(c->d, c->name, node_pos(n), "via lists node names");
		else
			e->via[e->nvia++] = xstrdup(scalar(n));
	}
}

static void parse_one(struct ctx *c, const yaml_node_t *n, struct expectation *e)
{
	memset(e, 0, sizeof(*e));
	e->pos = node_pos(n);
	if (n->type != YAML_MAPPING_NODE) {
		diags_add(c->d, c->name, node_pos(n),
			  "an expected flow is a mapping: {from, to, protocol, port, result, via}");
		return;
	}
	if (!known_keys(c, n))
		return;
	e->from = get_str(c, n, "from");
	e->to = get_str(c, n, "to");
	get_proto(c, n, e);
	get_result(c, n, e);
	get_via(c, n, e);
}

/* The list: the document itself, or its `expect:` (a topology file). */
static const yaml_node_t *the_list(struct ctx *c)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);

	if (root && root->type == YAML_MAPPING_NODE)
		root = get(c, root, "expect");
	if (!root || root->type != YAML_SEQUENCE_NODE) {
		diags_add(c->d, c->name, (struct pos){ 0, 0 },
			  "no expected flows: give a list of {from, to, protocol, port, result, via}, or a file with an 'expect:' list");
		return NULL;
	}
	return root;
}

int expect_parse(const char *name, const char *buf, size_t len,
		 struct expectation **out, int *n, struct diags *d)
{
	struct ctx c = { name, NULL, d };
	yaml_parser_t parser;
	yaml_document_t doc;
	const yaml_node_t *list;
	int count;

	*out = NULL;
	*n = 0;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		diags_add(d, name, (struct pos){ (int)parser.problem_mark.line + 1,
						 (int)parser.problem_mark.column + 1 },
			  "malformed YAML: %s", parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		return -1;
	}
	c.doc = &doc;
	list = the_list(&c);
	count = list ? (int)(list->data.sequence.items.top - list->data.sequence.items.start) : 0;
	*out = xcalloc((size_t)count, sizeof(**out));
	for (int i = 0; i < count; i++)
		parse_one(&c, yaml_document_get_node(&doc, list->data.sequence.items.start[i]),
			  &(*out)[i]);
	*n = count;
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (d->n) {
		expect_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

int expect_load(const char *path, struct expectation **out, int *n, struct diags *d)
{
	char *buf;
	size_t len;
	int rc;

	if (topo_read(path, &buf, &len)) {
		topo_read_error(d, path, errno);
		return -1;
	}
	rc = expect_parse(path, buf, len, out, n, d);
	free(buf);
	return rc;
}

void expect_free(struct expectation *e, int n)
{
	for (int i = 0; e && i < n; i++) {
		free(e[i].from);
		free(e[i].to);
		for (int k = 0; k < e[i].nvia; k++)
			free(e[i].via[k]);
		free(e[i].via);
	}
	free(e);
}
