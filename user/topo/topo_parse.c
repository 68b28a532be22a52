// SPDX-License-Identifier: GPL-2.0
/*
 * Topology file, phase 1: YAML document -> struct topology.
 *
 * Every mapping is checked against a table of its allowed keys (the same
 * table gives the "did you mean" hint), every value against its type, so
 * the converters below only meet values already known to be well formed.
 * References between objects stay names in the document here; topo_check.c
 * resolves them once the whole file is known, and only when this phase
 * found nothing wrong (resolving half-parsed objects would bury the real
 * error under consequences of it).
 */
#define _GNU_SOURCE
#include "topo_yaml.h"
#include "topo_alias.h"
#include "xvnet_abi.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define LABEL_LEN 256

/* ---- context and document helpers (shared with topo_check.c) ---- */

void *tp_alloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		diags_oom();
	return p;
}

void tp_err(struct tp_ctx *c, struct pos pos, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int r;

	/* only the first TOPO_MAX_ERRORS are shown: keep ten times that to sort */
	if (c->nmsgs >= 10 * TOPO_MAX_ERRORS) {
		c->dropped++;
		return;
	}
	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0)
		diags_oom();
	if (c->nmsgs == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->msgs = realloc(c->msgs, (size_t)c->cap * sizeof(*c->msgs));
		if (!c->msgs)
			diags_oom();
	}
	c->msgs[c->nmsgs] = (struct tp_msg){ pos, c->nmsgs, text };
	c->nmsgs++;
}

struct pos tp_pos(const yaml_node_t *n)
{
	if (!n)
		return (struct pos){ 1, 1 };
	return (struct pos){ (int)n->start_mark.line + 1,
			     (int)n->start_mark.column + 1 };
}

const char *tp_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
		       (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *node(struct tp_ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

yaml_node_t *tp_get(struct tp_ctx *c, const yaml_node_t *map, const char *key)
{
	const char *k;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		k = tp_scalar(node(c, p->key));
		if (k && !strcmp(k, key))
			return node(c, p->value);
	}
	return NULL;
}

struct pos tp_vpos(struct tp_ctx *c, const yaml_node_t *map, const char *key)
{
	yaml_node_t *v = tp_get(c, map, key);

	return tp_pos(v ? v : map);
}

int tp_len(const yaml_node_t *seq)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return 0;
	return (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *tp_item(struct tp_ctx *c, const yaml_node_t *seq, int i)
{
	if (i < 0 || i >= tp_len(seq))
		return NULL;
	return node(c, seq->data.sequence.items.start[i]);
}

yaml_node_t *tp_list_item(struct tp_ctx *c, const yaml_node_t *map,
			  const char *key, int i)
{
	return tp_item(c, tp_get(c, map, key), i);
}

yaml_node_t *tp_section_item(struct tp_ctx *c, const char *section, int i)
{
	return tp_list_item(c, yaml_document_get_root_node(c->doc), section, i);
}

/* Levenshtein distance, ignoring case: "adressspace" is one edit away. */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[81], diag, up;

	if (la > 80 || lb > 80)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = diag + (tolower((unsigned char)a[i - 1]) !=
					 tolower((unsigned char)b[j - 1]));
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

const char *tp_nearest(const char *word, const void *base, size_t stride,
		       int n)
{
	const char *best = NULL, *cand;
	int best_d = 0, d;

	for (int i = 0; n < 0 || i < n; i++) {
		cand = *(const char *const *)((const char *)base + (size_t)i * stride);
		if (!cand) {
			if (n < 0)
				break;
			continue;
		}
		d = edit_distance(word, cand);
		/* a typo, not merely another word: allow ~1 edit per 4 chars */
		if (d <= 1 + (int)strlen(cand) / 4 && (!best || d < best_d)) {
			best = cand;
			best_d = d;
		}
	}
	return best;
}

const char *tp_hint(char *buf, size_t len, const char *nearest,
		    const char *fallback)
{
	if (nearest)
		snprintf(buf, len, "; did you mean '%s'?", nearest);
	else
		snprintf(buf, len, "%s", fallback);
	return buf;
}

/* "a, b, c" from a NULL-name-terminated record array (see tp_nearest). */
static const char *join(char *buf, size_t len, const void *base, size_t stride)
{
	const char *s;
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; (s = *(const char *const *)((const char *)base +
						     (size_t)i * stride)); i++)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0,
					"%s%s", i ? ", " : "", s);
	return buf;
}

/* ---- value types and key schemas ---- */

enum vtype {
	V_STR,		/* non-empty scalar: a reference, a region */
	V_NAME,		/* Azure object name */
	V_LABNAME,	/* [a-z][a-z0-9-]{0,11} */
	V_BOOL,		/* true | false, any case */
	V_CIDR,
	V_CIDRS,	/* non-empty list of V_CIDR */
	V_IP,
	V_ENUM,		/* one of key.choices, any case */
	V_NEXTHOP,	/* a next hop type a UDR may use */
	V_ENDPOINT,	/* CIDR, bare address (/32) or Any */
	V_ENDPOINTS,	/* a V_ENDPOINT, or a non-empty list of them */
	V_PORTS,	/* "80,443,1000-2000" or "*" */
	V_STRS,		/* list of V_STR */
	V_LIST,		/* list of mappings, checked by their own parser */
	V_MAP,
};

struct key {
	const char *name; /* first: a record for tp_nearest() and join() */
	enum vtype type;
	bool required;
	const char *const *choices; /* V_ENUM, NULL-terminated, enum order */
};

#define KEY(name, type) { name, type, false, NULL }
#define REQ(name, type) { name, type, true, NULL }
#define CHOICE(name, required, choices) { name, V_ENUM, required, choices }

static const char *const gateway_types[] = { "Vpn", "ExpressRoute", NULL };
static const char *const fw_actions[] = { "Allow", "Deny", NULL };
static const char *const fw_protos[] = { "Any", "Tcp", "Udp", "Icmp", NULL };
static const char *const fw_snats[] = { "Auto", "Always", "Never", NULL }; /* enum fw_snat */
static const char *const fw_dataplanes[] = { "nftables", "xdp", NULL }; /* enum fw_dataplane */
/* What a UDR may name, and what only the platform creates. */
static const char *const udr_hops[] = { "VirtualAppliance",
	"VirtualNetworkGateway", "VnetLocal", "Internet", "None", NULL };
static const char *const platform_hops[] = { "VNetPeering",
	"VNetGlobalPeering", "VirtualNetworkServiceEndpoint", NULL };

static const struct key top_keys[] = {
	REQ("name", V_LABNAME),
	KEY("vnets", V_LIST),
	KEY("peerings", V_LIST),
	KEY("routeTables", V_LIST),
	KEY("gateways", V_LIST),
	KEY("sites", V_LIST),
	KEY("circuits", V_LIST),
	KEY("connections", V_LIST),
	KEY("vms", V_LIST),
	KEY("internet", V_MAP),
	KEY("expect", V_LIST),	/* read by xvnet verify (expect.c), not the model */
	{}
};

static const struct key vnet_keys[] = {
	REQ("name", V_NAME),
	KEY("region", V_STR),
	REQ("addressSpace", V_CIDRS),
	KEY("subnets", V_LIST),
	{}
};

static const struct key subnet_keys[] = {
	REQ("name", V_NAME),
	REQ("addressPrefix", V_CIDR),
	KEY("routeTable", V_STR),
	{}
};

static const struct key peering_keys[] = {
	REQ("from", V_STR),
	REQ("to", V_STR),
	KEY("allowVirtualNetworkAccess", V_BOOL),
	KEY("allowForwardedTraffic", V_BOOL),
	KEY("allowGatewayTransit", V_BOOL),
	KEY("useRemoteGateways", V_BOOL),
	{}
};

static const struct key route_table_keys[] = {
	REQ("name", V_NAME),
	KEY("id", V_STR),
	KEY("disableBgpRoutePropagation", V_BOOL),
	KEY("routes", V_LIST),
	{}
};

static const struct key route_keys[] = {
	REQ("name", V_NAME),
	REQ("addressPrefix", V_CIDR),
	REQ("nextHopType", V_NEXTHOP),
	KEY("nextHopIpAddress", V_IP),
	{}
};

static const struct key gateway_keys[] = {
	REQ("name", V_NAME),
	REQ("vnet", V_STR),
	CHOICE("type", true, gateway_types),
	KEY("bgp", V_BOOL),
	KEY("ip", V_IP),
	KEY("defaultSite", V_STR),
	{}
};

static const struct key site_keys[] = {
	REQ("name", V_NAME),
	REQ("addressSpace", V_CIDRS),
	KEY("hosts", V_LIST),
	{}
};

static const struct key host_keys[] = {
	REQ("name", V_NAME),
	REQ("ip", V_IP),
	{}
};

static const struct key circuit_keys[] = {
	REQ("name", V_NAME),
	REQ("sites", V_STRS),
	{}
};

/* The keys naming a connection's far end, exactly one per connection. */
static const char *const connection_peers[] = { "site", "circuit",
	"peerGateway", NULL }; /* enum connection_kind order */

static const struct key connection_keys[] = {
	REQ("name", V_NAME),
	REQ("gateway", V_STR),
	KEY("site", V_STR),
	KEY("circuit", V_STR),
	KEY("peerGateway", V_STR),
	{}
};

static const struct key vm_keys[] = {
	REQ("name", V_NAME),
	KEY("nic", V_NAME),
	REQ("subnet", V_STR),
	KEY("ip", V_IP),
	KEY("enableIpForwarding", V_BOOL),
	KEY("firewall", V_MAP),
	{}
};

static const struct key firewall_keys[] = {
	CHOICE("defaultAction", false, fw_actions),
	CHOICE("snat", false, fw_snats),
	CHOICE("dataplane", false, fw_dataplanes),
	KEY("rules", V_LIST),
	{}
};

static const struct key rule_keys[] = {
	REQ("name", V_NAME),
	CHOICE("action", true, fw_actions),
	CHOICE("protocol", false, fw_protos),
	KEY("source", V_ENDPOINTS),
	KEY("destination", V_ENDPOINTS),
	KEY("destinationPorts", V_PORTS),
	{}
};

static const struct key internet_keys[] = {
	KEY("hosts", V_LIST),
	{}
};

/* ---- scalar syntax: shared by the checks and the converters ---- */

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 80)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") == n;
}

bool valid_lab_name(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 12 && s[0] >= 'a' && s[0] <= 'z' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static int parse_bool(const char *s)
{
	if (!strcasecmp(s, "true"))
		return 1;
	if (!strcasecmp(s, "false"))
		return 0;
	return -1;
}

static int choice_index(const char *s, const char *const *choices)
{
	for (int i = 0; choices[i]; i++)
		if (!strcasecmp(s, choices[i]))
			return i;
	return -1;
}

/* Like prefix_parse(), plus "Any" (0.0.0.0/0) and a bare address (/32). */
static int parse_endpoint(const char *s, struct prefix *p)
{
	if (!strcasecmp(s, "Any")) {
		*p = (struct prefix){ 0, 0 };
		return 0;
	}
	int r = ipv4_scan(s, &p->addr);

	if (r != -1) {
		p->len = 32;
		return r;
	}
	return prefix_parse(s, p);
}

static bool parse_port(const char **s, uint16_t *port)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)**s))
		return false;
	v = strtol(*s, &end, 10);
	if (v > 65535)
		return false;
	*port = (uint16_t)v;
	*s = end;
	return true;
}

/*
 * "80,443,1000-2000" into out (NULL: count only); "*" is no range at all,
 * which means any port. Returns the number of ranges, -1 when malformed.
 */
static int parse_ports(const char *s, struct port_range *out)
{
	struct port_range r;
	int n = 0;

	if (!strcmp(s, "*"))
		return 0;
	for (;;) {
		while (*s == ' ')
			s++;
		if (!parse_port(&s, &r.lo))
			return -1;
		r.hi = r.lo;
		if (*s == '-' && (s++, !parse_port(&s, &r.hi)))
			return -1;
		if (r.hi < r.lo)
			return -1;
		if (out)
			out[n] = r;
		n++;
		while (*s == ' ')
			s++;
		if (!*s)
			return n;
		if (*s++ != ',')
			return -1;
	}
}

/* ---- checking a mapping against its schema ---- */

static const char *kind_of(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "string";
	case YAML_SEQUENCE_NODE:
		return "list";
	default:
		return "mapping";
	}
}

static bool want(struct tp_ctx *c, const yaml_node_t *v, yaml_node_type_t type,
		 const char *key, const char *what, const char *as)
{
	if (v->type == type)
		return true;
	tp_err(c, tp_pos(v), "%s of %s must be %s, not a %s", key, what, as,
	       kind_of(v));
	return false;
}

/* "010.0.0.0/16": decimal or octal? Addresses are written without. */
static void leading_zero(struct tp_ctx *c, const yaml_node_t *v,
			 const char *key, const char *what, const char *meant)
{
	tp_err(c, tp_pos(v), "%s of %s: '%s' has a leading zero, which some tools read as octal; did you mean %s?",
	       key, what, diag_value(tp_scalar(v)), meant);
}

static void check_prefix(struct tp_ctx *c, const yaml_node_t *v,
			 const char *key, const char *what, bool endpoint)
{
	const char *s = tp_scalar(v);
	char buf[PREFIX_STRLEN];
	struct prefix p;
	int r = endpoint ? parse_endpoint(s, &p) : prefix_parse(s, &p);

	if (r == IPV4_LEADING_ZERO && !strchr(s, '/'))
		leading_zero(c, v, key, what, ipv4_str(p.addr, buf));
	else if (r == IPV4_LEADING_ZERO)
		leading_zero(c, v, key, what, prefix_str(p, buf));
	else if (r == -2)
		tp_err(c, tp_pos(v), "%s of %s: %s has host bits set; did you mean %s?",
		       key, what, diag_value(s), prefix_str(p, buf));
	else if (r)
		tp_err(c, tp_pos(v), "%s of %s: '%s' is not an IPv4 prefix like 10.0.0.0/16%s",
		       key, what, diag_value(s), endpoint ? ", an address or Any" : "");
}

static void check_scalar(struct tp_ctx *c, const struct key *k,
			 const yaml_node_t *v, const char *what)
{
	const char *s = tp_scalar(v), *shown = diag_value(s);
	char list[LABEL_LEN], hint[LABEL_LEN];
	uint32_t ip;

	switch (k->type) {
	case V_NAME:
		if (!valid_name(s))
			tp_err(c, tp_pos(v), "%s of %s: '%s' is not a valid name; use 1-80 letters, digits, '_', '.' or '-'",
			       k->name, what, shown);
		break;
	case V_LABNAME:
		if (!valid_lab_name(s))
			tp_err(c, tp_pos(v), "lab name '%s' is invalid; use a lowercase letter then up to 11 lowercase letters, digits or '-' (it prefixes kernel object names)",
			       shown);
		break;
	case V_BOOL:
		if (parse_bool(s) < 0)
			tp_err(c, tp_pos(v), "%s of %s must be true or false, not '%s'",
			       k->name, what, shown);
		break;
	case V_CIDR:
	case V_ENDPOINT:
		check_prefix(c, v, k->name, what, k->type == V_ENDPOINT);
		break;
	case V_IP:
		if (ipv4_scan(s, &ip) == IPV4_LEADING_ZERO)
			leading_zero(c, v, k->name, what, ipv4_str(ip, list));
		else if (!ipv4_parse(s, &ip))
			tp_err(c, tp_pos(v), "%s of %s: '%s' is not an IPv4 address like 10.0.1.4",
			       k->name, what, shown);
		break;
	case V_ENUM:
		if (choice_index(s, k->choices) < 0)
			tp_err(c, tp_pos(v), "%s of %s: '%s' is not one of %s%s",
			       k->name, what, shown,
			       join(list, sizeof(list), k->choices, sizeof(char *)),
			       tp_hint(hint, sizeof(hint),
				       tp_nearest(s, k->choices, sizeof(char *), -1), ""));
		break;
	case V_NEXTHOP:
		if (choice_index(s, platform_hops) >= 0)
			tp_err(c, tp_pos(v), "%s of %s: %s cannot be used in a route table; only the platform creates these",
			       k->name, what, shown);
		else if (choice_index(s, udr_hops) < 0)
			tp_err(c, tp_pos(v), "%s of %s: '%s' is not a next hop type a route may use; use one of %s",
			       k->name, what, shown,
			       join(list, sizeof(list), udr_hops, sizeof(char *)));
		break;
	case V_PORTS:
		if (parse_ports(s, NULL) < 0)
			tp_err(c, tp_pos(v), "%s of %s: '%s' is not a port list like \"80,443,1000-2000\" or \"*\"",
			       k->name, what, shown);
		break;
	default:
		break;
	}
}

/*
 * Text in a topology is printable: a NUL would cut a name short unseen
 * ("rel\0; rm -rf /" read as "rel"), a control character garble messages
 * and kernel object names.
 */
static bool clean_scalar(struct tp_ctx *c, const yaml_node_t *v,
			 const char *key, const char *what)
{
	const char *s = tp_scalar(v);

	if (strlen(s) != v->data.scalar.length) {
		tp_err(c, tp_pos(v), "%s of %s: '%s' is followed by a NUL character (\\0); remove it and what follows",
		       key, what, diag_value(s));
		return false;
	}
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			tp_err(c, tp_pos(v), "%s of %s: '%s' holds a control character; use printable characters only",
			       key, what, diag_value(s));
			return false;
		}
	return true;
}

static void check_value(struct tp_ctx *c, const struct key *k,
			const yaml_node_t *v, const char *what);

/* A non-empty list of values of one type. */
static void check_list(struct tp_ctx *c, const char *key, enum vtype type,
		       const yaml_node_t *v, const char *what)
{
	struct key item = KEY(key, type);

	if (!want(c, v, YAML_SEQUENCE_NODE, key, what, "a list"))
		return;
	if (!tp_len(v))
		tp_err(c, tp_pos(v), "%s of %s is empty; list at least one entry",
		       key, what);
	for (yaml_node_item_t *i = v->data.sequence.items.start;
	     i < v->data.sequence.items.top; i++)
		check_value(c, &item, node(c, *i), what);
}

static void check_value(struct tp_ctx *c, const struct key *k,
			const yaml_node_t *v, const char *what)
{
	const char *s;

	switch (k->type) {
	case V_LIST:
		want(c, v, YAML_SEQUENCE_NODE, k->name, what, "a list (use [] for none)");
		return;
	case V_MAP:
		want(c, v, YAML_MAPPING_NODE, k->name, what, "a mapping");
		return;
	case V_ENDPOINTS:
		if (v->type == YAML_SEQUENCE_NODE)
			check_list(c, k->name, V_ENDPOINT, v, what);
		else
			check_value(c, &(struct key)KEY(k->name, V_ENDPOINT), v, what);
		return;
	case V_CIDRS:
	case V_STRS:
		check_list(c, k->name, k->type == V_CIDRS ? V_CIDR : V_STR, v, what);
		return;
	default:
		break;
	}
	if (!want(c, v, YAML_SCALAR_NODE, k->name, what, "a string") ||
	    !clean_scalar(c, v, k->name, what))
		return;
	s = tp_scalar(v);
	if (!*s || (v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    (!strcmp(s, "~") || !strcasecmp(s, "null")))) {
		tp_err(c, tp_pos(v), "%s of %s has no value", k->name, what);
		return;
	}
	check_scalar(c, k, v, what);
}

static const struct key *find_key(const struct key *keys, const char *name)
{
	for (; keys->name; keys++)
		if (!strcmp(keys->name, name))
			return keys;
	return NULL;
}

static void unknown_key(struct tp_ctx *c, const yaml_node_t *k,
			const struct key *keys, const char *what)
{
	char list[LABEL_LEN], hint[LABEL_LEN + 32];
	const char *name = tp_scalar(k);

	if (!name) {
		tp_err(c, tp_pos(k), "keys of %s must be plain names", what);
		return;
	}
	snprintf(list, sizeof(list), "; allowed keys: ");
	join(list + strlen(list), sizeof(list) - strlen(list), keys, sizeof(*keys));
	tp_err(c, tp_pos(k), "unknown key '%s' in %s%s", diag_value(name), what,
	       tp_hint(hint, sizeof(hint),
		       tp_nearest(name, keys, sizeof(*keys), -1), list));
}

/* An unknown key of map is a typo of name: already reported as such. */
static bool misspelt(struct tp_ctx *c, const yaml_node_t *map,
		     const struct key *keys, const char *name)
{
	const char *k, *near;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		k = tp_scalar(node(c, p->key));
		near = k && !find_key(keys, k) ?
			       tp_nearest(k, keys, sizeof(*keys), -1) : NULL;
		if (near && !strcmp(near, name))
			return true;
	}
	return false;
}

/* Checks map against keys; false when map is not a mapping at all. */
static bool check_map(struct tp_ctx *c, const yaml_node_t *map,
		      const struct key *keys, const char *what)
{
	yaml_node_pair_t *start, *p;
	const struct key *k;
	char list[LABEL_LEN];

	if (map->type != YAML_MAPPING_NODE) {
		tp_err(c, tp_pos(map), "%s must be a mapping with keys %s, not a %s",
		       what, join(list, sizeof(list), keys, sizeof(*keys)),
		       kind_of(map));
		return false;
	}
	start = map->data.mapping.pairs.start;
	for (p = start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = node(c, p->key);
		const char *name = tp_scalar(kn);

		if (name && !clean_scalar(c, kn, "a key", what))
			continue;
		k = name ? find_key(keys, name) : NULL;
		if (!k) {
			unknown_key(c, kn, keys, what);
			continue;
		}
		if (tp_get(c, map, name) != node(c, p->value)) {
			tp_err(c, tp_pos(kn), "duplicate key '%s' in %s; keep one",
			       name, what);
			continue;
		}
		check_value(c, k, node(c, p->value), what);
	}
	for (k = keys; k->name; k++)
		if (k->required && !tp_get(c, map, k->name) &&
		    !misspelt(c, map, keys, k->name))
			tp_err(c, tp_pos(map), "%s is missing required key '%s'",
			       what, k->name);
	return true;
}

/*
 * How messages name an object: "vnet 'hub'", or by list position when it
 * has no usable name ("vnets[2]"); suffix places it ("... of vnet 'hub'").
 */
static void label(char *buf, struct tp_ctx *c, const yaml_node_t *n,
		  const char *kind, const char *list, int i, const char *suffix)
{
	const char *name = tp_scalar(tp_get(c, n, "name"));

	if (name && *name)
		snprintf(buf, LABEL_LEN, "%s '%s'%s", kind, diag_value(name), suffix);
	else
		snprintf(buf, LABEL_LEN, "%s[%d]%s", list, i, suffix);
}

/* ---- converters: values already checked, defaults when absent ---- */

static char *get_str(struct tp_ctx *c, const yaml_node_t *map, const char *key)
{
	const char *s = tp_scalar(tp_get(c, map, key));
	char *r;

	if (!s)
		return NULL;
	r = strdup(s);
	if (!r)
		diags_oom();
	return r;
}

static bool get_bool(struct tp_ctx *c, const yaml_node_t *map, const char *key,
		     bool def)
{
	const char *s = tp_scalar(tp_get(c, map, key));

	return s && parse_bool(s) >= 0 ? parse_bool(s) : def;
}

static int get_choice(struct tp_ctx *c, const yaml_node_t *map,
		      const char *key, const char *const *choices, int def)
{
	const char *s = tp_scalar(tp_get(c, map, key));
	int i = s ? choice_index(s, choices) : -1;

	return i < 0 ? def : i;
}

/* A CIDR (a malformed one, already reported, reads as 0.0.0.0/0). */
static struct prefix get_prefix(struct tp_ctx *c, const yaml_node_t *map,
				  const char *key)
{
	const char *s = tp_scalar(tp_get(c, map, key));
	struct prefix p = { 0, 0 };

	if (s && parse_endpoint(s, &p) < 0)
		p = (struct prefix){ 0, 0 };
	return p;
}

static uint32_t get_ip(struct tp_ctx *c, const yaml_node_t *map, const char *key)
{
	const char *s = tp_scalar(tp_get(c, map, key));
	uint32_t ip = 0;

	if (s && !ipv4_parse(s, &ip))
		ip = 0;
	return ip;
}

/*
 * A firewall rule's source or destination: one endpoint or a list of them;
 * absent, Any.
 */
static struct addr_list get_endpoints(struct tp_ctx *c, const yaml_node_t *map,
				      const char *key)
{
	const yaml_node_t *v = tp_get(c, map, key);
	bool list = v && v->type == YAML_SEQUENCE_NODE;
	struct addr_list l = { .n = list ? tp_len(v) : 1 };

	l.p = tp_alloc((size_t)l.n, sizeof(*l.p));
	for (int i = 0; i < l.n; i++) {
		const char *s = tp_scalar(list ? tp_item(c, v, i) : v);

		if (s && parse_endpoint(s, &l.p[i]) < 0)
			l.p[i] = (struct prefix){ 0, 0 };
	}
	return l;
}

static struct prefix *get_prefixes(struct tp_ctx *c, const yaml_node_t *map,
				   const char *key, int *n)
{
	const yaml_node_t *seq = tp_get(c, map, key);
	struct prefix *out;

	*n = tp_len(seq);
	out = tp_alloc((size_t)*n, sizeof(*out));
	for (int i = 0; i < *n; i++) {
		const char *s = tp_scalar(tp_item(c, seq, i));

		if (s && prefix_parse(s, &out[i]) < 0)
			out[i] = (struct prefix){ 0, 0 };
	}
	return out;
}

/* Where an object is named in the file: its name, else its first key. */
static struct pos obj_pos(struct tp_ctx *c, const yaml_node_t *n)
{
	return tp_vpos(c, n, "name");
}

/* ---- one parser per object ---- */

/*
 * A list within its limit (topology.md "Limits"); over it, reported at the
 * list and left unparsed, so that a huge list costs no more than its count.
 */
static bool within_limit(struct tp_ctx *c, const yaml_node_t *map,
			 const char *key, const char *what, const char *items,
			 int max, const char *by)
{
	int n = tp_len(tp_get(c, map, key));

	if (n <= max)
		return true;
	tp_err(c, tp_vpos(c, map, key), "%s has %d %s; %s allows at most %d",
	       what, n, items, by, max);
	return false;
}

static void parse_subnet(struct tp_ctx *c, const yaml_node_t *n, int i,
			 const char *suffix, int vnet)
{
	struct subnet *s = &c->t->subnets[c->t->nsubnets++];
	char what[LABEL_LEN];

	label(what, c, n, "subnet", "subnets", i, suffix);
	*s = (struct subnet){ .vnet = vnet, .route_table = -1,
			      .pos = obj_pos(c, n) };
	if (!check_map(c, n, subnet_keys, what))
		return;
	s->name = get_str(c, n, "name");
	s->prefix = get_prefix(c, n, "addressPrefix");
	s->is_gateway_subnet = s->name && !strcmp(s->name, "GatewaySubnet");
}

static void parse_vnet(struct tp_ctx *c, const yaml_node_t *n, int i)
{
	struct topology *t = c->t;
	struct vnet *v = &t->vnets[i];
	char what[LABEL_LEN], suffix[LABEL_LEN + 16];
	const yaml_node_t *subnets;

	label(what, c, n, "vnet", "vnets", i, "");
	*v = (struct vnet){ .gateways = { -1, -1 }, .remote_vnet = -1,
			    .first_subnet = t->nsubnets, .pos = obj_pos(c, n) };
	if (!check_map(c, n, vnet_keys, what))
		return;
	v->name = get_str(c, n, "name");
	v->region = get_str(c, n, "region");
	if (within_limit(c, n, "addressSpace", what, "address prefixes",
			 TOPO_MAX_VNET_PREFIXES, "xvnet"))
		v->space = get_prefixes(c, n, "addressSpace", &v->nspace);
	subnets = tp_get(c, n, "subnets");
	/* Azure: subnets per virtual network */
	if (within_limit(c, n, "subnets", what, "subnets", AZ_MAX_SUBNETS_PER_VNET,
			 "Azure"))
		v->nsubnets = tp_len(subnets);
	t->subnets = realloc(t->subnets, (size_t)(t->nsubnets + v->nsubnets + 1) *
						 sizeof(*t->subnets));
	if (!t->subnets)
		diags_oom();
	snprintf(suffix, sizeof(suffix), " of %s", what);
	for (int j = 0; j < v->nsubnets; j++)
		parse_subnet(c, tp_item(c, subnets, j), j, suffix, i);
}

static void parse_peering(struct tp_ctx *c, const yaml_node_t *n, int i)
{
	struct peering *p = &c->t->peerings[i];
	const char *from = tp_scalar(tp_get(c, n, "from"));
	const char *to = tp_scalar(tp_get(c, n, "to"));
	char what[LABEL_LEN];

	if (from && to)
		snprintf(what, sizeof(what), "peering %s -> %s", diag_value(from),
			 diag_value(to));
	else
		snprintf(what, sizeof(what), "peerings[%d]", i);
	*p = (struct peering){ .from = -1, .to = -1, .reverse = -1,
			       .pos = tp_pos(n) };
	if (!check_map(c, n, peering_keys, what))
		return;
	p->allow_vnet_access = get_bool(c, n, "allowVirtualNetworkAccess", true);
	p->allow_forwarded_traffic = get_bool(c, n, "allowForwardedTraffic", false);
	p->allow_gateway_transit = get_bool(c, n, "allowGatewayTransit", false);
	p->use_remote_gateways = get_bool(c, n, "useRemoteGateways", false);
}

static void parse_route(struct tp_ctx *c, const yaml_node_t *n, int i,
			const char *suffix, struct udr *r)
{
	const char *type = tp_scalar(tp_get(c, n, "nextHopType"));
	yaml_node_t *ip = tp_get(c, n, "nextHopIpAddress");
	char what[LABEL_LEN];

	label(what, c, n, "route", "routes", i, suffix);
	*r = (struct udr){ .type = NH_NONE, .pos = obj_pos(c, n) };
	if (!check_map(c, n, route_keys, what))
		return;
	r->name = get_str(c, n, "name");
	r->prefix = get_prefix(c, n, "addressPrefix");
	for (int h = 0; type && h < NH__COUNT; h++)
		if (!strcasecmp(type, next_hop_type_name(h)))
			r->type = h;
	r->next_hop_ip = get_ip(c, n, "nextHopIpAddress");
	if (!type || choice_index(type, udr_hops) < 0)
		return;
	if (r->type == NH_APPLIANCE && !ip)
		tp_err(c, tp_vpos(c, n, "nextHopType"),
		       "%s has nextHopType VirtualAppliance but no nextHopIpAddress; add the appliance's address",
		       what);
	else if (r->type != NH_APPLIANCE && ip)
		tp_err(c, tp_pos(ip), "nextHopIpAddress of %s is only allowed with nextHopType VirtualAppliance, not %s; remove it",
		       what, next_hop_type_name(r->type));
}

static void parse_route_table(struct tp_ctx *c, const yaml_node_t *n, int i)
{
	struct route_table *rt = &c->t->route_tables[i];
	char what[LABEL_LEN], suffix[LABEL_LEN + 16];
	const yaml_node_t *routes;

	label(what, c, n, "route table", "routeTables", i, "");
	*rt = (struct route_table){ .pos = obj_pos(c, n) };
	if (!check_map(c, n, route_table_keys, what))
		return;
	rt->name = get_str(c, n, "name");
	rt->id = get_str(c, n, "id");
	rt->disable_bgp_route_propagation =
		get_bool(c, n, "disableBgpRoutePropagation", false);
	routes = tp_get(c, n, "routes");
	/* Azure: user-defined routes per route table */
	if (within_limit(c, n, "routes", what, "routes", AZ_MAX_ROUTES_PER_TABLE,
			 "Azure"))
		rt->nroutes = tp_len(routes);
	rt->routes = tp_alloc((size_t)rt->nroutes, sizeof(*rt->routes));
	snprintf(suffix, sizeof(suffix), " in %s", what);
	for (int j = 0; j < rt->nroutes; j++)
		parse_route(c, tp_item(c, routes, j), j, suffix, &rt->routes[j]);
}

static void parse_gateway(struct tp_ctx *c, const yaml_node_t *n, int i)
{
	struct gateway *g = &c->t->gateways[i];
	char what[LABEL_LEN];

	label(what, c, n, "gateway", "gateways", i, "");
	*g = (struct gateway){ .vnet = -1, .subnet = -1, .default_site = -1,
			       .pos = obj_pos(c, n) };
	if (!check_map(c, n, gateway_keys, what))
		return;
	g->name = get_str(c, n, "name");
	g->type = get_choice(c, n, "type", gateway_types, GW_VPN);
	/* ExpressRoute always speaks BGP; a VPN gateway only when asked */
	g->bgp = get_bool(c, n, "bgp", g->type == GW_EXPRESSROUTE);
	g->ip = get_ip(c, n, "ip");
}

/* Site hosts and Internet hosts: a name and an address. */
static void parse_hosts(struct tp_ctx *c, const yaml_node_t *seq,
			const char *kind, const char *suffix, struct host **out,
			int *n)
{
	char what[LABEL_LEN];

	*n = tp_len(seq);
	*out = tp_alloc((size_t)*n, sizeof(**out));
	for (int i = 0; i < *n; i++) {
		const yaml_node_t *h = tp_item(c, seq, i);

		label(what, c, h, kind, "hosts", i, suffix);
		(*out)[i].pos = obj_pos(c, h);
		if (!check_map(c, h, host_keys, what))
			continue;
		(*out)[i].name = get_str(c, h, "name");
		(*out)[i].ip = get_ip(c, h, "ip");
	}
}

static void parse_site(struct tp_ctx *c, const yaml_node_t *n, int i)
{
	struct site *s = &c->t->sites[i];
	char what[LABEL_LEN], suffix[LABEL_LEN + 16];

	label(what, c, n, "site", "sites", i, "");
	*s = (struct site){ .pos = obj_pos(c, n) };
	if (!check_map(c, n, site_keys, what))
		return;
	s->name = get_str(c, n, "name");
	s->space = get_prefixes(c, n, "addressSpace", &s->nspace);
	snprintf(suffix, sizeof(suffix), " of %s", what);
	parse_hosts(c, tp_get(c, n, "hosts"), "host", suffix, &s->hosts,
		    &s->nhosts);
}

static void parse_circuit(struct tp_ctx *c, const yaml_node_t *n, int i)
{
	struct circuit *ci = &c->t->circuits[i];
	char what[LABEL_LEN];

	label(what, c, n, "circuit", "circuits", i, "");
	*ci = (struct circuit){ .pos = obj_pos(c, n) };
	if (!check_map(c, n, circuit_keys, what))
		return;
	ci->name = get_str(c, n, "name");
	ci->nsites = tp_len(tp_get(c, n, "sites"));
	ci->sites = tp_alloc((size_t)ci->nsites, sizeof(*ci->sites));
	for (int j = 0; j < ci->nsites; j++)
		ci->sites[j] = -1;
}

static void parse_connection(struct tp_ctx *c, const yaml_node_t *n, int i)
{
	struct connection *cn = &c->t->connections[i];
	char what[LABEL_LEN];
	int kind = -1;

	label(what, c, n, "connection", "connections", i, "");
	*cn = (struct connection){ .gateway = -1, .peer = -1,
				   .pos = obj_pos(c, n) };
	if (!check_map(c, n, connection_keys, what))
		return;
	cn->name = get_str(c, n, "name");
	for (int k = 0; connection_peers[k]; k++) {
		yaml_node_t *v = tp_get(c, n, connection_peers[k]);

		if (!v)
			continue;
		if (kind >= 0)
			tp_err(c, tp_pos(v), "%s has both %s and %s; keep exactly one of site, circuit or peerGateway",
			       what, connection_peers[kind], connection_peers[k]);
		else
			kind = k;
	}
	if (kind < 0)
		tp_err(c, tp_pos(n), "%s needs one of site, circuit or peerGateway (what the gateway connects to)",
		       what);
	cn->kind = kind < 0 ? CONN_SITE : (enum connection_kind)kind;
}

static void parse_rule(struct tp_ctx *c, const yaml_node_t *n, int i,
		       const char *suffix, struct fw_rule *r)
{
	const char *ports = tp_scalar(tp_get(c, n, "destinationPorts"));
	char what[LABEL_LEN];
	int np;

	label(what, c, n, "rule", "rules", i, suffix);
	r->pos = obj_pos(c, n);
	if (!check_map(c, n, rule_keys, what))
		return;
	r->name = get_str(c, n, "name");
	r->action = get_choice(c, n, "action", fw_actions, FW_DENY);
	r->protocol = get_choice(c, n, "protocol", fw_protos, FW_ANY);
	r->source = get_endpoints(c, n, "source");
	r->destination = get_endpoints(c, n, "destination");
	np = ports ? parse_ports(ports, NULL) : 0;
	if (np <= 0)
		return;
	if (r->protocol != FW_TCP && r->protocol != FW_UDP)
		tp_err(c, tp_vpos(c, n, "destinationPorts"),
		       "destinationPorts of %s need protocol Tcp or Udp; remove them or set the protocol",
		       what);
	r->ports = tp_alloc((size_t)np, sizeof(*r->ports));
	r->nports = parse_ports(ports, r->ports);
}

/* The XDP fabric holds XV_FW_RULES rule entries an NVA (bpf/xvnet_abi.h). */
static void check_xdp_size(struct tp_ctx *c, const yaml_node_t *n,
			   const struct firewall *fw, const char *what)
{
	int entries = 0;

	for (int i = 0; i < fw->nrules; i++)
		entries += fw_rule_entries(&fw->rules[i]);
	if (entries > XV_FW_RULES)
		tp_err(c, tp_vpos(c, n, "dataplane"),
		       "the rules of %s take %d entries, dataplane xdp holds %d (%d addresses or %d port ranges an entry); use dataplane nftables or fewer rules",
		       what, entries, XV_FW_RULES, XV_FW_PREFIXES, XV_FW_PORTS);
}

static struct firewall *parse_firewall(struct tp_ctx *c, const yaml_node_t *n,
				       const char *vm)
{
	struct firewall *fw = tp_alloc(1, sizeof(*fw));
	char what[LABEL_LEN + 16], suffix[LABEL_LEN + 16];
	const yaml_node_t *rules;

	snprintf(what, sizeof(what), "firewall of %s", vm);
	fw->default_action = FW_DENY;
	if (!check_map(c, n, firewall_keys, what))
		return fw;
	fw->default_action = get_choice(c, n, "defaultAction", fw_actions, FW_DENY);
	fw->snat = get_choice(c, n, "snat", fw_snats, FW_SNAT_AUTO);
	rules = tp_get(c, n, "rules");
	fw->nrules = tp_len(rules);
	fw->rules = tp_alloc((size_t)fw->nrules, sizeof(*fw->rules));
	snprintf(suffix, sizeof(suffix), " of %s", vm);
	for (int i = 0; i < fw->nrules; i++)
		parse_rule(c, tp_item(c, rules, i), i, suffix, &fw->rules[i]);
	fw->dataplane = get_choice(c, n, "dataplane", fw_dataplanes, FW_DATAPLANE_NFTABLES);
	if (fw->dataplane == FW_DATAPLANE_XDP)
		check_xdp_size(c, n, fw, what);
	return fw;
}

static void parse_vm(struct tp_ctx *c, const yaml_node_t *n, int i)
{
	struct vm *vm = &c->t->vms[i];
	char what[LABEL_LEN];
	const yaml_node_t *fw;

	label(what, c, n, "VM", "vms", i, "");
	*vm = (struct vm){ .subnet = -1, .vnet = -1, .pos = obj_pos(c, n) };
	if (!check_map(c, n, vm_keys, what))
		return;
	vm->name = get_str(c, n, "name");
	vm->nic = get_str(c, n, "nic");
	vm->ip = get_ip(c, n, "ip");
	vm->enable_ip_forwarding = get_bool(c, n, "enableIpForwarding", false);
	fw = tp_get(c, n, "firewall");
	if (fw && fw->type == YAML_MAPPING_NODE)
		vm->firewall = parse_firewall(c, fw, what);
}

static void parse_internet(struct tp_ctx *c, const yaml_node_t *n)
{
	struct topology *t = c->t;

	if (!check_map(c, n, internet_keys, "internet"))
		return;
	parse_hosts(c, tp_get(c, n, "hosts"), "internet host", "",
		    &t->internet_hosts, &t->ninternet_hosts);
}

/*
 * A top-level list: one array entry per item, always, so that entry i
 * and item i of the document stay in step for topo_check.c.
 */
#define PARSE_LIST(c, root, key, arr, n, fn)                                   \
	do {                                                                   \
		const yaml_node_t *seq_ = tp_get(c, root, key);                \
		(n) = tp_len(seq_);                                            \
		(arr) = tp_alloc((size_t)(n), sizeof(*(arr)));                 \
		for (int i_ = 0; i_ < (n); i_++)                               \
			fn(c, tp_item(c, seq_, i_), i_);                       \
	} while (0)

static void parse_topology(struct tp_ctx *c, const yaml_node_t *root)
{
	struct topology *t = c->t;
	const yaml_node_t *internet;

	if (!check_map(c, root, top_keys, "the topology"))
		return;
	t->name = get_str(c, root, "name");
	PARSE_LIST(c, root, "vnets", t->vnets, t->nvnets, parse_vnet);
	PARSE_LIST(c, root, "peerings", t->peerings, t->npeerings, parse_peering);
	PARSE_LIST(c, root, "routeTables", t->route_tables, t->nroute_tables,
		   parse_route_table);
	PARSE_LIST(c, root, "gateways", t->gateways, t->ngateways, parse_gateway);
	PARSE_LIST(c, root, "sites", t->sites, t->nsites, parse_site);
	PARSE_LIST(c, root, "circuits", t->circuits, t->ncircuits, parse_circuit);
	PARSE_LIST(c, root, "connections", t->connections, t->nconnections,
		   parse_connection);
	PARSE_LIST(c, root, "vms", t->vms, t->nvms, parse_vm);
	internet = tp_get(c, root, "internet");
	if (internet)
		parse_internet(c, internet);
}

/* ---- entry points ---- */

static struct pos mark_pos(yaml_mark_t m)
{
	return (struct pos){ (int)m.line + 1, (int)m.column + 1 };
}

static void yaml_problem(struct tp_ctx *c, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR) {
		tp_err(c, mark_pos(p->mark), "out of memory parsing the YAML");
		return;
	}
	tp_err(c, mark_pos(p->problem_mark), "malformed YAML: %s%s%s (check indentation, quoting and brackets)",
	       p->context ? p->context : "", p->context ? " " : "", p->problem);
}

/*
 * The document's shape, from libyaml's event stream before anything is
 * built: nesting deeper than TOPO_MAX_DEPTH, more than TOPO_MAX_NODES nodes
 * or TOPO_MAX_TEXT bytes of scalars stop it at the first event beyond the
 * bound (libyaml's scanner is quadratic in flow nesting, its document
 * about a hundred bytes a node and up to twice each scalar's length, so
 * none may run on). Malformed YAML is reported here too.
 */
static bool within_bounds(struct tp_ctx *c, const char *buf, size_t len)
{
	int depth = 0, nodes = 0;
	size_t text = 0;
	yaml_parser_t p;
	yaml_event_t e;
	bool ok = true, end = false;

	if (!yaml_parser_initialize(&p)) {
		tp_err(c, (struct pos){ 1, 1 }, "out of memory parsing the YAML");
		return false;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (ok && !end) {
		if (!yaml_parser_parse(&p, &e)) {
			yaml_problem(c, &p);
			ok = false;
			break;
		}
		switch (e.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			depth++;
			/* fall through */
		case YAML_SCALAR_EVENT:
			text += e.data.scalar.length;
			/* fall through */
		case YAML_ALIAS_EVENT:
			nodes++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			end = true;
			break;
		default:
			break;
		}
		if (depth > TOPO_MAX_DEPTH) {
			tp_err(c, mark_pos(e.start_mark), "lists and mappings nested deeper than %d levels; a topology needs a handful",
			       TOPO_MAX_DEPTH);
			ok = false;
		} else if (text > TOPO_MAX_TEXT) {
			tp_err(c, mark_pos(e.start_mark), "more than %d MiB of text in keys and values; a topology within Azure's limits is far smaller",
			       TOPO_MAX_TEXT >> 20);
			ok = false;
		} else if (nodes > TOPO_MAX_NODES) {
			tp_err(c, mark_pos(e.start_mark), "more than %d YAML nodes (values, lists and mappings); a topology within Azure's limits is far smaller",
			       TOPO_MAX_NODES);
			ok = false;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	return ok;
}

/*
 * The rest of the stream must be empty: a second document would be
 * ignored, and anything malformed there is the one error to report.
 */
static bool single_document(struct tp_ctx *c, yaml_parser_t *p)
{
	yaml_document_t next;
	yaml_node_t *root;

	if (!yaml_parser_load(p, &next)) {
		yaml_problem(c, p);
		return false;
	}
	root = yaml_document_get_root_node(&next);
	if (root)
		tp_err(c, tp_pos(root), "a second YAML document starts here; a topology file holds one");
	yaml_document_delete(&next);
	return true;
}

static void load_document(struct tp_ctx *c, yaml_parser_t *p)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);

	if (!root) {
		tp_err(c, (struct pos){ 1, 1 }, "the file is empty; a topology needs at least 'name' and 'vnets'");
		return;
	}
	if (!single_document(c, p))
		return;
	topo_arm_aliases(c->doc); /* ARM spellings (docs/topology.md) */
	parse_topology(c, root);
	if (!c->nmsgs)
		tp_check(c);
}

static int cmp_msg(const void *a, const void *b)
{
	const struct tp_msg *x = a, *y = b;

	if (x->pos.line != y->pos.line)
		return x->pos.line - y->pos.line;
	if (x->pos.col != y->pos.col)
		return x->pos.col - y->pos.col;
	return x->seq - y->seq;
}

/* Hands the collected messages over in file order; returns their count. */
static int flush(struct tp_ctx *c, const char *file, struct diags *d)
{
	int n = c->nmsgs;

	if (n)
		qsort(c->msgs, (size_t)n, sizeof(*c->msgs), cmp_msg);
	for (int i = 0; i < n; i++) {
		if (i < TOPO_MAX_ERRORS)
			diags_add(d, file, c->msgs[i].pos, "%s", c->msgs[i].text);
		free(c->msgs[i].text);
	}
	if (n + c->dropped > TOPO_MAX_ERRORS)
		diags_add(d, file, (struct pos){ 0, 0 }, "%d more errors not shown; fix the first ones and check again",
			  n + c->dropped - TOPO_MAX_ERRORS);
	free(c->msgs);
	return n;
}

int topo_parse(const char *name, const char *buf, size_t len,
	       struct topology *t, struct diags *d)
{
	struct tp_ctx c = { .t = t };
	yaml_parser_t parser;
	yaml_document_t doc;

	memset(t, 0, sizeof(*t));
	if (within_bounds(&c, buf, len) && yaml_parser_initialize(&parser)) {
		yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
		if (yaml_parser_load(&parser, &doc)) {
			c.doc = &doc;
			load_document(&c, &parser);
			yaml_document_delete(&doc);
		} else {
			yaml_problem(&c, &parser);
		}
		yaml_parser_delete(&parser);
	} else if (!c.nmsgs) {
		tp_err(&c, (struct pos){ 1, 1 }, "out of memory parsing the YAML");
	}
	if (flush(&c, name, d)) {
		topo_free(t);
		return -1;
	}
	t->file = strdup(name);
	if (!t->file)
		diags_oom();
	return 0;
}

static size_t max_input = TOPO_MAX_INPUT;

void topo_set_max_input(size_t bytes)
{
	max_input = bytes;
}

/* "64 MiB", "1 KiB", "100 bytes": a limit as messages show it. */
static void size_str(char *buf, size_t len, size_t n)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB" };
	int u = 0;

	while (u < 3 && n >= 1024 && !(n % 1024)) {
		n /= 1024;
		u++;
	}
	snprintf(buf, len, "%zu %s", n, units[u]);
}

/*
 * Reads at most max_input bytes: a regular file is measured first, and
 * anything endless (/dev/zero, a pipe, a FIFO) stops one byte past it.
 */
static int read_capped(int fd, char **buf, size_t *len)
{
	size_t cap = 0;
	struct stat st;
	ssize_t n;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > max_input)
		return -EFBIG;
	for (;;) {
		if (*len == cap) {
			if (cap > max_input)
				return -EFBIG;
			cap = cap ? 2 * cap : 65536;
			if (cap > max_input + 1)
				cap = max_input + 1;
			*buf = realloc(*buf, cap);
			if (!*buf)
				return -ENOMEM;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return *len > max_input ? -EFBIG : 0;
		*len += (size_t)n;
	}
}

int topo_read(const char *path, char **buf, size_t *len)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : 0;
	int err;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	err = read_capped(fd, buf, len);
	if (fd)
		close(fd);
	if (err) {
		free(*buf);
		*buf = NULL;
		*len = 0;
		errno = -err;
		return -1;
	}
	return 0;
}

void topo_read_error(struct diags *d, const char *path, int err)
{
	char limit[32];

	if (err != EFBIG) {
		diags_add(d, path, (struct pos){ 0, 0 }, "cannot read: %s",
			  strerror(err));
		return;
	}
	size_str(limit, sizeof(limit), max_input);
	diags_add(d, path, (struct pos){ 0, 0 },
		  "larger than the input limit of %s; a topology is far smaller, or raise the limit with --max-input",
		  limit);
}

int topo_load(const char *path, struct topology *t, struct diags *d)
{
	size_t len;
	char *buf;
	int r;

	memset(t, 0, sizeof(*t));
	if (topo_read(path, &buf, &len)) {
		topo_read_error(d, path, errno);
		return -1;
	}
	r = topo_parse(path, buf, len, t, d);
	free(buf);
	return r;
}
