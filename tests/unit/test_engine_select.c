// SPDX-License-Identifier: GPL-2.0
/*
 * Route engine tests of route selection: longest prefix match, User
 * over Default over gateway, Invalid gateway routes, Microsoft's own
 * routing example, and the lookup against a linear scan of the table.
 * Tests are named after the rules of docs/routing.md they check;
 * topologies are inline YAML (engine_topos.h has the shared ones).
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
#include "engine_assert.h"
#include "engine_topos.h"

/* ---- selection -------------------------------------------------------- */

/* Microsoft's "How Azure selects a route": /24 vs /16. */
static void test_longest_prefix_match(void **state)
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
 * is out of scope; ID8 and Subnet2's gateway row carry source
 * VirtualNetworkGateway (as docs/routing.md reads it); Subnet2 also lists
 * 172.16.0.0/12 (Reserved prefixes); Subnet1 has no reserved None rows
 * (Forced tunnel removes reserved prefixes).
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

static void test_msdocs_routing_example_subnet1(void **state)
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

static void test_msdocs_routing_example_subnet2(void **state)
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
static void test_user_beats_default_udr_default_to_gateway(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualNetworkGateway}",
	      "192.0.2.0/24");
	assert_lookup("v/a", "203.0.113.9", "VirtualNetworkGateway");
}

/* A BGP route and a UDR of the same prefix: the UDR wins. */
static void test_user_beats_gateway(void **state)
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
 * VNet routes win: a site advertising a prefix inside the gateway VNet, one equal to
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

static void test_vnet_routes_win_vnet_and_peering_beat_bgp(void **state)
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
static void test_vnet_routes_win_invalid_vnet_row_does_not_protect(void **state)
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

/* VNet routes win: a learned /32 at the last address of a VNet range is nested in it. */
static void test_vnet_routes_win_learned_route_at_range_end(void **state)
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

/* Longest prefix, trap 1: a summary UDR on the GatewaySubnet loses to /24 peering routes. */
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

static void test_longest_prefix_summary_udr_loses_to_specific_peering(void **state)
{
	loadf(trap_fmt, "10.1.1.0/24");
	assert_lookup("hub/GatewaySubnet", "10.1.1.4", "VNetPeering");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => vm:app");
	/* With the spoke's range equal to the UDR, the UDR wins (User beats Default). */
	loadf(trap_fmt, "10.1.0.0/16");
	assert_lookup("hub/GatewaySubnet", "10.1.1.4", "VirtualAppliance 10.0.1.4");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet hub/fw => vm:app");
}

/* Longest prefix, trap 2: 0/0 -> firewall does not catch directly peered traffic. */
static void test_longest_prefix_default_udr_does_not_catch_peering(void **state)
{
	loadf(trap_fmt, "10.1.0.0/16");
	assert_lookup("spoke/app", "10.0.1.5", "VNetPeering");
	assert_path("app", "10.0.1.5", "spoke/app => vm:hubvm");
	assert_path("app", "192.0.2.10", "spoke/app hub/fw gw:gw => site:dc");
}

/* ---- Longest prefix: lookup agrees with a linear scan of the table ---- */

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

static void test_longest_prefix_lookup_matches_linear_scan(void **state)
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
		T(test_longest_prefix_match),
		T(test_longest_prefix_lookup_matches_linear_scan),
		T(test_msdocs_routing_example_subnet1),
		T(test_msdocs_routing_example_subnet2),
		T(test_user_beats_default_udr_default_to_gateway),
		T(test_user_beats_gateway),
		T(test_vnet_routes_win_vnet_and_peering_beat_bgp),
		T(test_vnet_routes_win_invalid_vnet_row_does_not_protect),
		T(test_vnet_routes_win_learned_route_at_range_end),
		T(test_longest_prefix_summary_udr_loses_to_specific_peering),
		T(test_longest_prefix_default_udr_does_not_catch_peering),
	};

	return cmocka_run_group_tests_name("engine_select", tests, NULL, NULL);
}
