// SPDX-License-Identifier: GPL-2.0
/*
 * The names table stats and trace read instead of the topology: NIC slots,
 * own routes with the subnets their table serves, learned routes by id and
 * by the (counter, length) a traced frame carries, and numbers when there
 * is no table. Built from real topologies through the compiler.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compile.h"
#include "fabric_names.h"
#include "topo.h"

struct fixture {
	struct topology t;
	struct engine e;
	struct fabric_nic *nics;
	int n;
	struct fabric_image img;
	struct fabric_names names;
};

/* Every VM, then every gateway, then the Internet edge: as a lab's plan has them. */
static void build(struct fixture *f, const char *yaml)
{
	struct diags d = { 0 };
	char err[256];

	memset(f, 0, sizeof(*f));
	if (topo_parse("t.yaml", yaml, strlen(yaml), &f->t, &d))
		fail_msg("%s", d.lines[0]);
	engine_build(&f->e, &f->t);
	f->nics = calloc(f->t.nvms + f->t.ngateways + 1, sizeof(*f->nics));
	for (int i = 0; i < f->t.nvms; i++)
		f->nics[f->n++] = (struct fabric_nic){ XV_NIC_VM, i, 0, { 2, 0, 0, 0, 0, i } };
	for (int i = 0; i < f->t.ngateways; i++)
		f->nics[f->n++] = (struct fabric_nic){ XV_NIC_GATEWAY, i, 0, { 2, 0, 0, 1, 0, i } };
	f->nics[f->n++] = (struct fabric_nic){ XV_NIC_INTERNET, -1, 0, { 2, 0, 0, 2, 0, 0 } };
	assert_int_equal(fabric_compile(&f->t, &f->e, f->nics, f->n, &f->img, err, sizeof(err)), 0);
	fabric_names_build(&f->t, &f->e, &f->img, &f->names);
}

static void unbuild(struct fixture *f)
{
	fabric_names_free(&f->names);
	fabric_image_free(&f->img);
	free(f->nics);
	engine_free(&f->e);
	topo_free(&f->t);
}

static char *file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(fp);
	assert_true(fread(buf, 1, (1 << 16) - 1, fp) > 0);
	fclose(fp);
	return buf;
}

/* The own route named route in the table of table; -1: none. */
static int find_route(const struct fabric_names *n, const char *table, const char *route)
{
	for (int i = 0; i < n->nown; i++)
		if (!strcmp(n->routes[i].table, table) && !strcmp(n->routes[i].route, route))
			return i;
	return -1;
}

static void test_hub_spoke(void **state)
{
	char *yaml = file("examples/hub-spoke.yaml"), buf[128];
	const struct fabric_names *n;
	struct fixture f;
	int gw_counter;

	build(&f, yaml);
	n = &f.names;
	assert_int_equal(n->nnics, 5);
	assert_string_equal(fabric_names_nic(n, 0, buf, sizeof(buf)), "fw (hub/fw)");
	assert_string_equal(fabric_names_nic(n, 1, buf, sizeof(buf)), "app1 (spoke1/app)");
	assert_string_equal(fabric_names_nic(n, 3, buf, sizeof(buf)), "hub-gw (hub/GatewaySubnet)");
	assert_string_equal(fabric_names_nic(n, 4, buf, sizeof(buf)), "Internet");
	assert_string_equal(fabric_names_nic(n, 5, buf, sizeof(buf)), "nic 5");

	/* Own routes, as effective routes show them, in their table. */
	assert_true(find_route(n, "spoke1/app", "0.0.0.0/0 User VirtualAppliance 10.0.1.4") >= 0);
	assert_true(find_route(n, "hub/GatewaySubnet",
			       "10.2.0.0/16 User VirtualAppliance 10.0.1.4") >= 0);
	assert_true(find_route(n, "hub/fw", "10.0.0.0/16 Default VnetLocal") >= 0);
	for (int i = 0; i < n->nown; i++)
		assert_string_equal(fabric_names_route(n, i, 0, buf, sizeof(buf)),
				    n->routes[i].route);
	assert_int_equal(n->nown, f.img.nown);
	assert_int_equal(fabric_names_hits(n), f.img.nhits);

	/* hub-gw learns dc1's 192.168.0.0/16: one counter, named by its gateway. */
	gw_counter = n->nown;
	assert_string_equal(fabric_names_table(n, gw_counter), "hub-gw");
	assert_string_equal(fabric_names_table(n, gw_counter + 1), "-");
	assert_int_equal(n->gateways[0].nprefixes, 1);
	assert_string_equal(fabric_names_route(n, n->gateways[0].first, 0, buf, sizeof(buf)),
			    "192.168.0.0/16 VirtualNetworkGateway VirtualNetworkGateway 10.0.255.4");
	/* A traced frame: the set's counter and the route's length, the prefix from dst. */
	assert_string_equal(fabric_names_route(n, XV_ROUTE_ID_GW | 16u << XV_TRIE_LEN_SHIFT |
					       (__u32)gw_counter, htonl(0xc0a8010a), buf,
					       sizeof(buf)),
			    "192.168.0.0/16 VirtualNetworkGateway VirtualNetworkGateway 10.0.255.4");
	assert_null(fabric_names_route(n, XV_NONE, 0, buf, sizeof(buf)));
	unbuild(&f);
	free(yaml);
}

/* Two subnets of a VNet with the same routes share a table: named by both. */
static void test_shared_table(void **state)
{
	static const char yaml[] =
		"name: st\n"
		"vnets:\n"
		"  - name: v\n"
		"    addressSpace: [10.0.0.0/16]\n"
		"    subnets:\n"
		"      - {name: a, addressPrefix: 10.0.1.0/24}\n"
		"      - {name: b, addressPrefix: 10.0.2.0/24}\n"
		"vms:\n"
		"  - {name: vma, subnet: v/a}\n"
		"  - {name: vmb, subnet: v/b}\n";
	struct fixture f;
	char buf[64];

	build(&f, yaml);
	assert_true(find_route(&f.names, "v/a, v/b", "10.0.0.0/16 Default VnetLocal") >= 0);
	assert_string_equal(fabric_names_nic(&f.names, 1, buf, sizeof(buf)), "vmb (v/b)");
	unbuild(&f);
}

/* Without a table (a fabric xvnet did not deploy), everything by number. */
static void test_unnamed(void **state)
{
	char buf[32];

	assert_string_equal(fabric_names_nic(NULL, 3, buf, sizeof(buf)), "nic 3");
	assert_string_equal(fabric_names_route(NULL, 12, 0, buf, sizeof(buf)), "route 12");
	assert_null(fabric_names_route(NULL, XV_NONE, 0, buf, sizeof(buf)));
	assert_string_equal(fabric_verdict_name(XV_DROP_NO_OWNER), "NoNicOwnsAddress");
	assert_string_equal(fabric_verdict_name(XV_VERDICT__COUNT), "Unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hub_spoke),
		cmocka_unit_test(test_shared_table),
		cmocka_unit_test(test_unnamed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
