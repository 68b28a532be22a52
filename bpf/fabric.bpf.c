// SPDX-License-Identifier: GPL-2.0
/*
 * The xvnet fabric: runs on the outer end of every NIC's veth. A frame
 * leaving a NIC is looked up in the effective routes of the NIC's subnet
 * and redirected to the next hop's NIC with its MACs rewritten, as Azure's
 * host SDN does; ARP is answered here. docs/dataplane.md has the map
 * layout, the generation protocol and every verdict.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "xvnet_abi.h"

/*
 * A generation is a program of its own: xvnet_fabric_gen below, loaded by
 * every apply with its own tables, sized for that topology, and made
 * current by one update of gens[0], where the attached program tail-calls
 * it. A frame runs in one generation's program and reads only its tables,
 * and these are plain arrays, whose lookups the verifier inlines (an array
 * inside a map-in-map is a helper call per lookup).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} gens SEC(".maps");

/*
 * Every table and gateway set (xvnet_abi.h). Mmapable so that the lines
 * start page-aligned: each is one cache line.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xv_line);
} trie SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);	/* counter -> hits */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);	/* slot -> NIC record */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xv_nic);
} nics SEC(".maps");

/* Shared by every generation: the NIC inventory, counters and trace. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XV_CFG__COUNT);
	__uint(map_flags, BPF_F_MMAPABLE);	/* trace's reader slots */
	__type(key, __u32);
	__type(value, __u32);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);	/* ingress ifindex -> slot + 1 */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} ifindex_slot SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);	/* slot -> outer ifindex */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} egress SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); /* slot -> counters; slot n: no NIC */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xv_nic_stats);
} stats SEC(".maps");

/* Trace events when no reader has a ring of its own (test harnesses). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

/*
 * Each trace reader's own ring, in its reader slot: every reader gets
 * every event (docs/dataplane.md, "Trace readers").
 */
struct trace_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XV_TRACE_RING);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, XV_TRACE_READERS);
	__type(key, __u32);
	__array(values, struct trace_ring);
} rings SEC(".maps");

/*
 * Firewall NVAs of dataplane xdp (xvnet_abi.h): a generation's rules and
 * counters, and the connection table and log every generation shares (an
 * apply keeps the flows open).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);	/* NIC slot -> its firewall */
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xv_firewall);
} firewalls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xv_fw_rule);
} fw_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xv_fw_counter);
} fw_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XV_FW_CONNS);
	__type(key, struct xv_ct_key);
	__type(value, struct xv_ct);
} fw_conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XV_FW_DENIED);
	__type(key, struct xv_fw_denied);
	__type(value, __u64);
} fw_denied SEC(".maps");

/*
 * Set by the loader: the number of NICs (also the stats slot of strangers)
 * and the generation's number.
 */
const volatile __u32 nnics;
const volatile __u32 gen;

/*
 * The keys of the per-frame map lookups are fields already in memory (the
 * frame's, a record's, these), never a value computed and stored just
 * before: the inlined lookup reads its key back through memory, and a key
 * stored a few instructions earlier stalls it on store forwarding.
 */
static const __u32 trace_key = XV_CFG_TRACE;

/* What is known about the frame so far, for counters and trace. */
struct frame {
	const __u8 *mac;	/* the next hop NIC's MAC */
	const struct xv_nic *to;	/* the next hop NIC */
	__u32 in, out, route_id;
	__u32 src, dst;
	__u16 ethertype;
	__u8 proto;
};

/* linux/if_arp.h drags in libc headers that do not build for BPF. */
#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

struct arp_eth_ipv4 {
	struct {
		__be16 ar_hrd, ar_pro;
		__u8 ar_hln, ar_pln;
		__be16 ar_op;
	} hdr;
	__u8 sha[ETH_ALEN];
	__u8 spa[4];
	__u8 tha[ETH_ALEN];
	__u8 tpa[4];
} __attribute__((packed));

static const __u8 fabric_mac[ETH_ALEN] = XV_FABRIC_MAC;

/* The lookups of a table and of a gateway set, in the trie map above. */
#include "lib/fabric_lookup.h"
/* Ports and echo ids, for trace only. */
#include "lib/l4.h"

static __always_inline const struct xv_nic *nic_lookup(const __u32 *slot)
{
	return *slot < nnics ? bpf_map_lookup_elem(&nics, slot) : NULL;
}

/*
 * MACs on the forwarding path as a 4-byte and a 2-byte word, not six
 * bytes: both the frame's MACs and a NIC record's are 2-byte aligned, and
 * the fabric only runs where unaligned loads are allowed (x86, arm64).
 */
static __always_inline int is_fabric_mac(const __u8 *a)
{
	__u32 head;
	__u16 tail;

	__builtin_memcpy(&head, fabric_mac, 4);		/* folded to constants */
	__builtin_memcpy(&tail, fabric_mac + 4, 2);
	return *(const __u32 *)a == head && *(const __u16 *)(a + 4) == tail;
}

static __always_inline void mac_put(__u8 *to, const __u8 *from)
{
	*(__u32 *)to = *(const __u32 *)from;
	*(__u16 *)(to + 4) = *(const __u16 *)(from + 4);
}

/* Turn an ARP request for any address into the fabric's reply, in place. */
static __always_inline int arp_reply(struct frame *f, struct ethhdr *eth, void *data_end)
{
	struct arp_eth_ipv4 *arp = (void *)(eth + 1);
	__u8 tpa[4];

	if ((void *)(arp + 1) > data_end)
		return XV_DROP_SHORT;
	__builtin_memcpy(&f->src, arp->spa, 4);
	__builtin_memcpy(&f->dst, arp->tpa, 4);
	if (arp->hdr.ar_hrd != bpf_htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != bpf_htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4 ||
	    arp->hdr.ar_op != bpf_htons(ARPOP_REQUEST))
		return XV_DROP_ARP;
	/*
	 * Probes (sender 0.0.0.0) and gratuitous announcements (sender ==
	 * target) ask whether someone else holds the sender's address:
	 * answering would report a conflict that does not exist.
	 */
	if (!(arp->spa[0] | arp->spa[1] | arp->spa[2] | arp->spa[3]) ||
	    !__builtin_memcmp(arp->spa, arp->tpa, 4))
		return XV_DROP_ARP;

	__builtin_memcpy(tpa, arp->tpa, 4);
	arp->hdr.ar_op = bpf_htons(ARPOP_REPLY);
	__builtin_memcpy(arp->tha, arp->sha, ETH_ALEN);
	__builtin_memcpy(arp->tpa, arp->spa, 4);
	__builtin_memcpy(arp->sha, fabric_mac, ETH_ALEN);
	__builtin_memcpy(arp->spa, tpa, 4);
	__builtin_memcpy(eth->h_dest, arp->tha, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fabric_mac, ETH_ALEN);
	return XV_ARP_REPLY;
}

/* The longest gateway-learned route of the NIC's gateway set, in *g. */
static __always_inline const struct xv_route *gw_lookup(struct frame *f,
							const struct xv_nic *nic,
							struct xv_route *g)
{
	__u32 v = xv_gw_lookup(NULL, nic->gwset, bpf_ntohl(f->dst));

	if (!v)
		return NULL;
	g->action = nic->gw_nic == XV_NONE ? XV_ACT_DROP : XV_ACT_NIC;
	g->arg = nic->gw_nic == XV_NONE ? XV_DROP_NO_OWNER : nic->gw_nic;
	/* Peering access: gateway transit over a peering closed by either side. */
	g->flags = nic->flags & XV_NIC_F_GW_DENIED ? XV_ROUTE_F_DENIED : 0;
	g->len = v - 1;
	g->route_id = XV_ROUTE_ID_GW | (v - 1) << XV_TRIE_LEN_SHIFT | nic->gw_hits;
	g->hits = nic->gw_hits;
	return g;
}

static __always_inline const struct xv_route *route_lookup(struct frame *f,
							   const struct xv_nic *nic,
							   struct xv_route *tmp)
{
	const struct xv_route *r, *g;
	__u64 *n;

	r = xv_record(NULL, xv_trie_lookup(NULL, nic->table, bpf_ntohl(f->dst)));
	/*
	 * Gateway-learned routes are kept once per gateway: the gateway set
	 * wins only when strictly longer, and prefixes Invalid for this table
	 * are shadowed in the table itself so that ties go to the table. The
	 * compiler flags the table routes a gateway route could beat.
	 */
	if (nic->gwset && (!r || r->flags & XV_ROUTE_F_GW)) {
		g = gw_lookup(f, nic, tmp);
		if (g && (!r || g->len > r->len))
			r = g;
	}
	if (!r)
		return NULL;
	f->route_id = r->route_id;
	if (r->hits == XV_NONE)		/* the Internet edge's table */
		return r;
	n = bpf_map_lookup_elem(&hits, &r->hits);
	if (n)
		*n += 1;
	return r;
}

/*
 * Crossing into another VNet (Peering access, Forwarded traffic, Gateway
 * relays), as the compiler flagged the
 * route: the sender side's allowVirtualNetworkAccess; a source outside the
 * sender's VNet, unless a gateway relays it, needs the receiver's
 * allowForwardedTraffic.
 */
static __always_inline int cross(struct frame *f, const struct xv_nic *nic,
				 const struct xv_route *r)
{
	if (r->flags & XV_ROUTE_F_DENIED)
		return XV_DROP_PEERING_ACCESS;
	if (r->flags & XV_ROUTE_F_FORWARDED && !(nic->flags & XV_NIC_F_GATEWAY) &&
	    f->src != nic->ip && !xv_trie_lookup(NULL, nic->space, bpf_ntohl(f->src)))
		return XV_DROP_FORWARDED;
	return XV_FWD;
}

/*
 * Azure's decision for an IPv4 frame from NIC f->in, in the order of the
 * route engine's engine_path() (the reference model); sets f->out.
 */
static __always_inline int decide(struct frame *f)
{
	const struct xv_nic *nic, *to;
	const struct xv_route *r;
	struct xv_route tmp;
	int verdict;

	nic = nic_lookup(&f->in);
	if (!nic)
		return XV_DROP_NOT_NIC;
	if (!(nic->flags & XV_NIC_F_FORWARDING) && f->src != nic->ip)
		return XV_DROP_SRC_NOT_OWN;

	r = route_lookup(f, nic, &tmp);
	if (!r)
		return XV_DROP_NONE_ROUTE;
	verdict = cross(f, nic, r);
	if (verdict != XV_FWD)
		return verdict;
	if (r->action != XV_ACT_NIC) {
		/* Only a drop reason: a corrupt value must never forward. */
		if (r->arg >= XV_DROP_NONE_ROUTE && r->arg < XV_VERDICT__COUNT)
			return r->arg;
		return XV_DROP_NONE_ROUTE;
	}
	f->out = r->arg;
	to = nic_lookup(&r->arg);
	if (!to)
		return XV_DROP_NO_OWNER;
	if (f->out == f->in)
		return XV_DROP_LOOP;
	if (!(to->flags & XV_NIC_F_FORWARDING) && f->dst != to->ip)
		return XV_DROP_DST_NOT_OWN;
	f->mac = to->mac;
	f->to = to;
	return XV_FWD;
}

static __always_inline void account(const struct frame *f, int verdict, __u64 bytes)
{
	struct xv_nic_stats *st;
	__u32 v = verdict;

	/* Hide v's range from clang so that the mask the verifier needs stays. */
	barrier_var(v);
	v &= XV_VERDICT_SLOTS - 1;

	/* A frame from no NIC counts in slot nnics. */
	st = bpf_map_lookup_elem(&stats, f->in == XV_NONE ? (const __u32 *)&nnics : &f->in);
	if (st) {
		st->rx++;
		st->rx_bytes += bytes;
		st->verdict[v]++;
	}
	if (f->out == XV_NONE)
		return;
	st = bpf_map_lookup_elem(&stats, &f->out);
	if (st) {
		st->tx++;
		st->tx_bytes += bytes;
	}
}

/* Put ev in ring; counted at config[lost] when there is no room. */
static __always_inline void emit(void *ring, const struct xv_event *ev, __u32 lost)
{
	__u32 *n;

	if (!bpf_ringbuf_output(ring, (void *)ev, sizeof(*ev), 0))
		return;
	n = bpf_map_lookup_elem(&config, &lost);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/*
 * One event per frame while a trace runs, into every reader's ring. The
 * frame's L4 identity is parsed here, only then: the untraced path never
 * reads past IPv4.
 */
static __always_inline void trace(struct xdp_md *ctx, const struct frame *f, int verdict)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct xv_l4 l4 = { 0, 0 };
	struct xv_event ev;
	__u32 *on;
	int any = 0;

	on = bpf_map_lookup_elem(&config, &trace_key);
	if (!on || !*on)
		return;
	if (f->ethertype == ETH_P_IP)
		l4 = xv_l4_parse(data + sizeof(struct ethhdr), data_end);
	ev = (struct xv_event){
		.gen = gen, .in = f->in, .out = f->out, .route_id = f->route_id,
		.src = f->src, .dst = f->dst, .proto = f->proto, .verdict = verdict,
		.ethertype = f->ethertype, .sport = l4.sport, .dport = l4.dport,
	};
	for (__u32 i = 0; i < XV_TRACE_READERS; i++) {
		__u32 slot = i;	/* on the stack: the counter stays in a register */
		void *ring = bpf_map_lookup_elem(&rings, &slot);

		if (ring) {
			emit(ring, &ev, XV_CFG_LOST + i);
			any = 1;
		}
	}
	if (!any)
		emit(&events, &ev, XV_CFG_LOST + XV_TRACE_READERS);
}

/* Parse, decide and rewrite; returns the verdict. */
static __always_inline int handle(struct xdp_md *ctx, struct frame *f)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	__u32 tot_len;
	int verdict;

	if ((void *)(eth + 1) > data_end)
		return XV_DROP_SHORT;
	f->ethertype = bpf_ntohs(eth->h_proto);
	switch (f->ethertype) {
	case ETH_P_ARP:
		verdict = arp_reply(f, eth, data_end);
		if (verdict == XV_ARP_REPLY)
			f->out = f->in;
		return verdict;
	case ETH_P_IP:
		break;
	case ETH_P_IPV6:
		return XV_DROP_IPV6;
	case ETH_P_8021Q:
	case ETH_P_8021AD:
		return XV_DROP_VLAN;
	default:
		return XV_DROP_ETHERTYPE;
	}

	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return XV_DROP_SHORT;
	f->src = iph->saddr;
	f->dst = iph->daddr;
	f->proto = iph->protocol;
	if (!is_fabric_mac(eth->h_dest))
		return XV_DROP_L2_DST;
	/*
	 * Routing reads only the fixed header, so options and fragments are
	 * forwarded untouched, as Azure does; only a header that lies about
	 * its own size is refused.
	 */
	tot_len = bpf_ntohs(iph->tot_len);
	if (iph->version != 4 || iph->ihl < 5 || tot_len < iph->ihl * 4u)
		return XV_DROP_BAD_IPV4;
	if (tot_len > (__u32)(data_end - (void *)iph))
		return XV_DROP_TRUNCATED;

	verdict = decide(f);
	if (verdict != XV_FWD)
		return verdict;
	/* The fabric is not a hop: MACs change, TTL and payload do not. */
	mac_put(eth->h_source, fabric_mac);
	mac_put(eth->h_dest, f->mac);
	return XV_FWD;
}

/* The rules and connections of firewall NVAs of dataplane xdp. */
#include "lib/firewall.h"

/* The NVA is an IP hop: RFC 1624's incremental checksum, as the kernel does. */
static __always_inline void ttl_decrement(struct iphdr *iph)
{
	__u32 check = iph->check;

	check += bpf_htons(0x0100);
	iph->check = (__u16)(check + (check >= 0xffff));
	iph->ttl--;
}

/*
 * f was routed to a NIC of a firewall NVA of dataplane xdp. Unless it is
 * addressed to the NVA itself, or the NVA's kernel must see it (the slow
 * path), filter it and route it on as the NVA's kernel would have sent it
 * from its NIC, in this pass; at most XV_FW_CHAIN NVAs in a row, then the
 * next one forwards it in its namespace. Each NVA crossed is accounted and
 * traced as two hops: delivered to its NIC, received from it.
 */
static __noinline int firewall_hops(struct xdp_md *ctx, struct frame *f, __u64 bytes)
{
	for (int hop = 0; hop < XV_FW_CHAIN; hop++) {
		void *data_end = (void *)(long)ctx->data_end;
		struct ethhdr *eth = (void *)(long)ctx->data;
		struct iphdr *iph = (void *)(eth + 1);
		struct xv_fw_pkt p = {};
		__u32 nva = f->out;
		int verdict;

		if ((void *)(iph + 1) > data_end)
			return XV_DROP_SHORT;
		if (!f->to || !(f->to->flags & XV_NIC_F_FIREWALL) || f->dst == f->to->ip)
			return XV_FWD;
		xv_fw_packet(iph, data_end, &p);
		verdict = xv_fw_filter(nva, &p, bytes);
		if (verdict == XV_FW_SLOW)
			return XV_FWD;
		if (verdict != XV_FW_PASS)
			return XV_DROP_FIREWALL;
		account(f, XV_FWD, bytes);
		trace(ctx, f, XV_FWD);
		ttl_decrement(iph);
		f->in = nva;
		f->out = XV_NONE;
		f->route_id = XV_NONE;
		f->to = NULL;
		verdict = decide(f);
		if (verdict != XV_FWD)
			return verdict;
		__builtin_memcpy(eth->h_dest, f->mac, ETH_ALEN);
	}
	return XV_FWD;
}

/* The current generation: tail-called by xvnet_fabric. */
SEC("xdp")
int xvnet_fabric_gen(struct xdp_md *ctx)
{
	__u64 bytes = ctx->data_end - ctx->data;
	struct frame f = {
		.in = XV_NONE,
		.out = XV_NONE,
		.route_id = XV_NONE,
	};
	__u32 key = ctx->ingress_ifindex, *slot;
	int verdict, action = XDP_DROP;

	slot = bpf_map_lookup_elem(&ifindex_slot, &key);
	if (!slot || !*slot) {
		verdict = XV_DROP_NOT_NIC;
		goto out;
	}
	f.in = *slot - 1;

	verdict = handle(ctx, &f);
	if (verdict == XV_FWD && f.to->flags & XV_NIC_F_FIREWALL)
		verdict = firewall_hops(ctx, &f, bytes);
	if (verdict == XV_ARP_REPLY) {
		action = XDP_TX;
	} else if (verdict == XV_FWD) {
		action = bpf_redirect_map(&egress, f.out, 0);
		if (action != XDP_REDIRECT) {
			verdict = XV_DROP_REDIRECT;
			action = XDP_DROP;
		}
	}
	if (action == XDP_DROP)
		f.out = XV_NONE;
out:
	account(&f, verdict, bytes);
	trace(ctx, &f, verdict);
	return action;
}

/*
 * Attached to every NIC. The loader fills gens[0] before it attaches, so
 * falling through would mean no generation at all.
 */
SEC("xdp")
int xvnet_fabric(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &gens, 0);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
