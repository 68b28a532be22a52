/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What verify sees of its probes on the fabric: it takes a trace reader
 * slot (fabric_cli.h) for the run, keeps the events, and then tells for
 * each probe which nodes saw it and where it died (observe.h). Not pure:
 * reads the lab's pinned maps and its names table.
 */
#ifndef XVNET_VERIFY_WATCH_H
#define XVNET_VERIFY_WATCH_H

#include <stdbool.h>

#include "fabric_cli.h"
#include "observe.h"
#include "probe.h"

struct verify_watch {
	struct fabric_session fs;
	bool open;
	struct ring_buffer *rb;
	struct xv_event *ev;	/* the IPv4 events, in the order read */
	size_t n, cap;
	long lost;		/* events lost before the run */
	bool others;		/* another trace read the ring during the run */
	const char *unobserved;	/* why no path can be told; NULL: observed */
	char (*node)[64];	/* node name by NIC slot ("" unnamed) */
	int nnodes;
	char lost_why[64];
};

/*
 * Start watching lab's fabric (o names the lab); *w tells why not in
 * w->unobserved when it cannot (no XDP fabric, another trace running).
 */
void verify_watch_start(struct verify_watch *w, const struct verb_opts *o);
/* While the probes run: drain the ring into w. */
void verify_watch_fill(struct probe_watch *pw, struct verify_watch *w);
/* After them: the last events, the reader slot freed, the NICs named. */
void verify_watch_stop(struct verify_watch *w);
void verify_watch_free(struct verify_watch *w);

/*
 * The flows of probes p[0..n) as the fabric saw them (out[n], zeroed by
 * the caller); false when nothing can be told (w->unobserved says why).
 */
bool verify_watch_flows(struct verify_watch *w, const struct obs_probe *p, int n,
			struct obs_flow *out);

/* Whether events were lost: then an observation confirms, never refutes. */
bool verify_watch_lossy(const struct verify_watch *w);

/* The node of NIC slot, "" when unnamed. */
const char *verify_watch_node(const struct verify_watch *w, int slot);

#endif
