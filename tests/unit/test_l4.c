// SPDX-License-Identifier: GPL-2.0
/* xv_l4_parse() (bpf/lib/l4.h) in user space: ports, echo ids, and what carries none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/l4.h"

/* An IPv4 packet of protocol proto, ihl words of header, l4 bytes after it. */
struct ip4 {
	__u8 b[128];
	size_t len;
};

static struct ip4 packet(__u8 proto, unsigned ihl, size_t l4)
{
	struct ip4 p;

	memset(&p, 0, sizeof(p));
	p.b[0] = (__u8)(0x40 | ihl);
	p.b[9] = proto;
	p.len = ihl * 4 + l4;
	return p;
}

static void put16(__u8 *b, __u16 v)
{
	b[0] = (__u8)(v >> 8);
	b[1] = (__u8)v;
}

static struct xv_l4 parse(const struct ip4 *p)
{
	return xv_l4_parse(p->b, p->b + p->len);
}

static void test_ports(void **state)
{
	static const __u8 protos[] = { XV_PROTO_TCP, XV_PROTO_UDP };

	for (int i = 0; i < 2; i++) {
		struct ip4 p = packet(protos[i], 5, 20);
		struct xv_l4 l4;

		put16(p.b + 20, 40001);
		put16(p.b + 22, 443);
		l4 = parse(&p);
		assert_int_equal(l4.sport, 40001);
		assert_int_equal(l4.dport, 443);
	}
}

/* Options move the L4 header: read past them. */
static void test_options(void **state)
{
	struct ip4 p = packet(XV_PROTO_UDP, 7, 8);
	struct xv_l4 l4;

	memset(p.b + 20, 1, 8);		/* NOPs where ports would be without options */
	put16(p.b + 28, 53);
	put16(p.b + 30, 5353);
	l4 = parse(&p);
	assert_int_equal(l4.sport, 53);
	assert_int_equal(l4.dport, 5353);
}

static void test_icmp(void **state)
{
	struct ip4 p = packet(XV_PROTO_ICMP, 5, 8);
	struct xv_l4 l4;

	p.b[20] = XV_ICMP_ECHO;
	put16(p.b + 24, 0x1234);
	l4 = parse(&p);
	assert_int_equal(l4.sport, 0x1234);
	assert_int_equal(XV_L4_ICMP_TYPE(l4), XV_ICMP_ECHO);
	assert_int_equal(XV_L4_ICMP_CODE(l4), 0);

	p.b[20] = XV_ICMP_ECHO_REPLY;
	l4 = parse(&p);
	assert_int_equal(l4.sport, 0x1234);
	assert_int_equal(XV_L4_ICMP_TYPE(l4), XV_ICMP_ECHO_REPLY);

	/* port unreachable: type and code, no id */
	p.b[20] = 3;
	p.b[21] = 3;
	l4 = parse(&p);
	assert_int_equal(l4.sport, 0);
	assert_int_equal(l4.dport, 3 << 8 | 3);
}

/* A first fragment has the header; a later one has none. */
static void test_fragments(void **state)
{
	struct ip4 p = packet(XV_PROTO_TCP, 5, 20);
	struct xv_l4 l4;

	put16(p.b + 20, 1234);
	put16(p.b + 6, 0x2000);		/* more fragments, offset 0 */
	assert_int_equal(parse(&p).sport, 1234);
	put16(p.b + 6, 0x2001);		/* offset 8 */
	l4 = parse(&p);
	assert_int_equal(l4.sport, 0);
	assert_int_equal(l4.dport, 0);
	put16(p.b + 6, 0x0100);		/* the offset's high bits */
	assert_int_equal(parse(&p).sport, 0);
}

/* Cut short, not IPv4, a header shorter than 20 bytes, another protocol: nothing. */
static void test_nothing(void **state)
{
	struct ip4 p = packet(XV_PROTO_UDP, 5, 8);

	put16(p.b + 20, 7);
	assert_int_equal(parse(&p).sport, 7);
	p.len = 27;
	assert_int_equal(parse(&p).sport, 0);
	p.len = 28;
	p.b[0] = 0x65;
	assert_int_equal(parse(&p).sport, 0);
	p.b[0] = 0x44;
	assert_int_equal(parse(&p).sport, 0);
	p.b[0] = 0x45;
	p.b[9] = 47;			/* GRE */
	assert_int_equal(parse(&p).sport, 0);
	assert_int_equal(xv_l4_parse(p.b, p.b + 10).dport, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_nothing),
	};

	return cmocka_run_group_tests_name("l4", tests, NULL, NULL);
}
