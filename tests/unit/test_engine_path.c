// SPDX-License-Identifier: GPL-2.0
/*
 * Route engine tests of the hop-by-hop path: forwarding, every drop
 * reason and delivery kind, firewall NVAs.
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

/* ---- forwarding ------------------------------------------------------- */

/* In a subnet (VirtualAppliance): the NVA's re-sent packet follows the NVA subnet's routes. */
static void test_appliance_resends_with_its_subnet_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT ", allowForwardedTraffic: true",
	      "disableBgpRoutePropagation: true",
	      UDR_VA("d", "0.0.0.0/0", "10.0.1.4"), "");
	assert_path("app1", "192.0.2.10", "spoke1/app hub/fw gw:gw => site:dc");
	assert_path("app1", "203.0.113.5", "spoke1/app hub/fw => internet");
}

/* GatewaySubnet entry: traffic arriving from a gateway uses the GatewaySubnet's routes. */
static void test_gateway_subnet_entry_uses_gateway_subnet_routes(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT ", allowForwardedTraffic: true", NO_FLAGS, "",
	      UDR_VA("s1", "10.1.0.0/16", "10.0.1.4"));
	assert_path("dc-srv", "10.1.1.4",
		    "site:dc gw:gw hub/GatewaySubnet hub/fw => vm:app1");
	/* Without the UDR the gateway delivers over the peering itself. */
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("dc-srv", "10.1.1.4", "site:dc gw:gw hub/GatewaySubnet => vm:app1");
}

/* The path of gateway g's own packet to dst (its answer to a packet for its address). */
static void assert_gateway_sends(const char *gw, const char *dst, const char *want)
{
	struct flow f = { topo.gateways[0].ip, ip(dst), FW_ICMP, 0 };
	struct origin o = { .is_gateway = true, .index = -1 };
	struct path p;

	for (int g = 0; g < topo.ngateways; g++)
		if (!strcmp(topo.gateways[g].name, gw))
			o.index = g;
	assert_true(o.index >= 0);
	f.src = topo.gateways[o.index].ip;
	engine_path(&eng, o, &f, &p);
	assert_path_str(&p, gw, dst, want);
}

/*
 * Gateway's own address: a packet for it is delivered to the gateway,
 * from a VNet and from a site; its answer is forwarded as the gateway
 * forwards: into the VNet through the GatewaySubnet's routes (a user route
 * there included), to a site by what it learned.
 */
static void test_gateway_own_address(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT ", allowForwardedTraffic: true", NO_FLAGS, "",
	      UDR_VA("s1", "10.1.0.0/16", "10.0.1.4"));
	assert_path("app1", "10.0.255.4", "spoke1/app => gateway:gw");
	assert_path("fw", "10.0.255.4", "hub/fw => gateway:gw");
	assert_path("dc-srv", "10.0.255.4", "site:dc gw:gw => gateway:gw");
	assert_gateway_sends("gw", "10.1.1.4", "gw:gw hub/GatewaySubnet hub/fw => vm:app1");
	assert_gateway_sends("gw", "10.0.1.4", "gw:gw hub/GatewaySubnet => vm:fw");
	assert_gateway_sends("gw", "192.0.2.10", "gw:gw => site:dc");
	assert_gateway_sends("gw", "172.16.0.1", "gw:gw => drop:NoGatewayRoute");
}

/*
 * Site longest prefix for a packet a site receives: dc1 (192.168.0.0/16,
 * on the circuit and, as backup, on the VPN gateway) learned dr's
 * 192.168.100.0/24 from the VPN gateway: the ExpressRoute gateway's answer
 * to dr-srv reaches dc1 over the circuit and goes on to dr.
 */
static const char *site_transit_yaml =
	"name: t\n"
	"vnets:\n"
	"  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}\n"
	"gateways:\n"
	"  - {name: vpn, vnet: hub, type: Vpn, bgp: true}\n"
	"  - {name: er, vnet: hub, type: ExpressRoute}\n"
	"sites:\n"
	"  - {name: dc1, addressSpace: [192.168.0.0/16], hosts: [{name: dc1-srv, ip: 192.168.1.10}]}\n"
	"  - {name: dr, addressSpace: [192.168.100.0/24], hosts: [{name: dr-srv, ip: 192.168.100.10}]}\n"
	"circuits: [{name: er1, sites: [dc1]}]\n"
	"connections:\n"
	"  - {name: c-er, gateway: er, circuit: er1}\n"
	"  - {name: c-dc1, gateway: vpn, site: dc1}\n"
	"  - {name: c-dr, gateway: vpn, site: dr}\n";

static void test_site_passes_on_what_it_learned_longer(void **state)
{
	load(site_transit_yaml);
	assert_gateway_sends("er", "192.168.100.10", "gw:er er:er1 site:dc1 gw:vpn => site:dr");
	assert_gateway_sends("er", "192.168.1.10", "gw:er er:er1 => site:dc1");
	assert_path("dr-srv", "10.0.255.5", "site:dr gw:vpn hub/GatewaySubnet => gateway:er");
}

/*
 * GatewaySubnet entry, VNet routes win: a site advertises 10.0.5.0/24 inside the hub's range; a
 * packet from another site reaching the gateway goes into the hub (the
 * gateway tries its own VNet's ranges before what it learned).
 */
static const char *nested_site_yaml =
	"name: t\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
	"      - {name: web, addressPrefix: 10.0.5.0/24}\n"
	"gateways:\n"
	"  - {name: gw, vnet: hub, type: Vpn, ip: 10.0.255.4}\n"
	"sites:\n"
	"  - {name: dc, addressSpace: [10.0.5.0/24, 192.0.2.0/24]}\n"
	"  - name: branch\n"
	"    addressSpace: [198.51.100.0/24]\n"
	"    hosts: [{name: br-srv, ip: 198.51.100.10}]\n"
	"connections:\n"
	"  - {name: c-dc, gateway: gw, site: dc}\n"
	"  - {name: c-br, gateway: gw, site: branch}\n"
	"vms:\n"
	"  - {name: web1, subnet: hub/web, ip: 10.0.5.4}\n";

static void test_gateway_subnet_entry_beats_learned_routes(void **state)
{
	const struct gw_routes *gr;
	bool learned = false;

	load(nested_site_yaml);
	/* The gateway did learn 10.0.5.0/24 from dc. */
	gr = &eng.gw[0];
	for (int i = 0; i < gr->n; i++)
		learned |= gr->routes[i].prefix.addr == ip("10.0.5.0") &&
			   gr->routes[i].prefix.len == 24 &&
			   gr->routes[i].via == VIA_SITE;
	assert_true(learned);
	assert_path("br-srv", "10.0.5.4", "site:branch gw:gw hub/GatewaySubnet => vm:web1");
}

/* ---- path: every drop reason and delivery kind ----------------------- */

static void test_path_delivered_to_gateway(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("app1", "10.0.255.4", "spoke1/app => gateway:gw");
	assert_path("dc-srv", "10.0.255.4", "site:dc gw:gw => gateway:gw");
}

static void test_path_drop_no_nic_owns_address(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("app1", "10.1.9.9", "spoke1/app => drop:NoNicOwnsAddress");
	assert_path("app1", "10.0.7.7", "spoke1/app => drop:NoNicOwnsAddress");
}

static void test_path_drop_ip_forwarding_disabled(void **state)
{
	struct path p;

	loadf(hairpin_fmt, "10.0.2.4", "false");
	assert_path("a1", "10.0.1.5", "v/a => drop:IpForwardingDisabled");
	/* Source check: a VM without forwarding sending a foreign source. */
	trace("a2", ip("10.9.9.9"), "10.0.2.4", FW_ICMP, 0, &p);
	assert_path_str(&p, "a2", "10.0.2.4", "=> drop:IpForwardingDisabled");
	/* a1 has IP forwarding: it may. */
	trace("a1", ip("10.9.9.9"), "10.0.2.4", FW_ICMP, 0, &p);
	assert_path_str(&p, "a1", "10.0.2.4", "v/a => vm:nva");
}

static void test_path_drop_virtual_appliance_unreachable(void **state)
{
	loadf(hairpin_fmt, "10.0.2.99", "true");
	assert_path("a1", "10.0.1.5", "v/a => drop:VirtualApplianceUnreachable");
}

/* Appliance reach: an appliance behind a peering is in reach, one hop further not. */
static void test_appliance_reach_is_direct_peers_only(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      UDR_VA("d", "203.0.113.0/24", "10.0.1.4") ", "
	      UDR_VA("e", "198.18.0.0/15", "10.2.1.4"), "");
	assert_path("app1", "203.0.113.9", "spoke1/app hub/fw => internet");
	assert_path("app1", "198.18.0.1", "spoke1/app => drop:VirtualApplianceUnreachable");
}

static const char *firewall_yaml =
	"name: t\n"
	"vnets:\n"
	"  - name: v\n"
	"    addressSpace: [10.0.0.0/16]\n"
	"    subnets:\n"
	"      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: rt}\n"
	"      - {name: fw, addressPrefix: 10.0.2.0/24}\n"
	"routeTables:\n"
	"  - name: rt\n"
	"    routes:\n"
	"      - {name: d, addressPrefix: 0.0.0.0/0, nextHopType: VirtualAppliance,\n"
	"         nextHopIpAddress: 10.0.2.4}\n"
	"vms:\n"
	"  - name: fw\n"
	"    subnet: v/fw\n"
	"    ip: 10.0.2.4\n"
	"    enableIpForwarding: true\n"
	"    firewall:\n"
	"      defaultAction: Deny\n"
	"      rules:\n"
	"        - {name: web, action: Allow, protocol: Tcp, source: 10.0.1.0/24,\n"
	"           destination: Any, destinationPorts: \"80,443,8000-8080\"}\n"
	"        - {name: no-dns, action: Deny, protocol: Udp, source: Any,\n"
	"           destination: [203.0.113.53/32, 203.0.113.54, 198.51.100.53],\n"
	"           destinationPorts: \"53\"}\n"
	"        - {name: any-udp, action: Allow, protocol: Udp, source: Any, destination: Any}\n"
	"        - {name: to-net, action: Allow, protocol: Any, source: Any,\n"
	"           destination: 198.51.100.0/24}\n"
	"  - {name: a1, subnet: v/a, ip: 10.0.1.4}\n";

static void test_path_drop_firewall_and_rule_name(void **state)
{
	struct path p;

	load(firewall_yaml);
	assert_flow("a1", "203.0.113.9", FW_TCP, 443, "v/a v/fw => internet");
	assert_flow("a1", "203.0.113.9", FW_TCP, 8080, "v/a v/fw => internet");
	assert_flow("a1", "203.0.113.9", FW_TCP, 22, "v/a => drop:FirewallDenied");
	assert_flow("a1", "203.0.113.53", FW_UDP, 53, "v/a => drop:FirewallDenied");
	trace("a1", 0, "203.0.113.53", FW_UDP, 53, &p);
	assert_string_equal(p.hops[0].fw_rule, "no-dns");
	trace("a1", 0, "203.0.113.9", FW_TCP, 22, &p);
	assert_null(p.hops[0].fw_rule);	/* defaultAction */
	trace("a1", 0, "203.0.113.9", FW_TCP, 80, &p);
	assert_string_equal(p.hops[0].fw_rule, "web");
}

static void test_firewall_eval_matching(void **state)
{
	const struct firewall *fw;
	const struct fw_rule *rule;
	struct flow f = { .src = ip("10.0.1.4"), .dst = ip("198.51.100.9") };

	load(firewall_yaml);
	fw = topo.vms[topo_find_vm(&topo, "fw")].firewall;
	/* First match wins: protocol Any matches every protocol. */
	f.proto = FW_ICMP;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "to-net");
	f.proto = FW_TCP;
	f.dport = 8081;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "to-net");
	f.dport = 8000;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "web");
	/* An address list matches any of its entries, and nothing else. */
	f.proto = FW_UDP;
	f.dport = 53;
	f.dst = ip("203.0.113.53");
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_DENY);
	assert_string_equal(rule->name, "no-dns");
	f.dst = ip("203.0.113.54");
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_DENY);
	assert_string_equal(rule->name, "no-dns");
	f.dst = ip("198.51.100.53");
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_DENY);
	assert_string_equal(rule->name, "no-dns");
	f.dst = ip("203.0.113.55");
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "any-udp");
	/* No rule matches: defaultAction, no rule. */
	f.proto = FW_TCP;
	f.src = ip("10.0.2.4");
	f.dst = ip("203.0.113.9");
	f.dport = 80;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_DENY);
	assert_null(rule);
	f.proto = FW_UDP;
	assert_int_equal(firewall_eval(fw, &f, &rule), FW_ALLOW);
	assert_string_equal(rule->name, "any-udp");
}

/* Ports only constrain Tcp and Udp flows (a rule of protocol Any with ports). */
static void test_firewall_eval_ports_only_for_tcp_udp(void **state)
{
	struct port_range ssh = { 22, 22 };
	struct prefix any = { 0, 0 };
	struct fw_rule r = { .name = "ssh", .action = FW_ALLOW, .protocol = FW_ANY,
			     .source = { &any, 1 }, .destination = { &any, 1 },
			     .ports = &ssh, .nports = 1 };
	struct firewall fw = { .default_action = FW_DENY, .rules = &r, .nrules = 1 };
	struct flow f = { .src = ip("10.0.1.4"), .dst = ip("10.0.2.4"), .proto = FW_ICMP };
	const struct fw_rule *rule;

	assert_int_equal(firewall_eval(&fw, &f, &rule), FW_ALLOW);
	f.proto = FW_UDP;
	f.dport = 53;
	assert_int_equal(firewall_eval(&fw, &f, &rule), FW_DENY);
	f.dport = 22;
	assert_int_equal(firewall_eval(&fw, &f, &rule), FW_ALLOW);
}

/* Two NVAs pointing at each other. */
static void test_path_drop_routing_loop(void **state)
{
	load("name: t\n"
	     "vnets:\n"
	     "  - name: v\n"
	     "    addressSpace: [10.0.0.0/16]\n"
	     "    subnets:\n"
	     "      - {name: a, addressPrefix: 10.0.1.0/24, routeTable: to-b}\n"
	     "      - {name: b, addressPrefix: 10.0.2.0/24, routeTable: to-a}\n"
	     "routeTables:\n"
	     "  - {name: to-b, routes: [" UDR_VA("d", "0.0.0.0/0", "10.0.2.4") "]}\n"
	     "  - {name: to-a, routes: [" UDR_VA("d", "0.0.0.0/0", "10.0.1.4") "]}\n"
	     "vms:\n"
	     "  - {name: nva-a, subnet: v/a, ip: 10.0.1.4, enableIpForwarding: true}\n"
	     "  - {name: nva-b, subnet: v/b, ip: 10.0.2.4, enableIpForwarding: true}\n");
	assert_path("nva-a", "203.0.113.9", "v/a v/b => drop:RoutingLoop");
	assert_path("nva-a", "10.0.2.4", "v/a => vm:nva-b");
}

/* A chain of n NVAs, each subnet's 0/0 pointing at the next subnet's NVA. */
static void load_chain(int n)
{
	char *yaml = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&yaml, &len);

	fprintf(f, "name: t\nvnets:\n  - name: v\n    addressSpace: [10.0.0.0/16]\n"
		"    subnets:\n");
	for (int i = 0; i + 1 < n; i++)
		fprintf(f, "      - {name: s%d, addressPrefix: 10.0.%d.0/24, routeTable: rt%d}\n",
			i, i, i);
	fprintf(f, "      - {name: s%d, addressPrefix: 10.0.%d.0/24}\n", n - 1, n - 1);
	fprintf(f, "routeTables:\n");
	for (int i = 0; i + 1 < n; i++)
		fprintf(f, "  - {name: rt%d, routes: [{name: d, addressPrefix: 0.0.0.0/0, "
			"nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.%d.4}]}\n",
			i, i + 1);
	fprintf(f, "vms:\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "  - {name: nva%d, subnet: v/s%d, ip: 10.0.%d.4, "
			"enableIpForwarding: true}\n", i, i, i);
	fclose(f);
	load(yaml);
	free(yaml);
}

/* Long chains are followed; a path never exceeds PATH_MAX_HOPS hops. */
static void test_path_hop_limit(void **state)
{
	struct path p;

	load_chain(PATH_MAX_HOPS / 2);
	trace("nva0", 0, "203.0.113.9", FW_ICMP, 0, &p);
	assert_int_equal(p.result, PATH_DELIVERED);
	assert_int_equal(p.to_kind, TO_INTERNET);
	assert_int_equal(p.nhops, PATH_MAX_HOPS / 2);
	load_chain(PATH_MAX_HOPS + 8);
	trace("nva0", 0, "203.0.113.9", FW_ICMP, 0, &p);
	assert_int_equal(p.result, PATH_DROPPED);
	assert_int_equal(p.drop, DROP_LOOP);
	assert_true(p.nhops <= PATH_MAX_HOPS);
	assert_true(p.nhops >= PATH_MAX_HOPS - 2);
}

static void test_path_drop_no_gateway_route(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS,
	      "{name: x, addressPrefix: 203.0.113.0/24, nextHopType: VirtualNetworkGateway}", "");
	assert_path("app1", "203.0.113.9", "spoke1/app gw:gw => drop:NoGatewayRoute");
	/* A site host to an address nobody advertised to it. */
	assert_path("dc-srv", "10.2.1.4", "site:dc => drop:NoGatewayRoute");
}

static void test_path_site_host_to_own_site(void **state)
{
	loadf(hub_fmt, SPOKE1_TRANSIT, NO_FLAGS, "", "");
	assert_path("dc-srv", "198.51.100.20", "=> site:dc");
}

static void test_drop_reason_names(void **state)
{
	static const char *const want[DROP__COUNT] = {
		"NoneRoute", "NoNicOwnsAddress", "IpForwardingDisabled",
		"PeeringAccessDenied", "ForwardedTrafficNotAllowed",
		"FirewallDenied", "NoGatewayRoute",
		"VirtualApplianceUnreachable", "RoutingLoop",
	};

	for (int r = 0; r < DROP__COUNT; r++)
		assert_string_equal(drop_reason_name((enum drop_reason)r), want[r]);
}

#define T(fn) cmocka_unit_test_teardown(fn, unload)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_appliance_reach_is_direct_peers_only),
		T(test_appliance_resends_with_its_subnet_routes),
		T(test_gateway_subnet_entry_uses_gateway_subnet_routes),
		T(test_gateway_own_address),
		T(test_site_passes_on_what_it_learned_longer),
		T(test_gateway_subnet_entry_beats_learned_routes),
		T(test_path_delivered_to_gateway),
		T(test_path_drop_no_nic_owns_address),
		T(test_path_drop_ip_forwarding_disabled),
		T(test_path_drop_virtual_appliance_unreachable),
		T(test_path_drop_firewall_and_rule_name),
		T(test_firewall_eval_matching),
		T(test_firewall_eval_ports_only_for_tcp_udp),
		T(test_path_drop_routing_loop),
		T(test_path_drop_no_gateway_route),
		T(test_path_hop_limit),
		T(test_path_site_host_to_own_site),
		T(test_drop_reason_names),
	};

	return cmocka_run_group_tests_name("engine_path", tests, NULL, NULL);
}
