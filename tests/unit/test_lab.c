// SPDX-License-Identifier: GPL-2.0
/*
 * The lab plan: what a topology becomes in the kernel, checked object by
 * object (namespaces, NICs, addresses, routes, ownership markers, names,
 * nftables) from real topologies through the real route engine.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lab.h"
#include "roundtrip.h"
#include "topo.h"

static const char hub_spoke[] =
	"name: hs\n"
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
	"gateways:\n"
	"  - {name: hub-gw, vnet: hub, type: Vpn}\n"
	"sites:\n"
	"  - name: dc1\n"
	"    addressSpace: [192.168.0.0/16]\n"
	"    hosts: [{name: srv, ip: 192.168.1.10}]\n"
	"connections:\n"
	"  - {name: c1, gateway: hub-gw, site: dc1}\n"
	"vms:\n"
	"  - name: fw\n"
	"    subnet: hub/fw\n"
	"    ip: 10.0.1.4\n"
	"    enableIpForwarding: true\n"
	"    firewall:\n"
	"      defaultAction: Deny\n"
	"      rules:\n"
	"        - {name: web, action: Allow, protocol: Tcp, source: 10.1.0.0/16, destination: Any, destinationPorts: \"80,443,8000-8080\"}\n"
	"        - {name: no-dns, action: Deny, protocol: Udp, source: [10.1.1.0/24, 10.1.0.0/16, 192.168.0.0/16, 10.1.0.0/16], destination: Any, destinationPorts: \"53\"}\n"
	"        - {name: ping, action: Allow, protocol: Icmp, source: Any, destination: Any}\n"
	"  - {name: a-very-long-virtual-machine-name, subnet: spoke1/app}\n"
	"internet:\n"
	"  hosts: [{name: web, ip: 203.0.113.10}]\n";

/* Two hubs whose ExpressRoute gateways meet a site on one circuit. */
static const char two_hubs[] =
	"name: er\n"
	"vnets:\n"
	"  - {name: a, addressSpace: [10.0.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}\n"
	"  - {name: b, addressSpace: [10.100.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.100.255.0/27}]}\n"
	"gateways:\n"
	"  - {name: gwa, vnet: a, type: ExpressRoute}\n"
	"  - {name: gwb, vnet: b, type: ExpressRoute}\n"
	"sites:\n"
	"  - {name: dc1, addressSpace: [192.168.0.0/16], hosts: [{name: srv, ip: 192.168.1.10}]}\n"
	"circuits:\n"
	"  - {name: er1, sites: [dc1]}\n"
	"connections:\n"
	"  - {name: ca, gateway: gwa, circuit: er1}\n"
	"  - {name: cb, gateway: gwb, circuit: er1}\n";

struct fixture {
	struct topology t;
	struct engine e;
	struct lab_plan p;
};

static struct fixture *load_named(const char *name, const char *yaml, size_t len)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct diags d = { 0 };

	assert_non_null(f);
	if (topo_parse(name, yaml, len, &f->t, &d)) {
		for (int i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		fail_msg("%s does not load", name);
	}
	diags_free(&d);
	engine_build(&f->e, &f->t);
	assert_int_equal(lab_plan_build(&f->p, &f->e), 0);
	return f;
}

static struct fixture *load(const char *yaml)
{
	return load_named("test.yaml", yaml, strlen(yaml));
}

static void unload(struct fixture *f)
{
	lab_plan_free(&f->p);
	engine_free(&f->e);
	topo_free(&f->t);
	free(f);
}

static uint32_t ip(const char *s)
{
	uint32_t a;

	assert_true(ipv4_parse(s, &a));
	return a;
}

static struct prefix px(const char *s)
{
	struct prefix p;

	assert_int_equal(prefix_parse(s, &p), 0);
	return p;
}

static int node(const struct lab_plan *p, const char *name)
{
	int n = lab_plan_find(p, name);

	assert_true(n >= 0);
	return n;
}

/* The route of node n to dst: its via (0: on-link), or fail. */
static uint32_t route_via(const struct lab_plan *p, int n, const char *dst)
{
	for (int i = 0; i < p->nroutes; i++)
		if (p->routes[i].node == n && prefix_equal(p->routes[i].dst, px(dst)))
			return p->routes[i].via;
	fail_msg("%s has no route to %s", p->nodes[n].name, dst);
	return 0;
}

static bool has_route(const struct lab_plan *p, int n, const char *dst)
{
	for (int i = 0; i < p->nroutes; i++)
		if (p->routes[i].node == n && prefix_equal(p->routes[i].dst, px(dst)))
			return true;
	return false;
}

/* The address of node a's end of its link to node b. */
static uint32_t link_addr(const struct lab_plan *p, int a, int b)
{
	for (int i = 0; i < p->nlinks; i++) {
		const struct lab_link *l = &p->links[i];

		for (int k = 0; k < 2; k++)
			if (l->end[k].node == a && l->end[!k].node == b)
				return l->end[k].addr;
	}
	fail_msg("no link %d-%d", a, b);
	return 0;
}

static void test_nodes_and_namespaces(void **state)
{
	struct fixture *f = load(hub_spoke);
	const struct lab_plan *p = &f->p;
	static const char *const want[][2] = {
		{ "fabric", "xv-hs.fabric" }, { "fw", "xv-hs.vm.fw" },
		{ "hub-gw", "xv-hs.gw.hub-gw" }, { "dc1", "xv-hs.site.dc1" },
		{ "internet", "xv-hs.internet" },
	};

	assert_int_equal(p->nnodes, 6); /* fabric, 2 VMs, gateway, site, internet */
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
		assert_string_equal(p->nodes[node(p, want[i][0])].netns, want[i][1]);
	assert_true(p->nodes[node(p, "fw")].ip_forward);
	assert_false(p->nodes[node(p, "a-very-long-virtual-machine-name")].ip_forward);
	assert_true(p->nodes[node(p, "hub-gw")].ip_forward);
	assert_non_null(p->nodes[node(p, "fw")].nft);
	assert_null(p->nodes[node(p, "hub-gw")].nft);
	unload(f);
}

/* A NIC: outer end in the fabric, eth0 with the VM's address and XDP_PASS. */
static void test_vm_nic(void **state)
{
	struct fixture *f = load(hub_spoke);
	const struct lab_plan *p = &f->p;
	int vm = node(p, "a-very-long-virtual-machine-name");
	const struct lab_link *l = &p->links[p->nic_link[vm]];

	assert_true(l->nic);
	assert_int_equal(l->end[0].node, p->fabric);
	assert_int_equal(l->end[1].node, vm);
	assert_string_equal(l->end[1].ifname, "eth0");
	assert_int_equal(l->end[1].addr, ip("10.1.1.4"));
	assert_int_equal(l->end[1].plen, 24);
	assert_true(l->end[1].xdp_pass);
	assert_false(l->end[0].xdp_pass);
	assert_true(strlen(l->end[0].ifname) < IF_NAMESIZE);
	assert_string_equal(l->alias, "xvnet:hs:vm.a-very-long-virtual-machine-name");
	/* Default route via the subnet's first host, answered by the fabric. */
	assert_int_equal(route_via(p, vm, "0.0.0.0/0"), ip("10.1.1.1"));
	unload(f);
}

/* Gateway: VNet side to the fabric, learned prefixes to the site's link. */
static void test_gateway_and_site(void **state)
{
	struct fixture *f = load(hub_spoke);
	const struct lab_plan *p = &f->p;
	int gw = node(p, "hub-gw"), site = node(p, "dc1");
	uint32_t gw_end = link_addr(p, gw, site), site_end = link_addr(p, site, gw);

	assert_int_equal(p->links[p->nic_link[gw]].end[1].addr, ip("10.0.255.4"));
	assert_int_equal(gw_end & 0xffff0000, ip("169.254.0.0"));
	assert_int_equal(gw_end & ~3u, site_end & ~3u);	/* one /30 */
	assert_int_equal(route_via(p, gw, "192.168.0.0/16"), site_end);
	assert_int_equal(route_via(p, gw, "10.0.0.0/16"), ip("10.0.255.1"));
	/* spoke1 uses the hub's gateway: the gateway serves it too. */
	assert_int_equal(route_via(p, gw, "10.1.0.0/16"), ip("10.0.255.1"));
	assert_int_equal(route_via(p, site, "10.0.0.0/16"), gw_end);
	assert_int_equal(route_via(p, site, "10.1.0.0/16"), gw_end);
	assert_false(has_route(p, site, "0.0.0.0/0"));
	for (int i = 0; i < p->nroutes; i++)
		if (p->routes[i].node == site && p->routes[i].link >= 0)
			assert_int_equal(p->routes[i].src, ip("192.168.1.10"));
	/* The site keeps its own space: no link, nothing sent out. */
	for (int i = 0; i < p->nroutes; i++)
		if (p->routes[i].node == site &&
		    prefix_equal(p->routes[i].dst, px("192.168.0.0/16")))
			assert_int_equal(p->routes[i].link, -1);
	assert_true(has_route(p, site, "192.168.0.0/16"));
	/* The site's host answers on its loopback. */
	assert_int_equal(p->naddrs, 2);	/* srv, and the internet host */
	unload(f);
}

static void test_internet_edge(void **state)
{
	struct fixture *f = load(hub_spoke);
	const struct lab_plan *p = &f->p;
	int inet = node(p, "internet"), found = 0;

	assert_int_equal(p->internet, inet);
	assert_int_equal(route_via(p, inet, "0.0.0.0/0"), 0);	/* on-link */
	for (int i = 0; i < p->naddrs; i++)
		if (p->addrs[i].node == inet) {
			assert_int_equal(p->addrs[i].addr, ip("203.0.113.10"));
			assert_int_equal(p->addrs[i].link, p->nic_link[inet]);
			found++;
		}
	assert_int_equal(found, 1);
	unload(f);
}

/*
 * Hosts live in their site's namespace (or the Internet edge's), whose
 * traffic leaves from the first host's address.
 */
static void test_hosts(void **state)
{
	static const char yaml[] =
		"name: hosts\n"
		"vnets: [{name: v, addressSpace: [10.0.0.0/16]}]\n"
		"sites:\n"
		"  - {name: dc1, addressSpace: [192.168.0.0/16],\n"
		"     hosts: [{name: srv, ip: 192.168.1.10}, {name: db, ip: 192.168.2.20}]}\n"
		"internet:\n"
		"  hosts: [{name: web, ip: 203.0.113.10}, {name: dns, ip: 198.51.100.53}]\n";
	struct fixture *f = load(yaml);
	const char *node = NULL;
	uint32_t src = 0;

	assert_int_equal(lab_host(&f->t, "db", &node, &src)->ip, ip("192.168.2.20"));
	assert_string_equal(node, "dc1");
	assert_int_equal(src, ip("192.168.1.10"));
	assert_int_equal(lab_host(&f->t, "dns", &node, &src)->ip, ip("198.51.100.53"));
	assert_string_equal(node, "internet");
	assert_int_equal(src, ip("203.0.113.10"));
	assert_true(lab_plan_find(&f->p, node) >= 0 && lab_plan_find(&f->p, "dc1") >= 0);
	assert_null(lab_host(&f->t, "dc1", &node, &src));	/* a node, not a host */
	unload(f);
}

/* Every member of a circuit reaches every other through the meet-me router. */
static void test_circuit(void **state)
{
	struct fixture *f = load(two_hubs);
	const struct lab_plan *p = &f->p;
	int er = node(p, "er1"), a = node(p, "gwa"), b = node(p, "gwb");
	int site = node(p, "dc1");

	assert_string_equal(p->nodes[er].netns, "xv-er.er.er1");
	assert_int_equal(route_via(p, er, "10.0.0.0/16"), link_addr(p, a, er));
	assert_int_equal(route_via(p, er, "10.100.0.0/16"), link_addr(p, b, er));
	assert_int_equal(route_via(p, er, "192.168.0.0/16"), link_addr(p, site, er));
	assert_int_equal(route_via(p, a, "192.168.0.0/16"), link_addr(p, er, a));
	assert_int_equal(route_via(p, a, "10.100.0.0/16"), link_addr(p, er, a));
	assert_int_equal(route_via(p, site, "10.0.0.0/16"), link_addr(p, er, site));
	assert_int_equal(route_via(p, site, "10.100.0.0/16"), link_addr(p, er, site));
	unload(f);
}

/* Ownership markers, unique MACs, names within IFNAMSIZ and unique per node. */
static void test_links_unique_and_marked(void **state)
{
	struct fixture *f = load(two_hubs);
	const struct lab_plan *p = &f->p;

	for (int i = 0; i < p->nlinks; i++) {
		const struct lab_link *l = &p->links[i];

		assert_memory_equal(l->alias, "xvnet:er:", 9);
		for (int k = 0; k < 2; k++) {
			assert_true(strlen(l->end[k].ifname) < IF_NAMESIZE);
			for (int j = 0; j < p->nlinks; j++)
				for (int m = 0; m < 2; m++) {
					const struct lab_end *o = &p->links[j].end[m];

					if (j == i && m == k)
						continue;
					assert_memory_not_equal(o->mac, l->end[k].mac, 6);
					if (o->node == l->end[k].node)
						assert_string_not_equal(o->ifname,
									l->end[k].ifname);
				}
		}
	}
	unload(f);
}

static void test_kernel_names(void **state)
{
	char a[LAB_NETNS_LEN], b[LAB_NETNS_LEN], pa[LAB_NETNS_LEN];
	char x[IF_NAMESIZE], y[IF_NAMESIZE];

	/* Lab "a" never owns lab "a-b"'s namespaces, nor the reverse. */
	lab_netns_prefix(pa, "a");
	lab_netns_name(a, "a", LN_VM, "b-c");
	lab_netns_name(b, "a-b", LN_VM, "c");
	assert_string_equal(a, "xv-a.vm.b-c");
	assert_memory_not_equal(b, pa, strlen(pa));
	/* A VM and a site of one name live apart. */
	lab_netns_name(b, "a", LN_SITE, "b-c");
	assert_string_not_equal(a, b);
	/* Cleanup recognises exactly the namespaces xvnet names. */
	assert_true(lab_netns_parse("xv-a-b.vm.c", pa));
	assert_string_equal(pa, "a-b");
	assert_true(lab_netns_parse("xv-hs.fabric", pa));
	assert_string_equal(pa, "hs");
	assert_true(lab_netns_parse("xv-hs.er.er1", pa));
	assert_false(lab_netns_parse("xv-hs.fabricx", pa));
	assert_false(lab_netns_parse("xv-hs.vm.", pa));
	assert_false(lab_netns_parse("xv-hs.other.x", pa));
	assert_false(lab_netns_parse("xv-Hs.vm.x", pa));
	assert_false(lab_netns_parse("xvb-1-src", pa));
	assert_false(lab_netns_parse("xv-thirteenchars.vm.x", pa));
	lab_ifname(x, "v-", "short");
	assert_string_equal(x, "v-short");
	lab_ifname(x, "v-", "a-name-longer-than-ifnamsiz-1");
	lab_ifname(y, "v-", "a-name-longer-than-ifnamsiz-2");
	assert_int_equal(strlen(x), 10);
	assert_memory_equal(x, "v-", 2);
	assert_string_not_equal(x, y);
}

/* First match wins, Deny rules record the flow, ports and ranges kept. */
static void test_nft_ruleset(void **state)
{
	struct fixture *f = load(hub_spoke);
	const char *nft = f->p.nodes[node(&f->p, "fw")].nft;
	const char *est = strstr(nft, "ct state established,related counter accept comment \"established\"\n");
	const char *web = strstr(nft, "ip saddr 10.1.0.0/16 meta l4proto tcp th dport { 80, 443, 8000-8080 } counter accept comment \"web\"");
	const char *dns = strstr(nft, "ip saddr { 10.1.0.0/16, 192.168.0.0/16 } meta l4proto udp th dport { 53 } update @denied { ip saddr . ip daddr . meta l4proto . th dport } counter drop comment \"no-dns\"");
	const char *ping = strstr(nft, "meta l4proto icmp counter accept comment \"ping\"");
	const char *def = strstr(nft, "meta l4proto . 0 } counter drop comment \"defaultAction\"");

	assert_non_null(est);
	assert_non_null(web);
	assert_non_null(dns);
	assert_non_null(ping);
	assert_non_null(def);
	assert_true(est < web && web < dns && dns < ping && ping < def);
	assert_non_null(strstr(nft, "hook forward"));
	unload(f);
}

/* An ICMP Deny rule drops ICMP, recorded with port 0; TCP and UDP pass on. */
static void test_nft_icmp_deny(void **state)
{
	static const char yaml[] =
		"name: icmp\n"
		"vnets: [{name: v, addressSpace: [10.0.0.0/16], subnets: [{name: s, addressPrefix: 10.0.1.0/24}]}]\n"
		"vms:\n"
		"  - name: fw\n"
		"    subnet: v/s\n"
		"    ip: 10.0.1.4\n"
		"    enableIpForwarding: true\n"
		"    firewall:\n"
		"      defaultAction: Allow\n"
		"      rules: [{name: no-ping, action: Deny, protocol: Icmp, source: 10.1.0.0/16, destination: Any}]\n";
	struct fixture *f = load(yaml);
	const char *nft = f->p.nodes[node(&f->p, "fw")].nft;
	const char *drop = strstr(nft, "ip saddr 10.1.0.0/16 meta l4proto icmp update @denied { ip saddr . ip daddr . meta l4proto . 0 } counter drop comment \"no-ping\"\n");
	const char *def = strstr(nft, "counter accept comment \"defaultAction\"");

	assert_non_null(drop);
	assert_non_null(def);
	assert_true(drop < def);
	/* One rule only: no TCP/UDP drop under its name. */
	assert_null(strstr(nft, "th dport } counter drop comment \"no-ping\""));
	unload(f);
}

/*
 * A hub with two address ranges, whose gateway learns from a site a prefix
 * nested in the first one: one route per range to the fabric, and no
 * route of the nested prefix (the VNet's range decides it).
 */
static const char nested[] =
	"name: nested\n"
	"vnets:\n"
	"  - name: hub\n"
	"    addressSpace: [10.0.0.0/16, 10.50.0.0/16]\n"
	"    subnets:\n"
	"      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
	"      - {name: app, addressPrefix: 10.0.5.0/24}\n"
	"gateways: [{name: gw, vnet: hub, type: Vpn}]\n"
	"sites:\n"
	"  - {name: dc, addressSpace: [10.0.5.0/24], hosts: [{name: dc-srv, ip: 10.0.5.10}]}\n"
	"  - {name: branch, addressSpace: [192.168.0.0/16], hosts: [{name: pc, ip: 192.168.1.10}]}\n"
	"connections:\n"
	"  - {name: c-dc, gateway: gw, site: dc}\n"
	"  - {name: c-branch, gateway: gw, site: branch}\n"
	"vms: [{name: app1, subnet: hub/app, ip: 10.0.5.4}]\n";

static void test_gateway_ranges(void **state)
{
	struct fixture *f = load(nested);
	const struct lab_plan *p = &f->p;
	int gw = node(p, "gw");

	assert_int_equal(route_via(p, gw, "10.0.0.0/16"), ip("10.0.255.1"));
	assert_int_equal(route_via(p, gw, "10.50.0.0/16"), ip("10.0.255.1"));
	assert_int_equal(route_via(p, gw, "192.168.0.0/16"),
			 link_addr(p, node(p, "branch"), gw));
	assert_false(has_route(p, gw, "10.0.5.0/24"));
	unload(f);
}

/* A forced-tunnelling gateway sends what it has no route for to its default site. */
static void test_gateway_default_site(void **state)
{
	static const char yaml[] =
		"name: tunnel\n"
		"vnets: [{name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.0.255.0/27}]}]\n"
		"gateways: [{name: gw, vnet: hub, type: Vpn, defaultSite: dc}]\n"
		"sites: [{name: dc, addressSpace: [192.168.0.0/16]}]\n"
		"connections: [{name: c, gateway: gw, site: dc}]\n";
	struct fixture *f = load(yaml);
	const struct lab_plan *p = &f->p;
	int gw = node(p, "gw"), dc = node(p, "dc");

	assert_int_equal(route_via(p, gw, "0.0.0.0/0"), link_addr(p, dc, gw));
	unload(f);
}

/* ---- public addresses: past the documentation ranges ------------------ */

#define MANY_VMS 600

/* MANY_VMS VMs reaching the Internet themselves; a site of `site` ("": none). */
static char *many_vms(const char *site)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	assert_non_null(o);
	fprintf(o, "name: many\nvnets:\n"
		   "  - {name: v, addressSpace: [10.0.0.0/16], subnets: [{name: s, addressPrefix: 10.0.0.0/20}]}\n");
	if (*site)
		fprintf(o, "sites:\n  - {name: dc, addressSpace: [%s]}\n", site);
	fprintf(o, "vms:\n");
	for (int i = 0; i < MANY_VMS; i++)
		fprintf(o, "  - {name: vm%d, subnet: v/s}\n", i);
	fprintf(o, "internet:\n  hosts: [{name: web, ip: 203.0.113.10}]\n");
	assert_int_equal(fclose(o), 0);
	return buf;
}

/* The edge translates (vm . web) to want: its egress map says so. */
static void assert_edge_maps(const struct fixture *f, int vm, const char *want)
{
	char a[IPV4_STRLEN], line[80];

	snprintf(line, sizeof(line), "%s . 203.0.113.10 : %s", ipv4_str(f->t.vms[vm].ip, a), want);
	if (!strstr(f->p.nodes[f->p.internet].nft, line))
		fail_msg("the edge does not map %s", line);
}

/*
 * VM #509 on gets an address of 198.18.0.0/15, and the round trip, the
 * edge's ruleset and the exhaustion check agree on it.
 */
static void test_public_addresses_beyond_508(void **state)
{
	char *yaml = many_vms("");
	struct fixture *f = load(yaml);
	struct flow fl = { 0, ip("203.0.113.10"), FW_ICMP, 0 };
	struct round_trip *rt = calloc(1, sizeof(*rt));

	assert_non_null(rt);
	assert_int_equal(rt_public_ip(&f->t, 0), ip("198.51.100.1"));
	assert_int_equal(rt_public_ip(&f->t, 507), ip("192.0.2.254"));
	assert_int_equal(rt_public_ip(&f->t, 508), ip("198.18.0.1"));
	assert_int_equal(rt_public_ip(&f->t, MANY_VMS - 1), ip("198.18.0.92"));
	assert_edge_maps(f, 507, "192.0.2.254");
	assert_edge_maps(f, 508, "198.18.0.1");
	assert_edge_maps(f, MANY_VMS - 1, "198.18.0.92");
	fl.src = f->t.vms[MANY_VMS - 1].ip;
	round_trip(&f->e, (struct origin){ .index = MANY_VMS - 1 }, &fl, rt);
	assert_true(rt->delivered);
	assert_int_equal(rt->request.public_ip, ip("198.18.0.92"));
	assert_int_equal(rt_public_ips_short(&f->e), -1);
	free(rt);
	unload(f);
	free(yaml);
}

/* A site using the benchmarking range leaves 508 addresses: VM #509 has none, and that is said. */
static void test_public_addresses_run_out(void **state)
{
	char *yaml = many_vms("198.18.0.0/15");
	struct fixture *f = load(yaml);

	assert_int_equal(rt_public_ip(&f->t, 507), ip("192.0.2.254"));
	assert_int_equal(rt_public_ip(&f->t, 508), 0);
	assert_int_equal(rt_public_ips_short(&f->e), 508);
	unload(f);
	free(yaml);
}

/* ---- the plan against the engine, at every prefix edge ---------------- */

#define KEEPS (-2)	/* the node keeps the packet: its own address or space */
#define NOWHERE (-1)	/* no route */

/*
 * What node n's kernel does with a packet to dst, from the plan alone:
 * local addresses first, then the longest prefix among the plan's routes
 * and the connected prefixes of its link ends. The node a route leads to
 * is the other end of its link; a route without a link keeps the packet.
 */
static int kernel_next(const struct lab_plan *p, int n, uint32_t dst)
{
	int best = NOWHERE, best_len = -1;

	for (int i = 0; i < p->naddrs; i++)
		if (p->addrs[i].node == n && p->addrs[i].addr == dst)
			return KEEPS;
	for (int i = 0; i < p->nlinks; i++)
		for (int k = 0; k < 2; k++) {
			const struct lab_end *e = &p->links[i].end[k];
			struct prefix c = { e->addr & prefix_mask(e->plen), e->plen };

			if (e->node != n || !e->addr)
				continue;
			if (e->addr == dst)
				return KEEPS;
			if (prefix_has(c, dst) && c.len > best_len) {
				best = p->links[i].end[!k].node;
				best_len = c.len;
			}
		}
	for (int i = 0; i < p->nroutes; i++) {
		const struct lab_route *r = &p->routes[i];

		if (r->node != n || !prefix_has(r->dst, dst) || r->dst.len <= best_len)
			continue;
		best_len = r->dst.len;
		best = r->link < 0 ? KEEPS : p->links[r->link].end[!r->end].node;
	}
	return best;
}

/* The plan's node a route the engine follows leads to. */
static int engine_next(const struct lab_plan *p, const struct learned_route *lr,
		       bool at_site)
{
	if (!lr)
		return NOWHERE;
	switch (lr->via) {
	case VIA_VNET:
		return p->fabric;
	case VIA_SITE:
		return at_site ? KEEPS : p->site_node[lr->target];
	case VIA_CIRCUIT:
		return p->circuit_node[lr->target];
	case VIA_PEER_GATEWAY:
	case VIA_GATEWAY:
		return p->gw_node[lr->target];
	}
	return NOWHERE;
}

/* A VPN gateway's default site: the Internet breakout, it keeps the rest. */
static bool is_default_site(const struct topology *t, int s)
{
	for (int g = 0; g < t->ngateways; g++)
		if (t->gateways[g].type == GW_VPN && t->gateways[g].default_site == s)
			return true;
	return false;
}

/* What the engine says node n (a gateway or a site) does with dst. */
static int decided_next(const struct fixture *f, int n, uint32_t dst)
{
	const struct lab_node *nd = &f->p.nodes[n];
	struct prefix host = { dst, 32 };
	struct learned_route tmp;
	int next;

	if (nd->kind == LN_SITE) {
		next = engine_next(&f->p, engine_site_route(&f->e, nd->index, host, &tmp),
				   true);
		if (next == NOWHERE && is_default_site(&f->t, nd->index))
			return KEEPS;
		return next;
	}
	if (f->t.gateways[nd->index].ip == dst)
		return KEEPS;
	return engine_next(&f->p, engine_gateway_route(&f->e, nd->index, host, &tmp),
			   false);
}

static const char *next_name(const struct lab_plan *p, int n)
{
	return n == KEEPS ? "(kept)" : n == NOWHERE ? "(no route)" : p->nodes[n].name;
}

/* First and last address of px, and one either side: kernel == engine. */
static int check_edges(const struct fixture *f, int n, struct prefix px)
{
	uint32_t first = px.addr, last = prefix_last(px);
	uint32_t at[4] = { first, last, first - 1, last + 1 };
	int bad = 0;

	for (int i = 0; i < 4; i++) {
		int want, got;
		char a[PREFIX_STRLEN];

		if ((i == 2 && !first) || (i == 3 && last == UINT32_MAX))
			continue;
		want = decided_next(f, n, at[i]);
		got = kernel_next(&f->p, n, at[i]);
		if (want == got)
			continue;
		fprintf(stderr, "%s %s: the engine says %s, the plan's routes %s (edge of %s)\n",
			f->p.nodes[n].name, ipv4_str(at[i], a), next_name(&f->p, want),
			next_name(&f->p, got), prefix_str(px, (char[PREFIX_STRLEN]){ 0 }));
		bad++;
	}
	return bad;
}

/*
 * Every prefix a gateway or a site could decide by: its own ranges (a
 * gateway's VNets, a site's space), what it learned, 0/0, and every route
 * the plan gave it. Returns the edges checked in *nedges, and the
 * mismatches.
 */
static int check_node(const struct fixture *f, int n, int *nedges)
{
	const struct lab_node *nd = &f->p.nodes[n];
	const struct engine *e = &f->e;
	int bad = check_edges(f, n, (struct prefix){ 0, 0 });

	*nedges += 2;
	if (nd->kind == LN_SITE) {
		const struct site *s = &f->t.sites[nd->index];

		for (int i = 0; i < s->nspace; i++, *nedges += 4)
			bad += check_edges(f, n, s->space[i]);
		for (int i = 0; i < e->nsite_routes[nd->index]; i++, *nedges += 4)
			bad += check_edges(f, n, e->site_routes[nd->index][i].prefix);
	} else {
		for (int v = 0; v < f->t.nvnets; v++)
			for (int i = 0; engine_gateway_serves(e, nd->index, v) &&
					i < f->t.vnets[v].nspace; i++, *nedges += 4)
				bad += check_edges(f, n, f->t.vnets[v].space[i]);
		for (int i = 0; i < e->gw[nd->index].n; i++, *nedges += 4) {
			struct eff_route row;

			engine_gateway_row(e, nd->index, i, &row);
			bad += check_edges(f, n, row.prefix);
		}
	}
	for (int i = 0; i < f->p.nroutes; i++)
		if (f->p.routes[i].node == n) {
			bad += check_edges(f, n, f->p.routes[i].dst);
			*nedges += 4;
		}
	return bad;
}

/* Every gateway and site namespace of a plan; returns the edges checked. */
static int check_plan(const struct fixture *f)
{
	int bad = 0, nedges = 0, nnodes = 0;

	for (int n = 0; n < f->p.nnodes; n++) {
		if (f->p.nodes[n].kind != LN_GATEWAY && f->p.nodes[n].kind != LN_SITE)
			continue;
		bad += check_node(f, n, &nedges);
		nnodes++;
	}
	assert_int_equal(bad, 0);
	assert_true(nnodes > 0);
	return nedges;
}

static struct fixture *load_file(const char *path)
{
	struct fixture *f;
	char *buf;
	size_t len;

	assert_int_equal(topo_read(path, &buf, &len), 0);
	f = load_named(path, buf, len);
	free(buf);
	return f;
}

static void test_differential_examples(void **state)
{
	glob_t g;

	assert_int_equal(glob("examples/*.yaml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 3);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct fixture *f = load_file(g.gl_pathv[i]);

		assert_true(check_plan(f) > 0);
		unload(f);
	}
	globfree(&g);
}

/*
 * A generated topology of hubs with two address ranges and a transit
 * spoke each; VPN and ExpressRoute gateways; sites whose ranges sit
 * inside a hub's or a spoke's, a circuit member whose one range holds
 * several hubs and other sites' ranges, VNet-to-VNet, forced tunnelling;
 * a VPN gateway beside hub1's ExpressRoute one, BGP transit through gw0,
 * gw2 (over their VNet-to-VNet connection) and gwx, a site of 0.0.0.0/5
 * that learns more specific prefixes.
 */
#define GEN_HUBS 4

static char *generated(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	assert_non_null(o);
	fprintf(o, "name: gen\nvnets:\n");
	for (int i = 0; i < GEN_HUBS; i++)
		fprintf(o, "  - {name: hub%d, addressSpace: [10.%d.0.0/16, 172.16.%d.0/20],\n"
			   "     subnets: [{name: GatewaySubnet, addressPrefix: 10.%d.255.0/27}]}\n"
			   "  - {name: spoke%d, addressSpace: [10.%d.0.0/16]}\n",
			i, 16 * i, 16 * i, 16 * i, i, 16 * i + 1);
	fprintf(o, "peerings:\n");
	for (int i = 0; i < GEN_HUBS; i++)
		fprintf(o, "  - {from: hub%d, to: spoke%d, allowGatewayTransit: true}\n"
			   "  - {from: spoke%d, to: hub%d, useRemoteGateways: true}\n",
			i, i, i, i);
	fprintf(o, "gateways:\n");
	for (int i = 0; i < GEN_HUBS; i++)
		fprintf(o, "  - {name: gw%d, vnet: hub%d, type: %s%s}\n", i, i,
			i % 2 ? "ExpressRoute" : "Vpn",
			i == 0 ? ", bgp: true, defaultSite: s0" : i == 2 ? ", bgp: true" : "");
	fprintf(o, "  - {name: gwx, vnet: hub1, type: Vpn, bgp: true}\n");
	fprintf(o, "sites:\n"
		   "  - {name: big, addressSpace: [10.32.0.0/11]}\n"
		   "  - {name: wide, addressSpace: [10.0.0.0/8, 0.0.0.0/5]}\n");
	for (int i = 0; i < GEN_HUBS; i++)
		fprintf(o, "  - {name: s%d, addressSpace: [10.%d.5.0/24, 10.%d.8.0/22, 172.16.%d.0/21, 192.168.%d.0/24],\n"
			   "     hosts: [{name: h%d, ip: 192.168.%d.10}]}\n",
			i, 16 * i, 16 * i + 1, 16 * i + 8, i, i, i);
	fprintf(o, "circuits: [{name: er1, sites: [big");
	for (int i = 1; i < GEN_HUBS; i += 2)
		fprintf(o, ", s%d", i);
	fprintf(o, "]}]\nconnections:\n"
		   "  - {name: cx1, gateway: gwx, site: s1}\n"
		   "  - {name: cx3, gateway: gwx, site: s3}\n"
		   "  - {name: cxw, gateway: gwx, site: wide}\n");
	for (int i = 0; i < GEN_HUBS; i++) {
		if (i % 2) {
			fprintf(o, "  - {name: c%d, gateway: gw%d, circuit: er1}\n", i, i);
			continue;
		}
		fprintf(o, "  - {name: c%d, gateway: gw%d, site: s%d}\n"
			   "  - {name: w%d, gateway: gw%d, site: wide}\n", i, i, i, i, i);
		if (i + 2 < GEN_HUBS)
			fprintf(o, "  - {name: v%d, gateway: gw%d, peerGateway: gw%d}\n",
				i, i, i + 2);
	}
	assert_int_equal(fclose(o), 0);
	return buf;
}

static void test_differential_generated(void **state)
{
	char *yaml = generated();
	struct fixture *f = load(yaml);
	int nnested = 0;

	/* The topology has what it claims: learned prefixes inside a VNet range. */
	for (int g = 0; g < f->t.ngateways; g++)
		for (int i = 0; i < f->e.gw[g].n; i++) {
			struct learned_route tmp;
			struct eff_route row;

			engine_gateway_row(&f->e, g, i, &row);
			nnested += engine_gateway_route(&f->e, g, row.prefix, &tmp)->via == VIA_VNET;
		}
	assert_true(nnested >= GEN_HUBS);
	assert_true(check_plan(f) > 500);
	unload(f);
	free(yaml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes_and_namespaces),
		cmocka_unit_test(test_vm_nic),
		cmocka_unit_test(test_gateway_and_site),
		cmocka_unit_test(test_internet_edge),
		cmocka_unit_test(test_circuit),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_links_unique_and_marked),
		cmocka_unit_test(test_kernel_names),
		cmocka_unit_test(test_nft_ruleset),
		cmocka_unit_test(test_nft_icmp_deny),
		cmocka_unit_test(test_gateway_ranges),
		cmocka_unit_test(test_gateway_default_site),
		cmocka_unit_test(test_public_addresses_beyond_508),
		cmocka_unit_test(test_public_addresses_run_out),
		cmocka_unit_test(test_differential_examples),
		cmocka_unit_test(test_differential_generated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
