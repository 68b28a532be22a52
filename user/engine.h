/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The route engine: Azure's effective routes, next hop and hop-by-hop path,
 * computed from a validated topology. Pure: no I/O, no BPF, no printing.
 * Rules are ../shared/spec/azure-routing.md; rule ids (R2.7, ...) are cited
 * where they are implemented.
 *
 * Gateway-learned routes can number tens of thousands and are the same for
 * every subnet that receives them, so they are computed once per gateway
 * (struct gw_routes) and shared; a subnet's route set only records which
 * of them are Invalid for it.
 */
#ifndef XVNET_ENGINE_H
#define XVNET_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

enum route_source { SRC_DEFAULT, SRC_USER, SRC_GATEWAY };

/* Where a gateway-learned prefix leads, from the gateway's point of view. */
enum learned_via { VIA_SITE, VIA_CIRCUIT, VIA_PEER_GATEWAY };

struct learned_route {
	struct prefix prefix;
	enum learned_via via;
	int target;	/* site, circuit or peer gateway index, per via */
	int connection; /* the connection it was learned over */
};

/* Everything one gateway learned, sorted by prefix_cmp, one row a prefix. */
struct gw_routes {
	int gateway;
	struct learned_route *routes;
	int n;
	/* LPM index: per prefix length, indices into routes sorted by addr. */
	int *by_len[33];
	int nby_len[33];
};

struct eff_route {
	struct prefix prefix;
	enum route_source source;
	bool active;
	enum next_hop_type type;
	uint32_t next_hop_ip;	/* VirtualAppliance and gateway routes; else 0 */
	int peer_vnet;		/* peering routes: the remote VNet; else -1 */
	int gateway;		/* gateway routes (and UDRs to VirtualNetworkGateway): the gateway; else -1 */
	int route_table;	/* User routes: the table; else -1 */
	int udr;		/* User routes: index in the table; else -1 */
	bool vnet_local_as_none;/* a VnetLocal UDR outside the VNet, compiled as None (R4.7) */
};

/* One subnet's effective routes. */
struct route_set {
	int subnet;
	struct eff_route *own;	/* Default and User rows, Active and Invalid */
	int nown;
	const struct gw_routes *gw; /* propagated gateway routes; NULL: none */
	int *gw_invalid;	/* sorted indices into gw->routes Invalid here */
	int ngw_invalid;
};

struct engine {
	const struct topology *topo;
	struct gw_routes *gw;	/* one per gateway, indexed like topo->gateways */
	struct route_set *sets; /* one per subnet, indexed like topo->subnets */
	/* What each site learns from its connections and circuits. */
	struct site_routes {
		struct prefix prefix;
		int gateway;	/* the gateway that leads to it */
	} **site_routes;
	int *nsite_routes;
};

/* Compute everything. Returns 0, or -ENOMEM. */
int engine_build(struct engine *e, const struct topology *t);
void engine_free(struct engine *e);

/* Every row of a subnet, Default and User first then gateway (R6.7). */
int route_set_count(const struct route_set *rs);
/* Row i of route_set_count(): a gateway row is materialised into *tmp. */
const struct eff_route *route_set_row(const struct engine *e,
				      const struct route_set *rs, int i,
				      struct eff_route *tmp);

/*
 * Longest-prefix match among Active routes (R6.1). Returns the route, or
 * NULL when nothing matches (cannot happen while 0/0 exists). A gateway
 * route is materialised into *tmp.
 */
const struct eff_route *engine_lookup(const struct engine *e, int subnet,
				      uint32_t dst, struct eff_route *tmp);

/* A flow as path and the firewall NVAs see it. */
struct flow {
	uint32_t src, dst;
	enum fw_proto proto;	/* FW_TCP, FW_UDP or FW_ICMP */
	uint16_t dport;
};

enum path_result { PATH_DELIVERED, PATH_DROPPED };

enum drop_reason {
	DROP_NONE_ROUTE,	/* next hop None */
	DROP_NO_OWNER,		/* no NIC owns the destination address */
	DROP_NO_IP_FORWARDING,	/* NIC not enableIpForwarding receives/sends foreign traffic */
	DROP_PEERING_ACCESS,	/* allowVirtualNetworkAccess false */
	DROP_FORWARDED_TRAFFIC,	/* allowForwardedTraffic false on the receiving side */
	DROP_FIREWALL,		/* a firewall NVA's rule (or default action) denied it */
	DROP_NO_GATEWAY_ROUTE,	/* the gateway (or site) has no route */
	DROP_NVA_UNREACHABLE,	/* VirtualAppliance IP owned by no NIC in reach */
	DROP_LOOP,		/* visited the same point twice */
	DROP__COUNT
};

const char *drop_reason_name(enum drop_reason r);

enum hop_kind { HOP_SUBNET, HOP_GATEWAY, HOP_SITE, HOP_CIRCUIT };

struct hop {
	enum hop_kind kind;
	int where;		/* subnet, gateway, site or circuit index */
	struct eff_route route;	/* HOP_SUBNET: the route taken */
	int vm;			/* the NIC the packet is handed to, -1 if none */
	const char *fw_rule;	/* a firewall NVA's matching rule name */
};

#define PATH_MAX_HOPS 32

struct path {
	enum path_result result;
	enum drop_reason drop;	/* when PATH_DROPPED */
	struct hop hops[PATH_MAX_HOPS];
	int nhops;
	/* Delivered to: */
	enum { TO_NONE, TO_VM, TO_GATEWAY, TO_SITE, TO_INTERNET } to_kind;
	int to;			/* vm, gateway or site index */
};

/* Where a flow starts: a VM's NIC, or a host of a site. */
struct origin {
	bool is_site;
	int index;		/* vm or site */
};

/* Trace a flow hop by hop as Azure would forward it. */
void engine_path(const struct engine *e, struct origin from,
		 const struct flow *f, struct path *out);

/* Firewall NVA verdict for a flow: the matching rule (or NULL for default). */
enum fw_action firewall_eval(const struct firewall *fw, const struct flow *f,
			     const struct fw_rule **rule);

#endif
