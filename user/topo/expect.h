/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expected flows for `xvnet verify --expect FILE`: a YAML list, or the
 * `expect:` list of a topology file, of
 *   {from: NAME, to: NAME|ADDRESS, protocol: icmp|tcp|udp, port: N,
 *    result: Delivered|Dropped, via: [NODE...]}
 * Pure but for reading the file; errors are FILE:LINE:COL diagnostics.
 */
#ifndef XVNET_EXPECT_H
#define XVNET_EXPECT_H

#include <stdbool.h>

#include "model.h"
#include "topo.h"

struct expectation {
	char *from, *to;
	enum fw_proto proto;	/* icmp unless given; tcp when only a port is */
	int port;		/* 0: none */
	bool delivered;		/* result */
	char **via;		/* nodes the flow must cross (either way) */
	int nvia;
	struct pos pos;
};

/* Parse buf (name for messages). 0 and *out, or -1 with d->n > 0. */
int expect_parse(const char *name, const char *buf, size_t len,
		 struct expectation **out, int *n, struct diags *d);
/* topo_read() then expect_parse(). */
int expect_load(const char *path, struct expectation **out, int *n, struct diags *d);
void expect_free(struct expectation *e, int n);

#endif
