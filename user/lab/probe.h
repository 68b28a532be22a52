/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real packets in a running lab: does the answer to a flow come back?
 * Not pure: forks one responder per answering namespace (TCP listeners
 * that send a byte, UDP echo) and one prober per sending namespace, which
 * sends all of its flows at once and waits for their answers. ICMP echo is
 * answered by the kernel. Every child is ours and ends with the run.
 */
#ifndef XVNET_PROBE_H
#define XVNET_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct probe {
	const char *src_netns;	/* the namespace the flow starts in */
	const char *dst_netns;	/* the namespace that answers; NULL: none of ours */
	uint32_t src, dst;	/* the source is bound: a site may hold several hosts */
	enum fw_proto proto;	/* FW_ICMP, FW_TCP or FW_UDP */
	uint16_t port;		/* TCP and UDP */
	bool answered;		/* out: the answer came back */
	uint16_t sport;		/* out: TCP/UDP source port of the last try; ICMP: the echo id */
};

/*
 * Something to drain while the probes run (verify's trace events): fd
 * polled with the results, drain(ctx) called when it is readable. In the
 * parent, never in the forked children.
 */
struct probe_watch {
	int fd;
	void (*drain)(void *ctx);
	void *ctx;
};

#define PROBE_TIMEOUT_MS 2000	/* a lost TCP SYN is sent again after 1 s */

/*
 * Run the n probes; answered is set on each. 0, or -errno with *why naming
 * what failed (a port taken in a namespace: -EADDRINUSE).
 */
int probe_run(struct probe *p, int n, int timeout_ms, const struct probe_watch *watch,
	      char *why, size_t whylen);

#endif
