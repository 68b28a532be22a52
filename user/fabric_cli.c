// SPDX-License-Identifier: GPL-2.0
/* Shared by `xvnet stats` and `xvnet trace`: see fabric_cli.h. */
#include "fabric_cli.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lab_verb.h"
#include "state.h"

enum { OPT_LAB = 256 };

static const struct option long_opts[] = {
	{ "topology", required_argument, NULL, 't' },
	{ "lab", required_argument, NULL, OPT_LAB },
	{ "json", no_argument, NULL, 'j' },
	{ "watch", no_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int usage(const struct verb *v, FILE *f)
{
	fprintf(f, "Usage: xvnet %s %s\n", v->name, v->synopsis);
	if (f == stderr) {
		fprintf(stderr, "Try 'xvnet %s --help'.\n", v->name);
		return EXIT_USAGE;
	}
	printf("\n%s\nOptions:\n"
	       "  -t, --topology FILE  the lab's topology file, to name NICs and routes\n"
	       "                       (default: $XVNET_TOPOLOGY)\n"
	       "      --lab NAME       the lab (default: the topology's name); without -t,\n"
	       "                       named from the file the lab was deployed from\n"
	       "  -j, --json           print JSON\n"
	       "  -h, --help           print this help\n", v->help);
	return EXIT_OK;
}

static int parse(struct fabric_session *fs, const struct verb *v, int argc, char **argv,
		 const char **lab)
{
	int c;

	fs->s.verb = v;
	fs->s.o.topology = getenv("XVNET_TOPOLOGY");
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:jwc:h", long_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			fs->s.o.topology = optarg;
			break;
		case OPT_LAB:
			if (lab_name_check(optarg))
				return EXIT_USAGE;
			*lab = optarg;
			break;
		case 'j':
			fs->json = true;
			break;
		case 'w':
			if (strcmp(v->name, "stats"))
				return usage(v, stderr);
			fs->watch = true;
			break;
		case 'c':
			if (strcmp(v->name, "trace") || (fs->count = strtol(optarg, NULL, 10)) <= 0)
				return usage(v, stderr);
			break;
		case 'h':
			return usage(v, stdout);
		default:
			return usage(v, stderr);
		}
	}
	if (optind != argc || (!fs->s.o.topology && !*lab)) {
		fprintf(stderr, "xvnet %s: give the lab's topology (-t FILE) or --lab NAME\n",
			v->name);
		return usage(v, stderr);
	}
	if (!fs->s.o.topology)
		fs->s.o.topology = fs->state_file = state_topology(*lab);
	return SESSION_READY;
}

/* Route ids depend on the topology alone: compile it with no NICs. */
static int name_routes(struct fabric_session *fs)
{
	char err[256];

	if (fabric_compile(&fs->s.topo, &fs->s.eng, NULL, 0, &fs->img, err, sizeof(err))) {
		fprintf(stderr, "xvnet %s: %s\n", fs->s.verb->name, err);
		return EXIT_FAIL;
	}
	return SESSION_READY;
}

int fabric_session_open(struct fabric_session *fs, const struct verb *v,
			int argc, char **argv)
{
	const char *lab = NULL;
	char pin_dir[256];
	int rc;

	memset(fs, 0, sizeof(*fs));
	fs->v = (struct fabric_view){ .stats = -1, .config = -1, .events = -1, .nics = -1,
				      .hits = -1 };
	rc = parse(fs, v, argc, argv, &lab);
	if (rc == SESSION_READY && fs->s.o.topology)
		rc = session_load(&fs->s);
	if (rc == SESSION_READY && fs->s.loaded)
		rc = session_build(&fs->s);
	if (rc == SESSION_READY && fs->s.built)
		rc = name_routes(fs);
	if (rc != SESSION_READY)
		return rc;
	if (fabric_pin_dir(lab ? lab : fs->s.topo.name, pin_dir, sizeof(pin_dir)) ||
	    fabric_view_open(pin_dir, &fs->v)) {
		fprintf(stderr, "xvnet %s: no fabric is loaded at %s (is the lab up?)\n",
			v->name, pin_dir);
		return EXIT_FAIL;
	}
	return SESSION_READY;
}

void fabric_session_close(struct fabric_session *fs)
{
	fabric_view_close(&fs->v);
	fabric_image_free(&fs->img);
	session_close(&fs->s);
	free(fs->state_file);
}

const char *fabric_nic_name(const struct fabric_session *fs, __u32 slot,
			    char *buf, size_t len)
{
	const struct topology *t = &fs->s.topo;
	struct xv_nic nic;

	if (slot == XV_NONE || slot == (__u32)fs->v.nnics)
		return "-";
	if (fabric_read_nic(&fs->v, slot, &nic) || !fs->s.loaded)
		snprintf(buf, len, "nic %u", slot);
	else if (nic.kind == XV_NIC_INTERNET)
		snprintf(buf, len, "Internet");
	else if (nic.kind == XV_NIC_VM && nic.index < (__u32)t->nvms)
		snprintf(buf, len, "%s (%s/%s)", t->vms[nic.index].name,
			 t->vnets[t->vms[nic.index].vnet].name,
			 t->subnets[t->vms[nic.index].subnet].name);
	else if (nic.kind == XV_NIC_GATEWAY && nic.index < (__u32)t->ngateways)
		snprintf(buf, len, "%s (%s/GatewaySubnet)", t->gateways[nic.index].name,
			 t->vnets[t->gateways[nic.index].vnet].name);
	else
		snprintf(buf, len, "nic %u", slot);
	return buf;
}

/*
 * The route a route id names: an own or shadow route's by its number, a
 * learned one (XV_ROUTE_ID_GW) from its set's counter, its length and a
 * destination in it. False: no such route.
 */
static bool route_ref(const struct fabric_session *fs, __u32 route_id, __u32 dst,
		      struct route_ref *ref)
{
	int g = (int)(route_id & XV_TRIE_ID_MASK) - fs->img.nown;

	if (!(route_id & XV_ROUTE_ID_GW)) {
		if (route_id >= (__u32)fs->img.nroutes)
			return false;
		*ref = fs->img.routes[route_id];
		return true;
	}
	if (g < 0 || g >= fs->s.topo.ngateways)
		return false;
	*ref = (struct route_ref){ -1, g, fabric_gw_row(&fs->s.eng, g, ntohl(dst),
				  route_id >> XV_TRIE_LEN_SHIFT & 0x3f) };
	return ref->row >= 0;
}

const char *fabric_route_name(const struct fabric_session *fs, __u32 route_id,
			      __u32 dst, char *buf, size_t len)
{
	char prefix[PREFIX_STRLEN], ip[IPV4_STRLEN];
	struct route_ref ref;
	struct eff_route r;
	const char *nh;

	if (route_id == XV_NONE)
		return NULL;
	if (!route_ref(fs, route_id, dst, &ref)) {
		snprintf(buf, len, "route %u", route_id);
		return buf;
	}
	fabric_route_row(&fs->s.topo, &fs->s.eng, &ref, &r);
	nh = verb_next_hop_ip(&r, ip);
	snprintf(buf, len, "%s %s %s%s%s", prefix_str(r.prefix, prefix),
		 verb_source_name(r.source), next_hop_type_name(verb_next_hop_type(&r)),
		 nh ? " " : "", nh ? nh : "");
	return buf;
}

const char *fabric_route_owner(const struct fabric_session *fs, __u32 route_id,
			       char *buf, size_t len)
{
	const struct topology *t = &fs->s.topo;
	const struct route_ref *ref;
	size_t at = 0;

	if (route_id >= (__u32)fs->img.nroutes)
		return "-";
	ref = &fs->img.routes[route_id];
	if (ref->subnet < 0)
		return t->gateways[ref->gateway].name;
	/* every subnet the table serves: "hub/app, hub/db" */
	for (int s = 0; s < t->nsubnets && at < len; s++)
		if (fs->img.table_of[s] == ref->subnet)
			at += snprintf(buf + at, len - at, "%s%s/%s", at ? ", " : "",
				       t->vnets[t->subnets[s].vnet].name, t->subnets[s].name);
	return buf;
}
