// SPDX-License-Identifier: GPL-2.0
/*
 * The receive sink of `xvnet bench --sink xdp`: attached in place of
 * nic_pass at the inner end of the receiving NIC while frames/s are
 * measured. It counts and drops the benchmark's frames (IPv4 UDP to its
 * port) in a per-CPU counter; every other frame goes up the stack as with
 * nic_pass. So the figure is the path's, not the receiver's UDP stack's.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

const volatile __u16 port;	/* the benchmark's UDP destination port, host order */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counted SEC(".maps");

SEC("xdp")
int xvnet_nic_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u32 key = 0;
	__u64 *n;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl < 5)
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end || udp->dest != bpf_htons(port))
		return XDP_PASS;
	n = bpf_map_lookup_elem(&counted, &key);
	if (n)
		(*n)++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
