/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lab's state file, /run/xvnet/<lab>/state.json: written before anything
 * is created and rewritten as the lab comes up, so that destroy and cleanup
 * find every object even when the topology file changed or is gone, or the
 * deploy was killed half-way.
 *
 *   {"lab", "file", "pid", "status": "deploying" | "up",
 *    "pinDir", "nodes": [{"name", "kind", "netns", "address", "nic"}]}
 */
#ifndef XVNET_STATE_H
#define XVNET_STATE_H

#include <jansson.h>

#include "lab.h"

#define STATE_ROOT "/run/xvnet"

/* Write (atomically) the state of plan p deployed from file. */
int state_write(const struct lab_plan *p, const char *file, const char *status,
		const char *pin_dir);
/* The state of lab, NULL when there is none (or it is unreadable). */
json_t *state_read(const char *lab);
/*
 * The topology file lab was deployed (or last applied) from, malloc'd;
 * NULL when there is no state or the file is gone.
 */
char *state_topology(const char *lab);
/* Remove the lab's state directory; 0 when it is not there. */
int state_remove(const char *lab);
/* Names of the labs that have a state directory (NULL-terminated). */
char **state_labs(void);

#endif
