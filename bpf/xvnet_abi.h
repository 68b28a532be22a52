/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one ABI between the XDP fabric (bpf/) and user space (user/): map
 * keys and values, verdicts and counters. UAPI types only. docs/dataplane.md
 * explains how the maps fit together.
 */
#ifndef XVNET_ABI_H
#define XVNET_ABI_H

#include <linux/types.h>

/* Azure answers every ARP request with this MAC, and so does the fabric. */
#define XV_FABRIC_MAC { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc }

/* "No such thing" in the u32 fields below. */
#define XV_NONE 0xffffffffu

/*
 * What the fabric did with a frame. XV_FWD and XV_ARP_REPLY are the two
 * good outcomes; every other value is a counted drop reason.
 */
enum xv_verdict {
	XV_FWD,			/* redirected to the next hop's NIC */
	XV_ARP_REPLY,		/* ARP request answered with XV_FABRIC_MAC (XDP_TX) */
	/* Azure's rules (mirror the route engine's drop reasons) */
	XV_DROP_NONE_ROUTE,	/* effective route with next hop None */
	XV_DROP_NO_OWNER,	/* no NIC owns the destination in that VNet */
	XV_DROP_SRC_NOT_OWN,	/* source not the NIC's own, no enableIpForwarding */
	XV_DROP_DST_NOT_OWN,	/* destination not the receiver's own, no enableIpForwarding */
	XV_DROP_PEERING_ACCESS,	/* peering with allowVirtualNetworkAccess false */
	XV_DROP_FORWARDED,	/* forwarded traffic, receiver lacks allowForwardedTraffic */
	XV_DROP_NVA_UNREACHABLE,/* VirtualAppliance IP owned by no NIC in reach */
	XV_DROP_NO_GATEWAY,	/* VirtualNetworkGateway next hop, but no gateway */
	XV_DROP_LOOP,		/* next hop is the sending NIC itself */
	/* frames the fabric does not model */
	XV_DROP_SHORT,		/* shorter than the headers it needs (eth, ARP, IPv4) */
	XV_DROP_BAD_IPV4,	/* IPv4 version != 4, IHL < 5 or total length inconsistent */
	XV_DROP_TRUNCATED,	/* IPv4 total length beyond the frame */
	XV_DROP_IPV6,		/* IPv6: not modelled */
	XV_DROP_VLAN,		/* 802.1Q / 802.1ad tagged */
	XV_DROP_ETHERTYPE,	/* neither ARP nor IPv4 */
	XV_DROP_ARP,		/* ARP that is not a plain IPv4-over-Ethernet request */
	XV_DROP_L2_DST,		/* IPv4 not addressed to XV_FABRIC_MAC (multicast, broadcast) */
	XV_DROP_NOT_NIC,	/* arrived on an interface that is no NIC, or no tables yet */
	XV_DROP_REDIRECT,	/* devmap slot empty */
	XV_VERDICT__COUNT
};

/* NIC kinds (struct xv_nic.kind and the loader's inventory). */
enum xv_nic_kind {
	XV_NIC_VM,		/* a VM or firewall NVA */
	XV_NIC_GATEWAY,		/* a VPN/ExpressRoute gateway's NIC in GatewaySubnet */
	XV_NIC_INTERNET,	/* the Internet edge */
};

/* struct xv_nic.flags */
#define XV_NIC_F_FORWARDING	(1u << 0) /* enableIpForwarding, or a gateway / Internet edge */
#define XV_NIC_F_GATEWAY	(1u << 1) /* relays without making traffic "forwarded" (A8) */
#define XV_NIC_F_INTERNET	(1u << 2) /* outside every VNet: no peering checks */

/* One NIC, indexed by its slot (the index the loader was given it at). */
struct xv_nic {
	__u32 ip;		/* own address, network byte order; 0: none */
	__u32 vnet;		/* VNet index, XV_NONE for the Internet edge */
	__u32 table;		/* route table id of its subnet */
	__u32 gwset;		/* gateway set id, XV_NONE: no gateway routes */
	__u32 gw_nic;		/* slot of that gateway set's gateway, XV_NONE: none */
	__u32 gw_hits;		/* hit counter of that gateway set's routes */
	__u32 space;		/* table id of its VNet's address space */
	__u32 flags;		/* XV_NIC_F_* */
	__u32 peer_row;		/* vnet * nvnets: its row of the peering matrix */
	__u32 index;		/* vm or gateway index, to name it; XV_NONE: Internet edge */
	__u8 mac[6];		/* the inner (namespace) end's MAC */
	__u16 kind;		/* enum xv_nic_kind */
};

/*
 * LPM key of the tables trie. prefixlen counts the id's 32 bits too, so a
 * lookup uses 64 and a /len route is stored as 32 + len.
 */
struct xv_lpm_key {
	__u32 prefixlen;
	__u32 id;		/* table id, big endian */
	__u32 addr;		/* network byte order */
};

/* What a route resolves to. */
enum xv_action {
	XV_ACT_OWNER,	/* deliver to the NIC owning dst in VNet arg (peering checked) */
	XV_ACT_NIC,	/* deliver to NIC slot arg (peering checked): an NVA */
	XV_ACT_RELAY,	/* hand to NIC slot arg (no peering check): gateway, Internet */
	XV_ACT_DROP,	/* drop with reason arg */
};

/* struct xv_route.flags */
#define XV_ROUTE_F_GW	(1u << 0) /* a longer gateway route may lie inside: look it up */

struct xv_route {
	__u8 action;		/* enum xv_action */
	__u8 flags;		/* XV_ROUTE_F_* */
	__u16 len;		/* prefix length, to compare table and gateway answers */
	__u32 arg;
	__u32 route_id;		/* names the route in trace and stats */
	__u32 hits;		/* its hit counter (see route hits below), XV_NONE: none */
};

/*
 * Gateway sets: every gateway's learned routes once, as a DIR-16-8-8
 * multibit table in three u32 arrays. dir16[gwset << 16 | dst >> 16] holds
 * a leaf or a chunk of dir24 (256 entries for dst >> 8 & 0xff), whose
 * entries hold a leaf or a chunk of dir32 (dst & 0xff). A lookup is at most
 * three dependent loads, whatever the number of prefixes.
 */
#define XV_DIR_CHUNK		(1u << 31)	/* entry: chunk index of the next level */
#define XV_DIR_LEAF		(1u << 30)	/* entry: a route (0: no route) */
#define XV_DIR_LEN_SHIFT	24		/* leaf: prefix length in bits 24..29 */
#define XV_DIR_ID_MASK		0xffffffu	/* leaf: route id in bits 0..23 */
#define XV_DIR_MAX_ROUTES	(XV_DIR_ID_MASK + 1)

/* Address -> NIC, scoped by VNet since unpeered VNets may reuse addresses. */
struct xv_owner_key {
	__u32 vnet;
	__u32 addr;		/* network byte order */
};

/* Peering matrix cell [from vnet * nvnets + to vnet]. */
#define XV_PEER_CONNECTED	(1u << 0) /* both peering resources exist */
#define XV_PEER_ACCESS		(1u << 1) /* from's allowVirtualNetworkAccess */
#define XV_PEER_FORWARDED	(1u << 2) /* to's allowForwardedTraffic */

/*
 * Table ids inside the tables trie: 0..nsubnets-1 are subnets' effective
 * routes; XV_TABLE_SPACE(v) holds VNet v's address space (the forwarded
 * traffic check); the Internet edge routes with its own table.
 */
#define XV_TABLE_SPACE(nsubnets, v)	((nsubnets) + (v))

/*
 * The config array, one u32 per index so that writers never race on a
 * shared word: XV_CFG_GEN is the one write that makes a generation current.
 */
enum xv_config {
	XV_CFG_GEN,		/* active generation: slot gen & 1 of every outer map */
	XV_CFG_TRACE,		/* nonzero: emit a struct xv_event per frame */
	XV_CFG__COUNT
};

#define XV_VERDICT_SLOTS 32
_Static_assert(XV_VERDICT__COUNT <= XV_VERDICT_SLOTS, "verdict slots");

/*
 * Route hits: a u64 array of nhits * ncpus, [counter * ncpus + cpu]: per
 * CPU without per-CPU maps, whose size cannot vary inside a map-in-map.
 * Counters 0..nown-1 are the subnets' own routes (counter = route id);
 * counter nown + g counts all routes learned by gateway g: a counter per
 * learned prefix costs a cache miss per frame on big sets (docs).
 */

/* Per-CPU counters of one NIC; slot nnics counts frames from no NIC. */
struct xv_nic_stats {
	__u64 rx;		/* frames received from the NIC */
	__u64 rx_bytes;
	__u64 tx;		/* frames the fabric delivered to the NIC (incl. ARP replies) */
	__u64 tx_bytes;
	/* outcome of each received frame, by enum xv_verdict; a power of two
	 * so that the verifier sees the index bounded by a mask */
	__u64 verdict[XV_VERDICT_SLOTS];
};

/* One trace record per frame while config.trace is set. */
struct xv_event {
	__u32 gen;
	__u32 in;		/* ingress NIC slot, XV_NONE: unknown */
	__u32 out;		/* egress NIC slot, XV_NONE: none */
	__u32 route_id;		/* XV_NONE: no route looked up */
	__u32 src, dst;		/* network byte order */
	__u8 proto;		/* IPv4 protocol, 0 for ARP */
	__u8 verdict;		/* enum xv_verdict */
	__u16 ethertype;	/* host byte order */
};

#endif
