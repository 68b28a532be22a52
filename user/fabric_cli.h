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
	char *state_file;	/* the topology file of --lab's state */
	struct fabric_image img; /* route ids -> routes (compiled without NICs) */
	struct fabric_view v;
	bool json;
	bool watch;		/* stats --watch */
	long count;		/* trace -c N, 0: forever */
};

/*
 * Parse the command line of verb ("stats" or "trace", with help text) and
 * open the fabric. Returns SESSION_READY or the exit code to return.
 */
int fabric_session_open(struct fabric_session *fs, const struct verb *v,
			int argc, char **argv);
void fabric_session_close(struct fabric_session *fs);

/* "app1 (spoke1/app)", "hub-gw (hub/GatewaySubnet)", "Internet", or "nic 3". */
const char *fabric_nic_name(const struct fabric_session *fs, __u32 slot,
			    char *buf, size_t len);
/*
 * "0.0.0.0/0 User VirtualAppliance 10.0.1.4", or "route 12"; NULL: no
 * route. dst (network order) names a learned route (XV_ROUTE_ID_GW).
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
