// SPDX-License-Identifier: GPL-2.0
/*
 * The route engine (engine.h): effective routes per subnet, what gateways
 * and sites learn, lookups and the hop-by-hop path. Rules are cited by
 * the names docs/routing.md gives them, which states each rule and lists
 * the readings taken.
 */
#define _GNU_SOURCE
#include "engine.h"
#include "ipv4.h"
#include "log.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Reserved prefixes: next hop None (a reading: all four). */
static const struct prefix reserved_none[] = {
	{ 0x0a000000, 8 },	/* 10.0.0.0/8 */
	{ 0xac100000, 12 },	/* 172.16.0.0/12 */
	{ 0xc0a80000, 16 },	/* 192.168.0.0/16 */
	{ 0x64400000, 10 },	/* 100.64.0.0/10 */
};

_Static_assert(offsetof(struct eff_route, prefix) == 0, "prefix first");
_Static_assert(offsetof(struct learned_route, prefix) == 0, "prefix first");
_Static_assert(offsetof(struct site_routes, prefix) == 0, "prefix first");

/* ---- growable arrays ------------------------------------------------ */

struct vec {
	void *v;
	int n, cap;
	size_t size;
};

static void *vec_push(struct vec *a)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		a->v = xrealloc(a->v, (size_t)a->cap * a->size);
	}
	return memset((char *)a->v + (size_t)a->n++ * a->size, 0, a->size);
}

static void vec_push_int(struct vec *a, int x)
{
	*(int *)vec_push(a) = x;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* ---- longest-prefix-match index ------------------------------------- */

/* Every row type indexed here starts with its struct prefix. */
static const struct prefix *row_prefix(const void *rows, size_t stride, int i)
{
	return (const struct prefix *)((const char *)rows + (size_t)i * stride);
}

struct rows_ctx {
	const void *rows;
	size_t stride;
};

static int cmp_len_addr(const void *a, const void *b, void *ctx)
{
	const struct rows_ctx *c = ctx;
	const struct prefix *x = row_prefix(c->rows, c->stride, *(const int *)a);
	const struct prefix *y = row_prefix(c->rows, c->stride, *(const int *)b);

	if (x->len != y->len)
		return (int)x->len - (int)y->len;
	return (x->addr > y->addr) - (x->addr < y->addr);
}

/* The three arrays of an LPM index (struct lpm_index, struct gw_routes). */
#define LPM(x) (x)->by_len, (x)->nby_len, (x)->key_by_len

/* Index rows [0, n) for which keep() is true (keep NULL: all). */
static void lpm_build(const void *rows, size_t stride, int n,
		      bool (*keep)(const void *row), int *by_len[33],
		      int nby_len[33], uint32_t *key_by_len[33])
{
	struct rows_ctx ctx = { rows, stride };
	int *idx = xmalloc((sizeof(int) + sizeof(uint32_t)) * (size_t)n);
	uint32_t *keys = (uint32_t *)(idx + n);
	int m = 0;

	for (int i = 0; i < n; i++)
		if (!keep || keep(row_prefix(rows, stride, i)))
			idx[m++] = i;
	qsort_r(idx, (size_t)m, sizeof(int), cmp_len_addr, &ctx);
	memset(nby_len, 0, sizeof(int) * 33);
	for (int i = 0; i < m; i++) {
		keys[i] = row_prefix(rows, stride, idx[i])->addr;
		nby_len[row_prefix(rows, stride, idx[i])->len]++;
	}
	by_len[0] = idx;
	key_by_len[0] = keys;
	for (int l = 1; l <= 32; l++) {
		by_len[l] = by_len[l - 1] + nby_len[l - 1];
		key_by_len[l] = key_by_len[l - 1] + nby_len[l - 1];
	}
}

/* The indexed row of prefix length len containing dst, or -1. */
static int lpm_find(int *const by_len[33], const int nby_len[33],
		    uint32_t *const key_by_len[33], int len, uint32_t dst)
{
	uint32_t key = dst & prefix_mask((uint8_t)len);
	const uint32_t *keys = key_by_len[len];
	int lo = 0, hi = nby_len[len];

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (keys[mid] == key)
			return by_len[len][mid];
		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The indexed row of length <= max with the longest prefix containing dst. */
static int lpm_covering(int *const by_len[33], const int nby_len[33],
			uint32_t *const key_by_len[33], int max, uint32_t dst)
{
	for (int len = max; len >= 0; len--) {
		int i;

		if (!nby_len[len])
			continue;
		i = lpm_find(by_len, nby_len, key_by_len, len, dst);
		if (i >= 0)
			return i;
	}
	return -1;
}

/* ---- learned routes: gateways and sites ----------------------------- */

static int cmp_prefix_then_index(const void *a, const void *b, void *ctx)
{
	const struct rows_ctx *c = ctx;
	int x = *(const int *)a, y = *(const int *)b;
	int d = prefix_cmp(row_prefix(c->rows, c->stride, x),
			   row_prefix(c->rows, c->stride, y));

	return d ? d : (x > y) - (x < y);
}

/*
 * Sort learned routes by prefix keeping, of equal prefixes, the first one
 * added (the first connection in file order).
 */
static void learned_sort_unique(struct vec *a, struct learned_route **out,
				int *nout)
{
	struct learned_route *src = a->v;
	struct learned_route *dst = xmalloc(sizeof(*dst) * (size_t)a->n);
	struct rows_ctx ctx = { src, sizeof(*src) };
	int *idx = xmalloc(sizeof(int) * (size_t)a->n);
	int n = 0;

	for (int i = 0; i < a->n; i++)
		idx[i] = i;
	qsort_r(idx, (size_t)a->n, sizeof(int), cmp_prefix_then_index, &ctx);
	for (int i = 0; i < a->n; i++)
		if (!n || !prefix_equal(dst[n - 1].prefix, src[idx[i]].prefix))
			dst[n++] = src[idx[i]];
	free(idx);
	*out = dst;
	*nout = n;
}

/* A VNet itself when it has gateways, else the one whose gateways it may really use (Gateway transit). */
static int find_gateway_vnet(const struct topology *t, int v)
{
	const struct vnet *vn = &t->vnets[v];

	if (vnet_has_gateway(vn))
		return v;
	for (int i = 0; vn->remote_vnet >= 0 && i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];

		if (p->from == v && p->to == vn->remote_vnet &&
		    p->use_remote_gateways && p->reverse >= 0 &&
		    t->peerings[p->reverse].allow_gateway_transit)
			return vn->remote_vnet;
	}
	return -1;
}

bool engine_gateway_serves(const struct engine *e, int g, int v)
{
	return e->gateway_vnet[v] >= 0 &&
	       e->gateway_vnet[v] == e->topo->gateways[g].vnet;
}

/*
 * Who is learning: the rows learned so far, and the learner's own ranges,
 * sorted, which it never learns back (a site; a VPN gateway, Equal-prefix filter: equal
 * prefixes are filtered).
 */
struct learner {
	const struct engine *e;
	struct vec out;		/* of struct learned_route */
	struct vec own;		/* of struct prefix */
};

static int cmp_prefix(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

static void learn(struct learner *l, const struct prefix *p, int n,
		  const struct learned_route *how)
{
	for (int i = 0; i < n; i++) {
		struct learned_route *r;

		/* bsearch(NULL, 0) is undefined: an ExpressRoute gateway has none */
		if (l->own.n && bsearch(&p[i], l->own.v, (size_t)l->own.n,
					sizeof(struct prefix), cmp_prefix))
			continue;
		r = vec_push(&l->out);
		*r = *how;
		r->prefix = p[i];
	}
}

/* What gateway g advertises: its VNet's and its transit VNets' ranges. */
static void learn_gateway_space(struct learner *l, int g,
				const struct learned_route *how)
{
	const struct topology *t = l->e->topo;

	for (int v = 0; v < t->nvnets; v++)
		if (engine_gateway_serves(l->e, g, v))
			learn(l, t->vnets[v].space, t->vnets[v].nspace, how);
}

static void learn_site_space(struct learner *l, int s,
			     const struct learned_route *how)
{
	const struct site *st = &l->e->topo->sites[s];

	learn(l, st->space, st->nspace, how);
}

static struct learned_route how(enum learned_via via, int target, int conn,
				int site, int gateway)
{
	return (struct learned_route){ .via = via, .target = target,
				       .connection = conn, .site = site,
				       .gateway = gateway };
}

static void add_own(struct learner *l, const struct prefix *p, int n)
{
	for (int i = 0; i < n; i++)
		*(struct prefix *)vec_push(&l->own) = p[i];
}

/* Start learning for a site or a gateway: note what it advertises itself. */
static void learner_init(struct learner *l, const struct engine *e,
			 bool is_site, int who)
{
	const struct topology *t = e->topo;

	*l = (struct learner){ .e = e,
			       .out = { .size = sizeof(struct learned_route) },
			       .own = { .size = sizeof(struct prefix) } };
	if (is_site)
		add_own(l, t->sites[who].space, t->sites[who].nspace);
	/* Equal-prefix filter: a VPN gateway's; ExpressRoute learns every
	 * prefix, an equal one Invalid in the subnets (VNet routes win). */
	for (int v = 0; !is_site && t->gateways[who].type == GW_VPN &&
	     v < t->nvnets; v++)
		if (engine_gateway_serves(e, who, v))
			add_own(l, t->vnets[v].space, t->vnets[v].nspace);
	if (l->own.n) /* qsort(NULL, 0) is undefined */
		qsort(l->own.v, (size_t)l->own.n, sizeof(struct prefix), cmp_prefix);
}

static bool circuit_has_site(const struct circuit *c, int s)
{
	for (int i = 0; i < c->nsites; i++)
		if (c->sites[i] == s)
			return true;
	return false;
}

/* What gateway g learns from the members of circuit c but itself. */
static void learn_circuit(struct learner *l, int g, int conn, int c)
{
	const struct topology *t = l->e->topo;
	const struct circuit *ci = &t->circuits[c];
	struct learned_route h;

	for (int i = 0; i < ci->nsites; i++) {
		h = how(VIA_CIRCUIT, c, conn, ci->sites[i], -1);
		learn_site_space(l, ci->sites[i], &h);
	}
	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *o = &t->connections[i];

		if (o->kind != CONN_CIRCUIT || o->peer != c || o->gateway == g)
			continue;
		h = how(VIA_CIRCUIT, c, conn, -1, o->gateway);
		learn_gateway_space(l, o->gateway, &h);
	}
}

/* ---- VPN BGP transit ---- */

/* Is p equal to or inside one of v's ranges? */
static bool vnet_contains(const struct vnet *v, struct prefix p)
{
	for (int i = 0; i < v->nspace; i++)
		if (prefix_within(p, v->space[i]))
			return true;
	return false;
}

/* A VPN gateway speaking BGP passes routes between its BGP connections. */
static bool transit_gateway(const struct topology *t, int g)
{
	return t->gateways[g].type == GW_VPN && t->gateways[g].bgp;
}

/*
 * Is p, re-advertised by each gateway of the chain from g back to the
 * first one (parent links), passed on? Not 0.0.0.0/0, nor a prefix equal
 * to or inside a relaying gateway's VNets (its own and transit spokes').
 */
static bool transit_passes(const struct engine *e, const int *parent, int g,
			   struct prefix p)
{
	const struct topology *t = e->topo;

	if (!p.len)
		return false;
	for (; g >= 0; g = parent[g])
		for (int v = 0; v < t->nvnets; v++)
			if (engine_gateway_serves(e, g, v) && vnet_contains(&t->vnets[v], p))
				return false;
	return true;
}

static void learn_passed(struct learner *l, const int *parent, int g,
			 const struct prefix *p, int n,
			 const struct learned_route *how)
{
	for (int i = 0; i < n; i++)
		if (transit_passes(l->e, parent, g, p[i]))
			learn(l, &p[i], 1, how);
}

/* Learn gateway h's BGP sites (but skip_site) as h passes them on. */
static void learn_transit_sites(struct learner *l, const int *parent, int h,
				int skip_site, const struct learned_route *how)
{
	const struct topology *t = l->e->topo;

	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];

		if (c->kind == CONN_SITE && c->gateway == h && c->peer != skip_site)
			learn_passed(l, parent, h, t->sites[c->peer].space,
				     t->sites[c->peer].nspace, how);
	}
}

/*
 * What the transit gateways first[0..n) (the learner's BGP neighbours,
 * whose own space the learner already learned) pass on: each one's BGP
 * sites but skip_site, and over VNet-to-VNet connections to further
 * transit gateways, their space and what they pass on in turn. One search
 * from all first hops at once, breadth first: a prefix is learned over the
 * shortest chain of gateways (BGP prefers the shorter AS path), never back
 * through a gateway already on its way (its AS is on the path). seen[]
 * holds the learner, if a gateway.
 */
static void learn_transit(struct learner *l, const int *first, const struct learned_route *hows,
			  int n, int skip_site, bool *seen)
{
	const struct topology *t = l->e->topo;
	int *queue = xmalloc(sizeof(int) * (size_t)t->ngateways);
	int *parent = xmalloc(sizeof(int) * (size_t)t->ngateways);
	struct learned_route *via = xmalloc(sizeof(*via) * (size_t)t->ngateways);
	int head = 0, tail = 0;

	for (int i = 0; i < n; i++) {
		if (seen[first[i]])
			continue;
		seen[first[i]] = true;
		parent[first[i]] = -1;
		via[first[i]] = hows[i];
		queue[tail++] = first[i];
	}
	while (head < tail) {
		int h = queue[head++];

		/* A first hop's own space is learned directly. */
		if (parent[h] >= 0)
			for (int v = 0; v < t->nvnets; v++)
				if (engine_gateway_serves(l->e, h, v))
					learn_passed(l, parent, parent[h], t->vnets[v].space,
						     t->vnets[v].nspace, &via[h]);
		learn_transit_sites(l, parent, h, skip_site, &via[h]);
		for (int i = 0; i < t->nconnections; i++) {
			const struct connection *c = &t->connections[i];
			int peer = c->gateway == h ? c->peer : c->gateway;

			if (c->kind != CONN_VNET2VNET || (c->gateway != h && c->peer != h) ||
			    !transit_gateway(t, peer) || seen[peer])
				continue;
			seen[peer] = true;
			parent[peer] = h;
			via[peer] = via[h];
			queue[tail++] = peer;
		}
	}
	free(queue);
	free(parent);
	free(via);
}

/*
 * VPN BGP transit, after everything learned directly: what the learner's
 * BGP neighbours pass on. For gateway g (when it is a transit gateway
 * itself): its VNet-to-VNet peers that are transit gateways; for site s:
 * the transit gateways it is connected to.
 */
static void learn_through(struct learner *l, bool is_site, int who)
{
	const struct topology *t = l->e->topo;
	int *first = xmalloc(sizeof(int) * (size_t)t->nconnections);
	struct learned_route *hows = xmalloc(sizeof(*hows) * (size_t)t->nconnections);
	bool *seen = xcalloc((size_t)t->ngateways, sizeof(*seen));
	int skip_site = is_site ? who : -1, n = 0;

	if (!is_site && !transit_gateway(t, who))
		goto out;	/* only a transit gateway learns what others pass on */
	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];
		int peer = c->gateway == who ? c->peer : c->gateway;

		if (is_site && c->kind == CONN_SITE && c->peer == who &&
		    transit_gateway(t, c->gateway)) {
			hows[n] = how(VIA_GATEWAY, c->gateway, i, -1, c->gateway);
			first[n++] = c->gateway;
		} else if (!is_site && c->kind == CONN_VNET2VNET &&
			   (c->gateway == who || c->peer == who) && transit_gateway(t, peer)) {
			hows[n] = how(VIA_PEER_GATEWAY, peer, i, -1, peer);
			first[n++] = peer;
		}
	}
	if (!is_site)
		seen[who] = true;
	learn_transit(l, first, hows, n, skip_site, seen);
out:
	free(first);
	free(hows);
	free(seen);
}

/*
 * What gateway g learns (topology.md "Meaning"): a site's addressSpace,
 * a peer gateway's advertised space (one VNet-to-VNet entry joins both
 * directions), every other member of a circuit.
 */
static void learn_gateway(struct learner *l, int g)
{
	const struct topology *t = l->e->topo;

	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];
		struct learned_route h;

		if (c->kind == CONN_VNET2VNET && (c->gateway == g || c->peer == g)) {
			int peer = c->gateway == g ? c->peer : c->gateway;

			h = how(VIA_PEER_GATEWAY, peer, i, -1, peer);
			learn_gateway_space(l, peer, &h);
		} else if (c->gateway != g) {
			continue;
		} else if (c->kind == CONN_SITE) {
			h = how(VIA_SITE, c->peer, i, c->peer, -1);
			learn_site_space(l, c->peer, &h);
		} else {
			learn_circuit(l, g, i, c->peer);
		}
	}
}

/*
 * What site s learns, the other direction: from each gateway it is
 * connected to, directly or through a circuit, that gateway's advertised
 * space; through a circuit, the other member sites' spaces.
 */
static void learn_site(struct learner *l, int s)
{
	const struct topology *t = l->e->topo;
	struct learned_route h;

	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];

		if (c->kind == CONN_SITE && c->peer == s)
			h = how(VIA_GATEWAY, c->gateway, i, -1, c->gateway);
		else if (c->kind == CONN_CIRCUIT &&
			 circuit_has_site(&t->circuits[c->peer], s))
			h = how(VIA_CIRCUIT, c->peer, i, -1, c->gateway);
		else
			continue;
		learn_gateway_space(l, c->gateway, &h);
	}
	for (int c = 0; c < t->ncircuits; c++) {
		const struct circuit *ci = &t->circuits[c];

		if (!circuit_has_site(ci, s))
			continue;
		for (int i = 0; i < ci->nsites; i++) {
			if (ci->sites[i] == s)
				continue;
			h = how(VIA_CIRCUIT, c, -1, ci->sites[i], -1);
			learn_site_space(l, ci->sites[i], &h);
		}
	}
}

/* Learn for a gateway or a site: sorted, one row a prefix. */
static void learn_all(const struct engine *e, bool is_site, int who,
		      struct learned_route **out, int *nout)
{
	struct learner l;

	learner_init(&l, e, is_site, who);
	if (is_site)
		learn_site(&l, who);
	else
		learn_gateway(&l, who);
	learn_through(&l, is_site, who);
	learned_sort_unique(&l.out, out, nout);
	free(l.out.v);
	free(l.own.v);
}

static void build_gateway(struct engine *e, int g)
{
	struct gw_routes *gr = &e->gw[g];

	gr->gateway = g;
	learn_all(e, false, g, &gr->routes, &gr->n);
	lpm_build(gr->routes, sizeof(*gr->routes), gr->n, NULL, LPM(gr));
}

static struct site_routes site_row(const struct learned_route *lr)
{
	return (struct site_routes){
		.prefix = lr->prefix, .gateway = lr->gateway,
		.circuit = lr->via == VIA_CIRCUIT ? lr->target : -1,
		.site = lr->site, .connection = lr->connection,
	};
}

/* A site's row as the learned route its path hop follows. */
static struct learned_route site_hop(const struct site_routes *r)
{
	struct learned_route lr = how(r->circuit >= 0 ? VIA_CIRCUIT : VIA_GATEWAY,
				      r->circuit >= 0 ? r->circuit : r->gateway,
				      r->connection, r->site, r->gateway);

	lr.prefix = r->prefix;
	return lr;
}

static void build_site(struct engine *e, int s)
{
	struct learned_route *lr;
	struct site_routes *rows;
	int n;

	learn_all(e, true, s, &lr, &n);
	rows = xmalloc(sizeof(*rows) * (size_t)n);
	for (int i = 0; i < n; i++)
		rows[i] = site_row(&lr[i]);
	free(lr);
	e->site_routes[s] = rows;
	e->nsite_routes[s] = n;
	lpm_build(rows, sizeof(*rows), n, NULL, LPM(&e->site_lpm[s]));
}

/* ---- a subnet's own rows: Default and User ---------------------------- */

static struct eff_route route_new(struct prefix p, enum route_source src,
				  enum next_hop_type type)
{
	return (struct eff_route){ .prefix = p, .source = src, .active = true,
				   .type = type, .peer_vnet = -1,
				   .gateway = -1, .route_table = -1,
				   .udr = -1 };
}

static void add_row(struct vec *rows, struct eff_route r)
{
	*(struct eff_route *)vec_push(rows) = r;
}

/*
 * Reserved prefix in the address space: a reserved None prefix is kept
 * unless a range equals it (the range's VnetLocal row stands for it) or
 * strictly contains it.
 */
static void add_none_rows(struct vec *rows, const struct vnet *v,
			  const struct prefix *p, int n)
{
	for (int i = 0; i < n; i++)
		if (!vnet_contains(v, p[i]))
			add_row(rows, route_new(p[i], SRC_DEFAULT, NH_NONE));
}

/* Address space, Internet default, Reserved prefixes, More reserved prefixes. */
static void add_default_rows(struct vec *rows, const struct engine *e,
			     const struct vnet *v)
{
	static const struct prefix any = { 0, 0 };

	for (int i = 0; i < v->nspace; i++)
		add_row(rows, route_new(v->space[i], SRC_DEFAULT, NH_VNET_LOCAL));
	add_row(rows, route_new(any, SRC_DEFAULT, NH_INTERNET));
	add_none_rows(rows, v, reserved_none,
		      sizeof(reserved_none) / sizeof(reserved_none[0]));
	add_none_rows(rows, v, e->opts.extra_none, e->opts.nextra_none);
}

/* Peering routes: one row per range of each connected peer. */
static void add_peering_rows(struct vec *rows, const struct topology *t, int v)
{
	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];
		const struct vnet *w = &t->vnets[p->to];
		enum next_hop_type type = p->global ? NH_VNET_GLOBAL_PEERING
						    : NH_VNET_PEERING;

		if (p->from != v || p->reverse < 0)
			continue;
		for (int r = 0; r < w->nspace; r++) {
			struct eff_route row = route_new(w->space[r], SRC_DEFAULT, type);

			row.peer_vnet = p->to;
			add_row(rows, row);
		}
	}
}

/* User routes: the subnet's route table. */
static void add_user_rows(struct vec *rows, const struct engine *e,
			  const struct subnet *s)
{
	const struct topology *t = e->topo;
	const struct route_table *rt;

	if (s->route_table < 0)
		return;
	rt = &t->route_tables[s->route_table];
	for (int i = 0; i < rt->nroutes; i++) {
		const struct udr *u = &rt->routes[i];
		struct eff_route row = route_new(u->prefix, SRC_USER, u->type);

		row.next_hop_ip = u->type == NH_APPLIANCE ? u->next_hop_ip : 0;
		/* Gateway next hop needs a lone VPN gateway (checked at load). */
		row.gateway = u->type == NH_GATEWAY && e->gateway_vnet[s->vnet] >= 0 ?
			t->vnets[e->gateway_vnet[s->vnet]].gateways[GW_VPN] : -1;
		row.route_table = s->route_table;
		row.udr = i;
		/* VnetLocal outside the VNet: programmed as None. */
		row.vnet_local_as_none = u->type == NH_VNET_LOCAL &&
			!vnet_contains(&t->vnets[s->vnet], u->prefix);
		add_row(rows, row);
	}
}

/* ---- settling states ------------------------------------------------- */

int gw_routes_lower_bound(const struct gw_routes *gw, struct prefix p)
{
	int lo = 0, hi = gw->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (prefix_cmp(&gw->routes[mid].prefix, &p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int gw_routes_find(const struct gw_routes *gw, struct prefix p)
{
	int i = gw_routes_lower_bound(gw, p);

	return i < gw->n && prefix_equal(gw->routes[i].prefix, p) ? i : -1;
}

/* Is i in the sorted list v of n? */
static bool in_sorted(const int *v, int n, int i)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (v[mid] == i)
			return true;
		if (v[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool route_set_gw_invalid(const struct route_set *rs, int i)
{
	return in_sorted(rs->gw_invalid, rs->ngw_invalid, i);
}

bool route_set_vpn_invalid(const struct route_set *rs, int i)
{
	return in_sorted(rs->vpn_invalid, rs->nvpn_invalid, i);
}

static bool is_peering(enum next_hop_type t)
{
	return t == NH_VNET_PEERING || t == NH_VNET_GLOBAL_PEERING;
}

/* VNet routes win: Active VNet and peering prefixes beat equal or nested gateway routes. */
static bool protects(const struct eff_route *r)
{
	return r->active && !r->vnet_local_as_none &&
	       (r->type == NH_VNET_LOCAL || is_peering(r->type));
}

/*
 * The own rows' indices sorted by prefix (prefix_cmp, then index): equal
 * prefixes are adjacent and a prefix comes before the prefixes nested in
 * it. What keeps settling O(n log n) in the rows of a route table.
 */
static int *own_by_prefix(const struct route_set *rs)
{
	struct rows_ctx ctx = { rs->own, sizeof(*rs->own) };
	int *idx = xmalloc(sizeof(int) * (size_t)rs->nown);

	for (int i = 0; i < rs->nown; i++)
		idx[i] = i;
	qsort_r(idx, (size_t)rs->nown, sizeof(int), cmp_prefix_then_index, &ctx);
	return idx;
}

/* User beats Default: a User row beats the Default rows of its prefix. */
static void user_beats_default(struct route_set *rs, const int *by_prefix)
{
	struct eff_route *own = rs->own;

	for (int i = 0, end; i < rs->nown; i = end) {
		bool user = false;

		for (end = i; end < rs->nown &&
		     prefix_equal(own[by_prefix[end]].prefix, own[by_prefix[i]].prefix); end++)
			user |= own[by_prefix[end]].source == SRC_USER;
		for (int j = i; user && j < end; j++)
			if (own[by_prefix[j]].source == SRC_DEFAULT)
				own[by_prefix[j]].active = false;
	}
}

/* Sort and deduplicate inv into *out. */
static void sorted_unique(struct vec *inv, int **out, int *nout)
{
	int *v = inv->v, n = 0;

	if (inv->n) /* qsort(NULL, 0) is undefined */
		qsort(v, (size_t)inv->n, sizeof(int), cmp_int);
	for (int i = 0; i < inv->n; i++)
		if (!n || v[i] != v[n - 1])
			v[n++] = v[i];
	*out = v;
	*nout = n;
}

/*
 * The rows of gateway set gw Invalid in this subnet, found by range search
 * over the sorted gateway routes, never by a walk over all of them: equal
 * to a User row (User beats gateway), equal to or nested in a protecting
 * row (VNet routes win).
 * Rows are taken in prefix order, and a protecting row nested in the
 * previous one walked adds nothing, so each gateway row is walked over at
 * most once. With beats (the coexisting ExpressRoute gateway's set), also
 * the rows of a prefix beats has (ExpressRoute beats VPN).
 */
static void find_gw_invalid(const struct route_set *rs, const int *by_prefix,
			    const struct gw_routes *gw, const struct gw_routes *beats,
			    int **out, int *nout)
{
	struct vec inv = { .size = sizeof(int) };
	bool walked = false;
	uint32_t walked_last = 0;

	for (int k = 0; k < rs->nown; k++) {
		const struct eff_route *r = &rs->own[by_prefix[k]];
		int j;

		if (protects(r) && !(walked && r->prefix.addr <= walked_last)) {
			walked = true;
			walked_last = prefix_last(r->prefix);
			j = gw_routes_lower_bound(gw, r->prefix);
			for (; j < gw->n && gw->routes[j].prefix.addr <= walked_last; j++)
				vec_push_int(&inv, j);
		} else if (r->source == SRC_USER && !protects(r)) {
			j = gw_routes_find(gw, r->prefix);
			if (j >= 0)
				vec_push_int(&inv, j);
		}
	}
	for (int j = 0; beats && j < gw->n; j++)
		if (gw_routes_find(beats, gw->routes[j].prefix) >= 0)
			vec_push_int(&inv, j);
	sorted_unique(&inv, out, nout);
}

/* Is there an Active gateway route with exactly prefix p (either set)? */
static bool gw_active(const struct route_set *rs, struct prefix p)
{
	int i = rs->gw ? gw_routes_find(rs->gw, p) : -1;

	if (i >= 0 && !route_set_gw_invalid(rs, i))
		return true;
	i = rs->vpn ? gw_routes_find(rs->vpn, p) : -1;
	return i >= 0 && !route_set_vpn_invalid(rs, i);
}

/* The next hop type of the subnet's Active 0.0.0.0/0 (User > gateway > Default). */
static enum next_hop_type active_default_route(const struct route_set *rs)
{
	static const struct prefix any = { 0, 0 };

	for (int i = 0; i < rs->nown; i++)
		if (rs->own[i].source == SRC_USER && rs->own[i].prefix.len == 0)
			return rs->own[i].vnet_local_as_none ? NH_NONE
							     : rs->own[i].type;
	return gw_active(rs, any) ? NH_GATEWAY : NH_INTERNET;
}

static bool is_default_none(const struct eff_route *r)
{
	return r->source == SRC_DEFAULT && r->type == NH_NONE;
}

/* Forced tunnel removes reserved prefixes (a reading): under a forced-tunnel 0/0. */
static void remove_reserved_none(struct route_set *rs)
{
	enum next_hop_type zero = active_default_route(rs);
	int n = 0;

	if (zero != NH_APPLIANCE && zero != NH_GATEWAY)
		return;
	for (int i = 0; i < rs->nown; i++)
		if (!is_default_none(&rs->own[i]))
			rs->own[n++] = rs->own[i];
	rs->nown = n;
}

/* Gateway beats Default: an Active gateway route beats the Default rows of its prefix. */
static void gateway_beats_default(struct route_set *rs)
{
	for (int i = 0; i < rs->nown; i++)
		if (rs->own[i].source == SRC_DEFAULT && rs->own[i].active &&
		    gw_active(rs, rs->own[i].prefix))
			rs->own[i].active = false;
}

static bool row_active(const void *row)
{
	return ((const struct eff_route *)row)->active;
}

/*
 * Settle states in the order the rules need: User over Default, then the
 * gateway rows that lose, then the Active 0/0 decides whether the reserved
 * prefixes go (Forced tunnel removes reserved prefixes), then gateway
 * over what remains of Default.
 */
static void settle(struct route_set *rs)
{
	int *by_prefix = own_by_prefix(rs);

	user_beats_default(rs, by_prefix);
	if (rs->gw)
		find_gw_invalid(rs, by_prefix, rs->gw, NULL,
				&rs->gw_invalid, &rs->ngw_invalid);
	if (rs->vpn)
		find_gw_invalid(rs, by_prefix, rs->vpn, rs->gw,
				&rs->vpn_invalid, &rs->nvpn_invalid);
	free(by_prefix);
	remove_reserved_none(rs);
	gateway_beats_default(rs);
	lpm_build(rs->own, sizeof(*rs->own), rs->nown, row_active, LPM(&rs->active));
}

/* Subnet s's effective routes: its own rows, its gateway sets, settled. */
static void build_route_set(struct engine *e, int s)
{
	const struct topology *t = e->topo;
	const struct subnet *sn = &t->subnets[s];
	const struct route_table *rt = sn->route_table >= 0 ?
		&t->route_tables[sn->route_table] : NULL;
	struct route_set *rs = &e->sets[s];
	struct vec rows = { .size = sizeof(struct eff_route) };
	int hv = e->gateway_vnet[sn->vnet];
	const int *gws = hv >= 0 ? t->vnets[hv].gateways : NULL;

	rs->subnet = s;
	add_default_rows(&rows, e, &t->vnets[sn->vnet]);
	add_peering_rows(&rows, t, sn->vnet);
	add_user_rows(&rows, e, sn);
	rs->own = rows.v;
	rs->nown = rows.n;
	/*
	 * Gateway routes, Gateway transit; Route propagation disabled drops
	 * every gateway row. Coexisting gateways: the ExpressRoute one's set first.
	 */
	if (gws && !(rt && rt->disable_bgp_route_propagation)) {
		int er = gws[GW_EXPRESSROUTE], vpn = gws[GW_VPN];

		rs->gw = &e->gw[er >= 0 ? er : vpn];
		rs->vpn = er >= 0 && vpn >= 0 ? &e->gw[vpn] : NULL;
	}
	settle(rs);
}

/* ---- build and free ------------------------------------------------- */

void engine_build(struct engine *e, const struct topology *t)
{
	engine_build_opts(e, t, NULL);
}

void engine_build_opts(struct engine *e, const struct topology *t,
		       const struct engine_opts *o)
{
	memset(e, 0, sizeof(*e));
	e->topo = t;
	if (o)
		e->opts = *o;
	e->gw = xcalloc((size_t)t->ngateways, sizeof(*e->gw));
	e->sets = xcalloc((size_t)t->nsubnets, sizeof(*e->sets));
	e->site_routes = xcalloc((size_t)t->nsites, sizeof(*e->site_routes));
	e->nsite_routes = xcalloc((size_t)t->nsites, sizeof(*e->nsite_routes));
	e->site_lpm = xcalloc((size_t)t->nsites, sizeof(*e->site_lpm));
	e->gateway_vnet = xcalloc((size_t)t->nvnets, sizeof(int));
	for (int v = 0; v < t->nvnets; v++)
		e->gateway_vnet[v] = find_gateway_vnet(t, v);
	for (int g = 0; g < t->ngateways; g++)
		build_gateway(e, g);
	for (int s = 0; s < t->nsites; s++)
		build_site(e, s);
	for (int s = 0; s < t->nsubnets; s++)
		build_route_set(e, s);
}


void engine_free(struct engine *e)
{
	const struct topology *t = e->topo;

	for (int g = 0; e->gw && g < t->ngateways; g++) {
		free(e->gw[g].routes);
		free(e->gw[g].by_len[0]);
	}
	for (int s = 0; e->sets && s < t->nsubnets; s++) {
		free(e->sets[s].own);
		free(e->sets[s].gw_invalid);
		free(e->sets[s].vpn_invalid);
		free(e->sets[s].active.by_len[0]);
	}
	for (int s = 0; e->site_routes && s < t->nsites; s++) {
		free(e->site_routes[s]);
		if (e->site_lpm)
			free(e->site_lpm[s].by_len[0]);
	}
	free(e->gw);
	free(e->sets);
	free(e->site_routes);
	free(e->nsite_routes);
	free(e->site_lpm);
	free(e->gateway_vnet);
	memset(e, 0, sizeof(*e));
}

/* ---- reading routes --------------------------------------------------- */

int route_set_count(const struct route_set *rs)
{
	return rs->nown + (rs->gw ? rs->gw->n : 0) + (rs->vpn ? rs->vpn->n : 0);
}

/*
 * Gateway routes. Hot (every row of every subnet may be read back): fields are
 * stored one by one, which compiles to plain stores rather than a struct
 * built on the stack and copied.
 */
void engine_gateway_row(const struct engine *e, int g, int i, struct eff_route *out)
{
	out->prefix = e->gw[g].routes[i].prefix;
	out->source = SRC_GATEWAY;
	out->active = true;
	out->type = NH_GATEWAY;
	out->next_hop_ip = e->topo->gateways[g].ip;
	out->peer_vnet = -1;
	out->gateway = g;
	out->route_table = -1;
	out->udr = -1;
	out->vnet_local_as_none = false;
}

/* A gateway row as the subnet sees it: Invalid there or not. */
static const struct eff_route *gw_row(const struct engine *e,
				      const struct gw_routes *gw, bool invalid,
				      int i, struct eff_route *tmp)
{
	engine_gateway_row(e, gw->gateway, i, tmp);
	tmp->active = !invalid;
	return tmp;
}

const struct eff_route *route_set_row(const struct engine *e,
				      const struct route_set *rs, int i,
				      struct eff_route *tmp)
{
	int ngw = rs->gw ? rs->gw->n : 0;

	if (i < rs->nown)
		return &rs->own[i];
	i -= rs->nown;
	if (i < ngw)
		return gw_row(e, rs->gw, route_set_gw_invalid(rs, i), i, tmp);
	i -= ngw;
	return gw_row(e, rs->vpn, route_set_vpn_invalid(rs, i), i, tmp);
}

/*
 * Longest prefix: the longest Active own row, unless an Active gateway row
 * is longer (at an equal prefix only one of them can be Active).
 */
int route_set_match(const struct route_set *rs, struct prefix p)
{
	int own = lpm_covering(LPM(&rs->active), p.len, p.addr);
	int own_len = own >= 0 ? rs->own[own].prefix.len : -1;

	for (int len = p.len; rs->gw && len > own_len; len--) {
		int i = rs->gw->nby_len[len] ? lpm_find(LPM(rs->gw), len, p.addr) : -1;

		if (i >= 0 && !route_set_gw_invalid(rs, i))
			return rs->nown + i;
		i = rs->vpn && rs->vpn->nby_len[len] ?
			lpm_find(LPM(rs->vpn), len, p.addr) : -1;
		if (i >= 0 && !route_set_vpn_invalid(rs, i))
			return rs->nown + rs->gw->n + i;
	}
	return own;
}

const struct eff_route *engine_lookup(const struct engine *e, int subnet,
				      uint32_t dst, struct eff_route *tmp)
{
	const struct route_set *rs = &e->sets[subnet];
	int i = route_set_match(rs, (struct prefix){ dst, 32 });

	return i >= 0 ? route_set_row(e, rs, i, tmp) : NULL;
}

int route_set_invalid_gw(const struct route_set *rs, int k)
{
	return k < rs->ngw_invalid ? rs->gw_invalid[k] : -1;
}

static bool same_row(const struct eff_route *a, const struct eff_route *b)
{
	return prefix_equal(a->prefix, b->prefix) && a->source == b->source &&
	       a->active == b->active && a->type == b->type &&
	       a->next_hop_ip == b->next_hop_ip && a->peer_vnet == b->peer_vnet &&
	       a->gateway == b->gateway && a->route_table == b->route_table &&
	       a->udr == b->udr && a->vnet_local_as_none == b->vnet_local_as_none;
}

bool route_set_equal(const struct route_set *a, const struct route_set *b)
{
	if (a->nown != b->nown || a->gw != b->gw || a->ngw_invalid != b->ngw_invalid ||
	    (a->ngw_invalid && memcmp(a->gw_invalid, b->gw_invalid,
				      (size_t)a->ngw_invalid * sizeof(int))) ||
	    a->vpn != b->vpn || a->nvpn_invalid != b->nvpn_invalid ||
	    (a->nvpn_invalid && memcmp(a->vpn_invalid, b->vpn_invalid,
				       (size_t)a->nvpn_invalid * sizeof(int))))
		return false;
	for (int i = 0; i < a->nown; i++)
		if (!same_row(&a->own[i], &b->own[i]))
			return false;
	return true;
}

/* ---- firewall NVAs -------------------------------------------------- */

static bool ports_match(const struct fw_rule *r, const struct flow *f)
{
	if (!r->nports || (f->proto != FW_TCP && f->proto != FW_UDP))
		return true;
	for (int i = 0; i < r->nports; i++)
		if (f->dport >= r->ports[i].lo && f->dport <= r->ports[i].hi)
			return true;
	return false;
}

static bool rule_matches(const struct fw_rule *r, const struct flow *f)
{
	return (r->protocol == FW_ANY || r->protocol == f->proto) &&
	       addr_list_has(&r->source, f->src) &&
	       addr_list_has(&r->destination, f->dst) && ports_match(r, f);
}

enum fw_action firewall_eval(const struct firewall *fw, const struct flow *f,
			     const struct fw_rule **rule)
{
	for (int i = 0; i < fw->nrules; i++) {
		if (rule_matches(&fw->rules[i], f)) {
			*rule = &fw->rules[i];
			return fw->rules[i].action;
		}
	}
	*rule = NULL;
	return fw->default_action;
}

/* ---- the path ------------------------------------------------------- */

const char *drop_reason_name(enum drop_reason r)
{
	static const char *const names[DROP__COUNT] = {
		[DROP_NONE_ROUTE] = "NoneRoute",
		[DROP_NO_OWNER] = "NoNicOwnsAddress",
		[DROP_NO_IP_FORWARDING] = "IpForwardingDisabled",
		[DROP_PEERING_ACCESS] = "PeeringAccessDenied",
		[DROP_FORWARDED_TRAFFIC] = "ForwardedTrafficNotAllowed",
		[DROP_FIREWALL] = "FirewallDenied",
		[DROP_NO_GATEWAY_ROUTE] = "NoGatewayRoute",
		[DROP_NVA_UNREACHABLE] = "VirtualApplianceUnreachable",
		[DROP_LOOP] = "RoutingLoop",
	};
	return (unsigned)r < DROP__COUNT ? names[r] : "Unknown";
}

struct walk {
	const struct engine *e;
	const struct topology *t;
	const struct flow *f;
	struct path *p;
};

/* Where the packet is routed next. */
struct cursor {
	enum hop_kind kind;	/* HOP_SUBNET or HOP_GATEWAY */
	int where;
	int sender;		/* HOP_SUBNET: the sending VM; -1: the gateway (GatewaySubnet entry) */
};

static bool drop(struct walk *w, enum drop_reason r)
{
	w->p->result = PATH_DROPPED;
	w->p->drop = r;
	return false;
}

static bool deliver(struct walk *w, enum path_to kind, int to)
{
	w->p->result = PATH_DELIVERED;
	w->p->to_kind = kind;
	w->p->to = to;
	return false;
}

static struct hop *hop_add(struct walk *w, enum hop_kind kind, int where)
{
	struct hop *h = &w->p->hops[w->p->nhops++];

	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->where = where;
	h->route = route_new((struct prefix){ 0, 0 }, SRC_DEFAULT, NH_NONE);
	h->learned = how(VIA_VNET, -1, -1, -1, -1);
	h->vm = -1;
	return h;
}

static bool visited(const struct path *p, enum hop_kind kind, int where)
{
	for (int i = 0; i < p->nhops; i++)
		if (p->hops[i].kind == kind && p->hops[i].where == where)
			return true;
	return false;
}

/*
 * Peering access (a reading): either side's allowVirtualNetworkAccess
 * false closes the peering both ways; Forwarded traffic: W's
 * allowForwardedTraffic.
 */
enum peering_crossing engine_peering_crossing(const struct engine *e, int from, int to)
{
	const struct topology *t = e->topo;

	if (from == to)
		return CROSSING_OPEN;
	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];

		if (p->from != from || p->to != to || p->reverse < 0)
			continue;
		if (!p->allow_vnet_access || !t->peerings[p->reverse].allow_vnet_access)
			return CROSSING_DENIED;
		/* The receiver's own peering object decides (a reading). */
		return t->peerings[p->reverse].allow_forwarded_traffic ?
			       CROSSING_OPEN : CROSSING_LOCAL_ONLY;
	}
	return CROSSING_DENIED;
}

/*
 * Crossing the peering V->W: a source outside V not relayed by a gateway
 * (sender -1) is forwarded traffic.
 */
static bool cross(struct walk *w, int v, int to, int sender)
{
	switch (engine_peering_crossing(w->e, v, to)) {
	case CROSSING_DENIED:
		return drop(w, DROP_PEERING_ACCESS);
	case CROSSING_LOCAL_ONLY:
		if (sender >= 0 && !vnet_has(&w->t->vnets[v], w->f->src))
			return drop(w, DROP_FORWARDED_TRAFFIC);
		return true;
	case CROSSING_OPEN:
	default:
		return true;
	}
}

/* From the NIC: a VM puts a packet on the wire from its subnet. */
static bool vm_send(struct walk *w, int vm, struct cursor *c)
{
	const struct vm *m = &w->t->vms[vm];

	/* A foreign source address needs IP forwarding. */
	if (w->f->src != m->ip && !m->enable_ip_forwarding)
		return drop(w, DROP_NO_IP_FORWARDING);
	*c = (struct cursor){ HOP_SUBNET, m->subnet, vm };
	return true;
}

/* VnetLocal or peering: the NIC owning dst in VNet `to`. */
static bool deliver_in(struct walk *w, struct hop *h, int v, int to, int sender)
{
	const struct vnet *vn = &w->t->vnets[to];
	int vm;

	if (to != v && !cross(w, v, to, sender))
		return false;
	vm = topo_vm_by_ip(w->t, to, w->f->dst);
	if (vm >= 0) {
		h->vm = vm;
		return deliver(w, TO_VM, vm);
	}
	for (int k = 0; k < GW__COUNT; k++)
		if (vn->gateways[k] >= 0 && w->t->gateways[vn->gateways[k]].ip == w->f->dst)
			return deliver(w, TO_GATEWAY, vn->gateways[k]);
	return drop(w, DROP_NO_OWNER);
}

int engine_appliance(const struct engine *e, int vnet, uint32_t ip)
{
	const struct topology *t = e->topo;
	int vm = topo_vm_by_ip(t, vnet, ip);

	for (int i = 0; i < t->npeerings && vm < 0; i++) {
		const struct peering *p = &t->peerings[i];

		if (p->from == vnet && p->reverse >= 0)
			vm = topo_vm_by_ip(t, p->to, ip);
	}
	return vm;
}

static struct route_target target(enum route_target_kind kind, int vnet,
				  int vm, int gateway)
{
	return (struct route_target){ .kind = kind, .vnet = vnet, .vm = vm,
				      .gateway = gateway };
}

static struct route_target target_drop(enum drop_reason why)
{
	struct route_target to = target(TARGET_DROP, -1, -1, -1);

	to.drop = why;
	return to;
}

struct route_target engine_route_target(const struct engine *e, int vnet,
					const struct eff_route *r)
{
	int vm;

	switch (r->type) {
	case NH_VNET_LOCAL:
		if (r->vnet_local_as_none)	/* VnetLocal outside the VNet */
			return target_drop(DROP_NONE_ROUTE);
		return target(TARGET_VNET, vnet, -1, -1);
	case NH_VNET_PEERING:
	case NH_VNET_GLOBAL_PEERING:
		return target(TARGET_VNET, r->peer_vnet, -1, -1);
	case NH_APPLIANCE:
		vm = engine_appliance(e, vnet, r->next_hop_ip);
		if (vm < 0)
			return target_drop(DROP_NVA_UNREACHABLE);	/* Unreachable appliance */
		return target(TARGET_APPLIANCE, e->topo->vms[vm].vnet, vm, -1);
	case NH_GATEWAY:
		if (r->gateway < 0)
			return target_drop(DROP_NO_GATEWAY_ROUTE);
		/* Peering access: gateway transit crosses the peering; Gateway relays: no forwarded check. */
		if (engine_peering_crossing(e, vnet, e->topo->gateways[r->gateway].vnet) ==
		    CROSSING_DENIED)
			return target_drop(DROP_PEERING_ACCESS);
		return target(TARGET_GATEWAY, -1, -1, r->gateway);
	case NH_INTERNET:
		return target(TARGET_INTERNET, -1, -1, -1);
	case NH_NONE:
	default:
		return target_drop(DROP_NONE_ROUTE);
	}
}

/* VirtualAppliance: deliver unchanged to the NVA, which forwards it. */
static bool to_appliance(struct walk *w, struct hop *h, int v,
			 const struct route_target *to, struct cursor *c)
{
	const struct vm *m;
	const struct fw_rule *rule;

	if (to->vnet != v && !cross(w, v, to->vnet, c->sender))
		return false;
	h->vm = to->vm;
	m = &w->t->vms[to->vm];
	if (w->f->dst == m->ip)
		return deliver(w, TO_VM, to->vm);
	if (!m->enable_ip_forwarding)
		return drop(w, DROP_NO_IP_FORWARDING);
	if (m->firewall) {
		enum fw_action verdict = firewall_eval(m->firewall, w->f, &rule);

		h->fw_rule = rule ? rule->name : NULL;
		if (verdict == FW_DENY)
			return drop(w, DROP_FIREWALL);
	}
	return vm_send(w, to->vm, c);
}

static bool subnet_step(struct walk *w, struct cursor *c)
{
	struct hop *h = hop_add(w, HOP_SUBNET, c->where);
	int v = w->t->subnets[c->where].vnet;
	struct eff_route tmp;
	const struct eff_route *r = engine_lookup(w->e, c->where, w->f->dst, &tmp);
	struct route_target to;

	if (!r)
		return drop(w, DROP_NONE_ROUTE);
	h->route = *r;
	to = engine_route_target(w->e, v, r);
	switch (to.kind) {
	case TARGET_VNET:
		return deliver_in(w, h, v, to.vnet, c->sender);
	case TARGET_APPLIANCE:
		return to_appliance(w, h, v, &to, c);
	case TARGET_GATEWAY:
		*c = (struct cursor){ HOP_GATEWAY, to.gateway, -1 };
		return true;
	case TARGET_INTERNET:
		return deliver(w, TO_INTERNET, -1);
	case TARGET_DROP:
	default:
		return drop(w, to.drop);
	}
}

static bool site_arrive(struct walk *w, int s, struct cursor *c);

/* Follow a learned route out of a gateway or a site. */
static bool follow(struct walk *w, const struct learned_route *lr,
		   struct cursor *c)
{
	switch (lr->via) {
	case VIA_CIRCUIT:
		hop_add(w, HOP_CIRCUIT, lr->target)->learned = *lr;
		if (lr->site >= 0)
			return site_arrive(w, lr->site, c);
		*c = (struct cursor){ HOP_GATEWAY, lr->gateway, -1 };
		return true;
	case VIA_PEER_GATEWAY:
	case VIA_GATEWAY:
		*c = (struct cursor){ HOP_GATEWAY, lr->gateway, -1 };
		return true;
	case VIA_VNET:	/* GatewaySubnet entry */
		*c = (struct cursor){ HOP_SUBNET, lr->target, -1 };
		return true;
	case VIA_SITE:
		break;
	}
	return site_arrive(w, lr->site, c);
}

/* The VNet range of gateway g's own or transit VNets holding p. */
static bool gateway_vnet_route(const struct engine *e, int g, struct prefix p,
			       struct learned_route *out)
{
	const struct topology *t = e->topo;

	for (int v = 0; v < t->nvnets; v++) {
		const struct vnet *vn = &t->vnets[v];

		if (!engine_gateway_serves(e, g, v))
			continue;
		for (int i = 0; i < vn->nspace; i++) {
			if (!prefix_within(p, vn->space[i]))
				continue;
			*out = how(VIA_VNET, t->gateways[g].subnet, -1, -1, -1);
			out->prefix = vn->space[i];
			return true;
		}
	}
	return false;
}

/* The connection joining gateway g to site s, -1: none. */
static int site_connection(const struct topology *t, int g, int s)
{
	for (int i = 0; i < t->nconnections; i++)
		if (t->connections[i].gateway == g &&
		    t->connections[i].kind == CONN_SITE &&
		    t->connections[i].peer == s)
			return i;
	return -1;
}

/*
 * A gateway forwards: its own and transit VNets through the GatewaySubnet
 * (GatewaySubnet entry; they beat learned routes, VNet routes win), else its
 * learned routes (LPM), else a VPN gateway's Default site. The lab
 * plan places exactly these routes in the gateway's namespace.
 */
const struct learned_route *engine_gateway_route(const struct engine *e, int g,
						 struct prefix p,
						 struct learned_route *tmp)
{
	const struct gw_routes *gr = &e->gw[g];
	const struct gateway *gw = &e->topo->gateways[g];
	int i;

	if (gateway_vnet_route(e, g, p, tmp))
		return tmp;
	i = lpm_covering(LPM(gr), p.len, p.addr);
	if (i >= 0)
		return &gr->routes[i];
	if (gw->type != GW_VPN || gw->default_site < 0)
		return NULL;
	*tmp = how(VIA_SITE, gw->default_site,
		   site_connection(e->topo, g, gw->default_site),
		   gw->default_site, -1);
	return tmp;
}

static bool gateway_step(struct walk *w, struct cursor *c)
{
	struct hop *h = hop_add(w, HOP_GATEWAY, c->where);
	struct learned_route tmp;
	const struct learned_route *lr;

	if (w->t->gateways[c->where].ip == w->f->dst)
		return deliver(w, TO_GATEWAY, c->where);
	lr = engine_gateway_route(w->e, c->where,
				  (struct prefix){ w->f->dst, 32 }, &tmp);
	if (!lr)
		return drop(w, DROP_NO_GATEWAY_ROUTE);
	h->learned = *lr;
	return follow(w, lr, c);
}

/*
 * A site routes by longest prefix too: its own space (the packet stays)
 * and what it learned, the longer match winning, so that a site with a
 * summary or 0.0.0.0/0 of its own still sends to Azure the more specific
 * prefixes it learned. (A site never learns a prefix equal to its own.)
 * The lab plan places exactly these routes in the site's namespace.
 */
const struct learned_route *engine_site_route(const struct engine *e, int s,
					      struct prefix p,
					      struct learned_route *tmp)
{
	const struct site *st = &e->topo->sites[s];
	int own = -1, i;

	for (i = 0; i < st->nspace; i++)
		if (prefix_within(p, st->space[i]) &&
		    (own < 0 || st->space[i].len > st->space[own].len))
			own = i;
	i = lpm_covering(LPM(&e->site_lpm[s]), p.len, p.addr);
	if (i >= 0 && (own < 0 || e->site_routes[s][i].prefix.len > st->space[own].len)) {
		*tmp = site_hop(&e->site_routes[s][i]);
		return tmp;
	}
	if (own < 0)
		return NULL;
	*tmp = how(VIA_SITE, s, -1, s, -1);
	tmp->prefix = st->space[own];
	return tmp;
}

/*
 * Site longest prefix, for a packet a site receives: one for its own space
 * (or that it has no route for) stays there; one for a prefix it learned a
 * longer route to goes on, as the lab's site forwards it (a site between
 * an ExpressRoute circuit and a VPN gateway carries the other's prefixes).
 */
static bool site_arrive(struct walk *w, int s, struct cursor *c)
{
	struct learned_route tmp;
	const struct learned_route *lr;
	struct hop *h;

	lr = engine_site_route(w->e, s, (struct prefix){ w->f->dst, 32 }, &tmp);
	if (!lr || lr->via == VIA_SITE)
		return deliver(w, TO_SITE, s);
	if (visited(w->p, HOP_SITE, s) || w->p->nhops + 3 > PATH_MAX_HOPS)
		return drop(w, DROP_LOOP);
	h = hop_add(w, HOP_SITE, s);
	h->learned = *lr;
	return follow(w, &h->learned, c);
}

/* A site host sends: by Site longest prefix (then GatewaySubnet entry). */
static bool site_send(struct walk *w, int s, struct cursor *c)
{
	struct learned_route tmp;
	const struct learned_route *lr;
	struct hop *h;

	lr = engine_site_route(w->e, s, (struct prefix){ w->f->dst, 32 }, &tmp);
	if (lr && lr->via == VIA_SITE)
		return deliver(w, TO_SITE, s);
	h = hop_add(w, HOP_SITE, s);
	if (!lr)
		return drop(w, DROP_NO_GATEWAY_ROUTE);
	h->learned = *lr;
	return follow(w, &h->learned, c);
}

static bool step(struct walk *w, struct cursor *c)
{
	/* A step adds at most two hops (a gateway and a circuit). */
	if (visited(w->p, c->kind, c->where) || w->p->nhops + 2 > PATH_MAX_HOPS)
		return drop(w, DROP_LOOP);
	return c->kind == HOP_SUBNET ? subnet_step(w, c) : gateway_step(w, c);
}

void engine_path(const struct engine *e, struct origin from,
		 const struct flow *f, struct path *out)
{
	struct walk w = { e, e->topo, f, out };
	struct cursor c;
	bool go;

	memset(out, 0, sizeof(*out));
	out->to_kind = TO_NONE;
	out->to = -1;
	if (from.is_gateway) {	/* Gateway's own address: it answers, and routes its answer */
		c = (struct cursor){ HOP_GATEWAY, from.index, -1 };
		go = true;
	} else {
		go = from.is_site ? site_send(&w, from.index, &c)
				  : vm_send(&w, from.index, &c);
	}
	while (go)
		go = step(&w, &c);
}

const char *eff_route_source_name(enum route_source src)
{
	switch (src) {
	case SRC_USER:
		return "User";
	case SRC_GATEWAY:
		return "VirtualNetworkGateway";
	default:
		return "Default";
	}
}

enum next_hop_type eff_route_next_hop_type(const struct eff_route *r)
{
	return r->vnet_local_as_none ? NH_NONE : r->type;
}

const char *eff_route_next_hop_ip(const struct eff_route *r, char buf[IPV4_STRLEN])
{
	if (!r->next_hop_ip || (r->type != NH_APPLIANCE && r->type != NH_GATEWAY))
		return NULL;
	return ipv4_str(r->next_hop_ip, buf);
}
