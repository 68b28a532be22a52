// SPDX-License-Identifier: GPL-2.0
/* The lab plan: topology + engine -> kernel objects (see lab.h). Pure. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"
#include "log.h"
#include "roundtrip.h"

#define LINK_LOCAL_BASE 0xa9fe0000u	/* 169.254.0.0/16: never a real address */
#define LINK_LOCAL_LINKS (1 << 14)	/* /30 per point-to-point link */

static const char *const kind_names[] = {
	[LN_FABRIC] = "fabric",
	[LN_VM] = "vm",
	[LN_GATEWAY] = "gateway",
	[LN_SITE] = "site",
	[LN_CIRCUIT] = "circuit",
	[LN_INTERNET] = "internet",
};

/* Short tags for kernel names (a namespace never spells a kind twice). */
static const char *const kind_tags[] = {
	[LN_FABRIC] = "fabric",
	[LN_VM] = "vm",
	[LN_GATEWAY] = "gw",
	[LN_SITE] = "site",
	[LN_CIRCUIT] = "er",
	[LN_INTERNET] = "internet",
};

/* Interface name tags, for the end that faces a node of that kind. */
static const char *const if_tags[] = {
	[LN_VM] = "v-",
	[LN_GATEWAY] = "g-",
	[LN_SITE] = "s-",
	[LN_CIRCUIT] = "er-",
	[LN_INTERNET] = "i-",
};

const char *lab_node_kind_name(enum lab_node_kind k)
{
	return kind_names[k];
}

void lab_netns_prefix(char out[LAB_NETNS_LEN], const char *lab)
{
	snprintf(out, LAB_NETNS_LEN, LAB_NETNS_PREFIX "%s.", lab);
}

/*
 * Lab names have no '.', so "xv-<lab>." never prefixes another lab's
 * namespaces; the kind tag keeps a VM and a site of one name apart.
 */
void lab_netns_name(char out[LAB_NETNS_LEN], const char *lab,
		    enum lab_node_kind kind, const char *name)
{
	if (kind == LN_FABRIC || kind == LN_INTERNET)
		snprintf(out, LAB_NETNS_LEN, LAB_NETNS_PREFIX "%s.%s", lab,
			 kind_tags[kind]);
	else
		snprintf(out, LAB_NETNS_LEN, LAB_NETNS_PREFIX "%s.%s.%s", lab,
			 kind_tags[kind], name);
}

static bool lab_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool lab_netns_parse(const char *netns, char lab[LAB_NAME_LEN])
{
	const char *s = netns + strlen(LAB_NETNS_PREFIX), *dot;
	size_t len;

	if (strncmp(netns, LAB_NETNS_PREFIX, strlen(LAB_NETNS_PREFIX)))
		return false;
	dot = strchr(s, '.');
	len = dot ? (size_t)(dot - s) : 0;
	if (!len || len > LAB_NAME_MAX || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!lab_char(s[i]))
			return false;
	for (int k = LN_FABRIC; k <= LN_INTERNET; k++) {
		size_t n = strlen(kind_tags[k]);
		bool named = k != LN_FABRIC && k != LN_INTERNET;

		if (!strncmp(dot + 1, kind_tags[k], n) &&
		    (named ? dot[1 + n] == '.' && dot[2 + n] : !dot[1 + n])) {
			memcpy(lab, s, len);
			lab[len] = 0;
			return true;
		}
	}
	return false;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

void lab_nft_digest(const char *ruleset, char out[LAB_NFT_DIGEST_LEN])
{
	uint64_t h = 14695981039346656037ull;

	for (const char *s = ruleset; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	snprintf(out, LAB_NFT_DIGEST_LEN, "%016llx", (unsigned long long)h);
}

void lab_ifname(char out[IF_NAMESIZE], const char *tag, const char *name)
{
	if (strlen(tag) + strlen(name) < IF_NAMESIZE)
		strcat(strcpy(out, tag), name);
	else
		snprintf(out, IF_NAMESIZE, "%s%08x", tag, fnv1a(name));
}

/* Whether node already has an interface called name in the plan. */
static bool ifname_taken(const struct lab_plan *p, int node, const char *name)
{
	for (int i = 0; i < p->nlinks; i++)
		for (int k = 0; k < 2; k++)
			if (p->links[i].end[k].node == node &&
			    !strcmp(p->links[i].end[k].ifname, name))
				return true;
	return false;
}

/*
 * lab_ifname(), unique in node's namespace: a name another interface of
 * the node already has (a short name equal to a long one's hash, or two
 * hashes alike) is hashed again with a counter until it is free. The plan
 * is built in topology order, so the choice is the same on every run.
 */
static void node_ifname(const struct lab_plan *p, int node,
			char out[IF_NAMESIZE], const char *tag, const char *name)
{
	lab_ifname(out, tag, name);
	for (uint32_t k = 1; ifname_taken(p, node, out); k++)
		snprintf(out, IF_NAMESIZE, "%s%08x", tag,
			 fnv1a(name) + k * 0x9e3779b9u);
}

/* Append one zeroed element, doubling the array at powers of two. */
static void *push(void *arrp, int *n, size_t size)
{
	void **arr = arrp;
	char *a = *arr;

	if (*n >= 8 && !(*n & (*n - 1)))
		a = xrealloc(a, 2 * (size_t)*n * size);
	else if (!*n)
		a = xmalloc(8 * size);
	*arr = a;
	memset(a + (size_t)*n * size, 0, size);
	return a + (size_t)(*n)++ * size;
}

static int add_node(struct lab_plan *p, enum lab_node_kind kind, int index,
		    const char *name, bool ip_forward)
{
	struct lab_node *n = push(&p->nodes, &p->nnodes, sizeof(*n));

	n->kind = kind;
	n->index = index;
	n->name = name;
	n->ip_forward = ip_forward;
	lab_netns_name(n->netns, p->lab, kind, name);
	return p->nnodes - 1;
}

static void set_mac(uint8_t mac[6], int link, int end)
{
	/* Locally administered, unique in the lab: 02:78:<link>:<end>. */
	mac[0] = 0x02;
	mac[1] = 0x78;
	mac[2] = link >> 16;
	mac[3] = link >> 8;
	mac[4] = link;
	mac[5] = end;
}

static const char *node_tagged(const struct lab_plan *p, int node, char *buf,
			       size_t len)
{
	const struct lab_node *n = &p->nodes[node];

	snprintf(buf, len, "%s.%s", kind_tags[n->kind], n->name);
	return buf;
}

static int add_link(struct lab_plan *p, int a, const char *aname, int b,
		    const char *bname, bool nic)
{
	struct lab_link *l = push(&p->links, &p->nlinks, sizeof(*l));
	char ta[100], tb[100];	/* kind tag + an Azure name (<= 80) */
	int i = p->nlinks - 1;

	l->nic = nic;
	l->end[0].node = a;
	l->end[1].node = b;
	snprintf(l->end[0].ifname, IF_NAMESIZE, "%s", aname);
	snprintf(l->end[1].ifname, IF_NAMESIZE, "%s", bname);
	set_mac(l->end[0].mac, i, 0);
	set_mac(l->end[1].mac, i, 1);
	if (nic)
		snprintf(l->alias, LAB_ALIAS_LEN, LAB_ALIAS_PREFIX "%s:%s",
			 p->lab, node_tagged(p, b, tb, sizeof(tb)));
	else
		snprintf(l->alias, LAB_ALIAS_LEN, LAB_ALIAS_PREFIX "%s:%s~%s",
			 p->lab, node_tagged(p, a, ta, sizeof(ta)),
			 node_tagged(p, b, tb, sizeof(tb)));
	return i;
}

/* A NIC on the fabric: the outer end named after the node, eth0 inside. */
static int add_nic(struct lab_plan *p, int node, uint32_t addr, uint8_t plen)
{
	const struct lab_node *n = &p->nodes[node];
	char outer[IF_NAMESIZE];
	int l;

	node_ifname(p, p->fabric, outer, if_tags[n->kind], n->name);
	l = add_link(p, p->fabric, outer, node, "eth0", true);
	p->links[l].end[1].addr = addr;
	p->links[l].end[1].plen = plen;
	p->links[l].end[1].xdp_pass = true;
	p->nic_link[node] = l;
	return l;
}

/* The link joining nodes a and b, with *end set to a's end; -1: none. */
static int find_link(const struct lab_plan *p, int a, int b, int *end)
{
	for (int i = 0; i < p->nlinks; i++) {
		const struct lab_link *l = &p->links[i];

		if (l->nic)
			continue;
		if (l->end[0].node == a && l->end[1].node == b) {
			*end = 0;
			return i;
		}
		if (l->end[1].node == a && l->end[0].node == b) {
			*end = 1;
			return i;
		}
	}
	return -1;
}

/* A point-to-point link between two routers, addressed from 169.254/16. */
static int join(struct lab_plan *p, int a, int b)
{
	const struct lab_node *na = &p->nodes[a], *nb = &p->nodes[b];
	char ia[IF_NAMESIZE], ib[IF_NAMESIZE];
	uint32_t base;
	int end, l;

	if (find_link(p, a, b, &end) >= 0)
		return 0;
	if (p->nlinks >= LINK_LOCAL_LINKS)
		return -E2BIG;
	node_ifname(p, a, ia, if_tags[nb->kind], nb->name);
	node_ifname(p, b, ib, if_tags[na->kind], na->name);
	l = add_link(p, a, ia, b, ib, false);
	base = LINK_LOCAL_BASE + 4 * (uint32_t)l;
	p->links[l].end[0].addr = base + 1;
	p->links[l].end[0].plen = 30;
	p->links[l].end[1].addr = base + 2;
	p->links[l].end[1].plen = 30;
	return 0;
}

static void add_addr(struct lab_plan *p, int node, int link, int end,
		     uint32_t addr, uint8_t plen)
{
	struct lab_addr *a = push(&p->addrs, &p->naddrs, sizeof(*a));

	*a = (struct lab_addr){ node, link, end, addr, plen };
}

static void add_route(struct lab_plan *p, int node, int link, int end,
		      struct prefix dst, uint32_t via)
{
	struct lab_route *r = push(&p->routes, &p->nroutes, sizeof(*r));

	*r = (struct lab_route){ node, link, end, dst, via, 0, false };
}

/* Route dst in node a through its link to node b (which must exist). */
static int route_to(struct lab_plan *p, int a, int b, struct prefix dst)
{
	int end, l = find_link(p, a, b, &end);

	if (l < 0)
		return -EINVAL;
	add_route(p, a, l, end, dst, p->links[l].end[!end].addr);
	return 0;
}

/* Route dst through the node's NIC to its subnet's first host (the fabric). */
static void route_to_fabric(struct lab_plan *p, int node, struct prefix dst)
{
	int l = p->nic_link[node];
	const struct lab_end *e = &p->links[l].end[1];

	add_route(p, node, l, 1, dst, (e->addr & prefix_mask(e->plen)) + 1);
}

static bool has_route(const struct lab_plan *p, int from, int to,
		      struct prefix dst)
{
	for (int i = from; i < to; i++)
		if (prefix_equal(p->routes[i].dst, dst))
			return true;
	return false;
}

static void plan_vms(struct lab_plan *p, const struct topology *t)
{
	static const struct prefix any = { 0, 0 };

	for (int i = 0; i < t->nvms; i++) {
		const struct vm *vm = &t->vms[i];
		const struct subnet *s = &t->subnets[vm->subnet];
		int n = add_node(p, LN_VM, i, vm->name, vm->enable_ip_forwarding);

		p->vm_node[i] = n;
		if (vm->firewall)
			p->nodes[n].nft = lab_nft_ruleset(vm->firewall, vm->ip);
		add_nic(p, n, vm->ip, s->prefix.len);
		route_to_fabric(p, n, any);
	}
}

/* The node a route the engine follows leads to (never VIA_VNET). */
static int learned_node(const struct lab_plan *p, const struct learned_route *r)
{
	switch (r->via) {
	case VIA_SITE:
		return p->site_node[r->target];
	case VIA_CIRCUIT:
		return p->circuit_node[r->target];
	case VIA_PEER_GATEWAY:
	case VIA_GATEWAY:
		return p->gw_node[r->target];
	case VIA_VNET:
		break;
	}
	return -1;
}

/*
 * Place the engine's decision for dst in node n, a gateway or a site (its
 * routes start at index from). A prefix gets a route only when the engine
 * decides it by a route of exactly that prefix: one decided by a shorter
 * route (a learned prefix inside a VNet's range, or inside the site's own
 * space) is the shorter route's, and a kernel route of its own would
 * take the packet elsewhere. Into the VNet is through the NIC to the
 * fabric; a site keeps its own space: its hosts answer on its loopback,
 * and any other address of it is unreachable rather than sent out.
 */
static int place(struct lab_plan *p, int n, int from, struct prefix dst,
		 const struct learned_route *lr)
{
	if (!lr || !prefix_equal(lr->prefix, dst) ||
	    has_route(p, from, p->nroutes, dst))
		return 0;
	if (lr->via == VIA_VNET) {
		route_to_fabric(p, n, dst);
		return 0;
	}
	if (p->nodes[n].kind == LN_SITE && lr->via == VIA_SITE) {
		add_route(p, n, -1, 0, dst, 0);
		return 0;
	}
	return route_to(p, n, learned_node(p, lr), dst);
}

/* Gateway g's learned prefix i. */
static struct prefix learned_prefix(const struct engine *e, int g, int i)
{
	struct eff_route row;

	engine_gateway_row(e, g, i, &row);
	return row.prefix;
}

static int gateway_place(struct lab_plan *p, const struct engine *e, int g,

			 int from, struct prefix dst)
{
	struct learned_route tmp;

	return place(p, p->gw_node[g], from, dst,
		     engine_gateway_route(e, g, dst, &tmp));
}

/*
 * A gateway routes what the engine's gateway decision covers: the ranges
 * of the VNets whose gateway it is, its learned prefixes, and 0/0 for a
 * forced-tunnelling default site; each as the engine decides it.
 */
static int plan_gateway(struct lab_plan *p, const struct engine *e, int g)
{
	static const struct prefix any = { 0, 0 };
	const struct topology *t = e->topo;
	int from = p->nroutes, err = 0;

	for (int v = 0; !err && v < t->nvnets; v++) {
		if (!engine_gateway_serves(e, g, v))
			continue;
		for (int k = 0; !err && k < t->vnets[v].nspace; k++)
			err = gateway_place(p, e, g, from, t->vnets[v].space[k]);
	}
	for (int i = 0; !err && i < e->gw[g].n; i++)
		err = gateway_place(p, e, g, from, learned_prefix(e, g, i));
	if (!err)
		err = gateway_place(p, e, g, from, any);
	return err;
}

static int plan_connections(struct lab_plan *p, const struct topology *t)
{
	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];
		int g = p->gw_node[c->gateway], peer, err;

		switch (c->kind) {
		case CONN_SITE:
			peer = p->site_node[c->peer];
			break;
		case CONN_CIRCUIT:
			peer = p->circuit_node[c->peer];
			break;
		default:
			peer = p->gw_node[c->peer];
			break;
		}
		err = join(p, g, peer);
		if (err)
			return err;
	}
	return 0;
}

static void plan_nodes(struct lab_plan *p, const struct topology *t)
{
	for (int i = 0; i < t->ngateways; i++) {
		const struct gateway *g = &t->gateways[i];

		p->gw_node[i] = add_node(p, LN_GATEWAY, i, g->name, true);
		add_nic(p, p->gw_node[i], g->ip, t->subnets[g->subnet].prefix.len);
	}
	for (int i = 0; i < t->nsites; i++)
		p->site_node[i] = add_node(p, LN_SITE, i, t->sites[i].name, true);
	for (int i = 0; i < t->ncircuits; i++)
		p->circuit_node[i] = add_node(p, LN_CIRCUIT, i, t->circuits[i].name, true);
}

/*
 * The meet-me router of a circuit routes each prefix a member sends into
 * it (lr: the member's decision for dst) on to the member that leads to
 * it, as the engine says: a site or else a gateway.
 */
static int circuit_route(struct lab_plan *p, int c, struct prefix dst,
			 const struct learned_route *lr)
{
	if (!lr || lr->via != VIA_CIRCUIT || lr->target != c || !prefix_equal(lr->prefix, dst))
		return 0;
	return route_to(p, p->circuit_node[c],
			lr->site >= 0 ? p->site_node[lr->site] : p->gw_node[lr->gateway], dst);
}

static int plan_circuit(struct lab_plan *p, const struct engine *e, int c)
{
	const struct topology *t = e->topo;
	const struct circuit *ci = &t->circuits[c];
	struct learned_route tmp;
	int err = 0;

	for (int i = 0; !err && i < ci->nsites; i++)
		err = join(p, p->circuit_node[c], p->site_node[ci->sites[i]]);
	for (int g = 0; g < t->ngateways; g++) {
		for (int i = 0; !err && i < e->gw[g].n; i++) {
			struct prefix dst = learned_prefix(e, g, i);

			err = circuit_route(p, c, dst, engine_gateway_route(e, g, dst, &tmp));
		}
	}
	for (int s = 0; s < t->nsites; s++) {
		for (int i = 0; !err && i < e->nsite_routes[s]; i++) {
			struct prefix dst = e->site_routes[s][i].prefix;

			err = circuit_route(p, c, dst, engine_site_route(e, s, dst, &tmp));
		}
	}
	return err;
}

/* Whether site s is a VPN gateway's forced-tunnelling default site ("Default site" in docs/routing.md). */
static bool default_site(const struct topology *t, int s)
{
	for (int g = 0; g < t->ngateways; g++)
		if (t->gateways[g].type == GW_VPN && t->gateways[g].default_site == s)
			return true;
	return false;
}

/*
 * A site answers its hosts and routes what it learned over its links, as
 * the engine's site decision says. A default site is the Internet breakout
 * of the VNets tunnelled to it: it answers every address no route of its
 * own covers (a local 0.0.0.0/0, below every learned route).
 */
static int plan_site(struct lab_plan *p, const struct engine *e, int s)
{
	static const struct prefix any = { 0, 0 };
	const struct site *si = &e->topo->sites[s];
	int n = p->site_node[s], from = p->nroutes, err;
	struct learned_route tmp;

	for (int i = 0; i < si->nhosts; i++)
		add_addr(p, n, -1, 0, si->hosts[i].ip, 32);
	if (default_site(e->topo, s)) {
		add_route(p, n, -1, 0, any, 0);
		p->routes[p->nroutes - 1].local = true;
	}
	for (int i = 0; i < si->nspace; i++) {
		err = place(p, n, from, si->space[i],
			    engine_site_route(e, s, si->space[i], &tmp));
		if (err)
			return err;
	}
	for (int i = 0; i < e->nsite_routes[s]; i++) {
		struct prefix dst = e->site_routes[s][i].prefix;
		int before = p->nroutes;

		err = place(p, n, from, dst, engine_site_route(e, s, dst, &tmp));
		if (err)
			return err;
		/* Hosts answer from their own address, never the link's. */
		if (si->nhosts && p->nroutes > before)
			p->routes[p->nroutes - 1].src = si->hosts[0].ip;
	}
	return 0;
}

static void plan_internet(struct lab_plan *p, const struct engine *e)
{
	static const struct prefix any = { 0, 0 };
	const struct topology *t = e->topo;
	int n = add_node(p, LN_INTERNET, -1, "internet", false), l;

	p->internet = n;
	p->nodes[n].nft = lab_edge_ruleset(e);
	l = add_nic(p, n, 0, 0);
	for (int i = 0; i < t->ninternet_hosts; i++)
		add_addr(p, n, l, 1, t->internet_hosts[i].ip, 32);
	add_route(p, n, l, 1, any, 0);
}

const struct host *lab_host(const struct topology *t, const char *name, const char **node,
			    uint32_t *src)
{
	for (int s = 0; s < t->nsites; s++)
		for (int i = 0; i < t->sites[s].nhosts; i++)
			if (!strcmp(t->sites[s].hosts[i].name, name)) {
				*node = t->sites[s].name;
				*src = t->sites[s].hosts[0].ip;
				return &t->sites[s].hosts[i];
			}
	for (int i = 0; i < t->ninternet_hosts; i++)
		if (!strcmp(t->internet_hosts[i].name, name)) {
			*node = "internet";
			*src = t->internet_hosts[0].ip;
			return &t->internet_hosts[i];
		}
	return NULL;
}

static void plan_alloc(struct lab_plan *p, const struct topology *t)
{
	int max = 2 + t->nvms + t->ngateways + t->nsites + t->ncircuits;

	snprintf(p->lab, sizeof(p->lab), "%s", t->name);
	p->vm_node = xcalloc(t->nvms, sizeof(int));
	p->gw_node = xcalloc(t->ngateways, sizeof(int));
	p->site_node = xcalloc(t->nsites, sizeof(int));
	p->circuit_node = xcalloc(t->ncircuits, sizeof(int));
	p->nic_link = xmalloc(max * sizeof(int));
	memset(p->nic_link, 0xff, max * sizeof(int));
	p->fabric = add_node(p, LN_FABRIC, -1, "fabric", false);
}

/*
 * Nodes and links first, then routes. Members of a circuit may advertise
 * one prefix twice and a site may learn it from two gateways: either path
 * is right, so deploy.c installs routes with replace semantics.
 */
int lab_plan_build(struct lab_plan *p, const struct engine *e)
{
	const struct topology *t = e->topo;
	int err;

	memset(p, 0, sizeof(*p));
	plan_alloc(p, t);
	plan_vms(p, t);
	plan_nodes(p, t);
	plan_internet(p, e);
	err = plan_connections(p, t);
	for (int c = 0; !err && c < t->ncircuits; c++)
		err = plan_circuit(p, e, c);
	for (int g = 0; !err && g < t->ngateways; g++)
		err = plan_gateway(p, e, g);
	for (int s = 0; !err && s < t->nsites; s++)
		err = plan_site(p, e, s);
	if (err)
		lab_plan_free(p);
	return err;
}

void lab_plan_free(struct lab_plan *p)
{
	for (int i = 0; i < p->nnodes; i++)
		free(p->nodes[i].nft);
	free(p->nodes);
	free(p->links);
	free(p->addrs);
	free(p->routes);
	free(p->vm_node);
	free(p->gw_node);
	free(p->site_node);
	free(p->circuit_node);
	free(p->nic_link);
	memset(p, 0, sizeof(*p));
}

int lab_plan_find(const struct lab_plan *p, const char *name)
{
	for (int i = 0; i < p->nnodes; i++)
		if (!strcmp(p->nodes[i].name, name))
			return i;
	return -1;
}

/* Is l[i] inside an earlier or a wider entry of l (nftables refuses overlaps)? */
static bool nft_covered(const struct addr_list *l, int i)
{
	for (int j = 0; j < l->n; j++)
		if (j != i && prefix_within(l->p[i], l->p[j]) &&
		    (!prefix_equal(l->p[i], l->p[j]) || j < i))
			return true;
	return false;
}

/* An address list as a match: none for Any, else one prefix or a set. */
static void nft_addrs(FILE *f, const char *field, const struct addr_list *l)
{
	char buf[PREFIX_STRLEN];
	int shown = 0, left = 0;

	for (int i = 0; i < l->n; i++) {
		if (!l->p[i].len)
			return;
		left += !nft_covered(l, i);
	}
	fprintf(f, "ip %s %s", field, left > 1 ? "{ " : "");
	for (int i = 0; i < l->n; i++)
		if (!nft_covered(l, i))
			fprintf(f, "%s%s", shown++ ? ", " : "",
				prefix_str(l->p[i], buf));
	fprintf(f, "%s ", left > 1 ? " }" : "");
}

/* The match part of a rule; ports imply TCP or UDP for protocol Any. */
static void nft_match(FILE *f, const struct fw_rule *r)
{
	static const char *const protos[] = {
		[FW_TCP] = "tcp", [FW_UDP] = "udp", [FW_ICMP] = "icmp",
	};

	nft_addrs(f, "saddr", &r->source);
	nft_addrs(f, "daddr", &r->destination);
	if (r->protocol != FW_ANY)
		fprintf(f, "meta l4proto %s ", protos[r->protocol]);
	if (!r->nports || r->protocol == FW_ICMP)
		return;
	if (r->protocol == FW_ANY)
		fprintf(f, "meta l4proto { tcp, udp } ");
	fprintf(f, "th dport { ");
	for (int i = 0; i < r->nports; i++) {
		const struct port_range *pr = &r->ports[i];

		fprintf(f, i ? ", %u" : "%u", pr->lo);
		if (pr->hi != pr->lo)
			fprintf(f, "-%u", pr->hi);
	}
	fprintf(f, " } ");
}

/*
 * A denial is counted and its flow recorded in the dynamic set "denied"
 * (the log `xvnet inspect` shows: kernel logging is off in namespaces).
 * TCP and UDP flows are keyed with their port, others with port 0.
 */
static void nft_deny(FILE *f, const struct fw_rule *r, const char *name)
{
	bool ports = r && r->nports && r->protocol != FW_ICMP;
	enum fw_proto proto = r ? r->protocol : FW_ANY;

	if (proto != FW_ICMP) {
		if (r)
			nft_match(f, r);
		if (proto == FW_ANY && !ports)
			fprintf(f, "meta l4proto { tcp, udp } ");
		fprintf(f, "update @" LAB_NFT_DENIED " { ip saddr . ip daddr . "
			   "meta l4proto . th dport } counter drop comment \"%s\"\n\t\t",
			name);
	}
	if (proto == FW_ICMP || (proto == FW_ANY && !ports)) {
		if (r)
			nft_match(f, r);
		fprintf(f, "update @" LAB_NFT_DENIED " { ip saddr . ip daddr . "
			   "meta l4proto . 0 } counter drop comment \"%s\"\n\t\t",
			name);
	}
}

/* The private ranges firewall snat Auto keeps ("Internet egress is source-NATed", docs/routing.md), as an nft set. */
static void nft_private_set(FILE *f)
{
	char buf[PREFIX_STRLEN];

	fprintf(f, "\tset " LAB_NFT_PRIVATE " {\n\t\ttype ipv4_addr\n\t\tflags interval\n"
		   "\t\telements = { ");
	for (size_t i = 0; i < sizeof(rt_private) / sizeof(rt_private[0]); i++)
		fprintf(f, "%s%s", i ? ", " : "", prefix_str(rt_private[i], buf));
	fprintf(f, " }\n\t}\n");
}

/* The denied-flow log: source, destination, protocol, port (0 for ICMP). */
static void nft_denied_set(FILE *f)
{
	fprintf(f, "\tset " LAB_NFT_DENIED " {\n"
		   "\t\ttype ipv4_addr . ipv4_addr . inet_proto . inet_service\n"
		   "\t\tsize 65535\n\t\tflags dynamic\n\t\tcounter\n\t}\n");
}

/*
 * Source NAT of forwarded flows to the NVA's own address ("Internet egress is source-NATed", docs/routing.md): Auto for
 * public destinations, Always for all, Never none. The NVA's own packets
 * keep their source.
 */
static void nft_snat(FILE *f, const struct firewall *fw, uint32_t ip)
{
	char a[IPV4_STRLEN];

	if (fw->snat == FW_SNAT_NEVER)
		return;
	ipv4_str(ip, a);
	fprintf(f, "\tchain postrouting {\n"
		   "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
		   "\t\tip saddr != %s %scounter snat to %s\n\t}\n",
		a, fw->snat == FW_SNAT_AUTO ? "ip daddr != @" LAB_NFT_PRIVATE " " : "", a);
}

/*
 * First match wins, as in Azure Firewall; like it the NVA is stateful,
 * so replies of an allowed flow pass, and a packet of a flow it never saw
 * the start of (a TCP SYN-ACK or ACK without the SYN, an ICMP echo reply
 * without the request: conntrack's INVALID, or NEW without SYN) is
 * dropped, counted under LAB_NFT_ASYMMETRIC and logged ("Firewall NVAs are stateful", docs/routing.md). Only
 * forwarded traffic is filtered. The table replaces any earlier one.
 */
char *lab_nft_ruleset(const struct firewall *fw, uint32_t ip)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = xopen_memstream(&buf, &len);

	fprintf(f, "table ip " LAB_NFT_TABLE "\ndelete table ip " LAB_NFT_TABLE "\n"
		   "table ip " LAB_NFT_TABLE " {\n");
	nft_denied_set(f);
	nft_private_set(f);
	fprintf(f, "\tchain forward {\n"
		   "\t\ttype filter hook forward priority filter; policy accept;\n"
		   "\t\tct state established,related counter accept comment \"established\"\n\t\t"
		   "ct state invalid meta l4proto { tcp, udp } update @" LAB_NFT_DENIED
		   " { ip saddr . ip daddr . meta l4proto . th dport } counter drop comment \""
		   LAB_NFT_ASYMMETRIC "\"\n\t\t"
		   "ct state invalid update @" LAB_NFT_DENIED
		   " { ip saddr . ip daddr . meta l4proto . 0 } counter drop comment \""
		   LAB_NFT_ASYMMETRIC "\"\n\t\t"
		   "ct state new tcp flags & (syn | ack | fin | rst) != syn update @" LAB_NFT_DENIED
		   " { ip saddr . ip daddr . meta l4proto . th dport } counter drop comment \""
		   LAB_NFT_ASYMMETRIC "\"\n\t\t");
	for (int i = 0; i < fw->nrules; i++) {
		const struct fw_rule *r = &fw->rules[i];

		if (r->action == FW_DENY) {
			nft_deny(f, r, r->name);
			continue;
		}
		nft_match(f, r);
		fprintf(f, "counter accept comment \"%s\"\n\t\t", r->name);
	}
	if (fw->default_action == FW_DENY)
		nft_deny(f, NULL, LAB_NFT_DEFAULT);
	else
		fprintf(f, "counter accept comment \"" LAB_NFT_DEFAULT "\"\n\t\t");
	fprintf(f, "\n\t}\n");
	nft_snat(f, fw, ip);
	fprintf(f, "}\n");
	xclose_memstream(f);
	return buf;
}

/* The pairs (VM address . Internet host) the VM reaches itself, to its public address. */
static void nft_egress_map(FILE *f, const struct engine *e)
{
	const struct topology *t = e->topo;
	char a[IPV4_STRLEN], h[IPV4_STRLEN], pub[IPV4_STRLEN];
	uint32_t *public_ips = xmalloc(sizeof(*public_ips) * (size_t)(t->nvms + 1));
	int n = t->nvms;
	bool any = false;

	rt_public_ips(t, public_ips, n);	/* 0: none left (check refuses it when needed) */
	fprintf(f, "\tmap " LAB_NFT_EGRESS " {\n\t\ttype ipv4_addr . ipv4_addr : ipv4_addr\n");
	for (int v = 0; v < n; v++) {
		uint32_t public_ip = public_ips[v];

		for (int i = 0; public_ip && i < t->ninternet_hosts; i++) {
			if (!rt_vm_reaches_internet(e, v, t->internet_hosts[i].ip))
				continue;
			fprintf(f, "%s%s . %s : %s", any ? ", " : "\t\telements = { ",
				ipv4_str(t->vms[v].ip, a), ipv4_str(t->internet_hosts[i].ip, h),
				ipv4_str(public_ip, pub));
			any = true;
		}
	}
	fprintf(f, "%s\t}\n", any ? " }\n" : "");
	free(public_ips);
}

/*
 * The Internet edge ("Internet egress is source-NATed", docs/routing.md): it answers translated flows only. A packet a
 * VM sends to the Internet itself is translated to the VM's public address
 * (the platform's translation, keyed by source and destination: the VM's
 * own subnet route for that host is Internet); anything else arriving is
 * dropped, counted and logged as untranslated; and no Internet host opens
 * a flow to a private address.
 */
char *lab_edge_ruleset(const struct engine *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = xopen_memstream(&buf, &len);

	fprintf(f, "table ip " LAB_NFT_TABLE "\ndelete table ip " LAB_NFT_TABLE "\n"
		   "table ip " LAB_NFT_TABLE " {\n");
	nft_denied_set(f);
	nft_private_set(f);
	nft_egress_map(f, e);
	fprintf(f, "\tchain translate {\n"
		   "\t\ttype nat hook input priority 100; policy accept;\n"
		   "\t\tsnat to ip saddr . ip daddr map @" LAB_NFT_EGRESS "\n\t}\n"
		   "\tchain input {\n"
		   "\t\ttype filter hook input priority 200; policy accept;\n"
		   "\t\tct state established,related counter accept comment \"established\"\n"
		   "\t\tct status snat counter accept comment \"translated\"\n\t\t");
	nft_deny(f, NULL, LAB_NFT_UNTRANSLATED);
	fprintf(f, "\n\t}\n\tchain output {\n"
		   "\t\ttype filter hook output priority filter; policy accept;\n"
		   "\t\tct state new ip daddr @" LAB_NFT_PRIVATE " counter drop comment \""
		   LAB_NFT_INBOUND "\"\n\t}\n}\n");
	xclose_memstream(f);
	return buf;

}
