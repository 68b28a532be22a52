// SPDX-License-Identifier: GPL-2.0
/*
 * Reference forwarders the fabric benchmark measures next to the fabric
 * (scripts/bench-fabric.sh), all sharing this object's maps:
 *   xdp_redirect  MAC rewrite + devmap redirect to one fixed port, no
 *                 lookup: the practical ceiling of an XDP hop on veth.
 *   xdp_fib       the kernel FIB through bpf_fib_lookup (samples/bpf
 *                 xdp_fwd, IPv4 only): the comparison for big tables.
 *   xdp_sink      counts and drops what arrives in the destination.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "pktgen_abi.h"

#ifndef AF_INET
#define AF_INET 2
#endif

/* Egress ports, keyed and valued by ifindex (as xdp-forward does). */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} tx_ports SEC(".maps");

struct redirect_egress {
	__u32 ifindex;
	__u8 dmac[ETH_ALEN];
	__u8 smac[ETH_ALEN];
};

/* xdp_redirect's one destination: the fabric's NIC record, minus the lookup. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct redirect_egress);
} redirect_egress SEC(".maps");

struct sink_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sink_stats);
} sink_stats SEC(".maps");

/* Set by the generator's smoke test: keep the headers of the last frame. */
const volatile int sink_capture;
struct pktgen_hdr sink_last;

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct redirect_egress *e;
	__u32 key = 0;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	e = bpf_map_lookup_elem(&redirect_egress, &key);
	if (!e)
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, e->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, e->smac, ETH_ALEN);
	return bpf_redirect_map(&tx_ports, e->ifindex, 0);
}

/* RFC 1624 incremental update, as the kernel's ip_decrease_ttl(). */
static __always_inline void ip_decrease_ttl(struct iphdr *ip)
{
	__u32 check = ip->check;

	check += bpf_htons(0x0100);
	ip->check = (__u16)(check + (check >= 0xFFFF));
	ip->ttl--;
}

SEC("xdp")
int xdp_fib(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup fib = {};
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	if (ip->ttl <= 1)
		return XDP_PASS;

	fib.family = AF_INET;
	fib.tos = ip->tos;
	fib.l4_protocol = ip->protocol;
	fib.tot_len = bpf_ntohs(ip->tot_len);
	fib.ipv4_src = ip->saddr;
	fib.ipv4_dst = ip->daddr;
	fib.ifindex = ctx->ingress_ifindex;
	if (bpf_fib_lookup(ctx, &fib, sizeof(fib), 0) != BPF_FIB_LKUP_RET_SUCCESS)
		return XDP_PASS;
	/* Only redirect to ports whose peer can take XDP frames. */
	if (!bpf_map_lookup_elem(&tx_ports, &fib.ifindex))
		return XDP_PASS;

	ip_decrease_ttl(ip);
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	return bpf_redirect_map(&tx_ports, fib.ifindex, 0);
}

SEC("xdp")
int xdp_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct sink_stats *s;
	__u32 key = 0;

	s = bpf_map_lookup_elem(&sink_stats, &key);
	if (s) {
		s->packets++;
		s->bytes += data_end - data;
	}
	if (sink_capture && data + sizeof(sink_last) <= data_end)
		__builtin_memcpy(&sink_last, data, sizeof(sink_last));
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
