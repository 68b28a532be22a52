// SPDX-License-Identifier: GPL-2.0
/*
 * The fabric compiler, without BPF: the images it produces are looked up
 * here exactly as fabric.bpf.c does (table LPM, gateway set DIR-16-8-8
 * only for table routes flagged XV_ROUTE_F_GW, and only when strictly
 * longer) and must give the route
 * engine's engine_lookup() answer for every subnet and destination.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "compile.h"
#include "topo.h"

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

struct fixture {
	struct topology t;
	struct engine e;
	struct fabric_nic nics[8];
	int n;
	struct fabric_image img;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct diags d = { 0 };
	char err[256];

	if (!f || topo_parse("shadows", yaml, strlen(yaml), &f->t, &d) ||
	    engine_build(&f->e, &f->t))
		return -1;
	for (int i = 0; i < f->t.nvms; i++)
		f->nics[f->n++] = (struct fabric_nic){ XV_NIC_VM, i, 10 + i, { 2, 0, 0, 0, 0, i } };
	f->nics[f->n++] = (struct fabric_nic){ XV_NIC_GATEWAY, 0, 30, { 2, 0, 0, 0, 1, 0 } };
	f->nics[f->n++] = (struct fabric_nic){ XV_NIC_INTERNET, -1, 40, { 2, 0, 0, 0, 2, 0 } };
	if (fabric_compile(&f->t, &f->e, f->nics, f->n, &f->img, err, sizeof(err)))
		return -1;
	*state = f;
	return 0;
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

/* Longest match of id in entries, as BPF_MAP_TYPE_LPM_TRIE answers (dst: host order). */
static const struct xv_route *lpm(const struct lpm_entry *e, int n, __u32 id, __u32 dst)
{
	const struct lpm_entry *best = NULL;

	for (int i = 0; i < n; i++) {
		struct prefix p = { ntohl(e[i].key.addr), e[i].key.prefixlen - 32 };

		if (e[i].key.id == htonl(id) && prefix_has(p, dst) &&
		    (!best || best->key.prefixlen < e[i].key.prefixlen))
			best = &e[i];
	}
	return best ? &best->val : NULL;
}

/* fabric.bpf.c's gw_lookup(): at most three levels. */
static bool dir_lookup(const struct fabric_image *img, __u32 gwset, __u32 dst,
		       struct xv_route *g)
{
	__u32 e = img->dir16[gwset << 16 | dst >> 16];

	if (e & XV_DIR_CHUNK)
		e = img->dir24[(e & ~XV_DIR_CHUNK) << 8 | (dst >> 8 & 0xff)];
	if (e & XV_DIR_CHUNK)
		e = img->dir32[(e & ~XV_DIR_CHUNK) << 8 | (dst & 0xff)];
	if (!(e & XV_DIR_LEAF))
		return false;
	*g = (struct xv_route){ .len = e >> XV_DIR_LEN_SHIFT & 0x3f,
				.route_id = e & XV_DIR_ID_MASK };
	return true;
}

/* fabric.bpf.c's route_lookup(). */
static const struct xv_route *image_lookup(const struct fabric_image *img,
					   const struct xv_nic *nic, __u32 dst,
					   struct xv_route *tmp)
{
	const struct xv_route *r = lpm(img->tables, img->ntables, nic->table, dst);

	if (nic->gwset != XV_NONE && (!r || r->flags & XV_ROUTE_F_GW) &&
	    dir_lookup(img, nic->gwset, dst, tmp) && (!r || tmp->len > r->len))
		return tmp;
	return r;
}

static bool same_route(const struct fixture *f, int subnet, const struct eff_route *want,
		       const struct xv_route *got)
{
	const struct route_ref *ref;

	if (!want || !got)
		return !want && !got;
	ref = &f->img.routes[got->route_id];
	if (want->source == SRC_GATEWAY)
		return ref->gateway == want->gateway &&
		       prefix_equal(f->e.gw[ref->gateway].routes[ref->row].prefix, want->prefix);
	return ref->subnet == subnet && &f->e.sets[subnet].own[ref->row] == want;
}

/* Destinations at every edge of every prefix, and random ones. */
static __u32 pick(const struct fixture *f, unsigned int *seed)
{
	const struct gw_routes *gw = &f->e.gw[0];
	int i = rand_r(seed) % (f->img.ntables + gw->n);
	struct prefix p;

	if (rand_r(seed) % 4 == 0)
		return (__u32)rand_r(seed) << 1 ^ (__u32)rand_r(seed);
	if (i < f->img.ntables)
		p = (struct prefix){ ntohl(f->img.tables[i].key.addr),
				     f->img.tables[i].key.prefixlen - 32 };
	else
		p = gw->routes[i - f->img.ntables].prefix;
	switch (rand_r(seed) % 4) {
	case 0: return p.addr;
	case 1: return prefix_last(p);
	case 2: return p.addr - 1;
	default: return p.addr | ((__u32)rand_r(seed) & ~prefix_mask(p.len));
	}
}

static void test_lookup_matches_engine(void **state)
{
	struct fixture *f = *state;
	unsigned int seed = 7;

	for (int slot = 0; slot < f->n - 1; slot++) {	/* every NIC but the Internet edge */
		const struct xv_nic *nic = &f->img.nics[slot];

		for (int i = 0; i < 20000; i++) {
			__u32 dst = pick(f, &seed);
			struct eff_route tmp;
			struct xv_route gtmp;
			const struct eff_route *want = engine_lookup(&f->e, nic->table, dst, &tmp);
			const struct xv_route *got = image_lookup(&f->img, nic, dst, &gtmp);
			char buf[IPV4_STRLEN];

			if (!same_route(f, nic->table, want, got))
				fail_msg("subnet %d, %s: image and engine disagree", nic->table,
					 ipv4_str(dst, buf));
		}
	}
}

/* The shapes the lookup relies on. */
static void test_image_shape(void **state)
{
	struct fixture *f = *state;
	int quiet = topo_find_subnet(&f->t, "hub/quiet");
	int app = topo_find_subnet(&f->t, "hub/app");
	int shadows = 0;

	/* Gateway routes kept once, not per subnet: one DIR-16 level per gateway. */
	assert_int_equal(f->img.ndir16, f->t.ngateways << 16);
	assert_true(f->img.ndir24 > 0 && f->img.ndir32 > 0);	/* /17-/24 and /25-/32 */
	assert_int_equal(f->img.nics[2].gwset, XV_NONE);	/* quiet: no propagation */
	assert_int_equal(f->img.nics[2].table, quiet);
	assert_int_equal(f->img.nics[1].gwset, 0);
	/* Shadows: table entries for a gateway prefix Invalid in the subnet. */
	for (int i = 0; i < f->img.ntables; i++) {
		const struct lpm_entry *x = &f->img.tables[i];
		const struct route_ref *ref = &f->img.routes[x->val.route_id];

		if (x->key.id == htonl(app) && ref->subnet == app &&
		    (x->key.prefixlen - 32 != f->e.sets[app].own[ref->row].prefix.len ||
		     ntohl(x->key.addr) != f->e.sets[app].own[ref->row].prefix.addr))
			shadows++;
	}
	assert_true(shadows > 0);
	/* The gateway set is looked up only under routes it could beat. */
	for (int i = 0; i < f->img.ntables; i++) {
		const struct lpm_entry *x = &f->img.tables[i];
		struct prefix p = { ntohl(x->key.addr), x->key.prefixlen - 32 };
		struct prefix udr = { 0xc6336400, 24 };	/* 198.51.100.0/24, a /25 inside */
		struct prefix vnet = { 0x0a000000, 16 };	/* 10.0.0.0/16, only Invalid inside */

		if (x->key.id != htonl(app))
			continue;
		if (prefix_equal(p, udr))
			assert_true(x->val.flags & XV_ROUTE_F_GW);
		if (prefix_equal(p, vnet))
			assert_false(x->val.flags & XV_ROUTE_F_GW);
	}
	/* Gateway NIC: GatewaySubnet's table (R7.2), relays implicitly. */
	assert_int_equal(f->img.nics[f->t.nvms].table, f->t.gateways[0].subnet);
	assert_true(f->img.nics[f->t.nvms].flags & XV_NIC_F_GATEWAY);
	assert_int_equal(f->img.nics[f->n - 1].table, fabric_internet_table(&f->t));
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
	};

	return cmocka_run_group_tests_name("fabric compiler", tests, setup, teardown);
}
