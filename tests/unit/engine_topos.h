/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topologies and helpers that the route engine tests of several rule
 * sections share (test_engine_*.c). Include after engine_assert.h.
 */
#ifndef XVNET_TESTS_ENGINE_TOPOS_H
#define XVNET_TESTS_ENGINE_TOPOS_H

/* A shared topology: some test files do not use every one. */
#define TOPO static const char *const __attribute__((unused))

/* Forced tunnel removes reserved prefixes: one VNet, a VPN gateway whose site may advertise 0/0. */
TOPO forced_fmt =
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

/*
 * Hub and spoke: hub gateway to site dc (192.0.2.0/24 and 198.51.100.0/24),
 * firewall NVA in the hub, spoke1 using the hub's gateway, spoke2 not.
 * Format arguments: the spoke1 -> hub peering's extra flags, spoke1's
 * route table flags and routes, the GatewaySubnet's routes.
 */
TOPO hub_fmt =
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

/*
 * One VNet 10.0.0.0/16 with a gateway to site dc. Format arguments: the
 * routes of subnet a's table, dc's address space, dc's host address.
 */
TOPO edge_fmt =
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

/*
 * From the NIC (every packet leaving a NIC is routed): a UDR for the subnet's
 * own prefix hairpins intra-subnet traffic.
 */
TOPO hairpin_fmt =
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

static inline int gateway(const char *name)
{
	for (int i = 0; i < topo.ngateways; i++)
		if (!strcmp(topo.gateways[i].name, name))
			return i;
	fail_msg("no gateway %s", name);
	return -1;
}

#endif
