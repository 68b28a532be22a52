// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel dataplane's script (deploy --dataplane kernel), line by line
 * from a real topology through the real route engine: a rule per NIC, each
 * subnet's effective routes in its table as the XDP compiler resolves them
 * (VnetLocal and peering to the NICs' /32s, UDRs to the appliance, learned
 * routes to the gateway, None and unowned space dropped), the Internet
 * edge's table, neighbours and the subnets' gateway addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel_dataplane.h"
#include "topo.h"

static const char yaml[] =
	"name: kd\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
	"      - {name: fw, addressPrefix: 10.0.1.0/24}\n"
	"  - name: spoke1\n"
	"    addressSpace: [10.1.0.0/16]\n"
	"    subnets:\n"
	"      - {name: app, addressPrefix: 10.1.1.0/24, routeTable: rt}\n"
	"peerings:\n"
	"  - {from: hub, to: spoke1, allowGatewayTransit: true}\n"
	"  - {from: spoke1, to: hub, useRemoteGateways: true, allowForwardedTraffic: true}\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    disableBgpRoutePropagation: true\n"
	"    routes:\n"
	"      - {name: fw, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
	"      - {name: hole, addressPrefix: 172.31.0.0/16, nextHopType: None}\n"
	"      - {name: direct, addressPrefix: 10.0.1.5/32, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
	"gateways:\n"
	"  - {name: gw, vnet: hub, type: Vpn}\n"
	"sites:\n"
	"  - name: dc1\n"
	"    addressSpace: [192.168.0.0/16]\n"
	"    hosts: [{name: srv, ip: 192.168.1.10}]\n"
	"connections:\n"
	"  - {name: c1, gateway: gw, site: dc1}\n"
	"vms:\n"
	"  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n"
	"  - {name: db, subnet: hub/fw, ip: 10.0.1.5}\n"
	"  - {name: app, subnet: spoke1/app, ip: 10.1.1.4}\n"
	"  - {name: app2, subnet: spoke1/app, ip: 10.1.1.5}\n"
	"internet:\n"
	"  hosts: [{name: web, ip: 203.0.113.10}]\n";

/* Subnets in declaration order: GatewaySubnet 1000, fw 1001, app 1002; Internet 1003. */
static char *script;

static int setup(void **state)
{
	static struct topology t;
	static struct engine e;
	static const char *const ifnames[] = { "v-fw", "v-db", "v-app", "v-app2", "g-gw", "i-inet" };
	struct fabric_nic nics[] = {
		{ XV_NIC_VM, 0, 11, { 2, 0, 0, 0, 0, 1 } },
		{ XV_NIC_VM, 1, 12, { 2, 0, 0, 0, 0, 2 } },
		{ XV_NIC_VM, 2, 13, { 2, 0, 0, 0, 0, 3 } },
		{ XV_NIC_VM, 3, 14, { 2, 0, 0, 0, 0, 4 } },
		{ XV_NIC_GATEWAY, 0, 15, { 2, 0, 0, 0, 0, 5 } },
		{ XV_NIC_INTERNET, -1, 16, { 2, 0, 0, 0, 0, 6 } },
	};
	struct diags d = { 0 };

	if (topo_parse("kd.yaml", yaml, strlen(yaml), &t, &d)) {
		for (int i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		return -1;
	}
	diags_free(&d);
	engine_build(&e, &t);
	script = kernel_dataplane_script(&t, &e, nics, ifnames, 6);
	return script ? 0 : -1;
}

static int teardown(void **state)
{
	free(script);
	return 0;
}

static void has(const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(script, want) && strncmp(script, want + 1, strlen(want + 1)))
		fail_msg("no line '%s' in:\n%s", line, script);
}

static void lacks(const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (strstr(script, want))
		fail_msg("line '%s' should not be in:\n%s", line, script);
}

static void test_rules_and_neighbours(void **state)
{
	has("rule add iif v-fw lookup 1001 pref 100");
	has("rule add iif v-app lookup 1002 pref 100");
	has("rule add iif g-gw lookup 1000 pref 100");
	has("rule add iif i-inet lookup 1003 pref 100");
	has("link set dev v-app address 12:34:56:78:9a:bc");
	has("neigh replace 10.1.1.4 lladdr 02:00:00:00:00:03 dev v-app nud permanent");
	has("neigh replace 10.0.255.4 lladdr 02:00:00:00:00:05 dev g-gw nud permanent");
	has("neigh replace 203.0.113.10 lladdr 02:00:00:00:00:06 dev i-inet nud permanent");
	has("address add 10.1.1.1/32 dev lo");
	has("address add 10.0.255.1/32 dev lo");
}

static void test_spoke_table(void **state)
{
	/* The UDRs: 0/0 and a /32 to the firewall, None dropped. */
	has("route replace 0.0.0.0/0 via 10.0.1.4 dev v-fw onlink table 1002");
	has("route replace 10.0.1.5/32 via 10.0.1.4 dev v-fw onlink table 1002");
	has("route replace blackhole 172.31.0.0/16 table 1002");
	/* VnetLocal and the peering: unowned space dropped, NICs as /32s... */
	has("route replace blackhole 10.1.0.0/16 table 1002");
	has("route replace blackhole 10.0.0.0/16 table 1002");
	has("route replace 10.1.1.5/32 dev v-app2 table 1002");
	has("route replace 10.0.1.4/32 dev v-fw table 1002");
	/* ... but not db's, which the /32 UDR sends to the firewall. */
	lacks("route replace 10.0.1.5/32 dev v-db table 1002");
	/* Propagation off: no learned route. */
	lacks("route replace 192.168.0.0/16 via 10.0.255.4 dev g-gw onlink table 1002");
}

static void test_hub_and_internet_tables(void **state)
{
	/* The firewall's subnet learns the site through the gateway, goes out to the Internet. */
	has("route replace 192.168.0.0/16 via 10.0.255.4 dev g-gw onlink table 1001");
	has("route replace 0.0.0.0/0 dev i-inet table 1001");
	has("route replace 10.0.1.5/32 dev v-db table 1001");
	has("route replace 10.1.1.4/32 dev v-app table 1001");
	/* The Internet edge reaches every VNet's NICs, nothing else of their space. */
	has("route replace blackhole 10.1.0.0/16 table 1003");
	has("route replace 10.1.1.4/32 dev v-app table 1003");
	has("route replace 10.0.255.4/32 dev g-gw table 1003");
	lacks("route replace 0.0.0.0/0 dev i-inet table 1003");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_and_neighbours),
		cmocka_unit_test(test_spoke_table),
		cmocka_unit_test(test_hub_and_internet_tables),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
