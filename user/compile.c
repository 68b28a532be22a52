// SPDX-License-Identifier: GPL-2.0
/*
 * The fabric compiler: one generation of map images from the topology, the
 * route engine's answer and the lab's NIC inventory. Pure: no I/O.
 *
 * Tables trie: each subnet's Active Default and User routes (table id =
 * subnet index), each VNet's address space, and the Internet edge's table.
 * Gateway sets: every gateway's learned routes, once per gateway, as a
 * DIR-16-8-8 table (xvnet_abi.h). A subnet's answer is the table match
 * unless the gateway set (if the subnet propagates one) has a strictly
 * longer match; a gateway prefix Invalid for the subnet gets a "shadow"
 * entry in the subnet's table carrying the subnet's answer for that
 * prefix, so the Invalid route never wins.
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

struct builder {
	const struct topology *t;
	const struct engine *e;
	struct fabric_image *img;
	struct slots slots;
	int *subnet_base;	/* [nsubnets]: route id of own row 0 */
	int *gw_base;		/* [ngateways]: route id of learned route 0 */
	int tables_cap;
	int dir24_cap, dir32_cap;
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

static __u32 gwset_of(const struct engine *e, int subnet)
{
	const struct gw_routes *gw = e->sets[subnet].gw;

	return gw ? (__u32)(gw - e->gw) : XV_NONE;
}

static void compile_nic(const struct builder *b, const struct fabric_nic *in,
			struct xv_nic *x)
{
	const struct topology *t = b->t;
	int subnet, vnet;

	*x = (struct xv_nic){
		.index = in->index < 0 ? XV_NONE : (__u32)in->index,
		.kind = in->kind,
		.gwset = XV_NONE,
		.gw_nic = XV_NONE,
	};
	memcpy(x->mac, in->mac, sizeof(x->mac));
	switch (in->kind) {
	case XV_NIC_INTERNET:
		/* Outside every VNet: a table of every VNet's address space. */
		x->vnet = XV_NONE;
		x->space = XV_NONE;
		x->table = fabric_internet_table(t);
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
	x->table = subnet;
	x->space = XV_TABLE_SPACE(t->nsubnets, vnet);
	x->peer_row = vnet * t->nvnets;
	x->gwset = gwset_of(b->e, subnet);
	if (x->gwset == XV_NONE)
		return;
	x->gw_hits = b->img->nown + x->gwset;
	if (b->slots.gw[x->gwset] >= 0)
		x->gw_nic = b->slots.gw[x->gwset];
}

static int table_add(struct builder *b, __u32 id, struct prefix p, struct xv_route val)
{
	struct fabric_image *img = b->img;

	if (img->ntables == b->tables_cap) {
		int cap = b->tables_cap ? 2 * b->tables_cap : 64;
		struct lpm_entry *n = realloc(img->tables, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		img->tables = n;
		b->tables_cap = cap;
	}
	val.len = p.len;
	img->tables[img->ntables++] = (struct lpm_entry){
		.key = { .prefixlen = 32 + p.len, .id = htonl(id), .addr = htonl(p.addr) },
		.val = val,
	};
	return 0;
}

static struct xv_route drop(enum xv_verdict why)
{
	return (struct xv_route){ .action = XV_ACT_DROP, .arg = why };
}

static struct xv_route to_nic(enum xv_action action, int slot)
{
	if (slot < 0)
		return drop(XV_DROP_NO_OWNER);
	return (struct xv_route){ .action = action, .arg = slot };
}

static struct xv_route to_owner(int vnet)
{
	return (struct xv_route){ .action = XV_ACT_OWNER, .arg = vnet };
}

/* The NIC owning a VirtualAppliance address: local VNet or a peered one. */
static int appliance_slot(const struct builder *b, int vnet, uint32_t ip)
{
	const struct topology *t = b->t;
	int vm = topo_vm_by_ip(t, vnet, ip);

	for (int p = 0; vm < 0 && p < t->npeerings; p++)
		if (t->peerings[p].from == vnet && t->peerings[p].reverse >= 0)
			vm = topo_vm_by_ip(t, t->peerings[p].to, ip);
	return vm < 0 ? -1 : b->slots.vm[vm];
}

/* What an effective route of subnet (in vnet) resolves to. */
static struct xv_route resolve(const struct builder *b, int vnet, const struct eff_route *r)
{
	int slot;

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
		return to_nic(XV_ACT_RELAY, b->slots.gw[r->gateway]);
	case NH_INTERNET:
		return to_nic(XV_ACT_RELAY, b->slots.internet);
	case NH_APPLIANCE:
		slot = appliance_slot(b, vnet, r->next_hop_ip);
		if (slot < 0)
			return drop(XV_DROP_NVA_UNREACHABLE);
		return to_nic(XV_ACT_NIC, slot);
	default:
		return drop(XV_DROP_NONE_ROUTE);
	}
}

static struct xv_route gw_route(const struct builder *b, int g, int row)
{
	struct xv_route v = to_nic(XV_ACT_RELAY, b->slots.gw[g]);

	v.route_id = b->gw_base[g] + row;
	v.hits = b->img->nown + g;
	return v;
}

static struct xv_route own_route(const struct builder *b, int subnet, int row)
{
	const struct route_set *rs = &b->e->sets[subnet];
	struct xv_route v = resolve(b, b->t->subnets[subnet].vnet, &rs->own[row]);

	v.route_id = b->subnet_base[subnet] + row;
	v.hits = v.route_id;
	return v;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static bool gw_invalid(const struct route_set *rs, int i)
{
	return bsearch(&i, rs->gw_invalid, rs->ngw_invalid, sizeof(int), cmp_int);
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
static struct xv_route shadow_answer(const struct builder *b, int subnet, struct prefix p)
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

static int subnet_add(struct builder *b, int s, struct prefix p, struct xv_route r)
{
	if (gw_may_win(&b->e->sets[s], p))
		r.flags |= XV_ROUTE_F_GW;
	return table_add(b, s, p, r);
}

static int compile_subnet(struct builder *b, int s)
{
	const struct route_set *rs = &b->e->sets[s];
	int err;

	for (int i = 0; i < rs->nown; i++) {
		if (!rs->own[i].active)
			continue;
		err = subnet_add(b, s, rs->own[i].prefix, own_route(b, s, i));
		if (err)
			return err;
	}
	for (int i = 0; i < rs->ngw_invalid; i++) {
		struct prefix p = rs->gw->routes[rs->gw_invalid[i]].prefix;

		if (own_exact(rs, p) >= 0) /* already the table's, and as long */
			continue;
		err = subnet_add(b, s, p, shadow_answer(b, s, p));
		if (err)
			return err;
	}
	return 0;
}

/* VNet spaces: one table each (forwarded-traffic check), and the Internet edge's. */
static int compile_spaces(struct builder *b)
{
	const struct topology *t = b->t;
	int err;

	for (int v = 0; v < t->nvnets; v++) {
		for (int i = 0; i < t->vnets[v].nspace; i++) {
			struct prefix p = t->vnets[v].space[i];
			struct xv_route r = to_owner(v);
			bool taken = false;

			r.route_id = XV_NONE;	/* not an effective route: no name, no hits */
			r.hits = XV_NONE;
			err = table_add(b, XV_TABLE_SPACE(t->nsubnets, v), p, r);
			if (err)
				return err;
			/* Unpeered VNets may share a space: the first declared is reached. */
			for (int w = 0; w < v && !taken; w++)
				for (int j = 0; j < t->vnets[w].nspace && !taken; j++)
					taken = prefix_equal(t->vnets[w].space[j], p);
			if (!taken)
				err = table_add(b, fabric_internet_table(t), p, r);
			if (err)
				return err;
		}
	}
	return 0;
}

/* A new chunk of 256 entries at the end of *level, every entry fill. */
static int dir_chunk(__u32 **level, int *n, int *cap, __u32 fill)
{
	int chunk = *n / 256;

	if (*n + 256 > *cap) {
		int ncap = *cap ? 2 * *cap : 256 * 64;
		__u32 *nl = realloc(*level, (size_t)ncap * sizeof(**level));

		if (!nl)
			return -ENOMEM;
		*level = nl;
		*cap = ncap;
	}
	for (int i = 0; i < 256; i++)
		(*level)[*n + i] = fill;
	*n += 256;
	return chunk;
}

/* The chunk *e points to, made from the leaf (or nothing) it held. */
static int dir_descend(__u32 **level, int *n, int *cap, __u32 *e)
{
	int chunk;

	if (*e & XV_DIR_CHUNK)
		return (int)(*e & ~XV_DIR_CHUNK);
	chunk = dir_chunk(level, n, cap, *e);
	if (chunk >= 0)
		*e = XV_DIR_CHUNK | (__u32)chunk;
	return chunk;
}

static void dir_fill(__u32 *at, int count, __u32 leaf)
{
	for (int i = 0; i < count; i++)
		at[i] = leaf;
}

/*
 * Insert shortest prefixes first so that longer ones overwrite them: a
 * chunk starts as a copy of the leaf it replaces.
 */
static int dir_insert(struct builder *b, int g, struct prefix p, __u32 leaf)
{
	struct fabric_image *img = b->img;
	__u32 *e = &img->dir16[(size_t)g << 16 | p.addr >> 16];
	int c;

	if (p.len <= 16) {
		dir_fill(e, 1 << (16 - p.len), leaf);
		return 0;
	}
	c = dir_descend(&img->dir24, &img->ndir24, &b->dir24_cap, e);
	if (c < 0)
		return c;
	e = &img->dir24[c * 256 + (p.addr >> 8 & 0xff)];
	if (p.len <= 24) {
		dir_fill(e, 1 << (24 - p.len), leaf);
		return 0;
	}
	c = dir_descend(&img->dir32, &img->ndir32, &b->dir32_cap, e);
	if (c < 0)
		return c;
	dir_fill(&img->dir32[c * 256 + (p.addr & 0xff)], 1 << (32 - p.len), leaf);
	return 0;
}

static int compile_gwsets(struct builder *b)
{
	const struct topology *t = b->t;
	struct fabric_image *img = b->img;

	if ((unsigned int)b->img->nroutes > XV_DIR_MAX_ROUTES)
		return -E2BIG;
	img->ndir16 = t->ngateways << 16;
	img->dir16 = calloc(img->ndir16 ? img->ndir16 : 1, sizeof(*img->dir16));
	if (!img->dir16)
		return -ENOMEM;
	for (int g = 0; g < t->ngateways; g++) {
		const struct gw_routes *gw = &b->e->gw[g];

		for (int len = 0; len <= 32; len++) {
			for (int i = 0; i < gw->nby_len[len]; i++) {
				int row = gw->by_len[len][i];
				__u32 leaf = XV_DIR_LEAF | (__u32)len << XV_DIR_LEN_SHIFT |
					     (__u32)(b->gw_base[g] + row);
				int err = dir_insert(b, g, gw->routes[row].prefix, leaf);

				if (err)
					return err;
			}
		}
	}
	return 0;
}

static int compile_owners(struct builder *b)
{
	const struct topology *t = b->t;
	struct fabric_image *img = b->img;

	img->owners = calloc(img->nnics ? img->nnics : 1, sizeof(*img->owners));
	if (!img->owners)
		return -ENOMEM;
	for (int i = 0; i < t->nvms; i++)
		if (b->slots.vm[i] >= 0)
			img->owners[img->nowners++] = (struct owner_entry){
				{ t->vms[i].vnet, htonl(t->vms[i].ip) }, b->slots.vm[i] };
	for (int i = 0; i < t->ngateways; i++)
		if (b->slots.gw[i] >= 0)
			img->owners[img->nowners++] = (struct owner_entry){
				{ t->gateways[i].vnet, htonl(t->gateways[i].ip) }, b->slots.gw[i] };
	return 0;
}

static int compile_peers(struct builder *b)
{
	const struct topology *t = b->t;
	struct fabric_image *img = b->img;

	img->npeers = t->nvnets * t->nvnets;
	img->peers = calloc(img->npeers ? img->npeers : 1, 1);
	if (!img->peers)
		return -ENOMEM;
	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];
		__u8 *cell = &img->peers[p->from * t->nvnets + p->to];

		if (p->reverse < 0)
			continue;
		*cell |= XV_PEER_CONNECTED;
		if (p->allow_vnet_access)
			*cell |= XV_PEER_ACCESS;
		/* The receiver's own peering object decides (A6). */
		if (t->peerings[p->reverse].allow_forwarded_traffic)
			*cell |= XV_PEER_FORWARDED;
	}
	return 0;
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
	struct builder b = { .t = t, .e = e, .img = img };
	int ret = -ENOMEM;

	memset(img, 0, sizeof(*img));
	b.slots.vm = calloc(t->nvms + 1, sizeof(int));
	b.slots.gw = calloc(t->ngateways + 1, sizeof(int));
	b.subnet_base = calloc(t->nsubnets + 1, sizeof(int));
	b.gw_base = calloc(t->ngateways + 1, sizeof(int));
	img->nics = calloc(n ? n : 1, sizeof(*img->nics));
	if (!b.slots.vm || !b.slots.gw || !b.subnet_base || !b.gw_base || !img->nics)
		goto out;
	img->nnics = n;
	snprintf(err, errlen, "out of memory");
	ret = map_inventory(t, nics, n, &b.slots, err, errlen);
	if (ret)
		goto out;
	ret = number_routes(&b);
	for (int i = 0; !ret && i < n; i++)
		compile_nic(&b, &nics[i], &img->nics[i]);
	for (int s = 0; !ret && s < t->nsubnets; s++)
		ret = compile_subnet(&b, s);
	if (!ret)
		ret = compile_spaces(&b);
	if (!ret)
		ret = compile_gwsets(&b);
	if (!ret)
		ret = compile_owners(&b);
	if (!ret)
		ret = compile_peers(&b);
out:
	free(b.slots.vm);
	free(b.slots.gw);
	free(b.subnet_base);
	free(b.gw_base);
	if (ret)
		fabric_image_free(img);
	return ret;
}

void fabric_image_free(struct fabric_image *img)
{
	free(img->nics);
	free(img->tables);
	free(img->dir16);
	free(img->dir24);
	free(img->dir32);
	free(img->owners);
	free(img->peers);
	free(img->routes);
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
