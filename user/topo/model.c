// SPDX-License-Identifier: GPL-2.0
#include "model.h"
#include "xvnet_abi.h"

#include <stdlib.h>
#include <string.h>

const char *next_hop_type_name(enum next_hop_type t)
{
	static const char *const names[NH__COUNT] = {
		[NH_VNET_LOCAL] = "VnetLocal",
		[NH_VNET_PEERING] = "VNetPeering",
		[NH_VNET_GLOBAL_PEERING] = "VNetGlobalPeering",
		[NH_GATEWAY] = "VirtualNetworkGateway",
		[NH_INTERNET] = "Internet",
		[NH_APPLIANCE] = "VirtualAppliance",
		[NH_NONE] = "None",
	};
	return (unsigned)t < NH__COUNT ? names[t] : "Unknown";
}

int topo_find_vnet(const struct topology *t, const char *name)
{
	for (int i = 0; i < t->nvnets; i++)
		if (!strcmp(t->vnets[i].name, name))
			return i;
	return -1;
}

int topo_find_subnet(const struct topology *t, const char *path)
{
	const char *slash = strchr(path, '/');

	if (!slash)
		return -1;
	for (int v = 0; v < t->nvnets; v++) {
		const struct vnet *vn = &t->vnets[v];

		if (strlen(vn->name) != (size_t)(slash - path) ||
		    strncmp(vn->name, path, (size_t)(slash - path)))
			continue;
		for (int s = vn->first_subnet; s < vn->first_subnet + vn->nsubnets; s++)
			if (!strcmp(t->subnets[s].name, slash + 1))
				return s;
	}
	return -1;
}

int topo_find_vm(const struct topology *t, const char *name)
{
	for (int i = 0; i < t->nvms; i++)
		if (!strcmp(t->vms[i].name, name))
			return i;
	for (int i = 0; i < t->nvms; i++)
		if (t->vms[i].nic && !strcmp(t->vms[i].nic, name))
			return i;
	return -1;
}

int topo_find_site(const struct topology *t, const char *name)
{
	for (int i = 0; i < t->nsites; i++)
		if (!strcmp(t->sites[i].name, name))
			return i;
	return -1;
}

int topo_vm_by_ip(const struct topology *t, int vnet, uint32_t addr)
{
	for (int i = 0; i < t->nvms; i++)
		if (t->vms[i].vnet == vnet && t->vms[i].ip == addr)
			return i;
	return -1;
}

int topo_subnet_of(const struct topology *t, int vnet, uint32_t addr)
{
	const struct vnet *v = &t->vnets[vnet];

	for (int s = v->first_subnet; s < v->first_subnet + v->nsubnets; s++)
		if (prefix_has(t->subnets[s].prefix, addr))
			return s;
	return -1;
}

bool vnet_has(const struct vnet *v, uint32_t addr)
{
	for (int i = 0; i < v->nspace; i++)
		if (prefix_has(v->space[i], addr))
			return true;
	return false;
}

bool vnet_has_gateway(const struct vnet *v)
{
	return v->gateways[GW_VPN] >= 0 || v->gateways[GW_EXPRESSROUTE] >= 0;
}

int topo_half_peering(const struct topology *t, int v, uint32_t addr)
{
	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];

		if (p->reverse >= 0 || (p->from != v && p->to != v))
			continue;
		if (vnet_has(&t->vnets[p->from == v ? p->to : p->from], addr))
			return i;
	}
	return -1;
}

bool addr_list_has(const struct addr_list *l, uint32_t addr)
{
	for (int i = 0; i < l->n; i++)
		if (prefix_has(l->p[i], addr))
			return true;
	return false;
}

int fw_list_size(const struct addr_list *l)
{
	for (int i = 0; i < l->n; i++)
		if (!l->p[i].len)
			return 0;
	return l->n;
}

/* Chunks of n items, k an entry; nothing (any) is one entry too. */
static int chunks(int n, int k)
{
	return n ? (n + k - 1) / k : 1;
}

int fw_rule_entries(const struct fw_rule *r)
{
	return chunks(fw_list_size(&r->source), XV_FW_PREFIXES) *
	       chunks(fw_list_size(&r->destination), XV_FW_PREFIXES) *
	       chunks(r->nports, XV_FW_PORTS);
}

static void free_firewall(struct firewall *fw)
{
	if (!fw)
		return;
	for (int i = 0; i < fw->nrules; i++) {
		free(fw->rules[i].name);
		free(fw->rules[i].ports);
		free(fw->rules[i].source.p);
		free(fw->rules[i].destination.p);
	}
	free(fw->rules);
	free(fw);
}

static void free_hosts(struct host *h, int n)
{
	for (int i = 0; i < n; i++)
		free(h[i].name);
	free(h);
}

void topo_free(struct topology *t)
{
	for (int i = 0; i < t->nvnets; i++) {
		free(t->vnets[i].name);
		free(t->vnets[i].region);
		free(t->vnets[i].space);
	}
	for (int i = 0; i < t->nsubnets; i++)
		free(t->subnets[i].name);
	for (int i = 0; i < t->nroute_tables; i++) {
		for (int r = 0; r < t->route_tables[i].nroutes; r++)
			free(t->route_tables[i].routes[r].name);
		free(t->route_tables[i].routes);
		free(t->route_tables[i].name);
		free(t->route_tables[i].id);
	}
	for (int i = 0; i < t->ngateways; i++)
		free(t->gateways[i].name);
	for (int i = 0; i < t->nsites; i++) {
		free(t->sites[i].name);
		free(t->sites[i].space);
		free_hosts(t->sites[i].hosts, t->sites[i].nhosts);
	}
	for (int i = 0; i < t->ncircuits; i++) {
		free(t->circuits[i].name);
		free(t->circuits[i].sites);
	}
	for (int i = 0; i < t->nconnections; i++)
		free(t->connections[i].name);
	for (int i = 0; i < t->nvms; i++) {
		free(t->vms[i].name);
		free(t->vms[i].nic);
		free_firewall(t->vms[i].firewall);
	}
	free_hosts(t->internet_hosts, t->ninternet_hosts);
	free(t->vnets);
	free(t->subnets);
	free(t->peerings);
	free(t->route_tables);
	free(t->gateways);
	free(t->sites);
	free(t->circuits);
	free(t->connections);
	free(t->vms);
	free(t->file);
	free(t->name);
	memset(t, 0, sizeof(*t));
}
