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
	/* an XDP firewall NVA (struct xv_firewall) */
	XV_DROP_FIREWALL,	/* denied by its rules, or a packet of no flow it tracks */
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
#define XV_NIC_F_GATEWAY	(1u << 1) /* relays without making traffic "forwarded" (Gateway relays) */
#define XV_NIC_F_INTERNET	(1u << 2) /* outside every VNet: no peering checks */
#define XV_NIC_F_GW_DENIED	(1u << 3) /* its gateway set's gateway is across a closed peering (Peering access) */
#define XV_NIC_F_FIREWALL	(1u << 4) /* a firewall NVA of dataplane xdp: firewalls[slot] */

/* One NIC, indexed by its slot (the index the loader was given it at). */
struct xv_nic {
	__u32 ip;		/* own address, network byte order; 0: none */
	__u32 vnet;		/* VNet index, XV_NONE for the Internet edge */
	__u32 table;		/* root of its subnet's routes (an XV_TRIE_CHUNK entry) */
	__u32 gwset;		/* root of its gateway set, 0: no gateway routes */
	__u32 gw_nic;		/* slot of that gateway set's gateway, XV_NONE: none */
	__u32 gw_hits;		/* hit counter of that gateway set's routes */
	__u32 space;		/* root of its VNet's address space */
	__u32 flags;		/* XV_NIC_F_* */
	__u32 index;		/* vm or gateway index, to name it; XV_NONE: Internet edge */
	__u8 mac[6];		/* the inner (namespace) end's MAC */
	__u16 kind;		/* enum xv_nic_kind */
};

/* What a route resolves to, once the peering checks its flags ask for pass. */
enum xv_action {
	XV_ACT_NIC,	/* deliver to NIC slot arg */
	XV_ACT_DROP,	/* drop with reason arg */
};

/* struct xv_route.flags */
#define XV_ROUTE_F_GW		(1u << 0) /* a longer gateway route may lie inside: look it up */
#define XV_ROUTE_F_DENIED	(1u << 1) /* enters a VNet over a peering without access */
#define XV_ROUTE_F_FORWARDED	(1u << 2) /* enters a VNet refusing forwarded traffic */

/*
 * A route as a table holds it. VnetLocal and peering routes become one
 * record per NIC they reach (a /32 leaf) and one for the rest of their
 * prefix (XV_DROP_NO_OWNER); the peering checks are known per table (its
 * subnet's VNet sends), hence the flags.
 */
struct xv_route {
	__u8 action;		/* enum xv_action */
	__u8 flags;		/* XV_ROUTE_F_* */
	__u16 len;		/* prefix length, to compare table and gateway answers */
	__u32 arg;
	__u32 route_id;		/* names the route in trace and stats, XV_NONE: none */
	__u32 hits;		/* its hit counter (see route hits below), XV_NONE: none */
};

/*
 * Route tables (each subnet's, each VNet's address space, the Internet
 * edge's) and gateway sets (each gateway's learned routes, once) are
 * multibit tries with 8-bit strides in one array of 64-byte lines. A
 * table's entry is nothing (0), a leaf or a chunk: the 256 entries for the
 * next 8 bits of the address. A full chunk is 16 lines of 16 entries; a
 * compact one (at most XV_TRIE_RUNS runs of equal entries) is one line: a
 * bitmap of where each run starts and the runs' entries. A lookup reads at
 * most four dependent lines. A table leaf names a record (struct xv_route,
 * four a line, at the start of the array). A gateway set's root is wide,
 * 16 bits: 4096 lines of 16 entries, laid out as below (XV_GW_*).
 */
#define XV_TRIE_CHUNK		(1u << 31)	/* entry: a chunk, first line in bits 0..28 */
#define XV_TRIE_COMPACT		(1u << 30)	/* chunk entry: a compact chunk */
#define XV_TRIE_WIDE		(1u << 29)	/* chunk entry: a wide (16-bit) chunk */
#define XV_TRIE_LEAF		(1u << 30)	/* other entry: a leaf (0: no route) */
#define XV_TRIE_LINE_MASK	0x1fffffffu
#define XV_TRIE_LEN_SHIFT	24		/* leaf: prefix length in bits 24..29 */
#define XV_TRIE_ID_MASK		0xffffffu	/* leaf: record or route id in bits 0..23 */
#define XV_TRIE_MAX_IDS		(XV_TRIE_ID_MASK + 1)
#define XV_TRIE_RUNS		7

struct xv_line {
	union {
		__u32 e[16];			/* 16 entries of a full chunk */
		struct {
			__u64 starts[4];	/* bit i: a run starts at entry i */
			__u8 before[4];		/* runs started before starts[k] */
			__u32 run[XV_TRIE_RUNS];/* each run's entry */
		} c;				/* a compact chunk */
		struct xv_route r[4];		/* records */
		__u8 b[64];			/* gateway-set chunks (below) */
	};
};

/*
 * Gateway sets. Every route a gateway learned has the same next hop (the
 * gateway), so its set keeps only each route's length, one byte: 0 no
 * route, 1 + length. Below the wide root of u32 entries, chunks hold a byte
 * an entry, and a set of 100,000 scattered prefixes stays in cache (about
 * 1 MB). An entry (the root's, or a chunk's kid) has its kind in bits
 * 29..31; a chunk kind points at 16-byte units of the line array.
 */
#define XV_GW_KIND_SHIFT	29
#define XV_GW_UNIT_MASK		0x1fffffffu
enum xv_gw_kind {
	XV_GW_NONE,	/* no route */
	XV_GW_LEAF,	/* leaf byte in bits 0..7 */
	XV_GW_ONE,	/* a chunk with a single prefix in it, inline (XV_GW_ONE_*) */
	XV_GW_RUNS,	/* struct xv_gw_runs: at most 8 runs of equal bytes */
	XV_GW_BITMAP,	/* struct xv_gw_bitmap: at most XV_GW_BITMAP_RUNS runs */
	XV_GW_BYTES,	/* 256 bytes, 4 lines */
	XV_GW_FULL,	/* 256 entries, 16 lines: a chunk with more kids than bytes name */
};

/*
 * A chunk's byte XV_GW_KID + j names its kid j, the chunk below that entry:
 * an entry stored right after the chunk's body (16, 64 or 256 bytes).
 */
#define XV_GW_KID		0x40
#define XV_GW_MAX_KIDS		(256 - XV_GW_KID)
#define XV_GW_BODY(kind)	((kind) == XV_GW_RUNS ? 16 : (kind) == XV_GW_BITMAP ? 64 : \
				 (kind) == XV_GW_BYTES ? 256 : 0)	/* XV_GW_FULL: 0 */

/*
 * XV_GW_ONE: the prefix's address bits below the chunk's position,
 * left-aligned in bits 0..15; the byte inside the prefix (its length tells
 * how many bits to compare) and the byte elsewhere.
 */
#define XV_GW_ONE_BITS(e)	((e) & 0xffff)
#define XV_GW_ONE_IN(e)		((e) >> 16 & 0x3f)
#define XV_GW_ONE_OUT(e)	((e) >> 22 & 0x3f)

struct xv_gw_runs {
	__u8 start[7];		/* where runs 1..7 start (run 0 at 0); unused: 255 */
	__u8 pad;
	__u8 run[8];		/* each run's byte; unused: the last run's */
};

#define XV_GW_BITMAP_RUNS	28
struct xv_gw_bitmap {
	__u64 starts[4];	/* bit i: a run starts at entry i */
	__u8 before[4];		/* runs started before starts[k] */
	__u8 run[XV_GW_BITMAP_RUNS];
};

/*
 * A gateway-learned route in a trace event's route_id: the set's hit
 * counter and the route's length (the prefix: the destination's first len
 * bits).
 */
#define XV_ROUTE_ID_GW		(1u << 31)

/*
 * The config array, one u32 per index so that writers never race on a
 * shared word. It is mmap-able: `xvnet trace` claims a reader slot with a
 * compare-and-swap (docs/dataplane.md, "Trace").
 */
#define XV_TRACE_READERS	16
enum xv_config {
	XV_CFG_GEN,		/* number of the current generation (the loader's count) */
	XV_CFG_TRACE,		/* nonzero: emit a struct xv_event per frame */
	XV_CFG_READER,		/* XV_TRACE_READERS slots: pid of a running trace, 0: free */
	/*
	 * Events a ring buffer had no room for: reader slot i's ring at
	 * XV_CFG_LOST + i, the shared `events` at XV_CFG_LOST +
	 * XV_TRACE_READERS (a fabric older than them has none).
	 */
	XV_CFG_LOST = XV_CFG_READER + XV_TRACE_READERS,
	XV_CFG__COUNT = XV_CFG_LOST + XV_TRACE_READERS + 1
};

/*
 * The size of a trace reader's own ring buffer (the `rings` map's inner
 * maps): room for the frames of `xvnet verify` on a 100-VM lab.
 */
#define XV_TRACE_RING	(16u << 20)

#define XV_VERDICT_SLOTS 32
_Static_assert(XV_VERDICT__COUNT <= XV_VERDICT_SLOTS, "verdict slots");

/*
 * Route hits, per generation: a per-CPU u64 array of nhits, indexed by
 * counter. Counters 0..nown-1 are the subnets' own routes (counter = route id);
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

/*
 * Firewall NVAs of dataplane xdp (docs/dataplane.md, "Firewall NVAs in
 * XDP"). A frame the fabric routes to such an NVA, not addressed to the NVA
 * itself, is filtered (rules and connection table) and routed on as if it
 * left the NVA's NIC, in the same pass. Per generation: firewalls (one per
 * NIC slot, zero for other NICs), fw_rules and the per-CPU fw_counters;
 * shared by every generation: the connection table fw_conns and the log of
 * denied flows fw_denied (LRU hashes).
 */
#define XV_FW_CHAIN	4	/* XDP NVAs one frame crosses in one pass; then the slow path */
#define XV_FW_RULES	64	/* rule entries an NVA holds */
#define XV_FW_PREFIXES	4	/* prefixes of a source or destination in one entry */
#define XV_FW_PORTS	4	/* destination port ranges in one entry */
#define XV_FW_CONNS	65536	/* connections, all XDP NVAs together */
#define XV_FW_DENIED	4096	/* denied flows logged, all XDP NVAs together */

/* A rule's action and the NVA's default one. */
enum xv_fw_action { XV_FW_ALLOW, XV_FW_DENY };

/* Source NAT of forwarded flows (the topology's snat), decides the slow path. */
enum xv_fw_snat { XV_FW_SNAT_AUTO, XV_FW_SNAT_ALWAYS, XV_FW_SNAT_NEVER };

/*
 * The counters of an NVA, in inspect's order: the packets of tracked flows,
 * the packets of no tracked flow (dropped), each rule, the default action.
 */
enum { XV_FW_CTR_ESTABLISHED, XV_FW_CTR_ASYMMETRIC, XV_FW_CTR_RULES };

struct xv_fw_prefix {
	__u32 addr, mask;	/* network byte order */
};

/*
 * One entry of a rule. A rule with more prefixes or ports than an entry
 * holds is several entries with the same counter (every combination of
 * its source, destination and port chunks).
 */
struct xv_fw_rule {
	__u8 action;		/* enum xv_fw_action */
	__u8 proto;		/* IPPROTO_*, 0: any */
	__u8 nsrc, ndst;	/* prefixes used; 0: any address */
	__u8 nports;		/* port ranges used; 0: any port (and protocol) */
	__u8 pad;
	__u16 counter;		/* index in the NVA's counters */
	struct xv_fw_prefix src[XV_FW_PREFIXES];
	struct xv_fw_prefix dst[XV_FW_PREFIXES];
	struct { __u16 lo, hi; } ports[XV_FW_PORTS];	/* host byte order */
};

/* An XDP firewall NVA, at its NIC's slot. */
struct xv_firewall {
	__u32 first;		/* its first entry in fw_rules */
	__u32 nrules;		/* entries, at most XV_FW_RULES */
	__u32 counters;		/* its first counter in fw_counters */
	__u8 default_action;	/* enum xv_fw_action */
	__u8 snat;		/* enum xv_fw_snat */
	__u16 nnamed;		/* rules it names: the default's counter is XV_FW_CTR_RULES + nnamed */
};

struct xv_fw_counter {
	__u64 packets, bytes;
};

/*
 * A connection, one entry for both directions: the endpoint with the lower
 * (address, port) is a. Ports are the TCP/UDP ports, the ICMP echo id on
 * both sides, 0 for other protocols. nva: the NVA's NIC slot.
 */
struct xv_ct_key {
	__u32 nva;
	__u32 a, b;		/* network byte order */
	__u16 pa, pb;		/* host byte order */
	__u8 proto;
	__u8 pad[3];
};

enum xv_ct_state {
	XV_CT_NONE,
	XV_CT_SYN_SENT,		/* TCP: the opening SYN seen */
	XV_CT_SYN_RECV,		/* TCP: its SYN-ACK seen */
	XV_CT_ESTABLISHED,	/* TCP: the opener's ACK seen */
	XV_CT_FIN_WAIT,		/* TCP: a FIN seen */
	XV_CT_CLOSE,		/* TCP: a RST seen */
	XV_CT_UNREPLIED,	/* UDP, ICMP, others: one direction seen */
	XV_CT_REPLIED,		/* UDP, ICMP, others: both seen */
	XV_CT__COUNT
};

struct xv_ct {
	__u64 expires;		/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) deadline */
	__u8 state;		/* enum xv_ct_state */
	__u8 opener_a;		/* the flow was opened by endpoint a */
	__u16 pad;
	__u32 pad2;
	__u64 packets;
};

/* A denied flow: the log's key (the value is a packet count). */
struct xv_fw_denied {
	__u32 nva;
	__u32 src, dst;		/* network byte order */
	__u16 port;		/* TCP/UDP destination port, 0 for others */
	__u8 proto;
	__u8 pad;
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
	/*
	 * struct xv_l4 (bpf/lib/l4.h), host byte order: TCP/UDP ports; ICMP:
	 * sport the echo id, dport type << 8 | code; 0, 0: none. Parsed only
	 * for trace. An older fabric's events end before them.
	 */
	__u16 sport, dport;
};

#endif
