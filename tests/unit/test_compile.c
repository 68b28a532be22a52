// SPDX-License-Identifier: GPL-2.0
/*
 * The fabric compiler, without BPF: the images it produces are looked up
 * here exactly as fabric.bpf.c does (the subnet's table, then the gateway
 * set only under table routes flagged XV_ROUTE_F_GW, and only when
 * strictly longer) and must give the route engine's engine_lookup()
 * answer for every subnet and destination; VnetLocal and peering routes
 * must reach the NIC owning the address.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "compile.h"
#include "fabric_gwset.h"
#include "fabric_trie.h"
#include "topo.h"
#include "../lib/gwset_topo.h"
#include "../lib/learned_topo.h"

/*
 * Gateway routes that are Invalid in some subnets: equal to a UDR
 * (172.16.0.0/12), nested in a VNet (10.0.5.0/24) or peering (10.1.0.0/16)
 * prefix, next to Valid ones inside and around them, and a subnet that
 * does not propagate them.
 */
static const char yaml[] =
"name: shadows\n"
"vnets:\n"
"  - name: hub\n"
"    addressSpace: [10.0.0.0/16]\n"
"    subnets:\n"
"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
"      - {name: app, addressPrefix: 10.0.2.0/24, routeTable: app-rt}\n"
"      - {name: quiet, addressPrefix: 10.0.3.0/24, routeTable: quiet-rt}\n"
"      - {name: plain, addressPrefix: 10.0.4.0/24}\n"
"  - name: spoke\n"
"    addressSpace: [10.1.0.0/16]\n"
"    subnets:\n"
"      - {name: app, addressPrefix: 10.1.1.0/24}\n"
"peerings:\n"
"  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
"  - {from: spoke, to: hub, useRemoteGateways: true}\n"
"routeTables:\n"
"  - name: app-rt\n"
"    routes:\n"
"      - {name: onprem, addressPrefix: 172.16.0.0/12, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.4.4}\n"
"      - {name: web, addressPrefix: 198.51.100.0/24, nextHopType: Internet}\n"
"  - name: quiet-rt\n"
"    disableBgpRoutePropagation: true\n"
"    routes:\n"
"      - {name: none, addressPrefix: 192.168.0.0/16, nextHopType: None}\n"
"gateways:\n"
"  - {name: gw, vnet: hub, type: Vpn}\n"
"sites:\n"
"  - name: dc\n"
"    addressSpace: [172.16.0.0/12, 172.16.5.0/24, 172.16.0.0/16, 172.0.0.0/8,\n"
"                   10.0.5.0/24, 10.1.0.0/16, 10.1.7.0/24, 10.0.0.0/8, 192.168.0.0/16,\n"
"                   192.168.10.0/23, 198.51.100.0/25, 198.51.0.0/16]\n"
"connections:\n"
"  - {name: c, gateway: gw, site: dc}\n"
"vms:\n"
"  - {name: nva, subnet: hub/plain, ip: 10.0.4.4, enableIpForwarding: true}\n"
"  - {name: app, subnet: hub/app}\n"
"  - {name: quiet, subnet: hub/quiet}\n"
"  - {name: spokevm, subnet: spoke/app}\n";

/*
 * Coexisting gateways, ExpressRoute beats VPN: an ExpressRoute and a VPN
 * gateway side by side. Prefixes learned over both (ExpressRoute Active, VPN
 * Invalid), VPN-only ones inside and around ExpressRoute ones and the
 * reverse, one equal to a UDR, one nested in the VNet, and a subnet that does
 * not propagate them.
 */
static const char hybrid_yaml[] =
"name: hybrid\n"
"vnets:\n"
"  - name: hub\n"
"    addressSpace: [10.0.0.0/16]\n"
"    subnets:\n"
"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
"      - {name: app, addressPrefix: 10.0.2.0/24, routeTable: app-rt}\n"
"      - {name: quiet, addressPrefix: 10.0.3.0/24, routeTable: quiet-rt}\n"
"      - {name: plain, addressPrefix: 10.0.4.0/24}\n"
"  - name: spoke\n"
"    addressSpace: [10.1.0.0/16]\n"
"    subnets:\n"
"      - {name: app, addressPrefix: 10.1.1.0/24}\n"
"peerings:\n"
"  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
"  - {from: spoke, to: hub, useRemoteGateways: true}\n"
"routeTables:\n"
"  - name: app-rt\n"
"    routes:\n"
"      - {name: onprem, addressPrefix: 172.16.0.0/12, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.4.4}\n"
"  - name: quiet-rt\n"
"    disableBgpRoutePropagation: true\n"
"gateways:\n"
"  - {name: vpn, vnet: hub, type: Vpn, bgp: true}\n"
"  - {name: er, vnet: hub, type: ExpressRoute}\n"
"sites:\n"
"  - name: dc\n"
"    addressSpace: [192.168.0.0/16, 172.16.0.0/12, 198.51.100.0/24, 10.2.0.0/16]\n"
"  - name: branch\n"
"    addressSpace: [192.168.0.0/16, 192.168.7.0/24, 172.16.0.0/12, 172.16.9.0/24,\n"
"                   198.51.0.0/16, 10.0.4.0/24, 10.1.0.0/16, 0.0.0.0/0]\n"
"circuits:\n"
"  - {name: er1, sites: [dc]}\n"
"connections:\n"
"  - {name: c-er, gateway: er, circuit: er1}\n"
"  - {name: c-vpn, gateway: vpn, site: branch}\n"
"vms:\n"
"  - {name: nva, subnet: hub/plain, ip: 10.0.4.4, enableIpForwarding: true}\n"
"  - {name: app, subnet: hub/app}\n"
"  - {name: quiet, subnet: hub/quiet}\n"
"  - {name: spokevm, subnet: spoke/app}\n";

struct fixture {
	struct topology t;
	struct engine e;
	struct fabric_nic nics[32];
	int n;
	struct fabric_image img;
};

static int subnet_of(const struct fixture *f, const struct xv_nic *nic)
{
	if (nic->kind == XV_NIC_GATEWAY)
		return f->t.gateways[nic->index].subnet;
	return f->t.vms[nic->index].subnet;
}

/* Every VM, the gateways and the Internet edge, in that order. */
static struct fixture *fixture_up(const char *name, const char *text)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct diags d = { 0 };
	char err[256];

	if (!f || topo_parse(name, text, strlen(text), &f->t, &d))
		return NULL;
	engine_build(&f->e, &f->t);
	if (f->t.nvms + f->t.ngateways >= 32)
		return NULL;
	for (int i = 0; i < f->t.nvms; i++)
		f->nics[f->n++] = (struct fabric_nic){ XV_NIC_VM, i, 10 + i, { 2, 0, 0, 0, 0, i } };
	for (int i = 0; i < f->t.ngateways; i++)
		f->nics[f->n++] = (struct fabric_nic){ XV_NIC_GATEWAY, i, 50 + i, { 2, 0, 0, 0, 1, i } };
	f->nics[f->n++] = (struct fabric_nic){ XV_NIC_INTERNET, -1, 90, { 2, 0, 0, 0, 2, 0 } };
	if (fabric_compile(&f->t, &f->e, f->nics, f->n, &f->img, err, sizeof(err)))
		return NULL;
	return f;
}

static int setup(void **state)
{
	*state = fixture_up("shadows", yaml);
	return *state ? 0 : -1;
}

/* Appends ", a.b.c.d/len" to the YAML in y. */
static size_t add_prefix(char *y, size_t len, size_t cap, __u32 a, int plen)
{
	a &= prefix_mask(plen);
	return len + snprintf(y + len, cap - len, ", %u.%u.%u.%u/%d", a >> 24, a >> 16 & 0xff,
			      a >> 8 & 0xff, a & 0xff, plen);
}

/*
 * A hub with a dozen VMs side by side in one subnet and a VPN gateway to
 * site dc, whose address space (the gateway set) space() appends.
 */
static int setup_site(void **state, const char *name,
		      size_t (*space)(char *y, size_t len, size_t cap))
{
	size_t cap = 1 << 16, len = 0;
	char *y = malloc(cap);

	len += snprintf(y + len, cap - len,
			"name: %s\n"
			"vnets:\n"
			"  - name: hub\n"
			"    addressSpace: [10.0.0.0/16]\n"
			"    subnets:\n"
			"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
			"      - {name: app, addressPrefix: 10.0.2.0/24}\n"
			"gateways:\n"
			"  - {name: gw, vnet: hub, type: Vpn}\n"
			"connections:\n"
			"  - {name: c, gateway: gw, site: dc}\n"
			"vms:\n", name);
	for (int i = 0; i < 12; i++)
		len += snprintf(y + len, cap - len, "  - {name: vm%d, subnet: hub/app, ip: 10.0.2.%d}\n",
				i, 4 + i);
	len += snprintf(y + len, cap - len, "sites:\n  - name: dc\n    addressSpace: [20.1.0.0/16");
	len = space(y, len, cap);
	snprintf(y + len, cap - len, "]\n");
	*state = fixture_up(name, y);
	free(y);
	return *state ? 0 : -1;
}

/*
 * Dense tables: runs of more than XV_TRIE_RUNS leaves in one chunk at
 * every level (every other /24 of a /16, every other /28 of a /24, the
 * VMs) next to sparse, scattered prefixes of every length.
 */
static size_t dense_space(char *y, size_t len, size_t cap)
{
	unsigned int seed = 3;

	for (int i = 0; i < 40; i++)
		len += snprintf(y + len, cap - len, ", 20.1.%d.0/24", 2 * i);
	for (int i = 0; i < 12; i++)
		len += snprintf(y + len, cap - len, ", 20.2.3.%d/28", 32 * i % 256);
	for (int i = 0; i < 300; i++) {
		int plen = 8 + rand_r(&seed) % 25;

		len = add_prefix(y, len, cap, (30u + rand_r(&seed) % 190) << 24 |
				 (__u32)rand_r(&seed) % (1 << 24), plen);
	}
	return len;
}

static int setup_dense(void **state)
{
	return setup_site(state, "dense", dense_space);
}

/*
 * The wide root of a gateway set: prefixes of every length from /1 to
 * /32, nested (each inside the one before, so that longer ones split the
 * shorter ones' ranges of the root and the chunks below it) and scattered.
 */
static size_t wide_space(char *y, size_t len, size_t cap)
{
	unsigned int seed = 5;

	for (int plen = 1; plen <= 32; plen++)
		len = add_prefix(y, len, cap, 0xc8643219, plen);	/* 200.100.50.25 */
	for (int i = 0; i < 400; i++)
		len = add_prefix(y, len, cap, (__u32)rand_r(&seed) << 1 ^ (__u32)rand_r(&seed),
				 1 + rand_r(&seed) % 32);
	return len;
}

static int setup_wide(void **state)
{
	return setup_site(state, "wide", wide_space);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fabric_image_free(&f->img);
	engine_free(&f->e);
	topo_free(&f->t);
	free(f);
	return 0;
}

/* The two lookups of bpf/lib/fabric_lookup.h, on an image. */
static __u32 table_lookup(const struct fabric_image *img, __u32 root, __u32 dst)
{
	struct xv_lines l = fabric_image_lines(img);

	return xv_trie_lookup(&l, root, dst);
}

static __u32 gwset_lookup(const struct fabric_image *img, __u32 root, __u32 dst)
{
	struct xv_lines l = fabric_image_lines(img);

	return xv_gw_lookup(&l, root, dst);
}

static const struct xv_route *record(const struct fabric_image *img, __u32 leaf)
{
	struct xv_lines l = fabric_image_lines(img);

	return xv_record(&l, leaf);
}

/* fabric.bpf.c's route_lookup(); a learned route's id as its trace event names it. */
static const struct xv_route *image_lookup(const struct fabric_image *img,
					   const struct xv_nic *nic, __u32 dst,
					   struct xv_route *tmp)
{
	__u32 e = table_lookup(img, nic->table, dst), v;
	const struct xv_route *r = record(img, e);

	if (!nic->gwset || (r && !(r->flags & XV_ROUTE_F_GW)))
		return r;
	v = gwset_lookup(img, nic->gwset, dst);
	if (!v || (r && v - 1 <= r->len))
		return r;
	*tmp = (struct xv_route){ .len = v - 1, .arg = nic->gw_nic,
				  .route_id = XV_ROUTE_ID_GW | (v - 1) << XV_TRIE_LEN_SHIFT |
					      nic->gw_hits };
	return tmp;
}

static bool same_route(const struct fixture *f, int subnet, __u32 dst,
		       const struct eff_route *want, const struct xv_route *got)
{
	const struct route_ref *ref;

	if (!want || !got)
		return !want && !got;
	if (got->route_id & XV_ROUTE_ID_GW) {
		int g = (int)(got->route_id & XV_TRIE_ID_MASK) - f->img.nown;
		int row = g == want->gateway ? fabric_gw_row(&f->e, g, dst, got->len) : -1;

		return want->source == SRC_GATEWAY && row >= 0 &&
		       prefix_equal(f->e.gw[g].routes[row].prefix, want->prefix);
	}
	ref = &f->img.routes[got->route_id];
	if (want->source == SRC_GATEWAY)
		return ref->gateway == want->gateway &&
		       prefix_equal(f->e.gw[ref->gateway].routes[ref->row].prefix, want->prefix);
	/* a shared table names the rows of the subnet it was compiled for */
	return ref->subnet == f->img.table_of[subnet] && ref->row == want - f->e.sets[subnet].own;
}

/* Destinations at every edge of every route's prefix, at NICs, and random ones. */
static __u32 pick(const struct fixture *f, const struct route_set *rs, unsigned int *seed)
{
	const struct gw_routes *gw = &f->e.gw[f->t.ngateways > 1 ? rand_r(seed) % f->t.ngateways : 0];
	int i = rand_r(seed) % (rs->nown + gw->n + f->t.nvms);
	struct prefix p;

	if (rand_r(seed) % 4 == 0)
		return (__u32)rand_r(seed) << 1 ^ (__u32)rand_r(seed);
	if (i < rs->nown)
		p = rs->own[i].prefix;
	else if (i < rs->nown + gw->n)
		p = gw->routes[i - rs->nown].prefix;
	else
		p = (struct prefix){ f->t.vms[i - rs->nown - gw->n].ip, 32 };
	switch (rand_r(seed) % 4) {
	case 0: return p.addr;
	case 1: return prefix_last(p);
	case 2: return p.addr - 1;
	default: return p.addr | ((__u32)rand_r(seed) & ~prefix_mask(p.len));
	}
}

/* The NIC slot owning dst in vnet, -1: none (VMs, then gateways, as fixture_up). */
static int owner_slot(const struct fixture *f, int vnet, __u32 dst)
{
	int vm = topo_vm_by_ip(&f->t, vnet, dst);

	if (vm >= 0)
		return vm;
	for (int g = 0; g < f->t.ngateways; g++)
		if (f->t.gateways[g].vnet == vnet && f->t.gateways[g].ip == dst)
			return f->t.nvms + g;
	return -1;
}

/* The same route, and VnetLocal and peering routes to the NIC owning dst. */
static void check_lookup(const struct fixture *f, const struct xv_nic *nic, __u32 dst)
{
	struct eff_route tmp;
	struct xv_route gtmp;
	const struct eff_route *want = engine_lookup(&f->e, subnet_of(f, nic), dst, &tmp);
	const struct xv_route *got = image_lookup(&f->img, nic, dst, &gtmp);
	char buf[IPV4_STRLEN];
	int vnet = -1;

	if (!same_route(f, subnet_of(f, nic), dst, want, got))
		fail_msg("subnet %d, %s: image and engine disagree", subnet_of(f, nic),
			 ipv4_str(dst, buf));
	if (want && want->type == NH_VNET_LOCAL && !want->vnet_local_as_none)
		vnet = nic->vnet;
	else if (want && (want->type == NH_VNET_PEERING || want->type == NH_VNET_GLOBAL_PEERING))
		vnet = want->peer_vnet;
	if (vnet < 0)
		return;
	if (owner_slot(f, vnet, dst) < 0 ? got->action != XV_ACT_DROP || got->arg != XV_DROP_NO_OWNER
					 : got->action != XV_ACT_NIC ||
					   (int)got->arg != owner_slot(f, vnet, dst))
		fail_msg("subnet %d, %s: not delivered to its owner", subnet_of(f, nic),
			 ipv4_str(dst, buf));
}

static void test_lookup_matches_engine(void **state)
{
	struct fixture *f = *state;
	unsigned int seed = 7;

	for (int slot = 0; slot < f->n - 1; slot++) {	/* every NIC but the Internet edge */
		const struct xv_nic *nic = &f->img.nics[slot];
		const struct route_set *rs = &f->e.sets[subnet_of(f, nic)];

		for (int i = 0; i < 20000; i++)
			check_lookup(f, nic, pick(f, rs, &seed));
	}
}

/* The record a table gives dst. */
static const struct xv_route *table_record(const struct fixture *f, int slot, const char *dst)
{
	__u32 e = table_lookup(&f->img, f->img.nics[slot].table, ntohl(inet_addr(dst)));

	assert_true(e & XV_TRIE_LEAF);
	return record(&f->img, e);
}

/* The shapes the lookup relies on. */
static void test_image_shape(void **state)
{
	struct fixture *f = *state;
	enum { NVA, APP, QUIET, SPOKEVM, GW, INTERNET };
	const struct xv_route *r;

	assert_int_equal(f->img.nics[QUIET].gwset, 0);		/* no propagation */
	assert_int_not_equal(f->img.nics[APP].gwset, 0);
	assert_int_equal(f->img.nics[APP].gwset, f->img.nics[NVA].gwset); /* one set per gateway */
	/* A shadow: gateway 10.0.5.0/24, Invalid in the VNet, is the table's. */
	r = table_record(f, APP, "10.0.5.9");
	assert_int_equal(r->len, 24);
	assert_int_equal(f->img.routes[r->route_id].subnet, 1);
	assert_true(prefix_equal(f->e.sets[1].own[f->img.routes[r->route_id].row].prefix,
				 (struct prefix){ 0x0a000000, 16 }));
	/* The gateway set is looked up only under routes it could beat. */
	assert_true(table_record(f, APP, "198.51.100.1")->flags & XV_ROUTE_F_GW);
	assert_false(table_record(f, APP, "10.0.9.9")->flags & XV_ROUTE_F_GW);
	/* Owners: a NIC, the rest of the prefix, the peering checks as flags. */
	r = table_record(f, APP, "10.0.4.4");
	assert_int_equal(r->action, XV_ACT_NIC);
	assert_int_equal(r->arg, NVA);
	assert_int_equal(r->flags & (XV_ROUTE_F_DENIED | XV_ROUTE_F_FORWARDED), 0);
	r = table_record(f, APP, "10.0.4.5");
	assert_int_equal(r->action, XV_ACT_DROP);
	assert_int_equal(r->arg, XV_DROP_NO_OWNER);
	r = table_record(f, SPOKEVM, "10.0.2.4");	/* hub refuses forwarded traffic */
	assert_true(r->flags & XV_ROUTE_F_FORWARDED);
	/* Gateway NIC: GatewaySubnet's table (GatewaySubnet entry), relays implicitly. */
	assert_int_equal(table_record(f, GW, "10.1.1.4")->arg, SPOKEVM);
	assert_true(f->img.nics[GW].flags & XV_NIC_F_GATEWAY);
	/* The Internet edge reaches NICs with no peering check. */
	r = table_record(f, INTERNET, "10.1.1.4");
	assert_int_equal(r->arg, SPOKEVM);
	assert_int_equal(r->flags, 0);
}

/* Table chunks below entry e, by kind. */
static void count_chunks(const struct fabric_image *img, __u32 e, int *full, int *compact)
{
	const struct xv_line *l = &img->trie[e & XV_TRIE_LINE_MASK];
	int n = 0;

	if (!(e & XV_TRIE_CHUNK))
		return;
	if (!(e & XV_TRIE_COMPACT)) {
		(*full)++;
		for (int i = 0; i < 256; i++)
			count_chunks(img, l[i / 16].e[i % 16], full, compact);
		return;
	}
	(*compact)++;
	for (int w = 0; w < 4; w++)
		n += __builtin_popcountll(l->c.starts[w]);
	assert_in_range(n, 1, XV_TRIE_RUNS);
	for (int i = 0; i < n; i++)
		count_chunks(img, l->c.run[i], full, compact);
}

/* Gateway-set entries from entry e down (level 0: the root's), by level * 8 + kind. */
static void count_gw(const struct fabric_image *img, __u32 e, int level, int *kinds)
{
	static const int body[] = { [XV_GW_RUNS] = 16, [XV_GW_BITMAP] = 64, [XV_GW_BYTES] = 256 };
	const __u8 *p = (const __u8 *)img->trie + (size_t)(e & XV_GW_UNIT_MASK) * 16, *bytes = p;
	int kind = e >> XV_GW_KIND_SHIFT, nbytes = 0, nkids = 0;

	assert_in_range(level, 0, 1);
	kinds[level * 8 + kind]++;
	switch (kind) {
	case XV_GW_RUNS:
		bytes = ((const struct xv_gw_runs *)p)->run;
		nbytes = 8;
		break;
	case XV_GW_BITMAP:
		bytes = ((const struct xv_gw_bitmap *)p)->run;
		nbytes = XV_GW_BITMAP_RUNS;
		break;
	case XV_GW_BYTES:
		nbytes = 256;
		break;
	case XV_GW_FULL:
		nkids = 256;
		break;
	}
	/* the kids a chunk names follow its body, in order */
	for (int i = 0; i < nbytes; i++)
		if (bytes[i] >= XV_GW_KID && bytes[i] - XV_GW_KID + 1 > nkids)
			nkids = bytes[i] - XV_GW_KID + 1;
	for (int j = 0; j < nkids; j++) {
		__u32 kid;

		memcpy(&kid, p + (kind == XV_GW_FULL ? 0 : body[kind]) + 4 * j, 4);
		count_gw(img, kid, level + 1, kinds);
	}
}

/* The reference: 1 + the longest learned route of gateway g containing dst, or 0. */
static __u32 gw_reference(const struct fixture *f, int g, __u32 dst)
{
	for (int len = 32; len >= 0; len--)
		if (fabric_gw_row(&f->e, g, dst, len) >= 0)
			return len + 1;
	return 0;
}

/*
 * tests/lib/gwset_topo.h's set takes every layout, at both levels below
 * the root, and each looks up what the learned routes say.
 */
static void test_gw_layouts(void **state)
{
	struct fixture *f = *state;
	const struct xv_nic *vm = &f->img.nics[0];
	const struct gw_routes *gw = &f->e.gw[0];
	const struct xv_line *root = &f->img.trie[vm->gwset & XV_TRIE_LINE_MASK];
	unsigned int seed = 1, *addrs = calloc(gw->n, sizeof(*addrs));
	int kinds[16] = { 0 }, *lens = calloc(gw->n, sizeof(*lens));
	char buf[IPV4_STRLEN];

	assert_true(addrs && lens && gw->n > 3000);
	for (int i = 0; i < 65536; i++)
		count_gw(&f->img, root[i / 16].e[i % 16], 0, kinds);
	for (int k = XV_GW_NONE; k <= XV_GW_FULL; k++)
		if (!kinds[k])
			fail_msg("no root entry of kind %d", k);
	for (int k = XV_GW_LEAF; k <= XV_GW_BYTES; k++)
		if (!kinds[8 + k])
			fail_msg("no kid of kind %d", k);
	for (int i = 0; i < gw->n; i++) {
		addrs[i] = gw->routes[i].prefix.addr;
		lens[i] = gw->routes[i].prefix.len;
	}
	for (int i = 0; i < 300000; i++) {
		__u32 dst = gwset_dst(addrs, lens, gw->n, &seed);

		if (gwset_lookup(&f->img, vm->gwset, dst) != gw_reference(f, 0, dst))
			fail_msg("%s: set says %u, routes %u", ipv4_str(dst, buf),
				 gwset_lookup(&f->img, vm->gwset, dst), gw_reference(f, 0, dst));
	}
	free(addrs);
	free(lens);
	test_lookup_matches_engine(state);
}

/*
 * Subnets of one VNet with the same effective routes share a table: no
 * route table (a, b), the same one (c, d); not the same routes through
 * another table (e), nor another VNet's: two, unpeered, has one's address
 * space, and f and g have exactly a's and c's routes, yet NICs of one
 * must never be reached from two.
 */
static const char twins_yaml[] =
"name: twins\n"
"vnets:\n"
"  - name: one\n"
"    addressSpace: [10.0.0.0/16]\n"
"    subnets:\n"
"      - {name: a, addressPrefix: 10.0.1.0/24}\n"
"      - {name: c, addressPrefix: 10.0.3.0/24, routeTable: rt1}\n"
"      - {name: b, addressPrefix: 10.0.2.0/24}\n"
"      - {name: d, addressPrefix: 10.0.4.0/24, routeTable: rt1}\n"
"      - {name: e, addressPrefix: 10.0.5.0/24, routeTable: rt2}\n"
"  - name: two\n"
"    addressSpace: [10.0.0.0/16]\n"
"    subnets:\n"
"      - {name: f, addressPrefix: 10.0.1.0/24}\n"
"      - {name: g, addressPrefix: 10.0.3.0/24, routeTable: rt1}\n"
"routeTables:\n"
"  - name: rt1\n"
"    routes:\n"
"      - {name: none, addressPrefix: 192.0.2.0/24, nextHopType: None}\n"
"  - name: rt2\n"
"    routes:\n"
"      - {name: none, addressPrefix: 192.0.2.0/24, nextHopType: None}\n"
"vms:\n"
"  - {name: va, subnet: one/a}\n"
"  - {name: vc, subnet: one/c}\n"
"  - {name: vb, subnet: one/b}\n"
"  - {name: vd, subnet: one/d}\n"
"  - {name: ve, subnet: one/e}\n"
"  - {name: vf, subnet: two/f}\n"
"  - {name: vg, subnet: two/g}\n"
"  - {name: vf2, subnet: two/f}\n";

static int setup_twins(void **state)
{
	*state = fixture_up("twins", twins_yaml);
	return *state ? 0 : -1;
}

/* The NIC slot the table of slot from sends dst to; -1: dropped, no owner. */
static int delivers_to(const struct fixture *f, int from, const char *dst)
{
	const struct xv_route *r = table_record(f, from, dst);

	if (r->action == XV_ACT_DROP && r->arg == XV_DROP_NO_OWNER)
		return -1;
	assert_int_equal(r->action, XV_ACT_NIC);
	return (int)r->arg;
}

static void test_shared_tables(void **state)
{
	struct fixture *f = *state;
	const struct xv_nic *n = f->img.nics;
	enum { VA, VC, VB, VD, VE, VF, VG, VF2 };

	assert_int_equal(n[VA].table, n[VB].table);
	assert_int_equal(n[VC].table, n[VD].table);
	assert_int_not_equal(n[VA].table, n[VC].table);
	assert_int_not_equal(n[VC].table, n[VE].table);
	assert_int_equal(f->img.table_of[2], 0);	/* b: a's */
	assert_int_equal(f->img.table_of[3], 1);	/* d: c's */
	assert_int_equal(f->img.table_of[4], 4);
	/* Another VNet: the same routes, addresses and VMs' addresses, its own tables. */
	assert_int_equal(f->t.vms[VF].ip, f->t.vms[VA].ip);
	assert_int_equal(f->t.vms[VG].ip, f->t.vms[VC].ip);
	assert_int_equal(f->img.table_of[5], 5);
	assert_int_equal(f->img.table_of[6], 6);
	assert_int_not_equal(n[VA].table, n[VF].table);
	assert_int_not_equal(n[VC].table, n[VG].table);
	/* Each VNet's NICs are reached from its own subnets only. */
	assert_int_equal(delivers_to(f, VA, "10.0.1.4"), VA);
	assert_int_equal(delivers_to(f, VA, "10.0.1.5"), -1);
	assert_int_equal(delivers_to(f, VC, "10.0.1.5"), -1);
	assert_int_equal(delivers_to(f, VF, "10.0.1.4"), VF);
	assert_int_equal(delivers_to(f, VF, "10.0.1.5"), VF2);
	assert_int_equal(delivers_to(f, VG, "10.0.1.4"), VF);
	assert_int_equal(delivers_to(f, VG, "10.0.3.4"), VG);
	assert_int_equal(delivers_to(f, VC, "10.0.3.4"), VC);
	test_lookup_matches_engine(state);
}

static int setup_learned(void **state)
{
	*state = fixture_up("learned", LEARNED_YAML);
	return *state ? 0 : -1;
}

/*
 * tests/lib/learned_topo.h: the UDR equal to a learned route is looked up
 * with the gateway set under it (a longer learned route may win), nothing
 * in the table matches 8.8.8.8 (the learned 0.0.0.0/0 must), and the twin
 * VNets keep tables of their own.
 */
static void test_learned(void **state)
{
	struct fixture *f = *state;
	enum { NVA, APP, PLAIN, SPOKEVM, AVM, BVM, BVM2 };
	const struct xv_nic *app = &f->img.nics[APP];
	const struct xv_route *r = table_record(f, APP, "172.17.0.1");

	assert_int_equal(r->len, 12);
	assert_int_equal(r->action, XV_ACT_NIC);
	assert_int_equal(r->arg, NVA);
	assert_true(r->flags & XV_ROUTE_F_GW);
	assert_int_equal(gwset_lookup(&f->img, app->gwset, ntohl(inet_addr("172.17.0.1"))), 13);
	assert_false(table_lookup(&f->img, app->table, ntohl(inet_addr("8.8.8.8"))) &
		     XV_TRIE_LEAF);
	assert_int_equal(gwset_lookup(&f->img, app->gwset, ntohl(inet_addr("8.8.8.8"))), 1);
	assert_int_not_equal(f->img.nics[AVM].table, f->img.nics[BVM].table);
	assert_int_equal(delivers_to(f, BVM, "10.2.1.5"), BVM2);
	assert_int_equal(delivers_to(f, AVM, "10.2.1.5"), -1);
	test_lookup_matches_engine(state);
}

static int setup_gwpack(void **state)
{
	char *y = gwset_yaml(11);

	*state = fixture_up("gwpack", y);
	free(y);
	return *state ? 0 : -1;
}

/* Dense chunks are laid out in full, sparse ones compact, and both look up right. */
static void test_dense_layout(void **state)
{
	struct fixture *f = *state;
	const struct xv_nic *app = &f->img.nics[0];
	const struct xv_line *root = &f->img.trie[app->gwset & XV_TRIE_LINE_MASK];
	int full = 0, compact = 0, kinds[16] = { 0 };

	for (int i = 0; i < 65536; i++)
		count_gw(&f->img, root[i / 16].e[i % 16], 0, kinds);
	assert_true(kinds[XV_GW_BYTES] >= 1);		/* 20.1.0.0/16 */
	assert_true(kinds[8 + XV_GW_BITMAP] >= 1);	/* 20.2.3.0/24 */
	count_chunks(&f->img, app->table, &full, &compact);
	assert_true(full >= 1);			/* twelve VMs side by side */
	test_lookup_matches_engine(state);
}

/* Gateway sets have a wide root, tables not; lookups agree at every length. */
static void test_wide_root(void **state)
{
	struct fixture *f = *state;
	const struct xv_nic *app = &f->img.nics[0];
	const struct gw_routes *gw = &f->e.gw[0];

	assert_true(app->gwset & XV_TRIE_WIDE);
	assert_false(app->table & XV_TRIE_WIDE);
	assert_false(app->space & XV_TRIE_WIDE);
	for (int len = 1; len <= 32; len++)
		assert_true(gw->nby_len[len] > 0);
	for (__u32 dst = 0xc8643219, bit = 0; bit < 32; bit++)	/* off each nested prefix */
		assert_int_equal(gwset_lookup(&f->img, app->gwset, dst ^ 1u << bit),
				 gw_reference(f, 0, dst ^ 1u << bit));
	test_lookup_matches_engine(state);
}

static int setup_hybrid(void **state)
{
	*state = fixture_up("hybrid", hybrid_yaml);
	return *state ? 0 : -1;
}

/*
 * The VPN gateway's Active routes are table routes to its NIC; the fabric's
 * gateway set is the ExpressRoute gateway's, winning when strictly longer.
 */
static void test_hybrid(void **state)
{
	struct fixture *f = *state;
	enum { NVA, APP, QUIET, SPOKEVM, VPN, ER };
	const struct xv_route *r = table_record(f, SPOKEVM, "192.168.7.1");

	assert_int_equal(r->len, 24);	/* VPN only, more specific: a table route */
	assert_int_equal(r->arg, VPN);
	r = table_record(f, SPOKEVM, "192.168.8.1");
	assert_false(r && r->len == 16 && r->arg == VPN); /* equal to ER's: Invalid */
	assert_int_equal(gwset_lookup(&f->img, f->img.nics[SPOKEVM].gwset,
					  ntohl(inet_addr("192.168.8.1"))), 17);
	assert_int_equal(f->img.nics[SPOKEVM].gw_nic, ER);
	test_lookup_matches_engine(state);
}

/*
 * The compiler's self-check reads each layout back with the program's
 * lookups: it holds for what the encoders lay out, and finds a wrong line.
 */
static void test_layout_self_check(void **state)
{
	static const char *const px[] = { "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24",
					   "10.1.2.128/25", "10.1.2.129/32" };
	struct trie_chunks c = { 0 };
	struct fabric_image img = { 0 };
	struct line_writer w = { .img = &img };
	struct gwset_writer g = { .c = &c, .w = &w };
	int table = trie_new(&c), set = trie_new(&c);
	__u32 table_e, set_e;
	struct xv_lines l;

	assert_true(table >= 0 && set >= 0);
	for (int i = 0; i < 5; i++) {
		struct prefix p;

		assert_int_equal(prefix_parse(px[i], &p), 0);
		trie_insert(&c, table, p, trie_leaf(p.len, i));
		trie_insert(&c, set, p, trie_leaf(p.len, 0));
	}
	assert_int_equal(trie_emit(&c, table, &w, &table_e), 0);
	assert_int_equal(gwset_emit(&g, set, &set_e), 0);
	l = fabric_image_lines(&img);
	assert_true(trie_check(&c, table, TRIE_TABLE, &l, table_e));
	assert_true(trie_check(&c, set, TRIE_GWSET, &l, set_e));
	/* Line 0, laid out first: 10.1.2.0/24's chunk (compact); its /32 run. */
	assert_true(img.trie[0].c.run[2] == trie_leaf(32, 4));
	img.trie[0].c.run[2] = trie_leaf(25, 3);
	assert_false(trie_check(&c, table, TRIE_TABLE, &l, table_e));
	/* The set's wide root entry for 10.1.0.0/16. */
	img.trie[(set_e & XV_TRIE_LINE_MASK) + 0x0a01 / 16].e[0x0a01 % 16] = 0;
	assert_false(trie_check(&c, set, TRIE_GWSET, &l, set_e));
	trie_chunks_free(&c);
	line_writer_free(&w);
	fabric_image_free(&img);
}

static void test_bad_inventory(void **state)
{
	struct fixture *f = *state;
	struct fabric_nic twice[2] = { f->nics[0], f->nics[0] };
	struct fabric_nic ghost = { XV_NIC_VM, 99, 5, { 0 } };
	struct fabric_image img;
	char err[256];

	assert_int_equal(fabric_compile(&f->t, &f->e, twice, 2, &img, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "same NIC"));
	assert_int_equal(fabric_compile(&f->t, &f->e, &ghost, 1, &img, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no VM 99"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_matches_engine),
		cmocka_unit_test(test_image_shape),
		cmocka_unit_test(test_bad_inventory),
		cmocka_unit_test(test_layout_self_check),
	};
	const struct CMUnitTest dense[] = {
		cmocka_unit_test(test_dense_layout),
	};
	const struct CMUnitTest wide[] = {
		cmocka_unit_test(test_wide_root),
	};
	const struct CMUnitTest twins[] = {
		cmocka_unit_test(test_shared_tables),
	};
	const struct CMUnitTest learned[] = {
		cmocka_unit_test(test_learned),
	};
	const struct CMUnitTest hybrid[] = {
		cmocka_unit_test(test_hybrid),
	};
	const struct CMUnitTest gwpack[] = {
		cmocka_unit_test(test_gw_layouts),
	};

	return cmocka_run_group_tests_name("fabric compiler", tests, setup, teardown) |
	       cmocka_run_group_tests_name("fabric compiler, dense tables", dense, setup_dense,
					   teardown) |
	       cmocka_run_group_tests_name("fabric compiler, wide roots", wide, setup_wide,
					   teardown) |
	       cmocka_run_group_tests_name("fabric compiler, shared tables", twins, setup_twins,
					   teardown) |
	       cmocka_run_group_tests_name("fabric compiler, learned routes", learned,
					   setup_learned, teardown) |
	       cmocka_run_group_tests_name("fabric compiler, gateway-set layouts", gwpack,
					   setup_gwpack, teardown) |
	       cmocka_run_group_tests_name("fabric compiler, coexisting gateways", hybrid,
					   setup_hybrid, teardown);
}
