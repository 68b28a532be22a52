// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP fabric under BPF_PROG_TEST_RUN, with maps filled by the real
 * compiler and loader: every next hop type and drop reason, ARP replies
 * byte by byte, malformed frames, and a differential test against the
 * route engine (the reference model) over the examples.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fabric_harness.h"

static struct lab rules;

static const char rules_yaml[] =
"name: rules\n"
"vnets:\n"
"  - name: hub\n"
"    addressSpace: [10.0.0.0/16]\n"
"    subnets:\n"
"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
"      - {name: nva, addressPrefix: 10.0.1.0/24}\n"
"      - {name: app, addressPrefix: 10.0.2.0/24, routeTable: app-rt}\n"
"  - name: spoke\n"
"    addressSpace: [10.1.0.0/16]\n"
"    subnets:\n"
"      - {name: app, addressPrefix: 10.1.1.0/24, routeTable: spoke-rt}\n"
"  - name: closed\n"
"    addressSpace: [10.2.0.0/16]\n"
"    subnets:\n"
"      - {name: app, addressPrefix: 10.2.1.0/24}\n"
"  - name: twin\n"
"    addressSpace: [10.1.0.0/16]\n"
"    subnets:\n"
"      - {name: app, addressPrefix: 10.1.1.0/24}\n"
"peerings:\n"
"  - {from: hub, to: spoke}\n"
"  - {from: spoke, to: hub}\n"
"  - {from: hub, to: closed, allowVirtualNetworkAccess: false}\n"
"  - {from: closed, to: hub}\n"
"routeTables:\n"
"  - name: app-rt\n"
"    routes:\n"
"      - {name: via-nva, addressPrefix: 10.1.1.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
"      - {name: via-lazy, addressPrefix: 10.1.2.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.5}\n"
"      - {name: nowhere, addressPrefix: 10.1.3.0/24, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.9.9}\n"
"      - {name: black, addressPrefix: 198.51.100.0/24, nextHopType: None}\n"
"      - {name: onprem, addressPrefix: 172.16.0.0/12, nextHopType: VirtualNetworkGateway}\n"
"      - {name: local-out, addressPrefix: 203.0.113.128/25, nextHopType: VnetLocal}\n"
"  - name: spoke-rt\n"
"    routes:\n"
"      - {name: no-gw, addressPrefix: 172.16.0.0/12, nextHopType: VirtualNetworkGateway}\n"
"gateways:\n"
"  - {name: gw, vnet: hub, type: Vpn}\n"
"sites:\n"
"  - name: dc\n"
"    addressSpace: [192.168.0.0/16]\n"
"    hosts: [{name: srv, ip: 192.168.1.10}]\n"
"connections:\n"
"  - {name: c, gateway: gw, site: dc}\n"
"vms:\n"
"  - {name: nva, subnet: hub/nva, ip: 10.0.1.4, enableIpForwarding: true}\n"
"  - {name: lazy, subnet: hub/nva, ip: 10.0.1.5}\n"
"  - {name: hubvm, subnet: hub/app, ip: 10.0.2.4}\n"
"  - {name: spokevm, subnet: spoke/app, ip: 10.1.1.4}\n"
"  - {name: closedvm, subnet: closed/app, ip: 10.2.1.4}\n"
"  - {name: twinvm, subnet: twin/app, ip: 10.1.1.4}\n"
"internet:\n"
"  hosts: [{name: web, ip: 203.0.113.10}]\n";

enum { NVA, LAZY, HUBVM, SPOKEVM, CLOSEDVM, TWINVM, GW /* slots */ };

static __u32 ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return ntohl(a.s_addr);
}

static int setup_rules(void **state)
{
	int ret = lab_up(&rules, "rules", rules_yaml);

	if (ret)
		fprintf(stderr, "rules lab: %s\n", strerror(-ret));
	return ret;
}

static int teardown_rules(void **state)
{
	lab_down(&rules);
	return 0;
}

struct fabric_case {
	const char *what;
	int from;	/* slot; -1: the Internet edge */
	const char *src, *dst;
	int verdict;
	int to;		/* slot; -1: the Internet edge, -2: none */
};

static void test_next_hops_and_drops(void **state)
{
	static const struct fabric_case cases[] = {
		{ "VnetLocal to a VM", HUBVM, "10.0.2.4", "10.0.1.4", XV_FWD, NVA },
		{ "VnetLocal, nobody home", HUBVM, "10.0.2.4", "10.0.2.99", XV_DROP_NO_OWNER, -2 },
		{ "VnetLocal to the gateway's own address", HUBVM, "10.0.2.4", "10.0.255.4", XV_FWD, GW },
		{ "VirtualAppliance", HUBVM, "10.0.2.4", "10.1.1.4", XV_FWD, NVA },
		{ "VirtualAppliance without IP forwarding", HUBVM, "10.0.2.4", "10.1.2.9", XV_DROP_DST_NOT_OWN, -2 },
		{ "VirtualAppliance nobody owns", HUBVM, "10.0.2.4", "10.1.3.9", XV_DROP_NVA_UNREACHABLE, -2 },
		{ "UDR None", HUBVM, "10.0.2.4", "198.51.100.1", XV_DROP_NONE_ROUTE, -2 },
		{ "Default None (reserved range)", HUBVM, "10.0.2.4", "100.64.0.1", XV_DROP_NONE_ROUTE, -2 },
		{ "VnetLocal UDR outside the VNet is None", HUBVM, "10.0.2.4", "203.0.113.200", XV_DROP_NONE_ROUTE, -2 },
		{ "VirtualNetworkGateway", HUBVM, "10.0.2.4", "172.16.0.1", XV_FWD, GW },
		{ "VirtualNetworkGateway with no gateway", SPOKEVM, "10.1.1.4", "172.16.0.1", XV_DROP_NO_GATEWAY, -2 },
		{ "Internet", HUBVM, "10.0.2.4", "8.8.8.8", XV_FWD, -1 },
		{ "VNetPeering", SPOKEVM, "10.1.1.4", "10.0.2.4", XV_FWD, HUBVM },
		{ "VNetPeering, access denied", HUBVM, "10.0.2.4", "10.2.1.4", XV_DROP_PEERING_ACCESS, -2 },
		{ "VNetPeering, access allowed the other way", CLOSEDVM, "10.2.1.4", "10.0.2.4", XV_FWD, HUBVM },
		{ "NVA's own traffic over a peering", NVA, "10.0.1.4", "10.1.1.4", XV_FWD, SPOKEVM },
		{ "NVA-forwarded traffic, not allowed", NVA, "192.168.1.10", "10.1.1.4", XV_DROP_FORWARDED, -2 },
		{ "NVA-forwarded traffic from inside the VNet", NVA, "10.0.2.4", "10.1.1.4", XV_FWD, SPOKEVM },
		{ "gateway-relayed traffic needs no allowForwardedTraffic (A8)", GW, "192.168.1.10", "10.1.1.4", XV_FWD, SPOKEVM },
		{ "foreign source without IP forwarding", SPOKEVM, "10.9.9.9", "10.0.2.4", XV_DROP_SRC_NOT_OWN, -2 },
		{ "to itself", SPOKEVM, "10.1.1.4", "10.1.1.4", XV_DROP_LOOP, -2 },
		{ "unpeered VNets reuse addresses", TWINVM, "10.1.1.4", "10.1.1.5", XV_DROP_NO_OWNER, -2 },
		{ "Internet edge into a VNet", -1, "203.0.113.10", "10.0.2.4", XV_FWD, HUBVM },
		{ "Internet edge, nobody home", -1, "203.0.113.10", "10.0.9.9", XV_DROP_NO_OWNER, -2 },
		{ "Internet edge, shared space: first VNet declared", -1, "203.0.113.10", "10.1.1.4", XV_FWD, SPOKEVM },
		{ "Internet edge, outside every VNet", -1, "203.0.113.10", "8.8.4.4", XV_DROP_NONE_ROUTE, -2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fabric_case *c = &cases[i];
		int from = c->from == -1 ? rules.internet : c->from;
		int to = c->to == -1 ? rules.internet : c->to;
		struct pkt p = ipv4_frame(rules.nics[from].mac, ip(c->src), ip(c->dst), IPPROTO_UDP);
		__u8 out[256];
		__u32 out_len = sizeof(out);
		struct outcome o = run_frame(&rules, from, p.b, p.len, out, &out_len);

		print_message("%s\n", c->what);
		assert_int_equal(o.verdict, c->verdict);
		if (c->verdict != XV_FWD) {
			assert_int_equal(o.action, XDP_DROP);
			assert_int_equal(o.out, -1);
			continue;
		}
		assert_int_equal(o.action, XDP_REDIRECT);
		assert_int_equal(o.out, to);
		/* MACs rewritten, everything else (TTL included) untouched. */
		assert_int_equal(out_len, p.len);
		assert_memory_equal(out, rules.nics[to].mac, ETH_ALEN);
		assert_memory_equal(out + 6, fabric_mac, ETH_ALEN);
		assert_memory_equal(out + 12, p.b + 12, p.len - 12);
	}
}

int main(void)
{
	const struct CMUnitTest rules_tests[] = {
		cmocka_unit_test(test_next_hops_and_drops),
	};
	int ret = harness_init();

	if (ret) {
		fprintf(stderr, "test_fabric: needs root (%s)\n", strerror(-ret));
		cmocka_set_skip_filter("*");
	}
	return cmocka_run_group_tests_name("fabric rules", rules_tests, setup_rules, teardown_rules);
}
