/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every offline verb (routes, nexthop, path, check) shares: option
 * parsing, usage and help, loading the topology with its diagnostics,
 * building the route engine, and resolving names typed by the user.
 */
#ifndef XVNET_VERB_H
#define XVNET_VERB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "model.h"
#include "topo.h"

/* Options beyond -t/-j/-h that a verb accepts. */
#define VERB_OPT_FLOW	(1u << 0) /* -p/--protocol, --port */
#define VERB_OPT_STATS	(1u << 1) /* --stats */
#define VERB_OPT_ROUND_TRIP (1u << 2) /* --round-trip */

struct verb {
	const char *name;
	const char *synopsis;	/* what follows "xvnet NAME " in the usage line */
	const char *help;	/* description and the verb's own options */
	int nargs;		/* positional arguments, exactly */
	unsigned int opts;	/* VERB_OPT_* */
};

struct verb_opts {
	const char *topology;	/* -t, else $XVNET_TOPOLOGY */
	bool json;
	bool stats;
	bool round_trip;
	enum fw_proto proto;	/* FW_ANY when not given */
	int port;		/* -1 when not given */
	size_t max_input;	/* --max-input, 0 when not given */
	char **args;		/* the nargs positional arguments */
};

/* A verb's working state; zero it, then session_open() it. */
struct session {
	const struct verb *verb;
	struct verb_opts o;
	struct topology topo;
	struct engine eng;
	bool loaded, built;
};

#define SESSION_READY (-1)

/*
 * Parse the verb's command line (argv[0] is the verb). Returns
 * SESSION_READY, or the exit code to return: EXIT_OK after --help,
 * EXIT_USAGE after a usage error (already reported).
 */
int session_parse(struct session *s, const struct verb *v, int argc, char **argv);
/* Print every diagnostic line to stderr, free them; returns EXIT_USAGE. */
int verb_diagnostics(struct diags *d);
/* Load and validate the topology; diagnostics to stderr, EXIT_USAGE. */
int session_load(struct session *s);
/* Compute every subnet's effective routes; EXIT_FAIL when out of memory. */
int session_build(struct session *s);
/* All three in turn. */
int session_open(struct session *s, const struct verb *v, int argc, char **argv);
void session_close(struct session *s);

/* Report a bad argument of the verb and return EXIT_USAGE. */
int verb_bad_input(const struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* TARGET: "VNET/SUBNET" or a VM name. Sets *vm (-1 for a subnet). */
int verb_subnet(const struct session *s, const char *target, int *subnet, int *vm);
/* A dotted-quad address argument. */
int verb_ipv4(const struct session *s, const char *arg, uint32_t *addr);

/* Azure's name of a route source: Default, User, VirtualNetworkGateway. */
const char *verb_source_name(enum route_source src);
/* The next hop type Azure shows: a VnetLocal UDR outside the VNet is None (R4.7). */
enum next_hop_type verb_next_hop_type(const struct eff_route *r);
/* The next-hop IP Azure shows for r (appliance and gateway hops), or NULL. */
const char *verb_next_hop_ip(const struct eff_route *r, char buf[IPV4_STRLEN]);

/* End the document; EXIT_FAIL when stdout cannot be written, else rc. */
int verb_print_end(int rc);

#endif
