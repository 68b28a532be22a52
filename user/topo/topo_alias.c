// SPDX-License-Identifier: GPL-2.0
/*
 * ARM spellings -> xvnet's in a parsed topology document (topo_alias.h).
 * Each rewrite keeps the nodes and their marks, so a message about the
 * value still points where the user wrote it. A key given both ways
 * becomes a duplicate key, which the checks then report. Pure.
 */
#include "topo_alias.h"

#include <stdlib.h>
#include <string.h>

#include "topo.h"

static yaml_node_t *node(yaml_document_t *doc, int id)
{
	return yaml_document_get_node(doc, id);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_pair_t *pair_of(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(doc, p->key));

		if (k && !strcmp(k, key))
			return p;
	}
	return NULL;
}

/* Replace a scalar's text (libyaml frees it with free()). */
static void set_scalar(yaml_node_t *n, const char *s)
{
	char *d = strdup(s);

	if (!d)
		diags_oom();
	free(n->data.scalar.value);
	n->data.scalar.value = (yaml_char_t *)d;
	n->data.scalar.length = strlen(d);
}

/* "enableIPForwarding: true" -> "enableIpForwarding: true" */
static void rename_key(yaml_document_t *doc, yaml_node_t *map, const char *from, const char *to)
{
	yaml_node_pair_t *p = pair_of(doc, map, from);

	if (p)
		set_scalar(node(doc, p->key), to);
}

/* "location: westeurope" where xvnet has no use for it: gone. */
static void drop_key(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = pair_of(doc, map, key);

	if (!p)
		return;
	memmove(p, p + 1, (size_t)(map->data.mapping.pairs.top - p - 1) * sizeof(*p));
	map->data.mapping.pairs.top--;
}

/* "addressSpace: {addressPrefixes: [...]}" -> "addressSpace: [...]" */
static void unwrap(yaml_document_t *doc, yaml_node_t *map, const char *key, const char *inner)
{
	yaml_node_pair_t *p = pair_of(doc, map, key), *in;
	yaml_node_t *v = p ? node(doc, p->value) : NULL;

	if (!v || v->type != YAML_MAPPING_NODE ||
	    v->data.mapping.pairs.top - v->data.mapping.pairs.start != 1)
		return;
	in = pair_of(doc, v, inner);
	if (in)
		p->value = in->value;
}

/* "routeTable: {id: .../routeTables/rt}" or "{name: rt}" -> "routeTable: rt" */
static void reference(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = pair_of(doc, map, key), *in;
	yaml_node_t *v = p ? node(doc, p->value) : NULL, *s;
	const char *id, *last;

	if (!v || v->type != YAML_MAPPING_NODE ||
	    v->data.mapping.pairs.top - v->data.mapping.pairs.start != 1)
		return;
	in = pair_of(doc, v, "name");
	if (!in && (in = pair_of(doc, v, "id")) && (id = scalar(node(doc, in->value)))) {
		s = node(doc, in->value);
		last = strrchr(id, '/');
		if (last)
			set_scalar(s, last + 1); /* a resource id ends in the name */
	}
	if (in)
		p->value = in->value;
}

/* Every mapping of the root's list section, with fn applied. */
static void each(yaml_document_t *doc, const char *section,
		 void (*fn)(yaml_document_t *doc, yaml_node_t *map))
{
	yaml_node_pair_t *p = pair_of(doc, yaml_document_get_root_node(doc), section);
	yaml_node_t *list = p ? node(doc, p->value) : NULL;

	if (!list || list->type != YAML_SEQUENCE_NODE)
		return;
	for (yaml_node_item_t *i = list->data.sequence.items.start; i < list->data.sequence.items.top; i++) {
		yaml_node_t *m = node(doc, *i);

		if (m && m->type == YAML_MAPPING_NODE)
			fn(doc, m);
	}
}

static void subnet(yaml_document_t *doc, yaml_node_t *m)
{
	reference(doc, m, "routeTable");
}

static void vnet(yaml_document_t *doc, yaml_node_t *m)
{
	yaml_node_pair_t *p;
	yaml_node_t *subs;

	rename_key(doc, m, "location", "region");
	unwrap(doc, m, "addressSpace", "addressPrefixes");
	p = pair_of(doc, m, "subnets");
	subs = p ? node(doc, p->value) : NULL;
	if (subs && subs->type == YAML_SEQUENCE_NODE)
		for (yaml_node_item_t *i = subs->data.sequence.items.start; i < subs->data.sequence.items.top; i++)
			subnet(doc, node(doc, *i));
}

static void site(yaml_document_t *doc, yaml_node_t *m)
{
	rename_key(doc, m, "localNetworkAddressSpace", "addressSpace");
	unwrap(doc, m, "addressSpace", "addressPrefixes");
	drop_key(doc, m, "location");
}

static void gateway(yaml_document_t *doc, yaml_node_t *m)
{
	rename_key(doc, m, "gatewayType", "type");
	drop_key(doc, m, "location");
}

static void vm(yaml_document_t *doc, yaml_node_t *m)
{
	rename_key(doc, m, "enableIPForwarding", "enableIpForwarding");
	drop_key(doc, m, "location");
}

static void other(yaml_document_t *doc, yaml_node_t *m)
{
	drop_key(doc, m, "location");
}

void topo_arm_aliases(yaml_document_t *doc)
{
	each(doc, "vnets", vnet);
	each(doc, "sites", site);
	each(doc, "gateways", gateway);
	each(doc, "vms", vm);
	each(doc, "routeTables", other);
	each(doc, "connections", other);
	each(doc, "circuits", other);
}
