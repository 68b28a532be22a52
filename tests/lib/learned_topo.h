/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Learned routes against table routes, shared by tests/unit and tests/bpf.
 * Site dc advertises 0.0.0.0/0, so no table route of hub/app matches
 * 8.8.8.8 (the default Internet route is Invalid) and only the gateway set
 * answers; app-rt's UDR equals the learned 172.16.0.0/12, with the learned
 * 172.16.5.0/24 inside it (the gateway set is looked up under the UDR, and
 * must lose the tie). Frames reach the gateway from branch (dc holds every
 * address itself). twin-a and twin-b: unpeered, one address space, the
 * same route table.
 */
#ifndef XVNET_TESTS_LEARNED_TOPO_H
#define XVNET_TESTS_LEARNED_TOPO_H

#define LEARNED_YAML \
"name: learned\n" \
"vnets:\n" \
"  - name: hub\n" \
"    addressSpace: [10.0.0.0/16]\n" \
"    subnets:\n" \
"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n" \
"      - {name: nva, addressPrefix: 10.0.1.0/24}\n" \
"      - {name: app, addressPrefix: 10.0.2.0/24, routeTable: app-rt}\n" \
"      - {name: plain, addressPrefix: 10.0.3.0/24}\n" \
"  - name: spoke\n" \
"    addressSpace: [10.1.0.0/16]\n" \
"    subnets:\n" \
"      - {name: app, addressPrefix: 10.1.1.0/24}\n" \
"  - name: twin-a\n" \
"    addressSpace: [10.2.0.0/16]\n" \
"    subnets:\n" \
"      - {name: app, addressPrefix: 10.2.1.0/24, routeTable: twin-rt}\n" \
"  - name: twin-b\n" \
"    addressSpace: [10.2.0.0/16]\n" \
"    subnets:\n" \
"      - {name: app, addressPrefix: 10.2.1.0/24, routeTable: twin-rt}\n" \
"peerings:\n" \
"  - {from: hub, to: spoke, allowGatewayTransit: true}\n" \
"  - {from: spoke, to: hub, useRemoteGateways: true}\n" \
"routeTables:\n" \
"  - name: app-rt\n" \
"    routes:\n" \
"      - {name: onprem, addressPrefix: 172.16.0.0/12, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n" \
"  - name: twin-rt\n" \
"    routes:\n" \
"      - {name: black, addressPrefix: 198.51.100.0/24, nextHopType: None}\n" \
"gateways:\n" \
"  - {name: gw, vnet: hub, type: Vpn}\n" \
"sites:\n" \
"  - name: dc\n" \
"    addressSpace: [0.0.0.0/0, 172.16.0.0/12, 172.16.5.0/24]\n" \
"    hosts: [{name: srv, ip: 172.16.5.10}]\n" \
"  - name: branch\n" \
"    addressSpace: [192.168.0.0/16]\n" \
"    hosts: [{name: br, ip: 192.168.1.10}]\n" \
"connections:\n" \
"  - {name: c, gateway: gw, site: dc}\n" \
"  - {name: b, gateway: gw, site: branch}\n" \
"vms:\n" \
"  - {name: nva, subnet: hub/nva, ip: 10.0.1.4, enableIpForwarding: true}\n" \
"  - {name: app, subnet: hub/app, ip: 10.0.2.4}\n" \
"  - {name: plain, subnet: hub/plain, ip: 10.0.3.4}\n" \
"  - {name: spokevm, subnet: spoke/app, ip: 10.1.1.4}\n" \
"  - {name: avm, subnet: twin-a/app, ip: 10.2.1.4}\n" \
"  - {name: bvm, subnet: twin-b/app, ip: 10.2.1.4}\n" \
"  - {name: bvm2, subnet: twin-b/app, ip: 10.2.1.5}\n" \
"internet:\n" \
"  hosts: [{name: web, ip: 203.0.113.10}]\n"

#endif
