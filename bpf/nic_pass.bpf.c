// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_PASS for the inner (namespace) end of every NIC. A veth drops frames
 * redirected into it unless its peer runs NAPI, which an attached XDP
 * program provides; this one only lets every frame up the stack.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xvnet_nic_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
