/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names of what an image holds: its NIC slots ("app1 (spoke1/app)")
 * and route ids ("0.0.0.0/0 User VirtualAppliance 10.0.1.4"), as stats
 * and trace show them. The compiler's side makes them beside the image,
 * from the same topology and engine; the lab keeps them with its state,
 * one table per generation (state.h), so that naming a counter or a
 * traced frame never needs the topology again, and a frame of an older
 * generation is named as that generation had it.
 *
 * Building is pure (log.h's allocators); naming reads the table only.
 */
#ifndef XVNET_FABRIC_NAMES_H
#define XVNET_FABRIC_NAMES_H

#include <stddef.h>

#include "engine.h"
#include "image.h"
#include "model.h"

/* An own route (route id < nown): its table and itself. */
struct names_route {
	char *table;	/* every subnet its table serves: "spoke1/app, spoke1/db" */
	char *route;	/* "10.1.0.0/16 User VirtualAppliance 10.0.1.4" */
};

/* A gateway's learned routes: one hit counter, ids first .. first + nprefixes. */
struct names_gateway {
	char *name;
	char *learned;	/* what follows the prefix: "VirtualNetworkGateway VirtualNetworkGateway 10.0.255.4" */
	int first;	/* route id of prefixes[0] */
	char **prefixes;
	int nprefixes;
};

/* A firewall NVA of dataplane xdp: its counters (fw_counters first .. first + n). */
struct names_firewall {
	char *vm;
	int slot;	/* its NIC */
	int first;
	char **counters;	/* as its nftables ruleset's comments name them */
	char **actions;		/* "Allow", "Deny" */
	int n;
};

struct fabric_names {
	char **nics;	/* by slot */
	int nnics;
	struct names_route *routes;
	int nown;	/* own routes; hit counter nown + g is gateway g's */
	struct names_gateway *gateways;
	int ngateways;
	struct names_firewall *firewalls;
	int nfirewalls;
};

/* The names of img, compiled from t and e. */
void fabric_names_build(const struct topology *t, const struct engine *e,
			const struct fabric_image *img, struct fabric_names *out);
void fabric_names_free(struct fabric_names *n);

/* Hit counters: own routes', then one per gateway. */
static inline int fabric_names_hits(const struct fabric_names *n)
{
	return n->nown + n->ngateways;
}

/* "app1 (spoke1/app)", "hub-gw (hub/GatewaySubnet)", "Internet"; "nic 3" unnamed. */
const char *fabric_names_nic(const struct fabric_names *n, __u32 slot, char *buf, size_t len);
/*
 * "0.0.0.0/0 User VirtualAppliance 10.0.1.4"; "route 12" unnamed (n may
 * be NULL). dst (network order) names a learned route (XV_ROUTE_ID_GW).
 */
const char *fabric_names_route(const struct fabric_names *n, __u32 route_id, __u32 dst,
			       char *buf, size_t len);
/* Where hit counter i lives: its table's subnets, or its gateway; "-": none. */
const char *fabric_names_table(const struct fabric_names *n, __u32 counter);

/* A verdict's name: Forwarded, ArpReply, or the drop reason. */
const char *fabric_verdict_name(enum xv_verdict v);

#endif
