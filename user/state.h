/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lab's state file, /run/xvnet/<lab>/state.json: written before anything
 * is created and rewritten as the lab comes up, so that destroy and cleanup
 * find every object even when the topology file changed or is gone, or the
 * deploy was killed half-way.
 *
 *   {"lab", "file", "pid", "status": "deploying" | "up", "dataplane": "xdp" | "kernel",
 *    "nodes": [{"name", "kind", "netns", "address", "nic"}]}
 *
 * And the locks: /run/xvnet/<lab>.lock, held by whoever changes the lab
 * (deploy, apply, destroy), and /run/xvnet/.lock, held shared by them and
 * exclusively by cleanup. The state root is verified before use (a
 * directory owned by root, mode 0700, not a link: safedir.h); the state
 * holds no path xvnet would act on.
 */
#ifndef XVNET_STATE_H
#define XVNET_STATE_H

#include <jansson.h>
#include <stdbool.h>

#include "lab.h"

#define STATE_ROOT "/run/xvnet"

/* Write (atomically, never through a link) the state of plan p deployed from file. */
int state_write(const struct lab_plan *p, const char *file, const char *status);
/* The dataplane lab was deployed with (XDP when there is no state). */
enum lab_dataplane state_dataplane(const char *lab);
/* The state of lab, NULL when there is none (or it is unreadable). */
json_t *state_read(const char *lab);
/*
 * The topology file lab was deployed (or last applied) from, malloc'd;
 * NULL when there is no state or the file is gone.
 */
char *state_topology(const char *lab);
/* Is there a state directory for lab? */
bool state_present(const char *lab);
/*
 * Remove the lab's state directory and its lock; 0 when they are not there.
 * Anything else in it is reported and left (-EPERM).
 */
int state_remove(const char *lab);
/*
 * Names of the labs that have a state directory or a lock (NULL-terminated;
 * NULL: ENOMEM); with report, every other entry is reported as not xvnet's.
 */
char **state_labs(bool report);

struct state_lock {
	int global, lab;
	char name[LAB_NAME_LEN + 8];
};

/*
 * Lock lab for verb (deploy, apply, destroy), or every lab (lab NULL: for
 * cleanup). Never waits: when another process holds it, says who and
 * returns -EBUSY. 0, or -errno with the reason printed.
 */
int state_lock(struct state_lock *l, const char *lab, const char *verb);
/* Release the locks (and remove the lab's lock file). */
void state_unlock(struct state_lock *l);

#endif
