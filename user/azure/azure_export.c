// SPDX-License-Identifier: GPL-2.0
/*
 * struct topology -> the JSON Azure would show for it, for `xvnet export`:
 * the az CLI's flattened lists (one file per `az network ... list`) or ARM
 * resources ({"value": [...]}, properties nested). These are the shapes
 * azure_import.c reads, so export then import gives the same routes.
 * Pure: cmd_export.c writes the files.
 *
 * What Azure has no resource for is written the way Azure shows it: a
 * site behind a VPN connection is a local network gateway; a site behind
 * ExpressRoute exists only as the routes its gateway learns over BGP
 * (learned-routes-<gateway>.json); a firewall NVA is an Azure Firewall
 * whose classic network rule collections hold its rules, one per rule.
 */
#include "azure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "azure_json.h"
#include "ipv4.h"
#include "topo.h"

#define AZ_SUBSCRIPTION "/subscriptions/00000000-0000-0000-0000-000000000000"
#define AZ_DEFAULT_REGION "westeurope"
#define AZ_ASN 65515		/* Azure's own BGP ASN on its gateways */
#define AZ_ER_PATH "12076-65020" /* Microsoft's edge, then the customer's ASN */

enum list {
	L_VNETS, L_ROUTE_TABLES, L_GATEWAYS, L_LOCAL_GATEWAYS, L_CONNECTIONS,
	L_NICS, L_CIRCUITS, L_FIREWALLS, L__COUNT
};

/* az format: the file of each list, named after the command that prints it. */
static const char *const list_file[L__COUNT] = {
	"vnet-list.json", "route-table-list.json", "vnet-gateway-list.json",
	"local-gateway-list.json", "vpn-connection-list.json", "nic-list.json",
	"express-route-list.json", "firewall-list.json",
};

struct ex {
	const struct topology *t;
	const char *rg;
	json_t *lists[L__COUNT];
	struct az_file *files;
	size_t nfiles, cap;
};

char *az_resource_id(const char *rg, const char *type, const char *name,
		     const char *child_type, const char *child)
{
	if (child_type)
		return az_printf("%s/resourceGroups/%s/providers/%s/%s/%s/%s", AZ_SUBSCRIPTION,
				 rg, type, name, child_type, child);
	return az_printf("%s/resourceGroups/%s/providers/%s/%s", AZ_SUBSCRIPTION, rg, type,
			 name);
}

/* A json string taking ownership of s. */
static json_t *jtake(char *s)
{
	json_t *j = json_string(s);

	free(s);
	if (!j)
		diags_oom();
	return j;
}

/* {"id": ...} of a resource (or child) of the exported group. */
static json_t *ref(const struct ex *x, const char *type, const char *name,
		   const char *child_type, const char *child)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", jtake(az_resource_id(x->rg, type, name, child_type, child)));
	json_object_set_new(o, "resourceGroup", json_string(x->rg));
	return o;
}

/* The fields every top-level resource has, as the az CLI prints them. */
static json_t *resource(const struct ex *x, const char *type, const char *name,
			const char *region)
{
	json_t *o = json_object();

	if (!o)
		diags_oom();
	json_object_set_new(o, "id", jtake(az_resource_id(x->rg, type, name, NULL, NULL)));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "location", json_string(region ? region : AZ_DEFAULT_REGION));
	json_object_set_new(o, "resourceGroup", json_string(x->rg));
	json_object_set_new(o, "provisioningState", json_string("Succeeded"));
	return o;
}

static json_t *child(const struct ex *x, const char *type, const char *parent,
		     const char *child_type, const char *name)
{
	json_t *o = json_object();
	char *t = az_printf("%s/%s", type, child_type);

	json_object_set_new(o, "id", jtake(az_resource_id(x->rg, type, parent, child_type, name)));
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "type", jtake(t));
	json_object_set_new(o, "resourceGroup", json_string(x->rg));
	json_object_set_new(o, "provisioningState", json_string("Succeeded"));
	return o;
}

static json_t *prefixes(const struct prefix *p, int n)
{
	json_t *a = json_array();
	char buf[PREFIX_STRLEN];

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(prefix_str(p[i], buf)));
	return a;
}

#define VNETS "Microsoft.Network/virtualNetworks"
#define ROUTE_TABLES "Microsoft.Network/routeTables"
#define GATEWAYS "Microsoft.Network/virtualNetworkGateways"
#define LOCAL_GATEWAYS "Microsoft.Network/localNetworkGateways"
#define CONNECTIONS "Microsoft.Network/connections"
#define NICS "Microsoft.Network/networkInterfaces"
#define CIRCUITS "Microsoft.Network/expressRouteCircuits"
#define FIREWALLS "Microsoft.Network/azureFirewalls"

static json_t *subnet_ref(const struct ex *x, int s)
{
	const struct subnet *sn = &x->t->subnets[s];

	return ref(x, VNETS, x->t->vnets[sn->vnet].name, "subnets", sn->name);
}

static json_t *route_table_ref(const struct ex *x, const struct route_table *rt)
{
	json_t *o = ref(x, ROUTE_TABLES, rt->name, NULL, NULL);

	if (rt->id)
		json_object_set_new(o, "id", json_string(rt->id));
	return o;
}

static void export_vnet(struct ex *x, int v)
{
	const struct topology *t = x->t;
	const struct vnet *vn = &t->vnets[v];
	json_t *o = resource(x, VNETS, vn->name, vn->region), *subs = json_array();
	json_t *peers = json_array(), *space = json_object();

	json_object_set_new(space, "addressPrefixes", prefixes(vn->space, vn->nspace));
	json_object_set_new(o, "addressSpace", space);
	for (int i = vn->first_subnet; i < vn->first_subnet + vn->nsubnets; i++) {
		const struct subnet *sn = &t->subnets[i];
		json_t *s = child(x, VNETS, vn->name, "subnets", sn->name);
		char buf[PREFIX_STRLEN];

		json_object_set_new(s, "addressPrefix", json_string(prefix_str(sn->prefix, buf)));
		json_object_set_new(s, "routeTable", sn->route_table < 0 ? json_null() :
				    route_table_ref(x, &t->route_tables[sn->route_table]));
		json_array_append_new(subs, s);
	}
	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];
		char *name;
		json_t *pe;

		if (p->from != v)
			continue;
		name = az_printf("%s-to-%s", vn->name, t->vnets[p->to].name);
		pe = child(x, VNETS, vn->name, "virtualNetworkPeerings", name);
		free(name);
		json_object_set_new(pe, "allowVirtualNetworkAccess", json_boolean(p->allow_vnet_access));
		json_object_set_new(pe, "allowForwardedTraffic", json_boolean(p->allow_forwarded_traffic));
		json_object_set_new(pe, "allowGatewayTransit", json_boolean(p->allow_gateway_transit));
		json_object_set_new(pe, "useRemoteGateways", json_boolean(p->use_remote_gateways));
		json_object_set_new(pe, "peeringState",
				    json_string(p->reverse >= 0 ? "Connected" : "Initiated"));
		json_object_set_new(pe, "remoteVirtualNetwork",
				    ref(x, VNETS, t->vnets[p->to].name, NULL, NULL));
		json_object_set_new(pe, "remoteAddressSpace", json_pack("{s:o}", "addressPrefixes",
				    prefixes(t->vnets[p->to].space, t->vnets[p->to].nspace)));
		json_array_append_new(peers, pe);
	}
	json_object_set_new(o, "subnets", subs);
	json_object_set_new(o, "virtualNetworkPeerings", peers);
	json_array_append_new(x->lists[L_VNETS], o);
}

static void export_route_table(struct ex *x, int r)
{
	const struct topology *t = x->t;
	const struct route_table *rt = &t->route_tables[r];
	json_t *o = resource(x, ROUTE_TABLES, rt->name, NULL), *routes = json_array();

	if (rt->id) /* imported: Azure's own id */
		json_object_set_new(o, "id", json_string(rt->id));
	json_t *subs = json_array();
	char buf[PREFIX_STRLEN];

	json_object_set_new(o, "disableBgpRoutePropagation",
			    json_boolean(rt->disable_bgp_route_propagation));
	for (int i = 0; i < rt->nroutes; i++) {
		const struct udr *u = &rt->routes[i];
		json_t *ro = child(x, ROUTE_TABLES, rt->name, "routes", u->name);

		json_object_set_new(ro, "addressPrefix", json_string(prefix_str(u->prefix, buf)));
		json_object_set_new(ro, "nextHopType", json_string(next_hop_type_name(u->type)));
		if (u->type == NH_APPLIANCE)
			json_object_set_new(ro, "nextHopIpAddress",
					    json_string(ipv4_str(u->next_hop_ip, buf)));
		json_array_append_new(routes, ro);
	}
	for (int i = 0; i < t->nsubnets; i++)
		if (t->subnets[i].route_table == r)
			json_array_append_new(subs, subnet_ref(x, i));
	json_object_set_new(o, "routes", routes);
	json_object_set_new(o, "subnets", subs);
	json_array_append_new(x->lists[L_ROUTE_TABLES], o);
}

static void export_gateway(struct ex *x, int g)
{
	const struct topology *t = x->t;
	const struct gateway *gw = &t->gateways[g];
	json_t *o = resource(x, GATEWAYS, gw->name, t->vnets[gw->vnet].region);
	json_t *cfg = child(x, GATEWAYS, gw->name, "ipConfigurations", "default");
	char ip[IPV4_STRLEN];

	json_object_set_new(o, "gatewayType",
			    json_string(gw->type == GW_VPN ? "Vpn" : "ExpressRoute"));
	json_object_set_new(o, "vpnType", json_string("RouteBased"));
	json_object_set_new(o, "enableBgp", json_boolean(gw->type == GW_VPN && gw->bgp));
	json_object_set_new(o, "activeActive", json_false());
	json_object_set_new(cfg, "privateIPAddress", json_string(ipv4_str(gw->ip, ip)));
	json_object_set_new(cfg, "privateIPAllocationMethod", json_string("Dynamic"));
	json_object_set_new(cfg, "subnet", subnet_ref(x, gw->subnet));
	json_object_set_new(o, "ipConfigurations", json_pack("[o]", cfg));
	json_object_set_new(o, "bgpSettings", json_pack("{s:i,s:s,s:i}", "asn", AZ_ASN,
			    "bgpPeeringAddress", ip, "peerWeight", 0));
	if (gw->default_site >= 0)
		json_object_set_new(o, "gatewayDefaultSite",
				    ref(x, LOCAL_GATEWAYS, t->sites[gw->default_site].name, NULL, NULL));
	json_array_append_new(x->lists[L_GATEWAYS], o);
}

/* A site is a local network gateway unless only ExpressRoute reaches it. */
static bool site_is_local_gateway(const struct topology *t, int s)
{
	bool er = false;

	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];

		if (c->kind == CONN_SITE && c->peer == s) {
			if (t->gateways[c->gateway].type == GW_VPN)
				return true;
			er = true;
		}
	}
	for (int i = 0; i < t->ncircuits; i++)
		for (int k = 0; k < t->circuits[i].nsites; k++)
			if (t->circuits[i].sites[k] == s)
				er = true;
	return !er;
}

static void export_site(struct ex *x, int s)
{
	const struct site *st = &x->t->sites[s];
	json_t *o = resource(x, LOCAL_GATEWAYS, st->name, NULL);

	json_object_set_new(o, "localNetworkAddressSpace", json_pack("{s:o}", "addressPrefixes",
			    prefixes(st->space, st->nspace)));
	/* the public address of the far device: TEST-NET-2, one per site */
	json_object_set_new(o, "gatewayIpAddress",
			    jtake(az_printf("198.51.100.%d", 1 + s % 254)));
	json_array_append_new(x->lists[L_LOCAL_GATEWAYS], o);
}

/* The circuit an ExpressRoute connection reaches: a circuit, or a site's own. */
static const char *er_circuit_name(const struct topology *t, const struct connection *c)
{
	return c->kind == CONN_CIRCUIT ? t->circuits[c->peer].name : t->sites[c->peer].name;
}

static void export_connection(struct ex *x, int i)
{
	const struct topology *t = x->t;
	const struct connection *c = &t->connections[i];
	const struct gateway *gw = &t->gateways[c->gateway];
	json_t *o = resource(x, CONNECTIONS, c->name, t->vnets[gw->vnet].region);

	json_object_set_new(o, "virtualNetworkGateway1", ref(x, GATEWAYS, gw->name, NULL, NULL));
	json_object_set_new(o, "enableBgp", json_boolean(gw->bgp));
	json_object_set_new(o, "routingWeight", json_integer(0));
	if (gw->type == GW_EXPRESSROUTE) {
		json_object_set_new(o, "connectionType", json_string("ExpressRoute"));
		json_object_set_new(o, "peer", ref(x, CIRCUITS, er_circuit_name(t, c), NULL, NULL));
	} else if (c->kind == CONN_VNET2VNET) {
		json_t *back;
		char *name = az_printf("%s-reverse", c->name);

		json_object_set_new(o, "connectionType", json_string("Vnet2Vnet"));
		json_object_set_new(o, "virtualNetworkGateway2",
				    ref(x, GATEWAYS, t->gateways[c->peer].name, NULL, NULL));
		/* Azure has one connection per direction */
		back = resource(x, CONNECTIONS, name, t->vnets[t->gateways[c->peer].vnet].region);
		free(name);
		json_object_set_new(back, "connectionType", json_string("Vnet2Vnet"));
		json_object_set_new(back, "virtualNetworkGateway1",
				    ref(x, GATEWAYS, t->gateways[c->peer].name, NULL, NULL));
		json_object_set_new(back, "virtualNetworkGateway2",
				    ref(x, GATEWAYS, gw->name, NULL, NULL));
		json_object_set_new(back, "enableBgp", json_boolean(t->gateways[c->peer].bgp));
		json_array_append_new(x->lists[L_CONNECTIONS], o);
		o = back;
	} else {
		json_object_set_new(o, "connectionType", json_string("IPsec"));
		json_object_set_new(o, "connectionProtocol", json_string("IKEv2"));
		json_object_set_new(o, "localNetworkGateway2",
				    ref(x, LOCAL_GATEWAYS, t->sites[c->peer].name, NULL, NULL));
	}
	json_array_append_new(x->lists[L_CONNECTIONS], o);
}

/* Each ExpressRoute circuit once, named by the connections that reach it. */
static void export_circuits(struct ex *x)
{
	const struct topology *t = x->t;
	struct az_index seen = { 0 };

	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];
		const char *name;
		json_t *o;

		if (t->gateways[c->gateway].type != GW_EXPRESSROUTE ||
		    c->kind == CONN_VNET2VNET)
			continue;
		name = er_circuit_name(t, c);
		if (az_index_get(&seen, name) >= 0)
			continue;
		az_index_put(&seen, name, i);
		o = resource(x, CIRCUITS, name, NULL);
		json_object_set_new(o, "serviceProviderProperties", json_pack("{s:s,s:s,s:i}",
				    "serviceProviderName", "Equinix", "peeringLocation", "Amsterdam",
				    "bandwidthInMbps", 1000));
		json_object_set_new(o, "sku", json_pack("{s:s,s:s,s:s}", "name",
				    "Standard_MeteredData", "tier", "Standard", "family", "MeteredData"));
		json_array_append_new(x->lists[L_CIRCUITS], o);
	}
	az_index_free(&seen);
}

static void add_file(struct ex *x, char *name, json_t *root)
{
	x->files = az_grow(x->files, &x->cap, x->nfiles + 1, sizeof(*x->files));
	x->files[x->nfiles++] = (struct az_file){ name, root };
}

static void route_row(json_t *rows, const char *net, const char *origin, const char *path,
		      const char *peer, const char *local)
{
	json_array_append_new(rows, json_pack("{s:s,s:s,s:s,s:s?,s:s,s:s?,s:i}", "asPath", path,
					      "localAddress", local, "network", net, "nextHop",
					      peer, "origin", origin, "sourcePeer", peer, "weight",
					      *origin == 'N' ? 32768 : 32769));
}

/*
 * What an ExpressRoute gateway learns over BGP: its VNet (origin Network)
 * and every site its circuits (or its own site connections) reach.
 */
static void export_learned(struct ex *x, int g)
{
	const struct topology *t = x->t;
	const struct gateway *gw = &t->gateways[g];
	const struct vnet *vn = &t->vnets[gw->vnet];
	json_t *rows = json_array();
	char local[IPV4_STRLEN], msee[IPV4_STRLEN], buf[PREFIX_STRLEN];

	ipv4_str(gw->ip, local);
	ipv4_str(t->subnets[gw->subnet].prefix.addr + 12, msee); /* the edge's side */
	for (int i = 0; i < vn->nspace; i++)
		route_row(rows, prefix_str(vn->space[i], buf), "Network", "", NULL, local);
	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];
		const int *sites = &c->peer;
		int n = 1;

		if (c->gateway != g || c->kind == CONN_VNET2VNET)
			continue;
		if (c->kind == CONN_CIRCUIT) {
			sites = t->circuits[c->peer].sites;
			n = t->circuits[c->peer].nsites;
		}
		for (int k = 0; k < n; k++)
			for (int p = 0; p < t->sites[sites[k]].nspace; p++)
				route_row(rows, prefix_str(t->sites[sites[k]].space[p], buf), "EBgp",
					  AZ_ER_PATH, msee, local);
	}
	add_file(x, az_printf("learned-routes-%s.json", gw->name), json_pack("{s:o}", "value", rows));
}

/* A rule's source or destination: its prefixes, "*" for Any (or absent). */
static json_t *addresses(const struct addr_list *l)
{
	json_t *a = json_array();
	char buf[PREFIX_STRLEN];

	for (int i = 0; l && i < l->n; i++)
		json_array_append_new(a, json_string(l->p[i].len ? prefix_str(l->p[i], buf) : "*"));
	if (!json_array_size(a))
		json_array_append_new(a, json_string("*"));
	return a;
}

/* A firewall NVA's rules as Azure Firewall network rule collections. */
static json_t *rule_collections(const struct firewall *fw)
{
	static const char *const protos[] = { "Any", "TCP", "UDP", "ICMP" };
	json_t *colls = json_array();

	for (int i = 0; i <= fw->nrules; i++) {
		const struct fw_rule *r = i < fw->nrules ? &fw->rules[i] : NULL;
		json_t *ports, *rule;
		char *name;

		if (!r && fw->default_action == FW_DENY)
			break; /* Azure Firewall denies what no rule allows */
		ports = json_array();
		for (int k = 0; r && k < r->nports; k++)
			json_array_append_new(ports, r->ports[k].lo == r->ports[k].hi ?
					      jtake(az_printf("%u", r->ports[k].lo)) :
					      jtake(az_printf("%u-%u", r->ports[k].lo, r->ports[k].hi)));
		if (!json_array_size(ports))
			json_array_append_new(ports, json_string("*"));
		rule = json_pack("{s:s,s:[s],s:o,s:o,s:o}", "name", r ? r->name : "any",
				 "protocols", r ? protos[r->protocol] : "Any",
				 "sourceAddresses", addresses(r ? &r->source : NULL),
				 "destinationAddresses", addresses(r ? &r->destination : NULL),
				 "destinationPorts", ports);
		name = r ? az_strdup(r->name) : az_strdup("default-allow");
		json_array_append_new(colls, json_pack("{s:s,s:i,s:{s:s},s:[o]}", "name", name,
				      "priority", r ? 100 + i : 65000, "action", "type",
				      !r || r->action == FW_ALLOW ? "Allow" : "Deny", "rules", rule));
		free(name);
	}
	return colls;
}

static void export_vm(struct ex *x, int i)
{
	const struct topology *t = x->t;
	const struct vm *m = &t->vms[i];
	const char *region = t->vnets[m->vnet].region;
	json_t *o, *cfg;
	char ip[IPV4_STRLEN];
	char *name;

	if (m->firewall) {
		o = resource(x, FIREWALLS, m->name, region);
		cfg = child(x, FIREWALLS, m->name, "azureFirewallIpConfigurations", "ipconfig1");
		json_object_set_new(o, "sku", json_pack("{s:s,s:s}", "name", "AZFW_VNet", "tier",
				    "Standard"));
		json_object_set_new(o, "threatIntelMode", json_string("Alert"));
		json_object_set_new(o, "networkRuleCollections", rule_collections(m->firewall));
		/* Azure Firewall's SNAT: ranges not translated; all (never) or none (always) */
		if (m->firewall->snat != FW_SNAT_AUTO)
			json_object_set_new(o, "additionalProperties", json_pack("{s:s}",
					    "Network.SNAT.PrivateRanges",
					    m->firewall->snat == FW_SNAT_NEVER ? "0.0.0.0/0" :
					    "255.255.255.255/32"));
		json_object_set_new(o, "applicationRuleCollections", json_array());
		json_object_set_new(o, "natRuleCollections", json_array());
	} else {
		name = m->nic ? az_strdup(m->nic) : az_printf("%s-nic", m->name);
		o = resource(x, NICS, name, region);
		cfg = child(x, NICS, name, "ipConfigurations", "ipconfig1");
		free(name);
		json_object_set_new(o, "enableIPForwarding", json_boolean(m->enable_ip_forwarding));
		json_object_set_new(o, "primary", json_true());
		json_object_set_new(o, "virtualMachine", json_pack("{s:o}", "id",
				    jtake(az_printf("%s/resourceGroups/%s/providers/Microsoft.Compute/virtualMachines/%s",
						    AZ_SUBSCRIPTION, x->rg, m->name))));
		json_object_set_new(cfg, "primary", json_true());
		json_object_set_new(cfg, "privateIPAllocationMethod", json_string("Static"));
		json_object_set_new(cfg, "privateIPAddressVersion", json_string("IPv4"));
	}
	json_object_set_new(cfg, "privateIPAddress", json_string(ipv4_str(m->ip, ip)));
	json_object_set_new(cfg, "subnet", subnet_ref(x, m->subnet));
	json_object_set_new(o, "ipConfigurations", json_pack("[o]", cfg));
	json_array_append_new(x->lists[m->firewall ? L_FIREWALLS : L_NICS], o);
}

/* az CLI -> ARM: everything but the envelope goes under "properties". */
static json_t *to_arm(json_t *o)
{
	static const char *const top[] = { "id", "name", "type", "location", "etag", "tags" };
	static const char *const kids[] = { "subnets", "virtualNetworkPeerings", "routes",
		"ipConfigurations", "networkRuleCollections" };
	json_t *arm = json_object(), *props = json_object(), *v;
	const char *k;

	json_object_foreach(o, k, v) {
		bool envelope = false;

		for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
			envelope |= !strcmp(k, top[i]);
		if (!strcmp(k, "resourceGroup"))
			continue;
		if (envelope) {
			json_object_set(arm, k, v);
			continue;
		}
		for (size_t i = 0; i < sizeof(kids) / sizeof(kids[0]); i++)
			if (!strcmp(k, kids[i]) && json_is_array(v)) {
				json_t *a = json_array(), *e;
				size_t n;

				json_array_foreach(v, n, e)
					json_array_append_new(a, to_arm(e));
				json_object_set_new(props, k, a);
				goto next;
			}
		json_object_set(props, k, v);
next:;
	}
	if (json_object_size(props) || json_object_get(o, "type"))
		json_object_set_new(arm, "properties", props);
	else
		json_decref(props);
	return arm;
}

int az_export(const struct topology *t, enum az_format f, const char *rg,
	      struct az_file **files, int *nfiles)
{
	struct ex x = { .t = t, .rg = rg };
	int i;

	for (i = 0; i < L__COUNT; i++)
		x.lists[i] = json_array();
	for (i = 0; i < t->nvnets; i++)
		export_vnet(&x, i);
	for (i = 0; i < t->nroute_tables; i++)
		export_route_table(&x, i);
	for (i = 0; i < t->ngateways; i++)
		export_gateway(&x, i);
	for (i = 0; i < t->nsites; i++)
		if (site_is_local_gateway(t, i))
			export_site(&x, i);
	for (i = 0; i < t->nconnections; i++)
		export_connection(&x, i);
	export_circuits(&x);
	for (i = 0; i < t->nvms; i++)
		export_vm(&x, i);
	if (f == AZ_FORMAT_AZ) {
		for (i = 0; i < L__COUNT; i++)
			add_file(&x, az_strdup(list_file[i]), x.lists[i]);
	} else {
		json_t *all = json_array(), *e;
		size_t n;

		for (i = 0; i < L__COUNT; i++) {
			json_array_foreach(x.lists[i], n, e)
				json_array_append_new(all, to_arm(e));
			json_decref(x.lists[i]);
		}
		add_file(&x, az_strdup("resources.json"), json_pack("{s:o}", "value", all));
	}
	for (i = 0; i < t->ngateways; i++)
		if (t->gateways[i].type == GW_EXPRESSROUTE)
			export_learned(&x, i);
	*files = x.files;
	*nfiles = (int)x.nfiles;
	return 0;
}

void az_files_free(struct az_file *files, int n)
{
	for (int i = 0; i < n; i++) {
		free(files[i].name);
		json_decref(files[i].root);
	}
	free(files);
}
