/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `xvnet stats` and `xvnet trace` share: finding a running lab's
 * fabric (-t FILE and/or --lab NAME), and naming its NICs and routes from
 * the topology (without one, NICs and routes are shown by number).
 */
#ifndef XVNET_FABRIC_CLI_H
#define XVNET_FABRIC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "compile.h"
#include "loader.h"
#include "verb.h"

struct fabric_session {
	struct session s;	/* topology and engine, when -t is given or the lab's state names it */
	char *state_file;	/* the topology file of the lab's state, when names come from it */
	struct fabric_image img; /* route ids -> routes (compiled without NICs) */
	struct fabric_view v;
	enum print_format format;
	bool watch;		/* stats --watch */
	long count;		/* trace -c N, 0: forever */
	char lab[128];
	char pin_dir[256];
	__u32 config_id;	/* the kernel's id of the lab's config map */
	__u32 gen;		/* the generation NICs and routes are named for */
	int state_pid;		/* the writer of the state the names came from, 0: none */
	__u32 *config;		/* trace: config mmap'd, for the reader slots */
	size_t config_len, config_stride;
	int reader;		/* trace: its slot, -1: none */
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
 * process and switches tracing on; leave frees it and switches tracing
 * off when no live reader is left. Join: 0, or -errno (-EBUSY: every slot
 * taken).
 */
int fabric_trace_join(struct fabric_session *fs);
void fabric_trace_leave(struct fabric_session *fs);

/* False once the lab's fabric is gone (destroyed, or destroyed and redeployed). */
bool fabric_lab_alive(const struct fabric_session *fs);

/*
 * Name NICs and routes for generation gen (a trace event's): after an
 * apply, from the file the lab's state names then. False: no names for gen
 * (an older generation's frame).
 */
bool fabric_follow(struct fabric_session *fs, __u32 gen);

/* "app1 (spoke1/app)", "hub-gw (hub/GatewaySubnet)", "Internet", or "nic 3". */
const char *fabric_nic_name(const struct fabric_session *fs, __u32 slot,
			    char *buf, size_t len);
/*
 * "0.0.0.0/0 User VirtualAppliance 10.0.1.4", or "route 12"; NULL: no
 * route. dst (network order) names a learned route (XV_ROUTE_ID_GW). With
 * fs NULL, by number.
 */
const char *fabric_route_name(const struct fabric_session *fs, __u32 route_id,
			      __u32 dst, char *buf, size_t len);

/*
 * Where a route id lives: "spoke1/app" (every subnet its table serves,
 * "spoke1/app, spoke1/db"), or "hub-gw" for learned routes.
 */
const char *fabric_route_owner(const struct fabric_session *fs, __u32 route_id,
			       char *buf, size_t len);

#endif
