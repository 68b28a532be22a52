// SPDX-License-Identifier: GPL-2.0
/*
 * Route engine tests of gateway routes: what gateways and sites learn,
 * which subnets get their routes (Gateway routes, Gateway transit),
 * Route propagation, Coexisting gateways, forced tunnelling (Default site).
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

/* ---- Gateway routes --------------------------------------------------- */

static void test_gateway_routes_in_every_subnet(void **state)
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

static void test_gateway_transit_use_remote_gateways_gets_gateway_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	ROUTES("spoke1/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetPeering",
	       GW_ROWS("Active"));
	assert_path("app1", "192.0.2.10", "spoke1/app gw:gw => site:dc");
}

static void test_gateway_transit_without_use_remote_gateways_no_gateway_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	ROUTES("spoke2/app",
	       "Default Active 10.2.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetPeering");
	assert_path("app2", "198.51.100.7", "spoke2/app => internet");
	assert_int_equal(eng.gateway_vnet[topo_find_vnet(&topo, "spoke2")], -1);
}

/* ---- Route propagation ------------------------------------------------ */

static void test_route_propagation_disabled_drops_gateway_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, "disableBgpRoutePropagation: true", "", "");
	ROUTES("spoke1/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 10.0.0.0/16 VNetPeering");
	/* Internet default: an on-prem prefix outside the reserved ranges falls to Internet. */
	assert_path("app1", "198.51.100.7", "spoke1/app => internet");
}

/* In the gateway's own VNet too, and the BGP 0/0 with it. */
static void test_route_propagation_disabled_in_gateway_vnet(void **state)
{
	loadf(forced_fmt, "true", "", "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
}

static void test_route_propagation_disabled_udr_to_gateway_works(void **state)
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

/* Route propagation: the flag changes what the subnet receives, not what is advertised. */
static void test_route_propagation_does_not_change_advertisements(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, "disableBgpRoutePropagation: true", "", "");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => vm:app1");
}

/* ---- Coexisting gateways, VPN BGP transit ---------------------------- */

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
 * 0.0.0.0/0 over VPN removes the reserved None rows (Forced tunnel removes reserved
 * prefixes); b2's
 * 10.0.9.0/24 lies in the hub (VNet routes win).
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
 * Coexisting gateways, ExpressRoute beats VPN: both gateways' routes reach
 * the hub and its transit spoke; at an equal prefix ExpressRoute is Active
 * and VPN Invalid, whatever the order; a more specific VPN-only prefix wins
 * by longest prefix.
 */
static void test_coexisting_gateways_expressroute_beats_vpn(void **state)
{
	static const char *const orders[] = { ER_GW VPN_GW, VPN_GW ER_GW };

	for (int o = 0; o < 2; o++) {
		loadf(hybrid_fmt, orders[o]);
		/* dc's 10.1.0.0/16 over ExpressRoute: learned, Invalid (VNet routes win). */
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
 * VPN BGP transit: the BGP VPN gateway passes what one branch advertises to the
 * others, not 0.0.0.0/0 nor what lies in its VNets; ExpressRoute and VPN
 * routes never pass between each other.
 */
static void test_vpn_bgp_transit(void **state)
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

/* VPN BGP transit: without BGP a VPN gateway passes nothing on. */
static void test_vpn_bgp_transit_static_vpn_passes_nothing(void **state)
{
	loadf(hybrid_fmt, ER_GW
	      "  - {name: vpn, vnet: hub, type: Vpn, ip: 10.0.255.20}\n");
	assert_path("b1-srv", "172.20.2.10", "=> site:b1");	/* its own 0/0 */
	assert_path("b2-srv", "172.20.1.10", "site:b2 => drop:NoGatewayRoute");
	assert_path("b2-srv", "10.1.1.4", "site:b2 gw:vpn hub/GatewaySubnet => vm:spokevm");
}

/*
 * VPN BGP transit across VNet-to-VNet: a branch VNet behind its own BGP VPN gateway
 * and an on-premises site of the hub reach each other through both
 * gateways; a chain of three gateways passes routes on hop by hop.
 */
static void test_vpn_bgp_transit_over_vnet_to_vnet(void **state)
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
 * VPN BGP transit in a mesh: three BGP VPN gateways joined in a triangle, site p
 * behind c-gw. Each gateway learns p over the shortest chain, whatever the
 * order of the connections: a and b each go straight to c, never through
 * each other (which would loop).
 */
static void test_vpn_bgp_transit_shortest_chain(void **state)
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
 * The Equal-prefix filter is a VPN gateway's: over ExpressRoute a prefix equal to a
 * VNet's range is learned and Invalid (VNet routes win); over VPN it is not learned.
 */
static void test_equal_prefix_filter_er_learns_vpn_filters(void **state)
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

/* ---- forced tunnelling ------------------------------------------------ */

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

static void test_default_site_udr_default_to_gateway(void **state)
{
	loadf(tunnel_fmt, ", defaultSite: dc", "198.51.100.0/24");
	assert_path("mid", "203.0.113.9", "v/Midtier gw:gw => site:dc");
	assert_path("mid", "198.51.100.9", "v/Midtier gw:gw => site:branch");
	assert_path("front", "203.0.113.9", "v/Frontend => internet");
	/* No default site: the gateway has no route. */
	loadf(tunnel_fmt, "", "198.51.100.0/24");
	assert_path("mid", "203.0.113.9", "v/Midtier gw:gw => drop:NoGatewayRoute");
}

static void test_forced_tunnel_bgp_default_route(void **state)
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

static void test_forced_tunnel_udr_default_to_appliance(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT ", allowForwardedTraffic: true", NO_FLAGS,
	      UDR_VA("d", "0.0.0.0/0", "10.0.1.4"), "");
	assert_lookup("spoke1/app", "203.0.113.9", "VirtualAppliance 10.0.1.4");
	/* The gateway's routes stay more specific than the 0/0 (Longest prefix). */
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

#define T(fn) cmocka_unit_test_teardown(fn, unload)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_gateway_routes_in_every_subnet),
		T(test_gateway_transit_use_remote_gateways_gets_gateway_routes),
		T(test_gateway_transit_without_use_remote_gateways_no_gateway_routes),
		T(test_route_propagation_disabled_drops_gateway_routes),
		T(test_route_propagation_disabled_in_gateway_vnet),
		T(test_route_propagation_disabled_udr_to_gateway_works),
		T(test_route_propagation_does_not_change_advertisements),
		T(test_coexisting_gateways_expressroute_beats_vpn),
		T(test_vpn_bgp_transit),
		T(test_vpn_bgp_transit_static_vpn_passes_nothing),
		T(test_vpn_bgp_transit_over_vnet_to_vnet),
		T(test_vpn_bgp_transit_shortest_chain),
		T(test_equal_prefix_filter_er_learns_vpn_filters),
		T(test_site_routes_longest_prefix),
		T(test_default_site_udr_default_to_gateway),
		T(test_forced_tunnel_bgp_default_route),
		T(test_forced_tunnel_udr_default_to_appliance),
		T(test_gateway_learns_sites_circuits_and_peer_gateways),
		T(test_site_learns_gateways_and_circuit_members),
	};

	return cmocka_run_group_tests_name("engine_gateway", tests, NULL, NULL);
}
