// SPDX-License-Identifier: GPL-2.0
/* conntrack_parse(): which connection tracking lines are source translations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conntrack.h"
#include "ipv4.h"

static uint32_t ip(const char *s)
{
	uint32_t a;

	assert_true(ipv4_parse(s, &a));
	return a;
}

static void test_snat_tcp(void **state)
{
	struct translation t;

	assert_true(conntrack_parse("ipv4     2 tcp      6 119 TIME_WAIT src=10.1.1.4 dst=203.0.113.10 "
				    "sport=58456 dport=443 src=203.0.113.10 dst=10.0.1.4 sport=443 "
				    "dport=58456 [ASSURED] mark=0 zone=0 use=2\n", &t));
	assert_string_equal(t.proto, "tcp");
	assert_int_equal(t.src, ip("10.1.1.4"));
	assert_int_equal(t.dst, ip("203.0.113.10"));
	assert_int_equal(t.dport, 443);
	assert_int_equal(t.as, ip("10.0.1.4"));
}

static void test_snat_icmp_has_no_port(void **state)
{
	struct translation t;

	assert_true(conntrack_parse("ipv4     2 icmp     1 29 src=10.0.1.4 dst=203.0.113.10 type=8 code=0 "
				    "id=11397 src=203.0.113.10 dst=198.51.100.1 type=0 code=0 id=11397 "
				    "mark=0 zone=0 use=2\n", &t));
	assert_string_equal(t.proto, "icmp");
	assert_int_equal(t.dport, 0);
	assert_int_equal(t.as, ip("198.51.100.1"));
}

static void test_untranslated_and_garbage(void **state)
{
	struct translation t;

	assert_false(conntrack_parse("ipv4     2 udp      17 29 src=10.1.1.4 dst=10.2.1.4 sport=1 dport=80 "
				     "src=10.2.1.4 dst=10.1.1.4 sport=80 dport=1 mark=0 use=2\n", &t));
	assert_false(conntrack_parse("ipv6     10 tcp 6 1 src=::1 dst=::1\n", &t));
	assert_false(conntrack_parse("ipv4 2 tcp 6 1 src=10.1.1.4 dst=1.2.3.4\n", &t));
	assert_false(conntrack_parse("", &t));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snat_tcp),
		cmocka_unit_test(test_snat_icmp_has_no_port),
		cmocka_unit_test(test_untranslated_and_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
