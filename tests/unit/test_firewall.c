// SPDX-License-Identifier: GPL-2.0
/*
 * Firewall NVAs of dataplane xdp: the rule entries the encoder makes
 * (fabric_firewall.c), matched by the fabric's own matcher
 * (bpf/lib/firewall.h, compiled here in user space), against the route
 * engine's firewall_eval() as the reference; the connection table's state
 * machine and key; the topology's bound on an NVA's entries.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "compile.h"
#include "engine_fixture.h"
#include "fabric_firewall.h"
#include "lib/firewall.h"
#include "log.h"
#include "roundtrip.h"

/*
 * More sources than an entry holds (6 > XV_FW_PREFIXES), more port ranges
 * (5 > XV_FW_PORTS), Any inside a list, an ICMP deny, a deny before an
 * allow that overlaps it, and a default Allow.
 */
static const char yaml[] =
	"name: fwtest\n"
	"vnets:\n"
	"  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: fw, addressPrefix: 10.0.1.0/24}]}\n"
	"vms:\n"
	"  - {name: app, subnet: hub/fw, ip: 10.0.1.5}\n"
	"  - name: fw\n"
	"    subnet: hub/fw\n"
	"    ip: 10.0.1.4\n"
	"    enableIpForwarding: true\n"
	"    firewall:\n"
	"      dataplane: xdp\n"
	"      defaultAction: Allow\n"
	"      rules:\n"
	"        - {name: no-ssh, action: Deny, protocol: Tcp, source: Any, destination: 10.2.0.0/16,\n"
	"           destinationPorts: \"22\"}\n"
	"        - {name: many, action: Allow, protocol: Tcp,\n"
	"           source: [10.1.0.0/24, 10.1.1.0/24, 10.1.2.7, 10.1.3.0/28, 10.1.4.0/24, 192.168.0.0/16],\n"
	"           destination: [10.2.0.0/16, 10.3.0.0/16],\n"
	"           destinationPorts: \"22,80,443,8000-8080,9000\"}\n"
	"        - {name: no-ping, action: Deny, protocol: Icmp, source: 10.1.0.0/16, destination: Any}\n"
	"        - {name: udp-dns, action: Allow, protocol: Udp, source: [10.0.0.0/8, Any],\n"
	"           destination: 10.9.9.9, destinationPorts: \"53\"}\n"
	"        - {name: deny-10-3, action: Deny, source: Any, destination: 10.3.0.0/16}\n";

static struct fabric_image img;
static struct fabric_nic nics[2];

static int setup(void **state)
{
	load(yaml);
	memset(&img, 0, sizeof(img));
	img.nnics = 2;
	img.nics = xcalloc(2, sizeof(*img.nics));
	nics[0] = (struct fabric_nic){ .kind = XV_NIC_VM, .index = 0 };
	nics[1] = (struct fabric_nic){ .kind = XV_NIC_VM, .index = 1 };
	assert_int_equal(fabric_firewall_compile(&topo, nics, 2, &img), 0);
	return 0;
}

static int teardown(void **state)
{
	fabric_image_free(&img);
	return unload(state);
}

static const struct firewall *fw(void)
{
	return topo.vms[1].firewall;
}

static void test_encoding(void **state)
{
	/* 1 + 2 sources x 1 destination x 2 port chunks + 1 + 1 + 1 */
	assert_int_equal(img.nfw_rules, 1 + 4 + 1 + 1 + 1);
	assert_false(img.nics[0].flags & XV_NIC_F_FIREWALL);
	assert_true(img.nics[1].flags & XV_NIC_F_FIREWALL);
	assert_int_equal(img.firewalls[1].nrules, img.nfw_rules);
	assert_int_equal(img.firewalls[1].nnamed, 5);
	assert_int_equal(img.firewalls[1].default_action, XV_FW_ALLOW);
	assert_int_equal(img.nfw_counters, fabric_firewall_ncounters(fw()));
	assert_int_equal(img.fw_rules[7].nsrc, 0);	/* [10/8, Any]: Any */
	assert_string_equal(fabric_firewall_counter_name(fw(), XV_FW_CTR_ESTABLISHED), "established");
	assert_string_equal(fabric_firewall_counter_name(fw(), XV_FW_CTR_RULES + 1), "many");
	assert_string_equal(fabric_firewall_counter_name(fw(), XV_FW_CTR_RULES + 5), "defaultAction");
	assert_string_equal(fabric_firewall_counter_action(fw(), XV_FW_CTR_RULES + 2), "Deny");
}

static const char *const addrs[] = {
	"10.1.0.9", "10.1.1.200", "10.1.2.7", "10.1.2.8", "10.1.3.15", "10.1.3.16",
	"10.1.4.1", "192.168.3.3", "10.2.5.5", "10.3.0.1", "10.9.9.9", "10.4.0.1", "8.8.8.8",
};
static const __u16 ports[] = { 21, 22, 23, 53, 80, 443, 7999, 8000, 8080, 8081, 9000 };

/* The fabric's verdict for a packet: the named rule index (-1: default). */
static int fabric_rule(const struct xv_fw_pkt *p)
{
	struct xv_fw_rules rules = { img.fw_rules, (__u32)img.nfw_rules };
	__s32 hit = xv_fw_match(&rules, &img.firewalls[1], p);

	return hit < 0 ? -1 : img.fw_rules[img.firewalls[1].first + hit].counter - XV_FW_CTR_RULES;
}

static void test_rules_match_engine(void **state)
{
	static const struct { enum fw_proto fw; __u8 ip; } protos[] = {
		{ FW_TCP, XV_PROTO_TCP }, { FW_UDP, XV_PROTO_UDP }, { FW_ICMP, XV_PROTO_ICMP },
	};
	int n = 0, by_rule[8] = { 0 };

	for (size_t s = 0; s < sizeof(addrs) / sizeof(addrs[0]); s++)
		for (size_t d = 0; d < sizeof(addrs) / sizeof(addrs[0]); d++)
			for (size_t pr = 0; pr < 3; pr++)
				for (size_t k = 0; k < sizeof(ports) / sizeof(ports[0]); k++) {
					struct flow f = { .proto = protos[pr].fw, .dport = ports[k] };
					struct xv_fw_pkt p = { .proto = protos[pr].ip, .dport = ports[k] };
					const struct fw_rule *ref;
					int want, got;

					assert_int_equal(inet_pton(AF_INET, addrs[s], &p.src), 1);
					assert_int_equal(inet_pton(AF_INET, addrs[d], &p.dst), 1);
					f.src = ntohl(p.src);
					f.dst = ntohl(p.dst);
					firewall_eval(fw(), &f, &ref);
					want = ref ? (int)(ref - fw()->rules) : -1;
					got = fabric_rule(&p);
					if (want != got)
						fail_msg("%s -> %s proto %u port %u: engine rule %d, fabric %d",
							 addrs[s], addrs[d], p.proto, p.dport, want, got);
					by_rule[got + 1]++;
					n++;
				}
	/* every rule and the default were met */
	for (int r = 0; r <= 5; r++)
		assert_true(by_rule[r] > 0);
	assert_true(n > 1000);
}

/* Other protocols match rules of protocol Any without ports only. */
static void test_other_protocols(void **state)
{
	struct xv_fw_pkt p = { .proto = 47, .dport = 0 };

	inet_pton(AF_INET, "10.1.0.9", &p.src);
	inet_pton(AF_INET, "10.3.0.1", &p.dst);
	assert_int_equal(fabric_rule(&p), 4);	/* deny-10-3, not many's ports */
}

static void test_private(void **state)
{
	static const char *const a[] = {
		"10.0.0.0", "10.255.255.255", "11.0.0.0", "172.15.255.255", "172.16.0.0",
		"172.31.255.255", "172.32.0.0", "192.168.0.1", "192.169.0.1", "100.63.255.255",
		"100.64.0.0", "100.127.255.255", "100.128.0.0", "203.0.113.10", "9.255.255.255",
	};

	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		__u32 x;

		inet_pton(AF_INET, a[i], &x);
		if (xv_fw_private(x) != rt_is_private(ntohl(x)))
			fail_msg("%s: fabric %d, engine %d", a[i], xv_fw_private(x), rt_is_private(ntohl(x)));
	}
}

static void test_slow_path(void **state)
{
	struct xv_firewall f = { .snat = XV_FW_SNAT_AUTO };
	struct xv_fw_pkt p;

	inet_pton(AF_INET, "203.0.113.10", &p.dst);
	assert_true(xv_fw_translates(&f, &p));
	inet_pton(AF_INET, "10.2.1.4", &p.dst);
	assert_false(xv_fw_translates(&f, &p));
	f.snat = XV_FW_SNAT_ALWAYS;
	assert_true(xv_fw_translates(&f, &p));
	f.snat = XV_FW_SNAT_NEVER;
	inet_pton(AF_INET, "203.0.113.10", &p.dst);
	assert_false(xv_fw_translates(&f, &p));
}

static struct xv_fw_pkt tcp(int reply, __u8 flags)
{
	struct xv_fw_pkt p = { .proto = XV_PROTO_TCP, .flags = flags };

	inet_pton(AF_INET, reply ? "10.2.1.4" : "10.1.1.4", &p.src);
	inet_pton(AF_INET, reply ? "10.1.1.4" : "10.2.1.4", &p.dst);
	p.sport = reply ? 80 : 40000;
	p.dport = reply ? 40000 : 80;
	return p;
}

/* Both directions of a flow share one key; from_a tells them apart. */
static void test_key(void **state)
{
	struct xv_fw_pkt o = tcp(0, XV_TCP_SYN), r = tcp(1, XV_TCP_SYN | XV_TCP_ACK);
	struct xv_ct_key ko, kr;
	int ao = xv_ct_key(3, &o, &ko), ar = xv_ct_key(3, &r, &kr);

	assert_memory_equal(&ko, &kr, sizeof(ko));
	assert_int_not_equal(ao, ar);
	assert_int_equal(ko.nva, 3);
	xv_ct_key(4, &o, &kr);
	assert_memory_not_equal(&ko, &kr, sizeof(ko));	/* per NVA */
	o.sport = 40001;
	xv_ct_key(3, &o, &kr);
	assert_memory_not_equal(&ko, &kr, sizeof(ko));
}

/* What may open a flow: conntrack's NEW; the rest is INVALID, dropped. */
static void test_open(void **state)
{
	struct xv_fw_pkt p = tcp(0, XV_TCP_SYN);

	assert_int_equal(xv_ct_open(&p), XV_CT_SYN_SENT);
	p.flags = XV_TCP_ACK;
	assert_int_equal(xv_ct_open(&p), XV_CT_NONE);
	p.flags = XV_TCP_SYN | XV_TCP_ACK;
	assert_int_equal(xv_ct_open(&p), XV_CT_NONE);
	p.flags = XV_TCP_SYN | XV_TCP_FIN;
	assert_int_equal(xv_ct_open(&p), XV_CT_NONE);
	p.flags = XV_TCP_RST;
	assert_int_equal(xv_ct_open(&p), XV_CT_NONE);
	p.proto = XV_PROTO_ICMP;
	p.flags = XV_ICMP_ECHO;
	assert_int_equal(xv_ct_open(&p), XV_CT_UNREPLIED);
	p.flags = XV_ICMP_ECHO_REPLY;
	assert_int_equal(xv_ct_open(&p), XV_CT_NONE);
	p.proto = XV_PROTO_UDP;
	assert_int_equal(xv_ct_open(&p), XV_CT_UNREPLIED);
	p.proto = 47;
	assert_int_equal(xv_ct_open(&p), XV_CT_UNREPLIED);
}

/* A TCP flow's life, as conntrack sees it (and its timeouts). */
static void test_tcp_states(void **state)
{
	static const struct { int reply; __u8 flags, from, to; __u64 secs; } steps[] = {
		{ 0, XV_TCP_SYN, XV_CT_SYN_SENT, XV_CT_SYN_SENT, 120 },	/* retransmitted */
		{ 0, XV_TCP_ACK, XV_CT_SYN_SENT, XV_CT_SYN_SENT, 120 },
		{ 1, XV_TCP_SYN | XV_TCP_ACK, XV_CT_SYN_SENT, XV_CT_SYN_RECV, 60 },
		{ 0, XV_TCP_SYN | XV_TCP_ACK, XV_CT_SYN_SENT, XV_CT_SYN_SENT, 120 },
		{ 1, XV_TCP_ACK, XV_CT_SYN_RECV, XV_CT_SYN_RECV, 60 },
		{ 0, XV_TCP_ACK, XV_CT_SYN_RECV, XV_CT_ESTABLISHED, 432000 },
		{ 1, XV_TCP_ACK, XV_CT_ESTABLISHED, XV_CT_ESTABLISHED, 432000 },
		{ 1, XV_TCP_FIN | XV_TCP_ACK, XV_CT_ESTABLISHED, XV_CT_FIN_WAIT, 120 },
		{ 0, XV_TCP_ACK, XV_CT_FIN_WAIT, XV_CT_FIN_WAIT, 120 },
		{ 0, XV_TCP_RST, XV_CT_ESTABLISHED, XV_CT_CLOSE, 10 },
		{ 1, XV_TCP_RST | XV_TCP_ACK, XV_CT_SYN_SENT, XV_CT_CLOSE, 10 },
		{ 0, XV_TCP_SYN, XV_CT_CLOSE, XV_CT_SYN_SENT, 120 },		/* reopened */
		{ 1, XV_TCP_SYN, XV_CT_CLOSE, XV_CT_CLOSE, 10 },
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct xv_fw_pkt p = tcp(steps[i].reply, steps[i].flags);
		__u8 got = xv_ct_next(steps[i].from, !steps[i].reply, &p);

		if (got != steps[i].to)
			fail_msg("step %zu: state %u -> %u, want %u", i, steps[i].from, got, steps[i].to);
		assert_int_equal(xv_ct_timeout(got, p.proto), steps[i].secs * 1000000000ull);
	}
}

static void test_udp_icmp_states(void **state)
{
	struct xv_fw_pkt p = { .proto = XV_PROTO_UDP };

	assert_int_equal(xv_ct_next(XV_CT_UNREPLIED, 1, &p), XV_CT_UNREPLIED);
	assert_int_equal(xv_ct_next(XV_CT_UNREPLIED, 0, &p), XV_CT_REPLIED);
	assert_int_equal(xv_ct_next(XV_CT_REPLIED, 1, &p), XV_CT_REPLIED);
	assert_int_equal(xv_ct_timeout(XV_CT_UNREPLIED, XV_PROTO_UDP), 30000000000ull);
	assert_int_equal(xv_ct_timeout(XV_CT_REPLIED, XV_PROTO_UDP), 120000000000ull);
	assert_int_equal(xv_ct_timeout(XV_CT_REPLIED, XV_PROTO_ICMP), 30000000000ull);
	assert_int_equal(xv_ct_timeout(XV_CT_UNREPLIED, 47), 600000000000ull);
}

/* An IPv4 packet of n bytes: protocol proto, TTL ttl, L4 bytes l4 after the header. */
static size_t packet(__u8 *b, __u8 proto, __u8 ttl, const __u8 *l4, size_t n)
{
	static const __u8 ip[20] = { 0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 0, 0, 0,
				     10, 1, 1, 4, 10, 2, 1, 4 };

	memcpy(b, ip, 20);
	b[8] = ttl;
	b[9] = proto;
	memcpy(b + 20, l4, n);
	return 20 + n;
}

static void test_packet(void **state)
{
	static const __u8 syn[20] = { 0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, XV_TCP_SYN };
	static const __u8 udp[8] = { 0, 53, 0x1f, 0x90, 0, 8, 0, 0 };
	static const __u8 echo[8] = { XV_ICMP_ECHO, 0, 0, 0, 0x12, 0x34, 0, 1 };
	static const __u8 unreach[8] = { 3, 3, 0, 0, 0, 0, 0, 0 };
	__u8 b[64];
	struct xv_fw_pkt p;
	size_t n;

	memset(&p, 0, sizeof(p));
	n = packet(b, XV_PROTO_TCP, 64, syn, sizeof(syn));
	xv_fw_packet(b, b + n, &p);
	assert_false(p.slow);
	assert_int_equal(p.proto, XV_PROTO_TCP);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 80);
	assert_int_equal(p.flags, XV_TCP_SYN);
	assert_int_equal(ntohl(p.src), 0x0a010104);
	assert_int_equal(ntohl(p.dst), 0x0a020104);

	memset(&p, 0, sizeof(p));	/* cut before the flags */
	xv_fw_packet(b, b + 20 + 12, &p);
	assert_true(p.slow);

	memset(&p, 0, sizeof(p));	/* the TTL runs out at the NVA */
	n = packet(b, XV_PROTO_TCP, 1, syn, sizeof(syn));
	xv_fw_packet(b, b + n, &p);
	assert_true(p.slow);

	memset(&p, 0, sizeof(p));	/* a first fragment (MF) */
	n = packet(b, XV_PROTO_UDP, 64, udp, sizeof(udp));
	b[6] = 0x20;
	xv_fw_packet(b, b + n, &p);
	assert_true(p.slow);

	memset(&p, 0, sizeof(p));
	n = packet(b, XV_PROTO_UDP, 64, udp, sizeof(udp));
	xv_fw_packet(b, b + n, &p);
	assert_false(p.slow);
	assert_int_equal(p.sport, 53);
	assert_int_equal(p.dport, 8080);

	memset(&p, 0, sizeof(p));
	n = packet(b, XV_PROTO_ICMP, 64, echo, sizeof(echo));
	xv_fw_packet(b, b + n, &p);
	assert_false(p.slow);
	assert_int_equal(p.flags, XV_ICMP_ECHO);
	assert_int_equal(p.sport, 0x1234);
	assert_int_equal(p.dport, 0x1234);

	memset(&p, 0, sizeof(p));	/* an ICMP error: the NVA's conntrack relates it */
	n = packet(b, XV_PROTO_ICMP, 64, unreach, sizeof(unreach));
	xv_fw_packet(b, b + n, &p);
	assert_true(p.slow);

	memset(&p, 0, sizeof(p));	/* GRE: no ports, tracked by addresses */
	n = packet(b, 47, 64, udp, sizeof(udp));
	xv_fw_packet(b, b + n, &p);
	assert_false(p.slow);
	assert_int_equal(p.sport | p.dport, 0);
}

/* An NVA whose rules take more entries than the fabric holds: FILE:LINE:COL. */
static void test_too_many_entries(void **state)
{
	char y[8192];
	size_t n = snprintf(y, sizeof(y),
		"name: big\n"
		"vnets:\n"
		"  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: fw, addressPrefix: 10.0.1.0/24}]}\n"
		"vms:\n"
		"  - name: fw\n"
		"    subnet: hub/fw\n"
		"    enableIpForwarding: true\n"
		"    firewall:\n"
		"      dataplane: xdp\n"
		"      rules:\n");
	struct topology t;
	struct diags d = { 0 };

	for (int i = 0; i < XV_FW_RULES + 1; i++)
		n += snprintf(y + n, sizeof(y) - n,
			      "        - {name: r%d, action: Allow, source: 10.1.%d.0/24}\n", i, i);
	assert_int_not_equal(topo_parse("big.yaml", y, n, &t, &d), 0);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.lines[0], "big.yaml:9:18: error: "));
	assert_non_null(strstr(d.lines[0], "65 entries, dataplane xdp holds 64"));
	diags_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_rules_match_engine),
		cmocka_unit_test(test_other_protocols),
		cmocka_unit_test(test_private),
		cmocka_unit_test(test_slow_path),
		cmocka_unit_test(test_packet),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_tcp_states),
		cmocka_unit_test(test_udp_icmp_states),
		cmocka_unit_test(test_too_many_entries),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
