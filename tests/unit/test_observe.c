// SPDX-License-Identifier: GPL-2.0
/* observe.h: trace events keyed to probes, and the nodes and death point they show. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ipv4.h"
#include "lib/l4.h"
#include "observe.h"

/* NIC slots of a small lab */
enum { APP1, FW, APP2, GW, NET };

static uint32_t ip(const char *s)
{
	uint32_t a;

	assert_true(ipv4_parse(s, &a));
	return a;
}

static struct xv_event ev(const char *src, const char *dst, uint8_t proto, uint16_t sport,
			  uint16_t dport, uint32_t in, uint32_t out, uint8_t verdict)
{
	return (struct xv_event){ .src = htonl(ip(src)), .dst = htonl(ip(dst)), .proto = proto,
				  .ethertype = 0x0800, .sport = sport, .dport = dport,
				  .in = in, .out = out, .verdict = verdict };
}

/* app1 -> app2 tcp/443, icmp, udp/53; app1 -> Internet tcp/443 translated by fw */
static struct obs_probe probes[4];

static int setup(void **state)
{
	probes[0] = (struct obs_probe){ XV_PROTO_TCP, ip("10.1.1.4"), ip("10.2.1.4"), 40000, 443, 0 };
	probes[1] = (struct obs_probe){ XV_PROTO_ICMP, ip("10.1.1.4"), ip("10.2.1.4"), 77, 0, 0 };
	probes[2] = (struct obs_probe){ XV_PROTO_UDP, ip("10.1.1.4"), ip("10.2.1.4"), 40000, 53, 0 };
	probes[3] = (struct obs_probe){ XV_PROTO_TCP, ip("10.1.1.4"), ip("203.0.113.10"), 40001, 443,
					ip("10.0.1.4") };
	return 0;
}

static int match(const struct xv_event *e)
{
	struct obs_index ix;
	int i;

	obs_index_build(probes, 4, &ix);
	i = obs_match(&ix, probes, e);
	obs_index_free(&ix);
	return i;
}

static void test_match_both_ways(void **state)
{
	struct xv_event req = ev("10.1.1.4", "10.2.1.4", XV_PROTO_TCP, 40000, 443, APP1, FW, XV_FWD);
	struct xv_event rep = ev("10.2.1.4", "10.1.1.4", XV_PROTO_TCP, 443, 40000, APP2, FW, XV_FWD);

	assert_int_equal(match(&req), 0);
	assert_int_equal(match(&rep), 0);
	/* the same ports in UDP are another probe */
	req.proto = XV_PROTO_UDP;
	req.dport = 53;
	assert_int_equal(match(&req), 2);
	/* another source port, another host, or ARP: none */
	req = ev("10.1.1.4", "10.2.1.4", XV_PROTO_TCP, 40002, 443, APP1, FW, XV_FWD);
	assert_int_equal(match(&req), -1);
	req = ev("10.1.1.5", "10.2.1.4", XV_PROTO_TCP, 40000, 443, APP1, FW, XV_FWD);
	assert_int_equal(match(&req), -1);
	req = ev("10.1.1.4", "10.2.1.4", XV_PROTO_TCP, 40000, 443, APP1, FW, XV_FWD);
	req.ethertype = 0x0806;
	assert_int_equal(match(&req), -1);
}

/* An echo request and its reply by id; another ICMP message is no probe's. */
static void test_match_icmp(void **state)
{
	struct xv_event req = ev("10.1.1.4", "10.2.1.4", XV_PROTO_ICMP, 77, XV_ICMP_ECHO << 8,
				 APP1, FW, XV_FWD);
	struct xv_event rep = ev("10.2.1.4", "10.1.1.4", XV_PROTO_ICMP, 77, XV_ICMP_ECHO_REPLY << 8,
				 APP2, FW, XV_FWD);
	struct xv_event unreach = ev("10.2.1.4", "10.1.1.4", XV_PROTO_ICMP, 0, 3 << 8 | 3,
				     APP2, FW, XV_FWD);

	assert_int_equal(match(&req), 1);
	assert_int_equal(match(&rep), 1);
	assert_int_equal(match(&unreach), -1);
	/* an echo reply going the request's way is not the probe's reply */
	rep = ev("10.1.1.4", "10.2.1.4", XV_PROTO_ICMP, 77, XV_ICMP_ECHO_REPLY << 8, APP1, FW, XV_FWD);
	assert_int_equal(match(&rep), -1);
	req.sport = 78;
	assert_int_equal(match(&req), -1);
}

/* After the firewall's source NAT, the request and the reply carry its address. */
static void test_match_translated(void **state)
{
	struct xv_event out = ev("10.0.1.4", "203.0.113.10", XV_PROTO_TCP, 40001, 443, FW, NET, XV_FWD);
	struct xv_event back = ev("203.0.113.10", "10.0.1.4", XV_PROTO_TCP, 443, 40001, NET, FW, XV_FWD);
	struct xv_event other = ev("10.0.1.9", "203.0.113.10", XV_PROTO_TCP, 40001, 443, FW, NET, XV_FWD);

	assert_int_equal(match(&out), 3);
	assert_int_equal(match(&back), 3);
	assert_int_equal(match(&other), -1);
}

static void add(struct obs_flow *f, uint32_t in, uint32_t out, uint8_t verdict)
{
	struct xv_event e = ev("10.1.1.4", "10.2.1.4", XV_PROTO_TCP, 1, 2, in, out, verdict);

	obs_add(f, &e);
}

/* A round trip through the firewall: every node once, in order, no death. */
static void test_build_delivered(void **state)
{
	struct obs_flow f = { 0 };
	struct obs_result r;

	add(&f, APP1, FW, XV_FWD);
	add(&f, FW, APP2, XV_FWD);
	add(&f, APP2, FW, XV_FWD);
	add(&f, FW, APP1, XV_FWD);
	add(&f, APP1, FW, XV_FWD);	/* sent again: nothing new */
	assert_int_equal(f.nhops, 4);
	obs_build(&f, true, &r);
	assert_int_equal(r.nseen, 3);
	assert_int_equal(r.seen[0], APP1);
	assert_int_equal(r.seen[1], FW);
	assert_int_equal(r.seen[2], APP2);
	assert_int_equal(r.died, -1);
}

/* Unanswered: dead in the node nothing came back out of. */
static void test_build_silent_death(void **state)
{
	struct obs_flow f = { 0 };
	struct obs_result r;

	add(&f, APP1, FW, XV_FWD);
	add(&f, FW, GW, XV_FWD);
	add(&f, GW, FW, XV_FWD);	/* the reply, then nothing out of fw */
	obs_build(&f, false, &r);
	assert_int_equal(r.died, FW);
	assert_int_equal(r.drop, XV_FWD);
	assert_int_equal(r.nseen, 3);
}

/*
 * An asymmetric TCP handshake: the SYN through fw, the SYN-ACK around it
 * (sent again), each answered by an ACK that fw drops: it died in fw, not
 * in the gateway the last SYN-ACK went to.
 */
static void test_build_asymmetric(void **state)
{
	struct obs_flow f = { 0 };
	struct obs_result r;

	add(&f, GW, FW, XV_FWD);	/* SYN */
	add(&f, FW, APP1, XV_FWD);
	add(&f, APP1, GW, XV_FWD);	/* SYN-ACK, around fw */
	add(&f, GW, FW, XV_FWD);	/* ACK, dropped in fw */
	add(&f, APP1, GW, XV_FWD);	/* SYN-ACK again */
	add(&f, GW, FW, XV_FWD);
	add(&f, APP1, GW, XV_FWD);	/* and again, the run ends */
	obs_build(&f, false, &r);
	assert_int_equal(r.died, FW);
	assert_int_equal(r.nseen, 3);
}

/* The fabric's drop: at the sending NIC, with its verdict, the receiver unseen. */
static void test_build_fabric_drop(void **state)
{
	struct obs_flow f = { 0 };
	struct obs_result r;

	add(&f, APP1, FW, XV_FWD);
	add(&f, FW, XV_NONE, XV_DROP_NONE_ROUTE);
	obs_build(&f, false, &r);
	assert_int_equal(r.died, FW);
	assert_int_equal(r.drop, XV_DROP_NONE_ROUTE);
	assert_int_equal(r.nseen, 2);
	/* nothing at all: no death known */
	memset(&f, 0, sizeof(f));
	obs_build(&f, false, &r);
	assert_int_equal(r.died, -1);
	assert_int_equal(r.nseen, 0);
}

/* More distinct frames than it keeps: flagged, never overflowing. */
static void test_build_full(void **state)
{
	struct obs_flow f = { 0 };

	for (uint32_t i = 0; i < OBS_MAX_HOPS + 3; i++)
		add(&f, i, i + 1, XV_FWD);
	assert_int_equal(f.nhops, OBS_MAX_HOPS);
	assert_true(f.full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_both_ways),
		cmocka_unit_test(test_match_icmp),
		cmocka_unit_test(test_match_translated),
		cmocka_unit_test(test_build_delivered),
		cmocka_unit_test(test_build_silent_death),
		cmocka_unit_test(test_build_asymmetric),
		cmocka_unit_test(test_build_fabric_drop),
		cmocka_unit_test(test_build_full),
	};

	return cmocka_run_group_tests_name("observe", tests, setup, NULL);
}
