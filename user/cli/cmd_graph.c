// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet graph: a picture of the topology (and of one flow's path), as
 * Graphviz DOT, Mermaid, or SVG drawn by Graphviz's dot. The picture is
 * decided once, as nodes and edges (struct graph), then written in either
 * syntax. VNets are boxes with their address spaces, holding their
 * subnets; NICs hang off their subnet (firewall NVAs marked), gateways
 * sit in GatewaySubnet; peerings join VNets with their flags (half
 * peerings dashed); connections join gateways to sites, circuits and
 * other gateways; circuits reach their sites; the Internet is one node.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "log.h"
#include "print.h"
#include "roundtrip.h"
#include "verb.h"

static int cmd_graph(struct verb_opts *o);

enum graph_format { GRAPH_DOT, GRAPH_MERMAID, GRAPH_SVG };

struct graph_cli {
	int format;	/* enum graph_format */
	bool path;
};

static const char *const graph_formats[] = { "dot", "mermaid", "svg", NULL };

#define OWN(field) offsetof(struct graph_cli, field)

static const struct opt graph_opts[] = {
	{ .name = "output", .letter = 'o', .type = OPT_CHOICE, .off = OWN(format), .arg = "FORMAT",
	  .help = "dot (default), mermaid, or svg (drawn by Graphviz's dot)",
	  .choices = graph_formats, .complete = COMPLETE_CHOICE, .own = true },
	{ .name = "path", .type = OPT_FLAG, .off = OWN(path),
	  .help = "highlight the hops of the flow SOURCE -> DESTINATION_IP", .own = true },
	OPT_PROTOCOL("the flow's protocol, as for xvnet path"),
	{ .name = "port", .type = OPT_INT, .off = offsetof(struct verb_opts, port), .arg = "N",
	  .help = "the flow's destination port, as for xvnet path", .min = 1, .max = 65535 },
	{ .name = "round-trip", .type = OPT_FLAG, .off = offsetof(struct verb_opts, round_trip),
	  .help = "--path: the reply too, in another colour" },
	{ NULL },
};

const struct verb verb_graph = {
	.name = "graph",
	.summary = "a picture of the topology, and of a flow's path (DOT, Mermaid, SVG)",
	.operands = "[SOURCE DESTINATION_IP]",
	.nmin = 0, .nmax = 2,
	.operand_complete = { COMPLETE_TARGET },
	.help = "Draw the topology: VNets with their address spaces and subnets, NICs and\n"
		"firewall NVAs, peerings with their flags (a peering without its reverse is\n"
		"dashed), gateways, connections, ExpressRoute circuits, sites and the\n"
		"Internet. With --path SOURCE DESTINATION_IP, the hops of that flow are drawn\n"
		"in red and numbered; with --round-trip the reply's in blue. SVG needs\n"
		"Graphviz (make deps installs it).\n",
	.examples = (const char *const[]){
		"xvnet graph -t examples/hub-spoke.yaml -o svg > hub-spoke.svg",
		"xvnet graph -t examples/hub-spoke.yaml -o mermaid",
		"xvnet graph --lab hubspoke --path app1 192.168.1.10 --round-trip -o svg > flow.svg",
		NULL },
	.opts = graph_opts,
	.common = VERB_TOPOLOGY | VERB_LAB,
	.own_size = sizeof(struct graph_cli),
	.run = cmd_graph,
};

enum node_kind { N_SUBNET, N_VM, N_NVA, N_GATEWAY, N_SITE, N_CIRCUIT, N_INTERNET };

struct gnode {
	enum node_kind kind;
	int vnet;		/* the VNet box it is drawn in, -1: none */
	char label[256];
	int hot;		/* on the path: 1 request, 2 reply, 3 both */
};

enum edge_kind { E_ATTACH, E_PEERING, E_HALF_PEERING, E_CONNECTION, E_CIRCUIT, E_PATH };

struct gedge {
	enum edge_kind kind;
	int a, b;		/* nodes; VNets for peerings */
	char label[192];
	int leg;		/* E_PATH: 1 request, 2 reply */
};

struct graph {
	const struct topology *t;
	struct gnode *nodes;
	int nnodes;
	struct gedge *edges;
	int nedges, cap;
	/* where each element's node is */
	int first_subnet, first_vm, first_gw, first_site, first_circuit, internet;
};

static struct gnode *node_add(struct graph *g, enum node_kind kind, int vnet, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct gnode *node_add(struct graph *g, enum node_kind kind, int vnet, const char *fmt, ...)
{
	struct gnode *n = &g->nodes[g->nnodes++];
	va_list ap;

	n->kind = kind;
	n->vnet = vnet;
	va_start(ap, fmt);
	vsnprintf(n->label, sizeof(n->label), fmt, ap);
	va_end(ap);
	return n;
}

static struct gedge *edge_add(struct graph *g, enum edge_kind kind, int a, int b)
{
	struct gedge *e;

	if (g->nedges == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		g->edges = xrealloc(g->edges, (size_t)g->cap * sizeof(*g->edges));
	}
	e = &g->edges[g->nedges++];
	*e = (struct gedge){ .kind = kind, .a = a, .b = b };
	return e;
}

/* "fwd, transit" from one side's peering flags (what differs from the defaults). */
static void peering_flags(const struct peering *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", p->allow_vnet_access ? "" : "no access ",
		 p->allow_forwarded_traffic ? "fwd " : "",
		 p->allow_gateway_transit ? "gw-transit " : "",
		 p->use_remote_gateways ? "remote-gw " : "");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
	else
		snprintf(buf, len, "-");
}

static void add_peerings(struct graph *g)
{
	const struct topology *t = g->t;
	char f1[64], f2[64];

	for (int i = 0; i < t->npeerings; i++) {
		const struct peering *p = &t->peerings[i];
		struct gedge *e;

		if (p->reverse >= 0 && p->reverse < i)
			continue;	/* drawn with its reverse */
		peering_flags(p, f1, sizeof(f1));
		if (p->reverse < 0) {
			e = edge_add(g, E_HALF_PEERING, p->from, p->to);
			snprintf(e->label, sizeof(e->label), "half peering (Initiated)\\n%s: %s",
				 t->vnets[p->from].name, f1);
			continue;
		}
		peering_flags(&t->peerings[p->reverse], f2, sizeof(f2));
		e = edge_add(g, E_PEERING, p->from, p->to);
		snprintf(e->label, sizeof(e->label), "%speering\\n%s: %s\\n%s: %s",
			 p->global ? "global " : "", t->vnets[p->from].name, f1,
			 t->vnets[p->to].name, f2);
	}
}

static void add_connections(struct graph *g)
{
	const struct topology *t = g->t;

	for (int i = 0; i < t->nconnections; i++) {
		const struct connection *c = &t->connections[i];
		int peer = c->kind == CONN_SITE ? g->first_site + c->peer :
			   c->kind == CONN_CIRCUIT ? g->first_circuit + c->peer :
			   g->first_gw + c->peer;
		struct gedge *e = edge_add(g, E_CONNECTION, g->first_gw + c->gateway, peer);

		snprintf(e->label, sizeof(e->label), "%s%s", c->name,
			 c->kind == CONN_SITE ? " (IPsec)" : c->kind == CONN_CIRCUIT ? " (ExpressRoute)" :
						" (VNet-to-VNet)");
	}
	for (int i = 0; i < t->ncircuits; i++)
		for (int k = 0; k < t->circuits[i].nsites; k++)
			edge_add(g, E_CIRCUIT, g->first_circuit + i,
				 g->first_site + t->circuits[i].sites[k]);
}

static void prefixes(const struct prefix *p, int n, char *buf, size_t len)
{
	char s[PREFIX_STRLEN];
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", prefix_str(p[i], s));
}

static void build(struct graph *g, const struct topology *t)
{
	char ip[IPV4_STRLEN], pfx[PREFIX_STRLEN], list[160];

	*g = (struct graph){ .t = t };
	g->nodes = xcalloc((size_t)(t->nsubnets + t->nvms + t->ngateways + t->nsites +
				    t->ncircuits + 1), sizeof(*g->nodes));
	g->first_subnet = g->nnodes;
	for (int i = 0; i < t->nsubnets; i++) {
		const struct subnet *s = &t->subnets[i];

		node_add(g, N_SUBNET, s->vnet, "%s\\n%s%s%s", s->name, prefix_str(s->prefix, pfx),
			 s->route_table >= 0 ? "\\nroute table " : "",
			 s->route_table >= 0 ? t->route_tables[s->route_table].name : "");
	}
	g->first_vm = g->nnodes;
	for (int i = 0; i < t->nvms; i++) {
		const struct vm *m = &t->vms[i];

		node_add(g, m->firewall ? N_NVA : N_VM, m->vnet, "%s\\n%s%s", m->name,
			 ipv4_str(m->ip, ip), m->firewall ? "\\nfirewall NVA" :
					      m->enable_ip_forwarding ? "\\nIP forwarding" : "");
		edge_add(g, E_ATTACH, g->first_subnet + m->subnet, g->first_vm + i);
	}
	g->first_gw = g->nnodes;
	for (int i = 0; i < t->ngateways; i++) {
		const struct gateway *gw = &t->gateways[i];

		node_add(g, N_GATEWAY, gw->vnet, "%s\\n%s gateway%s\\n%s", gw->name,
			 gw->type == GW_VPN ? "VPN" : "ExpressRoute", gw->bgp ? " (BGP)" : "",
			 ipv4_str(gw->ip, ip));
		edge_add(g, E_ATTACH, g->first_subnet + gw->subnet, g->first_gw + i);
	}
	g->first_site = g->nnodes;
	for (int i = 0; i < t->nsites; i++) {
		prefixes(t->sites[i].space, t->sites[i].nspace, list, sizeof(list));
		node_add(g, N_SITE, -1, "site %s\\n%s", t->sites[i].name, list);
	}
	g->first_circuit = g->nnodes;
	for (int i = 0; i < t->ncircuits; i++)
		node_add(g, N_CIRCUIT, -1, "circuit %s", t->circuits[i].name);
	g->internet = g->nnodes;
	node_add(g, N_INTERNET, -1, "Internet");
	add_peerings(g);
	add_connections(g);
}

/* ---- a flow's path --------------------------------------------------------- */

/* Append node n to the leg's sequence, once in a row. */
static void step(struct graph *g, int *last, int n, int leg, int *k)
{
	struct gedge *e;

	if (n < 0 || n == *last)
		return;
	g->nodes[n].hot |= leg;
	if (*last >= 0) {
		e = edge_add(g, E_PATH, *last, n);
		e->leg = leg;
		snprintf(e->label, sizeof(e->label), "%d", ++*k);
	}
	*last = n;
}

static int origin_node(const struct graph *g, struct origin o)
{
	return o.is_site ? g->first_site + o.index : g->first_vm + o.index;
}

static void path_steps(struct graph *g, const struct path *p, int *last, int leg, int *k)
{
	for (int i = 0; i < p->nhops; i++) {
		const struct hop *h = &p->hops[i];

		if (h->kind == HOP_GATEWAY)
			step(g, last, g->first_gw + h->where, leg, k);
		else if (h->kind == HOP_SITE)
			step(g, last, g->first_site + h->where, leg, k);
		else if (h->kind == HOP_CIRCUIT)
			step(g, last, g->first_circuit + h->where, leg, k);
		if (h->vm >= 0)
			step(g, last, g->first_vm + h->vm, leg, k);
		else if (h->kind == HOP_SUBNET && h->route.type == NH_GATEWAY && h->route.gateway >= 0)
			step(g, last, g->first_gw + h->route.gateway, leg, k);
	}
	switch (p->result == PATH_DELIVERED ? p->to_kind : TO_NONE) {
	case TO_VM:
		step(g, last, g->first_vm + p->to, leg, k);
		break;
	case TO_GATEWAY:
		step(g, last, g->first_gw + p->to, leg, k);
		break;
	case TO_SITE:
		step(g, last, g->first_site + p->to, leg, k);
		break;
	case TO_INTERNET:
		step(g, last, g->internet, leg, k);
		break;
	default:
		break;
	}
}

static void leg_steps(struct graph *g, const struct rt_leg *l, int leg)
{
	int last = -1, k = 0;

	for (int s = 0; s < l->nseg; s++) {
		const struct rt_segment *seg = &l->seg[s];

		if (seg->start == RT_INTERNET)
			step(g, &last, g->internet, leg, &k);
		else if (last < 0)
			step(g, &last, origin_node(g, seg->from), leg, &k);
		path_steps(g, &seg->p, &last, leg, &k);
	}
}

static int add_path(struct graph *g, struct session *s)
{
	static struct round_trip rt;	/* large: not on the stack */
	struct flow f = { .proto = s->o.proto, .dport = (uint16_t)s->o.port };
	struct origin from;
	struct path p;
	int last = -1, k = 0, rc;

	rc = verb_origin(s, s->o.args[0], &from, &f.src);
	if (!rc)
		rc = verb_ipv4(s, s->o.args[1], &f.dst);
	if (rc)
		return rc;
	if (s->o.round_trip) {
		round_trip(&s->eng, from, &f, &rt);
		leg_steps(g, &rt.request, 1);
		leg_steps(g, &rt.reply, 2);
		return 0;
	}
	engine_path(&s->eng, from, &f, &p);
	step(g, &last, origin_node(g, from), 1, &k);
	path_steps(g, &p, &last, 1, &k);
	return 0;
}

/* ---- DOT ------------------------------------------------------------------- */

static const char *const path_colour[] = { "black", "#d62728", "#1f77b4", "#9467bd" };

static void dot_node(FILE *f, const struct graph *g, int i)
{
	static const char *const shape[] = {
		[N_SUBNET] = "box", [N_VM] = "box", [N_NVA] = "box", [N_GATEWAY] = "hexagon",
		[N_SITE] = "folder", [N_CIRCUIT] = "cds", [N_INTERNET] = "ellipse",
	};
	static const char *const fill[] = {
		[N_SUBNET] = "#f2f2f2", [N_VM] = "#dbe9f6", [N_NVA] = "#fde0c5",
		[N_GATEWAY] = "#e5dcf2", [N_SITE] = "#e2f0d9", [N_CIRCUIT] = "#e2f0d9",
		[N_INTERNET] = "#ffffff",
	};
	const struct gnode *n = &g->nodes[i];

	fprintf(f, "%*sn%d [label=\"%s\", shape=%s, style=\"%s\", fillcolor=\"%s\"%s%s%s];\n",
		n->vnet >= 0 ? 4 : 2, "", i, n->label, shape[n->kind],
		n->kind == N_SUBNET ? "filled" : "rounded,filled", fill[n->kind],
		n->hot ? ", penwidth=2.5, color=\"" : "", n->hot ? path_colour[n->hot] : "",
		n->hot ? "\"" : "");
}

/* A node inside VNet v, for edges between VNet boxes (compound edges). */
static int vnet_anchor(const struct graph *g, int v)
{
	return g->first_subnet + g->t->vnets[v].first_subnet;
}

static void dot_edge(FILE *f, const struct graph *g, const struct gedge *e)
{
	switch (e->kind) {
	case E_ATTACH:
		fprintf(f, "  n%d -> n%d [arrowhead=none, color=\"#999999\"];\n", e->a, e->b);
		break;
	case E_PEERING:
	case E_HALF_PEERING:
		fprintf(f, "  n%d -> n%d [ltail=cluster_v%d, lhead=cluster_v%d, dir=%s, label=\"%s\", "
			"color=\"%s\", style=%s, fontcolor=\"%s\"];\n",
			vnet_anchor(g, e->a), vnet_anchor(g, e->b), e->a, e->b,
			e->kind == E_PEERING ? "both" : "forward", e->label,
			e->kind == E_PEERING ? "#2ca02c" : "#d62728",
			e->kind == E_PEERING ? "bold" : "dashed",
			e->kind == E_PEERING ? "#2ca02c" : "#d62728");
		break;
	case E_CONNECTION:
		fprintf(f, "  n%d -> n%d [dir=both, label=\"%s\", color=\"#7f7f7f\"];\n", e->a, e->b,
			e->label);
		break;
	case E_CIRCUIT:
		fprintf(f, "  n%d -> n%d [dir=both, color=\"#7f7f7f\", style=dotted];\n", e->a, e->b);
		break;
	case E_PATH:
		fprintf(f, "  n%d -> n%d [label=\"%s\", color=\"%s\", fontcolor=\"%s\", penwidth=2.5, "
			"constraint=false];\n", e->a, e->b, e->label, path_colour[e->leg],
			path_colour[e->leg]);
		break;
	}
}

static void write_dot(FILE *f, const struct graph *g)
{
	const struct topology *t = g->t;
	char space[160];

	fprintf(f, "digraph \"%s\" {\n"
		"  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", fontsize=12, "
		"label=\"%s\", labelloc=t, nodesep=0.3];\n"
		"  node [fontname=\"Helvetica\", fontsize=10];\n"
		"  edge [fontname=\"Helvetica\", fontsize=9];\n", t->name, t->name);
	for (int v = 0; v < t->nvnets; v++) {
		prefixes(t->vnets[v].space, t->vnets[v].nspace, space, sizeof(space));
		fprintf(f, "  subgraph cluster_v%d {\n    label=\"VNet %s%s%s%s\\n%s\"; style=\"rounded\"; "
			"color=\"#4472c4\";\n", v, t->vnets[v].name,
			t->vnets[v].region ? " (" : "", t->vnets[v].region ? t->vnets[v].region : "",
			t->vnets[v].region ? ")" : "", space);
		for (int i = 0; i < g->nnodes; i++)
			if (g->nodes[i].vnet == v)
				dot_node(f, g, i);
		fprintf(f, "  }\n");
	}
	for (int i = 0; i < g->nnodes; i++)
		if (g->nodes[i].vnet < 0)
			dot_node(f, g, i);
	for (int i = 0; i < g->nedges; i++)
		dot_edge(f, g, &g->edges[i]);
	fprintf(f, "}\n");
}

/* ---- Mermaid --------------------------------------------------------------- */

/* Mermaid labels: "\n" (as DOT writes it) becomes <br/>, quotes become #quot;. */
static void mermaid_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			fputs("<br/>", f);
			s++;
		} else if (*s == '"') {
			fputs("#quot;", f);
		} else {
			fputc(*s, f);
		}
	}
}

static void mermaid_node(FILE *f, const struct graph *g, int i)
{
	static const char *const open[] = {
		[N_SUBNET] = "[", [N_VM] = "([", [N_NVA] = "([", [N_GATEWAY] = "{{",
		[N_SITE] = "[/", [N_CIRCUIT] = "[[", [N_INTERNET] = "((",
	};
	static const char *const close[] = {
		[N_SUBNET] = "]", [N_VM] = "])", [N_NVA] = "])", [N_GATEWAY] = "}}",
		[N_SITE] = "/]", [N_CIRCUIT] = "]]", [N_INTERNET] = "))",
	};
	const struct gnode *n = &g->nodes[i];

	fprintf(f, "%*sn%d%s\"", n->vnet >= 0 ? 4 : 2, "", i, open[n->kind]);
	mermaid_label(f, n->label);
	fprintf(f, "\"%s\n", close[n->kind]);
}

static void write_mermaid(FILE *f, const struct graph *g)
{
	const struct topology *t = g->t;
	char space[160];
	int link = 0;

	fprintf(f, "flowchart LR\n");
	for (int v = 0; v < t->nvnets; v++) {
		prefixes(t->vnets[v].space, t->vnets[v].nspace, space, sizeof(space));
		fprintf(f, "  subgraph v%d[\"VNet %s<br/>%s\"]\n", v, t->vnets[v].name, space);
		for (int i = 0; i < g->nnodes; i++)
			if (g->nodes[i].vnet == v)
				mermaid_node(f, g, i);
		fprintf(f, "  end\n");
	}
	for (int i = 0; i < g->nnodes; i++)
		if (g->nodes[i].vnet < 0)
			mermaid_node(f, g, i);
	for (int i = 0; i < g->nedges; i++) {
		const struct gedge *e = &g->edges[i];
		const char *arrow = e->kind == E_ATTACH ? "---" : e->kind == E_HALF_PEERING ? "-.->" :
				    e->kind == E_PATH ? "==>" : "<-->";
		bool vnets = e->kind == E_PEERING || e->kind == E_HALF_PEERING;

		fprintf(f, "  %s%d %s", vnets ? "v" : "n", e->a, arrow);
		if (*e->label) {
			fputs("|\"", f);
			mermaid_label(f, e->label);
			fputs("\"|", f);
		}
		fprintf(f, " %s%d\n", vnets ? "v" : "n", e->b);
		if (e->kind == E_PATH)
			fprintf(f, "  linkStyle %d stroke:%s,stroke-width:3px\n", link,
				path_colour[e->leg]);
		link++;
	}
	for (int i = 0; i < g->nnodes; i++)
		if (g->nodes[i].hot)
			fprintf(f, "  style n%d stroke:%s,stroke-width:3px\n", i,
				path_colour[g->nodes[i].hot]);
}

/* ---- SVG: dot -Tsvg ---------------------------------------------------------- */

static int write_svg(const struct graph *g)
{
	FILE *p;
	int st;

	fflush(stdout);
	p = popen("dot -Tsvg", "w");
	if (!p) {
		pr_err("xvnet graph: cannot run Graphviz's dot: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	write_dot(p, g);
	st = pclose(p);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		pr_err("xvnet graph: Graphviz's dot failed%s\n",
		       WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
		       " (not installed: apt-get install graphviz, or make deps)" : "");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int cmd_graph(struct verb_opts *o)
{
	const struct graph_cli *c = o->own;
	struct session s = { 0 };
	struct graph g = { 0 };
	int rc;

	if (c->path != (o->nargs == 2))
		return verb_usage_error(o->verb, c->path ? "--path needs SOURCE and DESTINATION_IP" :
					"SOURCE and DESTINATION_IP go with --path");
	if (o->round_trip && !c->path)
		return verb_usage_error(o->verb, "--round-trip goes with --path");
	rc = session_open(&s, o);
	if (rc)
		goto out;
	build(&g, &s.topo);
	if (c->path)
		rc = add_path(&g, &s);
	if (rc)
		goto out;
	if (c->format == GRAPH_SVG)
		rc = write_svg(&g);
	else if (c->format == GRAPH_MERMAID)
		write_mermaid(stdout, &g);
	else
		write_dot(stdout, &g);
	if (!rc)
		rc = verb_print_end(EXIT_OK);
out:
	free(g.nodes);
	free(g.edges);
	session_close(&s);
	return rc;
}
