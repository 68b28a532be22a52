/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fabric compiler: topology + route engine + NIC inventory -> the map
 * images of one generation (bpf/xvnet_abi.h). Pure: no I/O, no BPF calls.
 */
#ifndef XVNET_COMPILE_H
#define XVNET_COMPILE_H

#include <stddef.h>

#include "engine.h"
#include "lib/fabric_lookup.h"
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

/* Where a route id comes from, to name it in stats and trace. */
struct route_ref {
	int subnet;		/* own route of this subnet (row in sets[subnet].own), or -1 */
	int gateway;		/* gateway-learned route of this gateway, or -1 */
	int row;
};

struct fabric_image {
	struct xv_nic *nics;		/* one per NIC slot */
	int nnics;
	struct xv_line *trie;		/* every table and gateway set (xvnet_abi.h) */
	int nlines;
	struct route_ref *routes;	/* indexed by route id: own routes first */
	int nroutes;
	int nown;			/* own routes; then one hit counter per gateway */
	int nhits;
	int *table_of;			/* [nsubnets]: the subnet whose table (and route
					 * ids) serves it, itself unless an earlier one
					 * of its VNet has the same effective routes */
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

/* The row of gateway g's learned route of length len containing dst, -1: none. */
int fabric_gw_row(const struct engine *e, int g, __u32 dst, int len);

/* The image's lines, for the lookups of bpf/lib/fabric_lookup.h. */
static inline struct xv_lines fabric_image_lines(const struct fabric_image *img)
{
	return (struct xv_lines){ img->trie, (__u32)img->nlines };
}

#endif
