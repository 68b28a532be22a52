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

/* Recompile and swap the fabric tables of a running lab, from file. */
int lab_apply(const struct lab_plan *p, const struct engine *e, const char *file);

/* Remove every trace of lab. Idempotent. */
int lab_destroy(const char *lab);

/* Destroy every lab, then every orphan an earlier run left. */
int lab_cleanup(void);

/* The namespace of a lab's node (named, or by its namespace); -ENOENT. */
int lab_node_netns(const char *lab, const char *node, char *netns, size_t len);

#endif
