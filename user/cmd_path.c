// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet path: the hop-by-hop path of one flow, each hop being the routing
 * decision taken where the packet is (a subnet, a gateway, a site), and
 * where it is delivered or why it is dropped. This is the prediction the
 * dataplane is checked against.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "verb.h"

static const struct verb path_verb = {
	.name = "path",
	.synopsis = "-t FILE SOURCE DESTINATION_IP [-p tcp|udp|icmp] [--port N] [-j]",
	.help = "Trace a flow from SOURCE, a VM or a site host (by name or address), to\n"
		"DESTINATION_IP as Azure forwards it: the route taken in each subnet, the\n"
		"firewall NVAs' verdicts, gateways and sites on the way, and where the packet\n"
		"is delivered or why it is dropped. Exit 0 when delivered, 1 when dropped.\n",
	.nargs = 2,
	.opts = VERB_OPT_FLOW,
};

static const struct column hop_cols[] = {
	{ "at", "At" },
	{ "addressPrefix", "Address Prefix" },
	{ "source", "Source" },
	{ "nextHopType", "Next Hop Type" },
	{ "nextHopIpAddress", "Next Hop IP" },
	{ "to", "To" },
};

/* A site host by name or address: its site, -1 when none. */
static int find_site_host(const struct topology *t, const char *name,
			  uint32_t addr, uint32_t *ip)
{
	for (int s = 0; s < t->nsites; s++)
		for (int h = 0; h < t->sites[s].nhosts; h++) {
			const struct host *hs = &t->sites[s].hosts[h];

			if (name ? !strcmp(hs->name, name) : hs->ip == addr) {
				*ip = hs->ip;
				return s;
			}
		}
	return -1;
}

/* A VM by address; VNets may reuse addresses, so it must be unique. */
static int find_vm_by_ip(const struct session *s, uint32_t addr, int *vm)
{
	const struct topology *t = &s->topo;

	*vm = -1;
	for (int i = 0; i < t->nvms; i++) {
		if (t->vms[i].ip != addr)
			continue;
		if (*vm >= 0)
			return verb_bad_input(s, "%s is the address of VMs %s and %s: name the VM",
					      s->o.args[0], t->vms[*vm].name, t->vms[i].name);
		*vm = i;
	}
	return 0;
}

/* SOURCE: a VM or site host, by name or by address. */
static int resolve_source(const struct session *s, struct origin *o, uint32_t *src)
{
	const struct topology *t = &s->topo;
	const char *arg = s->o.args[0];
	bool by_addr = ipv4_parse(arg, src);
	int vm, rc;

	if (by_addr) {
		rc = find_vm_by_ip(s, *src, &vm);
		if (rc)
			return rc;
	} else {
		vm = topo_find_vm(t, arg);
	}
	if (vm >= 0) {
		*o = (struct origin){ .is_site = false, .index = vm };
		*src = t->vms[vm].ip;
		return 0;
	}
	o->index = find_site_host(t, by_addr ? NULL : arg, *src, src);
	o->is_site = true;
	if (o->index >= 0)
		return 0;
	return verb_bad_input(s, "'%s' is neither a VM nor a site host of %s",
			      arg, s->o.topology);
}

/* "VNET/SUBNET", as the user types it. */
static const char *subnet_label(const struct topology *t, int subnet, char *buf, size_t len)
{
	const struct subnet *sn = &t->subnets[subnet];

	snprintf(buf, len, "%s/%s", t->vnets[sn->vnet].name, sn->name);
	return buf;
}

/* Where the decision is taken: JSON vnet/subnet (+ gateway/site/circuit). */
static void print_hop_place(const struct topology *t, const struct hop *h)
{
	const struct subnet *sn = NULL;
	const char *key = NULL, *name = NULL;
	char at[256];

	switch (h->kind) {
	case HOP_SUBNET:
		sn = &t->subnets[h->where];
		break;
	case HOP_GATEWAY:
		sn = &t->subnets[t->gateways[h->where].subnet];
		key = "gateway";
		name = t->gateways[h->where].name;
		break;
	case HOP_SITE:
		key = "site";
		name = t->sites[h->where].name;
		break;
	case HOP_CIRCUIT:
		key = "circuit";
		name = t->circuits[h->where].name;
		break;
	}
	print_string(PRINT_JSON, "vnet", NULL, sn ? t->vnets[sn->vnet].name : NULL);
	print_string(PRINT_JSON, "subnet", NULL, sn ? sn->name : NULL);
	if (key) {
		print_string(PRINT_JSON, key, NULL, name);
		snprintf(at, sizeof(at), "%s %s", key, name);
	} else {
		subnet_label(t, h->where, at, sizeof(at));
	}
	print_string(PRINT_FP, "at", NULL, at);
}

/* The NIC the packet is handed to, and a firewall NVA's verdict on it. */
/* A subnet's route to a gateway: which one (there is no NIC). */
static void print_hop_gateway(const struct topology *t, const struct hop *h)
{
	char to[256];

	if (h->route.type != NH_GATEWAY || h->route.gateway < 0)
		return;
	snprintf(to, sizeof(to), "gateway %s", t->gateways[h->route.gateway].name);
	print_string(PRINT_JSON, "nextHop", NULL, t->gateways[h->route.gateway].name);
	print_string(PRINT_FP, "to", NULL, to);
}

static void print_hop_nic(const struct topology *t, const struct hop *h,
			  const struct flow *f)
{
	const struct vm *m = h->vm >= 0 ? &t->vms[h->vm] : NULL;
	const char *action = NULL;
	const struct fw_rule *rule;
	char to[256];

	print_string(PRINT_JSON, "nic", NULL, m ? m->name : NULL);
	if (!m) {
		print_hop_gateway(t, h);
		return;
	}
	if (m->firewall && f->dst != m->ip) {
		action = firewall_eval(m->firewall, f, &rule) == FW_ALLOW ? "Allow" : "Deny";
		print_string(PRINT_JSON, "firewallRule", NULL, rule ? rule->name : NULL);
		print_string(PRINT_JSON, "firewallAction", NULL, action);
	}
	if (!action)
		snprintf(to, sizeof(to), "%s", m->name);
	else if (rule)
		snprintf(to, sizeof(to), "%s (firewall rule %s: %s)", m->name, rule->name, action);
	else
		snprintf(to, sizeof(to), "%s (firewall default action: %s)", m->name, action);
	print_string(PRINT_FP, "to", NULL, to);
}

/* A routing decision inside a subnet: an effective route. */
static void print_subnet_hop(const struct topology *t, const struct hop *h,
			     const struct flow *f)
{
	char pfx[PREFIX_STRLEN], ip[IPV4_STRLEN];
	const struct eff_route *r = &h->route;

	print_string(PRINT_ANY, "addressPrefix", NULL, prefix_str(r->prefix, pfx));
	print_string(PRINT_ANY, "source", NULL, verb_source_name(r->source));
	print_string(PRINT_ANY, "nextHopType", NULL, next_hop_type_name(verb_next_hop_type(r)));
	print_string(PRINT_ANY, "nextHopIpAddress", NULL, verb_next_hop_ip(r, ip));
	print_hop_nic(t, h, f);
}

/*
 * A decision outside the subnets (a site, a gateway, a circuit) follows a
 * learned route; its next hop is named by what it is: VnetLocal (into the
 * gateway's VNet through its GatewaySubnet), VirtualNetworkGateway,
 * ExpressRouteCircuit or Site.
 */
static void print_learned_hop(const struct topology *t, const struct hop *h)
{
	const struct learned_route *lr = &h->learned;
	const char *type = NULL, *kind = NULL, *name = NULL;
	char pfx[PREFIX_STRLEN], ip[IPV4_STRLEN], sub[256], to[300] = "";
	uint32_t gw_ip = 0;

	if (lr->via == VIA_VNET && lr->target < 0) {
		/* the packet was for the gateway itself: no decision */
	} else if (lr->via == VIA_VNET) {
		type = "VnetLocal";
		name = subnet_label(t, lr->target, sub, sizeof(sub));
	} else if (lr->via == VIA_CIRCUIT && h->kind != HOP_CIRCUIT) {
		type = "ExpressRouteCircuit";
		kind = "circuit ";
		name = t->circuits[lr->target].name;
	} else if (lr->site >= 0) {
		type = "Site";
		kind = "site ";
		name = t->sites[lr->site].name;
	} else {
		type = "VirtualNetworkGateway";
		kind = "gateway ";
		name = t->gateways[lr->gateway].name;
		gw_ip = t->gateways[lr->gateway].ip;
	}
	if (name)
		snprintf(to, sizeof(to), "%s%s", kind ? kind : "", name);
	print_string(PRINT_ANY, "addressPrefix", NULL, type ? prefix_str(lr->prefix, pfx) : NULL);
	print_string(PRINT_ANY, "nextHopType", NULL, type);
	print_string(PRINT_ANY, "nextHopIpAddress", NULL, gw_ip ? ipv4_str(gw_ip, ip) : NULL);
	print_string(PRINT_JSON, "nextHop", NULL, name);
	print_string(PRINT_FP, "to", NULL, to);
}

static void print_hop(const struct topology *t, const struct hop *h,
		      const struct flow *f)
{
	print_row_open();
	print_hop_place(t, h);
	if (h->kind == HOP_SUBNET)
		print_subnet_hop(t, h, f);
	else
		print_learned_hop(t, h);
	print_row_close();
}

/*
 * R8.1: a drop explained by a half peering (one direction only declared:
 * Azure shows it Initiated, no routes, no traffic) names it.
 */
static void print_half_peering(const struct topology *t, const struct path *p,
			       const struct flow *f)
{
	const struct hop *h = p->nhops ? &p->hops[p->nhops - 1] : NULL;
	const struct peering *pe;
	uint32_t addr = f->dst;
	int i;

	if (!h || h->kind != HOP_SUBNET)
		return;
	if (h->route.type == NH_APPLIANCE)
		addr = h->route.next_hop_ip;
	i = topo_half_peering(t, t->subnets[h->where].vnet, addr);
	if (i < 0)
		return;
	pe = &t->peerings[i];
	print_open_object("halfPeering");
	print_string(PRINT_ANY, "from", " (half peering: %s", t->vnets[pe->from].name);
	print_string(PRINT_ANY, "to", " -> %s", t->vnets[pe->to].name);
	print_string(PRINT_FP, NULL, " has no reverse %s", t->vnets[pe->to].name);
	print_string(PRINT_FP, NULL, " -> %s; Azure shows it Initiated, it carries no traffic)",
		     t->vnets[pe->from].name);
	print_close_object();
}

static void print_result(const struct topology *t, const struct path *p,
			 const struct flow *f)
{
	bool ok = p->result == PATH_DELIVERED;

	print_string(PRINT_ANY, "result", "%s", ok ? "Delivered" : "Dropped");
	switch (ok ? p->to_kind : TO_NONE) {
	case TO_VM:
		print_open_object("deliveredTo");
		print_string(PRINT_ANY, "vnet", " to %s", t->vnets[t->vms[p->to].vnet].name);
		print_string(PRINT_ANY, "subnet", "/%s", t->subnets[t->vms[p->to].subnet].name);
		print_string(PRINT_ANY, "nic", " (%s)", t->vms[p->to].name);
		print_close_object();
		break;
	case TO_GATEWAY:
		print_open_object("deliveredTo");
		print_string(PRINT_JSON, "vnet", NULL, t->vnets[t->gateways[p->to].vnet].name);
		print_string(PRINT_JSON, "subnet", NULL, t->subnets[t->gateways[p->to].subnet].name);
		print_string(PRINT_ANY, "gateway", " to gateway %s", t->gateways[p->to].name);
		print_close_object();
		break;
	case TO_SITE:
		print_open_object("deliveredTo");
		print_string(PRINT_ANY, "site", " to site %s", t->sites[p->to].name);
		print_close_object();
		break;
	case TO_INTERNET:
		print_open_object("deliveredTo");
		print_bool(PRINT_JSON, "internet", NULL, true);
		print_string(PRINT_FP, NULL, " to the Internet", NULL);
		print_close_object();
		break;
	default:
		print_null(PRINT_JSON, "deliveredTo", NULL);
	}
	if (ok)
		print_null(PRINT_JSON, "dropReason", NULL);
	else
		print_string(PRINT_ANY, "dropReason", ": %s", drop_reason_name(p->drop));
	if (!ok)
		print_half_peering(t, p, f);
	print_string(PRINT_FP, NULL, "\n", NULL);
}

int cmd_path(int argc, char **argv)
{
	struct session s = { 0 };
	struct origin from;
	struct path p;
	struct flow f;
	int rc;

	rc = session_open(&s, &path_verb, argc, argv);
	if (rc != SESSION_READY)
		goto out;
	f = (struct flow){ .proto = s.o.proto, .dport = s.o.port > 0 ? s.o.port : 0 };
	rc = resolve_source(&s, &from, &f.src);
	if (!rc)
		rc = verb_ipv4(&s, s.o.args[1], &f.dst);
	if (rc)
		goto out;
	engine_path(&s.eng, from, &f, &p);

	print_start(s.o.json);
	print_table_open("hops", hop_cols, sizeof(hop_cols) / sizeof(hop_cols[0]));
	for (int i = 0; i < p.nhops; i++)
		print_hop(&s.topo, &p.hops[i], &f);
	print_table_close();
	print_result(&s.topo, &p, &f);
	rc = verb_print_end(p.result == PATH_DELIVERED ? EXIT_OK : EXIT_FAIL);
out:
	session_close(&s);
	return rc;
}
