/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fabric compiler: topology + route engine + NIC inventory -> the map
 * images of one generation (bpf/xvnet_abi.h). Pure: no I/O, no BPF calls.
 */
#ifndef XVNET_COMPILE_H
#define XVNET_COMPILE_H

#include <stddef.h>

#include "engine.h"
#include "model.h"
#include "xvnet_abi.h"

/*
 * One NIC as the lab built it: the outer end of its veth sits in the
 * fabric namespace, the inner end in the node's namespace.
 */
struct fabric_nic {
	enum xv_nic_kind kind;
	int index;		/* vm or gateway index; -1 for the Internet edge */
	int ifindex;		/* outer end, in the fabric namespace */
	unsigned char mac[6];	/* inner end's MAC */
};

struct lpm_entry {
	struct xv_lpm_key key;
	struct xv_route val;
};

struct owner_entry {
	struct xv_owner_key key;
	__u32 slot;
};

/* Where a route id comes from, to name it in stats and trace. */
struct route_ref {
	int subnet;		/* own route of this subnet (row in sets[subnet].own), or -1 */
	int gateway;		/* gateway-learned route of this gateway, or -1 */
	int row;
};

struct fabric_image {
	struct xv_nic *nics;		/* one per NIC slot */
	int nnics;
	struct lpm_entry *tables;	/* subnets' routes, VNet spaces, Internet edge */
	int ntables;
	__u32 *dir16, *dir24, *dir32;	/* gateway sets, shared by subnets */
	int ndir16, ndir24, ndir32;	/* entries, always even */
	struct owner_entry *owners;
	int nowners;
	__u8 *peers;			/* nvnets * nvnets, XV_PEER_* */
	int npeers;
	struct route_ref *routes;	/* indexed by route id: own routes first */
	int nroutes;
	int nown;			/* own routes; then one hit counter per gateway */
	int nhits;
};

/*
 * Compile. Returns 0, -ENOMEM, or -EINVAL with a message in err when the
 * inventory does not match the topology.
 */
int fabric_compile(const struct topology *t, const struct engine *e,
		   const struct fabric_nic *nics, int n,
		   struct fabric_image *img, char *err, size_t errlen);
void fabric_image_free(struct fabric_image *img);

/* The route a route id stands for, as effective routes show it. */
void fabric_route_row(const struct topology *t, const struct engine *e,
		      const struct route_ref *ref, struct eff_route *out);

/* A verdict's name: Forwarded, ArpReply, or the drop reason. */
const char *fabric_verdict_name(enum xv_verdict v);

/* The Internet edge's table id. */
static inline __u32 fabric_internet_table(const struct topology *t)
{
	return XV_TABLE_SPACE(t->nsubnets, t->nvnets);
}

#endif
