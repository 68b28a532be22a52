/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the compiler hands the loader: the map images of one generation
 * (bpf/xvnet_abi.h) and the NIC inventory they are compiled for. Plain
 * data: no topology, no engine. compile.h makes images, loader.h loads
 * them, fabric_names.h names what they hold.
 */
#ifndef XVNET_IMAGE_H
#define XVNET_IMAGE_H

#include "xvnet_abi.h"

/*
 * One NIC as the lab builds it: the outer end of its veth sits in the
 * fabric namespace, the inner end in the node's namespace. The compiler
 * reads kind, index and mac; ifindex is the loader's alone (the image is
 * compiled before any veth exists).
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
	/* Firewall NVAs of dataplane xdp (fabric_firewall.h) */
	struct xv_firewall *firewalls;	/* one per NIC slot; NULL: no such NVA */
	struct xv_fw_rule *fw_rules;
	int nfw_rules;
	int nfw_counters;
};

#endif
