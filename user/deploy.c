// SPDX-License-Identifier: GPL-2.0
/* Plan -> kernel objects, and back to nothing (see deploy.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/magic.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "compile.h"
#include "deploy.h"
#include "kernel_dataplane.h"
#include "loader.h"
#include "netns.h"
#include "rtnl.h"
#include "state.h"
#include "topo.h"

#define BPFFS "/sys/fs/bpf"

/* What a deploy holds open while it runs. */
struct run {
	const struct lab_plan *p;
	int *nsfd;		/* per node */
	struct rtnl *nl;	/* per node, opened inside it */
	int (*ifindex)[2];	/* per link end */
	char pin_dir[256];
};

static int fail(const char *lab, const char *what, const char *obj, int err)
{
	fprintf(stderr, "xvnet: %s: %s %s: %s\n", lab, what, obj, strerror(-err));
	return err;
}

/* Kernel defaults a router or a quiet host needs, before links appear. */
static int node_sysctls(const struct lab_node *n)
{
	static const char *const quiet[] = {
		/* IPv6 is not modelled: no DAD, RS or MLD into the fabric. */
		"net/ipv6/conf/all/disable_ipv6", "1",
		"net/ipv6/conf/default/disable_ipv6", "1",
		/* The fabric is the only neighbour: never redirect to it. */
		"net/ipv4/conf/all/send_redirects", "0",
		"net/ipv4/conf/default/send_redirects", "0",
		"net/ipv4/conf/all/accept_redirects", "0",
		"net/ipv4/conf/default/accept_redirects", "0",
	};
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(quiet) / sizeof(*quiet); i += 2)
		err = netns_sysctl(quiet[i], quiet[i + 1]);
	if (!err && n->ip_forward)
		err = netns_sysctl("net/ipv4/ip_forward", "1");
	return err;
}

static int open_node(struct run *r, int i)
{
	const struct lab_node *n = &r->p->nodes[i];
	int err;

	err = netns_add(n->netns);
	if (err)
		return fail(r->p->lab, "creating namespace", n->netns, err);
	r->nsfd[i] = netns_open(n->netns);
	if (r->nsfd[i] < 0)
		return fail(r->p->lab, "opening namespace", n->netns, r->nsfd[i]);
	err = netns_enter(r->nsfd[i]);
	if (!err)
		err = node_sysctls(n);
	if (!err)
		err = rtnl_open(&r->nl[i]);
	netns_home();
	if (!err)
		err = rtnl_link_up(&r->nl[i], 1, NULL); /* lo */
	return err ? fail(r->p->lab, "setting up namespace", n->netns, err) : 0;
}

static int create_link(struct run *r, int i)
{
	const struct lab_link *l = &r->p->links[i];
	const struct lab_end *a = &l->end[0], *b = &l->end[1];
	int err;

	err = rtnl_veth_add(&r->nl[a->node], a->ifname, a->mac, b->ifname,
			    b->mac, r->nsfd[b->node]);
	for (int k = 0; !err && k < 2; k++) {
		const struct lab_end *e = &l->end[k];

		r->ifindex[i][k] = rtnl_link_index(&r->nl[e->node], e->ifname);
		if (r->ifindex[i][k] < 0)
			err = r->ifindex[i][k];
		else
			err = rtnl_link_up(&r->nl[e->node], r->ifindex[i][k],
					   l->alias);
	}
	return err ? fail(r->p->lab, "creating veth", l->alias, err) : 0;
}

/* Inside the end's namespace: checksums in software, NAPI for redirects. */
static int tune_end(struct run *r, int i, int k)
{
	const struct lab_end *e = &r->p->links[i].end[k];
	int err = netns_enter(r->nsfd[e->node]);

	if (!err)
		err = netns_tx_csum_off(e->ifname);
	if (!err && e->xdp_pass)
		err = fabric_attach_pass(r->ifindex[i][k]);
	netns_home();
	return err ? fail(r->p->lab, "tuning", e->ifname, err) : 0;
}

static int add_addrs(struct run *r)
{
	const struct lab_plan *p = r->p;
	char buf[IPV4_STRLEN];
	int err = 0;

	for (int i = 0; !err && i < p->nlinks; i++)
		for (int k = 0; !err && k < 2; k++) {
			const struct lab_end *e = &p->links[i].end[k];

			if (e->addr)
				err = rtnl_addr_add(&r->nl[e->node],
						    r->ifindex[i][k], e->addr,
						    e->plen);
			if (err)
				return fail(p->lab, "adding address",
					    ipv4_str(e->addr, buf), err);
		}
	for (int i = 0; i < p->naddrs; i++) {
		const struct lab_addr *a = &p->addrs[i];

		err = rtnl_addr_add(&r->nl[a->node],
				    a->link < 0 ? 1 : r->ifindex[a->link][a->end],
				    a->addr, a->plen);
		if (err)
			return fail(p->lab, "adding address",
				    ipv4_str(a->addr, buf), err);
	}
	return 0;
}

static int add_routes(struct run *r)
{
	const struct lab_plan *p = r->p;
	char buf[PREFIX_STRLEN];

	for (int i = 0; i < p->nroutes; i++) {
		const struct lab_route *rt = &p->routes[i];
		int err = rtnl_route_add(&r->nl[rt->node],
					 rt->link < 0 ? 0 : r->ifindex[rt->link][rt->end],
					 rt->dst, rt->via, rt->src);

		if (err)
			return fail(p->lab, "adding route",
				    prefix_str(rt->dst, buf), err);
	}
	return 0;
}

static int load_firewalls(struct run *r)
{
	static char *const argv[] = { "nft", "-f", "-", NULL };

	for (int i = 0; i < r->p->nnodes; i++) {
		const struct lab_node *n = &r->p->nodes[i];
		int ret;

		if (!n->nft)
			continue;
		ret = netns_run(r->nsfd[i], argv, n->nft);
		if (ret == 127)	/* exec failed: nftables is not installed */
			ret = -ENOENT;
		if (ret)
			return fail(r->p->lab, "running nft -f (nftables) in",
				    n->netns, ret < 0 ? ret : -EINVAL);
	}
	return 0;
}

/* Mounted by us, bpffs is root's alone (by default it is 1777). */
static int mount_bpffs(void)
{
	struct statfs st;

	if (!statfs(BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	return mount("bpf", BPFFS, "bpf", 0, "mode=0700") ? -errno : 0;
}

/* The NIC inventory the fabric is compiled for; slot = array position. */
static struct fabric_nic *nic_inventory(const struct lab_plan *p,
					int (*ifindex)[2], int *n)
{
	static const enum xv_nic_kind kinds[] = {
		[LN_VM] = XV_NIC_VM,
		[LN_GATEWAY] = XV_NIC_GATEWAY,
		[LN_INTERNET] = XV_NIC_INTERNET,
	};
	struct fabric_nic *nics = calloc(p->nlinks + 1, sizeof(*nics));

	*n = 0;
	for (int i = 0; nics && i < p->nlinks; i++) {
		const struct lab_link *l = &p->links[i];
		const struct lab_node *nd = &p->nodes[l->end[1].node];
		struct fabric_nic *f;

		if (!l->nic)
			continue;
		f = &nics[(*n)++];
		f->kind = kinds[nd->kind];
		f->index = nd->index;
		f->ifindex = ifindex[i][0];
		memcpy(f->mac, l->end[1].mac, 6);
	}
	return nics;
}

/* Runs fn(pin_dir) inside the lab's fabric namespace. */
static int in_fabric(const struct lab_plan *p, int (*ifindex)[2],
		     const struct engine *e, const char *pin_dir,
		     int (*fn)(const struct topology *, const struct engine *,
			       const struct fabric_nic *, int, const char *))
{
	int n, err, fd = netns_open(p->nodes[p->fabric].netns);
	struct fabric_nic *nics = nic_inventory(p, ifindex, &n);

	if (fd < 0 || !nics) {
		free(nics);
		return fd < 0 ? fd : -ENOMEM;
	}
	err = netns_enter(fd);
	if (!err)
		err = fn(e->topo, e, nics, n, pin_dir);
	netns_home();
	close(fd);
	free(nics);
	return err;
}

static int bring_up(struct run *r, const struct engine *e, const char *file)
{
	const struct lab_plan *p = r->p;
	int err;

	err = state_write(p, file, "deploying");
	if (err)
		return fail(p->lab, "writing state in", STATE_ROOT, err);
	for (int i = 0; !err && i < p->nnodes; i++)
		err = open_node(r, i);
	for (int i = 0; !err && i < p->nlinks; i++)
		err = create_link(r, i);
	for (int i = 0; !err && i < p->nlinks; i++)
		for (int k = 0; !err && k < 2; k++)
			err = tune_end(r, i, k);
	if (!err)
		err = add_addrs(r);
	if (!err)
		err = add_routes(r);
	if (!err)
		err = load_firewalls(r);
	if (err)
		return err;
	err = in_fabric(p, r->ifindex, e, r->pin_dir, p->dataplane == LAB_DATAPLANE_KERNEL ?
			kernel_dataplane_load : fabric_load);
	if (err)
		return fail(p->lab, "loading the fabric in", r->pin_dir, err);
	err = state_write(p, file, "up");
	return err ? fail(p->lab, "writing state in", STATE_ROOT, err) : 0;
}

static void run_close(struct run *r)
{
	for (int i = 0; r->nsfd && r->nl && i < r->p->nnodes; i++) {
		if (r->nsfd[i] >= 0)
			close(r->nsfd[i]);
		rtnl_close(&r->nl[i]);
	}
	free(r->nsfd);
	free(r->nl);
	free(r->ifindex);
}

/* Ctrl-C half-way must not leave half a lab: hold it, then roll back. */
static bool interrupted(void)
{
	sigset_t pending;

	return !sigpending(&pending) && (sigismember(&pending, SIGINT) ||
					 sigismember(&pending, SIGTERM) ||
					 sigismember(&pending, SIGHUP));
}

static int deploy(const struct lab_plan *p, const struct engine *e, const char *file)
{
	struct run r = {
		.p = p,
		.nsfd = malloc(p->nnodes * sizeof(int)),
		.nl = calloc(p->nnodes, sizeof(struct rtnl)),
		.ifindex = calloc(p->nlinks + 1, sizeof(*r.ifindex)),
	};
	sigset_t stop, old;
	int err = -ENOMEM;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	if (r.nsfd && r.nl && r.ifindex) {
		memset(r.nsfd, 0xff, p->nnodes * sizeof(int));
		err = fabric_pin_dir(p->lab, r.pin_dir, sizeof(r.pin_dir));
		if (!err)
			err = bring_up(&r, e, file);
	}
	run_close(&r);
	if (!err && interrupted())
		err = fail(p->lab, "deploy", "interrupted", -EINTR);
	if (err) {
		lab_destroy(p->lab);
		fprintf(stderr, "xvnet: %s: deploy failed, everything created was removed\n",
			p->lab);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

/* Where the pins go is verified before anything is created. */
int lab_deploy(const struct lab_plan *p, const struct engine *e,
	       const char *file)
{
	int err = mount_bpffs();

	if (err)
		return fail(p->lab, "mounting", BPFFS, err);
	err = fabric_pin_root(true);
	return err ? err : deploy(p, e, file);
}

/*
 * The fabric's ifindexes, looked up again: apply runs in a new process.
 * The state then names file as the lab's topology.
 */
int lab_apply(const struct lab_plan *p, const struct engine *e, const char *file)
{
	int fd = netns_open(p->nodes[p->fabric].netns), err = 0;
	int (*ifindex)[2] = calloc(p->nlinks + 1, sizeof(*ifindex));
	char pin_dir[256];
	struct rtnl nl = { 0 };

	if (fd < 0 || !ifindex) {
		free(ifindex);
		return fd < 0 ? fail(p->lab, "opening", "the fabric", fd) : -ENOMEM;
	}
	if (state_dataplane(p->lab) == LAB_DATAPLANE_KERNEL) {	/* nothing to swap atomically */
		close(fd);
		free(ifindex);
		return fail(p->lab, "apply (it swaps the XDP fabric's tables: redeploy)",
			    "a kernel-dataplane lab", -EOPNOTSUPP);
	}
	err = netns_enter(fd);
	if (!err)
		err = rtnl_open(&nl);
	netns_home();
	for (int i = 0; !err && i < p->nlinks; i++) {
		if (!p->links[i].nic)
			continue;
		ifindex[i][0] = rtnl_link_index(&nl, p->links[i].end[0].ifname);
		if (ifindex[i][0] < 0)
			err = fail(p->lab, "finding NIC", p->links[i].end[0].ifname,
				   ifindex[i][0]);
	}
	if (!err)
		err = fabric_pin_dir(p->lab, pin_dir, sizeof(pin_dir));
	if (!err)
		err = in_fabric(p, ifindex, e, pin_dir, fabric_apply);
	if (!err && (err = state_write(p, file, "up")))
		fail(p->lab, "writing state in", STATE_ROOT, err);
	rtnl_close(&nl);
	close(fd);
	free(ifindex);
	return err;
}

static void del_link(int ifindex, const char *name, const char *alias,
		     void *arg)
{
	int *list = arg;

	if (list[0] < 255)
		list[++list[0]] = ifindex;
}

/* veths carrying the marker in the host namespace (none, unless a bug). */
static void sweep_host_links(const char *prefix)
{
	int list[256] = { 0 };
	struct rtnl nl;

	if (rtnl_open(&nl))
		return;
	if (!rtnl_links_by_alias(&nl, prefix, del_link, list))
		for (int i = 1; i <= list[0]; i++)
			rtnl_link_del(&nl, list[i]);
	rtnl_close(&nl);
}

/* The pin directory is the lab's name's, never one read from a file. */
static int unload_fabric(const char *lab)
{
	char netns[LAB_NETNS_LEN], pin_dir[256];
	bool entered;
	int fd, err;

	err = fabric_pin_dir(lab, pin_dir, sizeof(pin_dir));
	if (err)
		return err;
	lab_netns_name(netns, lab, LN_FABRIC, NULL);
	fd = netns_open(netns);
	entered = fd >= 0 && !netns_enter(fd);
	/* Without the fabric namespace there is nothing to detach: pins only. */
	err = fabric_unload(pin_dir);
	if (entered)
		netns_home();
	if (fd >= 0)
		close(fd);
	return err;
}

int lab_destroy(const char *lab)
{
	char prefix[LAB_NETNS_LEN], alias[64];
	json_t *st, *node;
	char **names;
	size_t i;
	int err;

	if (!valid_lab_name(lab))
		return -EINVAL;
	err = unload_fabric(lab);
	lab_netns_prefix(prefix, lab);
	/* The state's namespaces: only names this lab's prefix makes. */
	st = state_read(lab);
	json_array_foreach(json_object_get(st, "nodes"), i, node) {
		const char *ns = json_string_value(json_object_get(node, "netns"));

		if (ns && !strncmp(ns, prefix, strlen(prefix)) && !strchr(ns, '/'))
			err = netns_del(ns) ?: err;
	}
	json_decref(st);
	names = dir_names(NETNS_RUN_DIR, prefix);
	for (char **n = names; n && *n; n++)
		err = netns_del(*n) ?: err;
	names_free(names);
	snprintf(alias, sizeof(alias), LAB_ALIAS_PREFIX "%s:", lab);
	sweep_host_links(alias);
	return state_remove(lab) ?: err;
}

/*
 * Under the lock of every lab. Entries of the state and pin roots that are
 * not a lab's are reported and left in place.
 */
int lab_cleanup(void)
{
	char **labs, **ns, **pins, lab[LAB_NAME_LEN];
	struct state_lock lock;
	int err;

	err = state_lock(&lock, NULL, "cleanup");
	if (err)
		return err;
	labs = state_labs(true);
	ns = dir_names(NETNS_RUN_DIR, LAB_NETNS_PREFIX);
	pins = fabric_pinned_labs();
	err = fabric_pin_root(false);
	if (err == -ENOENT)
		err = 0;
	for (char **l = labs; l && *l; l++)
		err = lab_destroy(*l) ?: err;
	for (char **n = ns; n && *n; n++)
		if (lab_netns_parse(*n, lab))
			err = lab_destroy(lab) ?: err;
	for (char **l = pins; l && *l; l++)
		err = lab_destroy(*l) ?: err;
	names_free(labs);
	names_free(ns);
	names_free(pins);
	sweep_host_links(LAB_ALIAS_PREFIX);
	state_unlock(&lock);
	return err;
}

bool lab_exists(const char *lab)
{
	char prefix[LAB_NETNS_LEN];
	bool found = state_present(lab) || fabric_pinned(lab);
	char **names;

	lab_netns_prefix(prefix, lab);
	names = dir_names(NETNS_RUN_DIR, prefix);
	found = found || (names && names[0]);
	names_free(names);
	return found;
}

int lab_node_netns(const char *lab, const char *node, char *netns, size_t len)
{
	json_t *st = state_read(lab), *n;
	int err = -ENOENT;
	size_t i;

	json_array_foreach(json_object_get(st, "nodes"), i, n) {
		const char *name = json_string_value(json_object_get(n, "name"));
		const char *ns = json_string_value(json_object_get(n, "netns"));

		if (name && ns && (!strcmp(name, node) || !strcmp(ns, node))) {
			snprintf(netns, len, "%s", ns);
			err = 0;
			break;
		}
	}
	json_decref(st);
	return err;
}
