// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP fabric under BPF_PROG_TEST_RUN, with maps filled by the real
 * compiler and loader: every next hop type and drop reason, ARP replies
 * byte by byte, malformed frames, and a differential test against the
 * route engine (the reference model) over the examples and a topology of
 * learned routes (a learned 0.0.0.0/0, a UDR equal to a learned prefix)
 * and identical unpeered VNets.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <linux/if_link.h>
#include <pthread.h>
#include <bpf/libbpf.h>

#include "fabric_harness.h"
#include "lib/l4.h"
#include "../lib/access_topo.h"
#include "../lib/gwset_topo.h"
#include "../lib/learned_topo.h"

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
"      - {name: app, addressPrefix: 10.1.1.0/24, routeTable: twin-rt}\n"
"  - name: echo\n"
"    addressSpace: [10.1.0.0/16]\n"
"    subnets:\n"
"      - {name: app, addressPrefix: 10.1.1.0/24, routeTable: twin-rt}\n"
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
"  - name: twin-rt\n"
"    routes:\n"
"      - {name: black, addressPrefix: 192.0.2.0/24, nextHopType: None}\n"
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
"  - {name: echovm, subnet: echo/app, ip: 10.1.1.4}\n"
"  - {name: echovm2, subnet: echo/app, ip: 10.1.1.5}\n"
"internet:\n"
"  hosts: [{name: web, ip: 203.0.113.10}]\n";

enum { NVA, LAZY, HUBVM, SPOKEVM, CLOSEDVM, TWINVM, ECHOVM, ECHOVM2, GW /* slots */ };

static __u32 ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return ntohl(a.s_addr);
}

static int setup_rules(void **state)
{
	int ret = lab_up(&rules, "rules", rules_yaml);

	if (ret) {
		fprintf(stderr, "rules lab: %s\n", strerror(-ret));
		lab_down(&rules);	/* cmocka skips the teardown of a failed setup */
	}
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

/* Each case through the program: its verdict, the NIC it goes to, the frame as it leaves. */
static void run_cases(struct lab *l, const struct fabric_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct fabric_case *c = &cases[i];
		int from = c->from == -1 ? l->internet : c->from;
		int to = c->to == -1 ? l->internet : c->to;
		struct pkt p = ipv4_frame(l->nics[from].mac, ip(c->src), ip(c->dst), IPPROTO_UDP);
		__u8 out[256];
		__u32 out_len = sizeof(out);
		struct outcome o = run_frame(l, from, p.b, p.len, out, &out_len);

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
		assert_memory_equal(out, l->nics[to].mac, ETH_ALEN);
		assert_memory_equal(out + 6, fabric_mac, ETH_ALEN);
		assert_memory_equal(out + 12, p.b + 12, p.len - 12);
	}
}

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
		{ "VNetPeering, access denied by the other side too (Peering access)", CLOSEDVM, "10.2.1.4", "10.0.2.4", XV_DROP_PEERING_ACCESS, -2 },
		{ "NVA's own traffic over a peering", NVA, "10.0.1.4", "10.1.1.4", XV_FWD, SPOKEVM },
		{ "NVA-forwarded traffic, not allowed", NVA, "192.168.1.10", "10.1.1.4", XV_DROP_FORWARDED, -2 },
		{ "NVA-forwarded traffic from inside the VNet", NVA, "10.0.2.4", "10.1.1.4", XV_FWD, SPOKEVM },
		{ "gateway-relayed traffic needs no allowForwardedTraffic (Gateway relays)", GW, "192.168.1.10", "10.1.1.4", XV_FWD, SPOKEVM },
		{ "foreign source without IP forwarding", SPOKEVM, "10.9.9.9", "10.0.2.4", XV_DROP_SRC_NOT_OWN, -2 },
		{ "to itself", SPOKEVM, "10.1.1.4", "10.1.1.4", XV_DROP_LOOP, -2 },
		/* twin and echo: unpeered, one address space, the same routes */
		{ "unpeered VNets reuse addresses", TWINVM, "10.1.1.4", "10.1.1.5", XV_DROP_NO_OWNER, -2 },
		{ "unpeered twin VNet: its own NIC, not the first VNet's", ECHOVM2, "10.1.1.5", "10.1.1.4", XV_FWD, ECHOVM },
		{ "unpeered twin VNet: a NIC only it has", ECHOVM, "10.1.1.4", "10.1.1.5", XV_FWD, ECHOVM2 },
		{ "Internet edge into a VNet", -1, "203.0.113.10", "10.0.2.4", XV_FWD, HUBVM },
		{ "Internet edge, nobody home", -1, "203.0.113.10", "10.0.9.9", XV_DROP_NO_OWNER, -2 },
		{ "Internet edge, shared space: first VNet declared", -1, "203.0.113.10", "10.1.1.4", XV_FWD, SPOKEVM },
		{ "Internet edge, outside every VNet", -1, "203.0.113.10", "8.8.4.4", XV_DROP_NONE_ROUTE, -2 },
	};

	run_cases(&rules, cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- ARP ------------------------------------------------------------ */

static void check_arp_reply(int from, __u32 spa, __u32 tpa)
{
	const __u8 *mac = rules.nics[from].mac;
	struct pkt req = arp_request(mac, spa, tpa), want;
	__u8 out[256];
	__u32 out_len = sizeof(out);
	struct outcome o = run_frame(&rules, from, req.b, req.len, out, &out_len);
	__u8 *a = want.b + ETH_HLEN;

	/* The reply, written out field by field. */
	memset(&want, 0, sizeof(want));
	eth_hdr(&want, mac, fabric_mac, ETH_P_ARP);
	put16(a, 1);			/* Ethernet */
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 2);		/* reply */
	memcpy(a + 8, fabric_mac, ETH_ALEN);
	put32(a + 14, tpa);
	memcpy(a + 18, mac, ETH_ALEN);
	put32(a + 24, spa);
	want.len = ETH_HLEN + 28;

	assert_int_equal(o.action, XDP_TX);
	assert_int_equal(o.verdict, XV_ARP_REPLY);
	assert_int_equal(o.out, from);
	assert_int_equal(out_len, want.len);
	assert_memory_equal(out, want.b, want.len);
}

static void test_arp_reply(void **state)
{
	check_arp_reply(HUBVM, ip("10.0.2.4"), ip("10.0.2.1"));	/* the subnet's gateway */
	check_arp_reply(HUBVM, ip("10.0.2.4"), ip("10.0.1.4"));	/* any address at all */
	check_arp_reply(rules.internet, ip("203.0.113.10"), ip("8.8.8.8"));
}

static void test_arp_refused(void **state)
{
	const __u8 *mac = rules.nics[HUBVM].mac;
	struct pkt probe = arp_request(mac, 0, ip("10.0.2.4"));
	struct pkt garp = arp_request(mac, ip("10.0.2.4"), ip("10.0.2.4"));
	struct pkt reply = arp_request(mac, ip("10.0.2.4"), ip("10.0.2.1"));
	struct pkt ipx = arp_request(mac, ip("10.0.2.4"), ip("10.0.2.1"));
	struct pkt *bad[] = { &probe, &garp, &reply, &ipx };

	reply.b[ETH_HLEN + 7] = 2;	/* op: reply */
	ipx.b[ETH_HLEN + 4] = 8;	/* hardware address length */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct outcome o = run_frame(&rules, HUBVM, bad[i]->b, bad[i]->len, NULL, NULL);

		assert_int_equal(o.action, XDP_DROP);
		assert_int_equal(o.verdict, XV_DROP_ARP);
		assert_int_equal(o.out, -1);
	}
}

/* ---- frames the fabric does not model --------------------------------- */

static void expect(const struct pkt *p, int verdict)
{
	struct outcome o = run_frame(&rules, HUBVM, p->b, p->len, NULL, NULL);

	assert_int_equal(o.verdict, verdict);
	assert_int_equal(o.action, verdict == XV_FWD ? XDP_REDIRECT :
				   verdict == XV_ARP_REPLY ? XDP_TX : XDP_DROP);
}

/*
 * Every length of a frame, cut short: what the fabric needs is missing
 * (SHORT) up to the headers it reads, then the IPv4 total length lies
 * (TRUNCATED). BPF_PROG_TEST_RUN refuses frames shorter than an Ethernet
 * header, as veth never delivers them.
 */
static void truncations(struct pkt full, int need, int cut_verdict, int whole_verdict)
{
	struct pkt p = full;

	for (p.len = 0; p.len < ETH_HLEN; p.len++)
		assert_int_equal(run_frame(&rules, HUBVM, p.b, p.len, NULL, NULL).action, -1);
	for (; p.len < full.len; p.len++)
		expect(&p, p.len < (__u32)need ? XV_DROP_SHORT : cut_verdict);
	expect(&p, whole_verdict);
	p.len += 14;	/* Ethernet padding after the datagram is fine */
	expect(&p, whole_verdict);
}

static struct pkt hub_to_nva(__u8 proto)
{
	return ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.0.1.4"), proto);
}

static void test_truncated(void **state)
{
	const __u8 *mac = rules.nics[HUBVM].mac;

	truncations(arp_request(mac, ip("10.0.2.4"), ip("10.0.2.1")), 42, XV_DROP_SHORT,
		    XV_ARP_REPLY);
	truncations(hub_to_nva(IPPROTO_ICMP), 34, XV_DROP_TRUNCATED, XV_FWD);
	truncations(hub_to_nva(IPPROTO_UDP), 34, XV_DROP_TRUNCATED, XV_FWD);
	truncations(hub_to_nva(IPPROTO_TCP), 34, XV_DROP_TRUNCATED, XV_FWD);
}

static void test_bad_ipv4(void **state)
{
	struct pkt p;

	for (int ihl = 0; ihl < 5; ihl++) {
		p = hub_to_nva(IPPROTO_UDP);
		p.b[ETH_HLEN] = 0x40 | ihl;
		expect(&p, XV_DROP_BAD_IPV4);
	}
	p = hub_to_nva(IPPROTO_UDP);
	p.b[ETH_HLEN] = 0x65;		/* version 6 under the IPv4 ethertype */
	expect(&p, XV_DROP_BAD_IPV4);
	p = hub_to_nva(IPPROTO_UDP);
	put16(p.b + ETH_HLEN + 2, 19);	/* total length shorter than the header */
	expect(&p, XV_DROP_BAD_IPV4);
	p = hub_to_nva(IPPROTO_UDP);
	p.b[ETH_HLEN] = 0x4f;		/* 60-byte header, longer than the datagram */
	expect(&p, XV_DROP_BAD_IPV4);
}

/* Options and fragments: routing reads only addresses, so they are forwarded as is. */
static void test_options_and_fragments(void **state)
{
	struct pkt base = hub_to_nva(IPPROTO_UDP), p = base;
	__u8 out[256];
	__u32 out_len = sizeof(out);
	struct outcome o;

	/* Four NOP option bytes after the fixed header. */
	memmove(p.b + ETH_HLEN + 24, p.b + ETH_HLEN + 20, base.len - ETH_HLEN - 20);
	memset(p.b + ETH_HLEN + 20, 1, 4);
	p.b[ETH_HLEN] = 0x46;
	put16(p.b + ETH_HLEN + 2, base.len - ETH_HLEN + 4);
	p.len = base.len + 4;
	o = run_frame(&rules, HUBVM, p.b, p.len, out, &out_len);
	assert_int_equal(o.verdict, XV_FWD);
	assert_int_equal(o.out, NVA);
	assert_int_equal(out_len, p.len);
	assert_memory_equal(out + 12, p.b + 12, p.len - 12);

	p = base;
	put16(p.b + ETH_HLEN + 6, 0x2000);	/* first fragment: more fragments */
	expect(&p, XV_FWD);
	put16(p.b + ETH_HLEN + 6, 185);		/* a later fragment, no L4 header */
	expect(&p, XV_FWD);
}

static void test_unmodelled_ethertypes(void **state)
{
	struct pkt p = hub_to_nva(IPPROTO_UDP), tagged = p;
	static const __u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	/* 802.1Q and 802.1ad: a tag, then the IPv4 frame. */
	memmove(tagged.b + 16, tagged.b + 12, p.len - 12);
	put16(tagged.b + 12, ETH_P_8021Q);
	put16(tagged.b + 14, 100);
	tagged.len += 4;
	expect(&tagged, XV_DROP_VLAN);
	put16(tagged.b + 12, ETH_P_8021AD);
	expect(&tagged, XV_DROP_VLAN);

	put16(p.b + 12, ETH_P_IPV6);
	p.b[ETH_HLEN] = 0x60;
	expect(&p, XV_DROP_IPV6);
	put16(p.b + 12, ETH_P_LLDP);
	expect(&p, XV_DROP_ETHERTYPE);

	p = hub_to_nva(IPPROTO_UDP);
	memcpy(p.b, bcast, ETH_ALEN);	/* IPv4 not addressed to the fabric */
	expect(&p, XV_DROP_L2_DST);
}

/* A frame from an interface that is no NIC is counted in the last slot. */
static void test_not_a_nic(void **state)
{
	struct pkt p = hub_to_nva(IPPROTO_UDP);
	struct outcome o;

	assert_int_equal(run_cmd("ip link add xfstray type veth peer name xfstray2"), 0);
	o = run_frame_on(&rules, (int)if_nametoindex("xfstray"), rules.n, p.b, p.len,
			 NULL, NULL);
	run_cmd("ip link del xfstray");
	assert_int_equal(o.action, XDP_DROP);
	assert_int_equal(o.verdict, XV_DROP_NOT_NIC);
	assert_int_equal(o.out, -1);
}

/* ---- trace ------------------------------------------------------------ */

static int on_event(void *ctx, void *data, size_t len)
{
	struct xv_event *got = ctx;

	if (len == sizeof(*got))
		*got = *(struct xv_event *)data;
	return 0;
}

static void test_trace(void **state)
{
	struct pkt p = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"), IPPROTO_ICMP);
	struct ring_buffer *rb;
	struct xv_event ev;
	__u32 key = XV_CFG_TRACE, on = 1, off = 0;

	p.b[ETH_HLEN + 21] = 0;			/* code 0 */
	put16(p.b + ETH_HLEN + 24, 0x4242);	/* echo id */
	memset(&ev, 0xee, sizeof(ev));
	rb = ring_buffer__new(rules.events, on_event, &ev, NULL);
	assert_non_null(rb);
	ring_buffer__consume(rb);
	assert_int_equal(bpf_map_update_elem(rules.config, &key, &on, BPF_ANY), 0);
	run_frame(&rules, HUBVM, p.b, p.len, NULL, NULL);
	assert_int_equal(bpf_map_update_elem(rules.config, &key, &off, BPF_ANY), 0);
	assert_int_equal(ring_buffer__consume(rb), 1);
	assert_int_equal(ev.in, HUBVM);
	assert_int_equal(ev.out, NVA);
	assert_int_equal(ev.verdict, XV_FWD);
	assert_int_equal(ev.proto, IPPROTO_ICMP);
	assert_int_equal(ev.src, htonl(ip("10.0.2.4")));
	assert_int_equal(ev.dst, htonl(ip("10.1.1.4")));
	assert_int_not_equal(ev.route_id, XV_NONE);
	/* an echo request: its id, type 8 code 0 */
	assert_int_equal(ev.sport, 0x4242);
	assert_int_equal(ev.dport, XV_ICMP_ECHO << 8);

	/* Disabled: nothing is emitted. */
	run_frame(&rules, HUBVM, p.b, p.len, NULL, NULL);
	assert_int_equal(ring_buffer__consume(rb), 0);
	ring_buffer__free(rb);
}

/* Four NOP option bytes after p's fixed IPv4 header. */
static void with_options(struct pkt *p)
{
	memmove(p->b + ETH_HLEN + 24, p->b + ETH_HLEN + 20, p->len - ETH_HLEN - 20);
	memset(p->b + ETH_HLEN + 20, 1, 4);
	p->b[ETH_HLEN] = 0x46;
	put16(p->b + ETH_HLEN + 2, p->len - ETH_HLEN + 4);
	p->len += 4;
}

/* A traced frame's L4 identity: ports, past IPv4 options; none for a later fragment. */
static void test_trace_ports(void **state)
{
	static const __u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	__u32 key = XV_CFG_TRACE, on = 1, off = 0;
	struct ring_buffer *rb;
	struct xv_event ev;

	rb = ring_buffer__new(rules.events, on_event, &ev, NULL);
	assert_non_null(rb);
	ring_buffer__consume(rb);
	assert_int_equal(bpf_map_update_elem(rules.config, &key, &on, BPF_ANY), 0);
	for (int i = 0; i < 2; i++) {
		struct pkt p = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"),
					  protos[i]);

		put16(p.b + ETH_HLEN + 20, 40000 + i);
		put16(p.b + ETH_HLEN + 22, 443);
		if (i)
			with_options(&p);
		run_frame(&rules, HUBVM, p.b, p.len, NULL, NULL);
		assert_int_equal(ring_buffer__consume(rb), 1);
		assert_int_equal(ev.proto, protos[i]);
		assert_int_equal(ev.sport, 40000 + i);
		assert_int_equal(ev.dport, 443);
	}
	/* the same UDP datagram as a later fragment: no ports in it */
	{
		struct pkt p = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"),
					  IPPROTO_UDP);

		put16(p.b + ETH_HLEN + 6, 0x0010);
		run_frame(&rules, HUBVM, p.b, p.len, NULL, NULL);
		assert_int_equal(ring_buffer__consume(rb), 1);
		assert_int_equal(ev.sport, 0);
		assert_int_equal(ev.dport, 0);
	}
	assert_int_equal(bpf_map_update_elem(rules.config, &key, &off, BPF_ANY), 0);
	ring_buffer__free(rb);
}

/* ---- xvnet stats -------------------------------------------------------- */

/* The string at path ("nic.vm": a member of a member) of row, "" when none. */
static const char *field(json_t *row, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');

	if (!dot)
		return json_string_value(json_object_get(row, path)) ?: "";
	snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
	return field(json_object_get(row, key), dot + 1);
}

static json_t *find_row(json_t *rows, const char *key, const char *val, const char *key2,
			const char *val2)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row)
		if (!strcmp(field(row, key), val) && (!key2 || !strcmp(field(row, key2), val2)))
			return row;
	return NULL;
}

/* `xvnet stats -j` reads back exactly what the fabric counted, by name. */
static void test_stats_cli(void **state)
{
	struct pkt fwd = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"), IPPROTO_UDP);
	struct pkt lost = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.0.2.99"), IPPROTO_UDP);
	char file[] = "/tmp/xvnet-rules-XXXXXX", cmd[512];
	int fd = mkstemp(file);
	json_t *doc, *row;
	json_error_t jerr;
	FILE *out;

	if (access("./xvnet", X_OK))
		skip();
	assert_true(fd >= 0 && write(fd, rules_yaml, strlen(rules_yaml)) == (ssize_t)strlen(rules_yaml));
	close(fd);
	for (int i = 0; i < 3; i++)
		run_frame(&rules, HUBVM, fwd.b, fwd.len, NULL, NULL);
	run_frame(&rules, HUBVM, lost.b, lost.len, NULL, NULL);
	snapshot(&rules, rules.after);

	snprintf(cmd, sizeof(cmd), "./xvnet stats -j -t %s --lab %s", file, strrchr(rules.pin, '/') + 1);
	out = popen(cmd, "r");
	doc = json_loadf(out, 0, &jerr);
	pclose(out);
	unlink(file);
	assert_non_null(doc);

	row = find_row(json_object_get(doc, "nics"), "nic.vm", "hubvm", "nic.subnet", "app");
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "rx")),
			 stat_sum(&rules, rules.after, HUBVM, offsetof(struct xv_nic_stats, rx)));
	row = find_row(json_object_get(doc, "nics"), "nic.vm", "nva", "nic.vnet", "hub");
	assert_int_equal(json_integer_value(json_object_get(row, "tx")),
			 stat_sum(&rules, rules.after, NVA, offsetof(struct xv_nic_stats, tx)));
	row = find_row(json_object_get(doc, "drops"), "nic.vm", "hubvm",
		       "reason", "NoNicOwnsAddress");
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "frames")),
			 stat_sum(&rules, rules.after, HUBVM, offsetof(struct xv_nic_stats, verdict) +
				  XV_DROP_NO_OWNER * sizeof(__u64)));
	row = find_row(json_object_get(doc, "routes"), "table", "hub/app",
		       "route.addressPrefix", "10.1.1.0/24");
	assert_non_null(row);
	assert_string_equal(field(row, "route.source"), "User");
	assert_string_equal(field(row, "route.nextHopType"), "VirtualAppliance");
	assert_string_equal(field(row, "route.nextHopIpAddress"), "10.0.1.4");
	assert_true(json_integer_value(json_object_get(row, "hits")) >= 3);
	json_decref(doc);
}

/* Every route hit counter of the current generation, summed over CPUs. */
static __u64 all_hits(void)
{
	struct fabric_view v;
	__u64 sum = 0, n;

	assert_int_equal(fabric_view_open(rules.pin, &v), 0);
	for (__u32 i = 0; !fabric_read_hits(&v, i, &n); i++)
		sum += n;
	fabric_view_close(&v);
	return sum;
}

/* A forwarded frame counts one route hit, on whichever CPU it ran. */
static void test_route_hits_every_cpu(void **state)
{
	struct pkt fwd = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"), IPPROTO_UDP);
	int ncpus = libbpf_num_possible_cpus(), sent = 0;
	cpu_set_t was, one;
	__u64 before = all_hits();

	assert_int_equal(sched_getaffinity(0, sizeof(was), &was), 0);
	for (int c = 0; c < ncpus && c < 4; c++) {
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;
		/* A different number on each CPU: a sum of one CPU's would not pass. */
		for (int i = 0; i < 3 + 2 * c; i++, sent++)
			assert_int_equal(run_frame(&rules, HUBVM, fwd.b, fwd.len, NULL, NULL).out, NVA);
	}
	sched_setaffinity(0, sizeof(was), &was);
	assert_true(sent > 0);
	assert_int_equal(all_hits() - before, sent);
}

/* `xvnet trace` switches tracing on, prints each decision, switches it off. */
static void test_trace_cli(void **state)
{
	struct pkt p = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"), IPPROTO_UDP);
	struct pkt lost = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.0.2.99"), IPPROTO_UDP);
	char file[] = "/tmp/xvnet-rules-XXXXXX", cmd[512], line[2][256];
	__u32 key = XV_CFG_TRACE, on = 0;
	int fd = mkstemp(file);
	FILE *out;

	if (access("./xvnet", X_OK))
		skip();
	assert_true(fd >= 0 && write(fd, rules_yaml, strlen(rules_yaml)) == (ssize_t)strlen(rules_yaml));
	close(fd);
	snprintf(cmd, sizeof(cmd), "./xvnet trace -c 2 -t %s --lab %s", file, strrchr(rules.pin, '/') + 1);
	out = popen(cmd, "r");
	for (int i = 0; i < 500 && !on; i++) {	/* up to 5 s for it to start */
		usleep(10000);
		bpf_map_lookup_elem(rules.config, &key, &on);
	}
	assert_int_equal(on, 1);
	run_frame(&rules, HUBVM, p.b, p.len, NULL, NULL);
	run_frame(&rules, HUBVM, lost.b, lost.len, NULL, NULL);
	assert_non_null(fgets(line[0], sizeof(line[0]), out));
	assert_non_null(fgets(line[1], sizeof(line[1]), out));
	assert_int_equal(pclose(out), 0);
	unlink(file);
	/* ipv4_frame()'s filler bytes are the ports: 264, 3862 */
	assert_string_equal(line[0], "10.0.2.4:264 > 10.1.1.4:3862 udp  from hubvm (hub/app)  "
			    "route 10.1.1.0/24 User VirtualAppliance 10.0.1.4  -> nva (hub/nva)\n");
	assert_string_equal(line[1], "10.0.2.4:264 > 10.0.2.99:3862 udp  from hubvm (hub/app)  "
			    "route 10.0.0.0/16 Default VnetLocal  -> drop NoNicOwnsAddress\n");
	assert_int_equal(bpf_map_lookup_elem(rules.config, &key, &on), 0);
	assert_int_equal(on, 0);
}

/* ---- generation swap under load ------------------------------------- */

/*
 * Variant B of the rules lab: the NVA loses IP forwarding and the UDR that
 * sends 10.1.1.0/24 to it. hubvm -> 10.1.1.4 then goes straight over the
 * peering to spokevm. A frame that saw A's tables with B's NIC records
 * would be dropped (the NVA no longer forwards): that is what a mix of
 * generations looks like.
 */
static char *variant_b(void)
{
	const char *fwd = strstr(rules_yaml, "enableIpForwarding: true");
	const char *udr = strstr(rules_yaml, "      - {name: via-nva");
	char *y;

	/* Everything up to the UDR, after it up to the flag, then the rest. */
	if (asprintf(&y, "%.*s%.*senableIpForwarding: false%s",
		     (int)(udr - rules_yaml), rules_yaml,
		     (int)(fwd - strchr(udr, '\n') - 1), strchr(udr, '\n') + 1,
		     fwd + strlen("enableIpForwarding: true")) < 0)
		return NULL;
	return y;
}

struct load {
	volatile bool stop;
	long frames, as_a, as_b, wrong;
};

static void *send_loop(void *arg)
{
	struct load *ld = arg;
	struct pkt p = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"), IPPROTO_UDP);
	struct xdp_md ctx = { .data_end = p.len, .ingress_ifindex = rules.nics[HUBVM].ifindex };
	__u8 out[256];

	while (!ld->stop) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p.b, .data_size_in = p.len,
			    .data_out = out, .data_size_out = sizeof(out),
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

		if (bpf_prog_test_run_opts(rules.prog, &opts) || opts.retval != XDP_REDIRECT)
			ld->wrong++;
		else if (!memcmp(out, rules.nics[NVA].mac, ETH_ALEN))
			ld->as_a++;
		else if (!memcmp(out, rules.nics[SPOKEVM].mac, ETH_ALEN))
			ld->as_b++;
		else
			ld->wrong++;
		ld->frames++;
	}
	return NULL;
}

/*
 * A frame of an older generation, still in flight after an apply, is named
 * as that generation had it: trace reads each generation's names table.
 * The old program is kept and run directly after the swap, as a frame
 * tail-called into it just before would run.
 */
static void test_trace_names_each_generation(void **state)
{
	struct pkt p = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"), IPPROTO_UDP);
	struct xdp_md ctx = { .data_end = p.len, .ingress_ifindex = rules.nics[HUBVM].ifindex };
	char *yaml_b = variant_b(), cmd[512], line[2][256], err[256], scratch[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = p.b, .data_size_in = p.len,
		    .data_out = scratch, .data_size_out = sizeof(scratch),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	const char *lab = strrchr(rules.pin, '/') + 1;
	__u32 key = XV_CFG_TRACE, on = 0, zero = 0, id, gen;
	struct topology tb = { 0 };
	struct engine eb = { 0 };
	struct diags d = { 0 };
	struct fabric_names names;
	struct fabric_image img;
	int gens, old;
	FILE *out;

	if (access("./xvnet", X_OK))
		skip();
	snprintf(cmd, sizeof(cmd), "%s/gens", rules.pin);
	gens = bpf_obj_get(cmd);
	assert_true(gens >= 0);
	assert_int_equal(bpf_map_lookup_elem(gens, &zero, &id), 0);
	old = bpf_prog_get_fd_by_id(id);
	assert_true(old >= 0);

	snprintf(cmd, sizeof(cmd), "./xvnet trace -c 2 --lab %s", lab);
	out = popen(cmd, "r");
	for (int i = 0; i < 500 && !on; i++) {	/* up to 5 s for it to start */
		usleep(10000);
		bpf_map_lookup_elem(rules.config, &key, &on);
	}
	assert_int_equal(on, 1);

	/* Variant B made current, with its names, as apply does. */
	assert_int_equal(topo_parse("rules-b", yaml_b, strlen(yaml_b), &tb, &d), 0);
	engine_build(&eb, &tb);
	assert_int_equal(fabric_compile(&tb, &eb, rules.nics, rules.n, &img, err, sizeof(err)), 0);
	assert_int_equal(fabric_apply(&img, rules.nics, rules.n, rules.pin, &gen), 0);
	fabric_names_build(&tb, &eb, &img, &names);
	assert_int_equal(state_write_names(lab, gen, &names), 0);

	run_frame(&rules, HUBVM, p.b, p.len, NULL, NULL);	/* the new generation */
	assert_int_equal(bpf_prog_test_run_opts(old, &opts), 0);	/* the old one */
	assert_non_null(fgets(line[0], sizeof(line[0]), out));
	assert_non_null(fgets(line[1], sizeof(line[1]), out));
	assert_int_equal(pclose(out), 0);
	assert_non_null(strstr(line[0], "route 10.1.0.0/16 Default VNetPeering  -> spokevm (spoke/app)"));
	assert_string_equal(line[1], "10.0.2.4:264 > 10.1.1.4:3862 udp  from hubvm (hub/app)  "
			    "route 10.1.1.0/24 User VirtualAppliance 10.0.1.4  -> nva (hub/nva)\n");

	/* Back to the rules lab's own tables. */
	assert_int_equal(fabric_put(&rules.t, &rules.e, rules.nics, rules.n, rules.pin, true), 0);
	close(old);
	close(gens);
	fabric_names_free(&names);
	fabric_image_free(&img);
	engine_free(&eb);
	topo_free(&tb);
	free(yaml_b);
}

static void test_swap_under_load(void **state)
{
	char *yaml_b = variant_b();
	struct topology tb = { 0 };
	struct engine eb = { 0 };
	struct diags d = { 0 };
	struct load ld = { 0 };
	struct pkt probe = ipv4_frame(rules.nics[HUBVM].mac, ip("10.0.2.4"), ip("10.1.1.4"),
				      IPPROTO_UDP);
	struct fabric_image img_a, img_b;
	struct fabric_nic *swapped;
	char err[256];
	pthread_t th;
	int ret = 0;

	assert_int_equal(topo_parse("rules-b", yaml_b, strlen(yaml_b), &tb, &d), 0);
	engine_build(&eb, &tb);
	assert_int_equal(fabric_compile(&rules.t, &rules.e, rules.nics, rules.n, &img_a, err,
					sizeof(err)), 0);
	assert_int_equal(fabric_compile(&tb, &eb, rules.nics, rules.n, &img_b, err, sizeof(err)), 0);
	assert_int_equal(pthread_create(&th, NULL, send_loop, &ld), 0);
	for (int i = 0; i < 100 && !ret; i++)
		ret = fabric_apply(i % 2 ? &img_a : &img_b, rules.nics, rules.n, rules.pin, NULL);
	ld.stop = true;
	pthread_join(th, NULL);
	print_message("%ld frames during 100 swaps: %ld as A, %ld as B, %ld otherwise\n",
		      ld.frames, ld.as_a, ld.as_b, ld.wrong);
	assert_int_equal(ret, 0);
	assert_int_equal(ld.wrong, 0);
	assert_true(ld.as_a > 0 && ld.as_b > 0);

	/* A refused apply (the NICs changed) leaves generation A in force. */
	swapped = malloc(rules.n * sizeof(*swapped));
	memcpy(swapped, rules.nics, rules.n * sizeof(*swapped));
	swapped[0].ifindex = rules.nics[1].ifindex;
	swapped[1].ifindex = rules.nics[0].ifindex;
	assert_int_equal(fabric_apply(&img_b, swapped, rules.n, rules.pin, NULL), -EINVAL);
	free(swapped);
	fabric_image_free(&img_a);
	fabric_image_free(&img_b);
	assert_int_equal(run_frame(&rules, HUBVM, probe.b, probe.len, NULL, NULL).out, NVA);
	engine_free(&eb);
	topo_free(&tb);
	free(yaml_b);
}

/* ---- differential test against the route engine ------------------------- */

static int map_drop(enum drop_reason r, bool sending)
{
	switch (r) {
	case DROP_NONE_ROUTE: return XV_DROP_NONE_ROUTE;
	case DROP_NO_OWNER: return XV_DROP_NO_OWNER;
	case DROP_NO_IP_FORWARDING: return sending ? XV_DROP_SRC_NOT_OWN : XV_DROP_DST_NOT_OWN;
	case DROP_PEERING_ACCESS: return XV_DROP_PEERING_ACCESS;
	case DROP_FORWARDED_TRAFFIC: return XV_DROP_FORWARDED;
	case DROP_NVA_UNREACHABLE: return XV_DROP_NVA_UNREACHABLE;
	case DROP_NO_GATEWAY_ROUTE: return XV_DROP_NO_GATEWAY;
	default: return -1;
	}
}

/*
 * What the fabric must do with the frame the engine's hop k describes, sent
 * by NIC slot sender: the verdict, and in *to the slot it goes to.
 */
static int engine_verdict(const struct lab *l, const struct path *p, int k, int sender,
			  int *to)
{
	const struct hop *h;
	bool last = p->nhops == k + 1;

	*to = -1;
	if (p->nhops <= k)	/* refused before routing: the sender's source check */
		return map_drop(p->drop, true);
	h = &p->hops[k];
	/* A firewall or a loop stops the packet after the fabric delivered it. */
	if (p->result == PATH_DROPPED && last && p->drop != DROP_FIREWALL &&
	    p->drop != DROP_LOOP)
		return map_drop(p->drop, false);
	if (h->vm >= 0)
		*to = vm_slot(l, h->vm);
	else if (h->route.type == NH_GATEWAY && h->route.gateway >= 0)
		*to = gw_slot(l, h->route.gateway);
	else if (h->route.type == NH_INTERNET)
		*to = l->internet;
	else if (last && p->result == PATH_DELIVERED && p->to_kind == TO_GATEWAY)
		*to = gw_slot(l, p->to);
	if (*to == sender) {
		*to = -1;
		return XV_DROP_LOOP;
	}
	return *to >= 0 ? XV_FWD : -1;
}

/* Addresses worth sending to: NICs, VNet, site and Internet ranges, anything. */
static __u32 random_addr(const struct topology *t)
{
	const struct prefix *space;
	int n;

	switch (rand() % 7) {
	case 0:
		if (t->nvms)
			return t->vms[rand() % t->nvms].ip;
		/* fall through */
	case 1:
		if (t->ngateways)
			return t->gateways[rand() % t->ngateways].ip;
		/* fall through */
	case 2:
		if (t->ninternet_hosts)
			return t->internet_hosts[rand() % t->ninternet_hosts].ip;
		/* fall through */
	case 3: {
		const struct vnet *v = &t->vnets[rand() % t->nvnets];

		space = v->space;
		n = v->nspace;
		break;
	}
	case 4:
		if (t->nsites) {
			const struct site *s = &t->sites[rand() % t->nsites];

			space = s->space;
			n = s->nspace;
			break;
		}
		/* fall through */
	default:
		return (__u32)rand() << 1 ^ (__u32)rand();
	}
	if (!n)
		return (__u32)rand();
	{
		struct prefix p = space[rand() % n];

		return p.addr | ((__u32)rand() & ~prefix_mask(p.len));
	}
}

static void check_frame(struct lab *l, int sender, const struct path *p, int k,
			const struct flow *f, int *checked)
{
	int to, want = engine_verdict(l, p, k, sender, &to);
	struct pkt frame = ipv4_frame(l->nics[sender].mac, f->src, f->dst, IPPROTO_UDP);
	struct outcome o = run_frame(l, sender, frame.b, frame.len, NULL, NULL);
	char src[IPV4_STRLEN], dst[IPV4_STRLEN];

	if (o.verdict != want || o.out != to)
		fail_msg("%s: NIC %d sends %s > %s: fabric verdict %d to %d, engine %d to %d",
			 l->t.file ? l->t.file : "?", sender, ipv4_str(f->src, src),
			 ipv4_str(f->dst, dst), o.verdict, o.out, want, to);
	(*checked)++;
}

static struct lab ex;

static int teardown_example(void **state)
{
	lab_down(&ex);
	return 0;
}

/* Frames from every VM and gateway of lab l, checked against engine_path(). */
static void differential_lab(struct lab *l, const char *name, int frames)
{
	int checked = 0;

	srand(42);
	/* VMs: mostly their own source, sometimes a foreign one. */
	for (int vm = 0; vm < l->t.nvms; vm++) {
		for (int i = 0; i < frames; i++) {
			struct flow f = { l->t.vms[vm].ip, random_addr(&l->t), FW_UDP, 53 };
			struct path p;

			if (rand() % 5 == 0)
				f.src = random_addr(&l->t);
			engine_path(&l->e, (struct origin){ .index = vm }, &f, &p);
			check_frame(l, vm_slot(l, vm), &p, 0, &f, &checked);
		}
	}
	/* Gateways: what a site host sends, from the hop into the GatewaySubnet. */
	for (int s = 0; s < l->t.nsites; s++) {
		for (int i = 0; i < frames; i++) {
			const struct site *site = &l->t.sites[s];
			struct flow f = { site->nhosts ? site->hosts[0].ip : random_addr(&l->t),
					  random_addr(&l->t), FW_UDP, 53 };
			struct path p;

			engine_path(&l->e, (struct origin){ .is_site = true, .index = s }, &f, &p);
			for (int k = 1; k < p.nhops; k++) {
				if (p.hops[k].kind != HOP_SUBNET || p.hops[k - 1].kind != HOP_GATEWAY)
					continue;
				check_frame(l, gw_slot(l, p.hops[k - 1].where), &p, k, &f, &checked);
				break;
			}
		}
	}
	print_message("%s: %d frames agree with the engine\n", name, checked);
	assert_true(checked >= frames * l->t.nvms);
}

static void differential(const char *file, int frames)
{
	int ret = lab_up_file(&ex, file);

	if (ret)
		fail_msg("%s: %s", file, strerror(-ret));
	differential_lab(&ex, file, frames);
}

static void test_differential_hub_spoke(void **state)
{
	differential("examples/hub-spoke.yaml", 3000);
}

/* 200 VMs, half of them in subnets sharing a table (docs/dataplane.md). */
static void test_differential_scale(void **state)
{
	differential("examples/scale-100.yaml", 60);
}

static void test_differential_two_hubs(void **state)
{
	differential("examples/two-hubs-er.yaml", 3000);
}

static void learned_up(struct lab *l)
{
	int ret = lab_up(l, "learned", LEARNED_YAML);

	if (ret)
		fail_msg("learned: %s", strerror(-ret));
}

/* tests/lib/learned_topo.h through the program. */
static void test_learned_routes(void **state)
{
	enum { L_NVA, L_APP, L_PLAIN, L_SPOKEVM, L_AVM, L_BVM, L_BVM2, L_GW };
	static const struct fabric_case cases[] = {
		{ "a UDR equal to a learned route wins the tie", L_APP, "10.0.2.4", "172.17.0.1", XV_FWD, L_NVA },
		{ "a learned route longer than the UDR wins", L_APP, "10.0.2.4", "172.16.5.1", XV_FWD, L_GW },
		{ "learned 0.0.0.0/0, no table route", L_APP, "10.0.2.4", "8.8.8.8", XV_FWD, L_GW },
		{ "learned 0.0.0.0/0, no route table", L_PLAIN, "10.0.3.4", "8.8.8.8", XV_FWD, L_GW },
		{ "learned 0.0.0.0/0 over a peering (remote gateway)", L_SPOKEVM, "10.1.1.4", "8.8.8.8", XV_FWD, L_GW },
		{ "the learned route without a UDR", L_PLAIN, "10.0.3.4", "172.17.0.1", XV_FWD, L_GW },
		{ "the VNet beats a learned 0.0.0.0/0", L_PLAIN, "10.0.3.4", "10.0.2.4", XV_FWD, L_APP },
		{ "unpeered twin VNet: its own NIC", L_BVM2, "10.2.1.5", "10.2.1.4", XV_FWD, L_BVM },
		{ "unpeered twin VNet: never the other's", L_AVM, "10.2.1.4", "10.2.1.5", XV_DROP_NO_OWNER, -2 },
	};

	learned_up(&ex);
	run_cases(&ex, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_differential_learned(void **state)
{
	learned_up(&ex);
	differential_lab(&ex, "learned", 3000);
}

/*
 * Coexisting gateways, ExpressRoute beats VPN, VPN BGP transit: coexisting
 * ExpressRoute and VPN gateways.
 */
static void test_differential_hybrid(void **state)
{
	differential("examples/hub-er-vpn.yaml", 3000);
}

/*
 * Peering access: a peering closed by either side carries nothing through gateway
 * transit (spoke1's own flag, the hub's to spoke2) nor to or from an NVA.
 */
static const char access_yaml[] = ACCESS_YAML;

static void test_peering_access_closed(void **state)
{
	enum { A_FW, A_S1, A_S2, A_S3, A_GW };
	static const struct fabric_case cases[] = {
		{ "spoke's own flag: not to the hub gateway", A_S1, "10.1.1.4", "192.168.1.10", XV_DROP_PEERING_ACCESS, -2 },
		{ "hub's flag: not to the hub gateway either", A_S2, "10.2.1.4", "192.168.1.10", XV_DROP_PEERING_ACCESS, -2 },
		{ "not from the gateway into spoke1", A_GW, "192.168.1.10", "10.1.1.4", XV_DROP_PEERING_ACCESS, -2 },
		{ "not from the gateway into spoke2", A_GW, "192.168.1.10", "10.2.1.4", XV_DROP_PEERING_ACCESS, -2 },
		{ "not to the NVA over the peering", A_S3, "10.3.1.4", "203.0.113.1", XV_DROP_PEERING_ACCESS, -2 },
		{ "not from the NVA over the peering", A_FW, "10.0.1.4", "10.3.1.4", XV_DROP_PEERING_ACCESS, -2 },
		{ "the hub's own traffic to the gateway", A_FW, "10.0.1.4", "192.168.1.10", XV_FWD, A_GW },
	};
	int ret = lab_up(&ex, "access", access_yaml);

	if (ret)
		fail_msg("access: %s", strerror(-ret));
	run_cases(&ex, cases, sizeof(cases) / sizeof(cases[0]));
	differential_lab(&ex, "access", 3000);
}

/*
 * The gateway set of tests/lib/gwset_topo.h, every layout of it, through
 * the program: each frame's trace names the learned route the engine
 * gives (by its length), or none, and goes to the gateway with it.
 */
static void test_gateway_set(void **state)
{
	struct lab *l = &ex;
	char *yaml = gwset_yaml(11), buf[IPV4_STRLEN];
	int ret = lab_up(l, "gwpack", yaml), vm, n, checked = 0;
	const struct gw_routes *gw;
	unsigned int seed = 3, *addrs;
	__u32 key = XV_CFG_TRACE, on = 1;
	struct ring_buffer *rb;
	struct xv_event ev;
	int *lens;

	free(yaml);
	if (ret)
		fail_msg("gwpack: %s", strerror(-ret));
	gw = &l->e.gw[0];
	n = gw->n;
	addrs = calloc(n, sizeof(*addrs));
	lens = calloc(n, sizeof(*lens));
	assert_true(addrs && lens);
	for (int i = 0; i < n; i++) {
		addrs[i] = gw->routes[i].prefix.addr;
		lens[i] = gw->routes[i].prefix.len;
	}
	vm = vm_slot(l, 0);
	rb = ring_buffer__new(l->events, on_event, &ev, NULL);
	assert_non_null(rb);
	assert_int_equal(bpf_map_update_elem(l->config, &key, &on, BPF_ANY), 0);
	for (int i = 0; i < 20000; i++) {
		__u32 dst = gwset_dst(addrs, lens, n, &seed);
		struct pkt p = ipv4_frame(l->nics[vm].mac, ip(GWSET_VM_IP), dst, IPPROTO_UDP);
		struct eff_route tmp;
		const struct eff_route *want = engine_lookup(&l->e, l->t.vms[0].subnet, dst, &tmp);
		bool learned = want && want->source == SRC_GATEWAY;
		struct outcome o = run_frame(l, vm, p.b, p.len, NULL, NULL);

		assert_int_equal(ring_buffer__consume(rb), 1);
		if (!!(ev.route_id & XV_ROUTE_ID_GW) != learned ||
		    (learned && ((ev.route_id >> XV_TRIE_LEN_SHIFT & 0x3f) != want->prefix.len ||
				 o.verdict != XV_FWD || o.out != gw_slot(l, 0))))
			fail_msg("%s: trace route %#x, verdict %d to %d; engine: %s /%d",
				 ipv4_str(dst, buf), ev.route_id, o.verdict, o.out,
				 learned ? "learned" : "not learned", want ? want->prefix.len : -1);
		checked++;
	}
	ring_buffer__free(rb);
	free(addrs);
	free(lens);
	print_message("gwpack: %d frames take the engine's learned route\n", checked);
}

/* Unload detaches from every NIC and removes the pins; again is a no-op. */
static void test_load_unload(void **state)
{
	struct lab *l = &ex;
	struct stat st;
	__u32 id = 0;
	int ret = lab_up_file(l, "examples/hub-spoke.yaml");

	if (ret)
		fail_msg("hub-spoke: %s", strerror(-ret));
	for (int k = 0; k < l->n; k++) {
		assert_int_equal(bpf_xdp_query_id(l->nics[k].ifindex, XDP_FLAGS_DRV_MODE, &id), 0);
		assert_int_not_equal(id, 0);
	}
	/* A second load over a running fabric is refused, the first untouched. */
	assert_int_equal(fabric_put(&l->t, &l->e, l->nics, l->n, l->pin, false), -EEXIST);
	assert_int_equal(stat(l->pin, &st), 0);

	assert_int_equal(fabric_unload(l->pin), 0);
	for (int k = 0; k < l->n; k++) {
		assert_int_equal(bpf_xdp_query_id(l->nics[k].ifindex, XDP_FLAGS_DRV_MODE, &id), 0);
		assert_int_equal(id, 0);
	}
	assert_int_equal(stat(l->pin, &st), -1);
	assert_int_equal(fabric_unload(l->pin), 0);
}

int main(void)
{
	const struct CMUnitTest rules_tests[] = {
		cmocka_unit_test(test_next_hops_and_drops),
		cmocka_unit_test(test_arp_reply),
		cmocka_unit_test(test_arp_refused),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_ipv4),
		cmocka_unit_test(test_options_and_fragments),
		cmocka_unit_test(test_unmodelled_ethertypes),
		cmocka_unit_test(test_not_a_nic),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_trace_ports),
		cmocka_unit_test(test_stats_cli),
		cmocka_unit_test(test_route_hits_every_cpu),
		cmocka_unit_test(test_trace_cli),
		cmocka_unit_test(test_trace_names_each_generation),
		cmocka_unit_test(test_swap_under_load),
	};
	const struct CMUnitTest example_tests[] = {
		cmocka_unit_test_teardown(test_differential_hub_spoke, teardown_example),
		cmocka_unit_test_teardown(test_differential_two_hubs, teardown_example),
		cmocka_unit_test_teardown(test_differential_scale, teardown_example),
		cmocka_unit_test_teardown(test_learned_routes, teardown_example),
		cmocka_unit_test_teardown(test_differential_learned, teardown_example),
		cmocka_unit_test_teardown(test_gateway_set, teardown_example),
		cmocka_unit_test_teardown(test_differential_hybrid, teardown_example),
		cmocka_unit_test_teardown(test_peering_access_closed, teardown_example),
		cmocka_unit_test_teardown(test_load_unload, teardown_example),
	};
	int ret = harness_init();

	if (ret) {
		fprintf(stderr, "test_fabric: needs root (%s)\n", strerror(-ret));
		cmocka_set_skip_filter("*");
	}
	ret = cmocka_run_group_tests_name("fabric rules", rules_tests, setup_rules, teardown_rules);
	return ret | cmocka_run_group_tests_name("fabric vs engine", example_tests, NULL, NULL);
}
