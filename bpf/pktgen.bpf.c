// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4/UDP frame generator for the fabric benchmark (user/lab/pktgen.c).
 *
 * Live: run by BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES (the mechanism
 * of xdp-trafficgen, which only sends IPv6 with hop limit 1), every frame
 * redirected out of one device.
 * Chained: run by BPF_PROG_RUN without live frames, every frame handed by
 * tail call to the program under test, so its cost per frame is measured on
 * fresh headers and sprayed destinations, as it would see them live.
 *
 * Pages (live) and the test buffer (chained) are reused without being
 * reset, and a forwarder rewrites MACs and TTL in place, so the whole
 * header is restored from the template on every frame.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "pktgen_abi.h"

const volatile __u32 out_ifindex; /* live: the device frames leave by */
const volatile int chained;
const volatile __u32 n_dsts; /* 0: always the template's destination */
/* struct pktgen_hdr as words: copied with 8-byte stores (x86 allows them unaligned). */
const volatile __u64 tmpl[PKTGEN_TMPL_WORDS];

/* One destination (and its header checksum) per entry, precomputed by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* resized to n_dsts before load */
	__type(key, __u32);
	__type(value, struct pktgen_dst);
} dsts SEC(".maps");

/* Chained: slot 0 holds the program under test. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} under_test SEC(".maps");

/*
 * Frames generated. Plain increments: one generator thread runs the program
 * on one CPU, and BPF_PROG_RUN never runs it concurrently with itself.
 */
__u64 frames;
__u32 cursor;

SEC("xdp")
int xdp_pktgen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct pktgen_hdr *h = data;
	__u64 *word = data;
	struct pktgen_dst *d;
	__u32 key;

	if ((void *)(word + PKTGEN_TMPL_WORDS) > data_end)
		return XDP_ABORTED;
	for (int i = 0; i < PKTGEN_TMPL_WORDS; i++)
		word[i] = tmpl[i];
	frames++;

	if (n_dsts) {
		key = cursor;
		if (++cursor >= n_dsts)
			cursor = 0;
		d = bpf_map_lookup_elem(&dsts, &key);
		if (!d)
			return XDP_ABORTED;
		h->ip.daddr = d->daddr;
		h->ip.check = d->check;
	}
	if (chained) {
		bpf_tail_call(ctx, &under_test, 0);
		return XDP_ABORTED;
	}
	return bpf_redirect(out_ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
