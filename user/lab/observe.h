/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fabric saw of each probe: its trace events (struct xv_event)
 * keyed to the probe they belong to, in both directions, and from them the
 * nodes that saw the flow and where it died. Pure: memory only; verify
 * (user/cli/cmd_verify.c) reads the events and names the NIC slots.
 *
 * Only nodes with a NIC on the fabric are seen: VMs (firewall NVAs too),
 * gateways and the Internet edge. A site or an ExpressRoute circuit sits
 * behind its gateway: its gateway stands for it.
 */
#ifndef XVNET_OBSERVE_H
#define XVNET_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "xvnet_abi.h"

/* A probe as its packets cross the fabric. Addresses in host byte order. */
struct obs_probe {
	uint8_t proto;		/* XV_PROTO_ICMP, _TCP or _UDP (bpf/lib/l4.h) */
	uint32_t src, dst;	/* the request's */
	uint16_t sport, dport;	/* TCP/UDP ports; ICMP: sport the echo id, dport 0 */
	uint32_t nat;		/* the request's source once a firewall translated it; 0: none */
};

/* One frame of a probe's flow: from NIC in, to NIC out (XV_NONE: none). */
struct obs_hop {
	uint32_t in, out;
	uint8_t verdict;	/* enum xv_verdict */
	uint32_t last;		/* the flow's frame count when it was last seen */
};

#define OBS_MAX_HOPS 24

/* The distinct frames of a flow, in the order the fabric handled them first. */
struct obs_flow {
	struct obs_hop hop[OBS_MAX_HOPS];
	int nhops;
	uint32_t frames;	/* frames seen, repeats too */
	bool full;		/* more distinct frames than OBS_MAX_HOPS */
};

/* Probes sorted by the part of their key every frame carries. */
struct obs_index {
	struct obs_slot {
		uint64_t key;
		int probe;
	} *slot;
	int n;
};

void obs_index_build(const struct obs_probe *p, int n, struct obs_index *ix);
void obs_index_free(struct obs_index *ix);

/*
 * The probe a traced frame belongs to: its request (source the probe's own
 * or its translation) or its reply (the reverse); -1: none of them.
 */
int obs_match(const struct obs_index *ix, const struct obs_probe *p, const struct xv_event *ev);

/* Record a frame of the flow (again: nothing new). */
void obs_add(struct obs_flow *f, const struct xv_event *ev);

#define OBS_MAX_NODES 16

/* What a flow's frames tell: who saw it, where it died. */
struct obs_result {
	int seen[OBS_MAX_NODES];	/* NIC slots, in the order they saw it, once each */
	int nseen;
	int died;		/* the slot it died at; -1: it did not (or no frame) */
	uint8_t drop;		/* the fabric's drop verdict there; XV_FWD: the node dropped it */
};

/*
 * Build the result of flow f. A node saw it when a frame came from or was
 * delivered to its NIC. Unless answered, it died where the fabric dropped
 * it (the sending NIC, with the verdict), else in a node nothing came
 * back out of after the last frame delivered to it: of several, the one
 * that stopped sending first (a TCP handshake's ACKs die in a firewall
 * while the replies around it keep coming). Nodes are NIC slots: two NICs of one node are told apart by
 * the caller's names.
 */
void obs_build(const struct obs_flow *f, bool answered, struct obs_result *out);

#endif
