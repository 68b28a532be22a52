/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What tells one flow from another past the IPv4 header: TCP and UDP
 * ports, an ICMP message's type and code and, for an echo request or
 * reply, its id. Pure. One parser, compiled twice: by bpf/fabric.bpf.c
 * (its trace events, read only while tracing is on: the forwarding path
 * never looks past the IPv4 header) and in user space, where the pointers
 * are plain memory (the unit tests, the tools that match events to flows).
 */
#ifndef XVNET_L4_H
#define XVNET_L4_H

#include <linux/types.h>

#ifdef __bpf__
#define XV_L4	static __always_inline
#else
#define XV_L4	static inline
#endif

/* IPv4 protocol numbers (linux/in.h and netinet/in.h do not mix). */
#define XV_PROTO_ICMP	1
#define XV_PROTO_TCP	6
#define XV_PROTO_UDP	17

#define XV_ICMP_ECHO_REPLY	0
#define XV_ICMP_ECHO		8

/*
 * A packet's L4 identity, host byte order. TCP/UDP: the ports. ICMP:
 * sport is an echo request's or reply's id (0 for other messages), dport
 * the type and code (type << 8 | code). All zero: not known (another
 * protocol, a later fragment, a header cut short).
 */
struct xv_l4 {
	__u16 sport;
	__u16 dport;
};

#define XV_L4_ICMP_TYPE(l4)	((l4).dport >> 8)
#define XV_L4_ICMP_CODE(l4)	((l4).dport & 0xff)

XV_L4 int xv_l4_is_echo(__u8 type)
{
	return type == XV_ICMP_ECHO || type == XV_ICMP_ECHO_REPLY;
}

/*
 * The L4 identity of the IPv4 packet at ip, whose bytes end at end; the
 * IPv4 header is checked here too, so any pointer into a frame will do.
 * The 8 bytes past the IPv4 header (and its options) must be there.
 */
XV_L4 struct xv_l4 xv_l4_parse(const void *ip, const void *end)
{
	const __u8 *h = ip, *l4;
	struct xv_l4 r = { 0, 0 };
	__u32 ihl;

	if ((const void *)(h + 20) > end || h[0] >> 4 != 4)
		return r;
	/* a later fragment carries no L4 header: offset bits nonzero */
	if ((h[6] & 0x1f) | h[7])
		return r;
	ihl = (h[0] & 0xf) * 4u;
	if (ihl < 20)
		return r;
	l4 = h + ihl;
	if ((const void *)(l4 + 8) > end)
		return r;
	switch (h[9]) {
	case XV_PROTO_TCP:
	case XV_PROTO_UDP:
		r.sport = (__u16)(l4[0] << 8 | l4[1]);
		r.dport = (__u16)(l4[2] << 8 | l4[3]);
		break;
	case XV_PROTO_ICMP:
		r.dport = (__u16)(l4[0] << 8 | l4[1]);
		if (xv_l4_is_echo(l4[0]))
			r.sport = (__u16)(l4[4] << 8 | l4[5]);
		break;
	}
	return r;
}

#endif
