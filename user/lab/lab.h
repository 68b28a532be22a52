/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab plan: which kernel objects a topology becomes. Pure: computed from
 * the topology and the route engine's answers, no I/O. deploy.c turns a plan
 * into namespaces, veths, addresses and routes; the plan never computes a
 * route itself, it places the engine's.
 *
 *   fabric     one namespace per lab holding the outer end of every NIC
 *   vm         a namespace, NIC eth0 on the fabric (firewall NVAs: + nftables)
 *   gateway    eth0 on the fabric in GatewaySubnet + one link per connection
 *   site       host addresses on lo + a link to each gateway or circuit
 *   circuit    an ExpressRoute meet-me router linked to every member
 *   internet   eth0 on the fabric holding the internet hosts' addresses
 */
#ifndef XVNET_LAB_H
#define XVNET_LAB_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine.h"
#include "model.h"

#define LAB_NAME_MAX 12		/* topology.md: [a-z][a-z0-9-]{0,11} */
#define LAB_NAME_LEN 16
#define LAB_NETNS_LEN 128	/* "xv-" lab "." kind "." name (<= 80) */
#define LAB_ALIAS_LEN 256	/* IFALIASZ */
#define LAB_NETNS_PREFIX "xv-"
#define LAB_ALIAS_PREFIX "xvnet:"

enum lab_node_kind {
	LN_FABRIC,
	LN_VM,
	LN_GATEWAY,
	LN_SITE,
	LN_CIRCUIT,
	LN_INTERNET,
};

struct lab_node {
	enum lab_node_kind kind;
	int index;		/* vm, gateway, site or circuit index; -1 otherwise */
	const char *name;	/* the topology's name, or "fabric" / "internet" */
	char netns[LAB_NETNS_LEN];
	bool ip_forward;
	char *nft;		/* firewall NVA ruleset for `nft -f`; NULL otherwise */
};

/* One end of a veth pair. */
struct lab_end {
	int node;
	char ifname[IF_NAMESIZE];
	uint8_t mac[6];
	uint32_t addr;	/* 0: none */
	uint8_t plen;
	bool xdp_pass;	/* the fabric redirects frames to this end: needs NAPI */
};

/* A veth pair. A NIC has end[0] (outer) in the fabric and end[1] eth0. */
struct lab_link {
	struct lab_end end[2];
	char alias[LAB_ALIAS_LEN];	/* ownership marker on both ends */
	bool nic;
};

/* A further address: on a link end, or on the node's loopback (link -1). */
struct lab_addr {
	int node;
	int link, end;
	uint32_t addr;
	uint8_t plen;
};

/*
 * A route in a node: to dst via a neighbour (or on-link when via is 0);
 * link -1: unreachable, the node keeps dst (a site's own space), or with
 * local the node answers every address of dst (a default site's breakout).
 */
struct lab_route {
	int node;
	int link, end;		/* the outgoing interface; link -1: none */
	struct prefix dst;
	uint32_t via;
	uint32_t src;		/* preferred source address; 0: the kernel's choice */
	bool local;		/* link -1: a local route (on lo), not unreachable */
};

/* What forwards in the fabric namespace (deploy --dataplane). */
enum lab_dataplane {
	LAB_DATAPLANE_XDP,	/* the XDP fabric (loader.h) */
	LAB_DATAPLANE_KERNEL,	/* Linux policy routing (kernel_dataplane.h) */
};

static inline const char *lab_dataplane_name(enum lab_dataplane d)
{
	return d == LAB_DATAPLANE_KERNEL ? "kernel" : "xdp";
}

struct lab_plan {
	char lab[LAB_NAME_LEN];
	enum lab_dataplane dataplane;	/* chosen by deploy; not planned */
	struct lab_node *nodes;
	int nnodes;
	struct lab_link *links;
	int nlinks;
	struct lab_addr *addrs;
	int naddrs;
	struct lab_route *routes;
	int nroutes;
	int fabric, internet;	/* node indices */
	int *vm_node, *gw_node, *site_node, *circuit_node; /* per topology index */
	int *nic_link;		/* per node: its NIC's link, -1: none */
};

/*
 * Build the plan. Returns 0, -E2BIG (out of link-local space), or -EINVAL
 * (a route over a link the plan lacks). Out of memory: oom_exit() (log.h).
 */
int lab_plan_build(struct lab_plan *p, const struct engine *e);
void lab_plan_free(struct lab_plan *p);

const char *lab_node_kind_name(enum lab_node_kind k);
/* The node called name (VM, gateway, site, circuit, "fabric", "internet"). */
int lab_plan_find(const struct lab_plan *p, const char *name);

/*
 * The site or Internet host called name (NULL: none), the node whose
 * namespace holds its address (the site, or "internet") in *node, and the
 * address that node's traffic leaves from (its first host's) in *src.
 */
const struct host *lab_host(const struct topology *t, const char *name, const char **node,
			    uint32_t *src);

/* Kernel names: unique per lab, never shared between labs. */
void lab_netns_name(char out[LAB_NETNS_LEN], const char *lab,
		    enum lab_node_kind kind, const char *name);
/* The lab owning a namespace named by lab_netns_name(); false: not ours. */
bool lab_netns_parse(const char *netns, char lab[LAB_NAME_LEN]);
/* "xv-<lab>." : the prefix of every namespace of a lab. */
void lab_netns_prefix(char out[LAB_NETNS_LEN], const char *lab);
/* tag + name when it fits IFNAMSIZ, else tag + a hash of name. */
void lab_ifname(char out[IF_NAMESIZE], const char *tag, const char *name);

/* The nftables ruleset of a firewall NVA at ip (malloc'ed). */
char *lab_nft_ruleset(const struct firewall *fw, uint32_t ip);
/* The Internet edge's ruleset (malloc'ed). */
char *lab_edge_ruleset(const struct engine *e);
/*
 * A ruleset's fingerprint (FNV-1a 64, hex), recorded in the lab's state so
 * that apply replaces exactly the rulesets that changed.
 */
#define LAB_NFT_DIGEST_LEN 17
void lab_nft_digest(const char *ruleset, char out[LAB_NFT_DIGEST_LEN]);
#define LAB_NFT_TABLE "xvnet"		/* table ip xvnet */
#define LAB_NFT_DENIED "denied"		/* dynamic set: the log of denied flows */
#define LAB_NFT_DEFAULT "defaultAction"	/* comment of the default action rule */
#define LAB_NFT_ASYMMETRIC "asymmetric"	/* comment of the rules dropping half flows */
#define LAB_NFT_PRIVATE "private"	/* set: the private ranges */
#define LAB_NFT_EGRESS "egress"		/* edge map: (private source . host) -> public */
#define LAB_NFT_UNTRANSLATED "untranslated" /* edge: comment of the drop of the rest */
#define LAB_NFT_INBOUND "inbound"	/* edge: comment of the drop of new flows to private */

#endif
