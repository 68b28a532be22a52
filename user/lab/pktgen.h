/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's frame generator (bpf/pktgen.bpf.c): IPv4/UDP frames
 * sent live out of a device, or chained into an XDP program under test to
 * measure its cost per frame with BPF_PROG_RUN.
 */
#ifndef XVNET_PKTGEN_H
#define XVNET_PKTGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "pktgen_abi.h"

struct pktgen_opts {
	int ifindex;		/* live: the device frames leave by */
	bool chained;		/* hand frames to a program under test instead */
	int len;		/* frame length without FCS, >= PKTGEN_MIN_LEN */
	unsigned char smac[ETH_ALEN], dmac[ETH_ALEN];
	uint32_t saddr;		/* host byte order */
	uint16_t dport;		/* UDP destination port; 0: 9 (discard) */
	const uint32_t *daddrs;	/* host byte order; more than one: sprayed in turn */
	int n_daddrs;
};

struct pktgen_ctx;

/* The frame headers for one destination (IPv4 checksum included). */
void pktgen_frame(const struct pktgen_opts *o, uint32_t daddr, struct pktgen_hdr *h);

/* The MAC address of dev in the caller's namespace: 0 or -errno. */
int pktgen_dev_mac(const char *dev, unsigned char mac[ETH_ALEN]);

/* Load the generator. Returns 0 or a negative errno (reported on stderr). */
int pktgen_open(struct pktgen_ctx **g, const struct pktgen_opts *o);
void pktgen_close(struct pktgen_ctx *g);

/*
 * Send for `seconds`, or until SIGINT or SIGTERM, from the calling thread
 * (pin it first). *frames: frames generated; *elapsed: seconds spent.
 */
int pktgen_live(struct pktgen_ctx *g, double seconds, uint64_t *frames, double *elapsed);

/*
 * Run prog_fd on `repeat` generated frames arriving on ingress_ifindex
 * (BPF_PROG_RUN). *ns: the kernel's time per frame, generator included;
 * *verdict: the XDP action of the last frame.
 */
int pktgen_test_run(struct pktgen_ctx *g, int prog_fd, int ingress_ifindex,
		    uint32_t repeat, uint32_t *ns, uint32_t *verdict);

#endif
