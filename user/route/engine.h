/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The route engine: Azure's effective routes, next hop and hop-by-hop path,
 * computed from a validated topology. Pure: no I/O, no BPF, no printing.
 * Rules are stated in docs/routing.md; their names are cited
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

/*
 * Where a learned prefix leads. A gateway learns over its connections
 * (VIA_SITE, VIA_CIRCUIT, VIA_PEER_GATEWAY). In a path hop two more
 * appear: VIA_GATEWAY, a site's route to a directly connected gateway, and
 * VIA_VNET, a gateway handing the packet to its VNet (target: GatewaySubnet).
 */
enum learned_via { VIA_SITE, VIA_CIRCUIT, VIA_PEER_GATEWAY, VIA_GATEWAY, VIA_VNET };

struct learned_route {
	struct prefix prefix;	/* first member: the LPM helpers rely on it */
	enum learned_via via;
	int target;	/* site, circuit, peer gateway, gateway or GatewaySubnet, per via */
	int connection; /* the connection it was learned over, -1: none */
	int site;	/* the site it leads to (VIA_SITE, a circuit's member site), else -1 */
	int gateway;	/* the gateway it leads to (peer, connected, a circuit's member), else -1 */
};

/*
 * Longest-prefix-match index over rows sorted or not: by_len[L] lists, in
 * address order, the indices of the indexed rows of prefix length L, and
 * key_by_len[L] their addresses (what a lookup binary-searches). All lists
 * share one allocation, by_len[0].
 */
struct lpm_index {
	int *by_len[33];
	int nby_len[33];
	uint32_t *key_by_len[33];
};

/*
 * Everything one gateway learned, sorted by prefix_cmp (so a prefix comes
 * before the prefixes nested in it), one row a prefix.
 */
struct gw_routes {
	int gateway;
	struct learned_route *routes;
	int n;
	/* The engine's own LPM index: per prefix length, indices into routes
	 * sorted by addr (same layout as struct lpm_index). */
	int *by_len[33];
	int nby_len[33];
	uint32_t *key_by_len[33];
};

struct eff_route {
	struct prefix prefix;	/* first member: the LPM helpers rely on it */
	enum route_source source;
	bool active;
	enum next_hop_type type;
	uint32_t next_hop_ip;	/* VirtualAppliance and gateway routes; else 0 */
	int peer_vnet;		/* peering routes: the remote VNet; else -1 */
	int gateway;		/* gateway routes (and UDRs to VirtualNetworkGateway): the gateway; else -1 */
	int route_table;	/* User routes: the table; else -1 */
	int udr;		/* User routes: index in the table; else -1 */
	bool vnet_local_as_none;/* a VnetLocal UDR outside the VNet, compiled as None */
};

/* One subnet's effective routes. */
struct route_set {
	int subnet;
	struct eff_route *own;	/* Default and User rows, Active and Invalid */
	int nown;
	/* Propagated gateway routes (the ExpressRoute gateway's when two
	 * coexist); NULL: none. */
	const struct gw_routes *gw;
	/* The engine's own: read them through route_set_gw_invalid() and
	 * route_set_invalid_gw(). */
	int *gw_invalid;	/* sorted indices into gw->routes Invalid here */
	int ngw_invalid;
	/* The coexisting VPN gateway's routes, beside gw's; NULL: none. Read
	 * them through route_set_vpn_invalid(). */
	const struct gw_routes *vpn;
	int *vpn_invalid;	/* sorted indices into vpn->routes Invalid here */
	int nvpn_invalid;
	struct lpm_index active; /* over the Active rows of own */
};

/* How the engine reads Azure where the platform varies; zero: the defaults. */
struct engine_opts {
	/*
	 * More reserved prefixes: further Default None prefixes (the live platform's
	 * undocumented list), treated exactly like the reserved four. Read
	 * by engine_build_opts() only. Default: none.
	 */
	const struct prefix *extra_none;
	int nextra_none;
};

struct engine {
	const struct topology *topo;
	struct engine_opts opts;
	struct gw_routes *gw;	/* one per gateway, indexed like topo->gateways */
	struct route_set *sets; /* one per subnet, indexed like topo->subnets */
	/* What each site learns, sorted by prefix_cmp, one row a prefix. */
	struct site_routes {
		struct prefix prefix; /* first member: the LPM helpers rely on it */
		int gateway;	/* the gateway that leads to it; -1: a circuit's member site */
		int circuit;	/* learned through this circuit, -1: a direct connection */
		int site;	/* the circuit's member site it leads to, else -1 */
		int connection; /* the gateway's connection it was learned over, else -1 */
	} **site_routes;
	int *nsite_routes;
	struct lpm_index *site_lpm;
	/* Per VNet: the VNet whose gateways' routes it gets: itself when it
	 * has gateways, or the one it uses through a connected
	 * useRemoteGateways peering (Gateway transit); -1: none. */
	int *gateway_vnet;
};

/* Compute everything (out of memory: oom_exit(), log.h). */
void engine_build(struct engine *e, const struct topology *t);
/* The same with options (NULL: the defaults, as engine_build()). */
void engine_build_opts(struct engine *e, const struct topology *t,
		       const struct engine_opts *o);
void engine_free(struct engine *e);

/*
 * Is gateway g one of VNet v's, its own or through Gateway transit
 * (Coexisting gateways: one of two)? What it advertises and routes into
 * the VNet follow from it.
 */
bool engine_gateway_serves(const struct engine *e, int g, int v);

/* Every row of a subnet, Default and User first then gateway:
 * gw's rows, then vpn's. */
int route_set_count(const struct route_set *rs);
/* Row i of route_set_count(): a gateway row is materialised into *tmp. */
const struct eff_route *route_set_row(const struct engine *e,
				      const struct route_set *rs, int i,
				      struct eff_route *tmp);

/*
 * Longest prefix among Active routes. Returns the route, or
 * NULL when nothing matches (cannot happen while 0/0 exists). A gateway
 * route is materialised into *tmp.
 */
const struct eff_route *engine_lookup(const struct engine *e, int subnet,
				      uint32_t dst, struct eff_route *tmp);

/*
 * The rows and decisions engine_lookup() and engine_path() are made of,
 * exported so that the fabric compiler encodes them instead of deciding
 * again. Row numbers are route_set_row()'s: own rows, then gw's rows,
 * then vpn's (Coexisting gateways).
 */

/*
 * Longest prefix for the addresses of prefix p that no route longer than p covers
 * (p = dst/32: engine_lookup()): the row of the longest Active route
 * containing p, the own row on a tie with a gateway row (only one of them
 * can be Active); -1: none.
 */
int route_set_match(const struct route_set *rs, struct prefix p);

/* User beats gateway, VNet routes win: whether gateway row i (index into rs->gw->routes) is Invalid in rs. */
bool route_set_gw_invalid(const struct route_set *rs, int i);

/* ... and ExpressRoute beats VPN: whether the coexisting VPN gateway's row i (index into
 * rs->vpn->routes) is Invalid in rs. */
bool route_set_vpn_invalid(const struct route_set *rs, int i);

/* The k-th gateway row Invalid in rs, ascending; -1 past the last. */
int route_set_invalid_gw(const struct route_set *rs, int k);

/* Whether a and b hold the same effective routes, row by row, Invalid gateway rows included. */
bool route_set_equal(const struct route_set *a, const struct route_set *b);

/* The row of gw with exactly prefix p, -1: none. */
int gw_routes_find(const struct gw_routes *gw, struct prefix p);

/*
 * The first row of gw not ordered before p: the rows inside p are this
 * one and those after it while their address is <= prefix_last(p).
 */
int gw_routes_lower_bound(const struct gw_routes *gw, struct prefix p);

/* Gateway routes: gateway g's learned row i as an Active effective route. */
void engine_gateway_row(const struct engine *e, int g, int i, struct eff_route *out);

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

/*
 * What crossing from VNet from into VNet to takes: both sides'
 * allowVirtualNetworkAccess (Peering access: either one false blocks the
 * peering in both directions), and the receiver's
 * allowForwardedTraffic for a source outside from that no gateway relays.
 */
enum peering_crossing {
	CROSSING_OPEN,		/* the same VNet, or a peering letting everything in */
	CROSSING_DENIED,	/* no connected peering, or access not allowed */
	CROSSING_LOCAL_ONLY,	/* only sources inside from, or relayed by a gateway */
};

enum peering_crossing engine_peering_crossing(const struct engine *e, int from, int to);

/*
 * Appliance reach: the VM whose NIC holds VirtualAppliance address ip, seen from VNet
 * vnet: in vnet, else in a directly (and connected) peered VNet; -1: none.
 */
int engine_appliance(const struct engine *e, int vnet, uint32_t ip);

/* Where an effective route of a subnet sends a packet (the path model's table). */
struct route_target {
	enum route_target_kind {
		TARGET_DROP,		/* dropped, for reason drop */
		TARGET_VNET,		/* to the NIC owning the destination in vnet (VnetLocal, peering) */
		TARGET_APPLIANCE,	/* to VM vm's NIC, in vnet (VirtualAppliance) */
		TARGET_GATEWAY,		/* to gateway gateway (VirtualNetworkGateway) */
		TARGET_INTERNET,
	} kind;
	enum drop_reason drop;	/* TARGET_DROP */
	int vnet;		/* TARGET_VNET, TARGET_APPLIANCE: the VNet entered; else -1 */
	int vm;			/* TARGET_APPLIANCE; else -1 */
	int gateway;		/* TARGET_GATEWAY; else -1 */
};

/* The target of route r of a subnet in VNet vnet. */
struct route_target engine_route_target(const struct engine *e, int vnet,
					const struct eff_route *r);

enum hop_kind { HOP_SUBNET, HOP_GATEWAY, HOP_SITE, HOP_CIRCUIT };

struct hop {
	enum hop_kind kind;
	int where;		/* subnet, gateway, site or circuit index */
	struct eff_route route;	/* HOP_SUBNET: the route taken */
	struct learned_route learned; /* other kinds: the learned route followed */
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
	enum path_to { TO_NONE, TO_VM, TO_GATEWAY, TO_SITE, TO_INTERNET } to_kind;
	int to;			/* vm, gateway or site index; -1 otherwise */
};

/*
 * Where a flow starts: a VM's NIC, a host of a site, or a gateway sending
 * its own packet (its answer to a packet for its address: Gateway's own
 * address in docs/routing.md).
 */
struct origin {
	bool is_site;
	int index;		/* vm, site or gateway */
	bool is_gateway;	/* index is a gateway */
};

/*
 * Trace a flow hop by hop as Azure would forward it. A gateway's own
 * packet is forwarded as the gateway forwards (Gateway forwarding): into
 * its VNets through the GatewaySubnet's routes, to a site by what it
 * learned.
 */
void engine_path(const struct engine *e, struct origin from,
		 const struct flow *f, struct path *out);

/*
 * What a gateway, or a site, does with the addresses of prefix p that no
 * route longer than p covers (a packet to dst: p = dst/32): the route it
 * follows, materialised into *tmp or pointing into the engine; NULL when
 * nothing covers p (dropped). The route's prefix is the one that decides,
 * never longer than p.
 *
 * A gateway: VIA_VNET into its own or a transit VNet's range, else its
 * longest learned route, else the forced-tunnelling default site.
 * A site (Site longest prefix): the longer of its own space (VIA_SITE to
 * itself, the packet stays) and what it learned (VIA_GATEWAY or
 * VIA_CIRCUIT); a site never learns a prefix equal to its own.
 */
const struct learned_route *engine_gateway_route(const struct engine *e, int g,
						 struct prefix p,
						 struct learned_route *tmp);
const struct learned_route *engine_site_route(const struct engine *e, int s,
					      struct prefix p,
					      struct learned_route *tmp);

/* Firewall NVA verdict for a flow: the matching rule (or NULL for default). */
enum fw_action firewall_eval(const struct firewall *fw, const struct flow *f,
			     const struct fw_rule **rule);

/* How Azure shows an effective route (routes, nexthop, stats, trace share them). */

/* Azure's name of a route source: Default, User, VirtualNetworkGateway. */
const char *eff_route_source_name(enum route_source src);
/* The next hop type Azure shows: a VnetLocal UDR outside the VNet is None (VnetLocal outside the VNet). */
enum next_hop_type eff_route_next_hop_type(const struct eff_route *r);
/* The next-hop IP Azure shows for r (appliance and gateway hops), or NULL. */
const char *eff_route_next_hop_ip(const struct eff_route *r, char buf[IPV4_STRLEN]);

#endif
