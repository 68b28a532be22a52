// SPDX-License-Identifier: GPL-2.0
/*
 * verify's view of the fabric while it probes (see verify_watch.h): a
 * trace reader of its own, the events kept in memory, matched to the
 * probes once their source ports are known.
 */
#include "verify_watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "log.h"

static int on_event(void *ctx, void *data, size_t len)
{
	struct verify_watch *w = ctx;
	struct xv_event ev = { 0 };

	memcpy(&ev, data, len < sizeof(ev) ? len : sizeof(ev));
	if (ev.ethertype != 0x0800)
		return 0;	/* ARP: no probe's */
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 1 << 16;
		w->ev = xrealloc(w->ev, w->cap * sizeof(*w->ev));
	}
	w->ev[w->n++] = ev;
	return 0;
}

static bool has_fabric(const char *lab)
{
	char dir[256], path[300];

	if (fabric_pin_dir(lab, dir, sizeof(dir)))
		return false;
	snprintf(path, sizeof(path), "%s/config", dir);
	return !access(path, F_OK);
}

void verify_watch_start(struct verify_watch *w, const struct verb_opts *o)
{
	memset(w, 0, sizeof(*w));
	if (!has_fabric(o->lab)) {
		w->unobserved = "the lab has no XDP fabric to trace";
		return;
	}
	if (fabric_session_open(&w->fs, o)) {
		w->unobserved = "the lab's fabric cannot be read";
		return;
	}
	w->open = true;
	if (fabric_trace_join(&w->fs)) {
		w->unobserved = "the lab's fabric cannot be traced";
		return;
	}
	if (!w->fs.own_ring && fabric_trace_others(&w->fs)) {
		/* a lab of an older xvnet: one ring, each event to one reader */
		fabric_trace_leave(&w->fs);
		w->unobserved = "another trace of the lab is running";
		return;
	}
	w->rb = ring_buffer__new(w->fs.ring, on_event, w, NULL);
	if (!w->rb) {
		w->unobserved = "the lab's fabric cannot be traced";
		return;
	}
	w->lost = fabric_trace_lost(&w->fs);
}

static void drain(void *ctx)
{
	struct verify_watch *w = ctx;

	ring_buffer__consume(w->rb);
	if (!w->fs.own_ring)
		w->others |= fabric_trace_others(&w->fs);
}

void verify_watch_fill(struct probe_watch *pw, struct verify_watch *w)
{
	*pw = (struct probe_watch){ -1, drain, w };
	if (!w->unobserved)
		pw->fd = ring_buffer__epoll_fd(w->rb);
}

/* Node names of the current generation's NIC slots. */
static void name_nodes(struct verify_watch *w)
{
	const struct fabric_names *n = fabric_session_names(&w->fs, w->fs.gen);

	w->nnodes = w->fs.v.nnics;
	w->node = xcalloc((size_t)w->nnodes + 1, sizeof(*w->node));
	for (int i = 0; i < w->nnodes; i++)
		if (!fabric_node_of(n, (__u32)i, w->node[i]))
			w->node[i][0] = '\0';
}

void verify_watch_stop(struct verify_watch *w)
{
	const struct timespec settle = { 0, 100 * 1000 * 1000 };
	long lost;

	if (w->unobserved)
		return;
	nanosleep(&settle, NULL);	/* the last frames in flight */
	drain(w);
	lost = fabric_trace_lost(&w->fs);
	fabric_trace_leave(&w->fs);
	if (w->others)
		w->unobserved = "another trace of the lab read some of its events";
	else if (lost < 0 || w->lost < 0)
		snprintf(w->lost_why, sizeof(w->lost_why), "the fabric does not count lost events");
	else if (lost > w->lost)
		snprintf(w->lost_why, sizeof(w->lost_why), "%ld trace events lost", lost - w->lost);
	name_nodes(w);
}

bool verify_watch_lossy(const struct verify_watch *w)
{
	return w->lost_why[0];
}

const char *verify_watch_node(const struct verify_watch *w, int slot)
{
	return slot >= 0 && slot < w->nnodes ? w->node[slot] : "";
}

bool verify_watch_flows(struct verify_watch *w, const struct obs_probe *p, int n,
			struct obs_flow *out)
{
	struct obs_index ix;

	if (w->unobserved)
		return false;
	obs_index_build(p, n, &ix);
	for (size_t i = 0; i < w->n; i++) {
		int k;

		if (w->ev[i].gen != w->fs.gen) {
			/* an apply during the run: named by another table */
			snprintf(w->lost_why, sizeof(w->lost_why), "the routes changed during the run");
			continue;
		}
		k = obs_match(&ix, p, &w->ev[i]);
		if (k >= 0)
			obs_add(&out[k], &w->ev[i]);
	}
	obs_index_free(&ix);
	return true;
}

void verify_watch_free(struct verify_watch *w)
{
	ring_buffer__free(w->rb);
	if (w->open)
		fabric_session_close(&w->fs);
	free(w->ev);
	free(w->node);
}
