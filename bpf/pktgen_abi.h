/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the generator (bpf/pktgen.bpf.c) and its driver (user/lab/pktgen.c). */
#ifndef XVNET_PKTGEN_ABI_H
#define XVNET_PKTGEN_ABI_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

/* The generated frame's headers: Ethernet, IPv4 without options, UDP. */
struct pktgen_hdr {
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
} __attribute__((packed));

/* Words of template the generator restores per frame (covers struct pktgen_hdr). */
#define PKTGEN_TMPL_WORDS ((sizeof(struct pktgen_hdr) + 7) / 8)
#define PKTGEN_MIN_LEN (PKTGEN_TMPL_WORDS * 8)

struct pktgen_dst {
	__be32 daddr;
	__sum16 check; /* the IPv4 header checksum with this destination */
	__u16 pad;
};

#endif
