// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the route engine's state settling (User beats Default,
 * Gateway routes that lose, Forced tunnel removes reserved prefixes, Gateway
 * beats Default): random route tables and gateway-learned routes crowded into
 * a few /16s, so that UDRs, VNet and peering ranges and learned prefixes are
 * often equal or nested. Every row's state is compared with a reference
 * written the plain way, pair by pair from the rules.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine_fixture.h"
#include "../lib/xorshift.h"

static uint32_t rng;

static unsigned int next(void)
{
	return xorshift32(&rng);
}

/*
 * Prefixes equal to some Default row or ending where a range ends, and
 * random ones in 10.0.0.0/14.
 */
static struct prefix random_prefix(void)
{
	static const struct prefix special[] = {
		{ 0, 0 }, { 0x0a000000, 8 }, { 0x0a000000, 16 }, { 0x0a010000, 16 },
		{ 0x0a020000, 16 }, { 0xac100000, 12 }, { 0x0a000000, 14 },
		{ 0x0a00ffff, 32 }, { 0x0a01fffc, 30 }, { 0x0a02ff80, 25 },
	};
	uint8_t len;

	if (next() % 8 == 0)
		return special[next() % (sizeof(special) / sizeof(special[0]))];
	len = (uint8_t)(12 + next() % 21);
	return (struct prefix){ (0x0a000000 | (next() & 0x3ffff)) & prefix_mask(len), len };
}

/* Up to n distinct random prefixes into out; returns how many. */
static int distinct(struct prefix *out, int n)
{
	int m = 0;

	for (int tries = 0; m < n && tries < 20 * n; tries++) {
		struct prefix p = random_prefix();
		bool dup = false;

		for (int i = 0; i < m && !dup; i++)
			dup = prefix_equal(out[i], p);
		if (!dup)
			out[m++] = p;
	}
	return m;
}

static void load_random(int nudr, int nlearned)
{
	static const char *const types[] = {
		"VnetLocal", "None", "Internet", "VirtualNetworkGateway",
		"VirtualAppliance, nextHopIpAddress: 10.0.2.4",
	};
	struct prefix *u = calloc((size_t)nudr, sizeof(*u));
	struct prefix *l = calloc((size_t)nlearned, sizeof(*l));
	char *yaml = NULL, buf[PREFIX_STRLEN];
	size_t len = 0;
	FILE *f = open_memstream(&yaml, &len);

	nudr = distinct(u, nudr);
	nlearned = distinct(l, nlearned);
	fprintf(f, "name: t\n"
		"vnets:\n"
		"  - name: hub\n"
		"    addressSpace: [10.0.0.0/16, 10.2.0.0/16]\n"
		"    subnets:\n"
		"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
		"      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}\n"
		"      - {name: b, addressPrefix: 10.2.1.0/24}\n"
		"  - name: spoke\n"
		"    addressSpace: [10.1.0.0/16]\n"
		"    subnets: [{name: c, addressPrefix: 10.1.1.0/24, routeTable: rt}]\n"
		"peerings:\n"
		"  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
		"  - {from: spoke, to: hub, useRemoteGateways: true}\n"
		"gateways:\n"
		"  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
		"connections:\n"
		"  - {name: conn, gateway: gw, site: dc}\n"
		"routeTables:\n"
		"  - name: rt\n"
		"    routes:\n");
	for (int i = 0; i < nudr; i++)
		fprintf(f, "      - {name: r%d, addressPrefix: %s, nextHopType: %s}\n",
			i, prefix_str(u[i], buf), types[next() % 5]);
	fprintf(f, "sites:\n  - name: dc\n    addressSpace:\n");
	for (int i = 0; i < nlearned; i++)
		fprintf(f, "      - %s\n", prefix_str(l[i], buf));
	fclose(f);
	load(yaml);
	free(yaml);
	free(u);
	free(l);
}

/* ---- the reference: every rule applied pair by pair -------------------- */

static const struct route_table *table_of(int s)
{
	int rt = topo.subnets[s].route_table;

	return rt >= 0 ? &topo.route_tables[rt] : NULL;
}

static const struct udr *udr_equal(int s, struct prefix p)
{
	const struct route_table *rt = table_of(s);

	for (int i = 0; rt && i < rt->nroutes; i++)
		if (prefix_equal(rt->routes[i].prefix, p))
			return &rt->routes[i];
	return NULL;
}

static bool in_vnet(int s, struct prefix p)
{
	const struct vnet *v = &topo.vnets[topo.subnets[s].vnet];

	for (int i = 0; i < v->nspace; i++)
		if (prefix_within(p, v->space[i]))
			return true;
	return false;
}

/* VNet routes win: an Active VnetLocal or peering row (a UDR one inside the VNet). */
static bool protects(int s, const struct eff_route *r)
{
	if (r->type != NH_VNET_LOCAL && r->type != NH_VNET_PEERING &&
	    r->type != NH_VNET_GLOBAL_PEERING)
		return false;
	if (r->source == SRC_USER)
		return in_vnet(s, r->prefix);
	return !udr_equal(s, r->prefix);
}

/* User beats gateway, VNet routes win: learned route g is Invalid in subnet s. */
static bool learned_invalid(int s, struct prefix g)
{
	const struct route_set *rs = &eng.sets[s];

	if (udr_equal(s, g))
		return true;
	for (int i = 0; i < rs->nown; i++)
		if (rs->own[i].source != SRC_GATEWAY && protects(s, &rs->own[i]) &&
		    prefix_within(g, rs->own[i].prefix))
			return true;
	return false;
}

/* An Active learned route of prefix p reaches subnet s. */
static bool learned_active(int s, struct prefix p)
{
	const struct route_set *rs = &eng.sets[s];

	for (int i = 0; rs->gw && i < rs->gw->n; i++)
		if (prefix_equal(rs->gw->routes[i].prefix, p))
			return !learned_invalid(s, p);
	return false;
}

static bool expected_active(int s, const struct eff_route *r)
{
	switch (r->source) {
	case SRC_USER:
		return true;
	case SRC_GATEWAY:
		return !learned_invalid(s, r->prefix);
	case SRC_DEFAULT:
	default:
		return !udr_equal(s, r->prefix) && !learned_active(s, r->prefix);
	}
}

/* Forced tunnel removes reserved prefixes: the Active 0/0 is a VirtualAppliance or a gateway. */
static bool forced_tunnel(int s)
{
	static const struct prefix any = { 0, 0 };
	const struct udr *u = udr_equal(s, any);

	if (u)
		return u->type == NH_APPLIANCE || u->type == NH_GATEWAY;
	return learned_active(s, any);
}

static void check_subnet(int s)
{
	const struct route_set *rs = &eng.sets[s];
	int n = route_set_count(rs), nnone = 0;

	for (int i = 0; i < n; i++) {
		struct eff_route tmp;
		const struct eff_route *r = route_set_row(&eng, rs, i, &tmp);
		char buf[PREFIX_STRLEN];

		if (r->active != expected_active(s, r))
			fail_msg("%s row %s source %d: active %d", topo.subnets[s].name,
				 prefix_str(r->prefix, buf), r->source, r->active);
		nnone += r->source == SRC_DEFAULT && r->type == NH_NONE;
	}
	if (forced_tunnel(s))
		assert_int_equal(nnone, 0);
	else
		assert_true(nnone > 0);
}

static void test_settling_states_match_reference(void **state)
{
	for (unsigned int seed = 1; seed <= 40; seed++) {
		rng = seed * 2654435761u;
		load_random(1 + (int)(next() % 120), 1 + (int)(next() % 200));
		for (int s = 0; s < topo.nsubnets; s++)
			check_subnet(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_settling_states_match_reference, unload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
