// SPDX-License-Identifier: GPL-2.0
/*
 * Round trips (user/route/roundtrip.c): source NAT by firewall NVAs and by the
 * platform for Internet egress, the reply routed on its own back through
 * the translations, firewall NVAs passing tracked replies, and asymmetric
 * routing dropped by the NVA that sees half of a flow; the check scan and
 * the probe list.
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
#include "roundtrip.h"

/*
 * Hub and spoke, forced tunnel through the firewall fw; the GatewaySubnet
 * sends spoke1 back through it (ROUTE_BACK may drop that route), and the
 * firewall's snat is SNAT.
 */
#define HUB(SNAT, GW_ROUTES, RULES)                                              \
	"name: t\n"                                                              \
	"vnets:\n"                                                               \
	"  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"              \
	"      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27, routeTable: gw-rt},\n" \
	"      {name: fw, addressPrefix: 10.0.1.0/24},\n"                        \
	"      {name: out, addressPrefix: 10.0.2.0/24}]}\n"                      \
	"  - {name: spoke1, addressSpace: [10.1.0.0/16], subnets: [\n"           \
	"      {name: app, addressPrefix: 10.1.1.0/24, routeTable: spoke-rt}]}\n" \
	"  - {name: spoke2, addressSpace: [10.2.0.0/16], subnets: [\n"           \
	"      {name: app, addressPrefix: 10.2.1.0/24, routeTable: spoke-rt}]}\n" \
	"peerings:\n"                                                            \
	"  - {from: hub, to: spoke1, allowGatewayTransit: true}\n"               \
	"  - {from: spoke1, to: hub, useRemoteGateways: true, allowForwardedTraffic: true}\n" \
	"  - {from: hub, to: spoke2, allowGatewayTransit: true}\n"               \
	"  - {from: spoke2, to: hub, useRemoteGateways: true, allowForwardedTraffic: true}\n" \
	"routeTables:\n"                                                         \
	"  - {name: spoke-rt, disableBgpRoutePropagation: true, routes: [\n"     \
	"      {name: dflt, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]}\n" \
	"  - {name: gw-rt, routes: [" GW_ROUTES "]}\n"                           \
	"gateways: [{name: gw, vnet: hub, type: Vpn}]\n"                         \
	"sites: [{name: dc, addressSpace: [192.168.0.0/16], hosts: [{name: srv, ip: 192.168.1.10}]}]\n" \
	"connections: [{name: c, gateway: gw, site: dc}]\n"                      \
	"vms:\n"                                                                 \
	"  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true,\n" \
	"     firewall: {defaultAction: Deny, snat: " SNAT ", rules: [" RULES "]}}\n" \
	"  - {name: app1, subnet: spoke1/app}\n"                                 \
	"  - {name: app2, subnet: spoke2/app}\n"                                 \
	"  - {name: direct, subnet: hub/out}\n"                                  \
	"internet: {hosts: [{name: web, ip: 198.51.100.1}]}\n"

#define BACK_VIA_FW                                                              \
	"{name: s1, addressPrefix: 10.1.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}," \
	"{name: s2, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}"
/* the classic mistake: spoke2 only, spoke1 comes back straight from the gateway */
#define BACK_S2_ONLY                                                             \
	"{name: s2, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}"
#define ALLOW_ALL "{name: all, action: Allow}"
/* only new flows from the spokes: replies pass because the NVA is stateful */
#define SPOKES_OUT "{name: out, action: Allow, source: 10.1.0.0/16}"

static struct round_trip rt;

static int vm(const char *name)
{
	int i = topo_find_vm(&topo, name);

	assert_true(i >= 0);
	return i;
}

static uint32_t ip(const char *s)
{
	uint32_t a;

	assert_true(ipv4_parse(s, &a));
	return a;
}

static void run_from(struct origin o, uint32_t src, const char *dst,
		     enum fw_proto proto, uint16_t port)
{
	struct flow f = { src, ip(dst), proto, port };

	round_trip(&eng, o, &f, &rt);
}

static void run(const char *from, const char *dst, enum fw_proto proto, uint16_t port)
{
	int v = vm(from);

	run_from((struct origin){ .index = v }, topo.vms[v].ip, dst, proto, port);
}

static void run_site(const char *dst, enum fw_proto proto, uint16_t port)
{
	run_from((struct origin){ .is_site = true, .index = 0 }, ip("192.168.1.10"), dst, proto, port);
}

static void assert_dropped(enum rt_reason reason, const char *nva)
{
	assert_false(rt.delivered);
	assert_int_equal(rt.reason, reason);
	if (nva)
		assert_int_equal(rt.nva, vm(nva));
}

/* Internet egress is source-NATed: the firewall translates Internet-bound flows to its address. */
static void test_source_nat_firewall_auto_to_internet(void **state)
{
	const struct rt_leg *q = &rt.request, *r = &rt.reply;

	load(HUB("Auto", BACK_VIA_FW, ALLOW_ALL));
	run("app1", "198.51.100.1", FW_TCP, 80);
	assert_true(rt.delivered);
	assert_int_equal(q->nseg, 2);
	assert_int_equal(q->seg[1].start, RT_SNAT);
	assert_int_equal(q->seg[1].nva, vm("fw"));
	assert_int_equal(q->seg[1].f.src, ip("10.0.1.4"));
	assert_int_equal(rt_leg_last(q)->to_kind, TO_INTERNET);
	/* the firewall's own public address: a documentation address not in use */
	assert_int_equal(q->public_ip, rt_public_ip(&topo, vm("fw")));
	assert_int_not_equal(q->public_ip, ip("198.51.100.1"));
	/* answered to fw, which reverses the translation and routes to app1 */
	assert_int_equal(r->nseg, 2);
	assert_int_equal(r->seg[0].start, RT_INTERNET);
	assert_int_equal(r->seg[0].nva, vm("fw"));
	assert_int_equal(r->seg[1].start, RT_UNNAT);
	assert_int_equal(r->seg[1].f.dst, topo.vms[vm("app1")].ip);
	assert_int_equal(rt_leg_last(r)->to, vm("app1"));
}

/* Auto keeps private destinations: spoke to spoke is not translated. */
static void test_source_nat_firewall_auto_keeps_private(void **state)
{
	load(HUB("Auto", BACK_VIA_FW, ALLOW_ALL));
	run("app1", "10.2.1.4", FW_TCP, 80);
	assert_true(rt.delivered);
	assert_int_equal(rt.request.nseg, 1);
	assert_int_equal(rt.reply.nseg, 1);
	assert_true(rt.reply.seg[0].tracked[0]);
}

/* Always: east-west too, so the reply comes back to the firewall. */
static void test_source_nat_firewall_always(void **state)
{
	load(HUB("Always", BACK_VIA_FW, ALLOW_ALL));
	run("app1", "10.2.1.4", FW_UDP, 53);
	assert_true(rt.delivered);
	assert_int_equal(rt.request.seg[1].f.src, ip("10.0.1.4"));
	assert_int_equal(rt.reply.seg[0].f.dst, ip("10.0.1.4"));
	assert_int_equal(rt.reply.seg[1].start, RT_UNNAT);
}

/* Never: the Internet does not answer an untranslated private source. */
static void test_source_nat_firewall_never(void **state)
{
	load(HUB("Never", BACK_VIA_FW, ALLOW_ALL));
	run("app1", "198.51.100.1", FW_ICMP, 0);
	assert_false(rt.request.delivered);
	assert_dropped(RT_NO_SNAT, NULL);
	assert_string_equal(rt_reason_name(&rt), "NoSourceNat");
	assert_int_equal(rt.reply.nseg, 0);
}

/* A VM reaching the Internet itself: its own public address, reply to it. */
static void test_source_nat_vm_direct_internet(void **state)
{
	load(HUB("Never", BACK_VIA_FW, ALLOW_ALL));
	run("direct", "198.51.100.1", FW_TCP, 443);
	assert_true(rt.delivered);
	assert_true(rt_vm_reaches_internet(&eng, vm("direct"), ip("198.51.100.1")));
	assert_false(rt_vm_reaches_internet(&eng, vm("app1"), ip("198.51.100.1")));
	assert_int_equal(rt.request.public_ip, rt_public_ip(&topo, vm("direct")));
	assert_int_equal(rt.reply.nseg, 1);
	assert_int_equal(rt.reply.seg[0].start, RT_INTERNET);
	assert_int_equal(rt.reply.seg[0].p.to, vm("direct"));
}

/* Public addresses: distinct per VM, never an Internet host's or a VNet's. */
static void test_source_nat_public_addresses(void **state)
{
	load(HUB("Auto", BACK_VIA_FW, ALLOW_ALL));
	for (int i = 0; i < topo.nvms; i++) {
		uint32_t a = rt_public_ip(&topo, i);

		assert_int_not_equal(a, 0);
		assert_int_not_equal(a, ip("198.51.100.1"));
		assert_false(rt_is_private(a));
		for (int j = 0; j < i; j++)
			assert_int_not_equal(a, rt_public_ip(&topo, j));
	}
	/* past TEST-NET-2 and -1, the benchmarking range; past that, none */
	assert_true(prefix_has((struct prefix){ ip("198.18.0.0"), 15 }, rt_public_ip(&topo, 600)));
	assert_int_equal(rt_public_ip(&topo, RT_PUBLIC_IPS), 0);
	assert_true(rt_is_private(ip("100.64.0.1")));
	assert_true(rt_is_private(ip("172.31.255.255")));
	assert_false(rt_is_private(ip("172.32.0.1")));
}

/* The gateway's address, as a dotted string for run(). */
static const char *gw_ip(void)
{
	static char buf[IPV4_STRLEN];

	return ipv4_str(topo.gateways[0].ip, buf);
}

/*
 * Gateway's own address: the gateway answers, and its answer is routed as
 * it routes: through the GatewaySubnet's routes into the VNet, where a
 * user route may hand it to a firewall NVA that never saw the request.
 */
static void test_gateway_answers_its_address(void **state)
{
	const struct rt_leg *r = &rt.reply;

	load(HUB("Auto", BACK_S2_ONLY, ALLOW_ALL));
	run("app1", gw_ip(), FW_ICMP, 0);
	assert_true(rt.delivered);
	assert_int_equal(rt_leg_last(&rt.request)->to_kind, TO_GATEWAY);
	assert_true(r->seg[0].from.is_gateway);
	assert_int_equal(r->seg[0].p.hops[0].kind, HOP_GATEWAY);
	assert_int_equal(rt_leg_last(r)->to_kind, TO_VM);
	assert_int_equal(rt_leg_last(r)->to, vm("app1"));
	/* spoke2's replies go through the firewall, which never saw the ping */
	run("app2", gw_ip(), FW_ICMP, 0);
	assert_dropped(RT_ASYMMETRIC, "fw");
	assert_true(rt.reply_failed);
	/* a BGP-like session from on-premises: answered straight back to the site */
	run_site(gw_ip(), FW_TCP, 179);
	assert_true(rt.delivered);
	assert_int_equal(rt_leg_last(r)->to_kind, TO_SITE);
	assert_int_equal(rt_reason_name(&rt), NULL);
}

/* Firewall NVAs are stateful: a stateful NVA passes the reply its rules alone would deny. */
static void test_stateful_nva_tracked_reply_passes(void **state)
{
	load(HUB("Auto", BACK_VIA_FW, SPOKES_OUT));
	run("app1", "10.2.1.4", FW_TCP, 22);
	assert_true(rt.delivered);
	assert_int_equal(rt.reply.nseg, 2);
	assert_int_equal(rt.reply.seg[1].start, RT_TRACKED);
	assert_int_equal(rt.reply.seg[1].nva, vm("fw"));
	/* a new flow the other way is denied */
	run("app2", "10.1.1.4", FW_TCP, 22);
	assert_false(rt.request.delivered);
	assert_int_equal(rt.reason, RT_ENGINE);
	assert_int_equal(rt.drop, DROP_FIREWALL);
}

/*
 * Firewall NVAs are stateful: on-premises to spoke1 enters straight from the gateway, the reply
 * goes through the firewall, which never saw the request.
 */
static void test_stateful_nva_asymmetric_reply(void **state)
{
	load(HUB("Auto", BACK_S2_ONLY, ALLOW_ALL));
	run_site("10.1.1.4", FW_TCP, 22);
	assert_true(rt.request.delivered);
	assert_false(rt.reply.delivered);
	assert_dropped(RT_ASYMMETRIC, "fw");
	assert_true(rt.reply_failed);
	assert_string_equal(rt_reason_name(&rt), "AsymmetricRouting");
	run_site("10.1.1.4", FW_ICMP, 0);	/* an echo reply without request */
	assert_dropped(RT_ASYMMETRIC, "fw");
	run_site("10.1.1.4", FW_UDP, 53);	/* UDP: a new flow to it, allowed */
	assert_true(rt.delivered);
	/* spoke2 is routed back through the firewall: symmetric */
	run_site("10.2.1.4", FW_TCP, 22);
	assert_true(rt.delivered);
}

/*
 * The other way: the request crosses the firewall, the reply bypasses it.
 * TCP dies (the NVA drops the rest of the handshake); a ping comes back.
 */
static void test_stateful_nva_asymmetric_request(void **state)
{
	load(HUB("Auto", BACK_S2_ONLY, ALLOW_ALL));
	run("app1", "192.168.1.10", FW_TCP, 443);
	assert_true(rt.request.delivered);
	assert_true(rt.reply.delivered);
	assert_dropped(RT_ASYMMETRIC, "fw");
	run("app1", "192.168.1.10", FW_ICMP, 0);
	assert_true(rt.delivered);
	run("app2", "192.168.1.10", FW_TCP, 443);
	assert_true(rt.delivered);
}

/* check's scan names the asymmetric flows, only in the broken topology. */
static void test_stateful_nva_scan(void **state)
{
	struct rt_finding f[2];
	bool partial;
	long n;

	load(HUB("Auto", BACK_VIA_FW, ALLOW_ALL));
	assert_int_equal(rt_scan_asymmetric(&eng, f, 2, 100000, &partial), 0);
	assert_false(partial);
	load(HUB("Auto", BACK_S2_ONLY, ALLOW_ALL));
	n = rt_scan_asymmetric(&eng, f, 2, 100000, &partial);
	assert_true(n >= 2);
	assert_int_equal(f[0].nva, vm("fw"));
	assert_int_equal(rt_scan_asymmetric(&eng, f, 2, 3, &partial), 0);
	assert_true(partial);
}

static void test_probes(void **state)
{
	struct rt_probe p[RT_MAX_PROBES];
	int n;

	load(HUB("Auto", BACK_VIA_FW,
		 "{name: a, action: Allow, protocol: Tcp, destinationPorts: \"443,8000-8080\"},"
		 "{name: b, action: Allow, protocol: Udp, destinationPorts: \"53\"}"));
	n = rt_probes(&topo, p);
	assert_int_equal(n, 4);
	assert_int_equal(p[0].proto, FW_ICMP);
	assert_int_equal(p[1].proto, FW_TCP);
	assert_int_equal(p[1].port, 443);
	assert_int_equal(p[2].port, 8000);
	assert_int_equal(p[3].proto, FW_UDP);
	assert_int_equal(p[3].port, 53);
	load(HUB("Auto", BACK_VIA_FW, ALLOW_ALL));
	n = rt_probes(&topo, p);
	assert_int_equal(n, 2);
	assert_int_equal(p[1].proto, FW_TCP);
	assert_int_equal(p[1].port, 80);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_source_nat_firewall_auto_to_internet, unload),
		cmocka_unit_test_teardown(test_source_nat_firewall_auto_keeps_private, unload),
		cmocka_unit_test_teardown(test_source_nat_firewall_always, unload),
		cmocka_unit_test_teardown(test_source_nat_firewall_never, unload),
		cmocka_unit_test_teardown(test_source_nat_vm_direct_internet, unload),
		cmocka_unit_test_teardown(test_source_nat_public_addresses, unload),
		cmocka_unit_test_teardown(test_gateway_answers_its_address, unload),
		cmocka_unit_test_teardown(test_stateful_nva_tracked_reply_passes, unload),
		cmocka_unit_test_teardown(test_stateful_nva_asymmetric_reply, unload),
		cmocka_unit_test_teardown(test_stateful_nva_asymmetric_request, unload),
		cmocka_unit_test_teardown(test_stateful_nva_scan, unload),
		cmocka_unit_test_teardown(test_probes, unload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
