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

#include "fabric_firewall.h"
#include "fabric_gwset.h"
#include "fabric_lines.h"
#include "fabric_trie.h"
#include "log.h"

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

/* One compile: the tables are built as tries, then laid out in lines. */
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
	struct trie_chunks tries;	/* every table and gateway set, as built */
	struct line_writer lines;	/* the image's lines and records */
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

static struct entry gw_route(const struct builder *b, int subnet, int g, int row);

/* Does subnet reach gateway g's routes only across a closed peering (Peering access)? */
static bool gw_denied(const struct builder *b, int subnet, int g)
{
	struct entry en;

	if (!b->e->gw[g].n)
		return false;
	en = gw_route(b, subnet, g, 0);
	return en.r.action == XV_ACT_DROP && en.r.arg == XV_DROP_PEERING_ACCESS;
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
		/* GatewaySubnet entry: traffic from a gateway uses its routes. */
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
	if (gw_denied(b, subnet, gw->gateway))
		x->flags |= XV_NIC_F_GW_DENIED;
}

static void table_add(struct builder *b, struct prefix p, struct entry en)
{
	fabric_grow((void **)&b->ents, &b->ents_cap, b->nents + 1, sizeof(*b->ents));
	en.p = p;
	en.r.len = p.len;
	b->ents[b->nents++] = en;
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

/* The fabric's verdict for a drop of the route engine's. */
static enum xv_verdict drop_verdict(enum drop_reason why)
{
	switch (why) {
	case DROP_NO_GATEWAY_ROUTE:
		return XV_DROP_NO_GATEWAY;
	case DROP_NVA_UNREACHABLE:
		return XV_DROP_NVA_UNREACHABLE;
	case DROP_PEERING_ACCESS:
		return XV_DROP_PEERING_ACCESS;
	case DROP_NONE_ROUTE:
	default:
		return XV_DROP_NONE_ROUTE;
	}
}

/* An effective route of a subnet in vnet, encoded: where the engine says it leads. */
static struct entry resolve(const struct builder *b, int vnet, const struct eff_route *r)
{
	struct route_target to = engine_route_target(b->e, vnet, r);

	switch (to.kind) {
	case TARGET_VNET:
		return to_owner(to.vnet);
	case TARGET_GATEWAY:
		/* Gateway transit: the engine checked Peering access (and Gateway relays). */
		return to_nic(b->slots.gw[to.gateway], -1);
	case TARGET_INTERNET:
		return to_nic(b->slots.internet, -1);
	case TARGET_APPLIANCE:
		if (b->slots.vm[to.vm] < 0)
			return drop(XV_DROP_NVA_UNREACHABLE);
		return to_nic(b->slots.vm[to.vm], to.vnet);
	case TARGET_DROP:
	default:
		return drop(drop_verdict(to.drop));
	}
}

/* Gateway g's learned route row as subnet's route: where the engine says it leads. */
static struct entry gw_route(const struct builder *b, int subnet, int g, int row)
{
	struct eff_route r;
	struct entry en;

	engine_gateway_row(b->e, g, row, &r);
	en = resolve(b, b->t->subnets[subnet].vnet, &r);

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

/* Row m of subnet's route set (route_set_row()'s numbering), -1: none. */
static struct entry row_route(const struct builder *b, int subnet, int m)
{
	const struct route_set *rs = &b->e->sets[subnet];

	if (m < 0)
		return drop(XV_DROP_NONE_ROUTE);
	if (m < rs->nown)
		return own_route(b, subnet, m);
	if (m < rs->nown + rs->gw->n)
		return gw_route(b, subnet, rs->gw->gateway, m - rs->nown);
	return gw_route(b, subnet, rs->vpn->gateway, m - rs->nown - rs->gw->n);
}

/*
 * Could a gateway route beat table route p: is a Valid one strictly longer
 * inside it? If not, the fabric skips the gateway set for p's matches.
 */
static bool gw_may_win(const struct route_set *rs, struct prefix p)
{
	const struct gw_routes *gw = rs->gw;
	uint32_t last = prefix_last(p);

	for (int i = gw ? gw_routes_lower_bound(gw, p) : 0;
	     gw && i < gw->n && gw->routes[i].prefix.addr <= last; i++)
		if (gw->routes[i].prefix.len > p.len && !route_set_gw_invalid(rs, i))
			return true;
	return false;
}

/* The peering checks of a frame from VNet from entering VNet to (-1: none), as flags. */
static __u8 cross_flags(const struct engine *e, int from, int to)
{
	if (from < 0 || to < 0)
		return 0;
	switch (engine_peering_crossing(e, from, to)) {
	case CROSSING_DENIED:
		return XV_ROUTE_F_DENIED;
	case CROSSING_LOCAL_ONLY:
		return XV_ROUTE_F_FORWARDED;
	case CROSSING_OPEN:
	default:
		return 0;
	}
}

/* A new record r, and the table leaf of prefix length len naming it. */
static int record_leaf(struct builder *b, int len, struct xv_route r, __u32 *leaf)
{
	int id = lines_record(&b->lines, r);

	if (id < 0)
		return id;
	*leaf = trie_leaf(len, (__u32)id);
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
		    trie_find(&b->tries, root, ip) != en->leaf)
			continue;
		r.action = XV_ACT_NIC;
		r.arg = k;
		err = record_leaf(b, en->p.len, r, &l);
		if (err)
			return err;
		trie_insert(&b->tries, root, (struct prefix){ ip, 32 }, l);
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
	int root = trie_new(&b->tries), err = 0;

	qsort(b->ents, b->nents, sizeof(*b->ents), cmp_entry_len);
	for (int i = 0; i < b->nents && !err; i++) {
		struct entry *en = &b->ents[i];

		en->r.flags |= cross_flags(b->e, from, en->to_vnet);
		err = record_leaf(b, en->p.len, en->r, &en->leaf);
		if (!err)
			trie_insert(&b->tries, root, en->p, en->leaf);
	}
	for (int i = 0; i < b->nents && !err; i++)
		if (b->ents[i].owner)
			err = expand_owners(b, root, &b->ents[i]);
	b->roots[at] = root;
	b->nents = 0;
	return err;
}

static void subnet_add(struct builder *b, int s, struct prefix p, struct entry en)
{
	if (gw_may_win(&b->e->sets[s], p))
		en.r.flags |= XV_ROUTE_F_GW;
	table_add(b, p, en);
}

/*
 * The first subnet of s's VNet with the same effective routes (row by row,
 * the same route table, gateway set and Invalid gateway routes): its table
 * compiles to the same one, and serves both. s itself if none.
 */
static int table_twin(const struct builder *b, int s)
{
	for (int t = 0; t < s; t++)
		if (b->t->subnets[t].vnet == b->t->subnets[s].vnet && b->img->table_of[t] == t &&
		    route_set_equal(&b->e->sets[t], &b->e->sets[s]))
			return t;
	return s;
}

static int compile_subnet(struct builder *b, int s)
{
	const struct route_set *rs = &b->e->sets[s];
	int i;

	b->img->table_of[s] = table_twin(b, s);
	if (b->img->table_of[s] != s)
		return 0;

	for (i = 0; i < rs->nown; i++)
		if (rs->own[i].active)
			subnet_add(b, s, rs->own[i].prefix, own_route(b, s, i));
	/*
	 * Coexisting gateways: the fabric's gateway set is gw's (the ExpressRoute gateway's);
	 * the coexisting VPN gateway's Active routes are table routes to its
	 * NIC, which gw's set still beats when strictly longer (Longest prefix). At an
	 * equal prefix the VPN route is Invalid (ExpressRoute beats VPN): never placed.
	 */
	for (i = 0; rs->vpn && i < rs->vpn->n; i++)
		if (!route_set_vpn_invalid(rs, i))
			subnet_add(b, s, rs->vpn->routes[i].prefix,
				   gw_route(b, s, rs->vpn->gateway, i));
	/* A shadow: what the subnet answers for an Invalid gateway prefix. */
	for (int k = 0; (i = route_set_invalid_gw(rs, k)) >= 0; k++) {
		struct prefix p = rs->gw->routes[i].prefix;
		int m = route_set_match(rs, p);

		if (m >= 0 && m < rs->nown && prefix_equal(rs->own[m].prefix, p))
			continue;	/* already the table's, and as long */
		subnet_add(b, s, p, row_route(b, s, m));
	}
	return table_build(b, s, b->t->subnets[s].vnet);
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
		for (int i = 0; i < t->vnets[v].nspace; i++)
			table_add(b, t->vnets[v].space[i], drop(XV_DROP_NO_OWNER));
		err = table_build(b, root_space(b, v), -1);
	}
	for (int v = 0; v < t->nvnets && !err; v++) {
		for (int i = 0; i < t->vnets[v].nspace; i++) {
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
				table_add(b, p, en);
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
		int root = trie_new(&b->tries);

		b->roots[root_gw(b, g)] = root;
		/* in prefix order: a prefix before those nested in it */
		for (int i = 0; i < gw->n; i++) {
			struct prefix p = gw->routes[i].prefix;

			trie_insert(&b->tries, root, p, trie_leaf(p.len, 0));
		}
	}
	return 0;
}

int fabric_gw_row(const struct engine *e, int g, __u32 dst, int len)
{
	struct prefix p;

	if (len < 0 || len > 32) /* before the shift, which would be undefined */
		return -1;
	p = (struct prefix){ len ? dst & ~0u << (32 - len) : 0, len };
	return gw_routes_find(&e->gw[g], p);
}

/*
 * Records first, four a line, then every trie; roots become entries. A
 * gateway set's root is wide: the sets are where the big tables are.
 */
static int emit(struct builder *b, int nroots)
{
	struct gwset_writer gws = { .c = &b->tries, .w = &b->lines };
	int err = lines_put_records(&b->lines);

	for (int i = 0; !err && i < nroots; i++) {
		int root = (int)b->roots[i];
		enum trie_layout how = i >= root_gw(b, 0) ? TRIE_GWSET : TRIE_TABLE;
		struct xv_lines lines;

		if (i < b->t->nsubnets && b->img->table_of[i] != i) {
			b->roots[i] = b->roots[b->img->table_of[i]];	/* laid out already */
			continue;
		}
		err = how == TRIE_GWSET ? gwset_emit(&gws, root, &b->roots[i]) :
			trie_emit(&b->tries, root, &b->lines, &b->roots[i]);
		lines = fabric_image_lines(b->img);
		if (!err && !trie_check(&b->tries, root, how, &lines, b->roots[i]))
			err = -EPROTO;
	}
	return err;
}

/* Route ids: each subnet's own rows, then each gateway's learned routes. */
static void number_routes(struct builder *b)
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
	img->routes = xcalloc(n, sizeof(*img->routes));
	for (int s = 0; s < t->nsubnets; s++)
		for (int i = 0; i < b->e->sets[s].nown; i++)
			img->routes[img->nroutes++] = (struct route_ref){ s, -1, i };
	for (int g = 0; g < t->ngateways; g++)
		for (int i = 0; i < b->e->gw[g].n; i++)
			img->routes[img->nroutes++] = (struct route_ref){ -1, g, i };
}

int fabric_compile(const struct topology *t, const struct engine *e,
		   const struct fabric_nic *nics, int n,
		   struct fabric_image *img, char *err, size_t errlen)
{
	struct builder b = { .t = t, .e = e, .nics = nics, .img = img, .lines.img = img };
	int nroots = t->nsubnets + t->nvnets + 1 + t->ngateways, ret;

	memset(img, 0, sizeof(*img));
	if (errlen)
		*err = '\0';
	b.slots.vm = xcalloc(t->nvms, sizeof(int));
	b.slots.gw = xcalloc(t->ngateways, sizeof(int));
	b.subnet_base = xcalloc(t->nsubnets, sizeof(int));
	b.gw_base = xcalloc(t->ngateways, sizeof(int));
	b.roots = xcalloc(nroots, sizeof(*b.roots));
	img->nics = xcalloc(n, sizeof(*img->nics));
	img->table_of = xcalloc(t->nsubnets, sizeof(*img->table_of));
	img->nnics = n;
	ret = map_inventory(t, nics, n, &b.slots, err, errlen);
	if (ret)
		goto out;
	number_routes(&b);
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
	if (ret == -EPROTO)
		snprintf(err, errlen, "internal error: a table does not read back as compiled");
	if (!ret && fabric_firewall_compile(t, nics, n, img)) {
		snprintf(err, errlen, "a firewall NVA's rules take more than %d entries", XV_FW_RULES);
		ret = -E2BIG;
	}
out:
	free(b.slots.vm);
	free(b.slots.gw);
	free(b.subnet_base);
	free(b.gw_base);
	free(b.roots);
	free(b.ents);
	trie_chunks_free(&b.tries);
	line_writer_free(&b.lines);
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
	free(img->firewalls);
	free(img->fw_rules);
	memset(img, 0, sizeof(*img));
}

void fabric_route_row(const struct topology *t, const struct engine *e,
		      const struct route_ref *ref, struct eff_route *out)
{
	if (ref->subnet >= 0)
		*out = e->sets[ref->subnet].own[ref->row];
	else
		engine_gateway_row(e, ref->gateway, ref->row, out);
}
