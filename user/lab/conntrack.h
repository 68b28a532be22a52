/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The source translations a lab node holds: its connection tracking
 * entries whose reply goes to another address than the original source
 * (a firewall NVA's source NAT, the Internet edge's public addresses).
 * conntrack_parse() is pure; conntrack_read() reads a namespace's table.
 */
#ifndef XVNET_CONNTRACK_H
#define XVNET_CONNTRACK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct translation {
	char proto[8];		/* "tcp", "udp", "icmp", ... */
	uint32_t src, dst;	/* the flow as it arrived */
	uint16_t dport;		/* 0 when the protocol has none */
	uint32_t as;		/* the source it was translated to */
};

/* One /proc/net/nf_conntrack line: true when it is a translation. */
bool conntrack_parse(const char *line, struct translation *out);

/*
 * The translations of namespace netns (malloc'ed array in *out); their
 * count, or -1 when the namespace or its table cannot be read.
 */
int conntrack_read(const char *netns, struct translation **out);

#endif
