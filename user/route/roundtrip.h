/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Round trips: a flow's request and its reply, each routed on its own as
 * Azure routes them (docs/routing.md, "Round trips"). Pure: built on the
 * engine's one-way path (engine_path()) and the topology, no I/O.
 *
 * A direction is a chain of one-way paths ("segments"). A new segment
 * starts where the packet changes: a firewall NVA translated its source
 * (source NAT), a firewall NVA passed a reply of a flow it tracks, the
 * Internet answered a translated flow, or an NVA reversed its translation
 * of the reply. Every routing decision in a segment is the engine's.
 */
#ifndef XVNET_ROUNDTRIP_H
#define XVNET_ROUNDTRIP_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "model.h"

/* How a segment began. */
enum rt_start {
	RT_SENT,	/* the requester (or, for the reply, the destination) sent it */
	RT_SNAT,	/* firewall NVA `nva` translated the source to its address */
	RT_TRACKED,	/* firewall NVA `nva` passed a reply of a flow it tracks */
	RT_INTERNET,	/* the Internet answered the public address of `nva`'s NIC */
	RT_UNNAT,	/* firewall NVA `nva` reversed its translation */
};

struct rt_segment {
	enum rt_start start;
	int nva;		/* the VM of start, -1 for RT_SENT */
	struct origin from;	/* where engine_path() starts (unused by RT_INTERNET) */
	struct flow f;		/* the packet as it travels this segment */
	struct path p;		/* RT_INTERNET: no hops, delivered to VM nva */
	bool tracked[PATH_MAX_HOPS]; /* the reply passed hop k's firewall NVA as tracked */
};

/* Why a direction (or the round trip) failed. */
enum rt_reason {
	RT_OK,
	RT_ENGINE,		/* the engine dropped it: see the last segment's path */
	RT_ASYMMETRIC,		/* AsymmetricRouting: a firewall NVA saw half the flow */
	RT_NO_SNAT,		/* NoSourceNat: an untranslated source reached the Internet */
};

#define RT_MAX_SEGMENTS 8

struct rt_leg {
	struct rt_segment seg[RT_MAX_SEGMENTS];
	int nseg;
	bool delivered;
	enum rt_reason reason;	/* when not delivered */
	int nva;		/* RT_ASYMMETRIC: the firewall NVA that drops; else -1 */
	uint32_t public_ip;	/* reaching the Internet: the public source; else 0 */
};

struct round_trip {
	struct rt_leg request, reply;
	bool delivered;		/* the reply came back to the requester */
	enum rt_reason reason;	/* when not: the failing direction's reason */
	enum drop_reason drop;	/* RT_ENGINE: the engine's reason */
	int nva;		/* RT_ASYMMETRIC: the firewall NVA that drops */
	bool reply_failed;	/* the reason is the reply's */
};

/*
 * Route f from `from` and back. The reply is the request's flow reversed
 * (destination port as given: a tracked flow's reply is matched by the
 * firewall NVAs, never by their rules).
 */
void round_trip(const struct engine *e, struct origin from, const struct flow *f,
		struct round_trip *rt);

/* The round trip's failure as a dropReason ("AsymmetricRouting", ...). */
const char *rt_reason_name(const struct round_trip *rt);
/* The last hop of a leg's segments, NULL when it has none. */
const struct path *rt_leg_last(const struct rt_leg *l);

/*
 * The public address the platform translates VM vm's own address to when
 * it reaches the Internet ("Internet egress is source-NATed", docs/routing.md):
 * one of the documentation ranges 198.51.100.0/24 then 192.0.2.0/24, then
 * the benchmarking range 198.18.0.0/15, in VM order, skipping the
 * topology's VNets, sites and Internet hosts; 0 when they run out.
 */
uint32_t rt_public_ip(const struct topology *t, int vm);
/* The same for VMs 0..n-1 at once, into ips[n]: one pass over the ranges. */
void rt_public_ips(const struct topology *t, uint32_t *ips, int n);
/* The addresses the ranges hold: at most that many VMs get one. */
#define RT_PUBLIC_IPS (2 * 254 + (1 << 17) - 2)
/* Whether VM vm's subnet has an Active Internet route: it may need a public address. */
bool rt_vm_needs_public_ip(const struct engine *e, int vm);
/* The first VM that needs a public address and gets none (the ranges ran out); -1: none. */
int rt_public_ips_short(const struct engine *e);

/* Private ranges (RFC 1918, RFC 6598): firewall snat Auto keeps them. */
extern const struct prefix rt_private[4];
bool rt_is_private(uint32_t addr);
/* Whether firewall fw translates the source of a forwarded flow to dst. */
bool rt_snat_applies(const struct firewall *fw, uint32_t dst);

/*
 * Whether VM vm hands packets to dst to the Internet itself (its subnet's
 * route for dst is Internet): then the platform translates its address.
 */
bool rt_vm_reaches_internet(const struct engine *e, int vm, uint32_t dst);

/* A flow worth probing: ICMP, or TCP/UDP on a port the firewalls name. */
struct rt_probe {
	enum fw_proto proto;
	uint16_t port;		/* 0 for ICMP */
};

#define RT_MAX_PROBES 32
/*
 * ICMP, then TCP and UDP on each port the firewall NVAs' rules name (the
 * first port of a range), TCP 80 when none names a TCP port. Returns the
 * count (at most RT_MAX_PROBES).
 */
int rt_probes(const struct topology *t, struct rt_probe out[RT_MAX_PROBES]);

/* One end of a probed flow: a VM, or a site's host. */
struct rt_end {
	struct origin o;
	int host;		/* a site's host index; -1 for a VM */
	uint32_t ip;
	const char *name;
};

/* Every VM and every site host, in topology order (malloc'ed); -1: ENOMEM. */
int rt_ends(const struct topology *t, struct rt_end **out);

/* An asymmetric flow found by rt_scan_asymmetric(). */
struct rt_finding {
	int from, to;		/* indices into the rt_ends() list */
	struct rt_probe probe;
	int nva;		/* the firewall NVA that sees half of it */
	bool saw_request;	/* it saw the request (the reply bypassed it), else the reply */
};

/*
 * Every flow between two ends (VM to VM, VM to site host and back) on
 * every probe, at most budget round trips: the asymmetric ones whose
 * request every firewall NVA allows. The first max are stored; returns
 * how many there are, -1 when out of memory. *partial: the budget ran out.
 */
long rt_scan_asymmetric(const struct engine *e, struct rt_finding *out, int max,
			long budget, bool *partial);

#endif
