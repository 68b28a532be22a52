// SPDX-License-Identifier: GPL-2.0
/*
 * Route-engine benchmark of route tables, without the topology file or its
 * validation (so no per-table limit applies):
 *
 *   bench-engine-tables TABLES ROUTES [SEED]
 *
 * Builds in memory TABLES VNets (10.0.0.0/16 upwards, then 11.0.0.0/16 ...)
 * with one subnet each, each subnet with its own route table of ROUTES
 * UDRs: mixed lengths /8-/32 across 0.0.0.0/0, all five UDR next hop types
 * (VnetLocal inside and outside its VNet), and prefixes equal to the
 * subnet's Default rows (0/0, its range, the reserved None prefixes).
 * Times engine_build() and prints one JSON object. Not pure: measures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine.h"
#include "xorshift.h"

static uint32_t rng;

static uint32_t next(void)
{
	return xorshift32(&rng);
}

static struct prefix pfx(uint32_t addr, int len)
{
	return (struct prefix){ addr & prefix_mask((uint8_t)len), (uint8_t)len };
}

static uint32_t vnet_base(int v)
{
	return 0x0a000000u + ((uint32_t)v << 16);
}

/* Route r of table v: a few equal to Default rows, the rest random. */
static struct udr route(int v, int r)
{
	static const enum next_hop_type types[] = {
		NH_APPLIANCE, NH_APPLIANCE, NH_VNET_LOCAL, NH_GATEWAY,
		NH_INTERNET, NH_NONE,
	};
	struct udr u = { .type = types[next() % 6] };

	switch (r) {
	case 0: u.prefix = pfx(0, 0); break;
	case 1: u.prefix = pfx(vnet_base(v), 16); break;
	case 2: u.prefix = pfx(0xac100000, 12); break;
	default:
		if (next() % 4 == 0) /* inside the VNet's range */
			u.prefix = pfx(vnet_base(v) | (next() & 0xffff), 17 + next() % 16);
		else
			u.prefix = pfx(next(), 8 + next() % 25);
	}
	if (u.type == NH_APPLIANCE)
		u.next_hop_ip = vnet_base(v) + 4;
	return u;
}

static int build(struct topology *t, int ntables, int nroutes)
{
	t->vnets = calloc((size_t)ntables, sizeof(*t->vnets));
	t->subnets = calloc((size_t)ntables, sizeof(*t->subnets));
	t->route_tables = calloc((size_t)ntables, sizeof(*t->route_tables));
	if (!t->vnets || !t->subnets || !t->route_tables)
		return -1;
	t->nvnets = t->nsubnets = t->nroute_tables = ntables;
	for (int v = 0; v < ntables; v++) {
		struct vnet *vn = &t->vnets[v];
		struct route_table *rt = &t->route_tables[v];

		vn->space = malloc(sizeof(*vn->space));
		rt->routes = calloc((size_t)nroutes + 1, sizeof(*rt->routes));
		if (!vn->space || !rt->routes)
			return -1;
		vn->space[0] = pfx(vnet_base(v), 16);
		vn->nspace = 1;
		vn->first_subnet = v;
		vn->nsubnets = 1;
		vn->gateways[GW_VPN] = vn->gateways[GW_EXPRESSROUTE] = vn->remote_vnet = -1;
		t->subnets[v] = (struct subnet){ .vnet = v, .route_table = v,
			.prefix = pfx(vnet_base(v), 24) };
		rt->nroutes = nroutes;
		for (int r = 0; r < nroutes; r++)
			rt->routes[r] = route(v, r);
	}
	return 0;
}

static void release(struct topology *t)
{
	for (int v = 0; v < t->nvnets; v++) {
		free(t->vnets[v].space);
		free(t->route_tables[v].routes);
	}
	free(t->vnets);
	free(t->subnets);
	free(t->route_tables);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct topology t = { 0 };
	struct engine e;
	struct rusage ru;
	long routes = 0;
	double t0, dt;
	int ntables, nroutes;

	if (argc < 3 || argc > 4 || (ntables = atoi(argv[1])) < 1 ||
	    (nroutes = atoi(argv[2])) < 3) {
		fprintf(stderr, "usage: bench-engine-tables TABLES ROUTES(>=3) [SEED]\n");
		return 2;
	}
	rng = argc == 4 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1;
	if (!rng)
		rng = 1;
	if (build(&t, ntables, nroutes)) {
		fprintf(stderr, "bench-engine-tables: out of memory\n");
		return 1;
	}
	t0 = now();
	engine_build(&e, &t);
	dt = now() - t0;
	for (int s = 0; s < t.nsubnets; s++)
		routes += route_set_count(&e.sets[s]);
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"tables\":%d,\"routes_per_table\":%d,\"compute_s\":%.4f,"
	       "\"effective_routes\":%ld,\"peak_rss_mb\":%.1f}\n",
	       ntables, nroutes, dt, routes, ru.ru_maxrss / 1024.0);
	engine_free(&e);
	release(&t);
	return 0;
}
