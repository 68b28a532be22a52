/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Peering access, shared by tests/unit and tests/bpf: a hub with a VPN
 * gateway to site dc and a firewall NVA, three spokes whose peerings with
 * it are closed by one side each. spoke1 closes its own peering (it uses
 * the hub's gateway), the hub closes its peering to spoke2 (which uses the
 * gateway too), and to spoke3, which sends everything to the hub firewall.
 * dc also advertises 10.1.9.0/24, inside spoke1's range.
 */
#ifndef XVNET_TESTS_ACCESS_TOPO_H
#define XVNET_TESTS_ACCESS_TOPO_H

#define ACCESS_YAML \
"name: access\n" \
"vnets:\n" \
"  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n" \
"      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}, {name: fw, addressPrefix: 10.0.1.0/24}]}\n" \
"  - {name: spoke1, addressSpace: [10.1.0.0/16], subnets: [{name: app, addressPrefix: 10.1.1.0/24}]}\n" \
"  - {name: spoke2, addressSpace: [10.2.0.0/16], subnets: [{name: app, addressPrefix: 10.2.1.0/24}]}\n" \
"  - {name: spoke3, addressSpace: [10.3.0.0/16], subnets: [{name: app, addressPrefix: 10.3.1.0/24, routeTable: rt}]}\n" \
"peerings:\n" \
"  - {from: hub, to: spoke1, allowGatewayTransit: true}\n" \
"  - {from: spoke1, to: hub, useRemoteGateways: true, allowVirtualNetworkAccess: false}\n" \
"  - {from: hub, to: spoke2, allowGatewayTransit: true, allowVirtualNetworkAccess: false}\n" \
"  - {from: spoke2, to: hub, useRemoteGateways: true}\n" \
"  - {from: hub, to: spoke3, allowVirtualNetworkAccess: false, allowForwardedTraffic: true}\n" \
"  - {from: spoke3, to: hub, allowForwardedTraffic: true}\n" \
"routeTables:\n" \
"  - name: rt\n" \
"    routes: [{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]\n" \
"gateways: [{name: gw, vnet: hub, type: Vpn}]\n" \
"sites: [{name: dc, addressSpace: [192.168.0.0/16, 10.1.9.0/24], hosts: [{name: dc-srv, ip: 192.168.1.10}]}]\n" \
"connections: [{name: c, gateway: gw, site: dc}]\n" \
"vms:\n" \
"  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n" \
"  - {name: s1, subnet: spoke1/app, ip: 10.1.1.4}\n" \
"  - {name: s2, subnet: spoke2/app, ip: 10.2.1.4}\n" \
"  - {name: s3, subnet: spoke3/app, ip: 10.3.1.4}\n"

#endif
