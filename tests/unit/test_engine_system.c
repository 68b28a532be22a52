// SPDX-License-Identifier: GPL-2.0
/*
 * Route engine tests of a subnet's system (Default) routes: one per address
 * range, the Internet, the reserved None prefixes and when they go.
 * Tests are named after the rules of docs/routing.md they check;
 * topologies are inline YAML (engine_topos.h has the shared ones).
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
#include "engine_assert.h"
#include "engine_topos.h"

/* ---- Default routes --------------------------------------------------- */

static void test_address_space_one_route_per_range(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [10.0.0.0/16, 10.5.0.0/16]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 10.0.1.0/24}\n");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 10.5.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       DEFAULT_NONE_ROWS);
}

static const char *two_subnets =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24}\n"
	"      - {name: b, addressPrefix: 10.0.2.0/24}\n"
	"vms:\n"
	"  - {name: vm-a, subnet: v/a, ip: 10.0.1.4}\n"
	"  - {name: vm-b, subnet: v/b, ip: 10.0.2.4}\n";

static void test_address_space_no_route_per_subnet(void **state)
{
	load(two_subnets);
	ROUTES("v/a", "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
	ROUTES("v/b", "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
	assert_path("vm-a", "10.0.2.4", "v/a => vm:vm-b");
}

static void test_reserved_prefix_equal_to_range_is_vnetlocal(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [172.16.0.0/12]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 172.16.1.0/24}\n");
	ROUTES("v/a",
	       "Default Active 172.16.0.0/12 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Active 10.0.0.0/8 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None");
}

static void test_reserved_prefix_containing_range_removes_none_route(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [192.168.0.0/15]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 192.168.1.0/24}\n");
	ROUTES("v/a",
	       "Default Active 192.168.0.0/15 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Active 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Active 100.64.0.0/10 None");
}

/*
 * Reserved prefix in the address space: a range inside a reserved prefix
 * keeps the None route; LPM decides.
 */
static void test_reserved_prefix_inside_range_keeps_none_route(void **state)
{
	load(two_subnets);
	ROUTES("v/a", "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
	assert_lookup("v/a", "10.0.9.9", "VnetLocal");
	assert_lookup("v/a", "10.1.0.1", "None");
}

static void test_reserved_prefixes_none_drops(void **state)
{
	load(two_subnets);
	assert_path("vm-a", "192.168.7.7", "v/a => drop:NoneRoute");
	assert_path("vm-a", "100.64.0.1", "v/a => drop:NoneRoute");
}

static void test_internet_default(void **state)
{
	load(two_subnets);
	assert_lookup("v/a", "203.0.113.10", "Internet");
	assert_path("vm-a", "203.0.113.10", "v/a => internet");
}

static void test_forced_tunnel_udr_default_to_appliance_removes_none(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 VirtualAppliance 10.0.2.4",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	/* The other subnets keep them. */
	ROUTES("v/nva",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "172.20.0.1", "VirtualAppliance 10.0.2.4");
}

static void test_forced_tunnel_udr_default_to_gateway_removes_none(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualNetworkGateway}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 VirtualNetworkGateway",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
}

static void test_forced_tunnel_bgp_default_removes_none(void **state)
{
	loadf(forced_fmt, "false", "", "0.0.0.0/0");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "VirtualNetworkGateway Active 0.0.0.0/0 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "192.168.1.1", "VirtualNetworkGateway 10.0.255.4");
}

/*
 * Forced tunnel removes reserved prefixes, a reading: a UDR 0/0 -> None or ->
 * Internet keeps the None routes.
 */
static void test_forced_tunnel_udr_default_to_none_or_internet_keeps_none(void **state)
{
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: None}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 None", DEFAULT_NONE_ROWS,
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	loadf(forced_fmt, "false",
	      "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: Internet}",
	      "192.0.2.0/24");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
}

/* A BGP 0/0 that propagation keeps away removes nothing (Route propagation first). */
static void test_forced_tunnel_suppressed_bgp_default_keeps_none(void **state)
{
	loadf(forced_fmt, "true", "", "0.0.0.0/0");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS);
}

/* A BGP 10/8 beats the reserved None row at equal prefix (Gateway beats Default). */
static void test_gateway_beats_default_bgp_beats_reserved_none(void **state)
{
	loadf(forced_fmt, "false", "", "10.0.0.0/8");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Invalid 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None",
	       "VirtualNetworkGateway Active 10.0.0.0/8 VirtualNetworkGateway 10.0.255.4");
}

static void test_more_reserved_prefixes_extra_none_list(void **state)
{
	static const struct prefix extra[] = { { 0x7f000000, 8 } }; /* 127/8 */
	const struct engine_opts o = { .extra_none = extra, .nextra_none = 1 };

	loadf_opts(&o, forced_fmt, "false",
		   "{name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.2.4}",
		   "192.0.2.0/24");
	ROUTES("v/nva",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Active 127.0.0.0/8 None",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	/* Removed with the reserved four under a forced-tunnel 0/0. */
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Invalid 0.0.0.0/0 Internet",
	       "User Active 0.0.0.0/0 VirtualAppliance 10.0.2.4",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
}

#define T(fn) cmocka_unit_test_teardown(fn, unload)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_address_space_one_route_per_range),
		T(test_address_space_no_route_per_subnet),
		T(test_reserved_prefix_equal_to_range_is_vnetlocal),
		T(test_reserved_prefix_containing_range_removes_none_route),
		T(test_reserved_prefix_inside_range_keeps_none_route),
		T(test_reserved_prefixes_none_drops),
		T(test_internet_default),
		T(test_forced_tunnel_udr_default_to_appliance_removes_none),
		T(test_forced_tunnel_udr_default_to_gateway_removes_none),
		T(test_forced_tunnel_bgp_default_removes_none),
		T(test_forced_tunnel_udr_default_to_none_or_internet_keeps_none),
		T(test_forced_tunnel_suppressed_bgp_default_keeps_none),
		T(test_gateway_beats_default_bgp_beats_reserved_none),
		T(test_more_reserved_prefixes_extra_none_list),
	};

	return cmocka_run_group_tests_name("engine_system", tests, NULL, NULL);
}
