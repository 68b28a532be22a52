// SPDX-License-Identifier: GPL-2.0
/*
 * Route engine tests of user-defined routes: route tables, VnetLocal
 * outside the VNet, hairpins, NVAs in their own subnet.
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

/* ---- User routes ------------------------------------------------------ */

static void test_longest_prefix_appliance_udr_more_specific(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      UDR_VA("to-dc", "192.0.2.128/25", "10.0.1.4"), "");
	assert_lookup("spoke1/app", "192.0.2.200", "VirtualAppliance 10.0.1.4");
	assert_lookup("spoke1/app", "192.0.2.10", "VirtualNetworkGateway 10.0.255.4");
}

static void test_vnetlocal_outside_vnet_is_none(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      "{name: local-hub, addressPrefix: 10.0.0.0/16, nextHopType: VnetLocal}", "");
	ROUTES("spoke1/app",
	       "Default Active 10.1.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "Default Invalid 10.0.0.0/16 VNetPeering",
	       "User Active 10.0.0.0/16 VnetLocal",
	       GW_ROWS("Active"));
	assert_lookup("spoke1/app", "10.0.1.4", "VnetLocal as None");
	assert_path("app1", "10.0.1.4", "spoke1/app => drop:NoneRoute");
}

static void test_vnetlocal_udr_inside_vnet_stays_local(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      "{name: local, addressPrefix: 10.1.1.0/24, nextHopType: VnetLocal}", "");
	assert_lookup("spoke1/app", "10.1.1.9", "VnetLocal");
	assert_path("app1", "10.1.1.9", "spoke1/app => drop:NoNicOwnsAddress");
}

/*
 * VnetLocal outside the VNet: the whole UDR prefix is checked against the
 * VNet, not its first address.
 */
static void test_vnetlocal_outside_vnet_checks_whole_prefix(void **state)
{
	loadf(edge_fmt, "{name: l, addressPrefix: 10.0.0.0/8, nextHopType: VnetLocal}",
	      "192.0.2.0/24", "192.0.2.10");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet",
	       "Default Invalid 10.0.0.0/8 None",
	       "Default Active 172.16.0.0/12 None",
	       "Default Active 192.168.0.0/16 None",
	       "Default Active 100.64.0.0/10 None",
	       "User Active 10.0.0.0/8 VnetLocal",
	       "VirtualNetworkGateway Active 192.0.2.0/24 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "10.9.0.1", "VnetLocal as None");
	assert_path("a1", "10.9.0.1", "v/a => drop:NoneRoute");
	assert_lookup("v/a", "10.0.1.9", "VnetLocal");
}

/*
 * VnetLocal outside the VNet, VNet routes win: a VnetLocal UDR outside the
 * VNet, programmed as None, protects nothing: a learned /25 nested in it
 * stays Active and wins.
 */
static void test_vnetlocal_outside_vnet_does_not_protect(void **state)
{
	loadf(edge_fmt, "{name: l, addressPrefix: 192.0.2.0/24, nextHopType: VnetLocal}",
	      "192.0.2.128/25", "192.0.2.130");
	ROUTES("v/a",
	       "Default Active 10.0.0.0/16 VnetLocal",
	       "Default Active 0.0.0.0/0 Internet", DEFAULT_NONE_ROWS,
	       "User Active 192.0.2.0/24 VnetLocal",
	       "VirtualNetworkGateway Active 192.0.2.128/25 VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "192.0.2.200", "VirtualNetworkGateway 10.0.255.4");
	assert_lookup("v/a", "192.0.2.10", "VnetLocal as None");
	assert_path("a1", "192.0.2.130", "v/a gw:gw => site:dc");
	assert_path("a1", "192.0.2.10", "v/a => drop:NoneRoute");
}

static void test_from_the_nic_intra_subnet_hairpin(void **state)
{
	loadf(hairpin_fmt, "10.0.2.4", "true");
	assert_path("a1", "10.0.1.5", "v/a v/nva => vm:a2");
	assert_path("a1", "10.0.2.4", "v/a => vm:nva");
}

/* Loops: an appliance in the workload subnet loops (same packet, same subnet). */
static void test_loops_appliance_in_own_subnet(void **state)
{
	loadf(hairpin_fmt, "10.0.1.4", "true");
	assert_path("a2", "10.0.1.6", "v/a => drop:RoutingLoop");
	assert_path("a2", "10.0.1.4", "v/a => vm:a1");
}

#define T(fn) cmocka_unit_test_teardown(fn, unload)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_longest_prefix_appliance_udr_more_specific),
		T(test_loops_appliance_in_own_subnet),
		T(test_vnetlocal_outside_vnet_is_none),
		T(test_vnetlocal_udr_inside_vnet_stays_local),
		T(test_vnetlocal_outside_vnet_checks_whole_prefix),
		T(test_vnetlocal_outside_vnet_does_not_protect),
		T(test_from_the_nic_intra_subnet_hairpin),
	};

	return cmocka_run_group_tests_name("engine_udr", tests, NULL, NULL);
}
