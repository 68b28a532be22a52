// SPDX-License-Identifier: GPL-2.0
/*
 * Route engine tests, one or more per rule id of azure-routing.md (named
 * in each test), Microsoft's own routing example, and the path model
 * (docs/routing.md). Topologies are inline YAML parsed by topo_parse();
 * route tables are compared whole and order-insensitively (R6.7).
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

/* load_opts() of a printf format: variants of one topology. */
static void loadf_opts(const struct engine_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void loadf_opts(const struct engine_opts *o, const char *fmt, ...)
{
	va_list ap;
	char *yaml;

	va_start(ap, fmt);
	assert_true(vasprintf(&yaml, fmt, ap) >= 0);
	va_end(ap);
	load_opts(yaml, o);
	free(yaml);
}

#define loadf(...) loadf_opts(NULL, __VA_ARGS__)

static int subnet(const char *name)
{
	int s = topo_find_subnet(&topo, name);

	if (s < 0)
		fail_msg("no subnet %s", name);
	return s;
}

static uint32_t ip(const char *s)
{
	uint32_t a;

	assert_true(ipv4_parse(s, &a));
	return a;
}

static const char *source_name(enum route_source s)
{
	return s == SRC_USER ? "User" : s == SRC_GATEWAY ? "VirtualNetworkGateway"
							 : "Default";
}

/* "Source State Prefix NextHopType [NextHopIp]", as `az ... -o table`. */
static void route_str(const struct eff_route *r, char *buf, size_t len)
{
	char p[PREFIX_STRLEN], a[IPV4_STRLEN];
	int n = snprintf(buf, len, "%s %s %s %s", source_name(r->source),
			 r->active ? "Active" : "Invalid", prefix_str(r->prefix, p),
			 next_hop_type_name(r->type));

	if (r->next_hop_ip)
		snprintf(buf + n, len - (size_t)n, " %s", ipv4_str(r->next_hop_ip, a));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_rows(const char *what, char **rows, int n)
{
	print_error("  %s:\n", what);
	for (int i = 0; i < n; i++)
		print_error("    %s\n", rows[i]);
}

/* The whole effective route table of a subnet, in any order. */
static void assert_routes(const char *name, const char *const *want, int nwant)
{
	const struct route_set *rs = &eng.sets[subnet(name)];
	int n = route_set_count(rs);
	char **got = calloc((size_t)n + 1, sizeof(char *));
	char **exp = calloc((size_t)nwant + 1, sizeof(char *));
	bool same = n == nwant;

	for (int i = 0; i < n; i++) {
		struct eff_route tmp;

		got[i] = malloc(96);
		route_str(route_set_row(&eng, rs, i, &tmp), got[i], 96);
	}
	for (int i = 0; i < nwant; i++)
		exp[i] = (char *)want[i];
	qsort(got, (size_t)n, sizeof(char *), cmp_str);
	qsort(exp, (size_t)nwant, sizeof(char *), cmp_str);
	for (int i = 0; same && i < n; i++)
		same = !strcmp(got[i], exp[i]);
	if (!same) {
		print_error("effective routes of %s differ\n", name);
		print_rows("expected", exp, nwant);
		print_rows("got", got, n);
	}
	for (int i = 0; i < n; i++)
		free(got[i]);
	free(got);
	free(exp);
	assert_true(same);
}

#define ROUTES(subnet, ...) do {					\
	static const char *const want_[] = { __VA_ARGS__ };		\
	assert_routes(subnet, want_, sizeof(want_) / sizeof(want_[0]));	\
} while (0)

/* engine_lookup(): "Type [ip]", "VnetLocal as None" for R4.7 rows. */
static void assert_lookup(const char *name, const char *dst, const char *want)
{
	struct eff_route tmp;
	const struct eff_route *r = engine_lookup(&eng, subnet(name), ip(dst), &tmp);
	char got[64], a[IPV4_STRLEN];
	int n;

	assert_non_null(r);
	n = snprintf(got, sizeof(got), "%s", next_hop_type_name(r->type));
	if (r->next_hop_ip)
		n += snprintf(got + n, sizeof(got) - (size_t)n, " %s",
			      ipv4_str(r->next_hop_ip, a));
	if (r->vnet_local_as_none)
		snprintf(got + n, sizeof(got) - (size_t)n, " as None");
	if (strcmp(got, want))
		fail_msg("%s -> %s: got '%s', want '%s'", name, dst, got, want);
}

/* A path as one line: hops, then "=> where" or "=> drop:Reason". */
static void path_str(const struct path *p, char *buf, size_t len)
{
	const struct topology *t = &topo;
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < p->nhops; i++) {
		const struct hop *h = &p->hops[i];
		const struct subnet *s = &t->subnets[h->where];

		switch (h->kind) {
		case HOP_SUBNET:
			n += snprintf(buf + n, len - n, "%s/%s ",
				      t->vnets[s->vnet].name, s->name);
			break;
		case HOP_GATEWAY:
			n += snprintf(buf + n, len - n, "gw:%s ",
				      t->gateways[h->where].name);
			break;
		case HOP_SITE:
			n += snprintf(buf + n, len - n, "site:%s ",
				      t->sites[h->where].name);
			break;
		case HOP_CIRCUIT:
			n += snprintf(buf + n, len - n, "er:%s ",
				      t->circuits[h->where].name);
			break;
		}
	}
	if (p->result == PATH_DROPPED) {
		snprintf(buf + n, len - n, "=> drop:%s", drop_reason_name(p->drop));
		return;
	}
	switch (p->to_kind) {
	case TO_VM:
		snprintf(buf + n, len - n, "=> vm:%s", t->vms[p->to].name);
		break;
	case TO_GATEWAY:
		snprintf(buf + n, len - n, "=> gateway:%s", t->gateways[p->to].name);
		break;
	case TO_SITE:
		snprintf(buf + n, len - n, "=> site:%s", t->sites[p->to].name);
		break;
	case TO_INTERNET:
		snprintf(buf + n, len - n, "=> internet");
		break;
	case TO_NONE:
		snprintf(buf + n, len - n, "=> nowhere");
		break;
	}
}

/* A VM by name, or a site host by name. */
static struct origin origin_of(const char *name, uint32_t *src)
{
	int vm = topo_find_vm(&topo, name);

	if (vm >= 0) {
		*src = topo.vms[vm].ip;
		return (struct origin){ false, vm };
	}
	for (int s = 0; s < topo.nsites; s++)
		for (int h = 0; h < topo.sites[s].nhosts; h++)
			if (!strcmp(topo.sites[s].hosts[h].name, name)) {
				*src = topo.sites[s].hosts[h].ip;
				return (struct origin){ true, s };
			}
	fail_msg("no VM or site host %s", name);
	return (struct origin){ false, -1 };
}

static void trace(const char *from, uint32_t src, const char *dst,
		  enum fw_proto proto, uint16_t port, struct path *p)
{
	struct flow f = { .proto = proto, .dport = port };
	struct origin o = origin_of(from, &f.src);

	if (src)
		f.src = src;
	f.dst = ip(dst);
	engine_path(&eng, o, &f, p);
}

static void assert_path_str(const struct path *p, const char *from,
			    const char *dst, const char *want)
{
	char got[512];

	path_str(p, got, sizeof(got));
	if (strcmp(got, want))
		fail_msg("path %s -> %s:\n  got  '%s'\n  want '%s'", from, dst,
			 got, want);
}

/* An ICMP flow from a VM or site host. */
static void assert_path(const char *from, const char *dst, const char *want)
{
	struct path p;

	trace(from, 0, dst, FW_ICMP, 0, &p);
	assert_path_str(&p, from, dst, want);
}

static void assert_flow(const char *from, const char *dst, enum fw_proto proto,
			uint16_t port, const char *want)
{
	struct path p;

	trace(from, 0, dst, proto, port, &p);
	assert_path_str(&p, from, dst, want);
}

/* The default rows of a VNet 10.0.0.0/16 without anything else. */
#define DEFAULT_NONE_ROWS						\
	"Default Active 10.0.0.0/8 None",				\
	"Default Active 172.16.0.0/12 None",				\
	"Default Active 192.168.0.0/16 None",				\
	"Default Active 100.64.0.0/10 None"

/* ---- §2 default routes ------------------------------------------------ */

static void test_r2_1_default_routes_one_per_range(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [10.0.0.0/16, 10.5.0.0/16]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 10.0.1.0/24}\n");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 10.5.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       DEFAULT_NONE_ROWS);
}

static const char *two_subnets =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24}\n"
	"      - {name: b, addressPrefix: 10.0.2.0/24}\n"
	"vms:\n"
	"  - {name: vm-a, subnet: v/a, ip: 10.0.1.4}\n"
	"  - {name: vm-b, subnet: v/b, ip: 10.0.2.4}\n";

static void test_r2_2_no_route_per_subnet(void **state)
{
	load(two_subnets);
	ROUTES("v/a", "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
	ROUTES("v/b", "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
	assert_path("vm-a", "10.0.2.4", "v/a => vm:vm-b");
}

static void test_r2_3_reserved_prefix_equal_to_range_is_vnetlocal(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [172.16.0.0/12]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 172.16.1.0/24}\n");
	ROUTES("v/a",
	       "Default Active 172.16.0.0/12 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Active 10.0.0.0/8 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None");
}

static void test_r2_4_superset_range_removes_none_route(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [192.168.0.0/15]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 192.168.1.0/24}\n");
	ROUTES("v/a",
	       "Default Active 192.168.0.0/15 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Active 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Active 100.64.0.0/10 None");
}

/* A3: a range inside a reserved prefix keeps the None route; LPM decides. */
static void test_r2_4_subset_range_keeps_none_route(void **state)
{
	load(two_subnets);
	ROUTES("v/a", "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
	assert_lookup("v/a", "10.0.9.9", "VnetLocal");
	assert_lookup("v/a", "10.1.0.1", "None");
}

static void test_r2_5_none_drops(void **state)
{
	load(two_subnets);
	assert_path("vm-a", "192.168.7.7", "v/a => drop:NoneRoute");
	assert_path("vm-a", "100.64.0.1", "v/a => drop:NoneRoute");
}

static void test_r2_6_internet(void **state)
{
	load(two_subnets);
	assert_lookup("v/a", "203.0.113.10", "Internet");
	assert_path("vm-a", "203.0.113.10", "v/a => internet");
}

/* R2.7 / A4: one VNet, a VPN gateway whose site may advertise 0/0. */
static const char *forced_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}\n"
	"      - {name: nva, addressPrefix: 10.0.2.0/24}\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    disableBgpRoutePropagation: %s\n"
	"    routes: [%s]\n"
	"gateways:\n"
	"  - {name: gw, vnet: v, type: Vpn, ip: 10.0.255.4}\n"
	"sites:\n"
	"  - {name: dc, addressSpace: [%s]}\n"
	"connections:\n"
	"  - {name: c, gateway: gw, site: dc}\n"
	"vms:\n"
	"  - {name: nva, subnet: v/nva, ip: 10.0.2.4, enableIpForwarding: true}\n";

static void test_r2_7_udr_default_to_appliance_removes_none(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 VirtualAppliance 10.0.2.4",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	/* The other subnets keep them. */
	ROUTES("v/nva",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "172.20.0.1", "VirtualAppliance 10.0.2.4");
}

static void test_r2_7_udr_default_to_gateway_removes_none(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualNetworkGateway}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 VirtualNetworkGateway",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
}

static void test_r2_7_bgp_default_removes_none(void **state)
{
	loadf(forced_fmt, "false", "", "0.0.0.0/0");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "VirtualNetworkGateway Active 0.0.0.0/0 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "192.168.1.1", "VirtualNetworkGateway 10.0.255.4");
}

/* A4: a UDR 0/0 -> None or -> Internet keeps the None routes. */
static void test_r2_7_udr_default_to_none_or_internet_keeps_none(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: None}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 None", DEFAULT_NONE_ROWS,
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: Internet}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
}

/* A BGP 0/0 that propagation keeps away removes nothing (R5.2 first). */
static void test_r2_7_suppressed_bgp_default_keeps_none(void **state)
{
	loadf(forced_fmt, "true", "", "0.0.0.0/0");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
}

/* A BGP 10/8 beats the reserved None row at equal prefix (R6.2, A10). */
static void test_r2_7_r6_2_bgp_beats_reserved_none(void **state)
{
	loadf(forced_fmt, "false", "", "10.0.0.0/8");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Invalid 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None",
	       "VirtualNetworkGateway Active 10.0.0.0/8 VirtualNetworkGateway 10.0.255.4");
}

static void test_r2_8_extra_none_list(void **state)
{
	static const struct prefix extra[] = { { 0x7f000000, 8 } }; /* 127/8 */
	const struct engine_opts o = { .extra_none = extra, .nextra_none = 1 };

	loadf_opts(&o, forced_fmt, "false",
		   "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}",
		   "192.0.2.0/24");
	ROUTES("v/nva",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 127.0.0.0/8 None",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	/* Removed with the reserved four under a forced-tunnel 0/0. */
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 VirtualAppliance 10.0.2.4",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
}

/* ---- §3 peering and gateway routes ------------------------------------ */

static const char *peered_fmt =
	"name: t\n"
	"vnets:\n"
	"  - {name: v, region: %s, addressSpace: [10.0.0.0/16],\n"
	"     subnets: [{name: a, addressPrefix: 10.0.1.0/24}]}\n"
	"  - {name: w, region: %s, addressSpace: [10.1.0.0/16, 10.2.0.0/16],\n"
	"     subnets: [{name: b, addressPrefix: 10.1.1.0/24}]}\n"
	"peerings:\n"
	"  - {from: v, to: w}\n"
	"%s";

static void test_r3_1_peering_route_per_remote_range(void **state)
{
	loadf(peered_fmt, "westeurope", "westeurope", "  - {from: w, to: v}\n");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.1.0.0/16 VNetPeering",
	       "Default Active 10.2.0.0/16 VNetPeering");
	ROUTES("w/b",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 10.2.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetPeering");
}

static void test_r3_1_global_peering(void **state)
{
	loadf(peered_fmt, "westeurope", "northeurope", "  - {from: w, to: v}\n");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.1.0.0/16 VNetGlobalPeering",
	       "Default Active 10.2.0.0/16 VNetGlobalPeering");
}

static void test_r3_1_r8_1_one_direction_is_not_connected(void **state)
{
	loadf(peered_fmt, "westeurope", "westeurope", "");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
}

/*
 * Hub and spoke: hub gateway to site dc (192.0.2.0/24 and 198.51.100.0/24),
 * firewall NVA in the hub, spoke1 using the hub's gateway, spoke2 not.
 * Format arguments: the spoke1 -> hub peering's extra flags, spoke1's
 * route table flags and routes, the GatewaySubnet's routes.
 */
static const char *hub_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27, routeTable: gw-rt}\n"
	"      - {name: fw, addressPrefix: 10.0.1.0/24}\n"
	"  - name: spoke1\n"
	"    addressSpace: [10.1.0.0/16]\n"
	"    subnets:\n"
	"      - {name: app, addressPrefix: 10.1.1.0/24, routeTable: spoke-rt}\n"
	"  - name: spoke2\n"
	"    addressSpace: [10.2.0.0/16]\n"
	"    subnets:\n"
	"      - {name: app, addressPrefix: 10.2.1.0/24}\n"
	"peerings:\n"
	"  - {from: hub, to: spoke1, allowGatewayTransit: true}\n"
	"  - {from: spoke1, to: hub, %s}\n"
	"  - {from: hub, to: spoke2, allowGatewayTransit: true}\n"
	"  - {from: spoke2, to: hub}\n"
	"routeTables:\n"
	"  - name: spoke-rt\n"
	"    %s\n"
	"    routes: [%s]\n"
	"  - name: gw-rt\n"
	"    routes: [%s]\n"
	"gateways:\n"
	"  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
	"sites:\n"
	"  - name: dc\n"
	"    addressSpace: [192.0.2.0/24, 198.51.100.0/24]\n"
	"    hosts: [{name: dc-srv, ip: 192.0.2.10}]\n"
	"connections:\n"
	"  - {name: c, gateway: gw, site: dc}\n"
	"vms:\n"
	"  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n"
	"  - {name: app1, subnet: spoke1/app, ip: 10.1.1.4}\n"
	"  - {name: app2, subnet: spoke2/app, ip: 10.2.1.4}\n";

#define SPOKE1_TRANSIT "useRemoteGateways: true"
#define NO_FLAGS "disableBgpRoutePropagation: false"
#define UDR_VA(name, prefix, nh)					\
	"{name: " name ", addressPrefix: " prefix				\
	", nextHopType: VirtualAppliance, nextHopIpAddress: " nh "}"

#define GW_ROWS(state)							\
	"VirtualNetworkGateway " state " 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4", \
	"VirtualNetworkGateway " state " 198.51.100.0/24 VirtualNetworkGateway 10.0.255.4"

static void test_r3_2_r3_4_gateway_routes_in_every_subnet(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	ROUTES("hub/fw",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.1.0.0/16 VNetPeering",
	       "Default Active 10.2.0.0/16 VNetPeering",
	       GW_ROWS("Active"));
	ROUTES("hub/GatewaySubnet",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.1.0.0/16 VNetPeering",
	       "Default Active 10.2.0.0/16 VNetPeering",
	       GW_ROWS("Active"));
}

static void test_r3_3_use_remote_gateways_gets_gateway_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	ROUTES("spoke1/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetPeering",
	       GW_ROWS("Active"));
	assert_path("app1", "192.0.2.10", "spoke1/app gw:gw => site:dc");
}

static void test_r3_3_without_use_remote_gateways_no_gateway_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	ROUTES("spoke2/app",
	       "Default Active 10.2.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetPeering");
	assert_path("app2", "198.51.100.7", "spoke2/app => internet");
	assert_int_equal(eng.gateway_vnet[topo_find_vnet(&topo, "spoke2")], -1);
}

/* ---- §4 user routes --------------------------------------------------- */

static void test_r4_4_r6_1_appliance_udr_more_specific(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      UDR_VA("to-dc", "192.0.2.128/25", "10.0.1.4"), "");
	assert_lookup("spoke1/app", "192.0.2.200", "VirtualAppliance 10.0.1.4");
	assert_lookup("spoke1/app", "192.0.2.10", "VirtualNetworkGateway 10.0.255.4");
}

static void test_r4_7_vnetlocal_udr_outside_vnet_is_none(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      "{name: local-hub, addressPrefix: 10.0.0.0/16, nextHopType: VnetLocal}", "");
	ROUTES("spoke1/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Invalid 10.0.0.0/16 VNetPeering",
	       "User Active 10.0.0.0/16 VnetLocal",
	       GW_ROWS("Active"));
	assert_lookup("spoke1/app", "10.0.1.4", "VnetLocal as None");
	assert_path("app1", "10.0.1.4", "spoke1/app => drop:NoneRoute");
}

static void test_r4_7_vnetlocal_udr_inside_vnet_stays_local(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      "{name: local, addressPrefix: 10.1.1.0/24, nextHopType: VnetLocal}", "");
	assert_lookup("spoke1/app", "10.1.1.9", "VnetLocal");
	assert_path("app1", "10.1.1.9", "spoke1/app => drop:NoNicOwnsAddress");
}

/*
 * One VNet 10.0.0.0/16 with a gateway to site dc. Format arguments: the
 * routes of subnet a's table, dc's address space, dc's host address.
 */
static const char *edge_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    routes: [%s]\n"
	"gateways:\n"
	"  - {name: gw, vnet: v, type: Vpn, ip: 10.0.255.4}\n"
	"sites:\n"
	"  - name: dc\n"
	"    addressSpace: [%s]\n"
	"    hosts: [{name: dc-srv, ip: %s}]\n"
	"connections:\n"
	"  - {name: c, gateway: gw, site: dc}\n"
	"vms:\n"
	"  - {name: a1, subnet: v/a, ip: 10.0.1.4}\n";

/* R4.7: the whole UDR prefix is checked against the VNet, not its first address. */
static void test_r4_7_whole_udr_prefix_checked_against_vnet(void **state)
{
	loadf(edge_fmt, "{name: l, addressPrefix: 10.0.0.0/8, nextHopType: VnetLocal}",
	      "192.0.2.0/24", "192.0.2.10");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Invalid 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None",
	       "User Active 10.0.0.0/8 VnetLocal",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "10.9.0.1", "VnetLocal as None");
	assert_path("a1", "10.9.0.1", "v/a => drop:NoneRoute");
	assert_lookup("v/a", "10.0.1.9", "VnetLocal");
}

/*
 * R4.7, R6.3: a VnetLocal UDR outside the VNet, programmed as None,
 * protects nothing: a learned /25 nested in it stays Active and wins.
 */
static void test_r4_7_r6_3_vnetlocal_as_none_does_not_protect(void **state)
{
	loadf(edge_fmt, "{name: l, addressPrefix: 192.0.2.0/24, nextHopType: VnetLocal}",
	      "192.0.2.128/25", "192.0.2.130");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "User Active 192.0.2.0/24 VnetLocal",
	       "VirtualNetworkGateway Active 192.0.2.128/25 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "192.0.2.200", "VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "192.0.2.10", "VnetLocal as None");
	assert_path("a1", "192.0.2.130", "v/a gw:gw => site:dc");
	assert_path("a1", "192.0.2.10", "v/a => drop:NoneRoute");
}

/* R4.8: a UDR for the subnet's own prefix hairpins intra-subnet traffic. */
static const char *hairpin_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}\n"
	"      - {name: nva, addressPrefix: 10.0.2.0/24}\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    routes:\n"
	"      - {name: hairpin, addressPrefix: 10.0.1.0/24, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: %s}\n"
	"vms:\n"
	"  - {name: nva, subnet: v/nva, ip: 10.0.2.4, enableIpForwarding: %s}\n"
	"  - {name: a1, subnet: v/a, ip: 10.0.1.4, enableIpForwarding: true}\n"
	"  - {name: a2, subnet: v/a, ip: 10.0.1.5}\n";

static void test_r4_8_intra_subnet_hairpin(void **state)
{
	loadf(hairpin_fmt, "10.0.2.4", "true");
	assert_path("a1", "10.0.1.5", "v/a v/nva => vm:a2");
	assert_path("a1", "10.0.2.4", "v/a => vm:nva");
}

/* R4.5: an appliance in the workload subnet loops (same packet, same subnet). */
static void test_r4_5_appliance_in_own_subnet_loops(void **state)
{
	loadf(hairpin_fmt, "10.0.1.4", "true");
	assert_path("a2", "10.0.1.6", "v/a => drop:RoutingLoop");
	assert_path("a2", "10.0.1.4", "v/a => vm:a1");
}

/* ---- §5 propagation --------------------------------------------------- */

static void test_r5_2_propagation_disabled_drops_gateway_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, "disableBgpRoutePropagation: true", "", "");
	ROUTES("spoke1/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetPeering");
	/* A14: on-prem prefix outside the reserved ranges falls to Internet. */
	assert_path("app1", "198.51.100.7", "spoke1/app => internet");
}

/* In the gateway's own VNet too, and the BGP 0/0 with it. */
static void test_r5_2_propagation_disabled_in_gateway_vnet(void **state)
{
	loadf(forced_fmt, "true", "", "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
}

static void test_r5_3_udr_to_gateway_works_without_propagation(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, "disableBgpRoutePropagation: true",
	      "{name: to-dc, addressPrefix: 192.0.2.0/24, nextHopType: VirtualNetworkGateway}",
	      "");
	ROUTES("spoke1/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetPeering",
	       "User Active 192.0.2.0/24 VirtualNetworkGateway");
	assert_path("app1", "192.0.2.10", "spoke1/app gw:gw => site:dc");
}

/* R5.4: the flag changes what the subnet receives, not what is advertised. */
static void test_r5_4_propagation_does_not_change_advertisements(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, "disableBgpRoutePropagation: true", "", "");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => vm:app1");
}

/* ---- §5 coexisting gateways, BGP transit (rev. 2) --------------------- */

/*
 * A hub with an ExpressRoute and a VPN gateway (ips .10 and .20, listed in
 * the order of the first argument), dc on the circuit and on the VPN,
 * branches on the VPN only (the second argument: bgp of the VPN gateway),
 * a spoke using both through gateway transit.
 */
static const char *hybrid_fmt =
	"name: t\n"
	"vnets:\n"
	"  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	"      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27},\n"
	"      {name: app, addressPrefix: 10.0.1.0/24}]}\n"
	"  - {name: spoke, addressSpace: [10.1.0.0/16], subnets: [\n"
	"      {name: app, addressPrefix: 10.1.1.0/24}]}\n"
	"peerings:\n"
	"  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
	"  - {from: spoke, to: hub, useRemoteGateways: true}\n"
	"gateways:\n%s"
	"sites:\n"
	"  - {name: dc, addressSpace: [192.168.0.0/16, 10.1.0.0/16], hosts: [{name: dc-srv, ip: 192.168.1.10}]}\n"
	"  - {name: dr, addressSpace: [192.168.100.0/24], hosts: [{name: dr-srv, ip: 192.168.100.10}]}\n"
	"  - {name: b1, addressSpace: [172.20.1.0/24, 0.0.0.0/0], hosts: [{name: b1-srv, ip: 172.20.1.10}]}\n"
	"  - {name: b2, addressSpace: [172.20.2.0/24, 10.0.9.0/24], hosts: [{name: b2-srv, ip: 172.20.2.10}]}\n"
	"circuits:\n"
	"  - {name: er1, sites: [dc]}\n"
	"connections:\n"
	"  - {name: c-er, gateway: er, circuit: er1}\n"
	"  - {name: c-dc, gateway: vpn, site: dc}\n"
	"  - {name: c-dr, gateway: vpn, site: dr}\n"
	"  - {name: c-b1, gateway: vpn, site: b1}\n"
	"  - {name: c-b2, gateway: vpn, site: b2}\n"
	"vms:\n"
	"  - {name: hubvm, subnet: hub/app, ip: 10.0.1.4}\n"
	"  - {name: spokevm, subnet: spoke/app, ip: 10.1.1.4}\n";

#define ER_GW "  - {name: er, vnet: hub, type: ExpressRoute, ip: 10.0.255.10}\n"
#define VPN_GW "  - {name: vpn, vnet: hub, type: Vpn, bgp: true, ip: 10.0.255.20}\n"

/*
 * The gateway rows of the hub and the spoke, both gateway orders. b1's
 * 0.0.0.0/0 over VPN removes the reserved None rows (R2.7); b2's
 * 10.0.9.0/24 lies in the hub (R6.3).
 */
#define HYBRID_GW_ROWS							\
	"VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.0.255.10",  \
	"VirtualNetworkGateway Invalid 192.168.0.0/16 VirtualNetworkGateway 10.0.255.20", \
	"VirtualNetworkGateway Active 192.168.100.0/24 VirtualNetworkGateway 10.0.255.20",\
	"VirtualNetworkGateway Active 172.20.1.0/24 VirtualNetworkGateway 10.0.255.20",   \
	"VirtualNetworkGateway Active 172.20.2.0/24 VirtualNetworkGateway 10.0.255.20",   \
	"VirtualNetworkGateway Active 0.0.0.0/0 VirtualNetworkGateway 10.0.255.20",      \
	"VirtualNetworkGateway Invalid 10.0.9.0/24 VirtualNetworkGateway 10.0.255.20"

/*
 * R5.8, R6.4a: both gateways' routes reach the hub and its transit spoke;
 * at an equal prefix ExpressRoute is Active and VPN Invalid, whatever the
 * order; a more specific VPN-only prefix wins by longest prefix.
 */
static void test_r5_8_r6_4a_coexisting_gateways(void **state)
{
	static const char *const orders[] = { ER_GW VPN_GW, VPN_GW ER_GW };

	for (int o = 0; o < 2; o++) {
		loadf(hybrid_fmt, orders[o]);
		/* dc's 10.1.0.0/16 over ExpressRoute: learned, Invalid (R6.3). */
		ROUTES("hub/app",
		       "Default Active 10.0.0.0/16 VnetLocal",
		       "Default Invalid 0.0.0.0/0 Internet",
		       "Default Active 10.1.0.0/16 VNetPeering",
		       "VirtualNetworkGateway Invalid 10.1.0.0/16 VirtualNetworkGateway 10.0.255.10",
		       HYBRID_GW_ROWS);
		assert_lookup("hub/app", "192.168.1.1", "VirtualNetworkGateway 10.0.255.10");
		assert_lookup("spoke/app", "192.168.1.1", "VirtualNetworkGateway 10.0.255.10");
		assert_lookup("spoke/app", "192.168.100.9", "VirtualNetworkGateway 10.0.255.20");
		assert_path("hubvm", "192.168.1.10", "hub/app gw:er er:er1 => site:dc");
		assert_path("spokevm", "192.168.100.10", "spoke/app gw:vpn => site:dr");
		assert_path("spokevm", "172.20.2.10", "spoke/app gw:vpn => site:b2");
		/* The gateways answer on the GatewaySubnet, both of them. */
		assert_path("hubvm", "10.0.255.20", "hub/app => gateway:vpn");
		assert_path("hubvm", "10.0.255.10", "hub/app => gateway:er");
	}
}

/*
 * R5.7: the BGP VPN gateway passes what one branch advertises to the
 * others, not 0.0.0.0/0 nor what lies in its VNets; ExpressRoute and VPN
 * routes never pass between each other.
 */
static void test_r5_7_vpn_bgp_transit(void **state)
{
	loadf(hybrid_fmt, ER_GW VPN_GW);
	assert_path("b1-srv", "172.20.2.10", "site:b1 gw:vpn => site:b2");
	assert_path("b2-srv", "172.20.1.10", "site:b2 gw:vpn => site:b1");
	/* dc over VPN reaches dr, more specific than dc's own 192.168/16. */
	assert_path("dc-srv", "192.168.100.10", "site:dc gw:vpn => site:dr");
	assert_path("dr-srv", "192.168.1.10", "site:dr gw:vpn => site:dc");
	/* b2's 10.0.9.0/24 is inside the hub: not passed on (b1 keeps it). */
	assert_path("b1-srv", "10.0.9.1", "site:b1 gw:vpn hub/GatewaySubnet => drop:NoNicOwnsAddress");
	/* b1's 0.0.0.0/0: not passed on; b2 has no route to the Internet. */
	assert_path("b2-srv", "203.0.113.1", "site:b2 => drop:NoGatewayRoute");
	/* Into the hub from a branch: to the VNet, never by transit. */
	assert_path("b1-srv", "10.1.1.4", "site:b1 gw:vpn hub/GatewaySubnet => vm:spokevm");
}

/* R5.7: without BGP a VPN gateway passes nothing on. */
static void test_r5_7_static_vpn_no_transit(void **state)
{
	loadf(hybrid_fmt, ER_GW
	      "  - {name: vpn, vnet: hub, type: Vpn, ip: 10.0.255.20}\n");
	assert_path("b1-srv", "172.20.2.10", "=> site:b1");	/* its own 0/0 */
	assert_path("b2-srv", "172.20.1.10", "site:b2 => drop:NoGatewayRoute");
	assert_path("b2-srv", "10.1.1.4", "site:b2 gw:vpn hub/GatewaySubnet => vm:spokevm");
}

/*
 * R5.7 across VNet-to-VNet: a branch VNet behind its own BGP VPN gateway
 * and an on-premises site of the hub reach each other through both
 * gateways; a chain of three gateways passes routes on hop by hop.
 */
static void test_r5_7_transit_over_vnet_to_vnet(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}\n"
	     "  - {name: b, addressSpace: [10.50.0.0/16], subnets: [\n"
	     "      {name: GatewaySubnet, addressPrefix: 10.50.255.0/27}, {name: app, addressPrefix: 10.50.1.0/24}]}\n"
	     "  - {name: c, addressSpace: [10.60.0.0/16], subnets: [\n"
	     "      {name: GatewaySubnet, addressPrefix: 10.60.255.0/27}, {name: app, addressPrefix: 10.60.1.0/24}]}\n"
	     "gateways:\n"
	     "  - {name: hub-gw, vnet: hub, type: Vpn, bgp: true}\n"
	     "  - {name: b-gw, vnet: b, type: Vpn, bgp: true}\n"
	     "  - {name: c-gw, vnet: c, type: Vpn, bgp: true}\n"
	     "sites:\n"
	     "  - {name: dc, addressSpace: [192.168.0.0/16], hosts: [{name: dc-srv, ip: 192.168.1.10}]}\n"
	     "connections:\n"
	     "  - {name: hub-dc, gateway: hub-gw, site: dc}\n"
	     "  - {name: hub-b, gateway: hub-gw, peerGateway: b-gw}\n"
	     "  - {name: b-c, gateway: b-gw, peerGateway: c-gw}\n"
	     "vms:\n"
	     "  - {name: bvm, subnet: b/app, ip: 10.50.1.4}\n"
	     "  - {name: cvm, subnet: c/app, ip: 10.60.1.4}\n");
	assert_path("bvm", "192.168.1.10", "b/app gw:b-gw gw:hub-gw => site:dc");
	assert_path("dc-srv", "10.50.1.4", "site:dc gw:hub-gw gw:b-gw b/GatewaySubnet => vm:bvm");
	assert_path("cvm", "192.168.1.10", "c/app gw:c-gw gw:b-gw gw:hub-gw => site:dc");
	assert_path("dc-srv", "10.60.1.4",
		    "site:dc gw:hub-gw gw:b-gw gw:c-gw c/GatewaySubnet => vm:cvm");
	assert_lookup("c/app", "192.168.1.10", "VirtualNetworkGateway 10.60.255.4");
}

/*
 * R5.7 in a mesh: three BGP VPN gateways joined in a triangle, site p
 * behind c-gw. Each gateway learns p over the shortest chain, whatever the
 * order of the connections: a and b each go straight to c, never through
 * each other (which would loop).
 */
static void test_r5_7_transit_shortest_chain(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - {name: a, addressSpace: [10.10.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.10.255.0/27}, {name: app, addressPrefix: 10.10.1.0/24}]}\n"
	     "  - {name: b, addressSpace: [10.20.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.20.255.0/27}, {name: app, addressPrefix: 10.20.1.0/24}]}\n"
	     "  - {name: c, addressSpace: [10.30.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.30.255.0/27}]}\n"
	     "gateways:\n"
	     "  - {name: a-gw, vnet: a, type: Vpn, bgp: true}\n"
	     "  - {name: b-gw, vnet: b, type: Vpn, bgp: true}\n"
	     "  - {name: c-gw, vnet: c, type: Vpn, bgp: true}\n"
	     "sites: [{name: p, addressSpace: [192.168.0.0/16], hosts: [{name: p-srv, ip: 192.168.1.10}]}]\n"
	     "connections:\n"
	     "  - {name: a-b, gateway: a-gw, peerGateway: b-gw}\n"
	     "  - {name: b-c, gateway: b-gw, peerGateway: c-gw}\n"
	     "  - {name: a-c, gateway: a-gw, peerGateway: c-gw}\n"
	     "  - {name: c-p, gateway: c-gw, site: p}\n"
	     "vms:\n"
	     "  - {name: avm, subnet: a/app, ip: 10.10.1.4}\n"
	     "  - {name: bvm, subnet: b/app, ip: 10.20.1.4}\n");
	assert_path("avm", "192.168.1.10", "a/app gw:a-gw gw:c-gw => site:p");
	assert_path("bvm", "192.168.1.10", "b/app gw:b-gw gw:c-gw => site:p");
	assert_path("p-srv", "10.10.1.4", "site:p gw:c-gw gw:a-gw a/GatewaySubnet => vm:avm");
	assert_path("p-srv", "10.20.1.4", "site:p gw:c-gw gw:b-gw b/GatewaySubnet => vm:bvm");
}

/*
 * R5.6 is a VPN gateway's filter: over ExpressRoute a prefix equal to a
 * VNet's range is learned and Invalid (R6.3); over VPN it is not learned.
 */
static void test_r5_6_equal_prefix_er_learned_vpn_filtered(void **state)
{
	loadf(hybrid_fmt, ER_GW VPN_GW);
	ROUTES("spoke/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "Default Active 10.0.0.0/16 VNetPeering",
	       "VirtualNetworkGateway Invalid 10.1.0.0/16 VirtualNetworkGateway 10.0.255.10",
	       HYBRID_GW_ROWS);
	assert_path("spokevm", "10.1.1.4", "spoke/app => vm:spokevm");
}

/*
 * A site routes by longest prefix: b1 owns 0.0.0.0/0 yet sends what it
 * learned more specifically to Azure; its other addresses stay inside.
 */
static void test_site_routes_longest_prefix(void **state)
{
	loadf(hybrid_fmt, ER_GW VPN_GW);
	assert_path("b1-srv", "10.0.1.4", "site:b1 gw:vpn hub/GatewaySubnet => vm:hubvm");
	assert_path("b1-srv", "203.0.113.1", "=> site:b1");
	assert_path("hubvm", "172.20.1.10", "hub/app gw:vpn => site:b1");
}

/* ---- §6 selection ----------------------------------------------------- */

/* Microsoft's "How Azure selects a route": /24 vs /16. */
static void test_r6_1_longest_prefix_match(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [10.0.0.0/16]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 10.0.0.0/24, routeTable: rt}\n"
	     "      - {name: nva, addressPrefix: 10.0.100.0/24}\n"
	     "routeTables:\n"
	     "  - name: rt\n"
	     "    routes:\n"
	     "      - {name: r16, addressPrefix: 10.0.0.0/16, nextHopType: VirtualAppliance,\n"
	     "         nextHopIpAddress: 10.0.100.4}\n"
	     "      - {name: r24, addressPrefix: 10.0.0.0/24, nextHopType: VnetLocal}\n"
	     "vms:\n"
	     "  - {name: nva, subnet: v/nva, ip: 10.0.100.4, enableIpForwarding: true}\n");
	assert_lookup("v/a", "10.0.0.5", "VnetLocal");
	assert_lookup("v/a", "10.0.1.5", "VirtualAppliance 10.0.100.4");
	assert_lookup("v/a", "8.8.8.8", "Internet");
}

/*
 * Microsoft's "Routing example" (virtual-networks-udr-overview.md): the
 * Subnet1 table IDs 1-12 and the Subnet2 table. ID10 (service endpoint)
 * is out of scope (§13); ID8 and Subnet2's gateway row carry source
 * VirtualNetworkGateway (A12); Subnet2 also lists 172.16.0.0/12 (A1,
 * derived); Subnet1 has no reserved None rows (R2.7).
 */
static const char *msdocs =
	"name: msdocs\n"
	"vnets:\n"
	"  - name: Virtual-network-1\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: Subnet1, addressPrefix: 10.0.0.0/24, routeTable: Subnet1-rt}\n"
	"      - {name: Subnet2, addressPrefix: 10.0.1.0/24}\n"
	"      - {name: nva, addressPrefix: 10.0.100.0/24}\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
	"  - name: Virtual-network-2\n"
	"    addressSpace: [10.1.0.0/16, 10.2.0.0/16]\n"
	"    subnets:\n"
	"      - {name: Subnet1, addressPrefix: 10.1.0.0/24}\n"
	"peerings:\n"
	"  - {from: Virtual-network-1, to: Virtual-network-2}\n"
	"  - {from: Virtual-network-2, to: Virtual-network-1}\n"
	"routeTables:\n"
	"  - name: Subnet1-rt\n"
	"    routes:\n"
	"      - {name: Within-VNet1, addressPrefix: 10.0.0.0/16,\n"
	"         nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.100.4}\n"
	"      - {name: Within-Subnet1, addressPrefix: 10.0.0.0/24, nextHopType: VnetLocal}\n"
	"      - {name: ToVNet2-1-Drop, addressPrefix: 10.1.0.0/16, nextHopType: None}\n"
	"      - {name: ToVNet2-2-Drop, addressPrefix: 10.2.0.0/16, nextHopType: None}\n"
	"      - {name: To-On-Prem, addressPrefix: 10.10.0.0/16,\n"
	"         nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.100.4}\n"
	"      - {name: Default-NVA, addressPrefix: 0.0.0.0/0,\n"
	"         nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.100.4}\n"
	"gateways:\n"
	"  - {name: vnet1-gw, vnet: Virtual-network-1, type: Vpn, ip: 10.0.255.4}\n"
	"sites:\n"
	"  - name: on-premises\n"
	"    addressSpace: [10.10.0.0/16]\n"
	"    hosts: [{name: onprem-srv, ip: 10.10.1.10}]\n"
	"connections:\n"
	"  - {name: vpn, gateway: vnet1-gw, site: on-premises}\n"
	"vms:\n"
	"  - {name: nva, subnet: Virtual-network-1/nva, ip: 10.0.100.4, enableIpForwarding: true}\n"
	"  - {name: vm1, subnet: Virtual-network-1/Subnet1, ip: 10.0.0.4}\n"
	"  - {name: vm1b, subnet: Virtual-network-1/Subnet1, ip: 10.0.0.5}\n"
	"  - {name: vm2, subnet: Virtual-network-1/Subnet2, ip: 10.0.1.4}\n"
	"  - {name: vm3, subnet: Virtual-network-2/Subnet1, ip: 10.1.0.4}\n";

static void test_r6_2_msdocs_routing_example_subnet1(void **state)
{
	load(msdocs);
	ROUTES("Virtual-network-1/Subnet1",
	       /* ID1, ID2 */
	       "Default Invalid 10.0.0.0/16 VnetLocal",
	       "User Active 10.0.0.0/16 VirtualAppliance 10.0.100.4",
	       /* ID3 */
	       "User Active 10.0.0.0/24 VnetLocal",
	       /* ID4-ID7 */
	       "Default Invalid 10.1.0.0/16 VNetPeering",
	       "Default Invalid 10.2.0.0/16 VNetPeering",
	       "User Active 10.1.0.0/16 None",
	       "User Active 10.2.0.0/16 None",
	       /* ID8, ID9 */
	       "VirtualNetworkGateway Invalid 10.10.0.0/16 VirtualNetworkGateway 10.0.255.4",
	       "User Active 10.10.0.0/16 VirtualAppliance 10.0.100.4",
	       /* ID11, ID12 */
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 VirtualAppliance 10.0.100.4");
	/* The explanations' consequences. */
	assert_path("vm1", "10.0.0.5", "Virtual-network-1/Subnet1 => vm:vm1b");
	assert_path("vm1", "10.0.1.4",
		    "Virtual-network-1/Subnet1 Virtual-network-1/nva => vm:vm2");
	assert_path("vm1", "10.1.0.4", "Virtual-network-1/Subnet1 => drop:NoneRoute");
	assert_path("vm1", "10.10.1.10",
		    "Virtual-network-1/Subnet1 Virtual-network-1/nva gw:vnet1-gw => site:on-premises");
	assert_path("vm1", "203.0.113.9",
		    "Virtual-network-1/Subnet1 Virtual-network-1/nva => internet");
}

static void test_r6_2_msdocs_routing_example_subnet2(void **state)
{
	load(msdocs);
	ROUTES("Virtual-network-1/Subnet2",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 10.1.0.0/16 VNetPeering",
	       "Default Active 10.2.0.0/16 VNetPeering",
	       "VirtualNetworkGateway Active 10.10.0.0/16 VirtualNetworkGateway 10.0.255.4",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Active 10.0.0.0/8 None",
	       "Default Active 100.64.0.0/10 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 172.16.0.0/12 None");
	assert_path("vm2", "10.1.0.4", "Virtual-network-1/Subnet2 => vm:vm3");
}

/* Two-row example: a UDR 0/0 to the gateway beats Default 0/0 Internet. */
static void test_r6_2_udr_default_to_gateway_beats_internet(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualNetworkGateway}",
	      "192.0.2.0/24");
	assert_lookup("v/a", "203.0.113.9", "VirtualNetworkGateway");
}

/* A BGP route and a UDR of the same prefix: the UDR wins. */
static void test_r6_2_udr_beats_bgp(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 192.0.2.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "User Active 192.0.2.0/24 VirtualAppliance 10.0.2.4",
	       "VirtualNetworkGateway Invalid 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "192.0.2.1", "VirtualAppliance 10.0.2.4");
	assert_lookup("v/nva", "192.0.2.1", "VirtualNetworkGateway 10.0.255.4");
}

/*
 * R6.3: a site advertising a prefix inside the gateway VNet, one equal to
 * a peered (non-transit) VNet's range, one nested in it, and a summary.
 */
static const char *overlap_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24%s}\n"
	"  - name: peer\n"
	"    addressSpace: [10.1.0.0/16]\n"
	"    subnets: [{name: b, addressPrefix: 10.1.1.0/24}]\n"
	"peerings:\n"
	"  - {from: hub, to: peer}\n"
	"  - {from: peer, to: hub}\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    routes:\n"
	"      - {name: over, addressPrefix: 10.0.0.0/16, nextHopType: None}\n"
	"gateways:\n"
	"  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
	"sites:\n"
	"  - {name: dc, addressSpace: [10.0.5.0/24, 10.1.0.0/16, 10.1.7.0/24, 10.0.0.0/8]}\n"
	"connections:\n"
	"  - {name: c, gateway: gw, site: dc}\n";

static void test_r6_3_vnet_and_peering_beat_bgp(void **state)
{
	loadf(overlap_fmt, "");
	ROUTES("hub/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Invalid 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None",
	       "Default Active 10.1.0.0/16 VNetPeering",
	       "VirtualNetworkGateway Invalid 10.0.5.0/24 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Invalid 10.1.0.0/16 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Invalid 10.1.7.0/24 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Active 10.0.0.0/8 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("hub/a", "10.0.5.1", "VnetLocal");
	assert_lookup("hub/a", "10.1.7.1", "VNetPeering");
	assert_lookup("hub/a", "10.9.0.1", "VirtualNetworkGateway 10.0.255.4");
}

/* Only an Active VNet row protects: overridden by a UDR, it no longer does. */
static void test_r6_3_invalid_vnet_row_does_not_protect(void **state)
{
	loadf(overlap_fmt, ", routeTable: rt");
	ROUTES("hub/a",
	       "Default Invalid 10.0.0.0/16 VnetLocal",
	       "User Active 10.0.0.0/16 None",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Invalid 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None",
	       "Default Active 10.1.0.0/16 VNetPeering",
	       "VirtualNetworkGateway Active 10.0.5.0/24 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Invalid 10.1.0.0/16 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Invalid 10.1.7.0/24 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Active 10.0.0.0/8 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("hub/a", "10.0.5.1", "VirtualNetworkGateway 10.0.255.4");
	assert_lookup("hub/a", "10.0.6.1", "None");
}

/* R6.3: a learned /32 at the last address of a VNet range is nested in it. */
static void test_r6_3_learned_route_at_range_end_is_invalid(void **state)
{
	loadf(edge_fmt, "", "10.0.255.255/32, 192.0.2.0/24", "192.0.2.10");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "VirtualNetworkGateway Invalid 10.0.255.255/32 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "10.0.255.255", "VnetLocal");
	assert_lookup("v/GatewaySubnet", "10.0.255.255", "VnetLocal");
	assert_path("a1", "10.0.255.255", "v/a => drop:NoNicOwnsAddress");
}

/* R6.5 trap 1: a summary UDR on the GatewaySubnet loses to /24 peering routes. */
static const char *trap_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27, routeTable: gw-rt}\n"
	"      - {name: fw, addressPrefix: 10.0.1.0/24}\n"
	"  - name: spoke\n"
	"    addressSpace: [%s]\n"
	"    subnets:\n"
	"      - {name: app, addressPrefix: 10.1.1.0/24, routeTable: spoke-rt}\n"
	"peerings:\n"
	"  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
	"  - {from: spoke, to: hub, useRemoteGateways: true, allowForwardedTraffic: true}\n"
	"routeTables:\n"
	"  - name: gw-rt\n"
	"    routes:\n"
	"      - {name: spokes-via-fw, addressPrefix: 10.1.0.0/16,\n"
	"         nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
	"  - name: spoke-rt\n"
	"    disableBgpRoutePropagation: true\n"
	"    routes:\n"
	"      - {name: default-via-fw, addressPrefix: 0.0.0.0/0,\n"
	"         nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
	"gateways:\n"
	"  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
	"sites:\n"
	"  - {name: dc, addressSpace: [192.0.2.0/24], hosts: [{name: dc-srv, ip: 192.0.2.10}]}\n"
	"connections:\n"
	"  - {name: c, gateway: gw, site: dc}\n"
	"vms:\n"
	"  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n"
	"  - {name: hubvm, subnet: hub/fw, ip: 10.0.1.5}\n"
	"  - {name: app, subnet: spoke/app, ip: 10.1.1.4}\n";

static void test_r6_5_summary_udr_loses_to_specific_peering(void **state)
{
	loadf(trap_fmt, "10.1.1.0/24");
	assert_lookup("hub/GatewaySubnet", "10.1.1.4", "VNetPeering");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => vm:app");
	/* With the spoke's range equal to the UDR, the UDR wins (R6.2). */
	loadf(trap_fmt, "10.1.0.0/16");
	assert_lookup("hub/GatewaySubnet", "10.1.1.4", "VirtualAppliance 10.0.1.4");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet hub/fw => vm:app");
}

/* R6.5 trap 2: 0/0 -> firewall does not catch directly peered traffic. */
static void test_r6_5_default_udr_does_not_catch_peering(void **state)
{
	loadf(trap_fmt, "10.1.0.0/16");
	assert_lookup("spoke/app", "10.0.1.5", "VNetPeering");
	assert_path("app", "10.0.1.5", "spoke/app => vm:hubvm");
	assert_path("app", "192.0.2.10", "spoke/app hub/fw gw:gw => site:dc");
}

/* ---- §7 forwarding --------------------------------------------------- */

/* R7.1: the NVA's re-sent packet follows the NVA subnet's routes. */
static void test_r7_1_appliance_resends_with_its_subnet_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT ", allowForwardedTraffic: true",
	      "disableBgpRoutePropagation: true",
	      UDR_VA("d", "0.0.0.0/0", "10.0.1.4"), "");
	assert_path("app1", "192.0.2.10", "spoke1/app hub/fw gw:gw => site:dc");
	assert_path("app1", "203.0.113.5", "spoke1/app hub/fw => internet");
}

/* R7.2: traffic arriving from a gateway uses the GatewaySubnet's routes. */
static void test_r7_2_gateway_ingress_uses_gateway_subnet_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT ", allowForwardedTraffic: true", NO_FLAGS, "",
	      UDR_VA("s1", "10.1.0.0/16", "10.0.1.4"));
	assert_path("dc-srv", "10.1.1.4",
		    "site:dc gw:gw hub/GatewaySubnet hub/fw => vm:app1");
	/* Without the UDR the gateway delivers over the peering itself. */
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => vm:app1");
}

/*
 * R7.2, R6.3: a site advertises 10.0.5.0/24 inside the hub's range; a
 * packet from another site reaching the gateway goes into the hub (the
 * gateway tries its own VNet's ranges before what it learned).
 */
static const char *nested_site_yaml =
	"name: t\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
	"      - {name: web, addressPrefix: 10.0.5.0/24}\n"
	"gateways:\n"
	"  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
	"sites:\n"
	"  - {name: dc, addressSpace: [10.0.5.0/24, 192.0.2.0/24]}\n"
	"  - name: branch\n"
	"    addressSpace: [198.51.100.0/24]\n"
	"    hosts: [{name: br-srv, ip: 198.51.100.10}]\n"
	"connections:\n"
	"  - {name: c-dc, gateway: gw, site: dc}\n"
	"  - {name: c-br, gateway: gw, site: branch}\n"
	"vms:\n"
	"  - {name: web1, subnet: hub/web, ip: 10.0.5.4}\n";

static void test_r7_2_r6_3_gateway_prefers_own_vnet_to_learned(void **state)
{
	const struct gw_routes *gr;
	bool learned = false;

	load(nested_site_yaml);
	/* The gateway did learn 10.0.5.0/24 from dc. */
	gr = &eng.gw[0];
	for (int i = 0; i < gr->n; i++)
		learned |= gr->routes[i].prefix.addr == ip("10.0.5.0") &&
			   gr->routes[i].prefix.len == 24 &&
			   gr->routes[i].via == VIA_SITE;
	assert_true(learned);
	assert_path("br-srv", "10.0.5.4", "site:branch gw:gw hub/GatewaySubnet => vm:web1");
}

/* ---- §8 peering ------------------------------------------------------- */

static void test_r8_1_peering_not_transitive(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_lookup("spoke1/app", "10.2.1.4", "None");
	assert_path("app1", "10.2.1.4", "spoke1/app => drop:NoneRoute");
}

static const char *flags_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}\n"
	"      - {name: nva, addressPrefix: 10.0.2.0/24}\n"
	"  - name: w\n"
	"    addressSpace: [10.1.0.0/16]\n"
	"    subnets: [{name: b, addressPrefix: 10.1.1.0/24}]\n"
	"  - name: x\n"
	"    addressSpace: [10.2.0.0/16]\n"
	"    subnets: [{name: c, addressPrefix: 10.2.1.0/24, routeTable: x-rt}]\n"
	"peerings:\n"
	"  - {from: v, to: w, allowVirtualNetworkAccess: %s}\n"
	"  - {from: w, to: v, allowForwardedTraffic: %s}\n"
	"  - {from: v, to: x}\n"
	"  - {from: x, to: v}\n"
	"routeTables:\n"
	"  - name: x-rt\n"
	"    routes:\n"
	"      - {name: w-via-nva, addressPrefix: 10.1.0.0/16, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: 10.0.2.4}\n"
	"  - name: rt\n"
	"    routes:\n"
	"      - {name: w-via-nva, addressPrefix: 10.1.0.0/16, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: 10.0.2.4}\n"
	"      - {name: x-via-nva, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: 10.0.2.4}\n"
	"vms:\n"
	"  - {name: nva, subnet: v/nva, ip: 10.0.2.4, enableIpForwarding: true}\n"
	"  - {name: a1, subnet: v/a, ip: 10.0.1.4}\n"
	"  - {name: b1, subnet: w/b, ip: 10.1.1.4}\n"
	"  - {name: c1, subnet: x/c, ip: 10.2.1.4}\n";

static void test_r8_2_allow_virtual_network_access(void **state)
{
	loadf(flags_fmt, "false", "true");
	/* Routes stay (A7); packets V -> W are dropped. */
	assert_lookup("v/nva", "10.1.1.4", "VNetPeering");
	assert_lookup("w/b", "10.0.2.4", "VNetPeering");
	assert_path("nva", "10.1.1.4", "v/nva => drop:PeeringAccessDenied");
	/* A7 (revised): V's flag closes the peering W -> V too. */
	assert_path("b1", "10.0.2.4", "w/b => drop:PeeringAccessDenied");
}

static void test_r8_2_allow_forwarded_traffic(void **state)
{
	loadf(flags_fmt, "true", "false");
	/* The NVA forwards a1's packet: source in V, so no forwarding check. */
	assert_path("a1", "10.1.1.4", "v/a v/nva => vm:b1");
	/* x's packet forwarded by V's NVA into w: w must accept forwarded. */
	assert_path("c1", "10.1.1.4", "x/c v/nva => drop:ForwardedTrafficNotAllowed");
	loadf(flags_fmt, "true", "true");
	assert_path("c1", "10.1.1.4", "x/c v/nva => vm:b1");
}

/*
 * A7 (revised): a peering with allowVirtualNetworkAccess false on either
 * side carries nothing either way: not relayed through gateway transit
 * (spoke1's own flag, the hub's flag to spoke2), nor to or from an NVA
 * over it (spoke3 sends all to the hub firewall).
 */
static void test_r8_2_access_blocks_gateway_transit_and_nva(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	     "      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}, {name: fw, addressPrefix: 10.0.1.0/24}]}\n"
	     "  - {name: spoke1, addressSpace: [10.1.0.0/16], subnets: [{name: app, addressPrefix: 10.1.1.0/24}]}\n"
	     "  - {name: spoke2, addressSpace: [10.2.0.0/16], subnets: [{name: app, addressPrefix: 10.2.1.0/24}]}\n"
	     "  - {name: spoke3, addressSpace: [10.3.0.0/16], subnets: [{name: app, addressPrefix: 10.3.1.0/24, routeTable: rt}]}\n"
	     "peerings:\n"
	     "  - {from: hub, to: spoke1, allowGatewayTransit: true}\n"
	     "  - {from: spoke1, to: hub, useRemoteGateways: true, allowVirtualNetworkAccess: false}\n"
	     "  - {from: hub, to: spoke2, allowGatewayTransit: true, allowVirtualNetworkAccess: false}\n"
	     "  - {from: spoke2, to: hub, useRemoteGateways: true}\n"
	     "  - {from: hub, to: spoke3, allowVirtualNetworkAccess: false, allowForwardedTraffic: true}\n"
	     "  - {from: spoke3, to: hub, allowForwardedTraffic: true}\n"
	     "routeTables:\n"
	     "  - name: rt\n"
	     "    routes: [{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]\n"
	     "gateways: [{name: gw, vnet: hub, type: Vpn}]\n"
	     "sites: [{name: dc, addressSpace: [192.168.0.0/16], hosts: [{name: dc-srv, ip: 192.168.1.10}]}]\n"
	     "connections: [{name: c, gateway: gw, site: dc}]\n"
	     "vms:\n"
	     "  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n"
	     "  - {name: s1, subnet: spoke1/app, ip: 10.1.1.4}\n"
	     "  - {name: s2, subnet: spoke2/app, ip: 10.2.1.4}\n"
	     "  - {name: s3, subnet: spoke3/app, ip: 10.3.1.4}\n");
	/* The routes stay: gateway routes through transit, peering routes. */
	assert_lookup("spoke1/app", "192.168.1.10", "VirtualNetworkGateway 10.0.255.4");
	assert_lookup("spoke2/app", "192.168.1.10", "VirtualNetworkGateway 10.0.255.4");
	assert_path("s1", "192.168.1.10", "spoke1/app => drop:PeeringAccessDenied");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => drop:PeeringAccessDenied");
	assert_path("s2", "192.168.1.10", "spoke2/app => drop:PeeringAccessDenied");
	assert_path("dc-srv", "10.2.1.4", "site:dc gw:gw hub/GatewaySubnet => drop:PeeringAccessDenied");
	assert_path("s3", "203.0.113.1", "spoke3/app => drop:PeeringAccessDenied");
	assert_path("fw", "10.3.1.4", "hub/fw => drop:PeeringAccessDenied");
	/* The hub's own traffic to on-premises is untouched. */
	assert_path("fw", "192.168.1.10", "hub/fw gw:gw => site:dc");
}

/* The crossing the path checks and the fabric compiles into route flags. */
static void test_r8_2_peering_crossing(void **state)
{
	int v, w, x;

	loadf(flags_fmt, "false", "true");
	v = topo_find_vnet(&topo, "v");
	w = topo_find_vnet(&topo, "w");
	x = topo_find_vnet(&topo, "x");
	assert_int_equal(engine_peering_crossing(&eng, v, v), CROSSING_OPEN);
	assert_int_equal(engine_peering_crossing(&eng, v, w), CROSSING_DENIED);
	/* A7: either side's flag closes both directions */
	assert_int_equal(engine_peering_crossing(&eng, w, v), CROSSING_DENIED);
	assert_int_equal(engine_peering_crossing(&eng, w, x), CROSSING_DENIED);
	loadf(flags_fmt, "true", "false");
	assert_int_equal(engine_peering_crossing(&eng, v, w), CROSSING_LOCAL_ONLY);
	/* v's peering keeps allowForwardedTraffic's default, false (A6) */
	assert_int_equal(engine_peering_crossing(&eng, w, v), CROSSING_LOCAL_ONLY);
	loadf(flags_fmt, "true", "true");
	assert_int_equal(engine_peering_crossing(&eng, v, w), CROSSING_OPEN);
}

/*
 * R4.5, R8.2: an NVA in a peered VNet is reached over the peering, whose
 * checks apply. The hub firewall sends everything to nva2 in VNet nvas;
 * spoke s2 sends everything to the hub firewall. Format arguments: hub ->
 * nvas allowVirtualNetworkAccess, nvas -> hub allowForwardedTraffic.
 */
static const char *peered_nva_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets: [{name: fw, addressPrefix: 10.0.1.0/24, routeTable: fw-rt}]\n"
	"  - name: nvas\n"
	"    addressSpace: [10.1.0.0/16]\n"
	"    subnets: [{name: a, addressPrefix: 10.1.1.0/24}]\n"
	"  - name: s2\n"
	"    addressSpace: [10.2.0.0/16]\n"
	"    subnets: [{name: a, addressPrefix: 10.2.1.0/24, routeTable: s2-rt}]\n"
	"peerings:\n"
	"  - {from: hub, to: nvas, allowVirtualNetworkAccess: %s}\n"
	"  - {from: nvas, to: hub, allowForwardedTraffic: %s}\n"
	"  - {from: hub, to: s2}\n"
	"  - {from: s2, to: hub}\n"
	"routeTables:\n"
	"  - name: fw-rt\n"
	"    routes: [" UDR_VA("out", "0.0.0.0/0", "10.1.1.4") "]\n"
	"  - name: s2-rt\n"
	"    routes: [" UDR_VA("out", "0.0.0.0/0", "10.0.1.4") "]\n"
	"vms:\n"
	"  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n"
	"  - {name: nva2, subnet: nvas/a, ip: 10.1.1.4, enableIpForwarding: true}\n"
	"  - {name: app2, subnet: s2/a, ip: 10.2.1.4}\n";

static void test_r4_5_r8_2_appliance_over_peering_needs_vnet_access(void **state)
{
	loadf(peered_nva_fmt, "false", "true");
	assert_path("fw", "203.0.113.9", "hub/fw => drop:PeeringAccessDenied");
	loadf(peered_nva_fmt, "true", "true");
	assert_path("fw", "203.0.113.9", "hub/fw nvas/a => internet");
}

/* A6: what the hub firewall forwards to nva2 needs nvas' allowForwardedTraffic. */
static void test_r4_5_a6_appliance_over_peering_needs_forwarded_traffic(void **state)
{
	loadf(peered_nva_fmt, "true", "false");
	assert_path("app2", "203.0.113.9", "s2/a hub/fw => drop:ForwardedTrafficNotAllowed");
	/* The firewall's own packets are not forwarded ones. */
	assert_path("fw", "203.0.113.9", "hub/fw nvas/a => internet");
	loadf(peered_nva_fmt, "true", "true");
	assert_path("app2", "203.0.113.9", "s2/a hub/fw nvas/a => internet");
}

/* The target of subnet's route to dst, as "kind where". */
static void assert_target(const char *name, const char *dst, const char *want)
{
	struct eff_route tmp;
	int s = subnet(name);
	const struct eff_route *r = engine_lookup(&eng, s, ip(dst), &tmp);
	struct route_target to = engine_route_target(&eng, topo.subnets[s].vnet, r);
	char got[64];

	switch (to.kind) {
	case TARGET_VNET:
		snprintf(got, sizeof(got), "vnet %s", topo.vnets[to.vnet].name);
		break;
	case TARGET_APPLIANCE:
		snprintf(got, sizeof(got), "appliance %s in %s", topo.vms[to.vm].name,
			 topo.vnets[to.vnet].name);
		break;
	case TARGET_GATEWAY:
		snprintf(got, sizeof(got), "gateway %s", topo.gateways[to.gateway].name);
		break;
	case TARGET_INTERNET:
		snprintf(got, sizeof(got), "internet");
		break;
	case TARGET_DROP:
		snprintf(got, sizeof(got), "drop %s", drop_reason_name(to.drop));
		break;
	}
	if (strcmp(got, want))
		fail_msg("%s -> %s: got '%s', want '%s'", name, dst, got, want);
}

/* R7.1's table, R4.5: where each route leads; an appliance in a direct peer only. */
static void test_r7_1_route_targets(void **state)
{
	loadf(peered_nva_fmt, "true", "true");
	assert_target("hub/fw", "10.0.1.9", "vnet hub");
	assert_target("hub/fw", "10.2.1.4", "vnet s2");
	assert_target("hub/fw", "203.0.113.9", "appliance nva2 in nvas");
	assert_target("nvas/a", "203.0.113.9", "internet");
	assert_target("nvas/a", "192.168.1.1", "drop NoneRoute");
	/* s2 reaches the hub's firewall; nvas is no direct peer of s2 */
	assert_int_equal(engine_appliance(&eng, topo_find_vnet(&topo, "s2"), ip("10.0.1.4")),
			 topo_find_vm(&topo, "fw"));
	assert_int_equal(engine_appliance(&eng, topo_find_vnet(&topo, "s2"), ip("10.1.1.4")), -1);
}

/* A6: the receiver's flag gates a source outside the sending VNet. */
static const char *forwarded_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets: [{name: fw, addressPrefix: 10.0.1.0/24}]\n"
	"  - name: s1\n"
	"    addressSpace: [10.1.0.0/16]\n"
	"    subnets: [{name: a, addressPrefix: 10.1.1.0/24, routeTable: rt1}]\n"
	"  - name: s2\n"
	"    addressSpace: [10.2.0.0/16]\n"
	"    subnets: [{name: a, addressPrefix: 10.2.1.0/24}]\n"
	"peerings:\n"
	"  - {from: hub, to: s1}\n"
	"  - {from: s1, to: hub}\n"
	"  - {from: hub, to: s2}\n"
	"  - {from: s2, to: hub, allowForwardedTraffic: %s}\n"
	"routeTables:\n"
	"  - name: rt1\n"
	"    routes:\n"
	"      - {name: s2-via-fw, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: 10.0.1.4}\n"
	"vms:\n"
	"  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n"
	"  - {name: app1, subnet: s1/a, ip: 10.1.1.4}\n"
	"  - {name: app2, subnet: s2/a, ip: 10.2.1.4}\n";

static void test_r8_2_a6_forwarded_traffic_receiver_side(void **state)
{
	loadf(forwarded_fmt, "false");
	assert_path("app1", "10.2.1.4", "s1/a hub/fw => drop:ForwardedTrafficNotAllowed");
	loadf(forwarded_fmt, "true");
	assert_path("app1", "10.2.1.4", "s1/a hub/fw => vm:app2");
}

/* A8: gateway-relayed traffic needs no allowForwardedTraffic. */
static void test_r8_2_a8_gateway_relay_is_not_forwarded(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => vm:app1");
	/* Through the firewall it is, and spoke1 does not allow it. */
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "",
	      UDR_VA("s1", "10.1.0.0/16", "10.0.1.4"));
	assert_path("dc-srv", "10.1.1.4",
		    "site:dc gw:gw hub/GatewaySubnet hub/fw => drop:ForwardedTrafficNotAllowed");
}

/* R8.3 / A9: gateway transit over global peering. */
static void test_r8_3_gateway_transit_over_global_peering(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - {name: hub, region: westeurope, addressSpace: [10.0.0.0/16],\n"
	     "     subnets: [{name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}\n"
	     "  - {name: spoke, region: eastus, addressSpace: [10.1.0.0/16],\n"
	     "     subnets: [{name: app, addressPrefix: 10.1.1.0/24}]}\n"
	     "peerings:\n"
	     "  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
	     "  - {from: spoke, to: hub, useRemoteGateways: true}\n"
	     "gateways:\n"
	     "  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
	     "sites:\n"
	     "  - {name: dc, addressSpace: [192.0.2.0/24]}\n"
	     "connections:\n"
	     "  - {name: c, gateway: gw, site: dc}\n");
	ROUTES("spoke/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetGlobalPeering",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
}

/* R8.4: spoke to spoke through the hub's VPN gateway, by UDR. */
static void test_r8_4_spoke_to_spoke_through_vpn_gateway(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	     "      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}\n"
	     "  - {name: s1, addressSpace: [10.1.0.0/16], subnets: [\n"
	     "      {name: app, addressPrefix: 10.1.1.0/24, routeTable: rt}]}\n"
	     "  - {name: s2, addressSpace: [10.2.0.0/16], subnets: [\n"
	     "      {name: app, addressPrefix: 10.2.1.0/24}]}\n"
	     "peerings:\n"
	     "  - {from: hub, to: s1, allowGatewayTransit: true}\n"
	     "  - {from: s1, to: hub, useRemoteGateways: true}\n"
	     "  - {from: hub, to: s2, allowGatewayTransit: true}\n"
	     "  - {from: s2, to: hub, useRemoteGateways: true}\n"
	     "routeTables:\n"
	     "  - {name: rt, routes: [{name: s2, addressPrefix: 10.2.0.0/16,\n"
	     "      nextHopType: VirtualNetworkGateway}]}\n"
	     "gateways:\n"
	     "  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
	     "vms:\n"
	     "  - {name: app1, subnet: s1/app, ip: 10.1.1.4}\n"
	     "  - {name: app2, subnet: s2/app, ip: 10.2.1.4}\n");
	/* Relayed by the gateway: s2 needs no allowForwardedTraffic (A8). */
	assert_path("app1", "10.2.1.4", "s1/app gw:gw hub/GatewaySubnet => vm:app2");
	/* Without a UDR the way back hits 10.0.0.0/8 None (R8.1). */
	assert_path("app2", "10.1.1.4", "s2/app => drop:NoneRoute");
}

/*
 * R8.5: two hub-and-spoke deployments sharing one ExpressRoute circuit;
 * cross-deployment traffic traverses both firewalls, both ways.
 */
static const char *two_hubs =
	"name: t\n"
	"vnets:\n"
	"  - {name: we-hub, region: westeurope, addressSpace: [10.0.0.0/16], subnets: [\n"
	"      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27, routeTable: we-gw-rt},\n"
	"      {name: fw, addressPrefix: 10.0.1.0/24, routeTable: we-fw-rt}]}\n"
	"  - {name: we-spoke, region: westeurope, addressSpace: [10.1.0.0/16], subnets: [\n"
	"      {name: app, addressPrefix: 10.1.1.0/24, routeTable: we-spoke-rt}]}\n"
	"  - {name: ne-hub, region: northeurope, addressSpace: [10.100.0.0/16], subnets: [\n"
	"      {name: GatewaySubnet, addressPrefix: 10.100.255.0/27, routeTable: ne-gw-rt},\n"
	"      {name: fw, addressPrefix: 10.100.1.0/24, routeTable: ne-fw-rt}]}\n"
	"  - {name: ne-spoke, region: northeurope, addressSpace: [10.101.0.0/16], subnets: [\n"
	"      {name: app, addressPrefix: 10.101.1.0/24, routeTable: ne-spoke-rt}]}\n"
	"peerings:\n"
	"  - {from: we-hub, to: we-spoke, allowGatewayTransit: true}\n"
	"  - {from: we-spoke, to: we-hub, useRemoteGateways: true, allowForwardedTraffic: true}\n"
	"  - {from: ne-hub, to: ne-spoke, allowGatewayTransit: true}\n"
	"  - {from: ne-spoke, to: ne-hub, useRemoteGateways: true, allowForwardedTraffic: true}\n"
	"  - {from: we-hub, to: ne-hub, allowForwardedTraffic: true}\n"
	"  - {from: ne-hub, to: we-hub, allowForwardedTraffic: true}\n"
	"routeTables:\n"
	"  - {name: we-spoke-rt, disableBgpRoutePropagation: true, routes: [\n"
	"      " UDR_VA("d", "0.0.0.0/0", "10.0.1.4") "]}\n"
	"  - {name: ne-spoke-rt, disableBgpRoutePropagation: true, routes: [\n"
	"      " UDR_VA("d", "0.0.0.0/0", "10.100.1.4") "]}\n"
	"  - {name: we-fw-rt, routes: [" UDR_VA("ne", "10.101.0.0/16", "10.100.1.4") "]}\n"
	"  - {name: ne-fw-rt, routes: [" UDR_VA("we", "10.1.0.0/16", "10.0.1.4") "]}\n"
	"  - {name: we-gw-rt, routes: [" UDR_VA("we", "10.1.0.0/16", "10.0.1.4") "]}\n"
	"  - {name: ne-gw-rt, routes: [" UDR_VA("ne", "10.101.0.0/16", "10.100.1.4") "]}\n"
	"gateways:\n"
	"  - {name: we-gw, vnet: we-hub, type: ExpressRoute, ip: 10.0.255.4}\n"
	"  - {name: ne-gw, vnet: ne-hub, type: ExpressRoute, ip: 10.100.255.4}\n"
	"sites:\n"
	"  - {name: dc, addressSpace: [192.168.0.0/16], hosts: [{name: dc-srv, ip: 192.168.1.10}]}\n"
	"circuits:\n"
	"  - {name: er1, sites: [dc]}\n"
	"connections:\n"
	"  - {name: we-er1, gateway: we-gw, circuit: er1}\n"
	"  - {name: ne-er1, gateway: ne-gw, circuit: er1}\n"
	"vms:\n"
	"  - {name: we-fw, subnet: we-hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n"
	"  - {name: ne-fw, subnet: ne-hub/fw, ip: 10.100.1.4, enableIpForwarding: true}\n"
	"  - {name: we-app, subnet: we-spoke/app, ip: 10.1.1.4}\n"
	"  - {name: ne-app, subnet: ne-spoke/app, ip: 10.101.1.4}\n";

static void test_r8_5_two_hubs_through_both_firewalls(void **state)
{
	load(two_hubs);
	assert_path("we-app", "10.101.1.4",
		    "we-spoke/app we-hub/fw ne-hub/fw => vm:ne-app");
	assert_path("ne-app", "10.1.1.4",
		    "ne-spoke/app ne-hub/fw we-hub/fw => vm:we-app");
	/* The firewall subnet's UDR beats the circuit-learned route (R6.2). */
	ROUTES("we-hub/fw",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Active 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Invalid 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None",
	       "Default Active 10.1.0.0/16 VNetPeering",
	       "Default Active 10.100.0.0/16 VNetGlobalPeering",
	       "User Active 10.101.0.0/16 VirtualAppliance 10.100.1.4",
	       "VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Invalid 10.100.0.0/16 VirtualNetworkGateway 10.0.255.4",
	       "VirtualNetworkGateway Invalid 10.101.0.0/16 VirtualNetworkGateway 10.0.255.4");
	/* On-premises both ways through the local firewall. */
	assert_path("we-app", "192.168.1.10", "we-spoke/app we-hub/fw gw:we-gw er:er1 => site:dc");
	assert_path("dc-srv", "10.101.1.4",
		    "site:dc er:er1 gw:ne-gw ne-hub/GatewaySubnet ne-hub/fw => vm:ne-app");
}

/* ---- §9 forced tunnelling --------------------------------------------- */

/* A VPN gateway with a default site, sites dc (default) and branch. */
static const char *tunnel_fmt =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.1.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.1.255.0/27}\n"
	"      - {name: Frontend, addressPrefix: 10.1.0.0/24}\n"
	"      - {name: Midtier, addressPrefix: 10.1.1.0/24, routeTable: MyRouteTable}\n"
	"routeTables:\n"
	"  - name: MyRouteTable\n"
	"    routes:\n"
	"      - {name: DefaultRoute, addressPrefix: 0.0.0.0/0, nextHopType: VirtualNetworkGateway}\n"
	"gateways:\n"
	"  - {name: gw, vnet: v, type: Vpn, ip: 10.1.255.4%s}\n"
	"sites:\n"
	"  - {name: dc, addressSpace: [192.168.0.0/16]}\n"
	"  - {name: branch, addressSpace: [%s]}\n"
	"connections:\n"
	"  - {name: c1, gateway: gw, site: dc}\n"
	"  - {name: c2, gateway: gw, site: branch}\n"
	"vms:\n"
	"  - {name: front, subnet: v/Frontend, ip: 10.1.0.4}\n"
	"  - {name: mid, subnet: v/Midtier, ip: 10.1.1.4}\n";

static void test_r9_1_udr_default_to_gateway_with_default_site(void **state)
{
	loadf(tunnel_fmt, ", defaultSite: dc", "198.51.100.0/24");
	assert_path("mid", "203.0.113.9", "v/Midtier gw:gw => site:dc");
	assert_path("mid", "198.51.100.9", "v/Midtier gw:gw => site:branch");
	assert_path("front", "203.0.113.9", "v/Frontend => internet");
	/* No default site: the gateway has no route. */
	loadf(tunnel_fmt, "", "198.51.100.0/24");
	assert_path("mid", "203.0.113.9", "v/Midtier gw:gw => drop:NoGatewayRoute");
}

static void test_r9_1_bgp_default_route(void **state)
{
	loadf(tunnel_fmt, "", "0.0.0.0/0");
	ROUTES("v/Frontend",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "VirtualNetworkGateway Active 192.168.0.0/16 VirtualNetworkGateway 10.1.255.4",
	       "VirtualNetworkGateway Active 0.0.0.0/0 VirtualNetworkGateway 10.1.255.4");
	assert_path("front", "203.0.113.9", "v/Frontend gw:gw => site:branch");
	assert_path("front", "172.16.0.9", "v/Frontend gw:gw => site:branch");
}

static void test_r9_1_udr_default_to_appliance(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT ", allowForwardedTraffic: true", NO_FLAGS,
	      UDR_VA("d", "0.0.0.0/0", "10.0.1.4"), "");
	assert_lookup("spoke1/app", "203.0.113.9", "VirtualAppliance 10.0.1.4");
	/* The gateway's routes stay more specific than the 0/0 (R6.5). */
	assert_path("app1", "192.0.2.10", "spoke1/app gw:gw => site:dc");
	assert_path("app1", "203.0.113.9", "spoke1/app hub/fw => internet");
}

/* ---- what gateways and sites learn ------------------------------------ */

static const char *learn_yaml =
	"name: t\n"
	"vnets:\n"
	"  - {name: a, addressSpace: [10.0.0.0/16], subnets: [\n"
	"      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}\n"
	"  - {name: a-spoke, addressSpace: [10.1.0.0/16], subnets: [\n"
	"      {name: app, addressPrefix: 10.1.1.0/24}]}\n"
	"  - {name: b, addressSpace: [10.100.0.0/16], subnets: [\n"
	"      {name: GatewaySubnet, addressPrefix: 10.100.255.0/27}]}\n"
	"  - {name: c, addressSpace: [10.200.0.0/16], subnets: [\n"
	"      {name: GatewaySubnet, addressPrefix: 10.200.255.0/27},\n"
	"      {name: app, addressPrefix: 10.200.1.0/24}]}\n"
	"peerings:\n"
	"  - {from: a, to: a-spoke, allowGatewayTransit: true}\n"
	"  - {from: a-spoke, to: a, useRemoteGateways: true}\n"
	"gateways:\n"
	"  - {name: gw-a, vnet: a, type: ExpressRoute, ip: 10.0.255.4}\n"
	"  - {name: gw-b, vnet: b, type: ExpressRoute, ip: 10.100.255.4}\n"
	"  - {name: gw-c, vnet: c, type: Vpn, ip: 10.200.255.4}\n"
	"sites:\n"
	"  - {name: dc1, addressSpace: [192.168.0.0/16, 10.0.0.0/16], hosts: [{name: h1, ip: 192.168.0.10}]}\n"
	"  - {name: dc2, addressSpace: [172.16.0.0/12], hosts: [{name: h2, ip: 172.16.0.10}]}\n"
	"  - {name: branch, addressSpace: [192.168.0.0/16, 198.51.100.0/24], hosts: [{name: h3, ip: 198.51.100.10}]}\n"
	"circuits:\n"
	"  - {name: er1, sites: [dc1, dc2]}\n"
	"connections:\n"
	"  - {name: a-branch, gateway: gw-a, site: branch}\n"
	"  - {name: a-er1, gateway: gw-a, circuit: er1}\n"
	"  - {name: b-er1, gateway: gw-b, circuit: er1}\n"
	"  - {name: c-a, gateway: gw-c, peerGateway: gw-a}\n"
	"vms:\n"
	"  - {name: capp, subnet: c/app, ip: 10.200.1.4}\n"
	"  - {name: spokeapp, subnet: a-spoke/app, ip: 10.1.1.4}\n";

static void learned_str(const struct learned_route *r, char *buf, size_t len)
{
	const struct topology *t = &topo;
	char p[PREFIX_STRLEN];
	const char *via = r->via == VIA_SITE ? "site" :
			  r->via == VIA_CIRCUIT ? "circuit" :
			  r->via == VIA_PEER_GATEWAY ? "peer" : "gateway";
	const char *to = r->site >= 0 ? t->sites[r->site].name
				      : t->gateways[r->gateway].name;

	snprintf(buf, len, "%s %s %s %s", prefix_str(r->prefix, p), via, to,
		 r->connection >= 0 ? t->connections[r->connection].name : "-");
}

static int gateway(const char *name)
{
	for (int i = 0; i < topo.ngateways; i++)
		if (!strcmp(topo.gateways[i].name, name))
			return i;
	fail_msg("no gateway %s", name);
	return -1;
}

static void assert_learned(const char *gw, const char *const *want, int n)
{
	const struct gw_routes *gr = &eng.gw[gateway(gw)];
	char buf[128];
	bool same = gr->n == n;

	for (int i = 0; same && i < n; i++) {
		learned_str(&gr->routes[i], buf, sizeof(buf));
		same = !strcmp(buf, want[i]);
	}
	if (!same) {
		print_error("%s learned (sorted):\n", gw);
		for (int i = 0; i < gr->n; i++) {
			learned_str(&gr->routes[i], buf, sizeof(buf));
			print_error("    %s\n", buf);
		}
	}
	assert_true(same);
}

#define LEARNED(gw, ...) do {						\
	static const char *const want_[] = { __VA_ARGS__ };		\
	assert_learned(gw, want_, sizeof(want_) / sizeof(want_[0]));	\
} while (0)

/*
 * gw-a: branch's space (192.168/16 first, over a-branch), the circuit's
 * sites (dc1's 10.0.0.0/16 is a's own range: learned all the same, as
 * ExpressRoute does, Invalid in a's subnets; its 192.168/16 duplicates
 * branch's) and gw-b's VNet, gw-c's VNet (the one VNet-to-VNet entry,
 * seen from its far end). Sorted by prefix.
 */
static void test_gateway_learns_sites_circuits_and_peer_gateways(void **state)
{
	load(learn_yaml);
	LEARNED("gw-a",
		"10.0.0.0/16 circuit dc1 a-er1",
		"10.100.0.0/16 circuit gw-b a-er1",
		"10.200.0.0/16 peer gw-c c-a",
		"172.16.0.0/12 circuit dc2 a-er1",
		"192.168.0.0/16 site branch a-branch",
		"198.51.100.0/24 site branch a-branch");
	/* gw-b: the circuit's sites and gw-a's VNet plus its transit spoke. */
	LEARNED("gw-b",
		"10.0.0.0/16 circuit dc1 b-er1",
		"10.1.0.0/16 circuit gw-a b-er1",
		"172.16.0.0/12 circuit dc2 b-er1",
		"192.168.0.0/16 circuit dc1 b-er1");
	/* gw-c: the VNet-to-VNet peer's VNet and transit VNet. */
	LEARNED("gw-c",
		"10.0.0.0/16 peer gw-a c-a",
		"10.1.0.0/16 peer gw-a c-a");
}

static void test_site_learns_gateways_and_circuit_members(void **state)
{
	int dc1;

	load(learn_yaml);
	dc1 = topo_find_site(&topo, "dc1");
	/*
	 * dc1, through er1: gw-a's a-spoke (a's 10.0.0.0/16 is dc1's own
	 * range, never learned back), gw-b's b, and dc2.
	 */
	assert_int_equal(eng.nsite_routes[dc1], 3);
	assert_path("h1", "10.1.1.4",
		    "site:dc1 er:er1 gw:gw-a a/GatewaySubnet => vm:spokeapp");
	assert_path("h1", "172.16.0.10", "site:dc1 er:er1 => site:dc2");
	assert_path("h1", "192.168.9.9", "=> site:dc1");
	assert_path("h1", "10.200.1.4", "site:dc1 => drop:NoGatewayRoute");
	/* branch learns only gw-a's space directly. */
	assert_path("h3", "10.1.1.4",
		    "site:branch gw:gw-a a/GatewaySubnet => vm:spokeapp");
	/* VNet-to-VNet: c reaches a's transit spoke through both gateways. */
	assert_path("capp", "10.1.1.4",
		    "c/app gw:gw-c gw:gw-a a/GatewaySubnet => vm:spokeapp");
}

/* ---- path: every drop reason and delivery kind ----------------------- */

static void test_path_delivered_to_gateway(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("app1", "10.0.255.4", "spoke1/app => gateway:gw");
	assert_path("dc-srv", "10.0.255.4", "site:dc gw:gw => gateway:gw");
}

static void test_path_drop_no_nic_owns_address(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("app1", "10.1.9.9", "spoke1/app => drop:NoNicOwnsAddress");
	assert_path("app1", "10.0.7.7", "spoke1/app => drop:NoNicOwnsAddress");
}

static void test_path_drop_ip_forwarding_disabled(void **state)
{
	struct path p;

	loadf(hairpin_fmt, "10.0.2.4", "false");
	assert_path("a1", "10.0.1.5", "v/a => drop:IpForwardingDisabled");
	/* Source check: a VM without forwarding sending a foreign source. */
	trace("a2", ip("10.9.9.9"), "10.0.2.4", FW_ICMP, 0, &p);
	assert_path_str(&p, "a2", "10.0.2.4", "=> drop:IpForwardingDisabled");
	/* a1 has IP forwarding: it may. */
	trace("a1", ip("10.9.9.9"), "10.0.2.4", FW_ICMP, 0, &p);
	assert_path_str(&p, "a1", "10.0.2.4", "v/a => vm:nva");
}

static void test_path_drop_virtual_appliance_unreachable(void **state)
{
	loadf(hairpin_fmt, "10.0.2.99", "true");
	assert_path("a1", "10.0.1.5", "v/a => drop:VirtualApplianceUnreachable");
}

/* R4.5: an appliance behind a peering is in reach, one hop further not. */
static void test_r4_5_appliance_reach_is_direct_peers_only(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      UDR_VA("d", "203.0.113.0/24", "10.0.1.4") ", "
	      UDR_VA("e", "198.18.0.0/15", "10.2.1.4"), "");
	assert_path("app1", "203.0.113.9", "spoke1/app hub/fw => internet");
	assert_path("app1", "198.18.0.1", "spoke1/app => drop:VirtualApplianceUnreachable");
}

static const char *firewall_yaml =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}\n"
	"      - {name: fw, addressPrefix: 10.0.2.0/24}\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    routes:\n"
	"      - {name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: 10.0.2.4}\n"
	"vms:\n"
	"  - name: fw\n"
	"    subnet: v/fw\n"
	"    ip: 10.0.2.4\n"
	"    enableIpForwarding: true\n"
	"    firewall:\n"
	"      defaultAction: Deny\n"
	"      rules:\n"
	"        - {name: web, action: Allow, protocol: Tcp, source: 10.0.1.0/24,\n"
	"           destination: Any, destinationPorts: \"80,443,8000-8080\"}\n"
	"        - {name: no-dns, action: Deny, protocol: Udp, source: Any,\n"
	"           destination: [203.0.113.53/32, 203.0.113.54, 198.51.100.53],\n"
	"           destinationPorts: \"53\"}\n"
	"        - {name: any-udp, action: Allow, protocol: Udp, source: Any, destination: Any}\n"
	"        - {name: to-net, action: Allow, protocol: Any, source: Any,\n"
	"           destination: 198.51.100.0/24}\n"
	"  - {name: a1, subnet: v/a, ip: 10.0.1.4}\n";

static void test_path_drop_firewall_and_rule_name(void **state)
{
	struct path p;

	load(firewall_yaml);
	assert_flow("a1", "203.0.113.9", FW_TCP, 443, "v/a v/fw => internet");
	assert_flow("a1", "203.0.113.9", FW_TCP, 8080, "v/a v/fw => internet");
	assert_flow("a1", "203.0.113.9", FW_TCP, 22, "v/a => drop:FirewallDenied");
	assert_flow("a1", "203.0.113.53", FW_UDP, 53, "v/a => drop:FirewallDenied");
	trace("a1", 0, "203.0.113.53", FW_UDP, 53, &p);
	assert_string_equal(p.hops[0].fw_rule, "no-dns");
	trace("a1", 0, "203.0.113.9", FW_TCP, 22, &p);
	assert_null(p.hops[0].fw_rule);	/* defaultAction */
	trace("a1", 0, "203.0.113.9", FW_TCP, 80, &p);
	assert_string_equal(p.hops[0].fw_rule, "web");
}

static void test_firewall_eval_matching(void **state)
{
	const struct firewall *fw;
	const struct fw_rule *rule;
	struct flow f = { .src = ip("10.0.1.4"), .dst = ip("198.51.100.9") };

	load(firewall_yaml);
	fw = topo.vms[topo_find_vm(&topo, "fw")].firewall;
	/* First match wins: protocol Any matches every protocol. */
	f.proto = FW_ICMP;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "to-net");
	f.proto = FW_TCP;
	f.dport = 8081;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "to-net");
	f.dport = 8000;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "web");
	/* An address list matches any of its entries, and nothing else. */
	f.proto = FW_UDP;
	f.dport = 53;
	f.dst = ip("203.0.113.53");
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_DENY);
	assert_string_equal(rule->name, "no-dns");
	f.dst = ip("203.0.113.54");
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_DENY);
	assert_string_equal(rule->name, "no-dns");
	f.dst = ip("198.51.100.53");
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_DENY);
	assert_string_equal(rule->name, "no-dns");
	f.dst = ip("203.0.113.55");
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "any-udp");
	/* No rule matches: defaultAction, no rule. */
	f.proto = FW_TCP;
	f.src = ip("10.0.2.4");
	f.dst = ip("203.0.113.9");
	f.dport = 80;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_DENY);
	assert_null(rule);
	f.proto = FW_UDP;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "any-udp");
}

/* Ports only constrain Tcp and Udp flows (a rule of protocol Any with ports). */
static void test_firewall_eval_ports_only_for_tcp_udp(void **state)
{
	struct port_range ssh = { 22, 22 };
	struct prefix any = { 0, 0 };
	struct fw_rule r = { .name = "ssh", .action = FW_ALLOW, .protocol = FW_ANY,
			     .source = { &any, 1 }, .destination = { &any, 1 },
			     .ports = &ssh, .nports = 1 };
	struct firewall fw = { .default_action = FW_DENY, .rules = &r, .nrules = 1 };
	struct flow f = { .src = ip("10.0.1.4"), .dst = ip("10.0.2.4"), .proto = FW_ICMP };
	const struct fw_rule *rule;

	assert_int_equal(firewall_eval(&fw, &f, &rule), FW_ALLOW);
	f.proto = FW_UDP;
	f.dport = 53;
	assert_int_equal(firewall_eval(&fw, &f, &rule), FW_DENY);
	f.dport = 22;
	assert_int_equal(firewall_eval(&fw, &f, &rule), FW_ALLOW);
}

/* Two NVAs pointing at each other. */
static void test_path_drop_routing_loop(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [10.0.0.0/16]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: to-b}\n"
	     "      - {name: b, addressPrefix: 10.0.2.0/24, routeTable: to-a}\n"
	     "routeTables:\n"
	     "  - {name: to-b, routes: [" UDR_VA("d", "0.0.0.0/0", "10.0.2.4") "]}\n"
	     "  - {name: to-a, routes: [" UDR_VA("d", "0.0.0.0/0", "10.0.1.4") "]}\n"
	     "vms:\n"
	     "  - {name: nva-a, subnet: v/a, ip: 10.0.1.4, enableIpForwarding: true}\n"
	     "  - {name: nva-b, subnet: v/b, ip: 10.0.2.4, enableIpForwarding: true}\n");
	assert_path("nva-a", "203.0.113.9", "v/a v/b => drop:RoutingLoop");
	assert_path("nva-a", "10.0.2.4", "v/a => vm:nva-b");
}

/* A chain of n NVAs, each subnet's 0/0 pointing at the next subnet's NVA. */
static void load_chain(int n)
{
	char *yaml = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&yaml, &len);

	fprintf(f, "name: t\nvnets:\n  - name: v\n    addressSpace: [10.0.0.0/16]\n"
		"    subnets:\n");
	for (int i = 0; i + 1 < n; i++)
		fprintf(f, "      - {name: s%d, addressPrefix: 10.0.%d.0/24, routeTable: rt%d}\n",
			i, i, i);
	fprintf(f, "      - {name: s%d, addressPrefix: 10.0.%d.0/24}\n", n - 1, n - 1);
	fprintf(f, "routeTables:\n");
	for (int i = 0; i + 1 < n; i++)
		fprintf(f, "  - {name: rt%d, routes: [{name: d, addressPrefix: 0.0.0.0/0, "
			"nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.%d.4}]}\n",
			i, i + 1);
	fprintf(f, "vms:\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "  - {name: nva%d, subnet: v/s%d, ip: 10.0.%d.4, "
			"enableIpForwarding: true}\n", i, i, i);
	fclose(f);
	load(yaml);
	free(yaml);
}

/* Long chains are followed; a path never exceeds PATH_MAX_HOPS hops. */
static void test_path_hop_limit(void **state)
{
	struct path p;

	load_chain(PATH_MAX_HOPS / 2);
	trace("nva0", 0, "203.0.113.9", FW_ICMP, 0, &p);
	assert_int_equal(p.result, PATH_DELIVERED);
	assert_int_equal(p.to_kind, TO_INTERNET);
	assert_int_equal(p.nhops, PATH_MAX_HOPS / 2);
	load_chain(PATH_MAX_HOPS + 8);
	trace("nva0", 0, "203.0.113.9", FW_ICMP, 0, &p);
	assert_int_equal(p.result, PATH_DROPPED);
	assert_int_equal(p.drop, DROP_LOOP);
	assert_true(p.nhops <= PATH_MAX_HOPS);
	assert_true(p.nhops >= PATH_MAX_HOPS - 2);
}

static void test_path_drop_no_gateway_route(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      "{name: x, addressPrefix: 203.0.113.0/24, nextHopType: VirtualNetworkGateway}", "");
	assert_path("app1", "203.0.113.9", "spoke1/app gw:gw => drop:NoGatewayRoute");
	/* A site host to an address nobody advertised to it. */
	assert_path("dc-srv", "10.2.1.4", "site:dc => drop:NoGatewayRoute");
}

static void test_path_site_host_to_own_site(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("dc-srv", "198.51.100.20", "=> site:dc");
}

static void test_drop_reason_names(void **state)
{
	static const char *const want[DROP__COUNT] = {
		"NoneRoute", "NoNicOwnsAddress", "IpForwardingDisabled",
		"PeeringAccessDenied", "ForwardedTrafficNotAllowed",
		"FirewallDenied", "NoGatewayRoute",
		"VirtualApplianceUnreachable", "RoutingLoop",
	};

	for (int r = 0; r < DROP__COUNT; r++)
		assert_string_equal(drop_reason_name((enum drop_reason)r), want[r]);
}

/* ---- lookup agrees with a linear scan of the table (R6.1) ------------- */

/* The Active row with the longest prefix holding dst, by brute force. */
static void linear_lookup(int s, uint32_t dst, struct eff_route *out)
{
	const struct route_set *rs = &eng.sets[s];
	int best = -1;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < route_set_count(rs); i++) {
		struct eff_route tmp;
		const struct eff_route *r = route_set_row(&eng, rs, i, &tmp);

		if (r->active && prefix_has(r->prefix, dst) &&
		    r->prefix.len > best) {
			best = r->prefix.len;
			*out = *r;
		}
	}
	assert_true(best >= 0);
}

static void test_r6_1_lookup_matches_linear_scan(void **state)
{
	char *yaml = NULL, *sites = NULL;
	size_t ylen = 0, slen = 0;
	FILE *f = open_memstream(&sites, &slen);
	uint32_t x = 12345;

	/* 3000 site prefixes of mixed lengths, some overlapping the VNets. */
	fprintf(f, "[");
	for (int i = 0; i < 3000; i++) {
		uint8_t len = (uint8_t)(8 + i % 25);
		struct prefix p;
		char buf[PREFIX_STRLEN];

		x = x * 1103515245 + 12345;
		p.len = len;
		p.addr = (i % 7 ? x : (0x0a000000 | (x & 0x0003ffff))) & prefix_mask(len);
		fprintf(f, "%s%s", i ? ", " : "", prefix_str(p, buf));
	}
	fprintf(f, "]");
	fclose(f);
	f = open_memstream(&yaml, &ylen);
	fprintf(f, "%s", "name: t\n"
		"vnets:\n"
		"  - name: hub\n"
		"    addressSpace: [10.0.0.0/16]\n"
		"    subnets:\n"
		"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
		"      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}\n"
		"  - name: spoke\n"
		"    addressSpace: [10.1.0.0/16]\n"
		"    subnets: [{name: b, addressPrefix: 10.1.1.0/24}]\n"
		"peerings:\n"
		"  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
		"  - {from: spoke, to: hub, useRemoteGateways: true}\n"
		"routeTables:\n"
		"  - name: rt\n"
		"    routes:\n"
		"      - {name: u1, addressPrefix: 10.0.0.0/8, nextHopType: Internet}\n"
		"      - {name: u2, addressPrefix: 0.0.0.0/0, nextHopType: VirtualNetworkGateway}\n"
		"      - {name: u3, addressPrefix: 10.1.128.0/17, nextHopType: None}\n"
		"gateways:\n"
		"  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
		"sites:\n");
	fprintf(f, "  - {name: dc, addressSpace: %s}\n", sites);
	fprintf(f, "connections:\n  - {name: c, gateway: gw, site: dc}\n");
	fclose(f);
	load(yaml);
	free(yaml);
	free(sites);
	for (int s = 0; s < topo.nsubnets; s++) {
		for (int k = 0; k < 5000; k++) {
			struct eff_route want, tmp;
			const struct eff_route *got;
			uint32_t dst;

			x = x * 1103515245 + 12345;
			dst = k % 3 ? x : (0x0a000000 | (x >> 14));
			linear_lookup(s, dst, &want);
			got = engine_lookup(&eng, s, dst, &tmp);
			assert_non_null(got);
			assert_true(prefix_equal(got->prefix, want.prefix));
			assert_int_equal(got->source, want.source);
			assert_int_equal(got->type, want.type);
		}
	}
}

#define T(fn) cmocka_unit_test_teardown(fn, unload)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_r2_1_default_routes_one_per_range),
		T(test_r2_2_no_route_per_subnet),
		T(test_r2_3_reserved_prefix_equal_to_range_is_vnetlocal),
		T(test_r2_4_superset_range_removes_none_route),
		T(test_r2_4_subset_range_keeps_none_route),
		T(test_r2_5_none_drops),
		T(test_r2_6_internet),
		T(test_r2_7_udr_default_to_appliance_removes_none),
		T(test_r2_7_udr_default_to_gateway_removes_none),
		T(test_r2_7_bgp_default_removes_none),
		T(test_r2_7_udr_default_to_none_or_internet_keeps_none),
		T(test_r2_7_suppressed_bgp_default_keeps_none),
		T(test_r2_7_r6_2_bgp_beats_reserved_none),
		T(test_r2_8_extra_none_list),
		T(test_r3_1_peering_route_per_remote_range),
		T(test_r3_1_global_peering),
		T(test_r3_1_r8_1_one_direction_is_not_connected),
		T(test_r3_2_r3_4_gateway_routes_in_every_subnet),
		T(test_r3_3_use_remote_gateways_gets_gateway_routes),
		T(test_r3_3_without_use_remote_gateways_no_gateway_routes),
		T(test_r4_4_r6_1_appliance_udr_more_specific),
		T(test_r4_5_appliance_in_own_subnet_loops),
		T(test_r4_5_appliance_reach_is_direct_peers_only),
		T(test_r4_7_vnetlocal_udr_outside_vnet_is_none),
		T(test_r4_7_vnetlocal_udr_inside_vnet_stays_local),
		T(test_r4_7_whole_udr_prefix_checked_against_vnet),
		T(test_r4_7_r6_3_vnetlocal_as_none_does_not_protect),
		T(test_r4_8_intra_subnet_hairpin),
		T(test_r5_2_propagation_disabled_drops_gateway_routes),
		T(test_r5_2_propagation_disabled_in_gateway_vnet),
		T(test_r5_3_udr_to_gateway_works_without_propagation),
		T(test_r5_4_propagation_does_not_change_advertisements),
		T(test_r5_8_r6_4a_coexisting_gateways),
		T(test_r5_7_vpn_bgp_transit),
		T(test_r5_7_static_vpn_no_transit),
		T(test_r5_7_transit_over_vnet_to_vnet),
		T(test_r5_7_transit_shortest_chain),
		T(test_r5_6_equal_prefix_er_learned_vpn_filtered),
		T(test_site_routes_longest_prefix),
		T(test_r6_1_longest_prefix_match),
		T(test_r6_1_lookup_matches_linear_scan),
		T(test_r6_2_msdocs_routing_example_subnet1),
		T(test_r6_2_msdocs_routing_example_subnet2),
		T(test_r6_2_udr_default_to_gateway_beats_internet),
		T(test_r6_2_udr_beats_bgp),
		T(test_r6_3_vnet_and_peering_beat_bgp),
		T(test_r6_3_invalid_vnet_row_does_not_protect),
		T(test_r6_3_learned_route_at_range_end_is_invalid),
		T(test_r6_5_summary_udr_loses_to_specific_peering),
		T(test_r6_5_default_udr_does_not_catch_peering),
		T(test_r7_1_appliance_resends_with_its_subnet_routes),
		T(test_r7_2_gateway_ingress_uses_gateway_subnet_routes),
		T(test_r7_2_r6_3_gateway_prefers_own_vnet_to_learned),
		T(test_r8_1_peering_not_transitive),
		T(test_r8_2_allow_virtual_network_access),
		T(test_r8_2_allow_forwarded_traffic),
		T(test_r8_2_peering_crossing),
		T(test_r8_2_access_blocks_gateway_transit_and_nva),
		T(test_r7_1_route_targets),
		T(test_r4_5_r8_2_appliance_over_peering_needs_vnet_access),
		T(test_r4_5_a6_appliance_over_peering_needs_forwarded_traffic),
		T(test_r8_2_a6_forwarded_traffic_receiver_side),
		T(test_r8_2_a8_gateway_relay_is_not_forwarded),
		T(test_r8_3_gateway_transit_over_global_peering),
		T(test_r8_4_spoke_to_spoke_through_vpn_gateway),
		T(test_r8_5_two_hubs_through_both_firewalls),
		T(test_r9_1_udr_default_to_gateway_with_default_site),
		T(test_r9_1_bgp_default_route),
		T(test_r9_1_udr_default_to_appliance),
		T(test_gateway_learns_sites_circuits_and_peer_gateways),
		T(test_site_learns_gateways_and_circuit_members),
		T(test_path_delivered_to_gateway),
		T(test_path_drop_no_nic_owns_address),
		T(test_path_drop_ip_forwarding_disabled),
		T(test_path_drop_virtual_appliance_unreachable),
		T(test_path_drop_firewall_and_rule_name),
		T(test_firewall_eval_matching),
		T(test_firewall_eval_ports_only_for_tcp_udp),
		T(test_path_drop_routing_loop),
		T(test_path_drop_no_gateway_route),
		T(test_path_hop_limit),
		T(test_path_site_host_to_own_site),
		T(test_drop_reason_names),
	};

	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
