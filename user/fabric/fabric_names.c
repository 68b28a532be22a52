// SPDX-License-Identifier: GPL-2.0
/* The names of an image's NICs and routes (see fabric_names.h). Pure. */
#include "fabric_names.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "fabric_firewall.h"
#include "ipv4.h"
#include "log.h"
#include "engine.h"

static char *nic_name(const struct topology *t, const struct xv_nic *nic)
{
	if (nic->kind == XV_NIC_INTERNET)
		return xstrdup("Internet");
	if (nic->kind == XV_NIC_VM && nic->index < (__u32)t->nvms)
		return xasprintf("%s (%s/%s)", t->vms[nic->index].name,
			       t->vnets[t->vms[nic->index].vnet].name,
			       t->subnets[t->vms[nic->index].subnet].name);
	if (nic->kind == XV_NIC_GATEWAY && nic->index < (__u32)t->ngateways)
		return xasprintf("%s (%s/GatewaySubnet)", t->gateways[nic->index].name,
			       t->vnets[t->gateways[nic->index].vnet].name);
	return NULL;
}

/* A route as effective routes show it: prefix, source, next hop type and IP. */
static char *route_name(const struct eff_route *r, bool with_prefix)
{
	char prefix[PREFIX_STRLEN], ip[IPV4_STRLEN];
	const char *nh = eff_route_next_hop_ip(r, ip);

	return xasprintf("%s%s%s %s%s%s", with_prefix ? prefix_str(r->prefix, prefix) : "",
		       with_prefix ? " " : "", eff_route_source_name(r->source),
		       next_hop_type_name(eff_route_next_hop_type(r)), nh ? " " : "", nh ? nh : "");
}

/* Every subnet whose table is subnet's: "hub/app, hub/db". */
static char *table_name(const struct topology *t, const struct fabric_image *img, int subnet)
{
	char buf[256];
	size_t at = 0;

	buf[0] = '\0';
	for (int s = 0; s < t->nsubnets && at < sizeof(buf); s++)
		if (img->table_of[s] == subnet)
			at += snprintf(buf + at, sizeof(buf) - at, "%s%s/%s", at ? ", " : "",
				       t->vnets[t->subnets[s].vnet].name, t->subnets[s].name);
	return xstrdup(buf);
}

static void name_gateway(const struct topology *t, const struct engine *e,
			 const struct fabric_image *img, int g, struct names_gateway *out)
{
	const struct route_ref first = { -1, g, 0 };
	struct eff_route r;
	char buf[PREFIX_STRLEN];

	out->name = xstrdup(t->gateways[g].name);
	if (e->gw[g].n) {	/* every learned route has the same source and next hop */
		fabric_route_row(t, e, &first, &r);
		out->learned = route_name(&r, false);
	} else {
		out->learned = xstrdup("");
	}
	out->first = -1;
	out->prefixes = xcalloc(e->gw[g].n, sizeof(char *));
	for (int id = img->nown; id < img->nroutes; id++) {
		const struct route_ref *ref = &img->routes[id];

		if (ref->gateway != g)
			continue;
		if (out->first < 0)
			out->first = id;
		out->prefixes[out->nprefixes++] =
			xstrdup(prefix_str(e->gw[g].routes[ref->row].prefix, buf));
	}
}

static void name_firewalls(const struct topology *t, const struct fabric_image *img,
			   struct fabric_names *out)
{
	for (int i = 0; img->firewalls && i < img->nnics; i++) {
		const struct xv_nic *nic = &img->nics[i];
		const struct firewall *fw;
		struct names_firewall *nf;

		if (!(nic->flags & XV_NIC_F_FIREWALL))
			continue;
		fw = t->vms[nic->index].firewall;
		out->firewalls = xrealloc(out->firewalls,
					  (out->nfirewalls + 1) * sizeof(*out->firewalls));
		nf = &out->firewalls[out->nfirewalls++];
		nf->vm = xstrdup(t->vms[nic->index].name);
		nf->slot = i;
		nf->first = img->firewalls[i].counters;
		nf->n = fabric_firewall_ncounters(fw);
		nf->counters = xcalloc(nf->n, sizeof(char *));
		nf->actions = xcalloc(nf->n, sizeof(char *));
		for (int k = 0; k < nf->n; k++) {
			nf->counters[k] = xstrdup(fabric_firewall_counter_name(fw, k));
			nf->actions[k] = xstrdup(fabric_firewall_counter_action(fw, k));
		}
	}
}

void fabric_names_build(const struct topology *t, const struct engine *e,
			const struct fabric_image *img, struct fabric_names *out)
{
	memset(out, 0, sizeof(*out));
	out->nnics = img->nnics;
	out->nics = xcalloc(img->nnics, sizeof(char *));
	for (int i = 0; i < img->nnics; i++)
		out->nics[i] = nic_name(t, &img->nics[i]);
	out->nown = img->nown;
	out->routes = xcalloc(img->nown, sizeof(*out->routes));
	for (int id = 0; id < img->nown; id++) {
		const struct route_ref *ref = &img->routes[id];
		struct eff_route r;

		fabric_route_row(t, e, ref, &r);
		out->routes[id].table = table_name(t, img, ref->subnet);
		out->routes[id].route = route_name(&r, true);
	}
	out->ngateways = t->ngateways;
	out->gateways = xcalloc(t->ngateways, sizeof(*out->gateways));
	for (int g = 0; g < t->ngateways; g++)
		name_gateway(t, e, img, g, &out->gateways[g]);
	name_firewalls(t, img, out);
}

void fabric_names_free(struct fabric_names *n)
{
	for (int i = 0; i < n->nnics; i++)
		free(n->nics[i]);
	for (int i = 0; i < n->nown; i++) {
		free(n->routes[i].table);
		free(n->routes[i].route);
	}
	for (int g = 0; g < n->ngateways; g++) {
		for (int i = 0; i < n->gateways[g].nprefixes; i++)
			free(n->gateways[g].prefixes[i]);
		free(n->gateways[g].prefixes);
		free(n->gateways[g].name);
		free(n->gateways[g].learned);
	}
	for (int f = 0; f < n->nfirewalls; f++) {
		for (int k = 0; k < n->firewalls[f].n; k++) {
			free(n->firewalls[f].counters[k]);
			free(n->firewalls[f].actions[k]);
		}
		free(n->firewalls[f].counters);
		free(n->firewalls[f].actions);
		free(n->firewalls[f].vm);
	}
	free(n->firewalls);
	free(n->nics);
	free(n->routes);
	free(n->gateways);
	memset(n, 0, sizeof(*n));
}

const char *fabric_names_nic(const struct fabric_names *n, __u32 slot, char *buf, size_t len)
{
	if (n && slot < (__u32)n->nnics && n->nics[slot])
		return n->nics[slot];
	snprintf(buf, len, "nic %u", slot);
	return buf;
}

/* A learned route's prefix: from its id, or (XV_ROUTE_ID_GW) the frame's destination. */
static const struct names_gateway *learned(const struct fabric_names *n, __u32 route_id,
					   __u32 dst, char prefix[PREFIX_STRLEN])
{
	const struct names_gateway *gw;
	__u32 len = route_id >> XV_TRIE_LEN_SHIFT & 0x3f;
	int g;

	if (route_id & XV_ROUTE_ID_GW) {
		g = (int)(route_id & XV_TRIE_ID_MASK) - n->nown;
		if (g < 0 || g >= n->ngateways || len > 32)
			return NULL;
		prefix_str((struct prefix){ len ? ntohl(dst) & ~0u << (32 - len) : 0, len },
			   prefix);
		return &n->gateways[g];
	}
	for (g = 0; g < n->ngateways; g++) {
		gw = &n->gateways[g];
		if (gw->first >= 0 && route_id >= (__u32)gw->first &&
		    route_id - gw->first < (__u32)gw->nprefixes) {
			snprintf(prefix, PREFIX_STRLEN, "%s", gw->prefixes[route_id - gw->first]);
			return gw;
		}
	}
	return NULL;
}

const char *fabric_names_route(const struct fabric_names *n, __u32 route_id, __u32 dst,
			       char *buf, size_t len)
{
	const struct names_gateway *gw;
	char prefix[PREFIX_STRLEN];

	if (route_id == XV_NONE)
		return NULL;
	if (n && route_id < (__u32)n->nown)
		return n->routes[route_id].route;
	gw = n ? learned(n, route_id, dst, prefix) : NULL;
	if (gw)
		snprintf(buf, len, "%s %s", prefix, gw->learned);
	else
		snprintf(buf, len, "route %u", route_id);
	return buf;
}

const char *fabric_names_table(const struct fabric_names *n, __u32 counter)
{
	if (counter < (__u32)n->nown)
		return n->routes[counter].table;
	if (counter - n->nown < (__u32)n->ngateways)
		return n->gateways[counter - n->nown].name;
	return "-";
}

const char *fabric_verdict_name(enum xv_verdict v)
{
	static const char *const names[XV_VERDICT__COUNT] = {
		[XV_FWD] = "Forwarded",
		[XV_ARP_REPLY] = "ArpReply",
		[XV_DROP_NONE_ROUTE] = "NoneRoute",
		[XV_DROP_NO_OWNER] = "NoNicOwnsAddress",
		[XV_DROP_SRC_NOT_OWN] = "SourceNotOwn",
		[XV_DROP_DST_NOT_OWN] = "DestinationNotOwn",
		[XV_DROP_PEERING_ACCESS] = "PeeringAccessDenied",
		[XV_DROP_FORWARDED] = "ForwardedTrafficNotAllowed",
		[XV_DROP_NVA_UNREACHABLE] = "VirtualApplianceUnreachable",
		[XV_DROP_NO_GATEWAY] = "NoGateway",
		[XV_DROP_LOOP] = "Loop",
		[XV_DROP_SHORT] = "Short",
		[XV_DROP_BAD_IPV4] = "BadIPv4",
		[XV_DROP_TRUNCATED] = "Truncated",
		[XV_DROP_IPV6] = "IPv6",
		[XV_DROP_VLAN] = "Vlan",
		[XV_DROP_ETHERTYPE] = "Ethertype",
		[XV_DROP_ARP] = "ArpNotAnswered",
		[XV_DROP_L2_DST] = "NotToFabricMac",
		[XV_DROP_NOT_NIC] = "NotANic",
		[XV_DROP_REDIRECT] = "RedirectFailed",
		[XV_DROP_FIREWALL] = "FirewallDenied",
	};
	return (unsigned)v < XV_VERDICT__COUNT && names[v] ? names[v] : "Unknown";
}
