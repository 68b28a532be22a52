// SPDX-License-Identifier: GPL-2.0
/*
 * The pure Azure converters: the importer on small documents (ids that
 * differ in case, collisions, learned routes, absent references), the
 * comparer's row matching, and ARM template expressions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "azure.h"
#include "azure_compare.h"
#include "azure_json.h"
#include "azure_template.h"

/* Import one document given as JSON text; the result in *r. */
static int import1(const char *file, const char *text, bool strict, struct az_import *r)
{
	struct az_import_opts o = { .lab_name = "t", .strict = strict };
	json_error_t err;
	struct az_doc d = { file, json_loads(text, 0, &err) };
	int rc;

	assert_non_null(d.root);
	rc = az_import(&d, 1, &o, r);
	json_decref(d.root);
	return rc;
}

static bool has_line(const struct az_import *r, const char *line)
{
	const char *p = r->yaml;
	size_t n = strlen(line);

	while (p && (p = strstr(p, line))) {
		if ((p == r->yaml || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

#define VNET(rg, name, pfx, extra) \
	"{\"id\": \"/subscriptions/s/resourceGroups/" rg "/providers/Microsoft.Network/virtualNetworks/" name "\"," \
	" \"name\": \"" name "\", \"type\": \"Microsoft.Network/virtualNetworks\"," \
	" \"addressSpace\": {\"addressPrefixes\": [\"" pfx "\"]}, \"subnets\": [], " extra "}"

static void test_ids_ignore_case(void **state)
{
	struct az_import r;

	(void)state;
	assert_int_equal(import1("v.json", "[" VNET("rg-a", "a", "10.0.0.0/16",
		"\"virtualNetworkPeerings\": [{\"name\": \"p\", \"remoteVirtualNetwork\": {\"id\": \"/SUBSCRIPTIONS/s/resourcegroups/RG-B/providers/microsoft.network/virtualnetworks/B\"}}]")
		", " VNET("rg-b", "b", "10.1.0.0/16", "\"virtualNetworkPeerings\": []") "]", false, &r), 0);
	assert_true(has_line(&r, "  - {from: a, to: b}"));
	assert_int_equal(r.notes.n, 0);
	az_import_free(&r);
}

static void test_collision_qualified(void **state)
{
	struct az_import r;

	(void)state;
	assert_int_equal(import1("v.json", "[" VNET("rg-one", "hub", "10.0.0.0/16", "\"x\": 1")
		", " VNET("RG-Two", "hub", "10.1.0.0/16", "\"x\": 1") "]", false, &r), 0);
	assert_true(has_line(&r, "  - name: hub-rg-one"));
	assert_true(has_line(&r, "  - name: hub-rg-two"));
	az_import_free(&r);
}

static void test_absent_strict(void **state)
{
	const char *doc = "[" VNET("rg", "a", "10.0.0.0/16",
		"\"virtualNetworkPeerings\": [{\"name\": \"p\", \"remoteVirtualNetwork\": {\"id\": \"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/gone\"}}]") "]";
	struct az_import r;

	(void)state;
	assert_int_equal(import1("v.json", doc, false, &r), 0);
	assert_int_equal(r.notes.n, 1);
	assert_non_null(strstr(r.notes.lines[0], "absent: peering p: its remote virtual network"));
	assert_non_null(strstr(r.yaml, "# absent: peering p"));
	az_import_free(&r);
	assert_int_equal(import1("v.json", doc, true, &r), -1);
	assert_null(r.yaml);
	assert_non_null(strstr(r.notes.lines[0], "(--strict)"));
	az_import_free(&r);
}

static void test_not_azure(void **state)
{
	struct az_import r;

	(void)state;
	assert_int_equal(import1("x.json", "{\"a\": [1, 2]}", false, &r), -1);
	assert_non_null(strstr(r.notes.lines[0], "x.json: skipped: not Azure resources"));
	az_import_free(&r);
	/* an effective route table is named as such */
	assert_int_equal(import1("e.json", "{\"value\": [{\"source\": \"Default\", \"state\": \"Active\", \"nextHopType\": \"VnetLocal\", \"addressPrefix\": [\"10.0.0.0/16\"]}]}",
				 false, &r), -1);
	assert_non_null(strstr(r.notes.lines[0], "an effective route table"));
	az_import_free(&r);
}

static void test_yaml_quoting(void **state)
{
	struct az_import r;

	(void)state;
	/* a VNet named like a YAML word keeps its name as a string */
	assert_int_equal(import1("v.json", "[" VNET("rg", "yes", "10.0.0.0/16", "\"x\": 1") "]",
				 false, &r), 0);
	assert_true(has_line(&r, "  - name: \"yes\""));
	az_import_free(&r);
}

/* ---- compare ---- */

static bool never_same(const char *a, const char *b, void *ctx)
{
	(void)a, (void)b, (void)ctx;
	return false;
}

static bool same_24(const char *a, const char *b, void *ctx)
{
	(void)ctx;
	return !strncmp(a, b, strlen("10.0.255."));
}

static void test_compare_rows(void **state)
{
	const char *p1[] = { "10.0.0.0/16" }, *p2[] = { "0.0.0.0/0" }, *p3[] = { "192.168.0.0/16" };
	const char *gw_az[] = { "10.0.255.4", "10.0.255.5" }, *gw_xv[] = { "10.0.255.4" };
	struct az_rows az = { 0 }, xv = { 0 };
	struct az_pair *pairs;
	int n;

	(void)state;
	az_rows_add(&az, "Default", "Active", "VnetLocal", p1, 1, NULL, 0);
	az_rows_add(&az, "Default", "Invalid", "Internet", p2, 1, NULL, 0);
	az_rows_add(&az, "VirtualNetworkGateway", "Active", "VirtualNetworkGateway", p3, 1, gw_az, 2);
	/* xvnet: other order, 0/0 Active, the gateway with one address */
	az_rows_add(&xv, "VirtualNetworkGateway", "Active", "VirtualNetworkGateway", p3, 1, gw_xv, 1);
	az_rows_add(&xv, "Default", "Active", "Internet", p2, 1, NULL, 0);
	az_rows_add(&xv, "Default", "Active", "VnetLocal", p1, 1, NULL, 0);
	az_compare_routes(&az, &xv, same_24, NULL, &pairs, &n);
	assert_int_equal(n, 3);
	assert_int_equal(pairs[0].cmp, AZ_EQUAL);
	assert_int_equal(pairs[0].azure, 2);
	assert_int_equal(pairs[1].cmp, AZ_EQUAL);
	assert_int_equal(pairs[2].cmp, AZ_DIFFERING);
	assert_int_equal(pairs[2].azure, 1);
	assert_int_equal(pairs[2].xvnet, 1);
	free(pairs);
	/* gateway addresses outside one subnet: a differing pair */
	az_compare_routes(&az, &xv, never_same, NULL, &pairs, &n);
	assert_int_equal(pairs[n - 1].cmp, AZ_DIFFERING);
	assert_int_equal(pairs[n - 2].cmp, AZ_DIFFERING);
	free(pairs);
	az_rows_free(&az);
	az_rows_free(&xv);
}

static void test_route_table_id(void **state)
{
	(void)state;
	assert_true(az_route_table_equal("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/RT", "rt"));
	assert_false(az_route_table_equal("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/xrt", "rt"));
	assert_true(az_route_table_equal("System Route", "System Route"));
	assert_false(az_route_table_equal("System Route", "rt"));
}

static void test_table_text(void **state)
{
	const char *t = "Source    State    Address Prefix    Next Hop Type    Next Hop IP\n"
			"--------  -------  ----------------  ---------------  -------------\n"
			"Default   Active   10.0.0.0/16       VnetLocal\n"
			"User      Active   0.0.0.0/0         VirtualAppliance 10.0.1.4\n";
	struct az_rows r;
	const char *why;

	(void)state;
	assert_int_equal(az_parse_effective(t, strlen(t), &r, &why), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[1].source, "User");
	assert_string_equal(r.v[1].prefixes[0], "0.0.0.0/0");
	assert_int_equal(r.v[1].nips, 1);
	assert_string_equal(r.v[1].ips[0], "10.0.1.4");
	az_rows_free(&r);
	assert_int_equal(az_parse_effective("hello", 5, &r, &why), -1);
}

/* ---- ARM templates ---- */

static void test_template(void **state)
{
	const char *text =
		"{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\","
		" \"parameters\": {\"n\": {\"defaultValue\": \"hub\"}, \"e\": {\"defaultValue\": \"[concat('x', 'y')]\"}},"
		" \"variables\": {\"v\": \"sub'net\"},"
		" \"resources\": [{\"name\": \"[concat(parameters('n'), '/app')]\","
		"   \"id\": \"[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('n'), 'app')]\","
		"   \"a\": \"[parameters('e')]\", \"b\": \"[variables('v')]\", \"c\": \"[resourceGroup().location]\","
		"   \"d\": \"[[literal\", \"f\": \"['it''s']\"}]}";
	json_error_t err;
	json_t *tpl = json_loads(text, 0, &err), *res, *r;
	int left;

	(void)state;
	assert_non_null(tpl);
	assert_true(az_is_template(tpl));
	res = az_template_resolve(tpl, "g", &left);
	r = json_array_get(res, 0);
	assert_string_equal(aj_str(r, "name"), "hub/app");
	assert_string_equal(aj_str(r, "id"),
			    "/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/hub/subnets/app");
	assert_string_equal(aj_str(r, "a"), "xy");
	assert_string_equal(aj_str(r, "b"), "sub'net");
	assert_string_equal(aj_str(r, "c"), "[resourceGroup().location]");
	assert_string_equal(aj_str(r, "d"), "[[literal");
	assert_string_equal(aj_str(r, "f"), "it's");
	assert_int_equal(left, 1);
	json_decref(res);
	json_decref(tpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_ignore_case),
		cmocka_unit_test(test_collision_qualified),
		cmocka_unit_test(test_absent_strict),
		cmocka_unit_test(test_not_azure),
		cmocka_unit_test(test_yaml_quoting),
		cmocka_unit_test(test_compare_rows),
		cmocka_unit_test(test_route_table_id),
		cmocka_unit_test(test_table_text),
		cmocka_unit_test(test_template),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
