// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet nexthop: Network Watcher's next hop for a destination, in the shape
 * of `az network watcher show-next-hop` (docs/routing.md), or (--compare)
 * field by field against a saved output of that command.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "azure_compare.h"
#include "cli.h"
#include "print.h"
#include "verb.h"

static int cmd_nexthop(struct verb_opts *o);

struct nexthop_cli {
	const char *compare;
};

static const struct opt nexthop_opts[] = {
	{ .name = "compare", .type = OPT_STRING, .off = offsetof(struct nexthop_cli, compare),
	  .arg = "SAVED", .help = "compare with a saved `az network watcher show-next-hop`\n"
	  "(-o json or -o table); exit 0 when equal, 1 when not",
	  .complete = COMPLETE_FILE, .own = true },
	{ NULL },
};

const struct verb verb_nexthop = {
	.name = "nexthop",
	.summary = "Network Watcher's next hop for a destination",
	.operands = "TARGET DESTINATION_IP",
	.nmin = 2, .nmax = 2,
	.operand_complete = { COMPLETE_TARGET },
	.help = "Print the next hop that a packet from TARGET, a subnet (VNET/SUBNET) or a VM\n"
		"name, to DESTINATION_IP takes, as `az network watcher show-next-hop` would:\n"
		"the next hop type in Network Watcher's current names (VirtualNetwork,\n"
		"VirtualNetworkPeering, VirtualNetworkGateway, Internet, VirtualAppliance,\n"
		"None), its IP address, and the route table of the winning user route or\n"
		"\"System Route\".\n",
	.examples = (const char *const[]){
		"xvnet nexthop -t examples/hub-spoke.yaml app1 8.8.8.8",
		"xvnet nexthop -t examples/hub-spoke.yaml hub/fw 10.1.1.4 -o json",
		"xvnet nexthop -t mynet.yaml app1 10.2.1.4 --compare next-hop.json",
		NULL },
	.opts = nexthop_opts,
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.own_size = sizeof(struct nexthop_cli),
	.run = cmd_nexthop,
};

static const struct column nexthop_cols[] = {
	{ "nextHopType", "Next Hop Type" },
	{ "nextHopIpAddress", "Next Hop IP" },
	{ "routeTableId", "Route Table" },
};

/*
 * Network Watcher names differ from effective routes' for local and
 * peering hops (docs/routing.md); a reading: emit the current ones.
 */
static const char *watcher_type_name(enum next_hop_type t)
{
	switch (t) {
	case NH_VNET_LOCAL:
		return "VirtualNetwork";
	case NH_VNET_PEERING:
	case NH_VNET_GLOBAL_PEERING:
		return "VirtualNetworkPeering";
	default:
		return next_hop_type_name(t);
	}
}

static const struct column compare_cols[] = {
	{ "field", "Field" },
	{ "xvnet", "xvnet" },
	{ "azure", "Azure" },
	{ "comparison", "Comparison" },
};

static bool compare_field(const char *field, const char *xv, const char *azure, bool equal)
{
	print_row_open();
	print_string(PRINT_ANY, "field", NULL, field);
	print_string(PRINT_ANY, "xvnet", NULL, xv);
	print_string(PRINT_ANY, "azure", NULL, azure && *azure ? azure : NULL);
	print_string(PRINT_ANY, "comparison", NULL, equal ? "equal" : "differing");
	print_row_close();
	return equal;
}

/* The three fields side by side; EXIT_OK when all are equal. */
static int compare(struct session *s, const char *saved, const char *type, const char *ip,
		   const char *table)
{
	struct az_next_hop h;
	const char *why;
	bool equal = true;
	size_t len;
	char *buf;
	int rc;

	if (topo_read(saved, &buf, &len))
		return verb_bad_input(s, "%s: %m", saved);
	rc = az_parse_next_hop(buf, len, &h, &why);
	free(buf);
	if (rc)
		return verb_bad_input(s, "%s: not a saved next hop: %s", saved, why);
	print_start(s->o.format);
	print_table_open("value", compare_cols, sizeof(compare_cols) / sizeof(compare_cols[0]));
	equal &= compare_field("nextHopType", type, h.type, h.type && !strcasecmp(type, h.type));
	equal &= compare_field("nextHopIpAddress", ip, h.ip,
			       az_next_hop_ip_equal(type, h.ip, ip, az_same_gateway_subnet,
						    &s->topo));
	equal &= compare_field("routeTableId", table, h.route_table,
			       az_route_table_equal(h.route_table, table));
	print_table_close();
	az_next_hop_free(&h);
	return verb_print_end(equal ? EXIT_OK : EXIT_FAIL);
}

/*
 * The winning user route's table as Network Watcher names it: its full
 * resource id when the topology was imported (it keeps the id), else its
 * name; "System Route" for every other route.
 */
static const char *route_table_id(const struct topology *t, const struct eff_route *r)
{
	const struct route_table *rt;

	if (r->source != SRC_USER)
		return "System Route";
	rt = &t->route_tables[r->route_table];
	return rt->id ? rt->id : rt->name;
}

static int cmd_nexthop(struct verb_opts *o)
{
	struct session s = { 0 };
	const struct eff_route *r;
	struct eff_route tmp;
	char ip[IPV4_STRLEN];
	int rc, subnet, vm;
	uint32_t dst;

	rc = session_open(&s, o);
	if (rc)
		goto out;
	rc = verb_subnet(&s, s.o.args[0], &subnet, &vm);
	if (!rc)
		rc = verb_ipv4(&s, s.o.args[1], &dst);
	if (rc)
		goto out;
	/* Every subnet has 0.0.0.0/0 (Internet default), so a route always matches. */
	r = engine_lookup(&s.eng, subnet, dst, &tmp);
	if (((const struct nexthop_cli *)o->own)->compare) {
		rc = compare(&s, ((const struct nexthop_cli *)o->own)->compare,
			     watcher_type_name(eff_route_next_hop_type(r)), eff_route_next_hop_ip(r, ip),
			     route_table_id(&s.topo, r));
		goto out;
	}

	print_start(s.o.format);
	print_record_open(nexthop_cols, sizeof(nexthop_cols) / sizeof(nexthop_cols[0]));
	print_string(PRINT_ANY, "nextHopType", NULL, watcher_type_name(eff_route_next_hop_type(r)));
	print_string(PRINT_ANY, "nextHopIpAddress", NULL, eff_route_next_hop_ip(r, ip));
	print_string(PRINT_ANY, "routeTableId", NULL, route_table_id(&s.topo, r));
	print_record_close();
	rc = verb_print_end(EXIT_OK);
out:
	session_close(&s);
	return rc;
}
