// SPDX-License-Identifier: GPL-2.0
/*
 * Topology loader: a full valid file loads with every field, default and
 * index right; every rejection is reported at the exact LINE:COL with a
 * message saying what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "topo.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The contract's example (topology.md), completed so that it is valid. */
static const char full[] =
	"name: hubspoke\n"						/*  1 */
	"vnets:\n"							/*  2 */
	"  - name: hub\n"						/*  3 */
	"    region: westeurope\n"					/*  4 */
	"    addressSpace: [10.0.0.0/16]\n"				/*  5 */
	"    subnets:\n"						/*  6 */
	"      - name: GatewaySubnet\n"					/*  7 */
	"        addressPrefix: 10.0.255.0/27\n"			/*  8 */
	"      - name: fw\n"						/*  9 */
	"        addressPrefix: 10.0.1.0/24\n"				/* 10 */
	"        routeTable: fw-rt\n"					/* 11 */
	"  - name: spoke1\n"						/* 12 */
	"    addressSpace: [10.1.0.0/16, 10.11.0.0/16]\n"		/* 13 */
	"    subnets:\n"						/* 14 */
	"      - {name: app, addressPrefix: 10.1.1.0/24, routeTable: spoke-rt}\n"
	"      - {name: db, addressPrefix: 10.11.0.0/29}\n"		/* 16 */
	"  - name: far\n"						/* 17 */
	"    region: northeurope\n"					/* 18 */
	"    addressSpace: [10.9.0.0/16]\n"				/* 19 */
	"    subnets:\n"						/* 20 */
	"      - {name: GatewaySubnet, addressPrefix: 10.9.255.0/27}\n"	/* 21 */
	"      - {name: web, addressPrefix: 10.9.1.0/24}\n"		/* 22 */
	"peerings:\n"							/* 23 */
	"  - from: hub\n"						/* 24 */
	"    to: spoke1\n"						/* 25 */
	"    allowVirtualNetworkAccess: true\n"				/* 26 */
	"    allowForwardedTraffic: false\n"				/* 27 */
	"    allowGatewayTransit: true\n"				/* 28 */
	"    useRemoteGateways: false\n"				/* 29 */
	"  - {from: spoke1, to: hub, allowForwardedTraffic: True, useRemoteGateways: TRUE}\n"
	"  - {from: hub, to: far}\n"					/* 31 */
	"routeTables:\n"						/* 32 */
	"  - name: spoke-rt\n"						/* 33 */
	"    disableBgpRoutePropagation: true\n"			/* 34 */
	"    routes:\n"							/* 35 */
	"      - name: default-via-fw\n"				/* 36 */
	"        addressPrefix: 0.0.0.0/0\n"				/* 37 */
	"        nextHopType: VirtualAppliance\n"			/* 38 */
	"        nextHopIpAddress: 10.0.1.4\n"				/* 39 */
	"      - {name: blackhole, addressPrefix: 10.99.0.0/16, nextHopType: None}\n"
	"  - name: fw-rt\n"						/* 41 */
	"    routes:\n"							/* 42 */
	"      - {name: out, addressPrefix: 0.0.0.0/0, nextHopType: Internet}\n"
	"      - {name: onprem, addressPrefix: 192.168.0.0/16, nextHopType: VirtualNetworkGateway}\n"
	"gateways:\n"							/* 45 */
	"  - name: hub-gw\n"						/* 46 */
	"    vnet: hub\n"						/* 47 */
	"    type: Vpn\n"						/* 48 */
	"    bgp: true\n"						/* 49 */
	"    defaultSite: dc1\n"					/* 50 */
	"  - {name: far-gw, vnet: far, type: Vpn, ip: 10.9.255.10}\n"	/* 51 */
	"sites:\n"							/* 52 */
	"  - name: dc1\n"						/* 53 */
	"    addressSpace: [192.168.0.0/16]\n"				/* 54 */
	"    hosts:\n"							/* 55 */
	"      - {name: dc1-srv, ip: 192.168.1.10}\n"			/* 56 */
	"  - {name: branch, addressSpace: [0.0.0.0/0]}\n"		/* 57 */
	"circuits:\n"							/* 58 */
	"  - name: er1\n"						/* 59 */
	"    sites: [dc1, branch]\n"					/* 60 */
	"connections:\n"						/* 61 */
	"  - {name: hub-dc1, gateway: hub-gw, site: dc1}\n"		/* 62 */
	"  - {name: hub-er1, gateway: hub-gw, circuit: er1}\n"		/* 63 */
	"  - {name: hub-v2v, gateway: hub-gw, peerGateway: far-gw}\n"	/* 64 */
	"vms:\n"							/* 65 */
	"  - name: fw\n"						/* 66 */
	"    subnet: hub/fw\n"						/* 67 */
	"    ip: 10.0.1.4\n"						/* 68 */
	"    enableIpForwarding: true\n"				/* 69 */
	"    firewall:\n"						/* 70 */
	"      defaultAction: Deny\n"					/* 71 */
	"      rules:\n"						/* 72 */
	"        - {name: web-out, action: Allow, protocol: Tcp, source: 10.1.0.0/16,\n"
	"           destination: Any, destinationPorts: \"80,443,1000-2000\"}\n"
	"        - {name: ping, action: Allow, protocol: Icmp, source: [10.1.0.0/16, 10.9.1.4], destination: 203.0.113.10}\n"
	"  - {name: app1, subnet: spoke1/app, ip: 10.1.1.5}\n"		/* 76 */
	"  - {name: app2, subnet: spoke1/app}\n"			/* 77 */
	"  - {name: app3, subnet: spoke1/app}\n"			/* 78 */
	"  - {name: web1, subnet: far/web, ip: 10.9.1.4}\n"		/* 79 */
	"  - {name: nva, subnet: hub/fw, firewall: {}}\n"		/* 80 */
	"internet:\n"							/* 81 */
	"  hosts:\n"							/* 82 */
	"    - {name: web, ip: 203.0.113.10}\n";			/* 83 */

static int parse(const char *yaml, struct topology *t, struct diags *d)
{
	return topo_parse("t.yaml", yaml, strlen(yaml), t, d);
}

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	assert_true(ipv4_parse(s, &a));
	return a;
}

static void assert_prefix(struct prefix p, const char *want)
{
	char buf[PREFIX_STRLEN];

	assert_string_equal(prefix_str(p, buf), want);
}

static void test_full_vnets_subnets(void **state)
{
	struct topology t;
	struct diags d = { 0 };
	int hub, spoke, far;

	assert_int_equal(parse(full, &t, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(t.file, "t.yaml");
	assert_string_equal(t.name, "hubspoke");
	assert_int_equal(t.nvnets, 3);
	hub = topo_find_vnet(&t, "hub");
	spoke = topo_find_vnet(&t, "spoke1");
	far = topo_find_vnet(&t, "far");
	assert_int_equal(hub, 0);
	assert_int_equal(spoke, 1);
	assert_int_equal(far, 2);
	assert_string_equal(t.vnets[hub].region, "westeurope");
	assert_null(t.vnets[spoke].region);
	assert_int_equal(t.vnets[spoke].nspace, 2);
	assert_prefix(t.vnets[spoke].space[1], "10.11.0.0/16");
	assert_int_equal(t.vnets[hub].pos.line, 3);
	assert_int_equal(t.vnets[hub].pos.col, 11);

	assert_int_equal(t.nsubnets, 6);
	assert_int_equal(t.vnets[hub].first_subnet, 0);
	assert_int_equal(t.vnets[hub].nsubnets, 2);
	assert_int_equal(t.vnets[spoke].first_subnet, 2);
	assert_int_equal(t.vnets[spoke].nsubnets, 2);
	assert_int_equal(t.vnets[far].first_subnet, 4);
	assert_true(t.subnets[0].is_gateway_subnet);
	assert_false(t.subnets[1].is_gateway_subnet);
	assert_int_equal(t.subnets[3].vnet, spoke);
	assert_prefix(t.subnets[1].prefix, "10.0.1.0/24");
	assert_int_equal(topo_find_subnet(&t, "spoke1/db"), 3);

	/* route tables resolved by name, whatever the order in the file */
	assert_int_equal(t.subnets[1].route_table, 1);
	assert_int_equal(t.subnets[2].route_table, 0);
	assert_int_equal(t.subnets[3].route_table, -1);
	topo_free(&t);
}

static void test_full_peerings_gateways(void **state)
{
	struct topology t;
	struct diags d = { 0 };
	const struct peering *p;

	assert_int_equal(parse(full, &t, &d), 0);
	assert_int_equal(t.npeerings, 3);
	p = &t.peerings[0];
	assert_int_equal(p->from, 0);
	assert_int_equal(p->to, 1);
	assert_true(p->allow_vnet_access);
	assert_false(p->allow_forwarded_traffic);
	assert_true(p->allow_gateway_transit);
	assert_false(p->use_remote_gateways);
	assert_int_equal(p->reverse, 1);
	assert_false(p->global); /* spoke1 has no region */
	p = &t.peerings[1];
	assert_true(p->allow_vnet_access); /* default */
	assert_true(p->allow_forwarded_traffic);
	assert_false(p->allow_gateway_transit);
	assert_true(p->use_remote_gateways);
	assert_int_equal(p->reverse, 0);
	p = &t.peerings[2];
	assert_int_equal(p->reverse, -1); /* far -> hub missing: not connected */
	assert_true(p->global);		  /* westeurope -> northeurope */
	assert_int_equal(p->pos.line, 31);

	assert_int_equal(t.ngateways, 2);
	assert_int_equal(t.gateways[0].vnet, 0);
	assert_int_equal(t.gateways[0].subnet, 0);
	assert_int_equal(t.gateways[0].type, GW_VPN);
	assert_true(t.gateways[0].bgp);
	assert_int_equal(t.gateways[0].ip, ip("10.0.255.4"));
	assert_int_equal(t.gateways[0].default_site, 0);
	assert_false(t.gateways[1].bgp); /* Vpn default */
	assert_int_equal(t.gateways[1].ip, ip("10.9.255.10"));
	assert_int_equal(t.gateways[1].subnet, 4);
	assert_int_equal(t.gateways[1].default_site, -1);
	assert_int_equal(t.vnets[0].gateways[GW_VPN], 0);
	assert_int_equal(t.vnets[0].gateways[GW_EXPRESSROUTE], -1);
	assert_int_equal(t.vnets[0].remote_vnet, -1);
	assert_int_equal(t.vnets[1].gateways[GW_VPN], -1);
	assert_int_equal(t.vnets[1].gateways[GW_EXPRESSROUTE], -1);
	assert_int_equal(t.vnets[1].remote_vnet, 0);
	assert_int_equal(t.vnets[2].gateways[GW_VPN], 1);
	topo_free(&t);
}

static void test_full_routes(void **state)
{
	struct topology t;
	struct diags d = { 0 };
	const struct route_table *rt;

	assert_int_equal(parse(full, &t, &d), 0);
	assert_int_equal(t.nroute_tables, 2);
	rt = &t.route_tables[0];
	assert_string_equal(rt->name, "spoke-rt");
	assert_true(rt->disable_bgp_route_propagation);
	assert_int_equal(rt->nroutes, 2);
	assert_prefix(rt->routes[0].prefix, "0.0.0.0/0");
	assert_int_equal(rt->routes[0].type, NH_APPLIANCE);
	assert_int_equal(rt->routes[0].next_hop_ip, ip("10.0.1.4"));
	assert_int_equal(rt->routes[1].type, NH_NONE);
	assert_int_equal(rt->routes[1].next_hop_ip, 0);
	assert_int_equal(rt->routes[0].pos.line, 36);
	rt = &t.route_tables[1];
	assert_false(rt->disable_bgp_route_propagation);
	assert_int_equal(rt->routes[0].type, NH_INTERNET);
	assert_int_equal(rt->routes[1].type, NH_GATEWAY);
	topo_free(&t);
}

static void test_full_sites_connections(void **state)
{
	struct topology t;
	struct diags d = { 0 };

	assert_int_equal(parse(full, &t, &d), 0);
	assert_int_equal(t.nsites, 2);
	assert_int_equal(t.sites[0].nhosts, 1);
	assert_string_equal(t.sites[0].hosts[0].name, "dc1-srv");
	assert_int_equal(t.sites[0].hosts[0].ip, ip("192.168.1.10"));
	assert_prefix(t.sites[1].space[0], "0.0.0.0/0");
	assert_int_equal(t.sites[1].nhosts, 0);
	assert_int_equal(t.ncircuits, 1);
	assert_int_equal(t.circuits[0].nsites, 2);
	assert_int_equal(t.circuits[0].sites[0], 0);
	assert_int_equal(t.circuits[0].sites[1], 1);
	assert_int_equal(t.nconnections, 3);
	assert_int_equal(t.connections[0].kind, CONN_SITE);
	assert_int_equal(t.connections[0].gateway, 0);
	assert_int_equal(t.connections[0].peer, 0);
	assert_int_equal(t.connections[1].kind, CONN_CIRCUIT);
	assert_int_equal(t.connections[1].peer, 0);
	assert_int_equal(t.connections[2].kind, CONN_VNET2VNET);
	assert_int_equal(t.connections[2].peer, 1);
	assert_int_equal(t.ninternet_hosts, 1);
	assert_string_equal(t.internet_hosts[0].name, "web");
	assert_int_equal(t.internet_hosts[0].ip, ip("203.0.113.10"));
	topo_free(&t);
}

static void test_full_vms(void **state)
{
	struct topology t;
	struct diags d = { 0 };
	const struct vm *fw, *app2, *app3, *nva;
	const struct fw_rule *r;

	assert_int_equal(parse(full, &t, &d), 0);
	assert_int_equal(t.nvms, 6);
	fw = &t.vms[topo_find_vm(&t, "fw")];
	assert_int_equal(fw->subnet, 1);
	assert_int_equal(fw->vnet, 0);
	assert_int_equal(fw->ip, ip("10.0.1.4"));
	assert_true(fw->enable_ip_forwarding);
	assert_non_null(fw->firewall);
	assert_int_equal(fw->firewall->default_action, FW_DENY);
	assert_int_equal(fw->firewall->nrules, 2);
	r = &fw->firewall->rules[0];
	assert_string_equal(r->name, "web-out");
	assert_int_equal(r->action, FW_ALLOW);
	assert_int_equal(r->protocol, FW_TCP);
	assert_int_equal(r->source.n, 1);
	assert_prefix(r->source.p[0], "10.1.0.0/16");
	assert_int_equal(r->destination.n, 1);
	assert_prefix(r->destination.p[0], "0.0.0.0/0");
	assert_int_equal(r->nports, 3);
	assert_int_equal(r->ports[0].lo, 80);
	assert_int_equal(r->ports[0].hi, 80);
	assert_int_equal(r->ports[2].lo, 1000);
	assert_int_equal(r->ports[2].hi, 2000);
	r = &fw->firewall->rules[1];
	assert_int_equal(r->protocol, FW_ICMP);
	assert_prefix(r->destination.p[0], "203.0.113.10/32");
	/* an address list: each entry a prefix or an address */
	assert_int_equal(r->source.n, 2);
	assert_prefix(r->source.p[0], "10.1.0.0/16");
	assert_prefix(r->source.p[1], "10.9.1.4/32");
	assert_int_equal(r->nports, 0);

	/* auto addresses: first free host, skipping explicit ones (.5) */
	app2 = &t.vms[topo_find_vm(&t, "app2")];
	app3 = &t.vms[topo_find_vm(&t, "app3")];
	assert_int_equal(app2->ip, ip("10.1.1.4"));
	assert_int_equal(app3->ip, ip("10.1.1.6"));
	assert_false(app2->enable_ip_forwarding);
	assert_null(app2->firewall);
	nva = &t.vms[topo_find_vm(&t, "nva")];
	assert_int_equal(nva->ip, ip("10.0.1.5"));
	assert_non_null(nva->firewall);
	assert_int_equal(nva->firewall->default_action, FW_DENY);
	assert_int_equal(nva->firewall->nrules, 0);
	assert_int_equal(topo_vm_by_ip(&t, 1, ip("10.1.1.6")), 3);
	topo_free(&t);
}

static void test_json_input(void **state)
{
	static const char json[] =
		"{\n"
		"\t\"name\": \"j1\",\n"
		"\t\"vnets\": [{\"name\": \"a\", \"addressSpace\": [\"10.0.0.0/16\"],\n"
		"\t\t\"subnets\": [{\"name\": \"s\", \"addressPrefix\": \"10.0.0.0/24\"}]}],\n"
		"\t\"vms\": [{\"name\": \"v\", \"subnet\": \"a/s\", \"enableIpForwarding\": true}]\n"
		"}\n";
	struct topology t;
	struct diags d = { 0 };

	assert_int_equal(parse(json, &t, &d), 0);
	assert_string_equal(t.name, "j1");
	assert_int_equal(t.nvms, 1);
	assert_true(t.vms[0].enable_ip_forwarding);
	assert_int_equal(t.vms[0].ip, ip("10.0.0.4"));
	topo_free(&t);
}

static void test_gateway_auto_ip_and_er_bgp(void **state)
{
	static const char yaml[] =
		"name: er\n"
		"vnets: [{name: v, addressSpace: [10.0.0.0/16],\n"
		"  subnets: [{name: GatewaySubnet, addressPrefix: 10.0.0.64/27}]}]\n"
		"gateways: [{name: g, vnet: v, type: expressroute}]\n";
	struct topology t;
	struct diags d = { 0 };

	assert_int_equal(parse(yaml, &t, &d), 0);
	assert_int_equal(t.gateways[0].type, GW_EXPRESSROUTE);
	assert_true(t.gateways[0].bgp);
	assert_int_equal(t.gateways[0].ip, ip("10.0.0.68"));
	topo_free(&t);
}

/* All problems are reported, in file order; nothing is returned. */
static void test_collects_all_errors(void **state)
{
	static const char yaml[] =
		"name: lab\n"
		"vnets:\n"
		"  - {name: a, addressSpace: [10.0.0.0/33], colour: red}\n"
		"  - {name: b, addressSpace: 10.1.0.0/16}\n";
	struct topology t;
	struct diags d = { 0 };

	assert_int_equal(parse(yaml, &t, &d), -1);
	assert_int_equal(d.n, 3);
	assert_non_null(strstr(d.lines[0], "t.yaml:3:30: error: "));
	assert_non_null(strstr(d.lines[1], "t.yaml:3:44: error: unknown key 'colour'"));
	assert_non_null(strstr(d.lines[2], "t.yaml:4:29: error: addressSpace of vnet 'b' must be a list"));
	assert_null(t.vnets);
	assert_int_equal(t.nvnets, 0);
	assert_null(t.name);
	diags_free(&d);
}

static void test_unreadable_file(void **state)
{
	struct topology t;
	struct diags d = { 0 };

	assert_int_equal(topo_load("/nonexistent/lab.yaml", &t, &d), -1);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.lines[0],
			    "/nonexistent/lab.yaml: error: cannot read: No such file or directory");
	diags_free(&d);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/test_topo_XXXXXX";
	int fd = mkstemp(path);
	struct topology t;
	struct diags d = { 0 };

	assert_true(fd >= 0);
	assert_int_equal(write(fd, full, strlen(full)), (ssize_t)strlen(full));
	close(fd);
	assert_int_equal(topo_load(path, &t, &d), 0);
	unlink(path);
	assert_string_equal(t.file, path);
	assert_int_equal(t.nvms, 6);
	topo_free(&t);
}

static void test_load_stdin(void **state)
{
	char path[] = "/tmp/test_topo_XXXXXX";
	int fd = mkstemp(path);
	struct topology t;
	struct diags d = { 0 };

	assert_true(fd >= 0);
	assert_int_equal(write(fd, full, strlen(full)), (ssize_t)strlen(full));
	close(fd);
	assert_non_null(freopen(path, "r", stdin));
	unlink(path);
	assert_int_equal(topo_load("-", &t, &d), 0);
	assert_string_equal(t.file, "-");
	assert_int_equal(t.nvnets, 3);
	topo_free(&t);
}

/* The second pass (references, rules) also reports every problem. */
static void test_second_pass_collects_all(void **state)
{
	static const char yaml[] =
		"name: lab\n"
		"vnets:\n"
		"  - {name: a, addressSpace: [10.0.0.0/16], subnets: [{name: s, addressPrefix: 10.0.0.0/24, routeTable: nope}]}\n"
		"vms:\n"
		"  - {name: v, subnet: a/t}\n"
		"  - {name: w, subnet: a/s, ip: 10.0.0.2}\n";
	struct topology t;
	struct diags d = { 0 };

	assert_int_equal(parse(yaml, &t, &d), -1);
	assert_int_equal(d.n, 3);
	assert_non_null(strstr(d.lines[0], "t.yaml:3:104: error: subnet 'a/s' names route table 'nope'"));
	assert_non_null(strstr(d.lines[1], "t.yaml:5:23: error: VM 'v' names subnet 't'"));
	assert_non_null(strstr(d.lines[2], "t.yaml:6:32: error: VM 'w': 10.0.0.2 is reserved"));
	diags_free(&d);
}

/*
 * Addresses are unique per VNet: unpeered VNets may reuse a space and the
 * same addresses in it, explicit (x, y) or automatic (the first free one
 * of each VNet: u, w).
 */
static void test_unpeered_vnets_reuse_addresses(void **state)
{
	static const char yaml[] =
		"name: lab\n"
		"vnets:\n"
		"  - {name: a, addressSpace: [10.1.0.0/16], subnets: [{name: s, addressPrefix: 10.1.1.0/24}]}\n"
		"  - {name: b, addressSpace: [10.1.0.0/16], subnets: [{name: s, addressPrefix: 10.1.1.0/24}]}\n"
		"vms:\n"
		"  - {name: x, subnet: a/s, ip: 10.1.1.4}\n"
		"  - {name: y, subnet: b/s, ip: 10.1.1.4}\n"
		"  - {name: u, subnet: a/s}\n"
		"  - {name: w, subnet: b/s}\n";
	struct topology t;
	struct diags d = { 0 };
	int ret = parse(yaml, &t, &d);

	for (int i = 0; i < d.n; i++)
		print_error("%s\n", d.lines[i]);
	assert_int_equal(ret, 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(t.vms[0].ip, ip("10.1.1.4"));
	assert_int_equal(t.vms[1].ip, ip("10.1.1.4"));
	assert_int_equal(t.vms[2].ip, ip("10.1.1.5"));
	assert_int_equal(t.vms[3].ip, ip("10.1.1.5"));
	assert_int_not_equal(t.vms[0].vnet, t.vms[1].vnet);
	assert_int_equal(topo_vm_by_ip(&t, t.vms[1].vnet, ip("10.1.1.4")), 1);
	topo_free(&t);
}

/* Coexisting gateways: a Vpn and an ExpressRoute gateway share one GatewaySubnet. */
static void test_coexisting_gateways(void **state)
{
	static const char yaml[] =
		"name: lab\nvnets:\n  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
		"      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}\n"
		"  - {name: spoke, addressSpace: [10.1.0.0/16], subnets: [{name: app, addressPrefix: 10.1.1.0/24}]}\n"
		"peerings:\n  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
		"  - {from: spoke, to: hub, useRemoteGateways: true}\n"
		"gateways:\n  - {name: er, vnet: hub, type: ExpressRoute}\n"
		"  - {name: vpn, vnet: hub, type: Vpn, bgp: true}\n";
	struct topology t;
	struct diags d = { 0 };

	(void)state;
	assert_int_equal(parse(yaml, &t, &d), 0);
	assert_int_equal(t.vnets[0].gateways[GW_EXPRESSROUTE], 0);
	assert_int_equal(t.vnets[0].gateways[GW_VPN], 1);
	assert_int_equal(t.vnets[1].remote_vnet, 0);
	/* both NICs on the GatewaySubnet, first free hosts in file order */
	assert_int_equal(t.gateways[0].ip, ip("10.0.255.4"));
	assert_int_equal(t.gateways[1].ip, ip("10.0.255.5"));
	topo_free(&t);
}

/* ---- rejections: one YAML each, the exact place and what is said ---- */

struct reject {
	const char *name;
	const char *where; /* "LINE:COL" */
	const char *says;  /* a phrase of the message */
	const char *yaml;
};

/* Two vnets (lines 1-6) that most cases build on. */
#define BASE                                                                    \
	"name: lab\n"                                                           \
	"vnets:\n"                                                              \
	"  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"             \
	"      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27},\n"          \
	"      {name: fw, addressPrefix: 10.0.1.0/24}]}\n"                      \
	"  - {name: spoke, addressSpace: [10.1.0.0/16], subnets: [{name: app, addressPrefix: 10.1.1.0/24}]}\n"

#define HUB_GW "gateways: [{name: gw, vnet: hub, type: Vpn}]\n"

static const struct reject rejects[] = {
	{ "malformed_yaml", "3:9", "malformed YAML: mapping values are not allowed in this context",
	  "name: lab\nvnets:\n  - a: b: c\n" },
	{ "malformed_yaml_unclosed", "4:1", "malformed YAML: while parsing a flow node did not find expected node content",
	  "name: lab\nvnets:\n  - a: [\n" },
	{ "second_document", "3:1", "a second YAML document starts here",
	  "name: lab\n---\nname: lab2\n" },
	{ "malformed_after_document", "4:1", "malformed YAML",
	  "name: Not_A_Lab_Name\n---\nvnets: [\n" },
	{ "empty_file", "1:1", "the file is empty", "" },
	{ "top_not_mapping", "1:1", "the topology must be a mapping",
	  "- a\n- b\n" },
	{ "unknown_key_suggest", "3:44",
	  "unknown key 'regoin' in vnet 'v'; did you mean 'region'?",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.0.0.0/16], regoin: westeurope}\n" },
	{ "unknown_key_list", "2:1", "unknown key 'colour' in the topology; allowed keys: name, vnets",
	  "name: lab\ncolour: red\n" },
	{ "misspelt_required_key", "3:15",
	  "unknown key 'adressSpace' in vnet 'v'; did you mean 'addressSpace'?",
	  "name: lab\nvnets:\n  - {name: v, adressSpace: [10.0.0.0/16]}\n" },
	{ "duplicate_key", "2:1", "duplicate key 'name' in the topology",
	  "name: lab\nname: lab2\n" },
	{ "list_for_string", "1:7", "name of the topology must be a string, not a list",
	  "name: [a, b]\n" },
	{ "string_for_list", "2:8", "vnets of the topology must be a list",
	  "name: lab\nvnets: hub\n" },
	{ "item_not_mapping", "2:9", "vnets[0] must be a mapping with keys name, region, addressSpace, subnets",
	  "name: lab\nvnets: [hub]\n" },
	{ "bool_yes", "7:58", "allowForwardedTraffic of peering hub -> spoke must be true or false, not 'yes'",
	  BASE "peerings: [{from: hub, to: spoke, allowForwardedTraffic: yes}]\n" },
	{ "missing_name", "1:1", "the topology is missing required key 'name'",
	  "vnets: []\n" },
	{ "missing_address_space", "3:5", "vnet 'v' is missing required key 'addressSpace'",
	  "name: lab\nvnets:\n  - {name: v}\n" },
	{ "missing_address_prefix", "3:53", "subnet 's' of vnet 'v' is missing required key 'addressPrefix'",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.0.0.0/8], subnets: [{name: s}]}\n" },
	{ "missing_vm_subnet", "7:7", "VM 'x' is missing required key 'subnet'",
	  BASE "vms: [{name: x}]\n" },
	{ "missing_route_prefix", "7:34", "route 'r' in route table 't' is missing required key 'addressPrefix'",
	  BASE "routeTables: [{name: t, routes: [{name: r, nextHopType: None}]}]\n" },
	{ "missing_next_hop_type", "7:34", "route 'r' in route table 't' is missing required key 'nextHopType'",
	  BASE "routeTables: [{name: t, routes: [{name: r, addressPrefix: 10.9.0.0/16}]}]\n" },
	{ "missing_gateway_vnet", "7:12", "gateway 'g' is missing required key 'vnet'",
	  BASE "gateways: [{name: g, type: Vpn}]\n" },
	{ "missing_gateway_type", "7:12", "gateway 'g' is missing required key 'type'",
	  BASE "gateways: [{name: g, vnet: hub}]\n" },
	{ "connection_without_peer", "8:15", "connection 'c' needs one of site, circuit or peerGateway",
	  BASE HUB_GW "connections: [{name: c, gateway: gw}]\n" },
	{ "connection_two_peers", "10:56", "connection 'c' has both site and circuit",
	  BASE HUB_GW "sites: [{name: s, addressSpace: [192.168.0.0/16]}]\n"
	  "circuits: [{name: e, sites: [s]}]\n"
	  "connections: [{name: c, gateway: gw, site: s, circuit: e}]\n" },
	{ "bad_cidr", "3:30", "addressSpace of vnet 'v': '10.0.0.0/33' is not an IPv4 prefix",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.0.0.0/33]}\n" },
	{ "host_bits", "3:79", "10.1.1.5/24 has host bits set; did you mean 10.1.1.0/24?",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.1.0.0/16], subnets: [{name: s, addressPrefix: 10.1.1.5/24}]}\n" },
	{ "bad_ip", "7:37", "ip of VM 'x': '10.0.1.256' is not an IPv4 address",
	  BASE "vms: [{name: x, subnet: hub/fw, ip: 10.0.1.256}]\n" },
	{ "lab_name", "1:7", "lab name 'Hub_Spoke' is invalid", "name: Hub_Spoke\n" },
	{ "lab_name_too_long", "1:7", "lab name 'abcdefghijklm' is invalid", "name: abcdefghijklm\n" },
	{ "object_name", "3:12", "name of vnet 'a b': 'a b' is not a valid name",
	  "name: lab\nvnets:\n  - {name: a b, addressSpace: [10.0.0.0/16]}\n" },
	{ "enum_typo", "7:39", "type of gateway 'g': 'ExpresRoute' is not one of Vpn, ExpressRoute; did you mean 'ExpressRoute'?",
	  BASE "gateways: [{name: g, vnet: hub, type: ExpresRoute}]\n" },
	{ "bad_ports", "8:61", "'80,x' is not a port list",
	  BASE "vms: [{name: x, subnet: hub/fw, firewall: {rules: [\n"
	  "  {name: r, action: Allow, protocol: Tcp, destinationPorts: \"80,x\"}]}}]\n" },
	{ "ports_without_protocol", "8:62", "destinationPorts of rule 'r' of VM 'x' need protocol Tcp or Udp",
	  BASE "vms: [{name: x, subnet: hub/fw, firewall: {rules: [\n"
	  "  {name: r, action: Allow, protocol: Icmp, destinationPorts: \"80\"}]}}]\n" },
	{ "empty_rule_source_list", "8:36", "source of rule 'r' of VM 'x' is empty; list at least one entry",
	  BASE "vms: [{name: x, subnet: hub/fw, firewall: {rules: [\n"
	  "  {name: r, action: Allow, source: []}]}}]\n" },
	{ "bad_rule_destination_in_list", "8:60", "destination of rule 'r' of VM 'x': 'spoke3' is not an IPv4 prefix like 10.0.0.0/16, an address or Any",
	  BASE "vms: [{name: x, subnet: hub/fw, firewall: {rules: [\n"
	  "  {name: r, action: Allow, destination: [10.1.0.0/16, Any, spoke3]}]}}]\n" },
	{ "bad_rule_source", "8:36", "source of rule 'r' of VM 'x': 'everywhere' is not an IPv4 prefix",
	  BASE "vms: [{name: x, subnet: hub/fw, firewall: {rules: [\n"
	  "  {name: r, action: Allow, source: everywhere}]}}]\n" },
	{ "bad_rule_action", "8:21", "action of rule 'r' of VM 'x': 'Permit' is not one of Allow, Deny",
	  BASE "vms: [{name: x, subnet: hub/fw, firewall: {rules: [\n"
	  "  {name: r, action: Permit}]}}]\n" },
	{ "subnet_outside_space", "3:79", "subnet 'v/s': 10.2.0.0/24 is outside the address space of vnet 'v'",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.1.0.0/16], subnets: [{name: s, addressPrefix: 10.2.0.0/24}]}\n" },
	{ "subnets_overlap", "5:32", "subnet 'v/b': 10.1.1.128/25 overlaps subnet 'a' (10.1.1.0/24)",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.1.0.0/16], subnets: [\n"
	  "      {name: a, addressPrefix: 10.1.1.0/24},\n"
	  "      {name: b, addressPrefix: 10.1.1.128/25}]}\n" },
	/* the larger subnet second: overlap is symmetric */
	{ "subnets_overlap_larger_second", "5:32", "subnet 'v/b': 10.1.1.0/24 overlaps subnet 'a' (10.1.1.128/25)",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.1.0.0/16], subnets: [\n"
	  "      {name: a, addressPrefix: 10.1.1.128/25},\n"
	  "      {name: b, addressPrefix: 10.1.1.0/24}]}\n" },
	{ "vnet_ranges_overlap", "3:43", "addressSpace of vnet 'v': 10.1.2.0/24 overlaps 10.1.0.0/16",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.1.0.0/16, 10.1.2.0/24]}\n" },
	{ "peering_overlap", "5:5", "cannot peer vnet 'a' with 'b': their address spaces overlap (10.1.0.0/16 and 10.0.0.0/8)",
	  "name: lab\nvnets: [{name: a, addressSpace: [10.1.0.0/16]}, {name: b, addressSpace: [10.0.0.0/8]}]\n"
	  "peerings:\n  - {from: b, to: a}\n  - {from: a, to: b}\n" },
	{ "peering_self", "7:28", "vnet 'hub' cannot peer with itself",
	  BASE "peerings: [{from: hub, to: hub}]\n" },
	{ "peering_twice", "9:5", "peering hub -> spoke is listed twice (first at line 8)",
	  BASE "peerings:\n  - {from: hub, to: spoke}\n  - {from: hub, to: spoke, allowForwardedTraffic: true}\n" },
	{ "duplicate_vnet", "7:12", "duplicate name 'hub': the vnet at line 3 already uses it",
	  BASE "  - {name: hub, addressSpace: [10.7.0.0/16]}\n" },
	{ "duplicate_subnet", "5:14", "duplicate name 'a': the subnet at line 4 already uses it in vnet 'v'",
	  "name: lab\nvnets:\n  - {name: v, addressSpace: [10.1.0.0/16], subnets: [\n"
	  "      {name: a, addressPrefix: 10.1.1.0/24},\n"
	  "      {name: a, addressPrefix: 10.1.2.0/24}]}\n" },
	{ "duplicate_route_table", "7:33", "duplicate name 't': the route table at line 7 already uses it",
	  BASE "routeTables: [{name: t}, {name: t}]\n" },
	{ "duplicate_route", "10:21", "duplicate name 'r': the route at line 9 already uses it in route table 't'",
	  BASE "routeTables:\n  - name: t\n    routes: [{name: r, addressPrefix: 10.8.0.0/16, nextHopType: None},\n"
	  "             {name: r, addressPrefix: 10.9.0.0/16, nextHopType: None}]\n" },
	{ "duplicate_gateway", "9:12", "duplicate name 'gw': the gateway at line 8 already uses it",
	  BASE "gateways:\n  - {name: gw, vnet: hub, type: Vpn}\n"
	  "  - {name: gw, vnet: spoke, type: Vpn}\n" },
	{ "duplicate_site", "7:59", "duplicate name 's': the site at line 7 already uses it",
	  BASE "sites: [{name: s, addressSpace: [192.168.0.0/16]}, {name: s, addressSpace: [172.16.0.0/12]}]\n" },
	{ "duplicate_circuit", "10:12", "duplicate name 'e': the circuit at line 9 already uses it",
	  BASE "sites: [{name: s, addressSpace: [192.168.0.0/16]}]\n"
	  "circuits:\n  - {name: e, sites: [s]}\n  - {name: e, sites: [s]}\n" },
	{ "duplicate_connection", "11:12", "duplicate name 'c': the connection at line 10 already uses it",
	  BASE HUB_GW "sites: [{name: s, addressSpace: [192.168.0.0/16]}]\n"
	  "connections:\n  - {name: c, gateway: gw, site: s}\n  - {name: c, gateway: gw, site: s}\n" },
	{ "duplicate_vm_and_site_host", "9:12", "duplicate name 'db': the site host at line 7 already uses it (VMs, site hosts and internet hosts share one namespace)",
	  BASE "sites: [{name: s, addressSpace: [192.168.0.0/16], hosts: [{name: db, ip: 192.168.0.1}]}]\n"
	  "vms:\n  - {name: db, subnet: spoke/app}\n" },
	{ "duplicate_internet_host", "8:27", "duplicate name 'app1': the VM at line 7 already uses it",
	  BASE "vms: [{name: app1, subnet: spoke/app}]\n"
	  "internet: {hosts: [{name: app1, ip: 203.0.113.1}]}\n" },
	{ "duplicate_rule", "9:10", "duplicate name 'r': the rule at line 8 already uses it in the firewall of VM 'x'",
	  BASE "vms: [{name: x, subnet: hub/fw, firewall: {rules: [\n"
	  "  {name: r, action: Allow},\n"
	  "  {name: r, action: Deny}]}}]\n" },
	{ "dangling_route_table", "5:58", "subnet 'hub/fw' names route table 'fw-rtt', which does not exist; did you mean 'fw-rt'?",
	  "name: lab\nvnets:\n  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	  "      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27},\n"
	  "      {name: fw, addressPrefix: 10.0.1.0/24, routeTable: fw-rtt}]}\n"
	  "routeTables: [{name: fw-rt}]\n" },
	{ "dangling_subnet", "7:25", "VM 'x' names subnet 'ap', which does not exist; did you mean 'app'?",
	  BASE "vms: [{name: x, subnet: spoke/ap}]\n" },
	{ "dangling_subnet_vnet", "7:25", "VM 'x' names vnet 'spok', which does not exist; did you mean 'spoke'?",
	  BASE "vms: [{name: x, subnet: spok/app}]\n" },
	{ "subnet_without_slash", "7:25", "subnet 'app' must be written VNET/SUBNET",
	  BASE "vms: [{name: x, subnet: app}]\n" },
	{ "dangling_peering_vnet", "7:28", "peering hub -> hubb names vnet 'hubb', which does not exist; did you mean 'hub'?",
	  BASE "peerings: [{from: hub, to: hubb}]\n" },
	{ "dangling_gateway_vnet", "7:28", "gateway 'g' names vnet 'core', which does not exist; define it under vnets",
	  BASE "gateways: [{name: g, vnet: core, type: Vpn}]\n" },
	{ "dangling_connection_gateway", "9:34", "connection 'c' names gateway 'gw2', which does not exist; did you mean 'gw'?",
	  BASE HUB_GW "sites: [{name: s, addressSpace: [192.168.0.0/16]}]\n"
	  "connections: [{name: c, gateway: gw2, site: s}]\n" },
	{ "dangling_connection_site", "9:44", "connection 'c' names site 'dc9', which does not exist",
	  BASE HUB_GW "sites: [{name: s, addressSpace: [192.168.0.0/16]}]\n"
	  "connections: [{name: c, gateway: gw, site: dc9}]\n" },
	{ "dangling_connection_circuit", "8:47", "connection 'c' names circuit 'er1', which does not exist; define it under circuits",
	  BASE HUB_GW "connections: [{name: c, gateway: gw, circuit: er1}]\n" },
	{ "dangling_peer_gateway", "8:51", "connection 'c' names gateway 'far-gw', which does not exist",
	  BASE HUB_GW "connections: [{name: c, gateway: gw, peerGateway: far-gw}]\n" },
	{ "peer_gateway_itself", "8:51", "connection 'c' joins gateway 'gw' to itself",
	  BASE HUB_GW "connections: [{name: c, gateway: gw, peerGateway: gw}]\n" },
	{ "dangling_default_site", "7:58", "gateway 'gw' names site 'dc2', which does not exist; did you mean 'dc1'?",
	  BASE "gateways: [{name: gw, vnet: hub, type: Vpn, defaultSite: dc2}]\n"
	  "sites: [{name: dc1, addressSpace: [192.168.0.0/16]}]\n" },
	{ "circuit_unknown_site", "8:35", "circuit 'e' names site 'dc3', which does not exist; did you mean 'dc1'?",
	  BASE "sites: [{name: dc1, addressSpace: [192.168.0.0/16]}]\n"
	  "circuits: [{name: e, sites: [dc1, dc3]}]\n" },
	{ "udr_prefix_twice", "10:21", "route 'b' in route table 't': 10.8.0.0/16 is already routed by 'a'",
	  BASE "routeTables:\n  - name: t\n    routes: [{name: a, addressPrefix: 10.8.0.0/16, nextHopType: None},\n"
	  "             {name: b, addressPrefix: 10.8.0.0/16, nextHopType: Internet}]\n" },
	{ "next_hop_ip_not_appliance", "7:113", "nextHopIpAddress of route 'r' in route table 't' is only allowed with nextHopType VirtualAppliance, not Internet",
	  BASE "routeTables: [{name: t, routes: [{name: r, addressPrefix: 10.8.0.0/16, nextHopType: Internet, nextHopIpAddress: 10.0.1.4}]}]\n" },
	{ "next_hop_ip_missing", "7:85", "route 'r' in route table 't' has nextHopType VirtualAppliance but no nextHopIpAddress",
	  BASE "routeTables: [{name: t, routes: [{name: r, addressPrefix: 10.8.0.0/16, nextHopType: VirtualAppliance}]}]\n" },
	{ "next_hop_peering", "7:85", "VNetPeering cannot be used in a route table; only the platform creates these",
	  BASE "routeTables: [{name: t, routes: [{name: r, addressPrefix: 10.8.0.0/16, nextHopType: VNetPeering}]}]\n" },
	{ "next_hop_global_peering", "7:85", "VNetGlobalPeering cannot be used in a route table; only the platform creates these",
	  BASE "routeTables: [{name: t, routes: [{name: r, addressPrefix: 10.8.0.0/16, nextHopType: VNetGlobalPeering}]}]\n" },
	{ "next_hop_service_endpoint", "7:85", "VirtualNetworkServiceEndpoint cannot be used in a route table",
	  BASE "routeTables: [{name: t, routes: [{name: r, addressPrefix: 10.8.0.0/16, nextHopType: VirtualNetworkServiceEndpoint}]}]\n" },
	{ "next_hop_unknown", "7:85", "'Firewall' is not a next hop type a route may use; use one of VirtualAppliance, VirtualNetworkGateway, VnetLocal, Internet, None",
	  BASE "routeTables: [{name: t, routes: [{name: r, addressPrefix: 10.8.0.0/16, nextHopType: Firewall}]}]\n" },
	{ "udr_gateway_er_own", "10:60", "subnet 'hub/fw' reaches an ExpressRoute gateway, which cannot be a route's next hop",
	  "name: lab\nvnets:\n  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	  "      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27},\n"
	  "      {name: fw, addressPrefix: 10.0.1.0/24, routeTable: t}]}\n"
	  "gateways: [{name: er, vnet: hub, type: ExpressRoute}]\n"
	  "routeTables:\n  - name: t\n    routes:\n"
	  "      - {name: r, addressPrefix: 10.8.0.0/16, nextHopType: VirtualNetworkGateway}\n" },
	{ "udr_gateway_er_remote", "12:65", "subnet 'spoke/app' reaches an ExpressRoute gateway",
	  "name: lab\nvnets:\n  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	  "      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}\n"
	  "  - {name: spoke, addressSpace: [10.1.0.0/16], subnets: [{name: app, addressPrefix: 10.1.1.0/24, routeTable: t}]}\n"
	  "gateways: [{name: er, vnet: hub, type: ExpressRoute}]\n"
	  "peerings:\n  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
	  "  - {from: spoke, to: hub, useRemoteGateways: true}\n"
	  "routeTables:\n  - name: t\n    routes: [{name: r, addressPrefix: 10.8.0.0/16, nextHopType: VirtualNetworkGateway}]\n" },
	{ "udr_default_on_gateway_subnet", "9:34", "a 0.0.0.0/0 route is not supported on hub/GatewaySubnet",
	  "name: lab\nvnets:\n  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	  "      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27, routeTable: t}]}\n"
	  "routeTables:\n  - name: t\n    routes:\n"
	  "      - {name: r, addressPrefix: 10.8.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
	  "      - {name: d, addressPrefix: 0.0.0.0/0, nextHopType: Internet}\n" },
	{ "no_propagation_on_gateway_subnet", "7:33", "route table 't' is attached to hub/GatewaySubnet, which must keep gateway route propagation",
	  "name: lab\nvnets:\n  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	  "      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27, routeTable: t}]}\n"
	  "routeTables:\n  - name: t\n    disableBgpRoutePropagation: true\n" },
	{ "gateway_without_gateway_subnet", "7:28", "gateway 'g': vnet 'spoke' has no subnet named GatewaySubnet",
	  BASE "gateways: [{name: g, vnet: spoke, type: Vpn}]\n" },
	{ "two_vpn_gateways_in_vnet", "10:22", "gateway 'g3': vnet 'hub' already has Vpn gateway 'g1'; a vnet holds one Vpn and one ExpressRoute gateway at most",
	  BASE "gateways:\n  - {name: g1, vnet: hub, type: Vpn}\n"
	  "  - {name: g2, vnet: hub, type: ExpressRoute}\n"
	  "  - {name: g3, vnet: hub, type: Vpn}\n" },
	{ "two_er_gateways_in_vnet", "9:22", "gateway 'g2': vnet 'hub' already has ExpressRoute gateway 'g1'",
	  BASE "gateways:\n  - {name: g1, vnet: hub, type: ExpressRoute}\n"
	  "  - {name: g2, vnet: hub, type: ExpressRoute}\n" },
	{ "udr_gateway_coexisting", "11:60", "subnet 'hub/fw' reaches an ExpressRoute gateway, which cannot be a route's next hop; VirtualNetworkGateway needs a Vpn gateway with no ExpressRoute gateway beside it",
	  "name: lab\nvnets:\n  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [\n"
	  "      {name: GatewaySubnet, addressPrefix: 10.0.255.0/27},\n"
	  "      {name: fw, addressPrefix: 10.0.1.0/24, routeTable: t}]}\n"
	  "gateways: [{name: vpn, vnet: hub, type: Vpn}, {name: er, vnet: hub, type: ExpressRoute}]\n"
	  "routeTables:\n  - name: t\n    routes:\n"
	  "      - {name: ok, addressPrefix: 10.9.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
	  "      - {name: r, addressPrefix: 10.8.0.0/16, nextHopType: VirtualNetworkGateway}\n" },
	{ "er_without_bgp", "7:59", "gateway 'gw' is ExpressRoute, which always uses BGP; remove bgp: false",
	  BASE "gateways: [{name: gw, vnet: hub, type: ExpressRoute, bgp: false}]\n" },
	{ "default_site_on_er", "7:67", "gateway 'gw' is ExpressRoute; defaultSite (forced tunnelling) is for Vpn gateways only",
	  BASE "gateways: [{name: gw, vnet: hub, type: ExpressRoute, defaultSite: dc1}]\n"
	  "sites: [{name: dc1, addressSpace: [192.168.0.0/16]}]\n"
	  "connections: [{name: c, gateway: gw, site: dc1}]\n" },
	{ "default_site_not_connected", "7:58", "gateway 'gw': defaultSite 'dc2' is not connected to it",
	  BASE "gateways: [{name: gw, vnet: hub, type: Vpn, defaultSite: dc2}]\n"
	  "sites: [{name: dc1, addressSpace: [192.168.0.0/16]}, {name: dc2, addressSpace: [172.16.0.0/12]}]\n"
	  "connections: [{name: c, gateway: gw, site: dc1}]\n" },
	{ "remote_gateways_own_gateway", "9:47", "vnet 'hub' has its own gateway 'gw'; useRemoteGateways is for a vnet without one",
	  BASE HUB_GW "peerings:\n  - {from: hub, to: spoke, useRemoteGateways: true}\n"
	  "  - {from: spoke, to: hub, allowGatewayTransit: true}\n" },
	{ "remote_gateways_peer_without_gateway", "8:47", "useRemoteGateways: peer vnet 'spoke' has no gateway to use",
	  BASE "peerings:\n  - {from: hub, to: spoke, useRemoteGateways: true}\n"
	  "  - {from: spoke, to: hub, allowGatewayTransit: true}\n" },
	{ "remote_gateways_reverse_missing", "9:47", "useRemoteGateways: the peering hub -> spoke is missing; add it with allowGatewayTransit: true",
	  BASE HUB_GW "peerings:\n  - {from: spoke, to: hub, useRemoteGateways: true}\n" },
	{ "remote_gateways_no_transit", "9:47", "useRemoteGateways: the peering hub -> spoke (line 10) does not set allowGatewayTransit: true",
	  BASE HUB_GW "peerings:\n  - {from: spoke, to: hub, useRemoteGateways: true}\n"
	  "  - {from: hub, to: spoke}\n" },
	{ "remote_gateways_twice", "13:48", "vnet 'spoke' already sets useRemoteGateways on its peering to 'hub' (line 11)",
	  BASE "  - {name: hub2, addressSpace: [10.2.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.2.255.0/27}]}\n"
	  "gateways: [{name: gw, vnet: hub, type: Vpn}, {name: gw2, vnet: hub2, type: Vpn}]\n"
	  "peerings:\n"
	  "  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
	  "  - {from: spoke, to: hub, useRemoteGateways: true}\n"
	  "  - {from: hub2, to: spoke, allowGatewayTransit: true}\n"
	  "  - {from: spoke, to: hub2, useRemoteGateways: true}\n" },
	{ "vm_ip_outside_subnet", "7:37", "VM 'x': 10.0.2.4 is outside its subnet 'hub/fw' (10.0.1.0/24)",
	  BASE "vms: [{name: x, subnet: hub/fw, ip: 10.0.2.4}]\n" },
	{ "vm_ip_reserved_first", "7:37", "VM 'x': 10.0.1.3 is reserved by Azure in 10.0.1.0/24",
	  BASE "vms: [{name: x, subnet: hub/fw, ip: 10.0.1.3}]\n" },
	{ "vm_ip_reserved_last", "7:37", "VM 'x': 10.0.1.255 is reserved by Azure",
	  BASE "vms: [{name: x, subnet: hub/fw, ip: 10.0.1.255}]\n" },
	{ "vm_ip_twice", "9:35", "VM 'y': 10.0.1.9 is already used by VM 'x' (line 8)",
	  BASE "vms:\n  - {name: x, subnet: hub/fw, ip: 10.0.1.9}\n"
	  "  - {name: y, subnet: hub/fw, ip: 10.0.1.9}\n" },
	/* peered VNets cannot share an address: their spaces may not overlap */
	{ "vm_ip_twice_peered", "6:5", "cannot peer vnet 'a' with 'b': their address spaces overlap (10.1.0.0/16 and 10.1.0.0/16)",
	  "name: lab\nvnets:\n"
	  "  - {name: a, addressSpace: [10.1.0.0/16], subnets: [{name: s, addressPrefix: 10.1.1.0/24}]}\n"
	  "  - {name: b, addressSpace: [10.1.0.0/16], subnets: [{name: s, addressPrefix: 10.1.1.0/24}]}\n"
	  "peerings:\n  - {from: a, to: b}\n  - {from: b, to: a}\n"
	  "vms:\n  - {name: x, subnet: a/s, ip: 10.1.1.4}\n  - {name: y, subnet: b/s, ip: 10.1.1.4}\n" },
	{ "gateway_ip_reserved", "7:49", "gateway 'gw': 10.0.255.31 is reserved by Azure",
	  BASE "gateways: [{name: gw, vnet: hub, type: Vpn, ip: 10.0.255.31}]\n" },
	{ "gateway_ip_outside", "7:49", "gateway 'gw': 10.0.1.9 is outside its subnet 'hub/GatewaySubnet'",
	  BASE "gateways: [{name: gw, vnet: hub, type: Vpn, ip: 10.0.1.9}]\n" },
	{ "vm_in_gateway_subnet", "7:25", "VM 'x' cannot be placed in GatewaySubnet",
	  BASE "vms: [{name: x, subnet: hub/GatewaySubnet}]\n" },
	{ "no_free_address", "7:12", "VM 'x4': subnet 'v/s' has no free address left",
	  "name: lab\nvnets: [{name: v, addressSpace: [10.0.0.0/16], subnets: [{name: s, addressPrefix: 10.0.0.0/29}]}]\n"
	  "vms:\n  - {name: x1, subnet: v/s, ip: 10.0.0.5}\n"
	  "  - {name: x2, subnet: v/s}\n  - {name: x3, subnet: v/s}\n"
	  "  - {name: x4, subnet: v/s}\n" },
	{ "site_host_outside_space", "7:73", "host 'h' of site 's': 192.169.0.1 is outside the site's addressSpace",
	  BASE "sites: [{name: s, addressSpace: [192.168.0.0/16], hosts: [{name: h, ip: 192.169.0.1}]}]\n" },
	{ "internet_host_not_test_net", "7:34", "internet host 'w': 8.8.8.8 is not a documentation address",
	  BASE "internet: {hosts: [{name: w, ip: 8.8.8.8}]}\n" },
};

static void run_reject(void **state)
{
	const struct reject *r = *state;
	char want[64];
	struct topology t;
	struct diags d = { 0 };
	bool found = false;

	snprintf(want, sizeof(want), "t.yaml:%s: error: ", r->where);
	assert_int_equal(parse(r->yaml, &t, &d), -1);
	assert_true(d.n > 0);
	for (int i = 0; i < d.n; i++) {
		if (!strncmp(d.lines[i], want, strlen(want)) &&
		    strstr(d.lines[i], r->says))
			found = true;
	}
	if (!found)
		for (int i = 0; i < d.n; i++)
			print_error("got: %s\n", d.lines[i]);
	assert_true(found);
	/* malformed YAML is one error, at the parser's mark, and nothing else */
	if (strstr(r->says, "malformed YAML"))
		assert_int_equal(d.n, 1);
	/* nothing half-built */
	assert_null(t.vnets);
	assert_null(t.name);
	assert_int_equal(t.nvms, 0);
	diags_free(&d);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_full_vnets_subnets),
		cmocka_unit_test(test_full_peerings_gateways),
		cmocka_unit_test(test_full_routes),
		cmocka_unit_test(test_full_sites_connections),
		cmocka_unit_test(test_coexisting_gateways),
		cmocka_unit_test(test_full_vms),
		cmocka_unit_test(test_json_input),
		cmocka_unit_test(test_gateway_auto_ip_and_er_bgp),
		cmocka_unit_test(test_collects_all_errors),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_stdin),
		cmocka_unit_test(test_second_pass_collects_all),
		cmocka_unit_test(test_unpeered_vnets_reuse_addresses),
	};
	struct CMUnitTest tests[ARRAY_SIZE(fixed) + ARRAY_SIZE(rejects)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < ARRAY_SIZE(rejects); i++)
		tests[n++] = (struct CMUnitTest){
			.name = rejects[i].name,
			.test_func = run_reject,
			.initial_state = (void *)&rejects[i],
		};
	return _cmocka_run_group_tests("test_topo", tests, n, NULL, NULL);
}
