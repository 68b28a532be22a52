// SPDX-License-Identifier: GPL-2.0
/* Shared by the lab verbs: choosing the lab, planning it, the root check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "deploy.h"
#include "ipv4.h"
#include "lab_verb.h"
#include "log.h"
#include "netns.h"
#include "state.h"
#include "topo.h"

static int from_file(const char *file, char out[LAB_NAME_LEN])
{
	struct topology t;
	struct diags d = { 0 };

	if (topo_load(file, &t, &d)) {
		for (int i = 0; i < d.n; i++)
			pr_err("%s\n", d.lines[i]);
		diags_free(&d);
		return EXIT_USAGE;
	}
	snprintf(out, LAB_NAME_LEN, "%s", t.name);
	topo_free(&t);
	return EXIT_OK;
}

/* The running labs, one a line, after why they are listed. */
static void list_labs(char **labs)
{
	for (int i = 0; labs && labs[i]; i++)
		pr_err("  %s\n", labs[i]);
}

/*
 * --lab NAME: a lab that is there (even partly: destroy removes what is
 * left), or only its lock, as a deploy killed before it created anything
 * leaves it.
 */
static int named(const char *lab, char out[LAB_NAME_LEN])
{
	char **labs, hint[128];

	snprintf(out, LAB_NAME_LEN, "%s", lab);
	if (lab_exists(lab) || state_lock_left(lab))
		return EXIT_OK;
	labs = state_labs(false);
	verb_did_you_mean(hint, sizeof(hint), lab, labs, sizeof(*labs), -1);
	pr_err("xvnet: no lab '%s'%s%s\n", lab, hint,
		labs && labs[0] ? "; running:" : "; no lab is running");
	list_labs(labs);
	names_free(labs);
	return EXIT_FAIL;
}

int lab_select(const char *lab, const char *file, char out[LAB_NAME_LEN])
{
	char **labs;
	int n = 0;

	if (lab)	/* a valid name: checked as it was parsed (OPT_LAB) */
		return named(lab, out);
	if (file)
		return from_file(file, out);
	labs = state_labs(false);
	while (labs[n])
		n++;
	if (n == 1) {
		snprintf(out, LAB_NAME_LEN, "%s", labs[0]);
	} else if (!n) {
		pr_err("xvnet: no lab is running: deploy one (xvnet deploy -t FILE)\n");
	} else {
		pr_err("xvnet: several labs are running: name one with --lab NAME or -t FILE:\n");
		list_labs(labs);
	}
	names_free(labs);
	return n == 1 ? EXIT_OK : EXIT_FAIL;
}

int lab_plan(struct lab_plan *p, const struct engine *e)
{
	int err = lab_plan_build(p, e);

	if (err)
		pr_err("xvnet: %s: cannot plan the lab: %s\n", e->topo->name, strerror(-err));
	return err;
}

/*
 * A host's node, from the topology the lab was deployed from; a host that
 * is not its node's first gets a note: traffic leaves from the first's
 * address unless the command binds its own.
 */
static int host_netns(const char *lab, const char *name, char *netns, size_t len)
{
	char *file = state_topology(lab), a[IPV4_STRLEN], b[IPV4_STRLEN];
	const char *node;
	struct diags d = { 0 };
	const struct host *h;
	struct topology t;
	uint32_t src;
	int err = -ENOENT;

	if (file && !topo_load(file, &t, &d)) {
		h = lab_host(&t, name, &node, &src);
		if (h)
			err = lab_node_netns(lab, node, netns, len);
		if (!err && h->ip != src)
			pr_info("xvnet: note: %s is an address of %s, whose traffic leaves from %s; bind %s (ping -I %s) to send as %s\n",
				name, node, ipv4_str(src, a), ipv4_str(h->ip, b), b, name);
		topo_free(&t);
	}
	diags_free(&d);
	free(file);
	return err;
}

/* "lab 'x' has no node 'ap1'; did you mean 'app1'?" and the nodes it has. */
static int no_node(const char *lab, const char *node)
{
	struct lab_state st;
	char hint[128] = "", nodes[1024] = "";
	bool have = !state_read(lab, &st);
	size_t at = 0;

	if (have)
		verb_did_you_mean(hint, sizeof(hint), node, st.nodes, sizeof(*st.nodes), st.nnodes);
	for (int i = 0; have && i < st.nnodes && at < sizeof(nodes); i++)
		at += (size_t)snprintf(nodes + at, sizeof(nodes) - at, " %s", st.nodes[i].name);
	pr_err("xvnet: lab '%s' has no node '%s'%s%s%s\n", lab, diag_value(node), hint,
	       have ? "; its nodes:" : "", nodes);
	if (have)
		state_free(&st);
	return EXIT_USAGE;
}

static void hosts_line(FILE *f, uint32_t ip, const char *name)
{
	char a[IPV4_STRLEN];

	if (ip)
		fprintf(f, "%s\t%s\n", ipv4_str(ip, a), name);
}

/* localhost, then every VM, gateway, site host and Internet host of the lab's file. */
static char *lab_hosts(const char *lab, const char *node)
{
	char *file = state_topology(lab), *buf = NULL;
	struct diags d = { 0 };
	struct topology t;
	size_t len = 0;
	FILE *f = xopen_memstream(&buf, &len);

	fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
		"127.0.1.1\t%s\n# the nodes of lab %s (xvnet exec)\n", node, lab);
	if (file && !topo_load(file, &t, &d)) {
		for (int i = 0; i < t.nvms; i++)
			hosts_line(f, t.vms[i].ip, t.vms[i].name);
		for (int i = 0; i < t.ngateways; i++)
			hosts_line(f, t.gateways[i].ip, t.gateways[i].name);
		for (int s = 0; s < t.nsites; s++)
			for (int h = 0; h < t.sites[s].nhosts; h++)
				hosts_line(f, t.sites[s].hosts[h].ip,
					   t.sites[s].hosts[h].name);
		for (int i = 0; i < t.ninternet_hosts; i++)
			hosts_line(f, t.internet_hosts[i].ip, t.internet_hosts[i].name);
		topo_free(&t);
	}
	diags_free(&d);
	free(file);
	xclose_memstream(f);
	return buf;
}

int lab_enter_node(const char *lab, const char *node)
{
	char netns[LAB_NETNS_LEN], *hosts;
	int fd, err;

	if (lab_node_netns(lab, node, netns, sizeof(netns)) &&
	    host_netns(lab, node, netns, sizeof(netns)))
		return no_node(lab, node);
	fd = netns_open(netns);
	err = fd < 0 ? fd : netns_enter(fd);
	if (fd >= 0)
		close(fd);
	if (err) {
		pr_err("xvnet: cannot enter node %s of lab %s (namespace %s): %s\n", node, lab,
		       netns, strerror(-err));
		return EXIT_FAIL;
	}
	hosts = lab_hosts(lab, node);
	err = netns_node_view(node, hosts);
	free(hosts);
	if (err) {
		pr_err("xvnet: node %s of lab %s: cannot give it its hostname and /etc/hosts: %s\n",
		       node, lab, strerror(-err));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int lab_need_root(const char *verb)
{
	if (!geteuid())
		return EXIT_OK;
	pr_err("xvnet %s: needs root: run with sudo (it uses namespaces, netlink and BPF)\n",
		verb);
	return EXIT_FAIL;
}
