// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet verify: real packets in a running lab against the predictions of
 * `path --round-trip` (and a list of expected flows). The prediction is
 * round_trip()'s; the observation probe_run()'s; this file pairs them and
 * prints one line per flow.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expect.h"
#include "lab.h"
#include "lab_verb.h"
#include "print.h"
#include "probe.h"
#include "roundtrip.h"
#include "state.h"
#include "verb.h"

static int cmd_verify(struct verb_opts *o);

struct verify_opts {
	const char *expect;
};

static const struct opt verify_opts[] = {
	{ .name = "expect", .type = OPT_STRING, .off = offsetof(struct verify_opts, expect),
	  .arg = "FILE", .complete = COMPLETE_FILE, .own = true,
	  .help = "check these flows instead: a YAML list of {from, to, protocol,\n"
		  "port, result, via}, or a topology file's 'expect:' list" },
	{ NULL },
};

const struct verb verb_verify = {
	.name = "verify",
	.summary = "real packets in a running lab against path --round-trip",
	.help = "Send real packets in a running lab (default: the only one) and compare each\n"
		"round trip with what `path --round-trip` predicts: delivered (the answer came\n"
		"back) or dropped. Without --expect, every VM and site host tries every other\n"
		"(ICMP, and TCP and UDP on each port the firewall rules name; TCP 80 when none).\n"
		"With --expect, the listed flows, each also checked against its expected result\n"
		"and the nodes it must cross (via). Probes run in parallel, one sender per\n"
		"namespace; verify answers TCP and UDP itself (a port already taken in a node\n"
		"is an error). One line per flow, then a summary; exit 1 on any mismatch.\n",
	.examples = (const char *const[]){
		"sudo xvnet verify",
		"sudo xvnet verify --lab hubspoke --expect flows.yaml -o json",
		NULL },
	.opts = verify_opts,
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.flags = VERB_ROOT,
	.own_size = sizeof(struct verify_opts),
	.run = cmd_verify,
};

static const struct column flow_cols[] = {
	{ "verdict", "" }, { "flow", "Flow" }, { "protocol", "Protocol" },
	{ "observed", "Observed" }, { "predicted", "Predicted" }, { "expected", "Expected" },
	{ "via", "Via" },
};

/* One flow: who, the prediction, the probe, and what was expected. */
struct vflow {
	struct rt_end from;
	const char *to;		/* a name, or the address as typed */
	uint32_t dst;
	struct rt_probe probe;
	const struct expectation *expect; /* NULL: none */
	bool delivered;		/* predicted */
	char predicted[128];	/* "Delivered", "Dropped: AsymmetricRouting at fw" */
	const char *nodes[2 * PATH_MAX_HOPS * RT_MAX_SEGMENTS]; /* predicted, either way */
	int nnodes;
};

struct verify {
	struct session s;
	char lab[LAB_NAME_LEN];
	struct rt_end *ends;
	int nends;
	struct vflow *flows;
	int n;
	struct probe *probes;
	char (*netns)[LAB_NETNS_LEN]; /* two per flow: source, answering node */
};

/* ---- the flows ----------------------------------------------------------------- */

static void add_node(struct vflow *v, const char *name)
{
	for (int i = 0; i < v->nnodes; i++)
		if (!strcmp(v->nodes[i], name))
			return;
	if (v->nnodes < (int)(sizeof(v->nodes) / sizeof(v->nodes[0])))
		v->nodes[v->nnodes++] = name;
}

/* The nodes a leg crosses: NVAs, gateways, sites, circuits, where it ends. */
static void leg_nodes(const struct topology *t, const struct rt_leg *l, struct vflow *v)
{
	for (int i = 0; i < l->nseg; i++) {
		const struct path *p = &l->seg[i].p;

		if (l->seg[i].start == RT_INTERNET)
			add_node(v, "internet");
		for (int k = 0; k < p->nhops; k++) {
			const struct hop *h = &p->hops[k];

			if (h->kind == HOP_SUBNET && h->vm >= 0)
				add_node(v, t->vms[h->vm].name);
			else if (h->kind == HOP_GATEWAY)
				add_node(v, t->gateways[h->where].name);
			else if (h->kind == HOP_SITE)
				add_node(v, t->sites[h->where].name);
			else if (h->kind == HOP_CIRCUIT)
				add_node(v, t->circuits[h->where].name);
		}
		if (p->result == PATH_DELIVERED && p->to_kind == TO_SITE)
			add_node(v, t->sites[p->to].name);
		if (p->result == PATH_DELIVERED && p->to_kind == TO_INTERNET)
			add_node(v, "internet");
	}
}

static void predict(const struct engine *e, struct vflow *v)
{
	static struct round_trip rt;	/* large: not on the stack */
	struct flow f = { v->from.ip, v->dst, v->probe.proto, v->probe.port };
	const char *why;

	round_trip(e, v->from.o, &f, &rt);
	v->delivered = rt.delivered;
	why = rt_reason_name(&rt);
	snprintf(v->predicted, sizeof(v->predicted), "%s%s%s%s%s",
		 rt.delivered ? "Delivered" : "Dropped", why ? ": " : "", why ? why : "",
		 rt.reason == RT_ASYMMETRIC ? " at " : "",
		 rt.reason == RT_ASYMMETRIC ? e->topo->vms[rt.nva].name : "");
	leg_nodes(e->topo, &rt.request, v);
	leg_nodes(e->topo, &rt.reply, v);
}

/* A flow's destination: a VM, site or Internet host by name, or an address. */
static int resolve_to(const struct verify *vr, const char *to, uint32_t *dst)
{
	const struct topology *t = &vr->s.topo;
	const char *node;
	const struct host *h;
	uint32_t src;

	for (int i = 0; i < vr->nends; i++)
		if (!strcmp(vr->ends[i].name, to)) {
			*dst = vr->ends[i].ip;
			return 0;
		}
	h = lab_host(t, to, &node, &src);
	if (h) {
		*dst = h->ip;
		return 0;
	}
	return ipv4_parse(to, dst) ? 0 : -1;
}

static int end_by_name(const struct verify *vr, const char *name)
{
	for (int i = 0; i < vr->nends; i++)
		if (!strcmp(vr->ends[i].name, name))
			return i;
	return -1;
}

static int flows_expected(struct verify *vr, const struct expectation *e, int n)
{
	const struct topology *t = &vr->s.topo;

	vr->flows = calloc((size_t)n + 1, sizeof(*vr->flows));
	if (!vr->flows)
		return EXIT_FAIL;
	for (int i = 0; i < n; i++) {
		struct vflow *v = &vr->flows[vr->n];
		int from = end_by_name(vr, e[i].from);

		if (from < 0 || resolve_to(vr, e[i].to, &v->dst)) {
			fprintf(stderr, "%s:%d:%d: error: %s '%s' is not a %s of %s\n",
				vr->s.o.topology, e[i].pos.line, e[i].pos.col,
				from < 0 ? "from" : "to", from < 0 ? e[i].from : e[i].to,
				from < 0 ? "VM or site host" : "VM, site or Internet host, or an address",
				t->name);
			return EXIT_USAGE;
		}
		v->from = vr->ends[from];
		v->to = e[i].to;
		v->probe = (struct rt_probe){ e[i].proto, (uint16_t)e[i].port };
		v->expect = &e[i];
		vr->n++;
	}
	return 0;
}

/* Every VM and site host to every other (site to site stays on-premises). */
static int flows_all(struct verify *vr)
{
	struct rt_probe probes[RT_MAX_PROBES];
	int np = rt_probes(&vr->s.topo, probes);

	vr->flows = calloc((size_t)vr->nends * (size_t)vr->nends * (size_t)np + 1,
			   sizeof(*vr->flows));
	if (!vr->flows)
		return EXIT_FAIL;
	for (int a = 0; a < vr->nends; a++)
		for (int b = 0; b < vr->nends; b++) {
			if (a == b || (vr->ends[a].o.is_site && vr->ends[b].o.is_site))
				continue;
			for (int k = 0; k < np; k++) {
				struct vflow *v = &vr->flows[vr->n++];

				v->from = vr->ends[a];
				v->to = vr->ends[b].name;
				v->dst = vr->ends[b].ip;
				v->probe = probes[k];
			}
		}
	return 0;
}

/* ---- the probes --------------------------------------------------------------------- */

/* The node answering dst: the owner of the address, else where the request ends. */
static void answering_netns(const struct verify *vr, const struct vflow *v, char *out)
{
	const struct topology *t = &vr->s.topo;

	out[0] = 0;
	for (int i = 0; i < vr->nends; i++)
		if (vr->ends[i].ip == v->dst) {
			const struct rt_end *e = &vr->ends[i];

			lab_netns_name(out, vr->lab, e->o.is_site ? LN_SITE : LN_VM,
				       e->o.is_site ? t->sites[e->o.index].name : t->vms[e->o.index].name);
			return;
		}
	for (int i = 0; i < t->ninternet_hosts; i++)
		if (t->internet_hosts[i].ip == v->dst) {
			lab_netns_name(out, vr->lab, LN_INTERNET, "internet");
			return;
		}
	for (int i = 0; i < v->nnodes; i++) {
		int s = topo_find_site(t, v->nodes[i]);

		if (s >= 0)	/* a default site answers for the Internet */
			lab_netns_name(out, vr->lab, LN_SITE, t->sites[s].name);
	}
}

static int make_probes(struct verify *vr)
{
	const struct topology *t = &vr->s.topo;

	vr->probes = calloc((size_t)vr->n + 1, sizeof(*vr->probes));
	vr->netns = calloc(2 * (size_t)vr->n + 1, sizeof(*vr->netns));
	if (!vr->probes || !vr->netns)
		return EXIT_FAIL;
	for (int i = 0; i < vr->n; i++) {
		struct vflow *v = &vr->flows[i];
		const struct rt_end *e = &v->from;
		char *src = vr->netns[2 * i], *dst = vr->netns[2 * i + 1];

		lab_netns_name(src, vr->lab, e->o.is_site ? LN_SITE : LN_VM,
			       e->o.is_site ? t->sites[e->o.index].name : t->vms[e->o.index].name);
		answering_netns(vr, v, dst);
		vr->probes[i] = (struct probe){ src, dst[0] ? dst : NULL, e->ip, v->dst,
						v->probe.proto, v->probe.port, false };
	}
	return 0;
}

/* ---- the report ---------------------------------------------------------------------- */

static bool crosses(const struct vflow *v, const char *node)
{
	for (int i = 0; i < v->nnodes; i++)
		if (!strcmp(v->nodes[i], node))
			return true;
	return false;
}

/* Whether the flow is as predicted (and expected); why not in *why. */
static bool judge(const struct vflow *v, bool observed, char *why, size_t len)
{
	const struct expectation *x = v->expect;

	why[0] = 0;
	if (observed != v->delivered)
		snprintf(why, len, "the lab %s it", observed ? "delivered" : "dropped");
	else if (x && x->delivered != observed)
		snprintf(why, len, "expected %s", x->delivered ? "Delivered" : "Dropped");
	for (int i = 0; x && !why[0] && i < x->nvia; i++)
		if (!crosses(v, x->via[i]))
			snprintf(why, len, "does not cross %s", x->via[i]);
	return !why[0];
}

/* "icmp", "tcp/443" */
static const char *probe_str(const struct rt_probe *p, char *buf, size_t len)
{
	if (p->proto == FW_ICMP)
		snprintf(buf, len, "icmp");
	else
		snprintf(buf, len, "%s/%u", p->proto == FW_TCP ? "tcp" : "udp", p->port);
	return buf;
}

static void print_flow(const struct vflow *v, bool observed, bool ok, const char *why)
{
	char flow[256], proto[16], via[512] = "";
	size_t at = 0;

	snprintf(flow, sizeof(flow), "%s -> %s", v->from.name, v->to);
	probe_str(&v->probe, proto, sizeof(proto));
	for (int i = 0; i < v->nnodes && at < sizeof(via); i++)
		at += (size_t)snprintf(via + at, sizeof(via) - at, "%s%s", i ? " " : "", v->nodes[i]);
	print_row_open();
	print_string(PRINT_FP, "verdict", NULL, ok ? "ok" : "MISMATCH");
	print_string(PRINT_FP, "flow", NULL, flow);
	print_string(PRINT_JSON, "from", NULL, v->from.name);
	print_string(PRINT_JSON, "to", NULL, v->to);
	print_string(PRINT_ANY, "protocol", NULL, proto);
	print_string(PRINT_ANY, "observed", NULL, observed ? "Delivered" : "Dropped");
	print_string(PRINT_ANY, "predicted", NULL, v->predicted);
	if (v->expect)
		print_string(PRINT_ANY, "expected", NULL, v->expect->delivered ? "Delivered" : "Dropped");
	else
		print_null(PRINT_JSON, "expected", NULL);
	print_string(PRINT_FP, "via", NULL, via);
	print_open_array("via");
	for (int i = 0; i < v->nnodes; i++)
		print_string(PRINT_JSON, NULL, NULL, v->nodes[i]);
	print_close_array();
	print_bool(PRINT_JSON, "ok", NULL, ok);
	if (!ok)
		print_string(PRINT_JSON, "mismatch", NULL, why);
	print_row_close();
}

static int report(const struct verify *vr)
{
	char why[128], proto[16];
	int bad = 0;

	print_start(vr->s.o.format);
	print_string(PRINT_JSON, "lab", NULL, vr->lab);
	print_table_open("flows", flow_cols, sizeof(flow_cols) / sizeof(flow_cols[0]));
	for (int i = 0; i < vr->n; i++) {
		bool ok = judge(&vr->flows[i], vr->probes[i].answered, why, sizeof(why));

		bad += !ok;
		print_flow(&vr->flows[i], vr->probes[i].answered, ok, why);
	}
	print_table_close();
	print_uint(PRINT_ANY, "total", "verify: %lu flows", (unsigned long)vr->n);
	print_uint(PRINT_ANY, "mismatches", ", %lu mismatches", (unsigned long)bad);
	for (int i = 0, shown = 0; i < vr->n && shown < 5; i++)
		if (!judge(&vr->flows[i], vr->probes[i].answered, why, sizeof(why))) {
			print_string(PRINT_FP, NULL, shown++ ? "; " : ": ", NULL);
			print_string(PRINT_FP, NULL, "%s", vr->flows[i].from.name);
			print_string(PRINT_FP, NULL, " -> %s ", vr->flows[i].to);
			print_string(PRINT_FP, NULL, "%s: ", probe_str(&vr->flows[i].probe, proto,
								     sizeof(proto)));
			print_string(PRINT_FP, NULL, "%s", why);
		}
	print_string(PRINT_FP, NULL, "\n", NULL);
	return verb_print_end(bad ? EXIT_FAIL : EXIT_OK);
}

static int run(struct verify *vr, const struct verify_opts *vo)
{
	struct expectation *e = NULL;
	struct diags d = { 0 };
	char why[256];
	int ne = 0, rc;

	vr->nends = rt_ends(&vr->s.topo, &vr->ends);
	if (vr->nends < 0)
		return EXIT_FAIL;
	if (vo->expect && expect_load(vo->expect, &e, &ne, &d))
		return verb_diagnostics(&d);
	rc = vo->expect ? flows_expected(vr, e, ne) : flows_all(vr);
	for (int i = 0; !rc && i < vr->n; i++)
		predict(&vr->s.eng, &vr->flows[i]);
	if (!rc)
		rc = make_probes(vr);
	if (!rc && probe_run(vr->probes, vr->n, PROBE_TIMEOUT_MS, why, sizeof(why))) {
		fprintf(stderr, "xvnet verify: %s\n", why);
		rc = EXIT_FAIL;
	}
	if (!rc)
		rc = report(vr);
	expect_free(e, ne);
	return rc;
}

static int cmd_verify(struct verb_opts *o)
{
	struct verify vr = { 0 };
	int rc = lab_select(o->lab, o->topology, vr.lab);

	if (rc)
		return rc;
	if (!o->lab)
		o->lab = vr.lab;
	rc = session_open(&vr.s, o);
	if (!rc)
		rc = run(&vr, o->own);
	session_close(&vr.s);
	free(vr.ends);
	free(vr.flows);
	free(vr.probes);
	free(vr.netns);
	return rc;
}
