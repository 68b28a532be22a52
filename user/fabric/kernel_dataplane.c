// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel dataplane (kernel_dataplane.h): the route engine's effective
 * routes as Linux routing tables. The script is computed purely from the
 * topology, the engine and the NIC inventory; only kernel_dataplane_load()
 * touches the kernel.
 */
#include "kernel_dataplane.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ethtool.h>

#include "ipv4.h"
#include "log.h"
#include "netns.h"
#include "xvnet_abi.h"

struct script {
	FILE *f;
	const struct topology *t;
	const struct engine *e;
	const struct fabric_nic *nics;
	const char *const *ifnames;
	int n;
};

/* A NIC's own address, VNet and subnet (-1 for the Internet edge). */
static uint32_t nic_ip(const struct script *s, int k, int *vnet, int *subnet)
{
	const struct fabric_nic *nic = &s->nics[k];

	if (nic->kind == XV_NIC_VM) {
		*vnet = s->t->vms[nic->index].vnet;
		*subnet = s->t->vms[nic->index].subnet;
		return s->t->vms[nic->index].ip;
	}
	if (nic->kind == XV_NIC_GATEWAY) {
		*vnet = s->t->gateways[nic->index].vnet;
		*subnet = s->t->gateways[nic->index].subnet;
		return s->t->gateways[nic->index].ip;
	}
	*vnet = *subnet = -1;
	return 0;
}

static int slot_of(const struct script *s, enum xv_nic_kind kind, int index)
{
	for (int k = 0; k < s->n; k++)
		if (s->nics[k].kind == kind && (kind == XV_NIC_INTERNET || s->nics[k].index == index))
			return k;
	return -1;
}

static void blackhole(const struct script *s, struct prefix p, int table)
{
	char pb[PREFIX_STRLEN];

	fprintf(s->f, "route replace blackhole %s table %d\n", prefix_str(p, pb), table);
}

/* p through NIC slot k: to its address (via, on-link), or on-link itself (via 0). */
static void via_nic(const struct script *s, struct prefix p, int k, uint32_t via, int table)
{
	char pb[PREFIX_STRLEN], vb[IPV4_STRLEN];

	if (k < 0) {
		blackhole(s, p, table);
		return;
	}
	if (via)
		fprintf(s->f, "route replace %s via %s dev %s onlink table %d\n", prefix_str(p, pb),
			ipv4_str(via, vb), s->ifnames[k], table);
	else
		fprintf(s->f, "route replace %s dev %s table %d\n", prefix_str(p, pb),
			s->ifnames[k], table);
}

/* Route r of a subnet in vnet, to where the engine says it leads. */
static void route(const struct script *s, int vnet, const struct eff_route *r, int table)
{
	struct route_target to = engine_route_target(s->e, vnet, r);
	int k;

	switch (to.kind) {
	case TARGET_APPLIANCE:
		k = slot_of(s, XV_NIC_VM, to.vm);
		via_nic(s, r->prefix, k, s->t->vms[to.vm].ip, table);
		break;
	case TARGET_GATEWAY:
		k = slot_of(s, XV_NIC_GATEWAY, to.gateway);
		via_nic(s, r->prefix, k, s->t->gateways[to.gateway].ip, table);
		break;
	case TARGET_INTERNET:
		via_nic(s, r->prefix, slot_of(s, XV_NIC_INTERNET, -1), 0, table);
		break;
	case TARGET_VNET:	/* no NIC owns the address: dropped; NICs get /32s */
	case TARGET_DROP:
	default:
		blackhole(s, r->prefix, table);
	}
}

/*
 * Subnet sub's table: every NIC the engine's longest match for its address
 * delivers to (VnetLocal, peering) as a /32, then the gateway's learned
 * routes, then the Active Default and User routes, which win a tie.
 */
static void subnet_table(const struct script *s, int sub)
{
	const struct route_set *rs = &s->e->sets[sub];
	int vnet = s->t->subnets[sub].vnet, table = KD_TABLE_BASE + sub;
	struct eff_route tmp;

	for (int k = 0; k < s->n; k++) {
		int nv, ns;
		uint32_t ip = nic_ip(s, k, &nv, &ns);
		const struct eff_route *r = ip ? engine_lookup(s->e, sub, ip, &tmp) : NULL;
		struct route_target to;

		if (!r)
			continue;
		to = engine_route_target(s->e, vnet, r);
		if (to.kind == TARGET_VNET && to.vnet == nv)
			via_nic(s, (struct prefix){ ip, 32 }, k, 0, table);
	}
	for (int i = 0; rs->gw && i < rs->gw->n; i++)
		if (!route_set_gw_invalid(rs, i))
			via_nic(s, rs->gw->routes[i].prefix, slot_of(s, XV_NIC_GATEWAY, rs->gw->gateway),
				s->t->gateways[rs->gw->gateway].ip, table);
	for (int i = 0; i < rs->nown; i++)
		if (rs->own[i].active)
			route(s, vnet, &rs->own[i], table);
}

/* The Internet edge's table: every VNet's space (the first declared of equal ones), to its NICs. */
static void internet_table(const struct script *s)
{
	const struct topology *t = s->t;
	int table = KD_TABLE_BASE + t->nsubnets;

	for (int v = 0; v < t->nvnets; v++)
		for (int i = 0; i < t->vnets[v].nspace; i++) {
			struct prefix p = t->vnets[v].space[i];
			bool taken = false;

			for (int w = 0; w < v && !taken; w++)
				for (int j = 0; j < t->vnets[w].nspace && !taken; j++)
					taken = prefix_equal(t->vnets[w].space[j], p);
			if (taken)
				continue;
			blackhole(s, p, table);
			for (int k = 0; k < s->n; k++) {
				int nv, ns;
				uint32_t ip = nic_ip(s, k, &nv, &ns);

				if (ip && nv == v && prefix_has(p, ip))
					via_nic(s, (struct prefix){ ip, 32 }, k, 0, table);
			}
		}
}

/*
 * Each NIC's outer end: the fabric's MAC (what the VMs address frames to),
 * a permanent neighbour for the NIC's address, and the rule choosing its
 * subnet's table. The Internet edge answers for its hosts' addresses.
 */
static void nics(const struct script *s)
{
	static const unsigned char fmac[6] = XV_FABRIC_MAC;
	char ib[IPV4_STRLEN];

	for (int k = 0; k < s->n; k++) {
		const unsigned char *m = s->nics[k].mac;
		int vnet, sub;
		uint32_t ip = nic_ip(s, k, &vnet, &sub);

		fprintf(s->f, "link set dev %s address %02x:%02x:%02x:%02x:%02x:%02x\n", s->ifnames[k],
			fmac[0], fmac[1], fmac[2], fmac[3], fmac[4], fmac[5]);
		for (int h = 0; h < (s->nics[k].kind == XV_NIC_INTERNET ? s->t->ninternet_hosts : 1); h++) {
			uint32_t a = s->nics[k].kind == XV_NIC_INTERNET ? s->t->internet_hosts[h].ip : ip;

			if (a)
				fprintf(s->f, "neigh replace %s lladdr %02x:%02x:%02x:%02x:%02x:%02x dev %s nud permanent\n",
					ipv4_str(a, ib), m[0], m[1], m[2], m[3], m[4], m[5], s->ifnames[k]);
		}
		fprintf(s->f, "rule add iif %s lookup %d pref %d\n", s->ifnames[k],
			KD_TABLE_BASE + (sub >= 0 ? sub : s->t->nsubnets), KD_RULE_PREF);
	}
}

/*
 * Every subnet's first host (its gateway address, where the VMs send to)
 * is the fabric's own, so that the VMs' ARP requests for it are answered.
 */
static void subnet_gateways(const struct script *s)
{
	char ib[IPV4_STRLEN];

	for (int i = 0; i < s->t->nsubnets; i++) {
		uint32_t a = s->t->subnets[i].prefix.addr + 1;
		bool seen = false;

		for (int j = 0; j < i && !seen; j++)
			seen = s->t->subnets[j].prefix.addr + 1 == a;
		if (!seen)
			fprintf(s->f, "address add %s/32 dev lo\n", ipv4_str(a, ib));
	}
}

char *kernel_dataplane_script(const struct topology *t, const struct engine *e,
			      const struct fabric_nic *nics_, const char *const *ifnames, int n)
{
	struct script s = { .t = t, .e = e, .nics = nics_, .ifnames = ifnames, .n = n };
	char *buf = NULL;
	size_t len = 0;

	s.f = xopen_memstream(&buf, &len);
	nics(&s);
	subnet_gateways(&s);
	for (int i = 0; i < t->nsubnets; i++)
		subnet_table(&s, i);
	internet_table(&s);
	xclose_memstream(s.f);
	return buf;
}

/* Forwarding on; proxy ARP, also for a requester's own link; no redirects, no rp_filter. */
static int sysctls(const char *const *ifnames, int n)
{
	static const char *const all[][2] = {
		{ "net/ipv4/ip_forward", "1" },
		{ "net/ipv4/conf/all/rp_filter", "0" },
		{ "net/ipv4/conf/all/send_redirects", "0" },
	};
	static const char *const per_nic[][2] = {
		{ "proxy_arp", "1" }, { "proxy_arp_pvlan", "1" },
		{ "send_redirects", "0" }, { "rp_filter", "0" },
	};
	char key[128];
	int err = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && !err; i++)
		err = netns_sysctl(all[i][0], all[i][1]);
	for (int k = 0; k < n && !err; k++)
		for (size_t i = 0; i < sizeof(per_nic) / sizeof(per_nic[0]) && !err; i++) {
			snprintf(key, sizeof(key), "net/ipv4/conf/%s/%s", ifnames[k], per_nic[i][0]);
			err = netns_sysctl(key, per_nic[i][1]);
		}
	return err;
}

/*
 * GRO on an outer end gives it NAPI, without which a veth refuses frames
 * redirected into its peer by XDP (a generator's live frames, xvnet bench).
 */
static int gro_on(const char *ifname)
{
	return netns_ethtool_set(ifname, ETHTOOL_SGRO, 1);
}

int kernel_dataplane_load(const struct topology *t, const struct engine *e,
			  const struct fabric_nic *nics_, int n)
{
	static char *const argv[] = { "ip", "-batch", "-", NULL };
	char (*names)[IF_NAMESIZE] = xcalloc((size_t)n, IF_NAMESIZE);
	const char **ifnames = xcalloc((size_t)n, sizeof(*ifnames));
	char *script = NULL;
	int err, fd = -1;

	for (int k = 0; k < n; k++) {
		ifnames[k] = if_indextoname((unsigned int)nics_[k].ifindex, names[k]);
		if (!ifnames[k]) {
			err = -errno;
			goto out;
		}
	}
	err = sysctls(ifnames, n);
	for (int k = 0; k < n && !err; k++)
		err = gro_on(ifnames[k]);
	if (err) {
		pr_err("xvnet: kernel dataplane: sysctls, GRO: %s\n", strerror(-err));
		goto out;
	}
	script = kernel_dataplane_script(t, e, nics_, ifnames, n);
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : netns_run(fd, argv, script);
	if (err > 0) {	/* ip said which line it refused */
		pr_err("xvnet: kernel dataplane: ip -batch exited with %d\n", err);

		err = -EINVAL;
	}
out:
	if (fd >= 0)
		close(fd);
	free(script);
	free(names);
	free(ifnames);
	return err;
}
