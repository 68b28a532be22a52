// SPDX-License-Identifier: GPL-2.0
/*
 * Route engine tests of peering: the routes a connected peering adds
 * (Peering routes), its checks on the path (Peering access, Forwarded
 * traffic), NVAs and gateways reached over it.
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
#include "../lib/access_topo.h"

/* ---- Peering routes --------------------------------------------------- */

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

static void test_peering_routes_one_per_remote_range(void **state)
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

static void test_peering_routes_global_peering(void **state)
{
	loadf(peered_fmt, "westeurope", "northeurope", "  - {from: w, to: v}\n");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.1.0.0/16 VNetGlobalPeering",
	       "Default Active 10.2.0.0/16 VNetGlobalPeering");
}

static void test_half_peering_is_not_connected(void **state)
{
	loadf(peered_fmt, "westeurope", "westeurope", "");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
}

/* ---- Peering checks --------------------------------------------------- */

static void test_peering_routes_not_transitive(void **state)
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

static void test_peering_access_allowed(void **state)
{
	loadf(flags_fmt, "false", "true");
	/* Routes stay (Peering access); packets V -> W are dropped. */
	assert_lookup("v/nva", "10.1.1.4", "VNetPeering");
	assert_lookup("w/b", "10.0.2.4", "VNetPeering");
	assert_path("nva", "10.1.1.4", "v/nva => drop:PeeringAccessDenied");
	/* Peering access: V's flag closes the peering W -> V too. */
	assert_path("b1", "10.0.2.4", "w/b => drop:PeeringAccessDenied");
}

static void test_forwarded_traffic_allowed(void **state)
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
 * Peering access: a peering with allowVirtualNetworkAccess false on either
 * side carries nothing either way: not relayed through gateway transit
 * (spoke1's own flag, the hub's flag to spoke2), nor to or from an NVA
 * over it (spoke3 sends all to the hub firewall).
 */
static void test_peering_access_blocks_gateway_transit_and_nva(void **state)
{
	load(ACCESS_YAML);
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
static void test_peering_checks_crossing(void **state)
{
	int v, w, x;

	loadf(flags_fmt, "false", "true");
	v = topo_find_vnet(&topo, "v");
	w = topo_find_vnet(&topo, "w");
	x = topo_find_vnet(&topo, "x");
	assert_int_equal(engine_peering_crossing(&eng, v, v), CROSSING_OPEN);
	assert_int_equal(engine_peering_crossing(&eng, v, w), CROSSING_DENIED);
	/* Peering access: either side's flag closes both directions */
	assert_int_equal(engine_peering_crossing(&eng, w, v), CROSSING_DENIED);
	assert_int_equal(engine_peering_crossing(&eng, w, x), CROSSING_DENIED);
	loadf(flags_fmt, "true", "false");
	assert_int_equal(engine_peering_crossing(&eng, v, w), CROSSING_LOCAL_ONLY);
	/* v's peering keeps allowForwardedTraffic's default, false (Forwarded traffic) */
	assert_int_equal(engine_peering_crossing(&eng, w, v), CROSSING_LOCAL_ONLY);
	loadf(flags_fmt, "true", "true");
	assert_int_equal(engine_peering_crossing(&eng, v, w), CROSSING_OPEN);
}

/*
 * Appliance reach, Peering checks: an NVA in a peered VNet is reached over the peering, whose
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

static void test_appliance_reach_over_peering_needs_peering_access(void **state)
{
	loadf(peered_nva_fmt, "false", "true");
	assert_path("fw", "203.0.113.9", "hub/fw => drop:PeeringAccessDenied");
	loadf(peered_nva_fmt, "true", "true");
	assert_path("fw", "203.0.113.9", "hub/fw nvas/a => internet");
}

/* Forwarded traffic: what the hub firewall forwards to nva2 needs nvas' allowForwardedTraffic. */
static void test_appliance_reach_over_peering_needs_forwarded_traffic(void **state)
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

/*
 * In a subnet's table, Appliance reach: where each route leads; an appliance
 * in a direct peer only.
 */
static void test_in_a_subnet_route_targets(void **state)
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

/* Forwarded traffic: the receiver's flag gates a source outside the sending VNet. */
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

static void test_forwarded_traffic_receiver_side(void **state)
{
	loadf(forwarded_fmt, "false");
	assert_path("app1", "10.2.1.4", "s1/a hub/fw => drop:ForwardedTrafficNotAllowed");
	loadf(forwarded_fmt, "true");
	assert_path("app1", "10.2.1.4", "s1/a hub/fw => vm:app2");
}

/* Gateway relays: gateway-relayed traffic needs no allowForwardedTraffic. */
static void test_gateway_relays_are_not_forwarded(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => vm:app1");
	/* Through the firewall it is, and spoke1 does not allow it. */
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "",
	      UDR_VA("s1", "10.1.0.0/16", "10.0.1.4"));
	assert_path("dc-srv", "10.1.1.4",
		    "site:dc gw:gw hub/GatewaySubnet hub/fw => drop:ForwardedTrafficNotAllowed");
}

/* Gateway transit over global peering (a reading). */
static void test_gateway_transit_over_global_peering(void **state)
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

/* Gateway relays: spoke to spoke through the hub's VPN gateway, by UDR. */
static void test_gateway_relays_spoke_to_spoke_through_vpn_gateway(void **state)
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
	/* Relayed by the gateway: s2 needs no allowForwardedTraffic (Gateway relays). */
	assert_path("app1", "10.2.1.4", "s1/app gw:gw hub/GatewaySubnet => vm:app2");
	/* Without a UDR the way back hits 10.0.0.0/8 None (Reserved prefixes). */
	assert_path("app2", "10.1.1.4", "s2/app => drop:NoneRoute");
}

/*
 * Two hub-and-spoke deployments sharing one ExpressRoute circuit;
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

static void test_two_hubs_through_both_firewalls(void **state)
{
	load(two_hubs);
	assert_path("we-app", "10.101.1.4",
		    "we-spoke/app we-hub/fw ne-hub/fw => vm:ne-app");
	assert_path("ne-app", "10.1.1.4",
		    "ne-spoke/app ne-hub/fw we-hub/fw => vm:we-app");
	/* The firewall subnet's UDR beats the circuit-learned route (User beats gateway). */
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

#define T(fn) cmocka_unit_test_teardown(fn, unload)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_peering_routes_one_per_remote_range),
		T(test_peering_routes_global_peering),
		T(test_half_peering_is_not_connected),
		T(test_peering_routes_not_transitive),
		T(test_peering_access_allowed),
		T(test_forwarded_traffic_allowed),
		T(test_peering_checks_crossing),
		T(test_peering_access_blocks_gateway_transit_and_nva),
		T(test_in_a_subnet_route_targets),
		T(test_appliance_reach_over_peering_needs_peering_access),
		T(test_appliance_reach_over_peering_needs_forwarded_traffic),
		T(test_forwarded_traffic_receiver_side),
		T(test_gateway_relays_are_not_forwarded),
		T(test_gateway_transit_over_global_peering),
		T(test_gateway_relays_spoke_to_spoke_through_vpn_gateway),
		T(test_two_hubs_through_both_firewalls),
	};

	return cmocka_run_group_tests_name("engine_peering", tests, NULL, NULL);
}
