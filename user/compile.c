// SPDX-License-Identifier: GPL-2.0
/*
 * The fabric compiler: one generation of map images from the topology, the
 * route engine's answer and the lab's NIC inventory. Pure: no I/O.
 *
 * Every table (each subnet's Active Default and User routes, each VNet's
 * address space, the Internet edge's) and every gateway's learned routes
 * (once per gateway) is a multibit trie in one array of lines
 * (xvnet_abi.h). A subnet's answer is the table match unless the gateway
 * set (if the subnet propagates one) has a strictly longer match; a gateway
 * prefix Invalid for the subnet gets a "shadow" entry in the subnet's table
 * carrying the subnet's answer for that prefix, so the Invalid route never
 * wins. VnetLocal and peering routes are resolved here to the NICs they
 * reach, as /32 leaves: the fabric never looks an owner up.
 */
#include "compile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inventory lookups: NIC slot of each VM and gateway, and the Internet edge. */
struct slots {
	int *vm;
	int *gw;
	int internet;
};

/* A route of the table being built, before it becomes records and leaves. */
struct entry {
	struct prefix p;
	struct xv_route r;	/* owner routes: the rest of the prefix (no NIC there) */
	int to_vnet;		/* the VNet it delivers into, -1: none (no peering check) */
	bool owner;		/* to the NIC owning the destination in to_vnet */
	__u32 leaf;
};

/* Tries are built as plain chunks of 256 entries, then laid out in lines. */
struct builder {
	const struct topology *t;
	const struct engine *e;
	const struct fabric_nic *nics;
	struct fabric_image *img;
	struct slots slots;
	int *subnet_base;	/* [nsubnets]: route id of own row 0 */
	int *gw_base;		/* [ngateways]: route id of learned route 0 */
	struct entry *ents;	/* the table being built */
	int nents, ents_cap;
	__u32 *chunks;		/* a chunk entry holds a chunk index until laid out */
	int nchunks, chunks_cap;
	struct xv_route *recs;
	int nrecs, recs_cap;
	int lines_cap;
	int small_line, small_free;	/* gateway sets: 16-byte slots left in that line */
	__u32 *roots;		/* chunk index, then entry: subnets, spaces, Internet, gateways */
};

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int map_inventory(const struct topology *t, const struct fabric_nic *nics,
			 int n, struct slots *s, char *err, size_t errlen)
{
	s->internet = -1;
	for (int i = 0; i < t->nvms; i++)
		s->vm[i] = -1;
	for (int i = 0; i < t->ngateways; i++)
		s->gw[i] = -1;
	for (int i = 0; i < n; i++) {
		const struct fabric_nic *nic = &nics[i];
		int *slot;

		switch (nic->kind) {
		case XV_NIC_VM:
			if (nic->index < 0 || nic->index >= t->nvms)
				return fail(err, errlen, "NIC %d: no VM %d", i, nic->index);
			slot = &s->vm[nic->index];
			break;
		case XV_NIC_GATEWAY:
			if (nic->index < 0 || nic->index >= t->ngateways)
				return fail(err, errlen, "NIC %d: no gateway %d", i, nic->index);
			slot = &s->gw[nic->index];
			break;
		case XV_NIC_INTERNET:
			slot = &s->internet;
			break;
		default:
			return fail(err, errlen, "NIC %d: unknown kind %d", i, nic->kind);
		}
		if (*slot >= 0)
			return fail(err, errlen, "NICs %d and %d are the same NIC", *slot, i);
		*slot = i;
	}
	return 0;
}

/* Roots in b->roots: each subnet's table, each VNet's space, the Internet's, each gateway set. */
static int root_space(const struct builder *b, int v)
{
	return b->t->nsubnets + v;
}

static int root_internet(const struct builder *b)
{
	return b->t->nsubnets + b->t->nvnets;
}

static int root_gw(const struct builder *b, int g)
{
	return root_internet(b) + 1 + g;
}

static void compile_nic(const struct builder *b, const struct fabric_nic *in,
			struct xv_nic *x)
{
	const struct topology *t = b->t;
	const struct gw_routes *gw;
	int subnet, vnet;

	*x = (struct xv_nic){
		.index = in->index < 0 ? XV_NONE : (__u32)in->index,
		.kind = in->kind,
		.gw_nic = XV_NONE,
	};
	memcpy(x->mac, in->mac, sizeof(x->mac));
	switch (in->kind) {
	case XV_NIC_INTERNET:
		/* Outside every VNet: a table of every VNet's address space. */
		x->vnet = XV_NONE;
		x->table = b->roots[root_internet(b)];
		x->flags = XV_NIC_F_FORWARDING | XV_NIC_F_INTERNET;
		return;
	case XV_NIC_GATEWAY:
		/* R7.2: traffic from a gateway uses GatewaySubnet's routes. */
		x->ip = htonl(t->gateways[in->index].ip);
		subnet = t->gateways[in->index].subnet;
		vnet = t->gateways[in->index].vnet;
		x->flags = XV_NIC_F_FORWARDING | XV_NIC_F_GATEWAY;
		break;
	default:
		x->ip = htonl(t->vms[in->index].ip);
		subnet = t->vms[in->index].subnet;
		vnet = t->vms[in->index].vnet;
		if (t->vms[in->index].enable_ip_forwarding)
			x->flags = XV_NIC_F_FORWARDING;
		break;
	}
	x->vnet = vnet;
	x->table = b->roots[subnet];
	x->space = b->roots[root_space(b, vnet)];
	gw = b->e->sets[subnet].gw;
	if (!gw)
		return;
	x->gwset = b->roots[root_gw(b, gw->gateway)];
	x->gw_hits = b->img->nown + gw->gateway;
	if (b->slots.gw[gw->gateway] >= 0)
		x->gw_nic = b->slots.gw[gw->gateway];
}

static int grow(void **p, int *cap, int need, size_t size)
{
	int ncap = *cap ? *cap : 64;
	void *n;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*p, (size_t)ncap * size);
	if (!n)
		return -ENOMEM;
	*p = n;
	*cap = ncap;
	return 0;
}

static int table_add(struct builder *b, struct prefix p, struct entry en)
{
	if (grow((void **)&b->ents, &b->ents_cap, b->nents + 1, sizeof(*b->ents)))
		return -ENOMEM;
	en.p = p;
	en.r.len = p.len;
	b->ents[b->nents++] = en;
	return 0;
}

static struct entry drop(enum xv_verdict why)
{
	return (struct entry){
		.r = { .action = XV_ACT_DROP, .arg = why },
		.to_vnet = -1,
	};
}

/* To NIC slot, entering VNet vnet (-1: no peering check). */
static struct entry to_nic(int slot, int vnet)
{
	if (slot < 0)
		return drop(XV_DROP_NO_OWNER);
	return (struct entry){
		.r = { .action = XV_ACT_NIC, .arg = slot },
		.to_vnet = vnet,
	};
}

static struct entry to_owner(int vnet)
{
	struct entry en = drop(XV_DROP_NO_OWNER);

	en.to_vnet = vnet;
	en.owner = true;
	return en;
}

/* The VM owning a VirtualAppliance address: local VNet or a peered one. */
static int appliance_vm(const struct topology *t, int vnet, uint32_t ip)
{
	int vm = topo_vm_by_ip(t, vnet, ip);

	for (int p = 0; vm < 0 && p < t->npeerings; p++)
		if (t->peerings[p].from == vnet && t->peerings[p].reverse >= 0)
			vm = topo_vm_by_ip(t, t->peerings[p].to, ip);
	return vm;
}

/* What an effective route of subnet (in vnet) resolves to. */
static struct entry resolve(const struct builder *b, int vnet, const struct eff_route *r)
{
	int vm;

	switch (r->type) {
	case NH_VNET_LOCAL:
		if (r->vnet_local_as_none)
			return drop(XV_DROP_NONE_ROUTE);
		return to_owner(vnet);
	case NH_VNET_PEERING:
	case NH_VNET_GLOBAL_PEERING:
		return to_owner(r->peer_vnet);
	case NH_GATEWAY:
		/* Gateway transit is no peering crossing (engine_path). */
		if (r->gateway < 0)
			return drop(XV_DROP_NO_GATEWAY);
		return to_nic(b->slots.gw[r->gateway], -1);
	case NH_INTERNET:
		return to_nic(b->slots.internet, -1);
	case NH_APPLIANCE:
		vm = appliance_vm(b->t, vnet, r->next_hop_ip);
		if (vm < 0 || b->slots.vm[vm] < 0)
			return drop(XV_DROP_NVA_UNREACHABLE);
		return to_nic(b->slots.vm[vm], b->t->vms[vm].vnet);
	default:
		return drop(XV_DROP_NONE_ROUTE);
	}
}

static struct entry gw_route(const struct builder *b, int g, int row)
{
	struct entry en = to_nic(b->slots.gw[g], -1);

	en.r.route_id = b->gw_base[g] + row;
	en.r.hits = b->img->nown + g;
	return en;
}

static struct entry own_route(const struct builder *b, int subnet, int row)
{
	const struct route_set *rs = &b->e->sets[subnet];
	struct entry en = resolve(b, b->t->subnets[subnet].vnet, &rs->own[row]);

	en.r.route_id = b->subnet_base[subnet] + row;
	en.r.hits = en.r.route_id;
	return en;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static bool gw_invalid(const struct route_set *rs, int i)
{
	/* bsearch(NULL, 0) is undefined */
	return rs->ngw_invalid &&
	       bsearch(&i, rs->gw_invalid, rs->ngw_invalid, sizeof(int), cmp_int);
}

static bool vpn_invalid(const struct route_set *rs, int i)
{
	return rs->nvpn_invalid &&
	       bsearch(&i, rs->vpn_invalid, rs->nvpn_invalid, sizeof(int), cmp_int);
}

/* The Active own row of rs with exactly prefix p, -1: none. */
static int own_exact(const struct route_set *rs, struct prefix p)
{
	for (int i = 0; i < rs->nown; i++)
		if (rs->own[i].active && prefix_equal(rs->own[i].prefix, p))
			return i;
	return -1;
}

/* The learned route of gw with exactly prefix p, -1: none. */
static int gw_exact(const struct gw_routes *gw, struct prefix p)
{
	int lo = 0, hi = gw->nby_len[p.len] - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2, i = gw->by_len[p.len][mid];

		if (gw->routes[i].prefix.addr == p.addr)
			return i;
		if (gw->routes[i].prefix.addr < p.addr)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * The subnet's answer for every address of prefix p not covered by a longer
 * route: the longest Active route containing p, own before gateway on a tie
 * (engine_lookup's order, R6.1).
 */
static struct entry shadow_answer(const struct builder *b, int subnet, struct prefix p)
{
	const struct route_set *rs = &b->e->sets[subnet];

	for (int len = p.len; len >= 0; len--) {
		struct prefix q = { p.addr & prefix_mask(len), len };
		int i = own_exact(rs, q);

		if (i >= 0)
			return own_route(b, subnet, i);
		i = gw_exact(rs->gw, q);
		if (i >= 0 && !gw_invalid(rs, i))
			return gw_route(b, (int)(rs->gw - b->e->gw), i);
		i = rs->vpn ? gw_exact(rs->vpn, q) : -1;
		if (i >= 0 && !vpn_invalid(rs, i))
			return gw_route(b, rs->vpn->gateway, i);
	}
	return drop(XV_DROP_NONE_ROUTE);
}

/*
 * Could a gateway route beat table route p: is a Valid one strictly longer
 * inside it? If not, the fabric skips the gateway set for p's matches. The
 * routes are sorted by address then length: those inside p start at the
 * first with p's address.
 */
static bool gw_may_win(const struct route_set *rs, struct prefix p)
{
	const struct gw_routes *gw = rs->gw;
	uint32_t last = prefix_last(p);
	int lo = 0, hi = gw ? gw->n : 0;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (gw->routes[mid].prefix.addr < p.addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int i = lo; gw && i < gw->n && gw->routes[i].prefix.addr <= last; i++)
		if (gw->routes[i].prefix.len > p.len && !gw_invalid(rs, i))
			return true;
	return false;
}

/*
 * The checks of a frame from VNet from entering VNet to (R8.2, A6-A8):
 * the sender side's allowVirtualNetworkAccess; the receiver's
 * allowForwardedTraffic for a source outside the sender's VNet.
 */
static __u8 cross_flags(const struct topology *t, int from, int to)
{
	if (from < 0 || to < 0 || from == to)
		return 0;
	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];

		if (p->from != from || p->to != to || p->reverse < 0)
			continue;
		if (!p->allow_vnet_access)
			return XV_ROUTE_F_DENIED;
		/* The receiver's own peering object decides (A6). */
		return t->peerings[p->reverse].allow_forwarded_traffic ? 0 : XV_ROUTE_F_FORWARDED;
	}
	return XV_ROUTE_F_DENIED;
}

/* ---- tries ----------------------------------------------------------- */

static int chunk_new(struct builder *b, __u32 fill)
{
	if (grow((void **)&b->chunks, &b->chunks_cap, (b->nchunks + 1) * 256, sizeof(__u32)))
		return -ENOMEM;
	for (int i = 0; i < 256; i++)
		b->chunks[(size_t)b->nchunks * 256 + i] = fill;
	return b->nchunks++;
}

/* The chunk under entry i of chunk c, made from the leaf (or nothing) it held. */
static int chunk_descend(struct builder *b, int c, int i)
{
	__u32 e = b->chunks[(size_t)c * 256 + i];
	int child;

	if (e & XV_TRIE_CHUNK)
		return (int)(e & XV_TRIE_LINE_MASK);
	child = chunk_new(b, e);
	if (child >= 0)
		b->chunks[(size_t)c * 256 + i] = XV_TRIE_CHUNK | child;
	return child;
}

/*
 * Insert shortest prefixes first so that longer ones overwrite them: a
 * chunk starts as a copy of the leaf it replaces.
 */
static int trie_insert(struct builder *b, int root, struct prefix p, __u32 leaf)
{
	int c = root;

	for (int shift = 24;; shift -= 8) {
		__u32 *e = &b->chunks[(size_t)c * 256 + (p.addr >> shift & 0xff)];

		if (p.len <= 32 - shift) {
			for (int i = 0; i < 1 << (32 - shift - p.len); i++)
				e[i] = leaf;
			return 0;
		}
		c = chunk_descend(b, c, p.addr >> shift & 0xff);
		if (c < 0)
			return c;
	}
}

static __u32 chunks_lookup(const struct builder *b, int root, __u32 dst)
{
	__u32 e = XV_TRIE_CHUNK | root;

	for (int shift = 24; e & XV_TRIE_CHUNK; shift -= 8)
		e = b->chunks[(size_t)(e & XV_TRIE_LINE_MASK) * 256 + (dst >> shift & 0xff)];
	return e;
}

static __u32 leaf(int len, __u32 id)
{
	return XV_TRIE_LEAF | (__u32)len << XV_TRIE_LEN_SHIFT | id;
}

/* A record's leaf: records are numbered in the order they are made. */
static int record_leaf(struct builder *b, int len, struct xv_route r, __u32 *out)
{
	if (b->nrecs == XV_TRIE_MAX_IDS)
		return -E2BIG;
	if (grow((void **)&b->recs, &b->recs_cap, b->nrecs + 1, sizeof(*b->recs)))
		return -ENOMEM;
	b->recs[b->nrecs] = r;
	*out = leaf(len, b->nrecs++);
	return 0;
}

/* The slot's VNet and address (host order); false: the Internet edge. */
static bool nic_addr(const struct builder *b, int slot, int *vnet, uint32_t *ip)
{
	const struct fabric_nic *n = &b->nics[slot];

	*vnet = -1;
	*ip = 0;
	if (n->kind == XV_NIC_VM) {
		*vnet = b->t->vms[n->index].vnet;
		*ip = b->t->vms[n->index].ip;
	} else if (n->kind == XV_NIC_GATEWAY) {
		*vnet = b->t->gateways[n->index].vnet;
		*ip = b->t->gateways[n->index].ip;
	}
	return n->kind != XV_NIC_INTERNET;
}

/*
 * An owner route reaches every NIC of its VNet inside its prefix that no
 * longer route of the table takes: a /32 leaf each, with the route's name
 * and length.
 */
static int expand_owners(struct builder *b, int root, const struct entry *en)
{
	for (int k = 0; k < b->img->nnics; k++) {
		struct xv_route r = en->r;
		uint32_t ip;
		__u32 l;
		int vnet, err;

		if (!nic_addr(b, k, &vnet, &ip) || vnet != en->to_vnet || !prefix_has(en->p, ip) ||
		    chunks_lookup(b, root, ip) != en->leaf)
			continue;
		r.action = XV_ACT_NIC;
		r.arg = k;
		err = record_leaf(b, en->p.len, r, &l);
		if (!err)
			err = trie_insert(b, root, (struct prefix){ ip, 32 }, l);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_entry_len(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->p.len != y->p.len)
		return x->p.len - y->p.len;
	return x < y ? -1 : x > y;	/* the order added, on a tie */
}

/* The table's entries so far become trie root (b->roots[at]), sending from VNet from. */
static int table_build(struct builder *b, int at, int from)
{
	int root = chunk_new(b, 0), err = root < 0 ? root : 0;

	qsort(b->ents, b->nents, sizeof(*b->ents), cmp_entry_len);
	for (int i = 0; i < b->nents && !err; i++) {
		struct entry *en = &b->ents[i];

		en->r.flags |= cross_flags(b->t, from, en->to_vnet);
		err = record_leaf(b, en->p.len, en->r, &en->leaf);
		if (!err)
			err = trie_insert(b, root, en->p, en->leaf);
	}
	for (int i = 0; i < b->nents && !err; i++)
		if (b->ents[i].owner)
			err = expand_owners(b, root, &b->ents[i]);
	b->roots[at] = root;
	b->nents = 0;
	return err;
}

static int subnet_add(struct builder *b, int s, struct prefix p, struct entry en)
{
	if (gw_may_win(&b->e->sets[s], p))
		en.r.flags |= XV_ROUTE_F_GW;
	return table_add(b, p, en);
}

static bool same_row(const struct eff_route *a, const struct eff_route *b)
{
	return prefix_equal(a->prefix, b->prefix) && a->source == b->source &&
	       a->active == b->active && a->type == b->type &&
	       a->next_hop_ip == b->next_hop_ip && a->peer_vnet == b->peer_vnet &&
	       a->gateway == b->gateway && a->route_table == b->route_table &&
	       a->udr == b->udr && a->vnet_local_as_none == b->vnet_local_as_none;
}

/*
 * The first subnet of s's VNet with the same effective routes (row by row,
 * the same route table, gateway set and Invalid gateway routes): its table
 * compiles to the same one, and serves both. s itself if none.
 */
static int table_twin(const struct builder *b, int s)
{
	const struct route_set *rs = &b->e->sets[s];

	for (int t = 0; t < s; t++) {
		const struct route_set *o = &b->e->sets[t];
		int i = 0;

		if (b->t->subnets[t].vnet != b->t->subnets[s].vnet || b->img->table_of[t] != t ||
		    o->nown != rs->nown || o->gw != rs->gw || o->ngw_invalid != rs->ngw_invalid ||
		    (rs->ngw_invalid && memcmp(o->gw_invalid, rs->gw_invalid,
					       rs->ngw_invalid * sizeof(int))) ||
		    o->vpn != rs->vpn || o->nvpn_invalid != rs->nvpn_invalid ||
		    (rs->nvpn_invalid && memcmp(o->vpn_invalid, rs->vpn_invalid,
						rs->nvpn_invalid * sizeof(int))))
			continue;
		while (i < rs->nown && same_row(&o->own[i], &rs->own[i]))
			i++;
		if (i == rs->nown)
			return t;
	}
	return s;
}

static int compile_subnet(struct builder *b, int s)
{
	const struct route_set *rs = &b->e->sets[s];
	int err = 0;

	b->img->table_of[s] = table_twin(b, s);
	if (b->img->table_of[s] != s)
		return 0;

	for (int i = 0; i < rs->nown && !err; i++)
		if (rs->own[i].active)
			err = subnet_add(b, s, rs->own[i].prefix, own_route(b, s, i));
	/*
	 * R5.8: the fabric's gateway set is gw's (the ExpressRoute gateway's);
	 * the coexisting VPN gateway's Active routes are table routes to its
	 * NIC, which gw's set still beats when strictly longer (R6.1). At an
	 * equal prefix the VPN route is Invalid (R6.4a): never placed.
	 */
	for (int i = 0; rs->vpn && i < rs->vpn->n && !err; i++)
		if (!vpn_invalid(rs, i))
			err = subnet_add(b, s, rs->vpn->routes[i].prefix,
					 gw_route(b, rs->vpn->gateway, i));
	for (int i = 0; i < rs->ngw_invalid && !err; i++) {
		struct prefix p = rs->gw->routes[rs->gw_invalid[i]].prefix;

		if (own_exact(rs, p) >= 0) /* already the table's, and as long */
			continue;
		err = subnet_add(b, s, p, shadow_answer(b, s, p));
	}
	return err ? err : table_build(b, s, b->t->subnets[s].vnet);
}

/*
 * VNet spaces: one table each (only whether a source is inside matters:
 * the forwarded-traffic check), and the Internet edge's: every VNet's
 * space, to its NICs.
 */
static int compile_spaces(struct builder *b)
{
	const struct topology *t = b->t;
	int err = 0;

	for (int v = 0; v < t->nvnets && !err; v++) {
		for (int i = 0; i < t->vnets[v].nspace && !err; i++)
			err = table_add(b, t->vnets[v].space[i], drop(XV_DROP_NO_OWNER));
		if (!err)
			err = table_build(b, root_space(b, v), -1);
	}
	for (int v = 0; v < t->nvnets && !err; v++) {
		for (int i = 0; i < t->vnets[v].nspace && !err; i++) {
			struct prefix p = t->vnets[v].space[i];
			struct entry en = to_owner(v);
			bool taken = false;

			/* Unpeered VNets may share a space: the first declared is reached. */
			for (int w = 0; w < v && !taken; w++)
				for (int j = 0; j < t->vnets[w].nspace && !taken; j++)
					taken = prefix_equal(t->vnets[w].space[j], p);
			en.r.route_id = XV_NONE;	/* not an effective route: no name, no hits */
			en.r.hits = XV_NONE;
			if (!taken)
				err = table_add(b, p, en);
		}
	}
	return err ? err : table_build(b, root_internet(b), -1);
}

static int compile_gwsets(struct builder *b)
{
	/* a trace event names a learned route by its set's counter (XV_ROUTE_ID_GW) */
	if ((unsigned int)b->img->nhits > XV_TRIE_MAX_IDS)
		return -E2BIG;
	for (int g = 0; g < b->t->ngateways; g++) {
		const struct gw_routes *gw = &b->e->gw[g];
		int root = chunk_new(b, 0);

		if (root < 0)
			return root;
		b->roots[root_gw(b, g)] = root;
		for (int len = 0; len <= 32; len++) {
			for (int i = 0; i < gw->nby_len[len]; i++) {
				int row = gw->by_len[len][i];
				int err = trie_insert(b, root, gw->routes[row].prefix, leaf(len, 0));

				if (err)
					return err;
			}
		}
	}
	return 0;
}

static int lines_new(struct builder *b, int n)
{
	struct fabric_image *img = b->img;
	int at = img->nlines;

	if ((unsigned int)(at + n) > XV_TRIE_LINE_MASK)
		return -E2BIG;
	if (grow((void **)&img->trie, &b->lines_cap, at + n, sizeof(*img->trie)))
		return -ENOMEM;
	memset(&img->trie[at], 0, n * sizeof(*img->trie));
	img->nlines += n;
	return at;
}

/* Lay chunk c out in lines, below it first; *out: the entry naming it. */
static int chunk_emit(struct builder *b, int c, __u32 *out)
{
	__u32 e[256];
	int runs = 0, at;

	for (int i = 0; i < 256; i++) {
		e[i] = b->chunks[(size_t)c * 256 + i];
		if (e[i] & XV_TRIE_CHUNK) {
			int err = chunk_emit(b, (int)(e[i] & XV_TRIE_LINE_MASK), &e[i]);

			if (err)
				return err;
		}
		runs += !i || e[i] != e[i - 1];
	}
	at = lines_new(b, runs <= XV_TRIE_RUNS ? 1 : 16);
	if (at < 0)
		return at;
	if (runs > XV_TRIE_RUNS) {
		memcpy(&b->img->trie[at], e, sizeof(e));
		*out = XV_TRIE_CHUNK | at;
		return 0;
	}
	{
		struct xv_line *l = &b->img->trie[at];
		int k = 0;

		for (int i = 0; i < 256; i++) {
			if (i && e[i] == e[i - 1])
				continue;
			l->c.starts[i / 64] |= 1ull << (i % 64);
			l->c.run[k++] = e[i];
		}
		for (int w = 1; w < 4; w++)
			l->c.before[w] = l->c.before[w - 1] +
					 __builtin_popcountll(l->c.starts[w - 1]);
	}
	*out = XV_TRIE_CHUNK | XV_TRIE_COMPACT | at;
	return 0;
}

/* ---- gateway sets (xvnet_abi.h) ---------------------------------------- */

/* Bytes before a chunk's kids: its body (a full chunk's entries are its kids). */
static const int gw_body[] = { [XV_GW_RUNS] = 16, [XV_GW_BITMAP] = 64, [XV_GW_BYTES] = 256,
			       [XV_GW_FULL] = 0 };

static __u32 gw_kind(enum xv_gw_kind kind, __u32 arg)
{
	return (__u32)kind << XV_GW_KIND_SHIFT | arg;
}

/* A leaf (or nothing) of the building trie as a gateway-set entry. */
static __u32 gw_leaf(__u32 e)
{
	return e & XV_TRIE_LEAF ? gw_kind(XV_GW_LEAF, (e >> XV_TRIE_LEN_SHIFT & 0x3f) + 1) : 0;
}

/* n bytes of the line array, in 16-byte units: a slot of a shared line, or whole lines. */
static int gw_alloc(struct builder *b, int n, __u32 *unit)
{
	int at;

	if (n <= 16 && b->small_free) {
		*unit = (__u32)b->small_line * 4 + 4 - b->small_free--;
		return 0;
	}
	at = lines_new(b, (n + 63) / 64);
	if (at < 0)
		return at;
	if ((__u32)at > XV_GW_UNIT_MASK / 4)
		return -E2BIG;
	if (n <= 16) {
		b->small_line = at;
		b->small_free = 3;
	}
	*unit = (__u32)at * 4;
	return 0;
}

static __u8 *gw_bytes(const struct builder *b, __u32 unit)
{
	return (__u8 *)b->img->trie + (size_t)unit * 16;
}

/*
 * A chunk (entries ent; level 0 below the root, 1 below that) whose
 * entries all hold out but for one aligned block: that block's prefix, or
 * the one prefix of the kid the block is, inline.
 */
static bool gw_one_block(const __u32 *ent, int a, int n, __u32 o, int level, __u32 *out)
{
	__u32 in = ent[a], bits = (__u32)a << 8, byte;

	for (int i = a; i < a + n; i++)
		if (ent[i] != in)
			return false;
	if (in >> XV_GW_KIND_SHIFT == XV_GW_LEAF) {
		byte = in & 0xff;
		/* the block is one prefix, 16 + 8 * level + 8 - log2(n) long */
		if ((int)byte - 1 != 24 + 8 * level - __builtin_ctz(n))
			return false;
	} else if (in >> XV_GW_KIND_SHIFT == XV_GW_ONE && n == 1 && !level &&
		   XV_GW_ONE_OUT(in) == (o & 0xff)) {
		byte = XV_GW_ONE_IN(in);
		bits |= XV_GW_ONE_BITS(in) >> 8;
	} else {
		return false;
	}
	*out = gw_kind(XV_GW_ONE, (o & 0xff) << 22 | byte << 16 | bits);
	return true;
}

static bool gw_one(const __u32 *ent, int level, __u32 *out)
{
	for (int side = 0; side < 2; side++) {
		__u32 o = ent[side ? 255 : 0];
		int a = -1, z = -1, n;

		if (o >> XV_GW_KIND_SHIFT > XV_GW_LEAF)	/* out must be a leaf or nothing */
			continue;
		for (int i = 0; i < 256; i++) {
			if (ent[i] == o)
				continue;
			if (a < 0)
				a = i;
			z = i;
		}
		n = z - a + 1;
		if (a >= 0 && !(n & (n - 1)) && !(a % n) && gw_one_block(ent, a, n, o, level, out))
			return true;
	}
	return false;
}

/* The runs of v in a struct xv_gw_runs (at most 8) or xv_gw_bitmap. */
static void gw_runs_fill(__u8 *body, const __u8 *v)
{
	struct xv_gw_runs *r = (void *)body;
	int k = 0;

	memset(r->start, 255, sizeof(r->start));
	for (int i = 0; i < 256; i++) {
		if (i && v[i] == v[i - 1])
			continue;
		if (k)
			r->start[k - 1] = i;
		r->run[k++] = v[i];
	}
	for (; k < 8; k++)
		r->run[k] = r->run[k - 1];
}

static void gw_bitmap_fill(__u8 *body, const __u8 *v)
{
	struct xv_gw_bitmap *bm = (void *)body;
	int k = 0;

	for (int i = 0; i < 256; i++) {
		if (i && v[i] == v[i - 1])
			continue;
		bm->starts[i / 64] |= 1ull << (i % 64);
		bm->run[k++] = v[i];
	}
	for (int w = 1; w < 4; w++)
		bm->before[w] = bm->before[w - 1] + __builtin_popcountll(bm->starts[w - 1]);
}

/*
 * Lay chunk c (level 0: the 8 bits below the root) out: inline when it
 * holds one prefix, else the smallest byte chunk its runs fit, with its
 * kids' entries after the body; a full chunk of entries when the bytes
 * cannot name every kid. *out: its entry.
 */
static int gw_emit_chunk(struct builder *b, int c, int level, __u32 *out)
{
	__u32 ent[256], kids[256], unit;
	int nkids = 0, runs = 0, kind, err;
	__u8 v[256], *at;

	for (int i = 0; i < 256; i++) {
		__u32 e = b->chunks[(size_t)c * 256 + i];

		if (!(e & XV_TRIE_CHUNK)) {
			ent[i] = gw_leaf(e);
		} else if (level) {
			return -EINVAL;		/* nothing below a /32 */
		} else {
			err = gw_emit_chunk(b, (int)(e & XV_TRIE_LINE_MASK), 1, &ent[i]);
			if (err)
				return err;
		}
		if (ent[i] >> XV_GW_KIND_SHIFT > XV_GW_LEAF) {
			kids[nkids] = ent[i];
			v[i] = XV_GW_KID + (nkids < XV_GW_MAX_KIDS ? nkids : 0);
			nkids++;
		} else {
			v[i] = ent[i] & 0xff;
		}
		runs += !i || ent[i] != ent[i - 1];
	}
	if (runs == 1) {
		*out = ent[0];
		return 0;
	}
	if (gw_one(ent, level, out))
		return 0;
	kind = nkids > XV_GW_MAX_KIDS ? XV_GW_FULL : runs <= 8 ? XV_GW_RUNS :
	       runs <= XV_GW_BITMAP_RUNS ? XV_GW_BITMAP : XV_GW_BYTES;
	if (kind == XV_GW_FULL) {
		memcpy(kids, ent, sizeof(ent));
		nkids = 256;
	}
	err = gw_alloc(b, gw_body[kind] + 4 * nkids, &unit);
	if (err)
		return err;
	at = gw_bytes(b, unit);
	if (kind == XV_GW_RUNS)
		gw_runs_fill(at, v);
	else if (kind == XV_GW_BITMAP)
		gw_bitmap_fill(at, v);
	else if (kind == XV_GW_BYTES)
		memcpy(at, v, 256);
	memcpy(at + gw_body[kind], kids, 4 * nkids);
	*out = gw_kind(kind, unit);
	return 0;
}

/* Lay a gateway set's root chunk c out as the wide root (entry i: bits 16..31). */
static int gw_emit_root(struct builder *b, int c, __u32 *out)
{
	int at = lines_new(b, 65536 / 16);

	if (at < 0)
		return at;
	for (int i = 0; i < 65536; i++) {
		__u32 e = b->chunks[(size_t)c * 256 + (i >> 8)];

		if (e & XV_TRIE_CHUNK)
			e = b->chunks[(size_t)(e & XV_TRIE_LINE_MASK) * 256 + (i & 0xff)];
		if (e & XV_TRIE_CHUNK) {
			int err = gw_emit_chunk(b, (int)(e & XV_TRIE_LINE_MASK), 0, &e);

			if (err)
				return err;
		} else {
			e = gw_leaf(e);
		}
		b->img->trie[at + i / 16].e[i % 16] = e;
	}
	*out = XV_TRIE_CHUNK | XV_TRIE_WIDE | at;
	return 0;
}

static const __u8 *gw_at(const struct fabric_image *img, __u32 unit, __u32 off)
{
	return (const __u8 *)img->trie + (size_t)unit * 16 + off;
}

/* The byte chunk e (kind) holds for idx; fabric.bpf.c's gw_byte(). */
static __u32 gw_byte(const struct fabric_image *img, __u32 e, __u32 kind, __u32 idx)
{
	const __u8 *p = gw_at(img, e & XV_GW_UNIT_MASK, 0);
	const struct xv_gw_bitmap *bm = (const void *)p;
	int n = 0;

	if (kind == XV_GW_RUNS) {
		for (int i = 0; i < 7; i++)
			n += p[i] <= idx;
		return p[8 + n];
	}
	if (kind == XV_GW_BYTES)
		return p[idx];
	n = bm->before[idx / 64] + __builtin_popcountll(bm->starts[idx / 64] &
							(~0ull >> (63 - idx % 64)));
	return bm->run[n - 1];
}

__u32 fabric_gw_lookup(const struct fabric_image *img, __u32 root, __u32 dst)
{
	__u32 e = img->trie[(root & XV_TRIE_LINE_MASK) + (dst >> 20)].e[dst >> 16 & 15];

	for (int level = 0; level < 2; level++) {
		__u32 kind = e >> XV_GW_KIND_SHIFT, idx = dst >> (8 - 8 * level) & 0xff, v, in;

		switch (kind) {
		case XV_GW_NONE:
			return 0;
		case XV_GW_LEAF:
			return e & 0xff;
		case XV_GW_ONE:
			in = XV_GW_ONE_IN(e);
			return ((dst << (8 * level) & 0xffff) ^ XV_GW_ONE_BITS(e)) >>
			       (33 + 8 * level - in) ? XV_GW_ONE_OUT(e) : in;
		case XV_GW_FULL:
			v = XV_GW_KID + idx;
			break;
		default:
			v = gw_byte(img, e, kind, idx);
			if (v < XV_GW_KID)
				return v;
		}
		memcpy(&e, gw_at(img, e & XV_GW_UNIT_MASK, gw_body[kind] + 4 * (v - XV_GW_KID)), 4);
	}
	return 0;
}

int fabric_gw_row(const struct engine *e, int g, __u32 dst, int len)
{
	struct prefix p;

	if (len < 0 || len > 32) /* before the shift, which would be undefined */
		return -1;
	p = (struct prefix){ len ? dst & ~0u << (32 - len) : 0, len };
	return gw_exact(&e->gw[g], p);
}

/*
 * Records first, four a line, then every trie; roots become entries. A
 * gateway set's root is wide: the sets are where the big tables are.
 */
static int emit(struct builder *b, int nroots)
{
	int at = lines_new(b, (b->nrecs + 3) / 4);

	if (at < 0)
		return at;
	for (int i = 0; i < b->nrecs; i++)
		b->img->trie[i / 4].r[i % 4] = b->recs[i];
	for (int i = 0; i < nroots; i++) {
		int err;

		if (i < b->t->nsubnets && b->img->table_of[i] != i) {
			b->roots[i] = b->roots[b->img->table_of[i]];	/* laid out already */
			continue;
		}
		err = i >= root_gw(b, 0) ?
			  gw_emit_root(b, (int)b->roots[i], &b->roots[i]) :
			  chunk_emit(b, (int)b->roots[i], &b->roots[i]);
		if (err)
			return err;
	}
	return 0;
}

__u32 fabric_trie_lookup(const struct fabric_image *img, __u32 root, __u32 dst)
{
	__u32 e = root;

	for (int shift = 24; e & XV_TRIE_CHUNK && shift >= 0; shift -= 8) {
		const struct xv_line *l = &img->trie[e & XV_TRIE_LINE_MASK];
		__u32 i = dst >> shift & 0xff;
		__u64 bits;

		if (!(e & XV_TRIE_COMPACT)) {
			e = l[i / 16].e[i % 16];
			continue;
		}
		bits = l->c.starts[i / 64] & (~0ull >> (63 - i % 64));
		e = l->c.run[l->c.before[i / 64] + __builtin_popcountll(bits) - 1];
	}
	return e & XV_TRIE_CHUNK ? 0 : e;
}

/* Route ids: each subnet's own rows, then each gateway's learned routes. */
static int number_routes(struct builder *b)
{
	const struct topology *t = b->t;
	struct fabric_image *img = b->img;
	int n = 0;

	for (int s = 0; s < t->nsubnets; s++) {
		b->subnet_base[s] = n;
		n += b->e->sets[s].nown;
	}
	img->nown = n;
	img->nhits = n + t->ngateways;
	for (int g = 0; g < t->ngateways; g++) {
		b->gw_base[g] = n;
		n += b->e->gw[g].n;
	}
	img->routes = calloc(n ? n : 1, sizeof(*img->routes));
	if (!img->routes)
		return -ENOMEM;
	for (int s = 0; s < t->nsubnets; s++)
		for (int i = 0; i < b->e->sets[s].nown; i++)
			img->routes[img->nroutes++] = (struct route_ref){ s, -1, i };
	for (int g = 0; g < t->ngateways; g++)
		for (int i = 0; i < b->e->gw[g].n; i++)
			img->routes[img->nroutes++] = (struct route_ref){ -1, g, i };
	return 0;
}

int fabric_compile(const struct topology *t, const struct engine *e,
		   const struct fabric_nic *nics, int n,
		   struct fabric_image *img, char *err, size_t errlen)
{
	struct builder b = { .t = t, .e = e, .nics = nics, .img = img };
	int nroots = t->nsubnets + t->nvnets + 1 + t->ngateways, ret = -ENOMEM;

	memset(img, 0, sizeof(*img));
	b.slots.vm = calloc(t->nvms + 1, sizeof(int));
	b.slots.gw = calloc(t->ngateways + 1, sizeof(int));
	b.subnet_base = calloc(t->nsubnets + 1, sizeof(int));
	b.gw_base = calloc(t->ngateways + 1, sizeof(int));
	b.roots = calloc(nroots, sizeof(*b.roots));
	img->nics = calloc(n ? n : 1, sizeof(*img->nics));
	img->table_of = calloc(t->nsubnets + 1, sizeof(*img->table_of));
	if (!b.slots.vm || !b.slots.gw || !b.subnet_base || !b.gw_base || !b.roots ||
	    !img->nics || !img->table_of)
		goto out;
	img->nnics = n;
	snprintf(err, errlen, "out of memory");
	ret = map_inventory(t, nics, n, &b.slots, err, errlen);
	if (ret)
		goto out;
	ret = number_routes(&b);
	for (int s = 0; !ret && s < t->nsubnets; s++)
		ret = compile_subnet(&b, s);
	if (!ret)
		ret = compile_spaces(&b);
	if (!ret)
		ret = compile_gwsets(&b);
	if (!ret)
		ret = emit(&b, nroots);
	for (int i = 0; !ret && i < n; i++)
		compile_nic(&b, &nics[i], &img->nics[i]);
	if (ret == -E2BIG)
		snprintf(err, errlen, "too many routes for the fabric's tables");
out:
	free(b.slots.vm);
	free(b.slots.gw);
	free(b.subnet_base);
	free(b.gw_base);
	free(b.roots);
	free(b.ents);
	free(b.chunks);
	free(b.recs);
	if (ret)
		fabric_image_free(img);
	return ret;
}

void fabric_image_free(struct fabric_image *img)
{
	free(img->nics);
	free(img->trie);
	free(img->routes);
	free(img->table_of);
	memset(img, 0, sizeof(*img));
}

void fabric_route_row(const struct topology *t, const struct engine *e,
		      const struct route_ref *ref, struct eff_route *out)
{
	const struct gateway *gw;

	if (ref->subnet >= 0) {
		*out = e->sets[ref->subnet].own[ref->row];
		return;
	}
	gw = &t->gateways[ref->gateway];
	*out = (struct eff_route){
		.prefix = e->gw[ref->gateway].routes[ref->row].prefix,
		.source = SRC_GATEWAY,
		.active = true,
		.type = NH_GATEWAY,
		.next_hop_ip = gw->ip,
		.peer_vnet = -1,
		.gateway = ref->gateway,
		.route_table = -1,
		.udr = -1,
	};
}

const char *fabric_verdict_name(enum xv_verdict v)
{
	static const char *const names[XV_VERDICT__COUNT] = {
		[XV_FWD] = "Forwarded",
		[XV_ARP_REPLY] = "ArpReply",
		[XV_DROP_NONE_ROUTE] = "NoneRoute",
		[XV_DROP_NO_OWNER] = "NoNicOwnsAddress",
		[XV_DROP_SRC_NOT_OWN] = "SourceNotOwn",
		[XV_DROP_DST_NOT_OWN] = "DestinationNotOwn",
		[XV_DROP_PEERING_ACCESS] = "PeeringAccessDenied",
		[XV_DROP_FORWARDED] = "ForwardedTrafficNotAllowed",
		[XV_DROP_NVA_UNREACHABLE] = "VirtualApplianceUnreachable",
		[XV_DROP_NO_GATEWAY] = "NoGateway",
		[XV_DROP_LOOP] = "Loop",
		[XV_DROP_SHORT] = "Short",
		[XV_DROP_BAD_IPV4] = "BadIPv4",
		[XV_DROP_TRUNCATED] = "Truncated",
		[XV_DROP_IPV6] = "IPv6",
		[XV_DROP_VLAN] = "Vlan",
		[XV_DROP_ETHERTYPE] = "Ethertype",
		[XV_DROP_ARP] = "ArpNotAnswered",
		[XV_DROP_L2_DST] = "NotToFabricMac",
		[XV_DROP_NOT_NIC] = "NotANic",
		[XV_DROP_REDIRECT] = "RedirectFailed",
	};
	return (unsigned)v < XV_VERDICT__COUNT && names[v] ? names[v] : "Unknown";
}
