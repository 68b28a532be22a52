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
#include "roundtrip.h"
#include "verb.h"

static int cmd_path(struct verb_opts *o);

static const struct opt path_opts[] = {
	OPT_PROTOCOL("tcp, udp or icmp (default: icmp; tcp when --port is given)"),
	{ .name = "port", .type = OPT_INT, .off = offsetof(struct verb_opts, port), .arg = "N",
	  .help = "destination port of a tcp or udp flow", .min = 1, .max = 65535 },
	{ .name = "round-trip", .type = OPT_FLAG, .off = offsetof(struct verb_opts, round_trip),
	  .help = "also route the reply, from where the request arrived" },
	{ NULL },
};

const struct verb verb_path = {
	.name = "path",
	.summary = "the hop-by-hop path of a flow",
	.operands = "SOURCE DESTINATION_IP",
	.nmin = 2, .nmax = 2,
	.operand_complete = { COMPLETE_TARGET },
	.help = "Trace a flow from SOURCE, a VM or a site host (by name or address), to\n"
		"DESTINATION_IP as Azure forwards it: the route taken in each subnet, the\n"
		"firewall NVAs' verdicts, gateways and sites on the way, and where the packet\n"
		"is delivered or why it is dropped. Exit 0 when delivered, 1 when dropped.\n"
		"With --round-trip, the reply too: routed on its own from where the request\n"
		"arrived, back through the same source translations (firewall NVAs, the\n"
		"Internet's public addresses); a stateful firewall NVA that sees only half of\n"
		"the flow drops it (AsymmetricRouting). Exit 0 when the reply comes back.\n",
	.examples = (const char *const[]){
		"xvnet path -t examples/hub-spoke.yaml app1 192.168.1.10",
		"xvnet path -t examples/hub-spoke.yaml app1 203.0.113.10 -p tcp --port 22",
		"xvnet path -t examples/hub-spoke.yaml app1 10.2.1.4 --round-trip",
		NULL },
	.opts = path_opts,
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.run = cmd_path,
};

static const struct column hop_cols[] = {
	{ "at", "At" },
	{ "addressPrefix", "Address Prefix" },
	{ "source", "Source" },
	{ "nextHopType", "Next Hop Type" },
	{ "nextHopIpAddress", "Next Hop IP" },
	{ "to", "To" },
};

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

/* What a round trip adds to a hop (nothing on a one-way path). */
struct hop_note {
	enum { NOTE_NONE, NOTE_SNAT, NOTE_TRACKED, NOTE_UNTRACKED, NOTE_UNNAT } kind;
	uint32_t addr;		/* SNAT: translated to; UNNAT: back to */
};

/* A firewall NVA's verdict: by its rules, or by its connection tracking. */
static void nic_verdict(const struct vm *m, const struct flow *f,
			const struct hop_note *n, char *to, size_t len)
{
	const struct fw_rule *rule = NULL;
	const char *action;

	if (n->kind == NOTE_TRACKED || n->kind == NOTE_UNTRACKED) {
		bool ok = n->kind == NOTE_TRACKED;

		action = ok ? "Allow" : "Deny";
		print_string(PRINT_JSON, "firewallState", NULL, ok ? "Tracked" : "Untracked");
		snprintf(to, len, "%s (firewall: %s)", m->name,
			 ok ? "reply of a tracked flow, Allow" : "no tracked flow, Deny");
	} else {
		action = firewall_eval(m->firewall, f, &rule) == FW_ALLOW ? "Allow" : "Deny";
		if (rule)
			snprintf(to, len, "%s (firewall rule %s: %s)", m->name, rule->name, action);
		else
			snprintf(to, len, "%s (firewall default action: %s)", m->name, action);
	}
	print_string(PRINT_JSON, "firewallRule", NULL, rule ? rule->name : NULL);
	print_string(PRINT_JSON, "firewallAction", NULL, action);
}

/* The NIC the packet is handed to, a firewall NVA's verdict on it, and a translation. */
static void print_hop_nic(const struct topology *t, const struct hop *h,
			  const struct flow *f, const struct hop_note *n)
{
	const struct vm *m = h->vm >= 0 ? &t->vms[h->vm] : NULL;
	char to[300], ip[IPV4_STRLEN];
	size_t len;

	print_string(PRINT_JSON, "nic", NULL, m ? m->name : NULL);
	if (!m) {
		print_hop_gateway(t, h);
		return;
	}
	if (m->firewall && f->dst != m->ip)
		nic_verdict(m, f, n, to, sizeof(to));
	else
		snprintf(to, sizeof(to), "%s", m->name);
	len = strlen(to);
	if (n->kind == NOTE_SNAT) {
		print_string(PRINT_JSON, "snat", NULL, ipv4_str(n->addr, ip));
		snprintf(to + len, sizeof(to) - len, ", source NAT to %s", ip);
	} else if (n->kind == NOTE_UNNAT) {
		print_string(PRINT_JSON, "snatReversed", NULL, ipv4_str(n->addr, ip));
		snprintf(to + len, sizeof(to) - len, ", translation reversed: to %s", ip);
	}
	print_string(PRINT_FP, "to", NULL, to);
}

/* A routing decision inside a subnet: an effective route. */
static void print_subnet_hop(const struct topology *t, const struct hop *h,
			     const struct flow *f, const struct hop_note *n)
{
	char pfx[PREFIX_STRLEN], ip[IPV4_STRLEN];
	const struct eff_route *r = &h->route;

	print_string(PRINT_ANY, "addressPrefix", NULL, prefix_str(r->prefix, pfx));
	print_string(PRINT_ANY, "source", NULL, eff_route_source_name(r->source));
	print_string(PRINT_ANY, "nextHopType", NULL, next_hop_type_name(eff_route_next_hop_type(r)));
	print_string(PRINT_ANY, "nextHopIpAddress", NULL, eff_route_next_hop_ip(r, ip));
	print_hop_nic(t, h, f, n);
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
		      const struct flow *f, const struct hop_note *n)
{
	print_row_open();
	print_hop_place(t, h);
	if (h->kind == HOP_SUBNET)
		print_subnet_hop(t, h, f, n);
	else
		print_learned_hop(t, h);
	print_row_close();
}

/*
 * Half peering: a drop explained by a half peering (one direction only declared:
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

/* f: the flow, to name a half peering; NULL: none (a round trip's leg). */
static void print_result(const struct topology *t, const struct path *p,
			 uint32_t public_ip, const struct flow *f)
{
	char ip[IPV4_STRLEN];

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
		if (public_ip)
			print_string(PRINT_ANY, "publicIp", " from %s", ipv4_str(public_ip, ip));
		print_close_object();
		break;
	default:
		print_null(PRINT_JSON, "deliveredTo", NULL);
	}
	if (ok)
		print_null(PRINT_JSON, "dropReason", NULL);
	else
		print_string(PRINT_ANY, "dropReason", ": %s", drop_reason_name(p->drop));
	if (!ok && f)
		print_half_peering(t, p, f);
	print_string(PRINT_FP, NULL, "\n", NULL);
}

/* ---- --round-trip ------------------------------------------------------ */

/* What happens at the last hop of segment i, told by the segment after it. */
static struct hop_note seg_note(const struct rt_leg *l, int i)
{
	const struct rt_segment *next = i + 1 < l->nseg ? &l->seg[i + 1] : NULL;

	if (!next)
		return (struct hop_note){ l->reason == RT_ASYMMETRIC ? NOTE_UNTRACKED : NOTE_NONE, 0 };
	switch (next->start) {
	case RT_SNAT:
		return (struct hop_note){ NOTE_SNAT, next->f.src };
	case RT_TRACKED:
		return (struct hop_note){ NOTE_TRACKED, 0 };
	case RT_UNNAT:
		return (struct hop_note){ NOTE_UNNAT, next->f.dst };
	default:
		return (struct hop_note){ NOTE_NONE, 0 };
	}
}

/* The Internet answers a public address: straight to the NIC owning it. */
static void print_internet_hop(const struct topology *t, const struct rt_segment *s,
			       uint32_t public_ip)
{
	char ip[IPV4_STRLEN], to[300];

	ipv4_str(public_ip, ip);
	snprintf(to, sizeof(to), "%s (its public address %s)", t->vms[s->nva].name, ip);
	print_row_open();
	print_bool(PRINT_JSON, "internet", NULL, true);
	print_string(PRINT_FP, "at", NULL, "Internet");
	print_string(PRINT_JSON, "nic", NULL, t->vms[s->nva].name);
	print_string(PRINT_JSON, "publicIp", NULL, ip);
	print_string(PRINT_FP, "to", NULL, to);
	print_row_close();
}

static void print_leg_result(const struct topology *t, const struct rt_leg *l,
			     uint32_t public_ip)
{
	switch (l->reason) {
	case RT_NO_SNAT:
		print_string(PRINT_ANY, "result", "%s", "Dropped");
		print_null(PRINT_JSON, "deliveredTo", NULL);
		print_string(PRINT_ANY, "dropReason", ": %s", "NoSourceNat");
		print_string(PRINT_FP, NULL, " (the Internet answers translated sources only)\n", NULL);
		return;
	case RT_ASYMMETRIC:
		print_string(PRINT_ANY, "result", "%s", "Dropped");
		print_null(PRINT_JSON, "deliveredTo", NULL);
		print_string(PRINT_ANY, "dropReason", ": %s", "AsymmetricRouting");
		print_string(PRINT_ANY, "droppedBy", " at %s", t->vms[l->nva].name);
		print_string(PRINT_FP, NULL, " (it never saw the request)\n", NULL);
		return;
	default:
		print_result(t, rt_leg_last(l), public_ip, NULL);
	}
}

static void print_leg(const struct topology *t, const char *key, const char *title,
		      const struct rt_leg *l, uint32_t public_ip)
{
	print_open_object(key);
	print_string(PRINT_FP, NULL, "%s\n", title);
	print_table_open("hops", hop_cols, sizeof(hop_cols) / sizeof(hop_cols[0]));
	for (int i = 0; i < l->nseg; i++) {
		const struct rt_segment *sg = &l->seg[i];

		if (sg->start == RT_INTERNET)
			print_internet_hop(t, sg, public_ip);
		for (int k = 0; k < sg->p.nhops; k++) {
			struct hop_note n = { NOTE_NONE, 0 };

			if (sg->tracked[k])
				n.kind = NOTE_TRACKED;
			if (k + 1 == sg->p.nhops && seg_note(l, i).kind != NOTE_NONE)
				n = seg_note(l, i);
			print_hop(t, &sg->p.hops[k], &sg->f, &n);
		}
	}
	print_table_close();
	print_leg_result(t, l, l->public_ip);
	print_close_object();
}

static void print_round_trip(const struct topology *t, const struct round_trip *rt)
{
	const char *why = rt_reason_name(rt);

	print_leg(t, "request", "Request:", &rt->request, 0);
	if (rt->request.delivered) {
		print_string(PRINT_FP, NULL, "\n", NULL);
		print_leg(t, "reply", "Reply:", &rt->reply, rt->request.public_ip);
	} else {
		print_null(PRINT_JSON, "reply", NULL);
	}
	print_string(PRINT_ANY, "result", "\nRound trip: %s", rt->delivered ? "Delivered" : "Dropped");
	if (why)
		print_string(PRINT_ANY, "dropReason", ": %s", why);
	else
		print_null(PRINT_JSON, "dropReason", NULL);
	if (rt->reason == RT_ASYMMETRIC)
		print_string(PRINT_ANY, "droppedBy", " at %s", t->vms[rt->nva].name);
	else
		print_null(PRINT_JSON, "droppedBy", NULL);
	if (rt->reason == RT_ASYMMETRIC && rt->reply.delivered)
		print_string(PRINT_FP, NULL, " (the reply bypassed it: it drops the rest of the handshake)", NULL);
	print_string(PRINT_FP, NULL, "\n", NULL);
}

static int path_round_trip(const struct session *s, struct origin from, const struct flow *f)
{
	static struct round_trip rt; /* large: not on the stack */

	round_trip(&s->eng, from, f, &rt);
	print_start(s->o.format);
	print_round_trip(&s->topo, &rt);
	return verb_print_end(rt.delivered ? EXIT_OK : EXIT_FAIL);
}

static int cmd_path(struct verb_opts *o)
{
	struct session s = { 0 };
	struct origin from;
	struct path p;
	struct flow f;
	int rc;

	rc = session_open(&s, o);
	if (rc)
		goto out;
	f = (struct flow){ .proto = s.o.proto, .dport = (uint16_t)s.o.port };
	rc = verb_origin(&s, s.o.args[0], &from, &f.src);
	if (!rc)
		rc = verb_ipv4(&s, s.o.args[1], &f.dst);
	if (rc)
		goto out;
	if (s.o.round_trip) {
		rc = path_round_trip(&s, from, &f);
		goto out;
	}
	engine_path(&s.eng, from, &f, &p);

	print_start(s.o.format);
	print_table_open("hops", hop_cols, sizeof(hop_cols) / sizeof(hop_cols[0]));
	for (int i = 0; i < p.nhops; i++)
		print_hop(&s.topo, &p.hops[i], &f, &(struct hop_note){ NOTE_NONE, 0 });
	print_table_close();
	print_result(&s.topo, &p, 0, &f);
	rc = verb_print_end(p.result == PATH_DELIVERED ? EXIT_OK : EXIT_FAIL);
out:
	session_close(&s);
	return rc;
}
