// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet routes: a subnet's effective routes, in the table and JSON shapes
 * of `az network nic show-effective-route-table` (docs/routing.md), or
 * (--compare) the rows that differ from a saved output of that command.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "azure_compare.h"
#include "cli.h"
#include "print.h"
#include "verb.h"

static int cmd_routes(struct verb_opts *o);

struct routes_cli {
	const char *compare;
};

static const struct opt routes_opts[] = {
	{ .name = "compare", .type = OPT_STRING, .off = offsetof(struct routes_cli, compare),
	  .arg = "SAVED", .help = "compare with a saved `az network nic show-effective-route-table`\n"
	  "(-o json or -o table): rows only in Azure, only in xvnet, differing;\n"
	  "exit 0 when equal, 1 when not",
	  .complete = COMPLETE_FILE, .own = true },
	{ NULL },
};

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
		"xvnet routes -t mynet.yaml app1 --compare app1-effective.json",
		NULL },
	.opts = routes_opts,
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.own_size = sizeof(struct routes_cli),
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

/* A route as Azure prints it: the one place its fields are decided. */
struct route_fields {
	const char *source, *state, *type, *name;
	char prefix[PREFIX_STRLEN], ipbuf[IPV4_STRLEN];
	const char *ip; /* NULL: none */
};

static void route_fields(const struct topology *t, const struct eff_route *r,
			 struct route_fields *f)
{
	f->source = eff_route_source_name(r->source);
	f->state = r->active ? "Active" : "Invalid";
	prefix_str(r->prefix, f->prefix);
	f->type = next_hop_type_name(eff_route_next_hop_type(r));
	f->ip = eff_route_next_hop_ip(r, f->ipbuf);
	f->name = r->source == SRC_USER ? t->route_tables[r->route_table].routes[r->udr].name :
					  NULL;
}

static void print_route(const struct topology *t, const struct eff_route *r,
			bool disable_bgp)
{
	struct route_fields f;

	route_fields(t, r, &f);
	const char *pfxs[] = { f.prefix };
	const char *ips[] = { f.ip };

	print_row_open();
	print_string(PRINT_ANY, "source", NULL, f.source);
	print_string(PRINT_ANY, "state", NULL, f.state);
	print_strings(PRINT_ANY, "addressPrefix", NULL, pfxs, 1);
	print_string(PRINT_ANY, "nextHopType", NULL, f.type);
	print_strings(PRINT_ANY, "nextHopIpAddress", NULL, ips, ips[0] != NULL);
	print_string(PRINT_ANY, "name", NULL, f.name);
	print_bool(PRINT_JSON, "disableBgpRoutePropagation", NULL, disable_bgp);
	print_row_close();
}

/* ---- --compare ---- */

static const struct column compare_cols[] = {
	{ "comparison", "Comparison" },
	{ "side", "Side" },
	{ "source", "Source" },
	{ "state", "State" },
	{ "addressPrefix", "Address Prefix" },
	{ "nextHopType", "Next Hop Type" },
	{ "nextHopIpAddress", "Next Hop IP" },
};

static void print_compare_row(enum az_cmp c, const char *side, const struct az_route_row *r)
{
	print_row_open();
	print_string(PRINT_ANY, "comparison", NULL, az_cmp_name(c));
	print_string(PRINT_ANY, "side", NULL, side);
	print_string(PRINT_ANY, "source", NULL, r->source);
	print_string(PRINT_ANY, "state", NULL, r->state);
	print_strings(PRINT_ANY, "addressPrefix", NULL, (const char *const *)r->prefixes,
		      r->nprefixes);
	print_string(PRINT_ANY, "nextHopType", NULL, r->type);
	print_strings(PRINT_ANY, "nextHopIpAddress", NULL, (const char *const *)r->ips, r->nips);
	print_row_close();
}

/* The rows that differ, then how many of each; EXIT_OK when all are equal. */
static int print_compare(const struct session *s, const struct az_rows *azure,
			 const struct az_rows *xv)
{
	unsigned long count[4] = { 0 };
	struct az_pair *pairs;
	int n;

	az_compare_routes(azure, xv, az_same_gateway_subnet, (void *)&s->topo, &pairs, &n);
	print_start(s->o.format);
	print_table_open("value", compare_cols, sizeof(compare_cols) / sizeof(compare_cols[0]));
	for (int i = 0; i < n; i++) {
		count[pairs[i].cmp]++;
		if (pairs[i].azure >= 0 && pairs[i].cmp != AZ_EQUAL)
			print_compare_row(pairs[i].cmp, "azure", &azure->v[pairs[i].azure]);
		if (pairs[i].xvnet >= 0 && pairs[i].cmp != AZ_EQUAL)
			print_compare_row(pairs[i].cmp, "xvnet", &xv->v[pairs[i].xvnet]);
	}
	print_table_close();
	print_uint(PRINT_ANY, "equal", "%lu equal", count[AZ_EQUAL]);
	print_uint(PRINT_ANY, "onlyInAzure", ", %lu only in Azure", count[AZ_ONLY_AZURE]);
	print_uint(PRINT_ANY, "onlyInXvnet", ", %lu only in xvnet", count[AZ_ONLY_XVNET]);
	print_uint(PRINT_ANY, "differing", ", %lu differing\n", count[AZ_DIFFERING]);
	free(pairs);
	return verb_print_end(n == (int)count[AZ_EQUAL] ? EXIT_OK : EXIT_FAIL);
}

static int compare(const struct session *s, const char *saved, const struct route_set *rs)
{
	struct az_rows azure, xv = { 0 };
	struct eff_route tmp;
	const char *why;
	size_t len;
	char *buf;
	int rc;

	if (topo_read(saved, &buf, &len))
		return verb_bad_input(s, "%s: %m", saved);
	rc = az_parse_effective(buf, len, &azure, &why);
	free(buf);
	if (rc)
		return verb_bad_input(s, "%s: not a saved effective route table: %s", saved, why);
	for (int i = 0; i < route_set_count(rs); i++) {
		struct route_fields f;
		const char *pfx[1];

		route_fields(&s->topo, route_set_row(&s->eng, rs, i, &tmp), &f);
		pfx[0] = f.prefix;
		az_rows_add(&xv, f.source, f.state, f.type, pfx, 1, &f.ip, f.ip != NULL);
	}
	rc = print_compare(s, &azure, &xv);
	az_rows_free(&azure);
	az_rows_free(&xv);
	return rc;
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
	if (((const struct routes_cli *)o->own)->compare) {
		rc = compare(&s, ((const struct routes_cli *)o->own)->compare, rs);
		goto out;
	}
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
