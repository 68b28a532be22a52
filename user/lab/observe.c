// SPDX-License-Identifier: GPL-2.0
/*
 * Trace events to probes, and probes' frames to the nodes that saw them
 * (see observe.h). Pure.
 */
#include "observe.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "lib/l4.h"
#include "log.h"

/*
 * What every frame of a probe carries whichever way it goes and whatever
 * a firewall translated: the protocol, the far end's address and the two
 * ports (ICMP: the echo id), in the request's order.
 */
static uint64_t key_of(uint8_t proto, uint32_t far, uint16_t sport, uint16_t dport)
{
	uint64_t k = (uint64_t)proto << 56 ^ (uint64_t)far << 16 ^ sport ^ (uint64_t)dport << 40;

	k ^= k >> 29;
	k *= 0xbf58476d1ce4e5b9ull;
	return k ^ k >> 32;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct obs_slot *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

void obs_index_build(const struct obs_probe *p, int n, struct obs_index *ix)
{
	ix->slot = xcalloc((size_t)n + 1, sizeof(*ix->slot));
	ix->n = n;
	for (int i = 0; i < n; i++)
		ix->slot[i] = (struct obs_slot){ key_of(p[i].proto, p[i].dst, p[i].sport, p[i].dport), i };
	qsort(ix->slot, (size_t)n, sizeof(*ix->slot), slot_cmp);
}

void obs_index_free(struct obs_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->n = 0;
}

/* The first slot of key, or ix->n. */
static int lower_bound(const struct obs_index *ix, uint64_t key)
{
	int lo = 0, hi = ix->n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (ix->slot[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * A frame seen from the probe's side: far its far end, near the other,
 * ports in the request's order, and whether it is the reply.
 */
struct side {
	uint32_t far, near;
	uint16_t sport, dport;
};

/* The frame as a request and as a reply; false: it can be neither. */
static bool sides(const struct xv_event *ev, struct side *req, struct side *rep)
{
	uint32_t src = ntohl(ev->src), dst = ntohl(ev->dst);
	struct xv_l4 l4 = { ev->sport, ev->dport };

	if (ev->ethertype != 0x0800)
		return false;
	*req = (struct side){ dst, src, ev->sport, ev->dport };
	*rep = (struct side){ src, dst, ev->dport, ev->sport };
	if (ev->proto != XV_PROTO_ICMP)
		return ev->proto == XV_PROTO_TCP || ev->proto == XV_PROTO_UDP;
	/* ICMP: an echo request is only a request, its reply only a reply */
	req->sport = rep->sport = ev->sport;
	req->dport = rep->dport = 0;
	if (XV_L4_ICMP_TYPE(l4) == XV_ICMP_ECHO)
		rep->far = 0;
	else if (XV_L4_ICMP_TYPE(l4) == XV_ICMP_ECHO_REPLY)
		req->far = 0;
	else
		return false;
	return true;
}

static bool is_mine(const struct obs_probe *p, const struct side *s)
{
	return p->dst == s->far && p->sport == s->sport && p->dport == s->dport &&
	       (s->near == p->src || (p->nat && s->near == p->nat));
}

static int find(const struct obs_index *ix, const struct obs_probe *p, uint8_t proto,
		const struct side *s)
{
	uint64_t key = key_of(proto, s->far, s->sport, s->dport);

	if (!s->far)
		return -1;
	for (int i = lower_bound(ix, key); i < ix->n && ix->slot[i].key == key; i++) {
		const struct obs_probe *q = &p[ix->slot[i].probe];

		if (q->proto == proto && is_mine(q, s))
			return ix->slot[i].probe;
	}
	return -1;
}

int obs_match(const struct obs_index *ix, const struct obs_probe *p, const struct xv_event *ev)
{
	struct side req, rep;
	int i;

	if (!sides(ev, &req, &rep))
		return -1;
	i = find(ix, p, ev->proto, &req);
	return i >= 0 ? i : find(ix, p, ev->proto, &rep);
}

void obs_add(struct obs_flow *f, const struct xv_event *ev)
{
	struct obs_hop h = { ev->in, ev->verdict == XV_FWD ? ev->out : XV_NONE, ev->verdict,
			     ++f->frames };

	for (int i = 0; i < f->nhops; i++)
		if (f->hop[i].in == h.in && f->hop[i].out == h.out && f->hop[i].verdict == h.verdict) {
			f->hop[i].last = h.last;
			return;
		}
	if (f->nhops < OBS_MAX_HOPS)
		f->hop[f->nhops++] = h;
	else
		f->full = true;
}

static void saw(struct obs_result *r, uint32_t slot)
{
	if (slot == XV_NONE)
		return;
	for (int i = 0; i < r->nseen; i++)
		if (r->seen[i] == (int)slot)
			return;
	if (r->nseen < OBS_MAX_NODES)
		r->seen[r->nseen++] = (int)slot;
}

/* When a frame of f last came from (out: was delivered to) NIC slot; 0: never. */
static uint32_t last_at(const struct obs_flow *f, uint32_t slot, bool out)
{
	uint32_t last = 0;

	for (int i = 0; i < f->nhops; i++)
		if ((out ? f->hop[i].out : f->hop[i].in) == slot && f->hop[i].last > last)
			last = f->hop[i].last;
	return last;
}

/*
 * The node that kept the flow: frames delivered to it after the last one
 * came out of it; of several, the one that stopped sending first.
 */
static int kept_by(const struct obs_flow *f)
{
	uint32_t stopped = UINT32_MAX;
	int died = -1;

	for (int i = 0; i < f->nhops; i++) {
		uint32_t x = f->hop[i].out, out;

		if (x == XV_NONE)
			continue;
		out = last_at(f, x, false);
		if (last_at(f, x, true) > out && out < stopped) {
			stopped = out;
			died = (int)x;
		}
	}
	return died;
}

void obs_build(const struct obs_flow *f, bool answered, struct obs_result *out)
{
	const struct obs_hop *drop = NULL;

	memset(out, 0, sizeof(*out));
	out->died = -1;
	for (int i = 0; i < f->nhops; i++) {
		saw(out, f->hop[i].in);
		saw(out, f->hop[i].out);
		if (f->hop[i].verdict != XV_FWD && (!drop || f->hop[i].last > drop->last))
			drop = &f->hop[i];	/* the fabric dropped it there */
	}
	if (answered)
		return;
	out->drop = drop ? drop->verdict : XV_FWD;
	out->died = drop ? (int)drop->in : kept_by(f);
}
