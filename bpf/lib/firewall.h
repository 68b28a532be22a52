/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A firewall NVA of dataplane xdp, inside the fabric (bpf/xvnet_abi.h,
 * docs/dataplane.md "Firewall NVAs in XDP"): the first-match rules, the
 * connection table's state machine (as conntrack's) and which flows take
 * the slow path into the NVA's namespace. The matcher and the state
 * machine are pure and compiled twice, as bpf/lib/fabric_lookup.h is: by
 * bpf/fabric.bpf.c, where the rules are its fw_rules map, and in user
 * space over an array (struct xv_fw_rules), for the unit tests. The filter
 * at the end, which reads and writes the maps, is the program's alone.
 */
#ifndef XVNET_FIREWALL_H
#define XVNET_FIREWALL_H

#include "lib/l4.h"
#include "xvnet_abi.h"

#define XV_TCP_FIN	0x01
#define XV_TCP_SYN	0x02
#define XV_TCP_RST	0x04
#define XV_TCP_ACK	0x10

#ifdef __bpf__
#define XV_FW		static __always_inline
#define XV_NTOHL(x)	bpf_ntohl(x)

struct xv_fw_rules;	/* unused: the rules are the program's fw_rules map */

XV_FW const struct xv_fw_rule *xv_fw_rule_at(const struct xv_fw_rules *rules, __u32 i)
{
	return bpf_map_lookup_elem(&fw_rules, &i);
}
#else
#include <arpa/inet.h>
#define XV_FW		static inline
#define XV_NTOHL(x)	ntohl(x)

/* An image's rule entries, as user space holds them. */
struct xv_fw_rules {
	const struct xv_fw_rule *rule;
	__u32 n;
};

XV_FW const struct xv_fw_rule *xv_fw_rule_at(const struct xv_fw_rules *rules, __u32 i)
{
	return i < rules->n ? &rules->rule[i] : (const struct xv_fw_rule *)0;
}
#endif

/* What the firewall reads of a packet. */
struct xv_fw_pkt {
	__u32 src, dst;		/* network byte order */
	__u16 sport, dport;	/* host order; ICMP echo: the id, both */
	__u8 proto;
	__u8 flags;		/* TCP flags; ICMP: the type */
	__u8 slow;		/* not modelled here: the NVA's kernel decides */
	__u8 pad;
};

/*
 * The packet at ip (an IPv4 header; its bytes end at end) as a firewall
 * reads it, its ports from bpf/lib/l4.h. slow: what only the NVA's kernel
 * models: fragments (it reassembles them), ICMP other than echo (errors
 * relate to a flow its conntrack judges), a TTL running out (it answers),
 * a header cut short.
 */
XV_FW void xv_fw_packet(const void *ip, const void *end, struct xv_fw_pkt *p)
{
	const __u8 *h = ip, *l4;
	struct xv_l4 id;

	if ((const void *)(h + 20) > end) {
		p->slow = 1;
		return;
	}
	__builtin_memcpy(&p->src, h + 12, 4);
	__builtin_memcpy(&p->dst, h + 16, 4);
	p->proto = h[9];
	if ((h[6] & 0x3f) | h[7] || h[8] <= 1) {	/* MF, fragment offset; TTL */
		p->slow = 1;
		return;
	}
	id = xv_l4_parse(ip, end);
	l4 = h + (h[0] & 0xf) * 4u;
	switch (p->proto) {
	case XV_PROTO_TCP:
		if ((const void *)(l4 + 14) > end)
			break;
		p->flags = l4[13];
		/* fall through */
	case XV_PROTO_UDP:
		if (!id.sport && !id.dport)
			break;
		p->sport = id.sport;
		p->dport = id.dport;
		return;
	case XV_PROTO_ICMP:
		if ((const void *)(l4 + 8) > end || !xv_l4_is_echo(XV_L4_ICMP_TYPE(id)))
			break;
		p->flags = XV_L4_ICMP_TYPE(id);
		p->sport = p->dport = id.sport;
		return;
	default:
		return;
	}
	p->slow = 1;
}

/* ---- rules ------------------------------------------------------------- */

XV_FW int xv_fw_in(const struct xv_fw_prefix *p, __u32 n, __u32 addr)
{
	if (!n)
		return 1;
#ifdef __bpf__
	_Pragma("unroll")
#endif
	for (__u32 i = 0; i < XV_FW_PREFIXES; i++)
		if (i < n && !((addr ^ p[i].addr) & p[i].mask))
			return 1;
	return 0;
}

/* Ports imply TCP or UDP (the topology allows them with those only). */
XV_FW int xv_fw_ports(const struct xv_fw_rule *r, const struct xv_fw_pkt *p)
{
	if (!r->nports)
		return 1;
	if (p->proto != XV_PROTO_TCP && p->proto != XV_PROTO_UDP)
		return 0;
#ifdef __bpf__
	_Pragma("unroll")
#endif
	for (__u32 i = 0; i < XV_FW_PORTS; i++)
		if (i < r->nports && p->dport >= r->ports[i].lo && p->dport <= r->ports[i].hi)
			return 1;
	return 0;
}

XV_FW int xv_fw_rule_matches(const struct xv_fw_rule *r, const struct xv_fw_pkt *p)
{
	return (!r->proto || r->proto == p->proto) && xv_fw_ports(r, p) &&
	       xv_fw_in(r->src, r->nsrc, p->src) && xv_fw_in(r->dst, r->ndst, p->dst);
}

/*
 * First match wins: the index of the NVA's matching entry, -1: none (the
 * default action applies). At most XV_FW_RULES entries: in BPF through
 * bpf_loop(), whose body the verifier checks once.
 */
#ifdef __bpf__
struct xv_fw_walk {
	struct xv_fw_pkt p;
	__u32 first;
	__s32 hit;
};

static long xv_fw_step(__u64 i, void *ctx)
{
	struct xv_fw_walk *w = ctx;
	const struct xv_fw_rule *r = xv_fw_rule_at((void *)0, w->first + (__u32)i);

	if (!r)
		return 1;
	if (!xv_fw_rule_matches(r, &w->p))
		return 0;
	w->hit = i;
	return 1;
}

XV_FW __s32 xv_fw_match(const struct xv_fw_rules *rules, const struct xv_firewall *fw,
			const struct xv_fw_pkt *p)
{
	struct xv_fw_walk w = { .p = *p, .first = fw->first, .hit = -1 };
	__u32 n = fw->nrules;

	bpf_loop(n < XV_FW_RULES ? n : XV_FW_RULES, xv_fw_step, &w, 0);
	return w.hit;
}
#else
XV_FW __s32 xv_fw_match(const struct xv_fw_rules *rules, const struct xv_firewall *fw,
			const struct xv_fw_pkt *p)
{
	for (__u32 i = 0; i < XV_FW_RULES && i < fw->nrules; i++) {
		const struct xv_fw_rule *r = xv_fw_rule_at(rules, fw->first + i);

		if (!r)
			return -1;
		if (xv_fw_rule_matches(r, p))
			return i;
	}
	return -1;
}
#endif

/* RFC 1918 and RFC 6598: what snat Auto keeps untranslated. */
XV_FW int xv_fw_private(__u32 addr)
{
	__u32 a = XV_NTOHL(addr);

	return (a >> 24) == 10 || (a >> 20) == (172u << 4 | 1) ||
	       (a >> 16) == (192u << 8 | 168) || (a >> 22) == (100u << 2 | 1);
}

/* A new flow the NVA's source NAT would translate: its namespace forwards it. */
XV_FW int xv_fw_translates(const struct xv_firewall *fw, const struct xv_fw_pkt *p)
{
	return fw->snat == XV_FW_SNAT_ALWAYS ||
	       (fw->snat == XV_FW_SNAT_AUTO && !xv_fw_private(p->dst));
}

/* ---- connections --------------------------------------------------------- */

/* The flow's key; returns 1 when the packet's sender is endpoint a. */
XV_FW int xv_ct_key(__u32 nva, const struct xv_fw_pkt *p, struct xv_ct_key *k)
{
	__u32 s = XV_NTOHL(p->src), d = XV_NTOHL(p->dst);
	int from_a = s < d || (s == d && p->sport <= p->dport);

	k->nva = nva;
	k->proto = p->proto;
	k->pad[0] = k->pad[1] = k->pad[2] = 0;
	k->a = from_a ? p->src : p->dst;
	k->b = from_a ? p->dst : p->src;
	k->pa = from_a ? p->sport : p->dport;
	k->pb = from_a ? p->dport : p->sport;
	return from_a;
}

/*
 * The state a packet of no tracked flow opens, XV_CT_NONE when it cannot
 * open one (conntrack's INVALID, or NEW without SYN): TCP needs a SYN alone
 * (no ACK, FIN or RST), ICMP an echo request.
 */
XV_FW __u8 xv_ct_open(const struct xv_fw_pkt *p)
{
	if (p->proto == XV_PROTO_TCP)
		return (p->flags & (XV_TCP_SYN | XV_TCP_ACK | XV_TCP_FIN | XV_TCP_RST)) ==
		       XV_TCP_SYN ? XV_CT_SYN_SENT : XV_CT_NONE;
	if (p->proto == XV_PROTO_ICMP)
		return p->flags == XV_ICMP_ECHO ? XV_CT_UNREPLIED : XV_CT_NONE;
	return XV_CT_UNREPLIED;
}

/*
 * A tracked flow's next state on a packet from its opener (opener) or
 * from the other end. Every packet of a tracked flow passes; conntrack's
 * TCP window checks are not modelled.
 */
XV_FW __u8 xv_ct_next(__u8 state, int opener, const struct xv_fw_pkt *p)
{
	__u8 fl = p->flags;

	if (p->proto != XV_PROTO_TCP)
		return opener ? state : XV_CT_REPLIED;
	if (fl & XV_TCP_RST)
		return XV_CT_CLOSE;
	if (fl & XV_TCP_SYN && !(fl & XV_TCP_ACK) && opener &&
	    (state == XV_CT_CLOSE || state == XV_CT_FIN_WAIT))
		return XV_CT_SYN_SENT;	/* the flow reopened */
	if (fl & XV_TCP_FIN)
		return XV_CT_FIN_WAIT;
	switch (state) {
	case XV_CT_SYN_SENT:
		return !opener && fl & XV_TCP_SYN && fl & XV_TCP_ACK ? XV_CT_SYN_RECV : state;
	case XV_CT_SYN_RECV:
		return opener && fl & XV_TCP_ACK && !(fl & XV_TCP_SYN) ? XV_CT_ESTABLISHED : state;
	}
	return state;
}

/* How long a flow stays in a state without packets: conntrack's defaults. */
XV_FW __u64 xv_ct_timeout(__u8 state, __u8 proto)
{
	const __u64 s = 1000000000ull;

	switch (state) {
	case XV_CT_SYN_SENT:	return 120 * s;
	case XV_CT_SYN_RECV:	return 60 * s;
	case XV_CT_ESTABLISHED:	return 432000 * s;
	case XV_CT_FIN_WAIT:	return 120 * s;
	case XV_CT_CLOSE:	return 10 * s;
	case XV_CT_UNREPLIED:
		return proto == XV_PROTO_UDP || proto == XV_PROTO_ICMP ? 30 * s : 600 * s;
	case XV_CT_REPLIED:
		return proto == XV_PROTO_UDP ? 120 * s :
		       proto == XV_PROTO_ICMP ? 30 * s : 600 * s;
	}
	return 0;
}

/* ---- the filter (the program's) ------------------------------------------ */

/* What the filter did with a packet for the NVA. */
enum xv_fw_verdict {
	XV_FW_PASS,	/* forwarded by the NVA: route it on from its NIC */
	XV_FW_SLOW,	/* deliver it into the NVA's namespace (its nftables) */
	XV_FW_DROP,	/* denied, counted and logged */
};

#ifdef __bpf__
XV_FW void xv_fw_count(__u32 counter, __u64 bytes)
{
	struct xv_fw_counter *c = bpf_map_lookup_elem(&fw_counters, &counter);

	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

/* Log a denied flow: TCP and UDP with their destination port, others with 0. */
XV_FW void xv_fw_log(__u32 nva, const struct xv_fw_pkt *p)
{
	struct xv_fw_denied k = {
		.nva = nva, .src = p->src, .dst = p->dst, .proto = p->proto,
		.port = p->proto == XV_PROTO_TCP || p->proto == XV_PROTO_UDP ? p->dport : 0,
	};
	__u64 one = 1, *n = bpf_map_lookup_elem(&fw_denied, &k);

	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&fw_denied, &k, &one, BPF_NOEXIST);
}

XV_FW int xv_fw_deny(__u32 nva, const struct xv_fw_pkt *p, __u32 counter, __u64 bytes)
{
	xv_fw_count(counter, bytes);
	xv_fw_log(nva, p);
	return XV_FW_DROP;
}

/*
 * The NVA at NIC slot nva, as its nftables ruleset would: a packet of a
 * tracked flow passes (established); an untracked one its source NAT
 * would translate takes the slow path; one that cannot open a flow is
 * dropped (asymmetric); any other new flow meets the rules, first match, then the
 * default action, and opens a connection when allowed. A global function:
 * the verifier checks it once, not once per NVA of a chain.
 */
__attribute__((noinline)) int xv_fw_filter(__u32 nva, const struct xv_fw_pkt *p, __u64 bytes)
{
	const struct xv_firewall *fw = bpf_map_lookup_elem(&firewalls, &nva);
	const struct xv_fw_rule *r = (void *)0;
	struct xv_ct_key k;
	struct xv_ct *ct, nct = {};
	__u64 now = bpf_ktime_get_ns();
	__u32 counter;
	__u8 action;
	__s32 hit;
	int from_a;

	if (!p || !fw || p->slow)
		return XV_FW_SLOW;
	from_a = xv_ct_key(nva, p, &k);
	ct = bpf_map_lookup_elem(&fw_conns, &k);
	if (ct && ct->expires > now) {
		ct->state = xv_ct_next(ct->state, from_a == ct->opener_a, p);
		ct->expires = now + xv_ct_timeout(ct->state, p->proto);
		ct->packets++;
		xv_fw_count(fw->counters + XV_FW_CTR_ESTABLISHED, bytes);
		return XV_FW_PASS;
	}
	/* Every packet of such a flow: the NVA's conntrack knows it, not this table. */
	if (xv_fw_translates(fw, p))
		return XV_FW_SLOW;
	nct.state = xv_ct_open(p);
	if (nct.state == XV_CT_NONE)
		return xv_fw_deny(nva, p, fw->counters + XV_FW_CTR_ASYMMETRIC, bytes);
	hit = xv_fw_match((void *)0, fw, p);
	if (hit >= 0)
		r = xv_fw_rule_at((void *)0, fw->first + (__u32)hit);
	action = r ? r->action : fw->default_action;
	counter = fw->counters + (r ? r->counter : XV_FW_CTR_RULES + fw->nnamed);
	if (action != XV_FW_ALLOW)
		return xv_fw_deny(nva, p, counter, bytes);
	xv_fw_count(counter, bytes);
	nct.opener_a = from_a;
	nct.expires = now + xv_ct_timeout(nct.state, p->proto);
	nct.packets = 1;
	bpf_map_update_elem(&fw_conns, &k, &nct, BPF_ANY);
	return XV_FW_PASS;
}
#endif

#endif
