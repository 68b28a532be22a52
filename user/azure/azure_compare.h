/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `routes --compare` and `nexthop --compare`: xvnet's answer against a
 * saved `az network nic show-effective-route-table` or `az network watcher
 * show-next-hop` output, JSON (-o json) or text (-o table). Pure: the
 * verbs read the file and print the result (azure_compare.c).
 */
#ifndef XVNET_AZURE_COMPARE_H
#define XVNET_AZURE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

/* One effective route, as Azure prints it (strings as written). */
struct az_route_row {
	char *source, *state, *type;
	char **prefixes;
	int nprefixes;
	char **ips;
	int nips;
};

struct az_rows {
	struct az_route_row *v;
	int n, cap;
};

/* Append a row (strings copied; ips may be NULL with nips 0). */
void az_rows_add(struct az_rows *r, const char *source, const char *state,
		 const char *type, const char *const *prefixes, int nprefixes,
		 const char *const *ips, int nips);
void az_rows_free(struct az_rows *r);

/*
 * A saved effective route table: {"value": [...]}, a bare list, or the
 * `-o table` text. 0, or -1 with *why (static text) when it is neither.
 */
int az_parse_effective(const char *text, size_t len, struct az_rows *out, const char **why);

/* Are a and b the same gateway's addresses (its GatewaySubnet holds both)? */
typedef bool (*az_same_gateway)(const char *a, const char *b, void *ctx);

/* An az_same_gateway for a struct topology (ctx): one GatewaySubnet holds both. */
bool az_same_gateway_subnet(const char *azure, const char *xvnet, void *topology);

enum az_cmp { AZ_EQUAL, AZ_ONLY_AZURE, AZ_ONLY_XVNET, AZ_DIFFERING };

/* A row of the comparison: indices into the two row sets, -1 when absent. */
struct az_pair {
	enum az_cmp cmp;
	int azure, xvnet;
};

/*
 * Match rows ignoring order: equal rows first (source, prefixes, state,
 * next hop type and address; for VirtualNetworkGateway any address of the
 * same GatewaySubnet), then rows of the same source and prefixes that
 * differ, then what is left on either side. *pairs is malloc'd.
 */
void az_compare_routes(const struct az_rows *azure, const struct az_rows *xvnet,
		       az_same_gateway same, void *ctx, struct az_pair **pairs, int *npairs);

/* Network Watcher's next hop (strings as written, NULL when absent). */
struct az_next_hop {
	char *type, *ip, *route_table;
};

/* A saved show-next-hop output, JSON or `-o table`. 0, or -1 with *why. */
int az_parse_next_hop(const char *text, size_t len, struct az_next_hop *out, const char **why);
void az_next_hop_free(struct az_next_hop *h);

/* Do the two next-hop addresses agree (VirtualNetworkGateway: same subnet)? */
bool az_next_hop_ip_equal(const char *type, const char *azure, const char *xvnet,
			  az_same_gateway same, void *ctx);
/* A routeTableId: equal, or Azure's full id ending in /routeTables/<xvnet's name>. */
bool az_route_table_equal(const char *azure, const char *xvnet);

const char *az_cmp_name(enum az_cmp c);

#endif
