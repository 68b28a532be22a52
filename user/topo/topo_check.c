// SPDX-License-Identifier: GPL-2.0
/*
 * Topology file, phase 2: resolve every reference to an index, apply the
 * defaults that depend on other objects (addresses), and check what Azure
 * itself would refuse. Runs on a topology phase 1 found well formed, with
 * the document still at hand to point at the offending key or value.
 */
#define _GNU_SOURCE
#include "topo_yaml.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HINT_LEN 160

/* A name and where it is written, for uniqueness checks. */
struct named {
	const char *name;
	struct pos pos;
	const char *kind;
};

/* Arguments describing an array of records whose name is the first member. */
#define RECORDS(arr, n) (arr), (size_t)(n), sizeof(*(arr))

#define NAME_FIRST(type) \
	_Static_assert(offsetof(struct type, name) == 0, #type ": name must come first")
NAME_FIRST(vnet);
NAME_FIRST(subnet);
NAME_FIRST(route_table);
NAME_FIRST(gateway);
NAME_FIRST(site);
NAME_FIRST(circuit);

static const char *name_at(const void *base, size_t stride, int i)
{
	return *(const char *const *)((const char *)base + (size_t)i * stride);
}

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	if (x->pos.line != y->pos.line)
		return x->pos.line - y->pos.line;
	return x->pos.col - y->pos.col;
}

/* Reports every name of v written again after its first use. */
static void check_unique(struct tp_ctx *c, struct named *v, int n,
			 const char *scope)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_named);
	for (int i = 1, first = 0; i < n; i++) {
		if (strcmp(v[i].name, v[first].name)) {
			first = i;
			continue;
		}
		tp_err(c, v[i].pos, "duplicate name '%s': the %s at line %d already uses it%s; rename one",
		       v[i].name, v[first].kind, v[first].pos.line, scope);
	}
}

/* Appends the name and position of each of cnt records of arr to v. */
#define COLLECT(v, k, arr, cnt, kindname)                                      \
	for (int i_ = 0; i_ < (cnt); i_++)                                     \
		(v)[(k)++] = (struct named){ (arr)[i_].name, (arr)[i_].pos,    \
					     kindname }

static void check_names(struct tp_ctx *c)
{
	struct topology *t = c->t;
	int max = t->nvnets + t->nsubnets + t->nroute_tables + t->ngateways +
		  t->nsites + t->ncircuits + t->nconnections + t->nvms +
		  t->ninternet_hosts;
	struct named *v;
	char scope[HINT_LEN];
	int k;

	for (int i = 0; i < t->nroute_tables; i++)
		max += t->route_tables[i].nroutes;
	for (int i = 0; i < t->nsites; i++)
		max += t->sites[i].nhosts;
	for (int i = 0; i < t->nvms; i++)
		max += t->vms[i].firewall ? t->vms[i].firewall->nrules : 0;
	v = tp_alloc((size_t)max, sizeof(*v));

#define UNIQUE(arr, cnt, kindname, scopestr)                                   \
	do {                                                                   \
		k = 0;                                                         \
		COLLECT(v, k, arr, cnt, kindname);                             \
		check_unique(c, v, k, scopestr);                               \
	} while (0)

	UNIQUE(t->vnets, t->nvnets, "vnet", "");
	UNIQUE(t->route_tables, t->nroute_tables, "route table", "");
	UNIQUE(t->gateways, t->ngateways, "gateway", "");
	UNIQUE(t->sites, t->nsites, "site", "");
	UNIQUE(t->circuits, t->ncircuits, "circuit", "");
	UNIQUE(t->connections, t->nconnections, "connection", "");
	for (int i = 0; i < t->nvnets; i++) {
		snprintf(scope, sizeof(scope), " in vnet '%s'", t->vnets[i].name);
		UNIQUE(t->subnets + t->vnets[i].first_subnet,
		       t->vnets[i].nsubnets, "subnet", scope);
	}
	for (int i = 0; i < t->nroute_tables; i++) {
		snprintf(scope, sizeof(scope), " in route table '%s'",
			 t->route_tables[i].name);
		UNIQUE(t->route_tables[i].routes, t->route_tables[i].nroutes,
		       "route", scope);
	}
	for (int i = 0; i < t->nvms; i++) {
		if (!t->vms[i].firewall)
			continue;
		snprintf(scope, sizeof(scope), " in the firewall of VM '%s'",
			 t->vms[i].name);
		UNIQUE(t->vms[i].firewall->rules, t->vms[i].firewall->nrules,
		       "rule", scope);
	}
#undef UNIQUE
	/* `xvnet path` takes any of these as a source: one namespace */
	k = 0;
	COLLECT(v, k, t->vms, t->nvms, "VM");
	for (int i = 0; i < t->nsites; i++)
		COLLECT(v, k, t->sites[i].hosts, t->sites[i].nhosts, "site host");
	COLLECT(v, k, t->internet_hosts, t->ninternet_hosts, "internet host");
	check_unique(c, v, k, " (VMs, site hosts and internet hosts share one namespace)");
	free(v);
}

/* A name written in the file to designate another object. */
struct ref {
	const char *name;
	struct pos pos;
};

static struct ref ref_at(const yaml_node_t *scalar)
{
	return (struct ref){ tp_scalar(scalar), tp_pos(scalar) };
}

/*
 * Resolves r among n records; on failure reports it, with the nearest
 * name as a hint, and returns -1.
 */
static int lookup(struct tp_ctx *c, struct ref r, const char *what,
		  const char *kind, const char *where, const void *base,
		  size_t n, size_t stride)
{
	char hint[HINT_LEN], fallback[HINT_LEN];

	for (size_t i = 0; i < n; i++)
		if (!strcmp(name_at(base, stride, (int)i), r.name))
			return (int)i;
	snprintf(fallback, sizeof(fallback), "; define it under %s", where);
	tp_err(c, r.pos, "%s names %s '%s', which does not exist%s", what,
	       kind, diag_value(r.name),
	       tp_hint(hint, sizeof(hint),
		       tp_nearest(r.name, base, stride, (int)n), fallback));
	return -1;
}

/* The references written most: to a VNet, a site, a gateway. */
static int ref_vnet(struct tp_ctx *c, const yaml_node_t *ref, const char *what)
{
	return lookup(c, ref_at(ref), what, "vnet", "vnets",
		      RECORDS(c->t->vnets, c->t->nvnets));
}

static int ref_site(struct tp_ctx *c, const yaml_node_t *ref, const char *what)
{
	return lookup(c, ref_at(ref), what, "site", "sites",
		      RECORDS(c->t->sites, c->t->nsites));
}

static int ref_gateway(struct tp_ctx *c, const yaml_node_t *ref,
		       const char *what)
{
	return lookup(c, ref_at(ref), what, "gateway", "gateways",
		      RECORDS(c->t->gateways, c->t->ngateways));
}

/* "VNET/SUBNET" to a subnet index, -1 (reported) when there is none. */
static int lookup_subnet(struct tp_ctx *c, const yaml_node_t *ref,
			 const char *what)
{
	struct topology *t = c->t;
	const char *path = tp_scalar(ref), *slash = strchr(path, '/');
	char *vname;
	int v, s;

	if (!slash) {
		tp_err(c, tp_pos(ref), "%s: subnet '%s' must be written VNET/SUBNET, e.g. hub/fw",
		       what, diag_value(path));
		return -1;
	}
	vname = strndup(path, (size_t)(slash - path));
	if (!vname)
		diags_oom();
	v = lookup(c, (struct ref){ vname, tp_pos(ref) }, what, "vnet",
		   "vnets", RECORDS(t->vnets, t->nvnets));
	free(vname);
	if (v < 0)
		return -1;
	s = lookup(c, (struct ref){ slash + 1, tp_pos(ref) }, what, "subnet",
		   "the vnet's subnets",
		   RECORDS(t->subnets + t->vnets[v].first_subnet,
			   t->vnets[v].nsubnets));
	return s < 0 ? -1 : t->vnets[v].first_subnet + s;
}

static yaml_node_t *subnet_node(struct tp_ctx *c, int s)
{
	const struct subnet *sn = &c->t->subnets[s];
	const struct vnet *v = &c->t->vnets[sn->vnet];

	return tp_list_item(c, tp_section_item(c, "vnets", sn->vnet), "subnets",
			    s - v->first_subnet);
}

/* ---- VNets and subnets ---- */

static void check_vnet_space(struct tp_ctx *c, int i)
{
	const struct vnet *v = &c->t->vnets[i];
	yaml_node_t *n = tp_section_item(c, "vnets", i);
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	for (int j = 1; j < v->nspace; j++)
		for (int k = 0; k < j; k++)
			if (prefix_overlaps(v->space[j], v->space[k])) {
				tp_err(c, tp_pos(tp_list_item(c, n, "addressSpace", j)),
				       "addressSpace of vnet '%s': %s overlaps %s; list each range once",
				       v->name, prefix_str(v->space[j], a),
				       prefix_str(v->space[k], b));
				break;
			}
}

static bool vnet_covers(const struct vnet *v, struct prefix p)
{
	for (int i = 0; i < v->nspace; i++)
		if (prefix_within(p, v->space[i]))
			return true;
	return false;
}

static void check_subnets(struct tp_ctx *c, int i)
{
	const struct vnet *v = &c->t->vnets[i];
	const struct subnet *s = c->t->subnets + v->first_subnet;
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];

	for (int j = 0; j < v->nsubnets; j++) {
		struct pos at = tp_vpos(c, subnet_node(c, v->first_subnet + j),
					"addressPrefix");

		if (!vnet_covers(v, s[j].prefix)) {
			tp_err(c, at, "subnet '%s/%s': %s is outside the address space of vnet '%s'; change the prefix or add a range to addressSpace",
			       v->name, s[j].name, prefix_str(s[j].prefix, a),
			       v->name);
			continue;
		}
		for (int k = 0; k < j; k++)
			if (prefix_overlaps(s[j].prefix, s[k].prefix)) {
				tp_err(c, at, "subnet '%s/%s': %s overlaps subnet '%s' (%s); subnets of a vnet must not overlap",
				       v->name, s[j].name,
				       prefix_str(s[j].prefix, a), s[k].name,
				       prefix_str(s[k].prefix, b));
				break;
			}
	}
}

static void resolve_route_tables(struct tp_ctx *c)
{
	struct topology *t = c->t;
	char what[HINT_LEN];

	for (int s = 0; s < t->nsubnets; s++) {
		yaml_node_t *ref = tp_get(c, subnet_node(c, s), "routeTable");

		if (!ref)
			continue;
		snprintf(what, sizeof(what), "subnet '%s/%s'",
			 t->vnets[t->subnets[s].vnet].name, t->subnets[s].name);
		t->subnets[s].route_table =
			lookup(c, ref_at(ref), what, "route table", "routeTables",
			       RECORDS(t->route_tables, t->nroute_tables));
	}
}

/* ---- peerings ---- */

static bool spaces_overlap(const struct vnet *a, const struct vnet *b,
			   struct prefix *pa, struct prefix *pb)
{
	for (int i = 0; i < a->nspace; i++)
		for (int j = 0; j < b->nspace; j++)
			if (prefix_overlaps(a->space[i], b->space[j])) {
				*pa = a->space[i];
				*pb = b->space[j];
				return true;
			}
	return false;
}

static void check_peering(struct tp_ctx *c, int i)
{
	struct topology *t = c->t;
	struct peering *p = &t->peerings[i];
	yaml_node_t *n = tp_section_item(c, "peerings", i);
	const struct vnet *from = &t->vnets[p->from], *to = &t->vnets[p->to];
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];
	struct prefix pa, pb;

	if (p->from == p->to) {
		tp_err(c, tp_vpos(c, n, "to"), "vnet '%s' cannot peer with itself",
		       from->name);
		return;
	}
	if (spaces_overlap(from, to, &pa, &pb))
		tp_err(c, p->pos, "cannot peer vnet '%s' with '%s': their address spaces overlap (%s and %s)",
		       from->name, to->name, prefix_str(pa, a), prefix_str(pb, b));
	for (int j = 0; j < i; j++)
		if (t->peerings[j].from == p->from && t->peerings[j].to == p->to) {
			tp_err(c, p->pos, "peering %s -> %s is listed twice (first at line %d); write one entry per direction",
			       from->name, to->name, t->peerings[j].pos.line);
			break;
		}
	p->global = from->region && to->region && strcmp(from->region, to->region);
}

/* Azure: virtual network peerings per virtual network (its own side). */
static bool peerings_within_limit(struct tp_ctx *c)
{
	struct topology *t = c->t;
	int *count = tp_alloc((size_t)t->nvnets, sizeof(*count));
	bool ok = true;

	for (int i = 0; i < t->npeerings && ok; i++) {
		int v = t->peerings[i].from;

		if (v >= 0 && ++count[v] > AZ_MAX_PEERINGS_PER_VNET) {
			tp_err(c, t->peerings[i].pos, "vnet '%s' has %d peerings counting this one; Azure allows at most %d per virtual network",
			       t->vnets[v].name, count[v], AZ_MAX_PEERINGS_PER_VNET);
			ok = false;
		}
	}
	free(count);
	return ok;
}

static void resolve_peerings(struct tp_ctx *c)
{
	struct topology *t = c->t;
	char what[HINT_LEN];

	for (int i = 0; i < t->npeerings; i++) {
		struct peering *p = &t->peerings[i];
		yaml_node_t *n = tp_section_item(c, "peerings", i);

		snprintf(what, sizeof(what), "peering %s -> %s",
			 diag_value(tp_scalar(tp_get(c, n, "from"))),
			 diag_value(tp_scalar(tp_get(c, n, "to"))));
		p->from = ref_vnet(c, tp_get(c, n, "from"), what);
		p->to = ref_vnet(c, tp_get(c, n, "to"), what);
	}
	if (!peerings_within_limit(c))
		return;
	for (int i = 0; i < t->npeerings; i++)
		if (t->peerings[i].from >= 0 && t->peerings[i].to >= 0)
			check_peering(c, i);
	/* connected only when the opposite direction exists too */
	for (int i = 0; i < t->npeerings; i++)
		for (int j = 0; j < t->npeerings && t->peerings[i].from >= 0; j++)
			if (t->peerings[j].from == t->peerings[i].to &&
			    t->peerings[j].to == t->peerings[i].from && i != j) {
				t->peerings[i].reverse = j;
				break;
			}
}

/* ---- gateways, sites, circuits, connections ---- */

static int gateway_subnet(const struct topology *t, int v)
{
	const struct vnet *vn = &t->vnets[v];

	for (int s = vn->first_subnet; s < vn->first_subnet + vn->nsubnets; s++)
		if (t->subnets[s].is_gateway_subnet)
			return s;
	return -1;
}

static void resolve_gateways(struct tp_ctx *c)
{
	struct topology *t = c->t;
	char what[HINT_LEN];

	for (int i = 0; i < t->ngateways; i++) {
		struct gateway *g = &t->gateways[i];
		yaml_node_t *n = tp_section_item(c, "gateways", i);
		struct vnet *v;

		snprintf(what, sizeof(what), "gateway '%s'", g->name);
		/* ExpressRoute always exchanges routes over BGP. */
		if (g->type == GW_EXPRESSROUTE && !g->bgp)
			tp_err(c, tp_vpos(c, n, "bgp"), "%s is ExpressRoute, which always uses BGP; remove bgp: false",
			       what);
		g->vnet = ref_vnet(c, tp_get(c, n, "vnet"), what);
		if (g->vnet < 0)
			continue;
		v = &t->vnets[g->vnet];
		g->subnet = gateway_subnet(t, g->vnet);
		if (g->subnet < 0)
			tp_err(c, tp_vpos(c, n, "vnet"), "gateway '%s': vnet '%s' has no subnet named GatewaySubnet; add one (a /27 is usual) to hold the gateway",
			       g->name, v->name);
		/* Coexisting gateways: one Vpn and one ExpressRoute gateway. */
		if (v->gateways[g->type] >= 0)
			tp_err(c, tp_vpos(c, n, "vnet"), "gateway '%s': vnet '%s' already has %s gateway '%s'; a vnet holds one Vpn and one ExpressRoute gateway at most",
			       g->name, v->name, g->type == GW_VPN ? "Vpn" : "ExpressRoute",
			       t->gateways[v->gateways[g->type]].name);
		else
			v->gateways[g->type] = i;
	}
}

static void check_site_hosts(struct tp_ctx *c)
{
	struct topology *t = c->t;
	char ip[IPV4_STRLEN];

	for (int i = 0; i < t->nsites; i++) {
		const struct site *s = &t->sites[i];
		yaml_node_t *n = tp_section_item(c, "sites", i);

		for (int h = 0; h < s->nhosts; h++) {
			bool inside = false;

			for (int k = 0; k < s->nspace; k++)
				inside |= prefix_has(s->space[k], s->hosts[h].ip);
			if (!inside)
				tp_err(c, tp_vpos(c, tp_list_item(c, n, "hosts", h), "ip"),
				       "host '%s' of site '%s': %s is outside the site's addressSpace; use an address the site owns",
				       s->hosts[h].name, s->name,
				       ipv4_str(s->hosts[h].ip, ip));
		}
	}
}

static void resolve_circuits(struct tp_ctx *c)
{
	struct topology *t = c->t;
	char what[HINT_LEN];

	for (int i = 0; i < t->ncircuits; i++) {
		struct circuit *ci = &t->circuits[i];
		yaml_node_t *n = tp_section_item(c, "circuits", i);

		snprintf(what, sizeof(what), "circuit '%s'", ci->name);
		for (int j = 0; j < ci->nsites; j++)
			ci->sites[j] = ref_site(c, tp_list_item(c, n, "sites", j),
						what);
	}
}

static void resolve_connections(struct tp_ctx *c)
{
	struct topology *t = c->t;
	char what[HINT_LEN];

	for (int i = 0; i < t->nconnections; i++) {
		struct connection *cn = &t->connections[i];
		yaml_node_t *n = tp_section_item(c, "connections", i);

		snprintf(what, sizeof(what), "connection '%s'", cn->name);
		cn->gateway = ref_gateway(c, tp_get(c, n, "gateway"), what);
		switch (cn->kind) {
		case CONN_SITE:
			cn->peer = ref_site(c, tp_get(c, n, "site"), what);
			break;
		case CONN_CIRCUIT:
			cn->peer = lookup(c, ref_at(tp_get(c, n, "circuit")), what,
					  "circuit", "circuits",
					  RECORDS(t->circuits, t->ncircuits));
			break;
		case CONN_VNET2VNET:
			cn->peer = ref_gateway(c, tp_get(c, n, "peerGateway"), what);
			if (cn->peer >= 0 && cn->peer == cn->gateway)
				tp_err(c, tp_vpos(c, n, "peerGateway"), "%s joins gateway '%s' to itself; name the other VNet's gateway",
				       what, t->gateways[cn->peer].name);
			break;
		}
	}
}

static bool site_connected(const struct topology *t, int g, int site)
{
	for (int i = 0; i < t->nconnections; i++)
		if (t->connections[i].gateway == g &&
		    t->connections[i].kind == CONN_SITE &&
		    t->connections[i].peer == site)
			return true;
	return false;
}

static void resolve_default_sites(struct tp_ctx *c)
{
	struct topology *t = c->t;
	char what[HINT_LEN];

	for (int i = 0; i < t->ngateways; i++) {
		struct gateway *g = &t->gateways[i];
		yaml_node_t *ref = tp_get(c, tp_section_item(c, "gateways", i),
					  "defaultSite");
		int s;

		if (!ref)
			continue;
		snprintf(what, sizeof(what), "gateway '%s'", g->name);
		if (g->type == GW_EXPRESSROUTE) {
			tp_err(c, tp_pos(ref), "%s is ExpressRoute; defaultSite (forced tunnelling) is for Vpn gateways only, remove it",
			       what);
			continue;
		}
		s = ref_site(c, ref, what);
		if (s >= 0 && !site_connected(t, i, s))
			tp_err(c, tp_pos(ref), "%s: defaultSite '%s' is not connected to it; add a connection {gateway: %s, site: %s} or pick a connected site",
			       what, t->sites[s].name, g->name, t->sites[s].name);
		else
			g->default_site = s;
	}
}

/* useRemoteGateways: the VNet borrows its peer's gateway (transit). */
static void resolve_remote_gateways(struct tp_ctx *c)
{
	struct topology *t = c->t;
	int *first = tp_alloc((size_t)t->nvnets, sizeof(*first));

	for (int v = 0; v < t->nvnets; v++)
		first[v] = -1;
	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];
		struct pos at = tp_vpos(c, tp_section_item(c, "peerings", i),
					"useRemoteGateways");
		struct vnet *x, *y;

		if (!p->use_remote_gateways || p->from < 0 || p->to < 0)
			continue;
		x = &t->vnets[p->from];
		y = &t->vnets[p->to];
		if (first[p->from] >= 0)
			tp_err(c, at, "vnet '%s' already sets useRemoteGateways on its peering to '%s' (line %d); only one peering of a vnet may",
			       x->name, t->vnets[t->peerings[first[p->from]].to].name,
			       t->peerings[first[p->from]].pos.line);
		else if (vnet_has_gateway(x))
			tp_err(c, at, "vnet '%s' has its own gateway '%s'; useRemoteGateways is for a vnet without one, remove it",
			       x->name, t->gateways[x->gateways[x->gateways[GW_VPN] < 0]].name);
		else if (!vnet_has_gateway(y))
			tp_err(c, at, "useRemoteGateways: peer vnet '%s' has no gateway to use; add one or remove the flag",
			       y->name);
		else if (p->reverse < 0)
			tp_err(c, at, "useRemoteGateways: the peering %s -> %s is missing; add it with allowGatewayTransit: true",
			       y->name, x->name);
		else if (!t->peerings[p->reverse].allow_gateway_transit)
			tp_err(c, at, "useRemoteGateways: the peering %s -> %s (line %d) does not set allowGatewayTransit: true; set it",
			       y->name, x->name, t->peerings[p->reverse].pos.line);
		else
			x->remote_vnet = p->to;
		if (first[p->from] < 0)
			first[p->from] = i;
	}
	free(first);
}

/* ---- route tables ---- */

static int cmp_udr_prefix(const void *a, const void *b)
{
	const struct udr *const *x = a, *const *y = b;
	int r = prefix_cmp(&(*x)->prefix, &(*y)->prefix);

	return r ? r : (int)(*x - *y);
}

static void check_udr_prefixes(struct tp_ctx *c, const struct route_table *rt)
{
	const struct udr **v = tp_alloc((size_t)rt->nroutes, sizeof(*v));
	char a[PREFIX_STRLEN];

	for (int i = 0; i < rt->nroutes; i++)
		v[i] = &rt->routes[i];
	qsort(v, (size_t)rt->nroutes, sizeof(*v), cmp_udr_prefix);
	for (int i = 1; i < rt->nroutes; i++)
		if (prefix_equal(v[i]->prefix, v[i - 1]->prefix))
			tp_err(c, v[i]->pos, "route '%s' in route table '%s': %s is already routed by '%s'; a table holds one route per prefix",
			       v[i]->name, rt->name, prefix_str(v[i]->prefix, a),
			       v[i - 1]->name);
	free(v);
}

/*
 * Rules that depend on where a table is attached: the first GatewaySubnet
 * using it (GatewaySubnet restrictions) and the first subnet using it whose
 * VNet reaches an ExpressRoute gateway, alone or coexisting with a Vpn one
 * (Gateway next hop needs a lone VPN gateway).
 */
static void check_attached(struct tp_ctx *c, int i, int gw_subnet, int er_subnet)
{
	struct topology *t = c->t;
	const struct route_table *rt = &t->route_tables[i];
	yaml_node_t *n = tp_section_item(c, "routeTables", i);
	const struct subnet *s;

	if (gw_subnet >= 0 && rt->disable_bgp_route_propagation) {
		s = &t->subnets[gw_subnet];
		tp_err(c, tp_vpos(c, n, "disableBgpRoutePropagation"),
		       "route table '%s' is attached to %s/GatewaySubnet, which must keep gateway route propagation (the gateway stops working); set disableBgpRoutePropagation: false",
		       rt->name, t->vnets[s->vnet].name);
	}
	for (int r = 0; r < rt->nroutes; r++) {
		const struct udr *u = &rt->routes[r];
		yaml_node_t *rn = tp_list_item(c, n, "routes", r);

		if (gw_subnet >= 0 && u->prefix.len == 0) {
			s = &t->subnets[gw_subnet];
			tp_err(c, tp_vpos(c, rn, "addressPrefix"),
			       "route '%s' in route table '%s': a 0.0.0.0/0 route is not supported on %s/GatewaySubnet; route specific prefixes there, or detach the table",
			       u->name, rt->name, t->vnets[s->vnet].name);
		}
		if (er_subnet >= 0 && u->type == NH_GATEWAY) {
			s = &t->subnets[er_subnet];
			tp_err(c, tp_vpos(c, rn, "nextHopType"),
			       "route '%s' in route table '%s': subnet '%s/%s' reaches an ExpressRoute gateway, which cannot be a route's next hop; VirtualNetworkGateway needs a Vpn gateway with no ExpressRoute gateway beside it",
			       u->name, rt->name, t->vnets[s->vnet].name, s->name);
		}
	}
}

/* The VNet whose gateways v's subnets reach: its own, or through transit. */
static const struct vnet *gateway_vnet(const struct topology *t, int v)
{
	int rv = t->vnets[v].remote_vnet;

	return rv >= 0 ? &t->vnets[rv] : &t->vnets[v];
}

static void check_route_tables(struct tp_ctx *c)
{
	struct topology *t = c->t;
	int *gw_subnet = tp_alloc((size_t)t->nroute_tables, sizeof(int));
	int *er_subnet = tp_alloc((size_t)t->nroute_tables, sizeof(int));

	for (int i = 0; i < t->nroute_tables; i++)
		gw_subnet[i] = er_subnet[i] = -1;
	for (int s = 0; s < t->nsubnets; s++) {
		int rt = t->subnets[s].route_table;
		int er = gateway_vnet(t, t->subnets[s].vnet)->gateways[GW_EXPRESSROUTE];

		if (rt < 0)
			continue;
		if (t->subnets[s].is_gateway_subnet && gw_subnet[rt] < 0)
			gw_subnet[rt] = s;
		if (er >= 0 && er_subnet[rt] < 0)
			er_subnet[rt] = s;
	}
	for (int i = 0; i < t->nroute_tables; i++) {
		check_udr_prefixes(c, &t->route_tables[i]);
		check_attached(c, i, gw_subnet[i], er_subnet[i]);
	}
	free(gw_subnet);
	free(er_subnet);
}

/* ---- VMs and addresses ---- */

static void resolve_vms(struct tp_ctx *c)
{
	struct topology *t = c->t;
	char what[HINT_LEN];

	for (int i = 0; i < t->nvms; i++) {
		struct vm *vm = &t->vms[i];
		yaml_node_t *ref = tp_get(c, tp_section_item(c, "vms", i), "subnet");

		snprintf(what, sizeof(what), "VM '%s'", vm->name);
		vm->subnet = lookup_subnet(c, ref, what);
		if (vm->subnet < 0)
			continue;
		vm->vnet = t->subnets[vm->subnet].vnet;
		if (t->subnets[vm->subnet].is_gateway_subnet) {
			tp_err(c, tp_pos(ref), "%s cannot be placed in GatewaySubnet, which holds only the gateway; pick another subnet",
			       what);
			vm->subnet = vm->vnet = -1;
		}
	}
}

/* An address some NIC holds: a gateway's or a VM's. */
struct nic {
	const char *kind, *name;
	int subnet;
	uint32_t *ip;
	yaml_node_t *ip_node; /* NULL: to be assigned */
	struct pos pos;
};

static struct nic *collect_nics(struct tp_ctx *c, int *n)
{
	struct topology *t = c->t;
	struct nic *v = tp_alloc((size_t)(t->ngateways + t->nvms), sizeof(*v));
	int k = 0;

	for (int i = 0; i < t->ngateways; i++) {
		struct gateway *g = &t->gateways[i];
		yaml_node_t *ip = tp_get(c, tp_section_item(c, "gateways", i), "ip");

		if (g->subnet >= 0 && t->vnets[g->vnet].gateways[g->type] == i)
			v[k++] = (struct nic){ "gateway", g->name, g->subnet,
					       &g->ip, ip, ip ? tp_pos(ip) : g->pos };
	}
	for (int i = 0; i < t->nvms; i++) {
		struct vm *vm = &t->vms[i];
		yaml_node_t *ip = tp_get(c, tp_section_item(c, "vms", i), "ip");

		if (vm->subnet >= 0)
			v[k++] = (struct nic){ "VM", vm->name, vm->subnet, &vm->ip,
					       ip, ip ? tp_pos(ip) : vm->pos };
	}
	*n = k;
	return v;
}

/* Azure keeps the network address, the next three and the broadcast one. */
static bool reserved(struct prefix p, uint32_t ip)
{
	return ip - p.addr < 4 || ip == prefix_last(p);
}

static bool check_explicit_ip(struct tp_ctx *c, const struct nic *nic)
{
	const struct subnet *s = &c->t->subnets[nic->subnet];
	const char *vnet = c->t->vnets[s->vnet].name;
	char ip[IPV4_STRLEN], p[PREFIX_STRLEN];

	ipv4_str(*nic->ip, ip);
	prefix_str(s->prefix, p);
	if (!prefix_has(s->prefix, *nic->ip)) {
		tp_err(c, nic->pos, "%s '%s': %s is outside its subnet '%s/%s' (%s)",
		       nic->kind, nic->name, ip, vnet, s->name, p);
		return false;
	}
	if (reserved(s->prefix, *nic->ip)) {
		tp_err(c, nic->pos, "%s '%s': %s is reserved by Azure in %s (the first four addresses and the last); use another, or omit ip",
		       nic->kind, nic->name, ip, p);
		return false;
	}
	return true;
}

static int cmp_nic(const void *a, const void *b)
{
	const struct nic *x = a, *y = b;

	if (x->subnet != y->subnet)
		return x->subnet - y->subnet;
	if (*x->ip != *y->ip)
		return *x->ip < *y->ip ? -1 : 1;
	if (x->pos.line != y->pos.line)
		return x->pos.line - y->pos.line;
	return x->pos.col - y->pos.col;
}

static bool taken(const struct nic *used, int n, int subnet, uint32_t ip)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (used[mid].subnet < subnet ||
		    (used[mid].subnet == subnet && *used[mid].ip < ip))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && used[lo].subnet == subnet && *used[lo].ip == ip;
}

/*
 * Explicit addresses first (checked, then unique per VNet: subnets of a
 * VNet do not overlap, so per subnet is the same), then automatic ones in
 * file order: the first host address no NIC holds yet.
 */
static void assign_addresses(struct tp_ctx *c)
{
	struct topology *t = c->t;
	int n, nused = 0;
	struct nic *nics = collect_nics(c, &n);
	struct nic *used = tp_alloc((size_t)n, sizeof(*used));
	uint32_t *next = tp_alloc((size_t)t->nsubnets, sizeof(*next));
	char ip[IPV4_STRLEN];

	for (int i = 0; i < n; i++)
		if (nics[i].ip_node && check_explicit_ip(c, &nics[i]))
			used[nused++] = nics[i];
	qsort(used, (size_t)nused, sizeof(*used), cmp_nic);
	for (int i = 1; i < nused; i++)
		if (used[i].subnet == used[i - 1].subnet &&
		    *used[i].ip == *used[i - 1].ip)
			tp_err(c, used[i].pos, "%s '%s': %s is already used by %s '%s' (line %d); give each NIC its own address",
			       used[i].kind, used[i].name, ipv4_str(*used[i].ip, ip),
			       used[i - 1].kind, used[i - 1].name,
			       used[i - 1].pos.line);
	for (int s = 0; s < t->nsubnets; s++)
		next[s] = t->subnets[s].prefix.addr + 4;
	for (int i = 0; i < n; i++) {
		const struct subnet *s = &t->subnets[nics[i].subnet];
		uint32_t *cur = &next[nics[i].subnet];

		if (nics[i].ip_node)
			continue;
		while (prefix_has(s->prefix, *cur) && !reserved(s->prefix, *cur) &&
		       taken(used, nused, nics[i].subnet, *cur))
			(*cur)++;
		if (!prefix_has(s->prefix, *cur) || reserved(s->prefix, *cur)) {
			tp_err(c, nics[i].pos, "%s '%s': subnet '%s/%s' has no free address left; widen its addressPrefix or move the %s",
			       nics[i].kind, nics[i].name, t->vnets[s->vnet].name,
			       s->name, nics[i].kind);
			continue;
		}
		*nics[i].ip = (*cur)++;
	}
	free(next);
	free(used);
	free(nics);
}

/* Labs must never route real addresses: Internet hosts use TEST-NET. */
static void check_internet_hosts(struct tp_ctx *c)
{
	static const struct prefix test_net[] = {
		{ 0xc0000200, 24 }, { 0xc6336400, 24 }, { 0xcb007100, 24 },
	};
	struct topology *t = c->t;
	yaml_node_t *internet = tp_get(c, yaml_document_get_root_node(c->doc),
				       "internet");
	char ip[IPV4_STRLEN];

	for (int i = 0; i < t->ninternet_hosts; i++) {
		bool ok = false;

		for (size_t k = 0; k < sizeof(test_net) / sizeof(*test_net); k++)
			ok |= prefix_has(test_net[k], t->internet_hosts[i].ip);
		if (!ok)
			tp_err(c, tp_vpos(c, tp_list_item(c, internet, "hosts", i), "ip"),
			       "internet host '%s': %s is not a documentation address; use 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24 (a lab never routes real addresses)",
			       t->internet_hosts[i].name,
			       ipv4_str(t->internet_hosts[i].ip, ip));
	}
}

/* Half peering: a peering carries traffic only once both directions exist. */
void topo_warnings(const struct topology *t, struct diags *w)
{
	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];
		const char *from = t->vnets[p->from].name, *to = t->vnets[p->to].name;

		if (p->reverse < 0)
			diags_warn(w, t->file, p->pos, "peering %s -> %s has no reverse peering %s -> %s; Azure shows it as Initiated and it carries no traffic; add {from: %s, to: %s}",
				   from, to, to, from, to, from);
	}
}

void tp_check(struct tp_ctx *c)
{
	struct topology *t = c->t;

	check_names(c);
	for (int v = 0; v < t->nvnets; v++) {
		check_vnet_space(c, v);
		check_subnets(c, v);
	}
	resolve_route_tables(c);
	resolve_peerings(c);
	resolve_gateways(c);
	check_site_hosts(c);
	resolve_circuits(c);
	resolve_connections(c);
	resolve_default_sites(c);
	resolve_remote_gateways(c);
	check_route_tables(c);
	resolve_vms(c);
	assign_addresses(c);
	check_internet_hosts(c);
}
