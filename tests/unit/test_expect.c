// SPDX-License-Identifier: GPL-2.0
/* expect_parse(): the expected flows of xvnet verify, and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "expect.h"

static struct expectation *e;
static int n;
static struct diags d;

static int parse(const char *yaml)
{
	expect_free(e, n);
	diags_free(&d);
	return expect_parse("x.yaml", yaml, strlen(yaml), &e, &n, &d);
}

static int teardown(void **state)
{
	expect_free(e, n);
	e = NULL;
	n = 0;
	diags_free(&d);
	return 0;
}

static void test_list(void **state)
{
	assert_int_equal(parse("- {from: app1, to: web, protocol: tcp, port: 443, result: Delivered, via: [fw, internet]}\n"
			       "- {from: dc1-srv, to: 10.1.1.4, result: Dropped}\n"
			       "- {from: app1, to: app2, port: 22, result: Delivered}\n"), 0);
	assert_int_equal(n, 3);
	assert_string_equal(e[0].from, "app1");
	assert_int_equal(e[0].proto, FW_TCP);
	assert_int_equal(e[0].port, 443);
	assert_true(e[0].delivered);
	assert_int_equal(e[0].nvia, 2);
	assert_string_equal(e[0].via[1], "internet");
	assert_int_equal(e[1].proto, FW_ICMP);
	assert_false(e[1].delivered);
	assert_int_equal(e[1].pos.line, 2);
	assert_int_equal(e[2].proto, FW_TCP);	/* a port alone means tcp */
}

static void test_topology_section(void **state)
{
	assert_int_equal(parse("name: lab\nvnets: []\nexpect:\n  - {from: a, to: b, result: Dropped}\n"), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].pos.line, 4);
	assert_int_equal(parse("name: lab\nvnets: []\n"), -1);
	assert_non_null(strstr(d.lines[0], "x.yaml: error: no expected flows"));
}

static void test_errors_at_their_place(void **state)
{
	assert_int_equal(parse("- {from: a, to: b, result: Maybe}\n"
			       "- {from: a, protocol: tcp, result: Dropped}\n"
			       "- {from: a, to: b, protocol: icmp, port: 7, result: Dropped}\n"
			       "- {from: a, to: b, protocol: sctp, result: Dropped}\n"
			       "- {from: a, to: b, result: Dropped, where: here}\n"
			       "- {from: a, to: b, port: 70000, result: Dropped}\n"), -1);
	assert_int_equal(n, 0);
	assert_null(e);
	assert_int_equal(d.n, 7);
	assert_string_equal(d.lines[0], "x.yaml:1:28: error: result 'Maybe': use Delivered or Dropped");
	assert_non_null(strstr(d.lines[1], "x.yaml:2:3: error: an expected flow needs 'to'"));
	assert_non_null(strstr(d.lines[2], "x.yaml:2:"));
	assert_non_null(strstr(d.lines[2], "a tcp flow needs a port"));
	assert_non_null(strstr(d.lines[3], "x.yaml:3:"));
	assert_non_null(strstr(d.lines[3], "an icmp flow has no port"));
	assert_non_null(strstr(d.lines[4], "protocol 'sctp'"));
	assert_non_null(strstr(d.lines[5], "x.yaml:5:37: error: unknown key 'where'"));
	assert_non_null(strstr(d.lines[6], "port '70000'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_list, teardown),
		cmocka_unit_test_teardown(test_topology_section, teardown),
		cmocka_unit_test_teardown(test_errors_at_their_place, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
