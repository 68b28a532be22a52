// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet nexthop: Network Watcher's next hop for a destination, in the shape
 * of `az network watcher show-next-hop` (docs/routing.md).
 */
#include "cli.h"
#include "print.h"
#include "verb.h"

static int cmd_nexthop(struct verb_opts *o);

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
		NULL },
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.run = cmd_nexthop,
};

static const struct column nexthop_cols[] = {
	{ "nextHopType", "Next Hop Type" },
	{ "nextHopIpAddress", "Next Hop IP" },
	{ "routeTableId", "Route Table" },
};

/*
 * Network Watcher names differ from effective routes' for local and
 * peering hops (docs/routing.md); A16: emit the current ones.
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
	/* Every subnet has 0.0.0.0/0 (R2.1), so a route always matches. */
	r = engine_lookup(&s.eng, subnet, dst, &tmp);

	print_start(s.o.format);
	print_record_open(nexthop_cols, sizeof(nexthop_cols) / sizeof(nexthop_cols[0]));
	print_string(PRINT_ANY, "nextHopType", NULL, watcher_type_name(verb_next_hop_type(r)));
	print_string(PRINT_ANY, "nextHopIpAddress", NULL, verb_next_hop_ip(r, ip));
	print_string(PRINT_ANY, "routeTableId", NULL,
		     r->source == SRC_USER ? s.topo.route_tables[r->route_table].name :
					     "System Route");
	print_record_close();
	rc = verb_print_end(EXIT_OK);
out:
	session_close(&s);
	return rc;
}
