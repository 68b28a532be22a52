/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lab's state file, /run/xvnet/<lab>/state.json: written before anything
 * is created and rewritten as the lab comes up, so that destroy and cleanup
 * find every object even when the topology file changed or is gone, or the
 * deploy was killed half-way.
 *
 *   {"lab", "file", "pid", "status": "deploying" | "up", "owner", "created",
 *    "dataplane": "xdp" | "kernel",
 *    "nodes": [{"name", "kind", "netns", "address", "nic", "nft", "nftDigest"}]}
 *
 * owner is the uid of the user who deployed the lab (state_caller()),
 * created when (seconds since the epoch); both kept by later writes.
 *
 * Beside it, one names table per fabric generation, names.GEN.json
 * (fabric_names.h), written when the generation is made current: stats and
 * trace name NICs and routes from them. The last STATE_NAMES_KEPT are kept.
 * The file is parsed here and only here: the rest of xvnet sees struct
 * lab_state and struct fabric_names.
 *
 * And the locks: /run/xvnet/<lab>.lock, held by whoever changes the lab
 * (deploy, apply, destroy), and /run/xvnet/.lock, held shared by them and
 * exclusively by cleanup. The state root is verified before use (a
 * directory owned by root, mode 0700, not a link: safedir.h); the state
 * holds no path xvnet would act on.
 */
#ifndef XVNET_STATE_H
#define XVNET_STATE_H

#include <stdbool.h>

#include "fabric_names.h"
#include "lab.h"

#define STATE_ROOT "/run/xvnet"
#define STATE_NAMES_KEPT 64

/* A node as deploy recorded it. */
struct state_node {
	char *name;
	char *kind;	/* lab_node_kind_name() */
	char *netns;
	char *address;	/* "10.1.0.4/24", or a site's hosts "192.168.0.1,192.168.0.2" */
	char *nic;	/* its NIC's outer end in the fabric namespace; NULL: none */
	bool nft;	/* runs an nftables ruleset: an NVA's firewall, the edge's NAT */
	char *nft_digest; /* that ruleset's lab_nft_digest(); NULL: not recorded */
};

struct lab_state {
	char *lab;
	char *file;	/* the topology deployed or last applied, absolute */
	char *status;	/* "deploying" or "up" */
	int pid;	/* the process that wrote it */
	enum lab_dataplane dataplane;	/* XDP when the state does not say */
	long owner;	/* uid of the user who deployed it; -1: not recorded */
	long created;	/* when, in seconds since the epoch; 0: not recorded */
	struct state_node *nodes;
	int nnodes;
};

/*
 * The user on whose behalf xvnet runs: the one who ran sudo (SUDO_UID)
 * when run through it as root, else the real uid.
 */
long state_caller(void);
/* Write (atomically, never through a link) the state of plan p deployed from file. */
int state_write(const struct lab_plan *p, const char *file, const char *status);
/*
 * The state of lab: 0, or -ENOENT when there is none (or it is unreadable:
 * every field is checked here).
 */
int state_read(const char *lab, struct lab_state *st);
void state_free(struct lab_state *st);
/* The dataplane lab runs on (XDP when there is no state). */
enum lab_dataplane lab_dataplane_of(const char *lab);
/* The node named node, or whose namespace is node; NULL: none. */
const struct state_node *state_node(const struct lab_state *st, const char *node);

/* Write the names of generation gen of lab's fabric (the state directory made when absent). */
int state_write_names(const char *lab, __u32 gen, const struct fabric_names *n);
/* The names of generation gen: 0, or -ENOENT (none, or unreadable). */
int state_read_names(const char *lab, __u32 gen, struct fabric_names *n);
/*
 * The topology file lab was deployed (or last applied) from, malloc'd;
 * NULL when there is no state or the file is gone.
 */
char *state_topology(const char *lab);
/* Is there a state directory for lab? */
bool state_present(const char *lab);
/* Is lab's lock file there (a deploy is running, or one was killed and left it)? */
bool state_lock_left(const char *lab);
/*
 * Remove the lab's state directory and its lock; 0 when they are not there.
 * Anything else in it is reported and left (-EPERM).
 */
int state_remove(const char *lab);
/*
 * Names of the labs that have a state directory or a lock (NULL-terminated;
 * never NULL); with report, every other entry is reported as not xvnet's.
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
