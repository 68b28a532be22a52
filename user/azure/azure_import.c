// SPDX-License-Identifier: GPL-2.0
/*
 * Azure's JSON -> a topology file (docs/topology.md), for `xvnet import`.
 * Pure: the documents come parsed, the YAML goes out as text; cmd_import.c
 * reads the files and writes the result.
 *
 * Input shapes, recognised by content: the az CLI's flattened objects
 * (`az network vnet list` ...), ARM resources with "properties" nested
 * (az graph query {"data": [...]}, ARM lists {"value": [...]}, exported
 * templates {"resources": [...]} with their expressions evaluated by
 * azure_template.c, single `az resource show` objects), and a
 * gateway's BGP learned routes ({"value": [{"network", "localAddress"...}]}).
 * Resources are tied together by their ids, compared ignoring case as
 * Azure does. Steps: collect resources, index ids, name them (names that
 * collide across resource groups get "-<group>"), then write each section.
 */
#define _GNU_SOURCE
#include "azure.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "azure_json.h"
#include "azure_template.h"
#include "ipv4.h"
#include "log.h"
#include "topo.h"

enum kind {
	K_OTHER, /* an Azure resource xvnet does not model */
	K_VNET,
	K_SUBNET,  /* standalone child resources (ARM) ... */
	K_PEERING,
	K_ROUTE,   /* ... merged into their parents */
	K_ROUTE_TABLE,
	K_GATEWAY,
	K_LNG,	   /* local network gateway: a site */
	K_CONNECTION,
	K_NIC,
	K_CIRCUIT,
	K_FIREWALL,
	K_VM,	   /* virtual machines: taken through their NICs */
	K_DUP,	   /* a second copy of a resource (same id): ignored */
	K__COUNT
};

/* ARM resource types, and what a note calls the unmodelled ones. */
static const struct {
	const char *type;
	enum kind kind;
	const char *what;
} types[] = {
	{ "Microsoft.Network/virtualNetworks", K_VNET, NULL },
	{ "Microsoft.Network/virtualNetworks/subnets", K_SUBNET, NULL },
	{ "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", K_PEERING, NULL },
	{ "Microsoft.Network/routeTables", K_ROUTE_TABLE, NULL },
	{ "Microsoft.Network/routeTables/routes", K_ROUTE, NULL },
	{ "Microsoft.Network/virtualNetworkGateways", K_GATEWAY, NULL },
	{ "Microsoft.Network/localNetworkGateways", K_LNG, NULL },
	{ "Microsoft.Network/connections", K_CONNECTION, NULL },
	{ "Microsoft.Network/networkInterfaces", K_NIC, NULL },
	{ "Microsoft.Network/expressRouteCircuits", K_CIRCUIT, NULL },
	{ "Microsoft.Network/azureFirewalls", K_FIREWALL, NULL },
	{ "Microsoft.Compute/virtualMachines", K_VM, NULL },
	{ "Microsoft.Network/networkSecurityGroups", K_OTHER, "network security group" },
	{ "Microsoft.Network/natGateways", K_OTHER, "NAT gateway" },
	{ "Microsoft.Network/privateEndpoints", K_OTHER, "private endpoint" },
	{ "Microsoft.Network/virtualHubs", K_OTHER, "virtual hub (Virtual WAN or Route Server)" },
	{ "Microsoft.Network/virtualWans", K_OTHER, "Virtual WAN" },
	{ "Microsoft.Network/loadBalancers", K_OTHER, "load balancer" },
	{ "Microsoft.Network/publicIPAddresses", K_OTHER, "public IP address" },
	{ "Microsoft.Network/firewallPolicies", K_OTHER, "firewall policy" },
	{ "Microsoft.Network/bastionHosts", K_OTHER, "Bastion host" },
	{ "Microsoft.Network/applicationGateways", K_OTHER, "application gateway" },
};

/* One Azure resource as read. */
struct res {
	json_t *obj;
	json_t *props;	 /* "properties" when nested (ARM), else obj (az CLI) */
	enum kind kind;
	const char *type;
	char *id;	 /* as written, or made up from type and name */
	const char *name;
	char *rg;	 /* resource group, "" when unknown */
	int doc;
	char *out;	 /* its name in the topology; NULL: not imported */
	int child[2];	 /* first K_SUBNET / K_PEERING child (vnets), K_ROUTE (tables) */
	int vnet;	 /* gateways: their VNet (res), -1: not imported */
	bool has_gateway; /* VNets: a gateway is imported into it */
	bool own_name;	 /* NICs: one of a VM's several, named after itself */
};

/* A subnet, peering or route: inline in its parent, or a child resource. */
struct child {
	json_t *props;
	const char *name;
	char *id;
	int parent;	 /* res index */
	int next;	 /* next child of the same parent and list, -1 */
	char *rt_id;	 /* subnets: the route table's id, or NULL */
	bool taken;	 /* subnets: a gateway/VM refers to it */
};

/* A set of IPv4 prefixes (a site's address space). */
struct pfxset {
	struct prefix *p;
	size_t n, cap;
};

/* A site xvnet writes: a local network gateway or a circuit's far end. */
struct az_site {
	char *name;
	int res;	  /* the LNG, -1 for a circuit's on-premises side */
	struct pfxset space;
	char *bgp_ip;	  /* the LNG's BGP peer address */
	bool merged;	  /* a circuit's far side that is an LNG's site: not written */
};

struct az_circuit {
	char *id;
	char *name;
	int site;	  /* its on-premises site, -1 until learned routes name prefixes */
	bool written;	  /* false: its far side is unknown, left out with its connections */
};

struct learned {
	int doc;
	json_t *rows;
};

struct ctx {
	const struct az_doc *docs;
	const struct az_import_opts *o;
	struct az_import *out;
	struct res *res;
	size_t nres, capres;
	struct child *subs, *peers, *routes;
	size_t nsubs, capsubs, npeers, cappeers, nroutes, caproutes;
	struct az_site *sites;
	size_t nsites, capsites;
	struct az_circuit *circuits;
	size_t ncircuits, capcircuits;
	struct learned *learned;
	size_t nlearned, caplearned;
	json_t **owned;		  /* templates' evaluated resources */
	size_t nowned, capowned;
	struct az_index by_id;	  /* resource id -> res */
	struct az_index sub_by_id; /* subnet id -> subs */
	struct az_index site_of;  /* LNG id -> sites */
	struct az_index circ_of;  /* circuit id -> circuits */
	FILE *y;		  /* the YAML being written */
};

static void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		diags_oom();
	va_end(ap);
	az_report_add(&c->out->notes, "%s", s);
	free(s);
}

/*
 * A reference to a resource absent from the input: a note, or with
 * --strict an error. who says whose reference it is ("NIC app1-nic: its subnet").
 */
static void absent(struct ctx *c, const char *who, const char *id)
{
	if (c->o->strict)
		c->out->nerrors++;
	note(c, "%s: %s %s is not in the input%s", c->o->strict ? "error" : "absent",
	     who, id, c->o->strict ? " (--strict)" : "; left out");
}

/* A "who" for absent(), valid until the next call. */
static const char *whose(const char *fmt, const char *name, const char *what)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), fmt, name ? name : "?", what);
	return buf;
}

/* ---- step 1: collecting resources ---- */

static enum kind kind_of_type(const char *type, const char **what)
{
	*what = NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(type, types[i].type)) {
			*what = types[i].what;
			return types[i].kind;
		}
	return K_OTHER;
}

/* The az CLI drops "type" from some outputs: recognise the kind by shape. */
static const char *type_by_shape(const json_t *p)
{
	if (aj_get(p, "addressSpace") && aj_get(p, "subnets"))
		return "Microsoft.Network/virtualNetworks";
	if (aj_get(p, "routes") && aj_get(p, "disableBgpRoutePropagation"))
		return "Microsoft.Network/routeTables";
	if (aj_get(p, "gatewayType"))
		return "Microsoft.Network/virtualNetworkGateways";
	if (aj_get(p, "localNetworkAddressSpace") || aj_get(p, "gatewayIpAddress"))
		return "Microsoft.Network/localNetworkGateways";
	if (aj_get(p, "connectionType"))
		return "Microsoft.Network/connections";
	if (aj_get(p, "serviceProviderProperties"))
		return "Microsoft.Network/expressRouteCircuits";
	if (aj_get(p, "networkRuleCollections") || aj_get(p, "firewallPolicy"))
		return "Microsoft.Network/azureFirewalls";
	if (aj_get(p, "ipConfigurations") &&
	    (aj_get(p, "macAddress") || aj_get(p, "virtualMachine") ||
	     aj_get(p, "enableIpForwarding")))
		return "Microsoft.Network/networkInterfaces";
	return NULL;
}

static json_t *props_of(json_t *o)
{
	json_t *p = aj_get(o, "properties");

	return json_is_object(p) ? p : o;
}

/* A made-up id for a resource written without one (ARM templates). */
static char *make_id(const char *rg, const char *type, const char *name)
{
	const char *slash = strchr(type, '/');
	const char *child = slash ? strchr(slash + 1, '/') : NULL;

	if (!child) /* "Microsoft.Network/virtualNetworks" + "hub" */
		return az_printf("/resourceGroups/%s/providers/%s/%s", rg, type, name);
	/* ".../virtualNetworks/subnets" + "hub/app" -> ".../virtualNetworks/hub/subnets/app" */
	const char *sep = strchr(name, '/');

	if (!sep)
		return az_printf("/resourceGroups/%s/providers/%s/%s", rg, type, name);
	return az_printf("/resourceGroups/%s/providers/%.*s/%.*s%s/%s", rg,
			 (int)(child - type), type, (int)(sep - name), name,
			 child, sep + 1);
}

/* The doc's file name without directory and ".json": a made-up group. */
static char *file_stem(const char *file)
{
	const char *b = strrchr(file, '/');
	char *s = az_strdup(b ? b + 1 : file);
	size_t n = strlen(s);

	if (n > 5 && !strcasecmp(s + n - 5, ".json"))
		s[n - 5] = '\0';
	return s;
}

/* Is o an Azure resource? Then add it; true. */
static bool add_resource(struct ctx *c, json_t *o, int doc)
{
	json_t *p = props_of(o);
	const char *type = aj_str(o, "type"), *what, *name = aj_str(o, "name");
	struct res *r;

	if (!type || !strchr(type, '/'))
		type = type_by_shape(p);
	if (!type || !name)
		return false;
	c->res = az_grow(c->res, &c->capres, c->nres + 1, sizeof(*c->res));
	r = &c->res[c->nres];
	r->obj = o;
	r->props = p;
	r->type = type;
	r->kind = kind_of_type(type, &what);
	r->name = name;
	r->doc = doc;
	r->child[0] = r->child[1] = -1;
	if (aj_str(o, "id")) {
		r->id = az_strdup(aj_str(o, "id"));
		r->rg = az_id_group(r->id);
	}
	if (!r->rg && aj_str(o, "resourceGroup"))
		r->rg = az_strdup(aj_str(o, "resourceGroup"));
	if (!r->rg)
		r->rg = file_stem(c->docs[doc].file);
	if (!r->id)
		r->id = make_id(r->rg, type, name);
	c->nres++;
	c->out->nresources++;
	return true;
}

/* A BGP route row of `az network vnet-gateway list-learned-routes`. */
static bool is_route_row(const json_t *o)
{
	return aj_get(o, "network") && (aj_get(o, "localAddress") || aj_get(o, "asPath"));
}

/* A row of `az network nic show-effective-route-table`. */
static bool is_effective_row(const json_t *o)
{
	return aj_get(o, "source") && aj_get(o, "nextHopType") && aj_get(o, "state");
}

static void add_list(struct ctx *c, json_t *list, int doc)
{
	const char *file = c->docs[doc].file;
	size_t i, other = 0;
	json_t *o;

	if (json_array_size(list) && is_route_row(json_array_get(list, 0)) &&
	    strcasestr(file, "advertised-routes")) {
		note(c, "%s: skipped: advertised routes (what a gateway tells its peers; learned routes are read)",
		     file);
		return;
	}
	if (json_array_size(list) && is_route_row(json_array_get(list, 0))) {
		c->learned = az_grow(c->learned, &c->caplearned, c->nlearned + 1,
				     sizeof(*c->learned));
		c->learned[c->nlearned++] = (struct learned){ doc, list };
		return;
	}
	if (json_array_size(list) && is_effective_row(json_array_get(list, 0))) {
		note(c, "%s: skipped: an effective route table, not Azure resources (compare it with `xvnet routes --compare`)",
		     file);
		return;
	}
	json_array_foreach(list, i, o)
		if (!json_is_object(o) || !add_resource(c, o, doc))
			other++;
	if (other)
		note(c, "%s: skipped %zu of %zu entries: not Azure resources", file,
		     other, json_array_size(list));
}

static void collect(struct ctx *c, int doc)
{
	json_t *root = c->docs[doc].root, *list;
	const char *file = c->docs[doc].file;

	if (az_is_template(root)) {
		char *group = file_stem(file);
		int left;

		list = az_template_resolve(root, group, &left);
		free(group);
		c->owned = az_grow(c->owned, &c->capowned, c->nowned + 1, sizeof(*c->owned));
		c->owned[c->nowned++] = list;
		if (left)
			note(c, "%s: %d template expression(s) left as written (xvnet evaluates parameters(), variables(), concat() and resourceId())",
			     file, left);
		return add_list(c, list, doc);
	}
	if (json_is_array(root))
		return add_list(c, root, doc);
	/* {"value": [...]} (ARM lists, learned routes), {"data": [...]} (az graph
	 * query), {"resources": [...]} (ARM templates) */
	if ((list = aj_get(root, "value")) && json_is_array(list))
		return add_list(c, list, doc);
	if ((list = aj_get(root, "data")) && json_is_array(list))
		return add_list(c, list, doc);
	if ((list = aj_get(root, "resources")) && json_is_array(list))
		return add_list(c, list, doc);
	if (json_is_object(root) && aj_get(root, "nextHopType") && aj_get(root, "routeTableId")) {
		note(c, "%s: skipped: a next hop, not Azure resources (compare it with `xvnet nexthop --compare`)",
		     file);
		return;
	}
	if (json_is_object(root) && add_resource(c, root, doc))
		return;
	note(c, "%s: skipped: not Azure resources", file);
}

/* ---- step 2: children and the id index ---- */

static int add_child(struct ctx *c, struct child **v, size_t *n, size_t *cap,
		     json_t *o, int parent, int list, const char *child_kind)
{
	struct child *ch;
	struct res *r = &c->res[parent];
	int idx, *link;

	*v = az_grow(*v, cap, *n + 1, sizeof(**v));
	idx = (int)(*n)++;
	ch = &(*v)[idx];
	ch->props = props_of(o);
	ch->name = aj_str(o, "name");
	if (ch->name && strchr(ch->name, '/')) /* ARM child names: "hub/app" */
		ch->name = strrchr(ch->name, '/') + 1;
	ch->id = aj_str(o, "id") ? az_strdup(aj_str(o, "id")) :
		 az_printf("%s/%s/%s", r->id, child_kind, ch->name ? ch->name : "");
	ch->parent = parent;
	ch->next = -1;
	/* append, keeping the order of the input */
	for (link = &r->child[list]; *link >= 0; link = &(*v)[*link].next)
		;
	*link = idx;
	return idx;
}

/* Is a child of that name already in the parent's list? */
static bool has_child(const struct child *v, int first, const char *name)
{
	for (int i = first; i >= 0; i = v[i].next)
		if (v[i].name && name && !strcasecmp(v[i].name, name))
			return true;
	return false;
}

static void index_inline(struct ctx *c, int i)
{
	struct res *r = &c->res[i];
	size_t k;
	json_t *o;

	switch (r->kind) {
	case K_VNET:
		json_array_foreach(aj_get(r->props, "subnets"), k, o)
			add_child(c, &c->subs, &c->nsubs, &c->capsubs, o, i, 0, "subnets");
		json_array_foreach(aj_get(r->props, "virtualNetworkPeerings"), k, o)
			add_child(c, &c->peers, &c->npeers, &c->cappeers, o, i, 1,
				  "virtualNetworkPeerings");
		break;
	case K_ROUTE_TABLE:
		json_array_foreach(aj_get(r->props, "routes"), k, o)
			add_child(c, &c->routes, &c->nroutes, &c->caproutes, o, i, 0, "routes");
		break;
	default:
		break;
	}
}

/* A child resource (ARM): into its parent's list, unless already inline. */
static void index_child(struct ctx *c, int i)
{
	static const char *const part[] = { [K_SUBNET] = "subnets",
		[K_PEERING] = "virtualNetworkPeerings", [K_ROUTE] = "routes" };
	struct res *r = &c->res[i];
	char *pid = az_id_parent(r->id, part[r->kind]);
	int parent = az_index_get(&c->by_id, pid);
	const char *name = az_id_last(r->id);

	if (parent < 0) {
		absent(c, whose("%s: its %s", r->name, "parent"), pid ? pid : r->id);
		free(pid);
		return;
	}
	free(pid);
	if (r->kind == K_SUBNET && !has_child(c->subs, c->res[parent].child[0], name))
		add_child(c, &c->subs, &c->nsubs, &c->capsubs, r->obj, parent, 0, "subnets");
	else if (r->kind == K_PEERING && !has_child(c->peers, c->res[parent].child[1], name))
		add_child(c, &c->peers, &c->npeers, &c->cappeers, r->obj, parent, 1,
			  "virtualNetworkPeerings");
	else if (r->kind == K_ROUTE && !has_child(c->routes, c->res[parent].child[0], name))
		add_child(c, &c->routes, &c->nroutes, &c->caproutes, r->obj, parent, 0, "routes");
}

static void index_all(struct ctx *c)
{
	size_t i, dups = 0;

	for (i = 0; i < c->nres; i++) {
		struct res *r = &c->res[i];

		if (r->kind == K_SUBNET || r->kind == K_PEERING || r->kind == K_ROUTE)
			continue;
		if (az_index_get(&c->by_id, r->id) >= 0) {
			r->kind = K_DUP; /* the same resource listed by two commands */
			dups++;
			continue;
		}
		az_index_put(&c->by_id, r->id, (int)i);
	}
	if (dups)
		note(c, "%zu resource(s) appear twice in the input (same id); the first copy is used",
		     dups);
	for (i = 0; i < c->nres; i++)
		index_inline(c, (int)i);
	for (i = 0; i < c->nres; i++)
		if (c->res[i].kind == K_SUBNET || c->res[i].kind == K_PEERING ||
		    c->res[i].kind == K_ROUTE)
			index_child(c, (int)i);
	for (i = 0; i < c->nsubs; i++) {
		struct child *s = &c->subs[i];

		az_index_put(&c->sub_by_id, s->id, (int)i);
		if (aj_ref(s->props, "routeTable"))
			s->rt_id = az_strdup(aj_ref(s->props, "routeTable"));
	}
	/* a route table lists its subnets too: enough when the subnet does not say */
	for (i = 0; i < c->nres; i++) {
		size_t k;
		json_t *o;

		if (c->res[i].kind != K_ROUTE_TABLE)
			continue;
		json_array_foreach(aj_get(c->res[i].props, "subnets"), k, o) {
			int s = az_index_get(&c->sub_by_id, aj_str(o, "id"));

			if (s >= 0 && !c->subs[s].rt_id)
				c->subs[s].rt_id = az_strdup(c->res[i].id);
		}
	}
}

/* ---- step 3: names ---- */

/* The namespace a kind's names live in (VMs and firewalls share one). */
static int name_space(enum kind k)
{
	return k == K_FIREWALL ? K_NIC : (int)k;
}

static bool named_kind(enum kind k)
{
	return k == K_VNET || k == K_ROUTE_TABLE || k == K_GATEWAY || k == K_LNG ||
	       k == K_CONNECTION || k == K_NIC || k == K_FIREWALL;
}

/* A name xvnet accepts: Azure's characters, others made '-', at most 80. */
static char *clean_name(const char *s, size_t max)
{
	char *d = strndup(s, max);

	if (!d)
		diags_oom();
	for (char *p = d; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			*p = '-';
	return d;
}

/* The name a NIC gives its VM: the VM's name, else the NIC's. */
static const char *vm_name(const struct res *r)
{
	const char *vm = aj_ref(r->props, "virtualMachine");

	return vm ? az_id_last(vm) : r->name;
}

static const char *base_name(const struct res *r)
{
	return r->kind == K_NIC && !r->own_name ? vm_name(r) : r->name;
}

/*
 * An xvnet VM has one NIC: a VM with several becomes one VM per NIC, each
 * named after its NIC.
 */
static void several_nics(struct ctx *c)
{
	struct az_index first = { 0 };

	for (size_t i = 0; i < c->nres; i++) {
		struct res *r = &c->res[i];
		const char *vm = r->kind == K_NIC ? aj_ref(r->props, "virtualMachine") : NULL;
		int at = vm ? az_index_get(&first, vm) : -1;

		if (!vm)
			continue;
		if (at < 0) {
			az_index_put(&first, vm, (int)i);
			continue;
		}
		if (!c->res[at].own_name)
			note(c, "VM %s has several NICs: each is imported as a VM named after its NIC",
			     az_id_last(vm));
		c->res[at].own_name = r->own_name = true;
	}
	az_index_free(&first);
}

/*
 * Every named resource gets its Azure name; names that collide within a
 * namespace (across resource groups) all get "-<group>" appended, then
 * "-2", "-3" if that still collides.
 */
static void name_all(struct ctx *c)
{
	struct az_index count[K__COUNT] = { 0 }, used[K__COUNT] = { 0 };
	int *n = az_alloc(c->nres * sizeof(*n));
	size_t i;

	several_nics(c);
	for (i = 0; i < c->nres; i++) {
		struct res *r = &c->res[i];
		int ns = name_space(r->kind), at;

		if (!named_kind(r->kind))
			continue;
		at = az_index_get(&count[ns], base_name(r));
		if (at < 0)
			az_index_put(&count[ns], base_name(r), (int)i);
		else
			n[at]++, n[i] = -1 - at; /* n[first]: how many more; others point back */
	}
	for (i = 0; i < c->nres; i++) {
		struct res *r = &c->res[i];
		int ns = name_space(r->kind);
		bool clash;
		char *rg, *nm;

		if (!named_kind(r->kind))
			continue;
		clash = n[i] > 0 || n[i] < 0;
		nm = clean_name(base_name(r), 80);
		if (clash) {
			rg = clean_name(r->rg, 40);
			for (char *p = rg; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			if (strlen(nm) > 80 - strlen(rg) - 1)
				nm[80 - strlen(rg) - 1] = '\0';
			r->out = az_printf("%s-%s", nm, rg);
			free(nm);
			free(rg);
		} else {
			r->out = nm;
		}
		for (int k = 2; az_index_get(&used[ns], r->out) >= 0; k++) {
			char *again = az_printf("%.70s-%d", r->out, k);

			free(r->out);
			r->out = again;
		}
		az_index_put(&used[ns], r->out, (int)i);
	}
	for (int k = 0; k < K__COUNT; k++) {
		az_index_free(&count[k]);
		az_index_free(&used[k]);
	}
	free(n);
}

/* ---- YAML text ---- */

static bool yaml_plain(const char *s)
{
	static const char *const words[] = { "true", "false", "yes", "no", "on",
		"off", "null", "y", "n" };

	if (!*s || (!isalnum((unsigned char)*s) && *s != '/'))
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_./-") == strlen(s);
}

/* A scalar: plain when safe, else double-quoted. */
static void ys(FILE *y, const char *s)
{
	if (yaml_plain(s)) {
		fputs(s, y);
		return;
	}
	fputc('"', y);
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			fprintf(y, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(y, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, y);
	fputc('"', y);
}

/* ---- step 4: sections ---- */

/* s as an IPv4 prefix, or a note saying why it is left out. */
static bool want_prefix(struct ctx *c, const char *s, struct prefix *p, const char *where)
{
	char buf[PREFIX_STRLEN];
	int r;

	if (!s)
		return false;
	r = prefix_parse(s, p);
	if (!r)
		return true;
	if (strchr(s, ':'))
		note(c, "not modelled: IPv6 prefix %s of %s", s, where);
	else if (r == -2)
		note(c, "%s: prefix %s has host bits set; left out (Azure would show %s)",
		     where, s, prefix_str(*p, buf));
	else
		note(c, "%s: '%s' is not an IPv4 prefix (a service tag?); left out", where, s);
	return false;
}

/* The subnet's IPv4 prefix: addressPrefix, else the first of addressPrefixes. */
static const char *subnet_prefix(const json_t *p)
{
	const char *s = aj_str(p, "addressPrefix");

	return s ? s : json_string_value(json_array_get(aj_get(p, "addressPrefixes"), 0));
}

/* "VNET/SUBNET" of a subnet id in the topology, NULL when absent. */
static char *subnet_ref(struct ctx *c, const char *id, const char *who)
{
	int s = id ? az_index_get(&c->sub_by_id, id) : -1;

	if (s < 0) {
		if (id)
			absent(c, who, id);
		return NULL;
	}
	if (!c->res[c->subs[s].parent].out)
		return NULL;
	c->subs[s].taken = true;
	return az_printf("%s/%s", c->res[c->subs[s].parent].out, c->subs[s].name);
}

/* The topology name of the resource id refers to, when of kind k. */
static const char *ref_name(struct ctx *c, const char *id, enum kind k, const char *who)
{
	int i = id ? az_index_get(&c->by_id, id) : -1;

	if (i < 0 || c->res[i].kind != k) {
		if (id)
			absent(c, who, id);
		return NULL;
	}
	return c->res[i].out;
}

static void unmodelled_subnet(struct ctx *c, const struct res *v, const struct child *s)
{
	const json_t *se = aj_get(s->props, "serviceEndpoints");

	if (aj_ref(s->props, "networkSecurityGroup") &&
	    az_index_get(&c->by_id, aj_ref(s->props, "networkSecurityGroup")) < 0)
		note(c, "not modelled: network security group %s of subnet %s/%s",
		     az_id_last(aj_ref(s->props, "networkSecurityGroup")), v->out, s->name);
	if (aj_ref(s->props, "natGateway") &&
	    az_index_get(&c->by_id, aj_ref(s->props, "natGateway")) < 0)
		note(c, "not modelled: NAT gateway %s of subnet %s/%s",
		     az_id_last(aj_ref(s->props, "natGateway")), v->out, s->name);
	if (json_array_size(se))
		note(c, "not modelled: %zu service endpoint(s) of subnet %s/%s",
		     json_array_size(se), v->out, s->name);
	if (!strcasecmp(s->name, "RouteServerSubnet"))
		note(c, "not modelled: Route Server (subnet %s/%s)", v->out, s->name);
}

static void write_subnet(struct ctx *c, const struct res *v, const struct child *s)
{
	char where[256];
	struct prefix p;
	const char *rt = NULL;

	snprintf(where, sizeof(where), "subnet %s/%s", v->out, s->name ? s->name : "?");
	if (!s->name || !want_prefix(c, subnet_prefix(s->props), &p, where))
		return;
	if (s->rt_id)
		rt = ref_name(c, s->rt_id, K_ROUTE_TABLE, whose("subnet %s: its %s", where + 7, "route table"));
	fputs("      - {name: ", c->y);
	ys(c->y, s->name);
	fprintf(c->y, ", addressPrefix: %s", subnet_prefix(s->props));
	if (rt) {
		fputs(", routeTable: ", c->y);
		ys(c->y, rt);
	}
	fputs("}\n", c->y);
	unmodelled_subnet(c, v, s);
}

static void write_vnets(struct ctx *c)
{
	bool first = true;

	for (size_t i = 0; i < c->nres; i++) {
		struct res *v = &c->res[i];
		const char *region = aj_str(v->obj, "location");
		json_t *space = aj_get(aj_get(v->props, "addressSpace"), "addressPrefixes");
		struct prefix p;
		bool any = false;
		size_t k;
		json_t *o;

		if (v->kind != K_VNET)
			continue;
		if (first)
			fputs("\nvnets:\n", c->y);
		first = false;
		fputs("  - name: ", c->y);
		ys(c->y, v->out);
		if (region) {
			fputs("\n    region: ", c->y);
			ys(c->y, region);
		}
		fputs("\n    addressSpace: [", c->y);
		json_array_foreach(space, k, o)
			if (want_prefix(c, json_string_value(o), &p, v->out)) {
				fprintf(c->y, "%s%s", any ? ", " : "", json_string_value(o));
				any = true;
			}
		fputs("]\n", c->y);
		if (v->child[0] >= 0)
			fputs("    subnets:\n", c->y);
		for (int s = v->child[0]; s >= 0; s = c->subs[s].next)
			write_subnet(c, v, &c->subs[s]);
	}
}

static void write_peerings(struct ctx *c)
{
	static const char *const flags[] = { "allowForwardedTraffic",
		"allowGatewayTransit", "useRemoteGateways" };
	bool first = true;

	for (size_t i = 0; i < c->npeers; i++) {
		struct child *pe = &c->peers[i];
		const char *to = ref_name(c, aj_ref(pe->props, "remoteVirtualNetwork"), K_VNET,
					  whose("peering %s: its %s", pe->name, "remote virtual network"));

		if (!to || !c->res[pe->parent].out)
			continue;
		if (first)
			fputs("\npeerings:\n", c->y);
		first = false;
		fputs("  - {from: ", c->y);
		ys(c->y, c->res[pe->parent].out);
		fputs(", to: ", c->y);
		ys(c->y, to);
		if (!aj_bool(pe->props, "allowVirtualNetworkAccess", true))
			fputs(", allowVirtualNetworkAccess: false", c->y);
		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
			if (!aj_bool(pe->props, flags[k], false))
				continue;
			if (k == 2 && !c->res[az_index_get(&c->by_id, aj_ref(pe->props,
					"remoteVirtualNetwork"))].has_gateway) {
				note(c, "peering %s: useRemoteGateways left out: %s has no gateway in the input",
				     pe->name, to);
				continue;
			}
			fprintf(c->y, ", %s: true", flags[k]);
		}
		fputs("}\n", c->y);
	}
}

static void write_route(struct ctx *c, const struct res *t, const struct child *r)
{
	static const char *const hops[] = { "VirtualAppliance", "VirtualNetworkGateway",
		"VnetLocal", "Internet", "None" };
	const char *type = aj_str(r->props, "nextHopType");
	const char *ip = aj_str(r->props, "nextHopIpAddress");
	char where[256];
	struct prefix p;
	uint32_t a;
	size_t k;

	snprintf(where, sizeof(where), "route %s of route table %s", r->name ? r->name : "?", t->out);
	if (!r->name || !want_prefix(c, aj_str(r->props, "addressPrefix"), &p, where))
		return;
	for (k = 0; type && k < sizeof(hops) / sizeof(hops[0]); k++)
		if (!strcasecmp(type, hops[k]))
			break;
	if (!type || k == sizeof(hops) / sizeof(hops[0])) {
		note(c, "%s: next hop type '%s' is not one a route table takes; left out", where,
		     type ? type : "(none)");
		return;
	}
	if (k == 0 && (!ip || !ipv4_parse(ip, &a))) {
		note(c, "%s: VirtualAppliance without an IPv4 next hop address; left out", where);
		return;
	}
	fputs("      - {name: ", c->y);
	ys(c->y, r->name);
	fprintf(c->y, ", addressPrefix: %s, nextHopType: %s", aj_str(r->props, "addressPrefix"),
		hops[k]);
	if (k == 0)
		fprintf(c->y, ", nextHopIpAddress: %s", ip);
	fputs("}\n", c->y);
}

static void write_route_tables(struct ctx *c)
{
	bool first = true;

	for (size_t i = 0; i < c->nres; i++) {
		struct res *t = &c->res[i];

		if (t->kind != K_ROUTE_TABLE)
			continue;
		if (first)
			fputs("\nrouteTables:\n", c->y);
		first = false;
		fputs("  - name: ", c->y);
		ys(c->y, t->out);
		fputc('\n', c->y);
		/* Network Watcher names a route table by its id: kept for nexthop */
		if (!strncasecmp(t->id, "/subscriptions/", 15)) {
			fputs("    id: ", c->y);
			ys(c->y, t->id);
			fputc('\n', c->y);
		}
		if (aj_bool(t->props, "disableBgpRoutePropagation", false))
			fputs("    disableBgpRoutePropagation: true\n", c->y);
		if (t->child[0] >= 0)
			fputs("    routes:\n", c->y);
		for (int r = t->child[0]; r >= 0; r = c->routes[r].next)
			write_route(c, t, &c->routes[r]);
	}
}

/*
 * Each gateway's VNet: the VNet of its ipConfigurations' subnet. A gateway
 * of a type xvnet does not model, or in a VNet not imported, is left out.
 */
static void resolve_gateways(struct ctx *c)
{
	for (size_t i = 0; i < c->nres; i++) {
		struct res *g = &c->res[i];
		json_t *cp = props_of(json_array_get(aj_get(g->props, "ipConfigurations"), 0));
		const char *type = aj_str(g->props, "gatewayType"), *id = aj_ref(cp, "subnet");
		int s = id ? az_index_get(&c->sub_by_id, id) : -1;

		if (g->kind != K_GATEWAY)
			continue;
		g->vnet = -1;
		if (!type || (strcasecmp(type, "Vpn") && strcasecmp(type, "ExpressRoute")))
			note(c, "gateway %s: type '%s' is not modelled; left out", g->name,
			     type ? type : "(none)");
		else if (s >= 0)
			g->vnet = c->subs[s].parent;
		else if (id)
			absent(c, whose("gateway %s: its %s", g->name, "GatewaySubnet"), id);
		else
			note(c, "gateway %s: no ipConfigurations subnet; left out", g->name);
		if (g->vnet < 0) {
			free(g->out);
			g->out = NULL;
		} else {
			c->res[g->vnet].has_gateway = true;
		}
	}
}

static void write_gateways(struct ctx *c)
{
	bool first = true;

	for (size_t i = 0; i < c->nres; i++) {
		struct res *g = &c->res[i];
		const char *type = aj_str(g->props, "gatewayType"), *site;
		json_t *cp = props_of(json_array_get(aj_get(g->props, "ipConfigurations"), 0));
		const char *ip = aj_str(cp, "privateIPAddress");
		bool er;
		uint32_t a;

		if (g->kind != K_GATEWAY || !g->out)
			continue;
		er = !strcasecmp(type, "ExpressRoute");
		if (first)
			fputs("\ngateways:\n", c->y);
		first = false;
		fputs("  - {name: ", c->y);
		ys(c->y, g->out);
		fputs(", vnet: ", c->y);
		ys(c->y, c->res[g->vnet].out);
		fprintf(c->y, ", type: %s", er ? "ExpressRoute" : "Vpn");
		if (!er && aj_bool(g->props, "enableBgp", false))
			fputs(", bgp: true", c->y);
		/* the private address when the export has one, else the first free host */
		if (ip && ipv4_parse(ip, &a))
			fprintf(c->y, ", ip: %s", ip);
		site = aj_ref(g->props, "gatewayDefaultSite");
		if (site && (site = ref_name(c, site, K_LNG, whose("gateway %s: its %s", g->name, "default site")))) {
			fputs(", defaultSite: ", c->y);
			ys(c->y, site);
		}
		fputs("}\n", c->y);
	}
}

static void pfx_add(struct pfxset *s, struct prefix p)
{
	for (size_t i = 0; i < s->n; i++)
		if (prefix_equal(s->p[i], p))
			return;
	s->p = az_grow(s->p, &s->cap, s->n + 1, sizeof(*s->p));
	s->p[s->n++] = p;
}

/* Sites from local network gateways; learned routes may add to them. */
static void gather_sites(struct ctx *c)
{
	for (size_t i = 0; i < c->nres; i++) {
		struct res *l = &c->res[i];
		json_t *space = aj_get(aj_get(l->props, "localNetworkAddressSpace"),
				       "addressPrefixes");
		const char *bgp = aj_str(aj_get(l->props, "bgpSettings"), "bgpPeeringAddress");
		struct az_site *s;
		struct prefix p;
		size_t k;
		json_t *o;

		if (l->kind != K_LNG)
			continue;
		c->sites = az_grow(c->sites, &c->capsites, c->nsites + 1, sizeof(*c->sites));
		s = &c->sites[c->nsites];
		s->name = az_strdup(l->out);
		s->res = (int)i;
		s->bgp_ip = bgp ? az_strdup(bgp) : NULL;
		json_array_foreach(space, k, o)
			if (want_prefix(c, json_string_value(o), &p, l->out))
				pfx_add(&s->space, p);
		az_index_put(&c->site_of, l->id, (int)c->nsites++);
	}
}

/* The circuit an ExpressRoute connection names (made when first seen). */
static int circuit_of(struct ctx *c, const char *id)
{
	int i = az_index_get(&c->circ_of, id);
	struct az_index names = { 0 };

	if (i >= 0)
		return i;
	if (az_index_get(&c->by_id, id) < 0)
		absent(c, "ExpressRoute circuit", id);
	c->circuits = az_grow(c->circuits, &c->capcircuits, c->ncircuits + 1,
			      sizeof(*c->circuits));
	c->circuits[c->ncircuits] = (struct az_circuit){ .id = az_strdup(id), .site = -1 };
	/* two circuits of one name in two groups: qualify the later one */
	for (size_t k = 0; k < c->ncircuits; k++)
		az_index_put(&names, c->circuits[k].name, 0);
	c->circuits[c->ncircuits].name = clean_name(az_id_last(id), 80);
	if (az_index_get(&names, c->circuits[c->ncircuits].name) >= 0) {
		char *rg = az_id_group(id), *q;

		q = az_printf("%.38s-%s", c->circuits[c->ncircuits].name, rg ? rg : "2");
		free(rg);
		free(c->circuits[c->ncircuits].name);
		c->circuits[c->ncircuits].name = clean_name(q, 80);
		free(q);
	}
	az_index_free(&names);
	az_index_put(&c->circ_of, c->circuits[c->ncircuits].id, (int)c->ncircuits);
	return (int)c->ncircuits++;
}

/* Is p inside an imported VNet (then Azure's own, not on-premises)? */
static bool in_vnets(struct ctx *c, struct prefix p)
{
	for (size_t i = 0; i < c->nres; i++) {
		json_t *space = aj_get(aj_get(c->res[i].props, "addressSpace"), "addressPrefixes");
		struct prefix v;
		size_t k;
		json_t *o;

		if (c->res[i].kind != K_VNET)
			continue;
		json_array_foreach(space, k, o)
			if (!prefix_parse(json_string_value(o), &v) && prefix_within(p, v))
				return true;
	}
	return false;
}

/* Does the gateway answer BGP at addr (bgpSettings)? */
static bool gateway_has_bgp_ip(const struct res *g, const char *addr)
{
	json_t *b = aj_get(g->props, "bgpSettings"), *pa, *o, *ip;
	const char *list = aj_str(b, "bgpPeeringAddress");
	size_t k, j, n = strlen(addr);

	/* "10.0.255.4,10.0.255.5" on active-active gateways */
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, addr, n) && (p[n] == ',' || !p[n]))
			return true;
	pa = aj_get(b, "bgpPeeringAddresses");
	json_array_foreach(pa, k, o)
		json_array_foreach(aj_get(o, "defaultBgpIpAddresses"), j, ip)
			if (json_string_value(ip) && !strcmp(json_string_value(ip), addr))
				return true;
	return false;
}

/*
 * Learned routes belong to the gateway named by the file
 * (learned-routes-<gateway>.json), else to the one whose BGP address is
 * the rows' localAddress.
 */
static int learned_gateway(struct ctx *c, const struct learned *l)
{
	const char *file = c->docs[l->doc].file, *base = strrchr(file, '/');
	const char *local = aj_str(json_array_get(l->rows, 0), "localAddress");
	char *stem = file_stem(base ? base + 1 : file);
	int found = -1, n = 0;

	if (!strncasecmp(stem, "learned-routes-", 15))
		for (size_t i = 0; i < c->nres; i++)
			if (c->res[i].kind == K_GATEWAY && c->res[i].out &&
			    (!strcasecmp(c->res[i].name, stem + 15) ||
			     !strcasecmp(c->res[i].out, stem + 15)))
				found = (int)i, n++;
	free(stem);
	if (n == 1)
		return found;
	for (size_t i = 0; local && i < c->nres; i++)
		if (c->res[i].kind == K_GATEWAY && c->res[i].out &&
		    gateway_has_bgp_ip(&c->res[i], local))
			return (int)i;
	note(c, "%s: learned routes of no gateway in the input (name the file learned-routes-<gateway>.json); left out",
	     file);
	return -1;
}

/* The ER circuits a gateway's connections reach. */
static void learned_er(struct ctx *c, const struct res *g, const struct learned *l)
{
	json_t *row;
	size_t k;

	for (size_t i = 0; i < c->nres; i++) {
		const struct res *cn = &c->res[i];
		const char *t = aj_str(cn->props, "connectionType");
		struct az_circuit *ci;
		int at;

		if (cn->kind != K_CONNECTION || !t || strcasecmp(t, "ExpressRoute") ||
		    !aj_ref(cn->props, "peer") ||
		    az_index_get(&c->by_id, aj_ref(cn->props, "virtualNetworkGateway1")) !=
			    (int)(g - c->res))
			continue;
		at = circuit_of(c, aj_ref(cn->props, "peer"));
		ci = &c->circuits[at];
		if (ci->site < 0) {
			c->sites = az_grow(c->sites, &c->capsites, c->nsites + 1,
					   sizeof(*c->sites));
			c->sites[c->nsites] = (struct az_site){ .name = az_printf("%s-onprem", ci->name), .res = -1 };
			ci = &c->circuits[at];
			ci->site = (int)c->nsites++;
		}
		json_array_foreach(l->rows, k, row) {
			const char *origin = aj_str(row, "origin");
			struct prefix p;

			if (origin && !strcasecmp(origin, "Network"))
				continue;
			if (!prefix_parse(aj_str(row, "network"), &p) && !in_vnets(c, p))
				pfx_add(&c->sites[ci->site].space, p);
		}
	}
}

/* A VPN gateway's BGP routes: to the site whose BGP address sent them. */
static void learned_vpn(struct ctx *c, const struct learned *l)
{
	size_t k, left = 0;
	json_t *row;

	json_array_foreach(l->rows, k, row) {
		const char *peer = aj_str(row, "sourcePeer"), *origin = aj_str(row, "origin");
		struct prefix p;
		size_t s;

		if ((origin && !strcasecmp(origin, "Network")) ||
		    prefix_parse(aj_str(row, "network"), &p) || in_vnets(c, p))
			continue;
		for (s = 0; s < c->nsites; s++)
			if (peer && c->sites[s].bgp_ip && !strcmp(peer, c->sites[s].bgp_ip))
				break;
		if (s < c->nsites)
			pfx_add(&c->sites[s].space, p);
		else
			left++;
	}
	if (left)
		note(c, "%s: %zu learned route(s) from no local network gateway in the input; left out",
		     c->docs[l->doc].file, left);
}

static void apply_learned(struct ctx *c)
{
	for (size_t i = 0; i < c->nlearned; i++) {
		int g = learned_gateway(c, &c->learned[i]);
		const char *type;

		if (g < 0)
			continue;
		type = aj_str(c->res[g].props, "gatewayType");
		if (type && !strcasecmp(type, "ExpressRoute"))
			learned_er(c, &c->res[g], &c->learned[i]);
		else
			learned_vpn(c, &c->learned[i]);
	}
}

static bool same_space(const struct pfxset *a, const struct pfxset *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		size_t k;

		for (k = 0; k < b->n && !prefix_equal(a->p[i], b->p[k]); k++)
			;
		if (k == b->n)
			return false;
	}
	return true;
}

/*
 * A circuit's far side that learned exactly a local network gateway's
 * prefixes is that site, reached both ways (ExpressRoute with a VPN
 * backup): one site, not two.
 */
static void merge_sites(struct ctx *c)
{
	for (size_t i = 0; i < c->ncircuits; i++) {
		struct az_circuit *ci = &c->circuits[i];

		if (ci->site < 0 || c->sites[ci->site].res >= 0)
			continue;
		for (size_t s = 0; s < c->nsites; s++)
			if (c->sites[s].res >= 0 &&
			    same_space(&c->sites[s].space, &c->sites[ci->site].space)) {
				c->sites[ci->site].merged = true;
				ci->site = (int)s;
				break;
			}
	}
}

static void write_sites(struct ctx *c)
{
	bool first = true;
	char buf[PREFIX_STRLEN];

	merge_sites(c);
	for (size_t i = 0; i < c->nsites; i++) {
		struct az_site *s = &c->sites[i];

		if (s->merged)
			continue;
		if (!s->space.n) {
			note(c, "site %s: no address prefixes (none declared, none learned); left out",
			     s->name);
			continue;
		}
		if (first)
			fputs("\nsites:\n", c->y);
		first = false;
		fputs("  - name: ", c->y);
		ys(c->y, s->name);
		fputs("\n    addressSpace: [", c->y);
		for (size_t k = 0; k < s->space.n; k++)
			fprintf(c->y, "%s%s", k ? ", " : "", prefix_str(s->space.p[k], buf));
		fputs("]\n", c->y);
	}
	first = true;
	for (size_t i = 0; i < c->ncircuits; i++) {
		struct az_circuit *ci = &c->circuits[i];

		if (ci->site < 0 || !c->sites[ci->site].space.n) {
			note(c, "circuit %s: no learned routes name its on-premises prefixes (export them with `az network vnet-gateway list-learned-routes`); left out with its connections",
			     ci->name);
			continue;
		}
		if (first)
			fputs("\ncircuits:\n", c->y);
		first = false;
		ci->written = true;
		fputs("  - {name: ", c->y);
		ys(c->y, ci->name);
		fputs(", sites: [", c->y);
		ys(c->y, c->sites[ci->site].name);
		fputs("]}\n", c->y);
	}
}

/* Was the site of that LNG written (it has prefixes)? */
static const char *site_name(struct ctx *c, const char *lng_id, const char *conn)
{
	int s = az_index_get(&c->site_of, lng_id);

	if (s < 0) {
		absent(c, whose("connection %s: its %s", conn, "local network gateway"), lng_id);
		return NULL;
	}
	return c->sites[s].space.n ? c->sites[s].name : NULL;
}

static void write_connections(struct ctx *c)
{
	struct az_index v2v = { 0 };
	bool any = false;

	for (size_t i = 0; i < c->nres; i++) {
		struct res *cn = &c->res[i];
		const char *t = aj_str(cn->props, "connectionType"), *gw, *far = NULL;
		const char *key = "site";
		char *pair = NULL;

		if (cn->kind != K_CONNECTION)
			continue;
		gw = ref_name(c, aj_ref(cn->props, "virtualNetworkGateway1"), K_GATEWAY,
			      whose("connection %s: its %s", cn->name, "gateway"));
		if (!gw || !t)
			continue;
		if (!strcasecmp(t, "IPsec")) {
			far = site_name(c, aj_ref(cn->props, "localNetworkGateway2"), cn->name);
		} else if (!strcasecmp(t, "ExpressRoute") && aj_ref(cn->props, "peer")) {
			const struct az_circuit *ci = &c->circuits[circuit_of(c, aj_ref(cn->props, "peer"))];

			far = ci->written ? ci->name : NULL;
			key = "circuit";
		} else if (!strcasecmp(t, "Vnet2Vnet")) {
			far = ref_name(c, aj_ref(cn->props, "virtualNetworkGateway2"), K_GATEWAY,
				       whose("connection %s: its %s", cn->name, "peer gateway"));
			key = "peerGateway";
			/* Azure has one connection per direction; xvnet one per pair */
			pair = az_printf("%s|%s", far ? far : "", gw);
			if (far && az_index_get(&v2v, pair) >= 0) {
				free(pair);
				continue;
			}
			free(pair);
			pair = az_printf("%s|%s", gw, far ? far : "");
			az_index_put(&v2v, pair, 0);
		} else {
			note(c, "connection %s: type '%s' is not modelled; left out", cn->name, t);
		}
		if (far) {
			if (!any)
				fputs("\nconnections:\n", c->y);
			any = true;
			fputs("  - {name: ", c->y);
			ys(c->y, cn->out);
			fputs(", gateway: ", c->y);
			ys(c->y, gw);
			fprintf(c->y, ", %s: ", key);
			ys(c->y, far);
			fputs("}\n", c->y);
		}
	}
	for (size_t k = 0; k < v2v.cap; k++)
		free((char *)v2v.keys[k]);
	az_index_free(&v2v);
}

/* The primary IP configuration of a NIC (or the first). */
static json_t *primary_ipconfig(const json_t *p)
{
	json_t *cfgs = aj_get(p, "ipConfigurations"), *o;
	size_t k;

	json_array_foreach(cfgs, k, o)
		if (aj_bool(props_of(o), "primary", false))
			return props_of(o);
	return props_of(json_array_get(cfgs, 0));
}

/* An Azure Firewall address ("*", a prefix, an address) as xvnet writes it. */
static const char *fw_address(const char *s)
{
	struct prefix p;
	uint32_t a;

	if (!s)
		return NULL;
	if (!strcmp(s, "*"))
		return "Any";
	return ipv4_parse(s, &a) || !prefix_parse(s, &p) ? s : NULL;
}

static const char *fw_protocol(const char *s)
{
	static const char *const names[] = { "Any", "Tcp", "Udp", "Icmp" };

	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i]))
			return names[i];
	return NULL;
}

/* destinationPorts ["80", "443"] as "80,443"; NULL for any port. */
static char *fw_ports(const json_t *ports)
{
	char *list = NULL, *more;
	size_t k;
	json_t *o;

	json_array_foreach(ports, k, o) {
		const char *v = json_string_value(o);

		if (!v || !strcmp(v, "*")) {
			free(list);
			return NULL;
		}
		more = list ? az_printf("%s,%s", list, v) : az_strdup(v);
		free(list);
		list = more;
	}
	return list;
}

struct fw_rules {
	FILE *y;
	struct az_index used; /* rule names written */
	char **names;
	size_t n, cap;
};

/* A rule name not used yet in this firewall. */
static const char *fw_rule_name(struct fw_rules *w, const char *base)
{
	char *name = clean_name(base ? base : "rule", 70);

	for (int k = 2; az_index_get(&w->used, name) >= 0; k++) {
		char *again = az_printf("%.70s-%d", base ? base : "rule", k);

		free(name);
		name = clean_name(again, 80);
		free(again);
	}
	w->names = az_grow(w->names, &w->cap, w->n + 1, sizeof(*w->names));
	w->names[w->n++] = name;
	az_index_put(&w->used, name, 0);
	return name;
}

/* sourceAddresses or destinationAddresses as an xvnet endpoint list, or NULL. */
static char *fw_addresses(struct ctx *c, const json_t *list, const char *fw, const char *rule)
{
	char *out = NULL, *more;
	size_t k;
	json_t *o;

	json_array_foreach(list, k, o) {
		const char *v = fw_address(json_string_value(o));

		if (!v) {
			note(c, "firewall %s: rule %s: address '%s' is not modelled (ranges, IP groups, FQDNs); rule left out",
			     fw, rule, json_string_value(o) ? json_string_value(o) : "?");
			free(out);
			return NULL;
		}
		more = out ? az_printf("%s, %s", out, v) : az_strdup(v);
		free(out);
		out = more;
	}
	if (!out)
		return az_strdup("Any");
	if (json_array_size(list) == 1)
		return out;
	more = az_printf("[%s]", out);
	free(out);
	return more;
}

/*
 * One Azure Firewall network rule: one xvnet rule per protocol (an xvnet
 * rule names one), its addresses as lists.
 */
static void write_fw_rule(struct ctx *c, struct fw_rules *w, const char *action,
			  const json_t *rule, const char *fw)
{
	json_t *protos = aj_get(rule, "protocols");
	const char *rname = aj_str(rule, "name") ? aj_str(rule, "name") : "?";
	char *ports = fw_ports(aj_get(rule, "destinationPorts"));
	char *src = fw_addresses(c, aj_get(rule, "sourceAddresses"), fw, rname);
	char *dst = src ? fw_addresses(c, aj_get(rule, "destinationAddresses"), fw, rname) : NULL;
	size_t np = json_array_size(protos), ip;
	bool any = !np;

	for (ip = 0; ip < np; ip++)
		if (!fw_protocol(json_string_value(json_array_get(protos, ip))) ||
		    !strcasecmp(json_string_value(json_array_get(protos, ip)), "Any"))
			any = true;
	for (ip = 0; src && dst && ip < (any ? 1 : np); ip++) {
		const char *proto = any ? "Any" : fw_protocol(json_string_value(json_array_get(protos, ip)));

		fputs("        - {name: ", w->y);
		ys(w->y, fw_rule_name(w, rname));
		fprintf(w->y, ", action: %s, protocol: %s, source: %s, destination: %s",
			action, proto, src, dst);
		if (ports && strcmp(proto, "Icmp"))
			fprintf(w->y, ", destinationPorts: \"%s\"", ports);
		fputs("}\n", w->y);
	}
	free(src);
	free(dst);
	free(ports);
}

static int by_priority(const void *a, const void *b)
{
	json_int_t pa = json_integer_value(aj_get(props_of(*(json_t *const *)a), "priority"));
	json_int_t pb = json_integer_value(aj_get(props_of(*(json_t *const *)b), "priority"));

	return (pa > pb) - (pa < pb);
}

/*
 * Azure Firewall translates flows to addresses outside its private ranges
 * (Network.SNAT.PrivateRanges): 0.0.0.0/0 never, 255.255.255.255/32 always.
 */
static void write_snat(struct ctx *c, const struct res *r)
{
	const char *ranges = aj_str(aj_get(r->props, "additionalProperties"),
				    "Network.SNAT.PrivateRanges");

	if (!ranges)
		return;
	if (!strcmp(ranges, "0.0.0.0/0"))
		fputs("      snat: Never\n", c->y);
	else if (!strcmp(ranges, "255.255.255.255/32"))
		fputs("      snat: Always\n", c->y);
	else
		note(c, "firewall %s: private ranges %s not modelled; SNAT as for IANA private ranges",
		     r->out, ranges);
}

/*
 * An Azure Firewall's classic network rule collections, lowest priority
 * number first; each rule takes its collection's action. What it denies
 * without a rule is denied (Azure Firewall's default).
 */
static void write_firewall(struct ctx *c, const struct res *r)
{
	json_t *colls = aj_get(r->props, "networkRuleCollections"), **v;
	size_t n = json_array_size(colls), k, j;
	struct fw_rules w = { .y = c->y };
	json_t *rule;

	if (!n && aj_ref(r->props, "firewallPolicy")) {
		note(c, "firewall %s: the rules of firewall policy %s are not imported; it allows everything here",
		     r->out, az_id_last(aj_ref(r->props, "firewallPolicy")));
		fputs("    firewall: {defaultAction: Allow}\n", c->y);
		return;
	}
	if (json_array_size(aj_get(r->props, "applicationRuleCollections")) ||
	    json_array_size(aj_get(r->props, "natRuleCollections")))
		note(c, "firewall %s: application and NAT rule collections are not modelled", r->out);
	fputs("    firewall:\n      defaultAction: Deny\n", c->y);
	write_snat(c, r);
	if (!n)
		return;
	v = az_alloc(n * sizeof(*v));
	for (k = 0; k < n; k++)
		v[k] = json_array_get(colls, k);
	qsort(v, n, sizeof(*v), by_priority);
	fputs("      rules:\n", c->y);
	for (k = 0; k < n; k++) {
		json_t *p = props_of(v[k]);
		const char *act = aj_str(aj_get(p, "action"), "type");

		act = act && !strcasecmp(act, "Deny") ? "Deny" : "Allow";
		json_array_foreach(aj_get(p, "rules"), j, rule)
			write_fw_rule(c, &w, act, rule, r->out);
	}
	free(v);
	for (k = 0; k < w.n; k++)
		free(w.names[k]);
	free(w.names);
	az_index_free(&w.used);
}

static void write_vms(struct ctx *c)
{
	bool first = true;

	for (size_t i = 0; i < c->nres; i++) {
		struct res *r = &c->res[i];
		bool fw = r->kind == K_FIREWALL;
		const char *ip;
		json_t *cfg;
		char *subnet;
		uint32_t a;

		if (r->kind != K_NIC && !fw)
			continue;
		cfg = fw ? props_of(json_array_get(aj_get(r->props, "ipConfigurations"), 0)) :
			   primary_ipconfig(r->props);
		subnet = subnet_ref(c, aj_ref(cfg, "subnet"),
				    whose(fw ? "firewall %s: its %s" : "NIC %s: its %s", r->name, "subnet"));
		if (!subnet)
			continue;
		if (first)
			fputs("\nvms:\n", c->y);
		first = false;
		ip = aj_str(cfg, "privateIPAddress");
		fputs("  - name: ", c->y);
		ys(c->y, r->out);
		/* the NIC's name is a target too (routes, path) */
		if (!fw && strcmp(r->name, r->out)) {
			char *nic = clean_name(r->name, 80);

			fputs("\n    nic: ", c->y);
			ys(c->y, nic);
			free(nic);
		}
		fputs("\n    subnet: ", c->y);
		ys(c->y, subnet);
		fputc('\n', c->y);
		if (ip && ipv4_parse(ip, &a))
			fprintf(c->y, "    ip: %s\n", ip);
		/* a firewall forwards; a NIC only with IP forwarding on */
		if (fw || aj_bool(r->props, "enableIPForwarding", false))
			fputs("    enableIpForwarding: true\n", c->y);
		if (fw)
			write_firewall(c, r);
		free(subnet);
	}
}

static void write_unmodelled(struct ctx *c)
{
	for (size_t i = 0; i < c->nres; i++) {
		const char *what;
		struct res *r = &c->res[i];

		if (r->kind != K_OTHER)
			continue;
		kind_of_type(r->type, &what);
		note(c, "not modelled: %s %s (resource group %s)", what ? what : r->type, r->name,
		     r->rg);
	}
}

static void ctx_free(struct ctx *c)
{
	for (size_t i = 0; i < c->nres; i++) {
		free(c->res[i].id);
		free(c->res[i].rg);
		free(c->res[i].out);
	}
	free(c->res);
	for (size_t i = 0; i < c->nsubs; i++) {
		free(c->subs[i].id);
		free(c->subs[i].rt_id);
	}
	for (size_t i = 0; i < c->npeers; i++)
		free(c->peers[i].id);
	for (size_t i = 0; i < c->nroutes; i++)
		free(c->routes[i].id);
	free(c->subs);
	free(c->peers);
	free(c->routes);
	for (size_t i = 0; i < c->nsites; i++) {
		free(c->sites[i].name);
		free(c->sites[i].bgp_ip);
		free(c->sites[i].space.p);
	}
	free(c->sites);
	for (size_t i = 0; i < c->ncircuits; i++) {
		free(c->circuits[i].id);
		free(c->circuits[i].name);
	}
	free(c->circuits);
	free(c->learned);
	for (size_t i = 0; i < c->nowned; i++)
		json_decref(c->owned[i]);
	free(c->owned);
	az_index_free(&c->by_id);
	az_index_free(&c->sub_by_id);
	az_index_free(&c->site_of);
	az_index_free(&c->circ_of);
}

/* The body of the topology file, after the header. */
static void write_body(struct ctx *c)
{
	resolve_gateways(c);
	write_vnets(c);
	write_peerings(c);
	write_route_tables(c);
	write_gateways(c);
	gather_sites(c);
	apply_learned(c);
	/* circuits come from connections: name them before sites are written */
	for (size_t i = 0; i < c->nres; i++) {
		const char *t = aj_str(c->res[i].props, "connectionType");

		if (c->res[i].kind == K_CONNECTION && t && !strcasecmp(t, "ExpressRoute") &&
		    aj_ref(c->res[i].props, "peer") &&
		    az_index_get(&c->by_id, aj_ref(c->res[i].props, "virtualNetworkGateway1")) >= 0)
			circuit_of(c, aj_ref(c->res[i].props, "peer"));
	}
	write_sites(c);
	write_connections(c);
	write_vms(c);
	write_unmodelled(c);
}

int az_import(const struct az_doc *docs, int ndocs, const struct az_import_opts *o,
	      struct az_import *out)
{
	struct ctx c = { .docs = docs, .o = o, .out = out };
	char *body = NULL, *yaml = NULL;
	size_t blen = 0, ylen = 0;
	FILE *f;

	*out = (struct az_import){ 0 };
	for (int i = 0; i < ndocs; i++)
		collect(&c, i);
	if (!out->nresources && !c.nlearned) {
		note(&c, "error: no Azure resources in the input");
		ctx_free(&c);
		return -1;
	}
	index_all(&c);
	name_all(&c);
	c.y = xopen_memstream(&body, &blen);
	write_body(&c);
	xclose_memstream(c.y);
	ctx_free(&c);
	if (out->nerrors) {
		free(body);
		return -1;
	}
	/* the header: what was read, and every note as a comment */
	f = xopen_memstream(&yaml, &ylen);
	fprintf(f, "# Imported by `xvnet import` from %d Azure resource(s) in %d file(s).\n",
		out->nresources, ndocs);
	for (int i = 0; i < out->notes.n; i++)
		fprintf(f, "# %s\n", out->notes.lines[i]);
	fprintf(f, "name: %s\n", o->lab_name);
	fwrite(body, 1, blen, f);
	xclose_memstream(f);
	free(body);
	out->yaml = yaml;
	out->len = ylen;
	return 0;
}

void az_import_free(struct az_import *out)
{
	free(out->yaml);
	az_report_free(&out->notes);
	*out = (struct az_import){ 0 };
}
