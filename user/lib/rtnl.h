/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink through libmnl: the handful of requests a lab needs, each
 * acknowledged, so an error names the very request that failed. A socket
 * works in the namespace it was opened in, whatever the caller's is later.
 */
#ifndef XVNET_RTNL_H
#define XVNET_RTNL_H

#include <stdint.h>

#include "ipv4.h"

struct mnl_socket;

struct rtnl {
	struct mnl_socket *nl;
	unsigned int seq;
};

/* Open in the current namespace. */
int rtnl_open(struct rtnl *r);
void rtnl_close(struct rtnl *r);

/* A veth pair: name here, peer in namespace peer_nsfd. */
int rtnl_veth_add(struct rtnl *r, const char *name, const uint8_t mac[6],
		  const char *peer, const uint8_t peer_mac[6], int peer_nsfd);
/* ifindex of name, or -errno. */
int rtnl_link_index(struct rtnl *r, const char *name);
/* Set the ifalias (NULL: keep) and bring the link up. */
int rtnl_link_up(struct rtnl *r, int ifindex, const char *alias);
int rtnl_link_del(struct rtnl *r, int ifindex);
int rtnl_addr_add(struct rtnl *r, int ifindex, uint32_t addr, uint8_t plen);
int rtnl_addr_del(struct rtnl *r, int ifindex, uint32_t addr, uint8_t plen);
/*
 * Replace semantics; via 0: on-link; src 0: no preferred source; ifindex
 * 0: an unreachable route (the node keeps dst, sending it nowhere).
 */
int rtnl_route_add(struct rtnl *r, int ifindex, struct prefix dst, uint32_t via,
		   uint32_t src);
/* A local route in the main table: the namespace answers every address of dst. */
int rtnl_route_add_local(struct rtnl *r, struct prefix dst);

/* Call fn for every link whose ifalias starts with prefix. */
int rtnl_links_by_alias(struct rtnl *r, const char *prefix,
			void (*fn)(int ifindex, const char *name,
				   const char *alias, void *arg),
			void *arg);

#endif
