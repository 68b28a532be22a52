/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `xvnet stats` and `xvnet trace` share: finding a running lab's
 * fabric (--lab NAME, or the name in -t FILE), and naming its NICs and
 * routes from the names table of each generation that the lab keeps with
 * its state (fabric_names.h); without one they are shown by number.
 */
#ifndef XVNET_FABRIC_CLI_H
#define XVNET_FABRIC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "fabric_names.h"
#include "lab.h"
#include "loader.h"
#include "verb.h"

struct fabric_session {
	const struct verb *verb;
	struct fabric_view v;
	enum print_format format;
	bool watch;		/* stats --watch */
	long count;		/* trace -c N, 0: forever */
	char lab[LAB_NAME_LEN];
	char pin_dir[256];
	__u32 config_id;	/* the kernel's id of the lab's config map */
	__u32 gen;		/* the current generation, as last seen */
	struct fabric_names names;	/* gen's, when named */
	bool named;
	__u32 older_gen;	/* trace: the last older generation named, 0: none */
	struct fabric_names older;
	bool older_named;
	__u32 *config;		/* trace: config mmap'd, for the reader slots */
	size_t config_len, config_stride;
	__u32 config_entries;
	int reader;		/* trace: its slot, -1: none */
	int ring;		/* trace: the ring it reads: its own, or v.events; -1: none */
	bool own_ring;
};

/*
 * Open the fabric of the lab the options o of stats or trace name: 0, or
 * the exit code to return (the reason printed).
 */
int fabric_session_open(struct fabric_session *fs, const struct verb_opts *o);
void fabric_session_close(struct fabric_session *fs);

/*
 * Trace readers (docs/dataplane.md, "Trace"): the fabric emits events
 * while a reader slot names a live process. Join claims a slot for this
 * process, puts a ring buffer of its own in the slot (fs->ring; the
 * shared one on a lab without `rings`) and switches tracing on; leave
 * removes the ring, frees the slot and switches tracing off when no live
 * reader is left. Join: 0, or -errno (-EBUSY: every slot taken).
 */
int fabric_trace_join(struct fabric_session *fs);
void fabric_trace_leave(struct fabric_session *fs);
/*
 * Whether a live process other than this one holds a reader slot. Maps
 * config if needed; false when it cannot. It matters only when the
 * readers share the ring (!own_ring, a lab of an older xvnet): each event
 * then goes to one of them.
 */
bool fabric_trace_others(struct fabric_session *fs);
/* The events the fabric had no room for so far; -1: it does not count them. */
long fabric_trace_lost(const struct fabric_session *fs);

/* False once the lab's fabric is gone (destroyed, or destroyed and redeployed). */
bool fabric_lab_alive(const struct fabric_session *fs);

/*
 * The names of generation gen (a trace event's), NULL: by number. A newer
 * generation becomes the current one: its names are written right after
 * the switch, and waited for (a second at most). An older one's frames are
 * still in flight: named as that generation had them.
 */
const struct fabric_names *fabric_session_names(struct fabric_session *fs, __u32 gen);

/* "app1 (spoke1/app)", "Internet", or "nic 3" (n NULL); "-" for no NIC. */
const char *fabric_nic_name(const struct fabric_session *fs, const struct fabric_names *n,
			    __u32 slot, char *buf, size_t len);

/*
 * The same as fields: text as the names above (printed with fmt, or as
 * the table column key), JSON as an object under key: {"vm"|"gateway",
 * "vnet", "subnet"}, {"internet": true}, {"nic": slot} when unnamed, null
 * for no NIC; a route as {"addressPrefix", "source", "nextHopType",
 * "nextHopIpAddress"}, {"id"} when unnamed, null for none.
 */
void fabric_print_nic(const struct fabric_session *fs, const struct fabric_names *n,
		      const char *key, const char *fmt, __u32 slot);
void fabric_print_route(const struct fabric_names *n, const char *key, const char *fmt,
			__u32 route_id, __u32 dst);
/* The bare name of the node behind a NIC ("app1", "hub-gw", "internet"); false: none. */
bool fabric_node_of(const struct fabric_names *n, __u32 slot, char name[64]);

#endif
