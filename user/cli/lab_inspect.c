// SPDX-License-Identifier: GPL-2.0
/*
 * The view of a running lab that `xvnet inspect` prints and `xvnet deploy`
 * ends with: its nodes, from the lab's state, each firewall NVA's counters
 * per rule and log of denied flows, read from nftables (`nft -j list table
 * ip xvnet` inside the NVA's namespace), and the active source
 * translations (conntrack.h).
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "conntrack.h"
#include "lab_verb.h"
#include "log.h"
#include "netns.h"
#include "print.h"
#include "state.h"

static const struct column node_cols[] = {
	{ "name", "Name" }, { "kind", "Kind" }, { "netns", "Namespace" },
	{ "address", "Address" }, { "nic", "Fabric NIC" }, { "state", "State" },
};

static const struct column rule_cols[] = {
	{ "nva", "NVA" }, { "rule", "Rule" }, { "action", "Action" },
	{ "packets", "Packets" }, { "bytes", "Bytes" },
};

static const struct column denied_cols[] = {
	{ "nva", "NVA" }, { "source", "Source" }, { "destination", "Destination" },
	{ "protocol", "Protocol" }, { "port", "Port" }, { "packets", "Packets" },
};

static const struct column nat_cols[] = {
	{ "node", "Node" }, { "protocol", "Protocol" }, { "source", "Source" },
	{ "destination", "Destination" }, { "port", "Port" }, { "translatedTo", "Translated To" },
};

static void print_nodes(const struct lab_state *st)
{
	print_table_open("nodes", node_cols, 6);
	for (int i = 0; i < st->nnodes; i++) {
		const struct state_node *n = &st->nodes[i];
		int fd = netns_open(n->netns);

		print_row_open();
		print_string(PRINT_ANY, "name", "%s", n->name);
		print_string(PRINT_ANY, "kind", "%s", n->kind);
		print_string(PRINT_ANY, "netns", "%s", n->netns);
		print_string(PRINT_ANY, "address", "%s", n->address);
		print_string(PRINT_ANY, "nic", "%s", n->nic);
		print_string(PRINT_ANY, "state", "%s", fd >= 0 ? "running" : "missing");
		print_row_close();
		if (fd >= 0)
			close(fd);
	}
	print_table_close();
}

/* `nft -j list table ip xvnet` run inside the NVA's namespace. */
static json_t *nft_table(const char *netns)
{
	int fd = netns_open(netns);
	json_t *root = NULL;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (!netns_enter(fd)) {
		f = popen("nft -j list table ip " LAB_NFT_TABLE " 2>/dev/null", "r");
		if (f) {
			root = json_loadf(f, 0, NULL);
			pclose(f);
		}
		netns_home();
	}
	close(fd);
	return root;
}

static json_t *find_counter(json_t *exprs, const char **action)
{
	json_t *x, *counter = NULL;
	size_t i;

	json_array_foreach(exprs, i, x) {
		if (json_object_get(x, "counter"))
			counter = json_object_get(x, "counter");
		if (json_object_get(x, "accept"))
			*action = "Allow";
		if (json_object_get(x, "drop"))
			*action = "Deny";
	}
	return counter;
}

struct rule_sum {
	const char *name, *action;
	json_int_t packets, bytes;
};

static void print_rule(const char *nva, const struct rule_sum *r)
{
	print_row_open();
	print_string(PRINT_ANY, "nva", "%s", nva);
	print_string(PRINT_ANY, "rule", "%s", r->name);
	print_string(PRINT_ANY, "action", "%s", r->action);
	print_uint(PRINT_ANY, "packets", "%lu", r->packets);
	print_uint(PRINT_ANY, "bytes", "%lu", r->bytes);
	print_row_close();
}

/* One row per rule name: a Deny rule is two nft rules (TCP/UDP, others). */
static void print_rules(const char *nva, json_t *nft)
{
	struct rule_sum sum = { 0 };
	json_t *it;
	size_t i;

	json_array_foreach(json_object_get(nft, "nftables"), i, it) {
		json_t *r = json_object_get(it, "rule"), *c;
		const char *comment = json_string_value(json_object_get(r, "comment"));
		const char *action = "";

		c = find_counter(json_object_get(r, "expr"), &action);
		if (!comment || !c)
			continue;
		if (sum.name && strcmp(sum.name, comment)) {
			print_rule(nva, &sum);
			sum = (struct rule_sum){ 0 };
		}
		sum.name = comment;
		sum.action = action;
		sum.packets += json_integer_value(json_object_get(c, "packets"));
		sum.bytes += json_integer_value(json_object_get(c, "bytes"));
	}
	if (sum.name)
		print_rule(nva, &sum);
}

/*
 * A denied flow's protocol: nft names it ("tcp"), or on some kernels (6.1)
 * gives its number.
 */
static const char *proto_name(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	switch (json_integer_value(v)) {
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	}
	snprintf(buf, len, "%lld", json_integer_value(v));
	return buf;
}

/* The dynamic set's elements: {"elem": {"val": {"concat": [...]}, "counter"}}. */
static void print_denied(const char *nva, json_t *nft)
{
	json_t *it, *e;
	size_t i, k;

	json_array_foreach(json_object_get(nft, "nftables"), i, it) {
		json_t *set = json_object_get(it, "set");

		if (!set || strcmp(json_string_value(json_object_get(set, "name")) ?: "",
				   LAB_NFT_DENIED))
			continue;
		json_array_foreach(json_object_get(set, "elem"), k, e) {
			json_t *el = json_object_get(e, "elem");
			json_t *v = json_object_get(json_object_get(el, "val"), "concat");
			json_t *c = json_object_get(el, "counter");
			char proto[24];

			print_row_open();
			print_string(PRINT_ANY, "nva", "%s", nva);
			print_string(PRINT_ANY, "source", "%s", json_string_value(json_array_get(v, 0)));
			print_string(PRINT_ANY, "destination", "%s", json_string_value(json_array_get(v, 1)));
			print_string(PRINT_ANY, "protocol", "%s",
				     proto_name(json_array_get(v, 2), proto, sizeof(proto)));
			print_uint(PRINT_ANY, "port", "%lu", json_integer_value(json_array_get(v, 3)));
			print_uint(PRINT_ANY, "packets", "%lu",
				   json_integer_value(json_object_get(c, "packets")));
			print_row_close();
		}
	}
}

/*
 * The NVAs of a lab: its VMs with an nftables ruleset. Only they are asked
 * (an nft process each): a lab of a thousand VMs has one or two.
 */
static void print_firewalls(const struct lab_state *st)
{
	json_t **tables = xcalloc(st->nnodes, sizeof(*tables));

	for (int i = 0; i < st->nnodes; i++)
		if (!strcmp(st->nodes[i].kind, "vm") && st->nodes[i].nft)
			tables[i] = nft_table(st->nodes[i].netns);
	print_table_open("firewallRules", rule_cols, 5);
	for (int i = 0; i < st->nnodes; i++)
		if (tables[i])
			print_rules(st->nodes[i].name, tables[i]);
	print_table_close();
	print_string(PRINT_FP, NULL, "%s", "\n");
	print_table_open("deniedFlows", denied_cols, 6);
	for (int i = 0; i < st->nnodes; i++)
		if (tables[i])
			print_denied(st->nodes[i].name, tables[i]);
	print_table_close();
	for (int i = 0; i < st->nnodes; i++)
		json_decref(tables[i]);
	free(tables);
}

/* Active translations of the firewall NVAs and the Internet edge (their nftables NAT). */
static void print_translations(const struct lab_state *st)
{
	char a[IPV4_STRLEN];

	print_table_open("translations", nat_cols, 6);
	for (int i = 0; i < st->nnodes; i++) {
		const struct state_node *n = &st->nodes[i];
		struct translation *t;
		int nt;

		if (!n->nft)	/* what translates is an nftables ruleset */
			continue;
		nt = conntrack_read(n->netns, &t);
		for (int k = 0; k < nt; k++) {
			print_row_open();
			print_string(PRINT_ANY, "node", "%s", n->name);
			print_string(PRINT_ANY, "protocol", "%s", t[k].proto);
			print_string(PRINT_ANY, "source", "%s", ipv4_str(t[k].src, a));
			print_string(PRINT_ANY, "destination", "%s", ipv4_str(t[k].dst, a));
			print_uint(PRINT_ANY, "port", "%lu", t[k].dport);
			print_string(PRINT_ANY, "translatedTo", "%s", ipv4_str(t[k].as, a));
			print_row_close();
		}
		free(t);
	}
	print_table_close();
}

int lab_inspect(const char *lab, enum print_format format)
{
	return lab_inspect_and(lab, format, NULL);
}

int lab_inspect_and(const char *lab, enum print_format format, void (*more)(void))
{
	struct lab_state st;
	int rc;

	if (state_read(lab, &st)) {
		pr_err("xvnet: lab '%s' is not up\n", lab);
		return EXIT_FAIL;
	}
	print_start(format);
	print_string(PRINT_ANY, "lab", "lab %s", lab);
	print_string(PRINT_ANY, "status", " (%s)", st.status);
	print_string(PRINT_ANY, "file", " from %s\n", st.file);
	print_nodes(&st);
	print_string(PRINT_FP, NULL, "%s", "\n");
	print_firewalls(&st);
	print_string(PRINT_FP, NULL, "%s", "\n");
	print_translations(&st);
	if (more)
		more();
	rc = print_end() ? EXIT_FAIL : EXIT_OK;
	state_free(&st);
	return rc;
}
