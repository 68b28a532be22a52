/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab's side effects: a plan (lab.h) becomes namespaces, veths,
 * addresses, routes, sysctls, nftables and the XDP fabric; destroy and
 * cleanup take them away again, found through the state file and the
 * ownership markers (namespace prefix, ifalias), never by guessing.
 */
#ifndef XVNET_DEPLOY_H
#define XVNET_DEPLOY_H

#include <stdbool.h>

#include "engine.h"
#include "lab.h"

/* Is anything of lab there (state, namespaces, pins)? */
bool lab_exists(const char *lab);

/*
 * Bring the plan up; file is recorded in the state. On any failure every
 * object created is removed again and the reason printed. 0 or -errno.
 */
int lab_deploy(const struct lab_plan *p, const struct engine *e,
	       const char *file);

/* What an apply changed besides the fabric's routes. */
struct lab_applied {
	const char **reloaded;	/* nodes whose nftables ruleset was replaced (malloc'ed) */
	int nreloaded;
	int hosts_added, hosts_removed;	/* Internet hosts' addresses on the edge */
};

/*
 * Make a running lab the topology in file: the fabric's tables swapped in
 * one step; each NVA's and the Internet edge's nftables ruleset that
 * differs from the one recorded replaced, each in one transaction; the
 * Internet hosts' addresses added and removed. *out says what changed
 * (free out->reloaded).
 */
int lab_apply(const struct lab_plan *p, const struct engine *e, const char *file,
	      struct lab_applied *out);

/* Remove every trace of lab. Idempotent. */
int lab_destroy(const char *lab);

/* Destroy every lab, then every orphan an earlier run left. */
int lab_cleanup(void);

/* The namespace of a lab's node (named, or by its namespace); -ENOENT. */
int lab_node_netns(const char *lab, const char *node, char *netns, size_t len);

#endif
