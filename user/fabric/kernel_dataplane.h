/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel dataplane (xvnet deploy --dataplane kernel): the same lab,
 * but the fabric namespace forwards with Linux policy routing, as one
 * would build it by hand, instead of the XDP fabric: a routing table per
 * subnet holding the route engine's effective routes (VnetLocal and
 * peering routes resolved to the NICs they reach, as the XDP compiler
 * does), an `ip rule` per NIC choosing its subnet's table by input
 * interface, permanent neighbour entries for the NICs, and proxy ARP
 * answering the VMs with the fabric's MAC. docs/dataplane.md says which
 * of Azure's checks Linux routing cannot express.
 */
#ifndef XVNET_KERNEL_DATAPLANE_H
#define XVNET_KERNEL_DATAPLANE_H

#include "compile.h"
#include "engine.h"
#include "model.h"

/* Routing tables: subnet s's is KD_TABLE_BASE + s, the Internet edge's after them. */
#define KD_TABLE_BASE 1000
#define KD_RULE_PREF 100

/*
 * The `ip -batch` script that sets the fabric namespace up (malloc'd).
 * Pure: nics[i]'s outer end is called ifnames[i].
 */
char *kernel_dataplane_script(const struct topology *t, const struct engine *e,
			      const struct fabric_nic *nics, const char *const *ifnames, int n);

/*
 * In the fabric namespace (the caller's): forwarding sysctls, GRO, then
 * the script through `ip -batch`. Nothing is pinned. 0 or -errno, reason
 * printed.
 */
int kernel_dataplane_load(const struct topology *t, const struct engine *e,
			  const struct fabric_nic *nics, int n);

#endif
