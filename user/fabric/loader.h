/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fabric loader: loads bpf/fabric.bpf.c through its skeleton, attaches
 * it natively to the outer end of every NIC, pins its maps under
 * pin_dir and swaps route generations atomically. docs/dataplane.md.
 *
 * It takes compiled images (image.h) and knows nothing of topologies or
 * route engines. Call fabric_load() and fabric_unload() from a process
 * that has entered the lab's fabric namespace (setns): devmap ifindexes
 * resolve in the caller's namespace. Every function returns 0 or a
 * negative errno and reports what went wrong itself (log.h), once.
 */
#ifndef XVNET_LOADER_H
#define XVNET_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"

/*
 * The pin directory of a lab: /sys/fs/bpf/xvnet/<lab>, derived from its
 * name only. Every pin directory is FABRIC_PIN_ROOT/NAME, opened through
 * the pin root, which is verified (made when create) before use: a
 * directory on bpffs owned by root, mode 0700, not a link. 0 or -errno,
 * with the reason printed.
 */
#define FABRIC_PIN_ROOT "/sys/fs/bpf/xvnet"
int fabric_pin_dir(const char *lab, char *buf, size_t len);
int fabric_pin_root(bool create);

/*
 * The names of the pin root's entries that are lab names (the labs with
 * pins); every other entry is reported as not xvnet's.
 */
char **fabric_pinned_labs(void);
/* Is there a pin directory (or anything under that name) for lab? */
bool fabric_pinned(const char *lab);

/*
 * Load the fabric for nics[0..n) (slot = array position; img compiled for
 * them), write img as its first generation, pin the maps in pin_dir
 * (created) and attach to every NIC. *gen (may be NULL): the generation
 * made current. Anything done is undone on failure.
 */
int fabric_load(const struct fabric_image *img, const struct fabric_nic *nics, int n,
		const char *pin_dir, __u32 *gen);

/*
 * Make img current in one write, through the pinned maps. The NIC
 * inventory must be the one given to fabric_load() (same kinds, indices
 * and ifindexes, in the same order). *gen (may be NULL): the generation
 * made current. On failure the previous generation stays in force.
 */
int fabric_apply(const struct fabric_image *img, const struct fabric_nic *nics, int n,
		 const char *pin_dir, __u32 *gen);

/*
 * Detach from every NIC still present and remove the pins. Idempotent.
 * Only the fabric's own pins are removed; anything else is reported and
 * left in place, and so is the directory then (-EPERM).
 */
int fabric_unload(const char *pin_dir);

/*
 * Attach the XDP_PASS program to ifindex in the caller's namespace: the
 * inner end of a NIC needs one so that frames redirected into it are
 * accepted (veth drops them without NAPI on the peer).
 */
int fabric_attach_pass(int ifindex);

/* A running fabric, read-only except for the trace switch. */
struct fabric_view {
	int stats;		/* per-CPU struct xv_nic_stats, nnics + 1 slots */
	int config;
	int events;		/* ring buffer of struct xv_event, when no reader has its own */
	int rings;		/* the trace readers' own rings, by slot; -1: an older lab */
	int nics;		/* NIC records of both generations */
	int nic_base;		/* the current generation's first record */
	int hits;		/* the current generation's per-CPU route hits */
	int fw_counters;	/* the current generation's per-CPU XDP NVA counters */
	int fw_conns;		/* XDP NVAs' connections, -1: a fabric older than them */
	int fw_denied;		/* XDP NVAs' denied-flow log, -1: likewise */
	int nnics;
	int ncpus;
};

/* Open the pinned maps of pin_dir and the current generation's. */
int fabric_view_open(const char *pin_dir, struct fabric_view *v);
void fabric_view_close(struct fabric_view *v);
/* The current generation's record of NIC slot. */
int fabric_read_nic(const struct fabric_view *v, __u32 slot, struct xv_nic *out);
/* Counters of slot (nnics: frames from no NIC), summed over CPUs. */
int fabric_read_stats(const struct fabric_view *v, int slot, struct xv_nic_stats *out);
/* Hit counter i (struct fabric_image: nown, nhits), summed over CPUs. */
int fabric_read_hits(const struct fabric_view *v, __u32 counter, __u64 *out);

/* The number of the current generation (XV_CFG_GEN). */
int fabric_read_gen(const struct fabric_view *v, __u32 *gen);

/* XDP NVA counter i (struct xv_firewall.counters + k), summed over CPUs. */
int fabric_read_fw_counter(const struct fabric_view *v, __u32 i, struct xv_fw_counter *out);

struct fabric_denied {
	struct xv_fw_denied flow;
	__u64 packets;
};

struct fabric_conn {
	struct xv_ct_key key;
	struct xv_ct ct;
};

/*
 * The denied-flow log and the connection table of the XDP NVAs (malloc'ed
 * arrays in *out): their count, or -errno. Connections past their
 * deadline (struct xv_ct.expires, CLOCK_MONOTONIC) are left out.
 */
int fabric_read_denied(const struct fabric_view *v, struct fabric_denied **out);
int fabric_read_conns(const struct fabric_view *v, struct fabric_conn **out);

#endif
