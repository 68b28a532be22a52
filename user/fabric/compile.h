/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fabric compiler: topology + route engine + NIC inventory -> the map
 * images of one generation (image.h, bpf/xvnet_abi.h). Pure: no I/O, no
 * BPF calls. The inventory's ifindexes are not read: an image is compiled
 * before the lab's veths exist.
 */
#ifndef XVNET_COMPILE_H
#define XVNET_COMPILE_H

#include <stddef.h>

#include "engine.h"
#include "image.h"
#include "lib/fabric_lookup.h"
#include "model.h"

/*
 * Compile. Returns 0, or with a message in err: -EINVAL when the inventory
 * does not match the topology, -E2BIG when the tables cannot hold the
 * routes, -EPROTO when a table does not read back. Out of memory:
 * oom_exit() (log.h).
 */
int fabric_compile(const struct topology *t, const struct engine *e,
		   const struct fabric_nic *nics, int n,
		   struct fabric_image *img, char *err, size_t errlen);
void fabric_image_free(struct fabric_image *img);

/* The route a route id stands for, as effective routes show it. */
void fabric_route_row(const struct topology *t, const struct engine *e,
		      const struct route_ref *ref, struct eff_route *out);

/* The row of gateway g's learned route of length len containing dst, -1: none. */
int fabric_gw_row(const struct engine *e, int g, __u32 dst, int len);

/* The image's lines, for the lookups of bpf/lib/fabric_lookup.h. */
static inline struct xv_lines fabric_image_lines(const struct fabric_image *img)
{
	return (struct xv_lines){ img->trie, (__u32)img->nlines };
}

#endif
