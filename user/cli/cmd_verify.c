// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet verify: real packets in a running lab against the predictions of
 * `path --round-trip` (and a list of expected flows). The prediction is
 * round_trip()'s; the observation probe_run()'s (answered or not) and the
 * fabric's (verify_watch.h: the nodes that saw each flow, where it died);
 * this file pairs them and prints one line per flow.
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
#include "verify_watch.h"
#include "lib/l4.h"
#include "log.h"

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
		"is an error). While it probes, verify traces the lab's fabric and keys each\n"
		"frame to its probe: the nodes seen by each flow (VMs, NVAs, gateways, the\n"
		"Internet edge; a site is seen through its gateway) and where a dropped one\n"
		"died are observed and compared with the prediction too; a path it cannot\n"
		"observe (another trace running, events lost) is 'unobserved'. One line per\n"
		"flow, then a summary; exit 1 on any mismatch.\n",
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
	{ "via", "Via" }, { "seen", "Seen" }, { "why", "Why" },
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
	/* the same with a NIC on the fabric (VMs, gateways, the Internet edge), the source too */
	const char *fnodes[2 * PATH_MAX_HOPS * RT_MAX_SEGMENTS + 1];
	int nfnodes;
	const char *died;	/* predicted: the fabric node it dies in; NULL: none or not told */
	uint32_t nat;		/* the request's source after a firewall's source NAT; 0: none */
};

/* What the fabric saw of a flow. */
struct vseen {
	bool observed;		/* else why in unobserved */
	const char *unobserved;
	const char *nodes[OBS_MAX_NODES];
	int nnodes;
	const char *died;	/* NULL: did not die, or no frame */
	uint8_t drop;		/* the fabric's verdict there; XV_FWD: the node dropped it */
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
	struct verify_watch watch;
	struct vseen *seen;
};

/* ---- the flows ----------------------------------------------------------------- */

static void add_to(const char **list, int *n, int max, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(list[i], name))
			return;
	if (*n < max)
		list[(*n)++] = name;
}

#define ADD(v, arr, cnt, name) add_to((v)->arr, &(v)->cnt, (int)(sizeof((v)->arr) / sizeof((v)->arr[0])), name)

/* A node the flow crosses; on_fabric: it has a NIC there, the fabric sees it. */
static void add_node(struct vflow *v, const char *name, bool on_fabric)
{
	ADD(v, nodes, nnodes, name);
	if (on_fabric)
		ADD(v, fnodes, nfnodes, name);
}

/* The nodes a leg crosses: NVAs, gateways, sites, circuits, where it ends. */
static void leg_nodes(const struct topology *t, const struct rt_leg *l, struct vflow *v)
{
	for (int i = 0; i < l->nseg; i++) {
		const struct path *p = &l->seg[i].p;

		if (l->seg[i].start == RT_SNAT && !v->nat)
			v->nat = l->seg[i].f.src;
		if (l->seg[i].start == RT_INTERNET)
			add_node(v, "internet", true);
		for (int k = 0; k < p->nhops; k++) {
			const struct hop *h = &p->hops[k];

			if (h->kind == HOP_SUBNET && h->vm >= 0)
				add_node(v, t->vms[h->vm].name, true);
			else if (h->kind == HOP_GATEWAY)
				add_node(v, t->gateways[h->where].name, true);
			else if (h->kind == HOP_SITE)
				add_node(v, t->sites[h->where].name, false);
			else if (h->kind == HOP_CIRCUIT)
				add_node(v, t->circuits[h->where].name, false);
		}
		if (p->result == PATH_DELIVERED && p->to_kind == TO_SITE)
			add_node(v, t->sites[p->to].name, false);
		if (p->result == PATH_DELIVERED && p->to_kind == TO_INTERNET)
			add_node(v, "internet", true);
	}
}

/* The node a segment starts in, as the fabric sees it; NULL: not one of its. */
static const char *segment_start(const struct topology *t, const struct rt_segment *sg)
{
	if (sg->start == RT_INTERNET)
		return "internet";
	if (sg->start != RT_SENT)
		return t->vms[sg->nva].name;
	return sg->from.is_site ? NULL : t->vms[sg->from.index].name;
}

/*
 * Where a dropped leg dies, as the fabric sees it: the NVA whose firewall
 * denies it; the gateway in front of a gateway, site or circuit without a
 * route; else the node that sent it into the fabric's drop.
 */
static const char *leg_death(const struct topology *t, const struct rt_leg *l)
{
	const struct rt_segment *sg = l->nseg ? &l->seg[l->nseg - 1] : NULL;
	const struct path *p = sg ? &sg->p : NULL;
	int k = p ? p->nhops - 1 : -1;

	if (k < 0)
		return sg ? segment_start(t, sg) : NULL;
	if (p->drop == DROP_FIREWALL)
		return p->hops[k].vm >= 0 ? t->vms[p->hops[k].vm].name : NULL;
	for (int j = p->drop == DROP_NO_GATEWAY_ROUTE ? k : k - 1; j >= 0; j--) {
		const struct hop *h = &p->hops[j];

		if (h->kind == HOP_GATEWAY)
			return t->gateways[h->where].name;
		if (h->kind == HOP_SUBNET)
			return h->vm >= 0 ? t->vms[h->vm].name : NULL;
	}
	return segment_start(t, sg);
}

static void predict_death(const struct topology *t, const struct round_trip *rt, struct vflow *v)
{
	if (rt->delivered)
		v->died = NULL;
	else if (rt->reason == RT_ASYMMETRIC)
		v->died = t->vms[rt->nva].name;
	else if (rt->reason == RT_NO_SNAT)
		v->died = "internet";
	else if (rt->reason == RT_ENGINE)
		v->died = leg_death(t, rt->reply_failed ? &rt->reply : &rt->request);
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
	if (!v->from.o.is_site)		/* the sender's NIC is the first to see it */
		ADD(v, fnodes, nfnodes, v->from.name);
	leg_nodes(e->topo, &rt.request, v);
	leg_nodes(e->topo, &rt.reply, v);
	predict_death(e->topo, &rt, v);
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
						v->probe.proto, v->probe.port, false, 0 };
	}
	return 0;
}

/* ---- what the fabric saw ----------------------------------------------------------- */

static const uint8_t xv_proto[] = { [FW_TCP] = XV_PROTO_TCP, [FW_UDP] = XV_PROTO_UDP,
				    [FW_ICMP] = XV_PROTO_ICMP };

/* Probe i as its frames look on the fabric. */
static struct obs_probe obs_probe_of(const struct verify *vr, int i)
{
	const struct probe *p = &vr->probes[i];

	return (struct obs_probe){ xv_proto[p->proto], p->src, p->dst, p->sport,
				   p->proto == FW_ICMP ? 0 : p->port, vr->flows[i].nat };
}

static void see_one(const struct verify *vr, int i, const struct obs_flow *f, struct vseen *s)
{
	const struct verify_watch *w = &vr->watch;
	struct obs_result r;

	if (f->full) {
		s->unobserved = "more frames than verify keeps";
		return;
	}
	obs_build(f, vr->probes[i].answered, &r);
	for (int k = 0; k < r.nseen; k++) {
		const char *name = verify_watch_node(w, r.seen[k]);

		if (*name)
			add_to(s->nodes, &s->nnodes, OBS_MAX_NODES, name);
	}
	s->died = r.died >= 0 && *verify_watch_node(w, r.died) ? verify_watch_node(w, r.died) : NULL;
	s->drop = r.drop;
	s->observed = true;
}

/* Key the fabric's events to the probes: what each flow was seen by. */
static void see(struct verify *vr)
{
	struct obs_probe *op = xcalloc((size_t)vr->n + 1, sizeof(*op));
	struct obs_flow *of = xcalloc((size_t)vr->n + 1, sizeof(*of));
	bool observed;

	for (int i = 0; i < vr->n; i++)
		op[i] = obs_probe_of(vr, i);
	observed = verify_watch_flows(&vr->watch, op, vr->n, of);
	vr->seen = xcalloc((size_t)vr->n + 1, sizeof(*vr->seen));
	for (int i = 0; i < vr->n; i++) {
		vr->seen[i].unobserved = vr->watch.unobserved;
		if (observed)
			see_one(vr, i, &of[i], &vr->seen[i]);
	}
	free(op);
	free(of);
}

/* ---- the report ---------------------------------------------------------------------- */

enum vstatus { V_OK, V_MISMATCH, V_UNOBSERVED };

static bool in_list(const char *const *list, int n, const char *node)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i], node))
			return true;
	return false;
}

static bool crosses(const struct vflow *v, const char *node)
{
	return in_list(v->nodes, v->nnodes, node);
}

/* The nodes seen against the prediction's; why they differ in why. */
static bool judge_nodes(const struct vflow *v, const struct vseen *s, bool observed,
			char *why, size_t len)
{
	for (int i = 0; i < v->nfnodes; i++)
		if (!in_list(s->nodes, s->nnodes, v->fnodes[i])) {
			snprintf(why, len, "not seen by %s", v->fnodes[i]);
			return false;
		}
	for (int i = 0; i < s->nnodes; i++)
		if (!in_list(v->fnodes, v->nfnodes, s->nodes[i])) {
			snprintf(why, len, "seen by %s, not predicted", s->nodes[i]);
			return false;
		}
	if (!observed && v->died && s->died && strcmp(v->died, s->died)) {
		snprintf(why, len, "died at %s, predicted at %s", s->died, v->died);
		return false;
	}
	return true;
}

/* " at fw", " at app1 (NoneRoute)", "" */
static const char *death_str(const struct vseen *s, char *buf, size_t len)
{
	buf[0] = '\0';
	if (s->observed && s->died)
		snprintf(buf, len, " at %s%s%s%s", s->died, s->drop != XV_FWD ? " (" : "",
			 s->drop != XV_FWD ? fabric_verdict_name(s->drop) : "",
			 s->drop != XV_FWD ? ")" : "");
	return buf;
}

/*
 * Whether the flow is as predicted (and expected), its nodes as the
 * fabric saw them; why not in *why. Lost events make a node mismatch
 * unobserved: an observation with holes confirms, never refutes.
 */
static enum vstatus judge(const struct verify *vr, int i, bool observed, char *why, size_t len)
{
	const struct vflow *v = &vr->flows[i];
	const struct vseen *s = &vr->seen[i];
	const struct expectation *x = v->expect;
	char at[96];

	why[0] = 0;
	if (observed != v->delivered)
		snprintf(why, len, "the lab %s it%s", observed ? "delivered" : "dropped",
			 death_str(s, at, sizeof(at)));
	else if (x && x->delivered != observed)
		snprintf(why, len, "expected %s", x->delivered ? "Delivered" : "Dropped");
	for (int k = 0; x && !why[0] && k < x->nvia; k++)
		if (!crosses(v, x->via[k]))
			snprintf(why, len, "does not cross %s", x->via[k]);
	if (why[0])
		return V_MISMATCH;
	if (!s->observed) {
		snprintf(why, len, "unobserved: %s", s->unobserved ? s->unobserved : "no frames");
		return V_UNOBSERVED;
	}
	if (judge_nodes(v, s, observed, why, len))
		return V_OK;
	if (!verify_watch_lossy(&vr->watch))
		return V_MISMATCH;
	snprintf(why, len, "unobserved: %s", vr->watch.lost_why);
	return V_UNOBSERVED;
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

/* Names joined by a space, "-" for none. */
static const char *joined(const char *const *names, int n, char *buf, size_t len)
{
	size_t at = 0;

	snprintf(buf, len, "-");
	for (int i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? " " : "", names[i]);
	return buf;
}

static void print_nodes(const char *key, const char *const *names, int n)
{
	print_open_array(key);
	for (int i = 0; i < n; i++)
		print_string(PRINT_JSON, NULL, NULL, names[i]);
	print_close_array();
}

/* What the fabric saw: text column seen, JSON seen, diedAt, fabricDrop. */
static void print_seen(const struct vseen *s, bool observed)
{
	char buf[512];

	if (!s->observed) {
		print_string(PRINT_FP, "seen", NULL, "unobserved");
		print_null(PRINT_JSON, "seen", NULL);
		print_null(PRINT_JSON, "diedAt", NULL);
		print_null(PRINT_JSON, "fabricDrop", NULL);
		return;
	}
	print_string(PRINT_FP, "seen", NULL, joined(s->nodes, s->nnodes, buf, sizeof(buf)));
	print_nodes("seen", s->nodes, s->nnodes);
	if (!observed && s->died)
		print_string(PRINT_JSON, "diedAt", NULL, s->died);
	else
		print_null(PRINT_JSON, "diedAt", NULL);
	if (!observed && s->died && s->drop != XV_FWD)
		print_string(PRINT_JSON, "fabricDrop", NULL, fabric_verdict_name(s->drop));
	else
		print_null(PRINT_JSON, "fabricDrop", NULL);
}

static void print_flow(const struct verify *vr, int i, bool observed, enum vstatus st,
		       const char *why)
{
	static const char *const verdicts[] = { "ok", "MISMATCH", "unobserved" };
	const struct vflow *v = &vr->flows[i];
	char flow[256], proto[16], via[512], obs[128], at[96];

	snprintf(flow, sizeof(flow), "%s -> %s", v->from.name, v->to);
	snprintf(obs, sizeof(obs), "%s%s", observed ? "Delivered" : "Dropped",
		 observed ? "" : death_str(&vr->seen[i], at, sizeof(at)));
	print_row_open();
	print_string(PRINT_FP, "verdict", NULL, verdicts[st]);
	print_string(PRINT_FP, "flow", NULL, flow);
	print_string(PRINT_JSON, "from", NULL, v->from.name);
	print_string(PRINT_JSON, "to", NULL, v->to);
	print_string(PRINT_ANY, "protocol", NULL, probe_str(&v->probe, proto, sizeof(proto)));
	print_string(PRINT_FP, "observed", NULL, obs);
	print_string(PRINT_JSON, "observed", NULL, observed ? "Delivered" : "Dropped");
	print_string(PRINT_ANY, "predicted", NULL, v->predicted);
	if (v->expect)
		print_string(PRINT_ANY, "expected", NULL, v->expect->delivered ? "Delivered" : "Dropped");
	else
		print_null(PRINT_JSON, "expected", NULL);
	print_string(PRINT_FP, "via", NULL, joined(v->nodes, v->nnodes, via, sizeof(via)));
	print_nodes("via", v->nodes, v->nnodes);
	print_seen(&vr->seen[i], observed);
	print_string(PRINT_FP, "why", NULL, st == V_OK ? "" : why);
	print_bool(PRINT_JSON, "ok", NULL, st != V_MISMATCH);
	print_bool(PRINT_JSON, "observedPath", NULL, st != V_UNOBSERVED);
	if (st != V_OK)
		print_string(PRINT_JSON, st == V_MISMATCH ? "mismatch" : "unobserved", NULL, why);
	print_row_close();
}

/* The summary's tail: the first five mismatches. */
static void print_mismatches(const struct verify *vr)
{
	char why[160], proto[16];

	for (int i = 0, shown = 0; i < vr->n && shown < 5; i++) {
		if (judge(vr, i, vr->probes[i].answered, why, sizeof(why)) != V_MISMATCH)
			continue;
		print_string(PRINT_FP, NULL, shown++ ? "; " : ": ", NULL);
		print_string(PRINT_FP, NULL, "%s", vr->flows[i].from.name);
		print_string(PRINT_FP, NULL, " -> %s ", vr->flows[i].to);
		print_string(PRINT_FP, NULL, "%s: ", probe_str(&vr->flows[i].probe, proto,
							     sizeof(proto)));
		print_string(PRINT_FP, NULL, "%s", why);
	}
}

static int report(const struct verify *vr)
{
	char why[160];
	int bad = 0, unseen = 0;

	print_start(vr->s.o.format);
	print_string(PRINT_JSON, "lab", NULL, vr->lab);
	print_table_open("flows", flow_cols, sizeof(flow_cols) / sizeof(flow_cols[0]));
	for (int i = 0; i < vr->n; i++) {
		enum vstatus st = judge(vr, i, vr->probes[i].answered, why, sizeof(why));

		bad += st == V_MISMATCH;
		unseen += st == V_UNOBSERVED;
		print_flow(vr, i, vr->probes[i].answered, st, why);
	}
	print_table_close();
	print_uint(PRINT_ANY, "total", "verify: %lu flows", (unsigned long)vr->n);
	print_uint(PRINT_ANY, "mismatches", ", %lu mismatches", (unsigned long)bad);
	if (unseen)
		print_uint(PRINT_FP, NULL, ", %lu unobserved", (unsigned long)unseen);
	print_uint(PRINT_JSON, "unobserved", NULL, (unsigned long)unseen);
	print_mismatches(vr);
	print_string(PRINT_FP, NULL, "\n", NULL);
	return verb_print_end(bad ? EXIT_FAIL : EXIT_OK);
}

/* Probe, with the fabric watched, and key what it saw to the flows. */
static int probe_and_see(struct verify *vr)
{
	struct probe_watch pw;
	char why[256];
	int err;

	verify_watch_start(&vr->watch, &vr->s.o);
	verify_watch_fill(&pw, &vr->watch);
	err = probe_run(vr->probes, vr->n, PROBE_TIMEOUT_MS, &pw, why, sizeof(why));
	verify_watch_stop(&vr->watch);
	if (err) {
		fprintf(stderr, "xvnet verify: %s\n", why);
		return EXIT_FAIL;
	}
	see(vr);
	return 0;
}

static int run(struct verify *vr, const struct verify_opts *vo)
{
	struct expectation *e = NULL;
	struct diags d = { 0 };
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
	if (!rc)
		rc = probe_and_see(vr);
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
	free(vr.seen);
	verify_watch_free(&vr.watch);
	return rc;
}
