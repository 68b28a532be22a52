// SPDX-License-Identifier: GPL-2.0
/*
 * Firewall NVAs of dataplane xdp under BPF_PROG_TEST_RUN, maps filled by
 * the real compiler and loader: a frame through the NVA is filtered and
 * routed on in one pass (TTL and checksum as an IP hop), new flows meet
 * the rules, replies of tracked flows pass, what cannot open a flow is
 * dropped, and translated flows, the NVA's own traffic and a TTL running
 * out take the slow path into its namespace.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fabric_harness.h"
#include "lib/firewall.h"

static const char nva_yaml[] =
"name: xdpnva\n"
"vnets:\n"
"  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: fw, addressPrefix: 10.0.1.0/24}]}\n"
"  - {name: spoke1, addressSpace: [10.1.0.0/16],\n"
"     subnets: [{name: app, addressPrefix: 10.1.1.0/24, routeTable: via-fw}]}\n"
"  - {name: spoke2, addressSpace: [10.2.0.0/16],\n"
"     subnets: [{name: app, addressPrefix: 10.2.1.0/24, routeTable: via-fw}]}\n"
"peerings:\n"
"  - {from: hub, to: spoke1}\n"
"  - {from: spoke1, to: hub, allowForwardedTraffic: true}\n"
"  - {from: hub, to: spoke2}\n"
"  - {from: spoke2, to: hub, allowForwardedTraffic: true}\n"
"routeTables:\n"
"  - name: via-fw\n"
"    routes:\n"
"      - {name: all, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
"vms:\n"
"  - name: fw\n"
"    subnet: hub/fw\n"
"    ip: 10.0.1.4\n"
"    enableIpForwarding: true\n"
"    firewall:\n"
"      dataplane: xdp\n"
"      rules:\n"
"        - {name: web, action: Allow, protocol: Tcp, source: 10.0.0.0/8, destination: Any,\n"
"           destinationPorts: \"80\"}\n"
"        - {name: no-ping, action: Deny, protocol: Icmp, source: Any, destination: Any}\n"
"        - {name: dns, action: Allow, protocol: Udp, source: 10.1.0.0/16, destination: 10.2.0.0/16,\n"
"           destinationPorts: \"53\"}\n"
"  - {name: app1, subnet: spoke1/app, ip: 10.1.1.4}\n"
"  - {name: app2, subnet: spoke2/app, ip: 10.2.1.4}\n"
"internet:\n"
"  hosts:\n"
"    - {name: web, ip: 203.0.113.10}\n";

enum { FW, APP1, APP2 };	/* VM slots */

#define A_FW	0x0a000104u
#define A_APP1	0x0a010104u
#define A_APP2	0x0a020104u
#define A_WEB	0xcb00710au

static struct lab l;

static int setup(void **state)
{
	int ret = harness_init();

	if (ret == -EPERM) {
		print_message("not root: skipped\n");
		return -1;
	}
	ret = ret ? ret : lab_up(&l, "xdpnva", nva_yaml);
	if (ret)
		fprintf(stderr, "lab_up: %s\n", strerror(-ret));
	return ret;
}

static int teardown(void **state)
{
	lab_down(&l);
	return 0;
}

/* A frame of slot from src to dst: TCP/UDP with ports and TCP flags, ICMP with type and id. */
static struct pkt frame(int from, __u32 src, __u32 dst, __u8 proto, __u16 sport, __u16 dport,
			__u8 flags)
{
	struct pkt p = ipv4_frame(l.nics[from].mac, src, dst, proto);
	__u8 *ip = p.b + ETH_HLEN;

	if (proto == IPPROTO_ICMP) {
		ip[20] = flags;		/* type */
		ip[21] = 0;
		put16(ip + 24, sport);	/* id */
	} else {
		put16(ip + 20, sport);
		put16(ip + 22, dport);
		if (proto == IPPROTO_TCP)
			ip[20 + 13] = flags;
	}
	return p;
}

static __u16 ip_checksum(const __u8 *ip)
{
	__u32 sum = 0;

	for (int i = 0; i < 20; i += 2)
		sum += ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static __u64 tx(const struct xv_nic_stats *s, int slot)
{
	return stat_sum(&l, s, slot, offsetof(struct xv_nic_stats, tx));
}

/* Run p from slot from; its outcome, the frame as it left in *out. */
static struct outcome run(int from, struct pkt *p, struct pkt *out)
{
	__u8 *ip = p->b + ETH_HLEN;
	__u16 c;

	ip[10] = ip[11] = 0;
	c = ip_checksum(ip);
	put16(ip + 10, c);
	out->len = sizeof(out->b);
	return run_frame(&l, from, p->b, p->len, out->b, &out->len);
}

static void test_forwarded_in_one_pass(void **state)
{
	struct pkt p = frame(APP1, A_APP1, A_APP2, IPPROTO_TCP, 40000, 80, XV_TCP_SYN), out;
	struct outcome o = run(APP1, &p, &out);
	const __u8 *ip = out.b + ETH_HLEN;

	assert_int_equal(o.action, XDP_REDIRECT);
	assert_int_equal(o.verdict, XV_FWD);
	assert_int_equal(o.out, APP2);
	/* two hops: to the NVA's NIC and from it */
	assert_int_equal(tx(l.after, FW) - tx(l.before, FW), 1);
	assert_int_equal(tx(l.after, APP2) - tx(l.before, APP2), 1);
	assert_memory_equal(out.b, l.nics[APP2].mac, ETH_ALEN);
	assert_int_equal(ip[8], 63);
	assert_int_equal(ip_checksum(ip), 0);	/* still valid */

	/* the reply passes: a tracked flow, whatever the rules say of 10.2 -> 10.1 */
	p = frame(APP2, A_APP2, A_APP1, IPPROTO_TCP, 80, 40000, XV_TCP_SYN | XV_TCP_ACK);
	o = run(APP2, &p, &out);
	assert_int_equal(o.action, XDP_REDIRECT);
	assert_int_equal(o.out, APP1);
	p = frame(APP1, A_APP1, A_APP2, IPPROTO_TCP, 40000, 80, XV_TCP_ACK);
	o = run(APP1, &p, &out);
	assert_int_equal(o.out, APP2);
}

static void test_denied(void **state)
{
	static const struct {
		const char *what;
		int from;
		__u32 src, dst;
		__u8 proto;
		__u16 sport, dport;
		__u8 flags;
	} cases[] = {
		{ "an ACK of no flow (INVALID)", APP1, A_APP1, A_APP2, IPPROTO_TCP, 40001, 80, XV_TCP_ACK },
		{ "a SYN-ACK of no flow", APP2, A_APP2, A_APP1, IPPROTO_TCP, 80, 40002, XV_TCP_SYN | XV_TCP_ACK },
		{ "TCP to a port no rule allows (default Deny)", APP1, A_APP1, A_APP2, IPPROTO_TCP, 40003, 22, XV_TCP_SYN },
		{ "UDP the other way than dns allows", APP2, A_APP2, A_APP1, IPPROTO_UDP, 1000, 53, 0 },
		{ "an echo request (no-ping)", APP1, A_APP1, A_APP2, IPPROTO_ICMP, 7, 0, XV_ICMP_ECHO },
		{ "an echo reply of no request", APP2, A_APP2, A_APP1, IPPROTO_ICMP, 7, 0, XV_ICMP_ECHO_REPLY },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pkt p = frame(cases[i].from, cases[i].src, cases[i].dst, cases[i].proto,
				     cases[i].sport, cases[i].dport, cases[i].flags), out;
		struct outcome o = run(cases[i].from, &p, &out);

		if (o.action != XDP_DROP || o.verdict != XV_DROP_FIREWALL || o.out != -1)
			fail_msg("%s: action %d verdict %d out %d", cases[i].what, o.action,
				 o.verdict, o.out);
	}
}

static void test_udp_allowed(void **state)
{
	struct pkt p = frame(APP1, A_APP1, A_APP2, IPPROTO_UDP, 5353, 53, 0), out;
	struct outcome o = run(APP1, &p, &out);

	assert_int_equal(o.out, APP2);
	p = frame(APP2, A_APP2, A_APP1, IPPROTO_UDP, 53, 5353, 0);
	o = run(APP2, &p, &out);
	assert_int_equal(o.out, APP1);
}

/* Delivered to the NVA's NIC unchanged: its namespace forwards it. */
static void assert_slow(struct pkt *p, int from)
{
	struct pkt out;
	struct outcome o = run(from, p, &out);

	assert_int_equal(o.action, XDP_REDIRECT);
	assert_int_equal(o.out, FW);
	assert_int_equal(tx(l.after, FW) - tx(l.before, FW), 1);
	assert_memory_equal(out.b, l.nics[FW].mac, ETH_ALEN);
	assert_int_equal(out.b[ETH_HLEN + 8], p->b[ETH_HLEN + 8]);	/* TTL untouched */
}

static void test_slow_path(void **state)
{
	struct pkt p;

	/* to a public address: the NVA's source NAT (snat Auto) */
	p = frame(APP1, A_APP1, A_WEB, IPPROTO_TCP, 40010, 80, XV_TCP_SYN);
	assert_slow(&p, APP1);
	p = frame(APP1, A_APP1, A_WEB, IPPROTO_TCP, 40010, 80, XV_TCP_ACK);
	assert_slow(&p, APP1);
	/* to the NVA itself */
	p = frame(APP1, A_APP1, A_FW, IPPROTO_TCP, 40011, 22, XV_TCP_SYN);
	assert_slow(&p, APP1);
	/* the TTL runs out at the NVA: its kernel answers */
	p = frame(APP1, A_APP1, A_APP2, IPPROTO_TCP, 40012, 80, XV_TCP_SYN);
	p.b[ETH_HLEN + 8] = 1;
	assert_slow(&p, APP1);
	/* a fragment: its kernel reassembles */
	p = frame(APP1, A_APP1, A_APP2, IPPROTO_UDP, 5353, 53, 0);
	p.b[ETH_HLEN + 6] = 0x20;
	assert_slow(&p, APP1);
	/* an ICMP error: its conntrack relates it to a flow */
	p = frame(APP2, A_APP2, A_APP1, IPPROTO_ICMP, 0, 0, 3);
	assert_slow(&p, APP2);
}

/* The NVA's own frames are routed as any VM's. */
static void test_from_the_nva(void **state)
{
	struct pkt p = frame(FW, A_FW, A_APP2, IPPROTO_TCP, 40020, 80, XV_TCP_ACK), out;
	struct outcome o = run(FW, &p, &out);

	assert_int_equal(o.out, APP2);
	assert_int_equal(out.b[ETH_HLEN + 8], 64);
}

/*
 * Five XDP NVAs in a row (each NVA subnet's UDR sends spoke2 to the next):
 * the fabric follows XV_FW_CHAIN of them in one pass, and the next one
 * forwards in its namespace.
 */
static const char chain_yaml[] =
"name: xdpchain\n"
"vnets:\n"
"  - name: hub\n"
"    addressSpace: [10.0.0.0/16]\n"
"    subnets:\n"
"      - {name: f1, addressPrefix: 10.0.1.0/24, routeTable: to-f2}\n"
"      - {name: f2, addressPrefix: 10.0.2.0/24, routeTable: to-f3}\n"
"      - {name: f3, addressPrefix: 10.0.3.0/24, routeTable: to-f4}\n"
"      - {name: f4, addressPrefix: 10.0.4.0/24, routeTable: to-f5}\n"
"      - {name: f5, addressPrefix: 10.0.5.0/24}\n"
"  - {name: spoke1, addressSpace: [10.1.0.0/16],\n"
"     subnets: [{name: app, addressPrefix: 10.1.1.0/24, routeTable: to-f1}]}\n"
"  - {name: spoke2, addressSpace: [10.2.0.0/16], subnets: [{name: app, addressPrefix: 10.2.1.0/24}]}\n"
"peerings:\n"
"  - {from: hub, to: spoke1}\n"
"  - {from: spoke1, to: hub, allowForwardedTraffic: true}\n"
"  - {from: hub, to: spoke2}\n"
"  - {from: spoke2, to: hub, allowForwardedTraffic: true}\n"
"routeTables:\n"
"  - {name: to-f1, routes: [{name: r, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}]}\n"
"  - {name: to-f2, routes: [{name: r, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}]}\n"
"  - {name: to-f3, routes: [{name: r, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.3.4}]}\n"
"  - {name: to-f4, routes: [{name: r, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.4.4}]}\n"
"  - {name: to-f5, routes: [{name: r, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.5.4}]}\n"
"vms:\n"
"  - {name: fw1, subnet: hub/f1, ip: 10.0.1.4, enableIpForwarding: true, firewall: {dataplane: xdp, defaultAction: Allow}}\n"
"  - {name: fw2, subnet: hub/f2, ip: 10.0.2.4, enableIpForwarding: true, firewall: {dataplane: xdp, defaultAction: Allow}}\n"
"  - {name: fw3, subnet: hub/f3, ip: 10.0.3.4, enableIpForwarding: true, firewall: {dataplane: xdp, defaultAction: Allow}}\n"
"  - {name: fw4, subnet: hub/f4, ip: 10.0.4.4, enableIpForwarding: true, firewall: {dataplane: xdp, defaultAction: Allow}}\n"
"  - {name: fw5, subnet: hub/f5, ip: 10.0.5.4, enableIpForwarding: true, firewall: {dataplane: xdp, defaultAction: Allow}}\n"
"  - {name: app1, subnet: spoke1/app, ip: 10.1.1.4}\n"
"  - {name: app2, subnet: spoke2/app, ip: 10.2.1.4}\n";

static void test_chain_bound(void **state)
{
	enum { FW1, FW5 = 4, C_APP1, C_APP2 };
	struct lab nva = l;
	struct pkt p, out;
	struct outcome o;
	int ret = lab_up(&l, "xdpchain", chain_yaml);

	if (ret) {
		lab_down(&l);
		l = nva;
		fail_msg("lab_up: %s", strerror(-ret));
	}
	assert_int_equal(XV_FW_CHAIN, 4);
	p = frame(C_APP1, A_APP1, A_APP2, IPPROTO_TCP, 40000, 80, XV_TCP_SYN);
	o = run(C_APP1, &p, &out);
	assert_int_equal(o.action, XDP_REDIRECT);
	for (int k = FW1; k <= FW5; k++)
		assert_int_equal(tx(l.after, k) - tx(l.before, k), 1);
	assert_int_equal(tx(l.after, C_APP2) - tx(l.before, C_APP2), 0);
	/* four NVAs crossed in the fabric (four IP hops), the fifth's kernel next */
	assert_memory_equal(out.b, l.nics[FW5].mac, ETH_ALEN);
	assert_int_equal(out.b[ETH_HLEN + 8], 64 - XV_FW_CHAIN);
	assert_int_equal(ip_checksum(out.b + ETH_HLEN), 0);
	/* what the fifth forwards goes on to app2 */
	p = frame(FW5, A_APP1, A_APP2, IPPROTO_TCP, 40000, 80, XV_TCP_SYN);
	p.b[ETH_HLEN + 8] = 59;
	o = run(FW5, &p, &out);
	assert_int_equal(o.out, C_APP2);
	lab_down(&l);
	l = nva;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forwarded_in_one_pass),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_udp_allowed),
		cmocka_unit_test(test_slow_path),
		cmocka_unit_test(test_from_the_nva),
		cmocka_unit_test(test_chain_bound),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
