// SPDX-License-Identifier: GPL-2.0
/*
 * Round trips (see roundtrip.h): the request and the reply of a flow, each
 * a chain of the engine's one-way paths, cut where a firewall NVA or the
 * Internet changes the packet. Pure.
 *
 * The rules (docs/routing.md, "Round trips"):
 * - Internet egress is source-NATed: a firewall NVA translates forwarded
 *   flows to its own address per its `snat` setting; a VM reaching the
 *   Internet itself is translated to a public address of its own; the
 *   Internet answers translated flows only, to the NIC owning the
 *   translation (NoSourceNat otherwise).
 * - The reply is routed on its own from where the request arrived (a VM's
 *   subnet routes, a site's learned routes, the GatewaySubnet's routes when
 *   it enters the VNet through a gateway), through the same translations.
 * - Firewall NVAs are stateful: one that saw the request passes the reply
 *   whatever its rules say; one that sees a reply without its request
 *   drops it (a TCP SYN-ACK, an ICMP echo reply: AsymmetricRouting; a UDP
 *   reply is a new flow to it, judged by its rules); a TCP flow whose
 *   reply bypasses an NVA that saw the request dies there too: the NVA
 *   drops the rest of the handshake.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "roundtrip.h"

const struct prefix rt_private[4] = {
	{ 0x0a000000, 8 },	/* 10.0.0.0/8 */
	{ 0xac100000, 12 },	/* 172.16.0.0/12 */
	{ 0xc0a80000, 16 },	/* 192.168.0.0/16 */
	{ 0x64400000, 10 },	/* 100.64.0.0/10 (RFC 6598) */
};

bool rt_is_private(uint32_t addr)
{
	for (size_t i = 0; i < sizeof(rt_private) / sizeof(rt_private[0]); i++)
		if (prefix_has(rt_private[i], addr))
			return true;
	return false;
}

/* Internet egress is source-NATed: Auto translates flows to public destinations, as Azure Firewall. */
bool rt_snat_applies(const struct firewall *fw, uint32_t dst)
{
	switch (fw->snat) {
	case FW_SNAT_ALWAYS:
		return true;
	case FW_SNAT_NEVER:
		return false;
	case FW_SNAT_AUTO:
		break;
	}
	return !rt_is_private(dst);
}

bool rt_vm_reaches_internet(const struct engine *e, int vm, uint32_t dst)
{
	struct eff_route tmp;
	const struct eff_route *r = engine_lookup(e, e->topo->vms[vm].subnet, dst, &tmp);

	return r && r->type == NH_INTERNET;
}

/*
 * Where the platform's public addresses come from: documentation and
 * benchmarking ranges only, never real public space. TEST-NET-2, TEST-NET-1
 * (both /24: hosts .1 to .254), then 198.18.0.0/15 (RFC 2544).
 */
static const struct prefix public_pools[] = {
	{ 0xc6336400, 24 },	/* 198.51.100.0/24 */
	{ 0xc0000200, 24 },	/* 192.0.2.0/24 */
	{ 0xc6120000, 15 },	/* 198.18.0.0/15 */
};

#define NPOOLS (sizeof(public_pools) / sizeof(public_pools[0]))

/* Keep p in taken[] when it overlaps a pool. */
static void take(struct prefix *taken, int *n, struct prefix p)
{
	for (size_t k = 0; k < NPOOLS; k++)
		if (prefix_overlaps(p, public_pools[k])) {
			taken[(*n)++] = p;
			return;
		}
}

/* The topology's prefixes overlapping a pool: VNets, sites, Internet hosts (malloc'ed). */
static struct prefix *pool_taken(const struct topology *t, int *n)
{
	int max = t->ninternet_hosts + 1;
	struct prefix *taken;

	for (int v = 0; v < t->nvnets; v++)
		max += t->vnets[v].nspace;
	for (int s = 0; s < t->nsites; s++)
		max += t->sites[s].nspace;
	taken = xmalloc(sizeof(*taken) * (size_t)max);
	*n = 0;
	for (int v = 0; v < t->nvnets; v++)
		for (int i = 0; i < t->vnets[v].nspace; i++)
			take(taken, n, t->vnets[v].space[i]);
	for (int s = 0; s < t->nsites; s++)
		for (int i = 0; i < t->sites[s].nspace; i++)
			take(taken, n, t->sites[s].space[i]);
	for (int i = 0; i < t->ninternet_hosts; i++)
		take(taken, n, (struct prefix){ t->internet_hosts[i].ip, 32 });
	return taken;
}

static bool is_taken(const struct prefix *taken, int n, uint32_t addr)
{
	for (int i = 0; i < n; i++)
		if (prefix_has(taken[i], addr))
			return true;
	return false;
}

void rt_public_ips(const struct topology *t, uint32_t *ips, int n)
{
	int ntaken, k = 0;
	struct prefix *taken = pool_taken(t, &ntaken);

	for (size_t p = 0; p < NPOOLS && k < n; p++) {
		uint32_t last = prefix_last(public_pools[p]);

		for (uint32_t a = public_pools[p].addr + 1; a < last && k < n; a++)
			if (!is_taken(taken, ntaken, a))
				ips[k++] = a;
	}
	free(taken);
	while (k < n)
		ips[k++] = 0;
}

uint32_t rt_public_ip(const struct topology *t, int vm)
{
	uint32_t *ips, ip;

	if (vm < 0 || vm >= RT_PUBLIC_IPS)
		return 0;
	ips = xmalloc(sizeof(*ips) * (size_t)(vm + 1));
	rt_public_ips(t, ips, vm + 1);
	ip = ips[vm];
	free(ips);
	return ip;
}

bool rt_vm_needs_public_ip(const struct engine *e, int vm)
{
	const struct route_set *rs = &e->sets[e->topo->vms[vm].subnet];

	for (int i = 0; i < rs->nown; i++)
		if (rs->own[i].active && rs->own[i].type == NH_INTERNET)
			return true;
	return false;
}

int rt_public_ips_short(const struct engine *e)
{
	const struct topology *t = e->topo;
	int n = t->nvms, vm = -1;
	uint32_t *ips;

	if (!n)
		return -1;
	ips = xmalloc(sizeof(*ips) * (size_t)n);
	rt_public_ips(t, ips, n);
	for (int v = 0; v < n && vm < 0; v++)
		if (!ips[v] && rt_vm_needs_public_ip(e, v))
			vm = v;
	free(ips);
	return vm;
}

/* ---- one direction ---------------------------------------------------- */

struct nat {
	int nva;
	uint32_t src;	/* the source before the NVA translated it */
};

struct walker {
	const struct engine *e;
	const struct topology *t;
	struct nat nats[RT_MAX_SEGMENTS];
	int nnats;
	int nvas[PATH_MAX_HOPS * RT_MAX_SEGMENTS]; /* firewall NVAs the request crossed */
	bool seen[PATH_MAX_HOPS * RT_MAX_SEGMENTS]; /* ... and the reply met */
	int nnvas;
	bool full;	/* a leg ran out of segments: translations in a loop */
};

static struct rt_segment *seg_add(struct walker *w, struct rt_leg *l,
				  enum rt_start start, int nva,
				  struct origin from, struct flow f)
{
	struct rt_segment *s;

	if (l->nseg == RT_MAX_SEGMENTS) {
		w->full = true;
		return NULL;
	}
	s = &l->seg[l->nseg++];
	memset(s, 0, sizeof(*s));
	s->start = start;
	s->nva = nva;
	s->from = from;
	s->f = f;
	return s;
}

static struct origin at_vm(int vm)
{
	return (struct origin){ .is_site = false, .index = vm };
}

/* End a segment at hop k, handed to VM vm (which carries on). */
static void cut(struct path *p, int k, int vm)
{
	p->nhops = k + 1;
	p->result = PATH_DELIVERED;
	p->to_kind = TO_VM;
	p->to = vm;
}

/* The firewall NVA forwarding the packet at hop k of p, else -1. */
static int firewall_at(const struct topology *t, const struct path *p, int k)
{
	const struct hop *h = &p->hops[k];
	bool forwarded = k + 1 < p->nhops ||
			 (p->result == PATH_DROPPED && p->drop == DROP_FIREWALL);

	if (h->kind != HOP_SUBNET || h->vm < 0 || !forwarded)
		return -1;
	return t->vms[h->vm].firewall ? h->vm : -1;
}

static bool fail(struct rt_leg *l, enum rt_reason r, int nva)
{
	l->delivered = false;
	l->reason = r;
	l->nva = nva;
	return false;
}

static void leg_init(struct rt_leg *l)
{
	memset(l, 0, sizeof(*l));
	l->nva = -1;
}

/* Out of segments: translations in a loop. */
static void too_long(struct rt_leg *l)
{
	struct path *p = &l->seg[l->nseg - 1].p;

	p->result = PATH_DROPPED;
	p->drop = DROP_LOOP;
	fail(l, RT_ENGINE, -1);
}

/*
 * The NIC that handed the packet of segment s to the Internet: the one
 * whose subnet's route was Internet, i.e. the segment's first sender or
 * the NVA of the hop before.
 */
static int internet_sender(const struct rt_segment *s)
{
	int k = s->p.nhops - 1;

	if (k > 0)
		return s->p.hops[k - 1].vm;
	return s->from.is_site || s->from.is_gateway ? -1 : s->from.index;
}

/* The request's Internet edge: translated flows only ("Internet egress is source-NATed", docs/routing.md). */
static bool request_internet(struct walker *w, struct rt_leg *l)
{
	const struct rt_segment *s = &l->seg[l->nseg - 1];
	int vm = internet_sender(s);

	if (vm < 0 || w->t->vms[vm].ip != s->f.src || !rt_public_ip(w->t, vm))
		return fail(l, RT_NO_SNAT, -1);
	l->public_ip = rt_public_ip(w->t, vm);
	l->delivered = true;
	return true;
}

static void note_crossed(struct walker *w, int vm)
{
	for (int i = 0; i < w->nnvas; i++)
		if (w->nvas[i] == vm)
			return;
	if (w->nnvas < PATH_MAX_HOPS * RT_MAX_SEGMENTS)
		w->nvas[w->nnvas++] = vm;
}

/*
 * The request: engine_path(), and again from each firewall NVA that
 * translates the source, as the NVA's own packet.
 */
static void request(struct walker *w, struct origin from, const struct flow *f,
		    struct rt_leg *l)
{
	struct rt_segment *s = seg_add(w, l, RT_SENT, -1, from, *f), *next;

	for (;;) {
		struct path *p = &s->p;
		int k, nva = -1;

		engine_path(w->e, s->from, &s->f, p);
		for (k = 0; k < p->nhops && nva < 0; k++) {
			nva = firewall_at(w->t, p, k);
			if (nva < 0)
				continue;
			note_crossed(w, nva);
			if (k + 1 == p->nhops ||
			    !rt_snat_applies(w->t->vms[nva].firewall, s->f.dst) ||
			    s->f.src == w->t->vms[nva].ip)
				nva = -1;
		}
		if (nva < 0)
			break;
		next = seg_add(w, l, RT_SNAT, nva, at_vm(nva),
			       (struct flow){ w->t->vms[nva].ip, s->f.dst,
					      s->f.proto, s->f.dport });
		if (!next) {
			too_long(l);
			return;
		}
		cut(p, k - 1, nva);
		w->nats[w->nnats++] = (struct nat){ nva, s->f.src };
		s = next;
	}
	if (s->p.result == PATH_DROPPED) {
		fail(l, RT_ENGINE, -1);
		return;
	}
	if (s->p.to_kind == TO_INTERNET) {
		request_internet(w, l);
		return;
	}
	l->delivered = true;
}

static int crossed_index(const struct walker *w, int vm)
{
	for (int i = 0; i < w->nnvas; i++)
		if (w->nvas[i] == vm)
			return i;
	return -1;
}

/*
 * Stateful NVAs on the reply's segment s: one the request crossed passes
 * it (a new segment from there when its rules would have dropped it); one
 * it did not cross sees half a flow. Returns the next segment, or NULL
 * when the reply is dropped or the segment ran its course (*done).
 */
static struct rt_segment *reply_nvas(struct walker *w, struct rt_leg *l,
				     struct rt_segment *s, bool *done)
{
	struct path *p = &s->p;

	*done = false;
	for (int k = 0; k < p->nhops; k++) {
		int nva = firewall_at(w->t, p, k), i;
		bool denied = k + 1 == p->nhops && p->result == PATH_DROPPED;

		if (nva < 0)
			continue;
		i = crossed_index(w, nva);
		if (i >= 0) {
			w->seen[i] = true;
			s->tracked[k] = true;
			if (!denied)
				continue;
			cut(p, k, nva);
			return seg_add(w, l, RT_TRACKED, nva, at_vm(nva), s->f);
		}
		/* Firewall NVAs are stateful: a reply its NVA never saw the request of */
		if (s->f.proto == FW_UDP && !denied)
			continue;
		cut(p, k, nva);
		p->result = PATH_DROPPED;
		p->drop = DROP_FIREWALL;
		fail(l, RT_ASYMMETRIC, nva);
		*done = true;
		return NULL;
	}
	return NULL;
}

/* The reply reached VM vm: an NVA holding a translation reverses it. */
static struct rt_segment *reply_unnat(struct walker *w, struct rt_leg *l,
				      const struct rt_segment *s)
{
	const struct path *p = &s->p;
	struct flow f = s->f;
	int i;

	if (p->result != PATH_DELIVERED || p->to_kind != TO_VM || !w->nnats ||
	    w->nats[w->nnats - 1].nva != p->to)
		return NULL;
	f.dst = w->nats[--w->nnats].src;
	i = crossed_index(w, p->to);
	if (i >= 0)
		w->seen[i] = true;
	return seg_add(w, l, RT_UNNAT, p->to, at_vm(p->to), f);
}

/* Where the reply starts: where the request ended, as its flow reversed. */
static struct rt_segment *reply_start(struct walker *w, const struct rt_leg *req,
				      struct rt_leg *l)
{
	const struct rt_segment *last = &req->seg[req->nseg - 1];
	const struct path *p = &last->p;
	struct flow f = { last->f.dst, last->f.src, last->f.proto, last->f.dport };
	struct rt_segment *s;
	int vm;

	switch (p->to_kind) {
	case TO_VM:
		return seg_add(w, l, RT_SENT, -1, at_vm(p->to), f);
	case TO_SITE:
		return seg_add(w, l, RT_SENT, -1,
			       (struct origin){ .is_site = true, .index = p->to }, f);
	case TO_GATEWAY:	/* Gateway's own address: the gateway answers */
		return seg_add(w, l, RT_SENT, -1,
			       (struct origin){ .is_gateway = true, .index = p->to }, f);
	case TO_INTERNET:
		/* answered to the public address: straight to its NIC */
		vm = internet_sender(last);
		s = seg_add(w, l, RT_INTERNET, vm, at_vm(vm), f);
		s->p.result = PATH_DELIVERED;
		s->p.to_kind = TO_VM;
		s->p.to = vm;
		return s;
	default:
		return NULL;
	}
}

static bool reached(struct origin from, const struct path *p)
{
	if (p->result != PATH_DELIVERED)
		return false;
	if (from.is_site)
		return p->to_kind == TO_SITE && p->to == from.index;
	return p->to_kind == TO_VM && p->to == from.index;
}

static void reply(struct walker *w, struct origin from, const struct rt_leg *req,
		  struct rt_leg *l)
{
	struct rt_segment *s = reply_start(w, req, l), *next;
	bool done;

	if (!s)		/* none: a delivered request ends at a VM, a site, a gateway or the Internet */
		return;
	for (;;) {
		if (s->start != RT_INTERNET)
			engine_path(w->e, s->from, &s->f, &s->p);
		next = reply_nvas(w, l, s, &done);
		if (done)
			return;
		if (!next && !w->full)
			next = reply_unnat(w, l, s);
		if (!next)
			break;
		s = next;
	}
	if (w->full) {
		too_long(l);
		return;
	}
	if (reached(from, &s->p)) {
		l->delivered = true;
		return;
	}
	if (s->p.result == PATH_DELIVERED) {	/* someone else owns the address */
		s->p.result = PATH_DROPPED;
		s->p.drop = DROP_NO_OWNER;
	}
	fail(l, RT_ENGINE, -1);
}

const struct path *rt_leg_last(const struct rt_leg *l)
{
	return l->nseg ? &l->seg[l->nseg - 1].p : NULL;
}

static void conclude(struct round_trip *rt, const struct walker *w,
		     const struct flow *f)
{
	const struct rt_leg *l = !rt->request.delivered ? &rt->request : &rt->reply;

	rt->delivered = rt->request.delivered && rt->reply.delivered;
	rt->reply_failed = rt->request.delivered;
	rt->reason = rt->delivered ? RT_OK : l->reason;
	rt->nva = l->nva;
	if (rt->reason == RT_ENGINE)
		rt->drop = rt_leg_last(l)->drop;
	if (!rt->delivered || f->proto != FW_TCP)
		return;
	/* a TCP handshake's last packet meets the NVA the reply bypassed */
	for (int i = 0; i < w->nnvas; i++) {
		if (w->seen[i])
			continue;
		rt->delivered = false;
		rt->reason = RT_ASYMMETRIC;
		rt->nva = w->nvas[i];
		return;
	}
}

void round_trip(const struct engine *e, struct origin from, const struct flow *f,
		struct round_trip *rt)
{
	struct walker w = { 0 };

	memset(rt, 0, sizeof(*rt));
	w.e = e;
	w.t = e->topo;
	leg_init(&rt->request);
	leg_init(&rt->reply);
	rt->nva = -1;
	request(&w, from, f, &rt->request);
	if (rt->request.delivered)
		reply(&w, from, &rt->request, &rt->reply);
	conclude(rt, &w, f);
}

const char *rt_reason_name(const struct round_trip *rt)
{
	switch (rt->reason) {
	case RT_OK:
		return NULL;
	case RT_ENGINE:
		return drop_reason_name(rt->drop);
	case RT_ASYMMETRIC:
		return "AsymmetricRouting";
	case RT_NO_SNAT:
		return "NoSourceNat";
	}
	return "Unknown";
}

/* ---- flows to probe ---------------------------------------------------- */

static int probe_add(struct rt_probe *out, int n, enum fw_proto proto, uint16_t port)
{
	for (int i = 0; i < n; i++)
		if (out[i].proto == proto && out[i].port == port)
			return n;
	if (n == RT_MAX_PROBES)
		return n;
	out[n] = (struct rt_probe){ proto, port };
	return n + 1;
}

int rt_probes(const struct topology *t, struct rt_probe out[RT_MAX_PROBES])
{
	int n = probe_add(out, 0, FW_ICMP, 0);
	bool tcp = false;

	for (int v = 0; v < t->nvms; v++) {
		const struct firewall *fw = t->vms[v].firewall;

		for (int i = 0; fw && i < fw->nrules; i++) {
			const struct fw_rule *r = &fw->rules[i];

			for (int k = 0; k < r->nports; k++) {
				if (r->protocol != FW_UDP) {
					n = probe_add(out, n, FW_TCP, r->ports[k].lo);
					tcp = true;
				}
				if (r->protocol != FW_TCP)
					n = probe_add(out, n, FW_UDP, r->ports[k].lo);
			}
		}
	}
	return tcp ? n : probe_add(out, n, FW_TCP, 80);
}

int rt_ends(const struct topology *t, struct rt_end **out)
{
	int n = t->nvms;

	for (int s = 0; s < t->nsites; s++)
		n += t->sites[s].nhosts;
	*out = calloc(n ? (size_t)n : 1, sizeof(**out));
	if (!*out)
		return -1;
	n = 0;
	for (int v = 0; v < t->nvms; v++)
		(*out)[n++] = (struct rt_end){ { .index = v }, -1, t->vms[v].ip, t->vms[v].name };
	for (int s = 0; s < t->nsites; s++)
		for (int h = 0; h < t->sites[s].nhosts; h++)
			(*out)[n++] = (struct rt_end){ { .is_site = true, .index = s }, h, t->sites[s].hosts[h].ip,
						       t->sites[s].hosts[h].name };
	return n;
}

long rt_scan_asymmetric(const struct engine *e, struct rt_finding *out, int max,
			long budget, bool *partial)
{
	struct rt_probe probes[RT_MAX_PROBES];
	int nprobes = rt_probes(e->topo, probes);
	struct round_trip *rt = malloc(sizeof(*rt));
	struct rt_end *ends;
	int nends = rt_ends(e->topo, &ends);
	long found = 0;

	*partial = false;
	if (!rt || nends < 0) {
		free(rt);
		return -1;
	}
	for (int a = 0; a < nends; a++) {
		for (int b = 0; b < nends; b++) {
			/* site hosts reach each other without Azure */
			if (a == b || (ends[a].o.is_site && ends[b].o.is_site))
				continue;
			for (int i = 0; i < nprobes; i++) {
				struct flow f = { ends[a].ip, ends[b].ip, probes[i].proto, probes[i].port };

				if (budget-- <= 0) {
					*partial = true;
					goto out;
				}
				round_trip(e, ends[a].o, &f, rt);
				if (rt->reason != RT_ASYMMETRIC)
					continue;
				if (found < max)
					out[found] = (struct rt_finding){ a, b, probes[i], rt->nva,
								   rt->reply.delivered };
				found++;
			}
		}
	}
out:
	free(rt);
	free(ends);
	return found;
}
