// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet routes: a subnet's effective routes, in the table and JSON shapes
 * of `az network nic show-effective-route-table` (docs/routing.md).
 */
#include "cli.h"
#include "print.h"
#include "verb.h"

static int cmd_routes(struct verb_opts *o);

const struct verb verb_routes = {
	.name = "routes",
	.summary = "a subnet's effective routes",
	.operands = "TARGET",
	.nmin = 1, .nmax = 1,
	.operand_complete = { COMPLETE_TARGET },
	.help = "Print the effective routes of TARGET, a subnet (VNET/SUBNET) or a VM name, as\n"
		"`az network nic show-effective-route-table` would: Default and User rows first,\n"
		"then the routes propagated by a virtual network gateway, Active and Invalid.\n",
	.examples = (const char *const[]){
		"xvnet routes -t examples/hub-spoke.yaml spoke1/app",
		"xvnet routes -t examples/hub-spoke.yaml app1 -o json",
		"xvnet routes --lab hubspoke hub/fw",
		NULL },
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.run = cmd_routes,
};

static const struct column route_cols[] = {
	{ "source", "Source" },
	{ "state", "State" },
	{ "addressPrefix", "Address Prefix" },
	{ "nextHopType", "Next Hop Type" },
	{ "nextHopIpAddress", "Next Hop IP" },
	{ "name", "User Defined Route Name" },
};

static void print_route(const struct topology *t, const struct eff_route *r,
			bool disable_bgp)
{
	char pfx[PREFIX_STRLEN], ip[IPV4_STRLEN];
	const char *pfxs[] = { prefix_str(r->prefix, pfx) };
	const char *ips[] = { verb_next_hop_ip(r, ip) };

	print_row_open();
	print_string(PRINT_ANY, "source", NULL, verb_source_name(r->source));
	print_string(PRINT_ANY, "state", NULL, r->active ? "Active" : "Invalid");
	print_strings(PRINT_ANY, "addressPrefix", NULL, pfxs, 1);
	print_string(PRINT_ANY, "nextHopType", NULL, next_hop_type_name(verb_next_hop_type(r)));
	print_strings(PRINT_ANY, "nextHopIpAddress", NULL, ips, ips[0] != NULL);
	print_string(PRINT_ANY, "name", NULL,
		     r->source == SRC_USER ? t->route_tables[r->route_table].routes[r->udr].name :
					     NULL);
	print_bool(PRINT_JSON, "disableBgpRoutePropagation", NULL, disable_bgp);
	print_row_close();
}

static int cmd_routes(struct verb_opts *o)
{
	struct session s = { 0 };
	const struct route_set *rs;
	const struct subnet *sn;
	struct eff_route tmp;
	bool disable_bgp;
	int rc, subnet, vm;

	rc = session_open(&s, o);
	if (rc)
		goto out;
	rc = verb_subnet(&s, s.o.args[0], &subnet, &vm);
	if (rc)
		goto out;
	sn = &s.topo.subnets[subnet];
	rs = &s.eng.sets[subnet];
	disable_bgp = sn->route_table >= 0 &&
		      s.topo.route_tables[sn->route_table].disable_bgp_route_propagation;

	print_start(s.o.format);
	print_table_open("value", route_cols, sizeof(route_cols) / sizeof(route_cols[0]));
	for (int i = 0; i < route_set_count(rs); i++)
		print_route(&s.topo, route_set_row(&s.eng, rs, i, &tmp), disable_bgp);
	print_table_close();
	rc = verb_print_end(EXIT_OK);
out:
	session_close(&s);
	return rc;
}
