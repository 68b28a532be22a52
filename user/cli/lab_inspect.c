// SPDX-License-Identifier: GPL-2.0
/*
 * The view of a running lab that `xvnet inspect` prints and `xvnet deploy`
 * ends with: its nodes, from the lab's state, each firewall NVA's counters
 * per rule and log of denied flows, read from nftables (`nft -j list table
 * ip xvnet` inside the NVA's namespace) and, for an NVA of dataplane xdp,
 * added to what the fabric's maps hold (its counters, its log, its open
 * connections), and the active source translations (conntrack.h).
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
#include "loader.h"
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

static const struct column conn_cols[] = {
	{ "nva", "NVA" }, { "protocol", "Protocol" }, { "source", "Source" },
	{ "destination", "Destination" }, { "port", "Port" }, { "state", "State" },
	{ "packets", "Packets" },
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

/* The firewall NVAs of dataplane xdp, as the running fabric holds them. */
struct xdp_view {
	struct fabric_view v;
	bool open;
	struct fabric_names names;	/* the current generation's */
	struct fabric_denied *denied;
	int ndenied;
	struct fabric_conn *conns;
	int nconns;
};

static void xdp_open(const char *lab, struct xdp_view *x)
{
	char pin_dir[256];
	__u32 gen = 0;

	memset(x, 0, sizeof(*x));
	if (fabric_pin_dir(lab, pin_dir, sizeof(pin_dir)) || !fabric_pinned(lab) ||
	    fabric_view_open(pin_dir, &x->v))
		return;
	x->open = true;
	if (fabric_read_gen(&x->v, &gen) || state_read_names(lab, gen, &x->names))
		return;
	x->ndenied = fabric_read_denied(&x->v, &x->denied);
	x->nconns = fabric_read_conns(&x->v, &x->conns);
}

static void xdp_close(struct xdp_view *x)
{
	if (x->open)
		fabric_view_close(&x->v);
	fabric_names_free(&x->names);
	free(x->denied);
	free(x->conns);
}

/* The XDP firewall of node name, NULL: none. */
static const struct names_firewall *xdp_firewall(const struct xdp_view *x, const char *name)
{
	for (int f = 0; f < x->names.nfirewalls; f++)
		if (!strcmp(x->names.firewalls[f].vm, name))
			return &x->names.firewalls[f];
	return NULL;
}

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

/* The sum named name in sums[0..*n), added when absent. */
static struct rule_sum *rule_sum(struct rule_sum *sums, int *n, const char *name,
				 const char *action)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(sums[i].name, name))
			return &sums[i];
	sums[*n] = (struct rule_sum){ .name = name, .action = action };
	return &sums[(*n)++];
}

/*
 * One row per rule name: a Deny rule is two nft rules (TCP/UDP, others);
 * an XDP NVA's packets are those its namespace forwarded (the slow path)
 * and those the fabric did.
 */
static void print_rules(const char *nva, json_t *nft, const struct xdp_view *x)
{
	json_t *it, *rules = json_object_get(nft, "nftables");
	const struct names_firewall *fw = xdp_firewall(x, nva);
	struct rule_sum *sums = xcalloc(json_array_size(rules) + (fw ? fw->n : 0) + 1,
					sizeof(*sums));
	int n = 0;
	size_t i;

	json_array_foreach(rules, i, it) {
		json_t *r = json_object_get(it, "rule"), *c;
		const char *comment = json_string_value(json_object_get(r, "comment"));
		const char *action = "";
		struct rule_sum *sum;

		c = find_counter(json_object_get(r, "expr"), &action);
		if (!comment || !c)
			continue;
		sum = rule_sum(sums, &n, comment, action);
		sum->packets += json_integer_value(json_object_get(c, "packets"));
		sum->bytes += json_integer_value(json_object_get(c, "bytes"));
	}
	for (int k = 0; fw && k < fw->n; k++) {
		struct rule_sum *sum = rule_sum(sums, &n, fw->counters[k], fw->actions[k]);
		struct xv_fw_counter c;

		sum->action = fw->actions[k];	/* the fabric's current rules */
		if (fabric_read_fw_counter(&x->v, fw->first + k, &c))
			continue;
		sum->packets += c.packets;
		sum->bytes += c.bytes;
	}
	for (int k = 0; k < n; k++)
		print_rule(nva, &sums[k]);
	free(sums);
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

static const char *proto_num(int p, char *buf, size_t len)
{
	json_t *v = json_integer(p);
	const char *name = proto_name(v, buf, len);

	if (name != buf) {
		snprintf(buf, len, "%s", name);
		name = buf;
	}
	json_decref(v);
	return name;
}

/* The fabric's log of what XDP NVA fw denied, in the nft log's shape. */
static void print_xdp_denied(const char *nva, const struct names_firewall *fw,
			     const struct xdp_view *x)
{
	char a[IPV4_STRLEN], proto[24];

	for (int i = 0; fw && i < x->ndenied; i++) {
		const struct fabric_denied *d = &x->denied[i];

		if (d->flow.nva != (__u32)fw->slot)
			continue;
		print_row_open();
		print_string(PRINT_ANY, "nva", "%s", nva);
		print_string(PRINT_ANY, "source", "%s", ipv4_str(ntohl(d->flow.src), a));
		print_string(PRINT_ANY, "destination", "%s", ipv4_str(ntohl(d->flow.dst), a));
		print_string(PRINT_ANY, "protocol", "%s", proto_num(d->flow.proto, proto, sizeof(proto)));
		print_uint(PRINT_ANY, "port", "%lu", d->flow.port);
		print_uint(PRINT_ANY, "packets", "%lu", d->packets);
		print_row_close();
	}
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
static const char *conn_state(__u8 st)
{
	static const char *const names[XV_CT__COUNT] = {
		[XV_CT_SYN_SENT] = "SYN_SENT", [XV_CT_SYN_RECV] = "SYN_RECV",
		[XV_CT_ESTABLISHED] = "ESTABLISHED", [XV_CT_FIN_WAIT] = "FIN_WAIT",
		[XV_CT_CLOSE] = "CLOSE", [XV_CT_UNREPLIED] = "UNREPLIED",
		[XV_CT_REPLIED] = "REPLIED",
	};

	return st < XV_CT__COUNT && names[st] ? names[st] : "?";
}

/*
 * The open connections of the XDP NVAs, as their opener sent them: only
 * labs with such an NVA have this table.
 */
static void print_conns(const struct xdp_view *x)
{
	char a[IPV4_STRLEN], proto[24];

	if (!x->names.nfirewalls)
		return;
	print_string(PRINT_FP, NULL, "%s", "\n");
	print_table_open("connections", conn_cols, 7);
	for (int f = 0; f < x->names.nfirewalls; f++) {
		const struct names_firewall *fw = &x->names.firewalls[f];

		for (int i = 0; i < x->nconns; i++) {
			const struct fabric_conn *c = &x->conns[i];
			bool a_opened = c->ct.opener_a;

			if (c->key.nva != (__u32)fw->slot)
				continue;
			print_row_open();
			print_string(PRINT_ANY, "nva", "%s", fw->vm);
			print_string(PRINT_ANY, "protocol", "%s", proto_num(c->key.proto, proto, sizeof(proto)));
			print_string(PRINT_ANY, "source", "%s",
				     ipv4_str(ntohl(a_opened ? c->key.a : c->key.b), a));
			print_string(PRINT_ANY, "destination", "%s",
				     ipv4_str(ntohl(a_opened ? c->key.b : c->key.a), a));
			print_uint(PRINT_ANY, "port", "%lu", a_opened ? c->key.pb : c->key.pa);
			print_string(PRINT_ANY, "state", "%s", conn_state(c->ct.state));
			print_uint(PRINT_ANY, "packets", "%lu", c->ct.packets);
			print_row_close();
		}
	}
	print_table_close();
}

/*
 * The NVAs of a lab: its VMs with an nftables ruleset. Only they are asked
 * (an nft process each): a lab of a thousand VMs has one or two.
 */
static void print_firewalls(const struct lab_state *st, const char *lab)
{
	json_t **tables = xcalloc(st->nnodes, sizeof(*tables));
	struct xdp_view x;

	xdp_open(lab, &x);
	for (int i = 0; i < st->nnodes; i++)
		if (!strcmp(st->nodes[i].kind, "vm") && st->nodes[i].nft)
			tables[i] = nft_table(st->nodes[i].netns);
	print_table_open("firewallRules", rule_cols, 5);
	for (int i = 0; i < st->nnodes; i++)
		if (tables[i])
			print_rules(st->nodes[i].name, tables[i], &x);
	print_table_close();
	print_string(PRINT_FP, NULL, "%s", "\n");
	print_table_open("deniedFlows", denied_cols, 6);
	for (int i = 0; i < st->nnodes; i++) {
		if (!tables[i])
			continue;
		print_denied(st->nodes[i].name, tables[i]);
		print_xdp_denied(st->nodes[i].name, xdp_firewall(&x, st->nodes[i].name), &x);
	}
	print_table_close();
	print_conns(&x);
	for (int i = 0; i < st->nnodes; i++)
		json_decref(tables[i]);
	free(tables);
	xdp_close(&x);
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
	print_firewalls(&st, lab);
	print_string(PRINT_FP, NULL, "%s", "\n");
	print_translations(&st);
	if (more)
		more();
	rc = print_end() ? EXIT_FAIL : EXIT_OK;
	state_free(&st);
	return rc;
}
