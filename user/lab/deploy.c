// SPDX-License-Identifier: GPL-2.0
/*
 * Plan -> kernel objects, and back to nothing (see deploy.h). The fabric is
 * compiled before anything is created; the loader then gets the image.
 */
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
#include "fabric_names.h"
#include "kernel_dataplane.h"
#include "loader.h"
#include "log.h"
#include "netns.h"
#include "rtnl.h"
#include "state.h"
#include "timings.h"
#include "topo.h"

#define BPFFS "/sys/fs/bpf"

/* What a deploy or apply loads: the compiled image, for its NICs, and its names. */
struct lab_fabric {
	struct fabric_image img;
	struct fabric_names names;
	struct fabric_nic *nics;	/* slot = position: the plan's NIC links in order */
	int n;
	const struct engine *e;		/* the kernel dataplane's routes (deploy --dataplane kernel) */
};

/* What a deploy holds open while it runs. */
struct run {
	const struct lab_plan *p;
	struct lab_fabric *f;
	int *nsfd;		/* per node */
	struct rtnl *nl;	/* per node, opened inside it */
	int (*ifindex)[2];	/* per link end */
	char pin_dir[256];
};

static int fail(const char *lab, const char *what, const char *obj, int err)
{
	pr_err("xvnet: %s: %s %s: %s\n", lab, what, obj, strerror(-err));
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

	timing_enter(STEP_NAMESPACES);
	err = netns_add(n->netns);
	if (err)
		return fail(r->p->lab, "creating namespace", n->netns, err);
	r->nsfd[i] = netns_open(n->netns);
	if (r->nsfd[i] < 0)
		return fail(r->p->lab, "opening namespace", n->netns, r->nsfd[i]);
	err = netns_enter(r->nsfd[i]);
	if (!err) {
		timing_enter(STEP_SYSCTLS);
		err = node_sysctls(n);
		timing_resume(STEP_NAMESPACES);
	}
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

	timing_enter(STEP_VETHS);
	err = rtnl_veth_add(&r->nl[a->node], a->ifname, a->mac, b->ifname,
			    b->mac, r->nsfd[b->node]);
	timing_enter(STEP_LINKS);
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

	timing_enter(STEP_ETHTOOL);
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

			if (!e->addr)
				continue;
			timing_enter(STEP_ADDRESSES);
			err = rtnl_addr_add(&r->nl[e->node], r->ifindex[i][k],
					    e->addr, e->plen);
			if (err)
				return fail(p->lab, "adding address",
					    ipv4_str(e->addr, buf), err);
		}
	for (int i = 0; i < p->naddrs; i++) {
		const struct lab_addr *a = &p->addrs[i];

		timing_enter(STEP_ADDRESSES);
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
		int err;

		timing_enter(STEP_ROUTES);
		err = rt->local ? rtnl_route_add_local(&r->nl[rt->node], rt->dst) :
		      rtnl_route_add(&r->nl[rt->node],
				     rt->link < 0 ? 0 : r->ifindex[rt->link][rt->end],
				     rt->dst, rt->via, rt->src);
		if (err)
			return fail(p->lab, "adding route",
				    prefix_str(rt->dst, buf), err);
	}
	return 0;
}

/* `nft -f -` of ruleset in the namespace nsfd: one transaction. */
static int run_nft(const struct lab_plan *p, int nsfd, const char *netns, const char *ruleset)
{
	static char *const argv[] = { "nft", "-f", "-", NULL };
	int ret = netns_run(nsfd, argv, ruleset);

	if (ret == 127)	/* exec failed: nftables is not installed */
		ret = -ENOENT;
	if (ret)
		return fail(p->lab, "running nft -f (nftables) in", netns, ret < 0 ? ret : -EINVAL);
	return 0;
}

static int load_firewalls(struct run *r)
{
	for (int i = 0; i < r->p->nnodes; i++) {
		const struct lab_node *n = &r->p->nodes[i];
		int err;

		if (!n->nft)
			continue;
		timing_enter(STEP_NFT);
		err = run_nft(r->p, r->nsfd[i], n->netns, n->nft);
		if (err)
			return err;
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

/* The NIC inventory the fabric is compiled for; ifindexes come once the veths exist. */
static void nic_inventory(const struct lab_plan *p, struct lab_fabric *f)
{
	static const enum xv_nic_kind kinds[] = {
		[LN_VM] = XV_NIC_VM,
		[LN_GATEWAY] = XV_NIC_GATEWAY,
		[LN_INTERNET] = XV_NIC_INTERNET,
	};

	f->nics = xcalloc(p->nlinks, sizeof(*f->nics));
	f->n = 0;
	for (int i = 0; i < p->nlinks; i++) {
		const struct lab_link *l = &p->links[i];
		const struct lab_node *nd = &p->nodes[l->end[1].node];
		struct fabric_nic *nic;

		if (!l->nic)
			continue;
		nic = &f->nics[f->n++];
		nic->kind = kinds[nd->kind];
		nic->index = nd->index;
		memcpy(nic->mac, l->end[1].mac, 6);
	}
}

/* The outer ends' ifindexes (ifindex[link][0]), in inventory order. */
static void nic_ifindexes(const struct lab_plan *p, int (*ifindex)[2], struct lab_fabric *f)
{
	for (int i = 0, k = 0; i < p->nlinks; i++)
		if (p->links[i].nic)
			f->nics[k++].ifindex = ifindex[i][0];
}

/*
 * The image and its names, before anything exists: a topology the fabric
 * cannot hold stops here, with nothing to undo.
 */
static int compile_fabric(const struct lab_plan *p, const struct engine *e,
			  struct lab_fabric *f)
{
	char err[256] = "";
	int ret;

	memset(f, 0, sizeof(*f));
	f->e = e;
	nic_inventory(p, f);
	ret = fabric_compile(e->topo, e, f->nics, f->n, &f->img, err, sizeof(err));
	if (ret) {
		pr_err("xvnet: %s: cannot compile the fabric: %s\n", p->lab,
		       *err ? err : strerror(-ret));
		free(f->nics);
		return ret;
	}
	fabric_names_build(e->topo, e, &f->img, &f->names);
	return 0;
}

static void lab_fabric_free(struct lab_fabric *f)
{
	fabric_image_free(&f->img);
	fabric_names_free(&f->names);
	free(f->nics);
}

/* Enter the lab's fabric namespace: the fd to give leave_fabric(), or -errno. */
static int enter_fabric(const struct lab_plan *p)
{
	int fd = netns_open(p->nodes[p->fabric].netns), err;

	if (fd < 0)
		return fail(p->lab, "opening", "the fabric", fd);
	err = netns_enter(fd);
	if (err) {
		close(fd);
		return fail(p->lab, "entering", "the fabric", err);
	}
	return fd;
}

static void leave_fabric(int fd)
{
	netns_home();
	close(fd);
}

/* Generation gen is current: record its names, then the state (status up, file). */
static int record(const struct lab_plan *p, const struct lab_fabric *f, __u32 gen,
		  const char *file)
{
	int err;

	timing_enter(STEP_STATE);
	err = state_write_names(p->lab, gen, &f->names);
	if (!err)
		err = state_write(p, file, "up");
	return err ? fail(p->lab, "writing state in", STATE_ROOT, err) : 0;
}

/* The loader reports its own failures. */
static int load_fabric(struct run *r, __u32 *gen)
{
	int fd = enter_fabric(r->p), err;

	if (fd < 0)
		return fd;
	timing_enter(STEP_MAPS);
	nic_ifindexes(r->p, r->ifindex, r->f);
	*gen = 0;
	if (r->p->dataplane == LAB_DATAPLANE_KERNEL)
		err = kernel_dataplane_load(r->f->e->topo, r->f->e, r->f->nics, r->f->n);
	else
		err = fabric_load(&r->f->img, r->f->nics, r->f->n, r->pin_dir, gen);
	leave_fabric(fd);
	return err;
}

static int bring_up(struct run *r, const char *file)
{
	const struct lab_plan *p = r->p;
	__u32 gen;
	int err;

	timing_enter(STEP_STATE);
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
	if (!err)
		err = load_fabric(r, &gen);
	return err ? err : record(p, r->f, gen, file);
}

static void run_close(struct run *r)
{
	for (int i = 0; i < r->p->nnodes; i++) {
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

/* Everything a run holds, allocated before anything is created. */
static void run_open(struct run *r, const struct lab_plan *p, struct lab_fabric *f)
{
	*r = (struct run){
		.p = p,
		.f = f,
		.nsfd = xmalloc(p->nnodes * sizeof(int)),
		.nl = xcalloc(p->nnodes, sizeof(struct rtnl)),
		.ifindex = xcalloc(p->nlinks, sizeof(*r->ifindex)),
	};
	memset(r->nsfd, 0xff, p->nnodes * sizeof(int));
}

static int deploy(const struct lab_plan *p, struct lab_fabric *f, const char *file)
{
	sigset_t stop, old;
	struct run r;
	int err;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	sigprocmask(SIG_BLOCK, &stop, &old);
	run_open(&r, p, f);
	err = fabric_pin_dir(p->lab, r.pin_dir, sizeof(r.pin_dir));
	if (!err)
		err = bring_up(&r, file);
	timing_resume(STEP_NONE);
	run_close(&r);
	if (!err && interrupted())
		err = fail(p->lab, "deploy", "interrupted", -EINTR);
	if (err) {
		lab_destroy(p->lab);
		pr_err("xvnet: %s: deploy failed, everything created was removed\n", p->lab);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

/* Compiled first; where the pins go is verified before anything is created. */
int lab_deploy(const struct lab_plan *p, const struct engine *e,
	       const char *file)
{
	struct lab_fabric f;
	int err;

	timing_enter(STEP_COMPILE);
	err = compile_fabric(p, e, &f);
	if (err)
		return err;
	err = mount_bpffs();
	if (err)
		fail(p->lab, "mounting", BPFFS, err);
	if (!err)
		err = fabric_pin_root(true);
	if (!err)
		err = deploy(p, &f, file);
	lab_fabric_free(&f);
	return err;
}

/* The NICs' ifindexes in the fabric namespace (entered), looked up by name. */
static int find_nics(const struct lab_plan *p, struct lab_fabric *f)
{
	struct rtnl nl = { 0 };
	int err = rtnl_open(&nl);

	for (int i = 0, k = 0; !err && i < p->nlinks; i++) {
		const char *ifname = p->links[i].end[0].ifname;

		if (!p->links[i].nic)
			continue;
		f->nics[k].ifindex = rtnl_link_index(&nl, ifname);
		if (f->nics[k++].ifindex < 0)
			err = fail(p->lab, "finding NIC", ifname, f->nics[k - 1].ifindex);
	}
	rtnl_close(&nl);
	return err;
}

/* What takes xvnet's table out of a node that no longer runs a ruleset. */
#define NFT_REMOVE "table ip " LAB_NFT_TABLE "\ndelete table ip " LAB_NFT_TABLE "\n"

/* Whether node i's ruleset differs from the one the state recorded. */
static bool ruleset_changed(const struct lab_node *n, const struct state_node *was)
{
	char digest[LAB_NFT_DIGEST_LEN];

	if (!n->nft)
		return was->nft;
	lab_nft_digest(n->nft, digest);
	return !was->nft_digest || strcmp(digest, was->nft_digest);
}

/*
 * Each NVA's and the edge's ruleset that changed: a ruleset starts by
 * deleting xvnet's table, so one `nft -f` swaps it whole, and no packet
 * meets half a ruleset. Conntrack is not the table's: established flows,
 * and the translations of translated ones, carry on under the new rules.
 */
static int reload_rulesets(const struct lab_plan *p, const struct lab_state *st,
			   struct lab_applied *out)
{
	out->reloaded = xcalloc(p->nnodes + 1, sizeof(*out->reloaded));
	for (int i = 0; i < p->nnodes; i++) {
		const struct lab_node *n = &p->nodes[i];
		int fd, err;

		if (!ruleset_changed(n, &st->nodes[i]))
			continue;
		fd = netns_open(n->netns);
		if (fd < 0)
			return fail(p->lab, "opening", n->netns, fd);
		err = run_nft(p, fd, n->netns, n->nft ? n->nft : NFT_REMOVE);
		close(fd);
		if (err)
			return err;
		out->reloaded[out->nreloaded++] = n->name;
	}
	return 0;
}

/* Whether addr is in the state's list of addresses ("a,b,c"). */
static bool listed(const char *list, uint32_t addr)
{
	char buf[IPV4_STRLEN];
	const char *s = list;
	size_t n = strlen(ipv4_str(addr, buf));

	for (s = strstr(s, buf); s; s = strstr(s + 1, buf))
		if ((s == list || s[-1] == ',') && (!s[n] || s[n] == ','))
			return true;
	return false;
}

/* Whether the plan puts addr on the Internet edge. */
static bool planned_host(const struct lab_plan *p, uint32_t addr)
{
	for (int i = 0; i < p->naddrs; i++)
		if (p->addrs[i].node == p->internet && p->addrs[i].addr == addr)
			return true;
	return false;
}

/* The edge's host addresses: the plan's added, the recorded ones it lost removed. */
static int sync_hosts(struct rtnl *nl, int ifindex, const struct lab_plan *p, const char *was,
		      struct lab_applied *out)
{
	char buf[IPV4_STRLEN + 1];
	const char *s;
	uint32_t a;
	int err = 0;

	for (int i = 0; !err && i < p->naddrs; i++) {
		if (p->addrs[i].node != p->internet || listed(was, p->addrs[i].addr))
			continue;
		err = rtnl_addr_add(nl, ifindex, p->addrs[i].addr, 32);
		out->hosts_added += !err;
		if (err == -EEXIST)	/* added by hand, or by an apply that failed later */
			err = 0;
	}
	for (s = was; !err && *s; s += strcspn(s, ",") + !!s[strcspn(s, ",")]) {
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(s, ","), s);
		if (!ipv4_parse(buf, &a) || planned_host(p, a))
			continue;
		err = rtnl_addr_del(nl, ifindex, a, 32);
		out->hosts_removed += !err;
	}
	return err;
}

/* Inside the Internet edge's namespace: its NIC's host addresses made the plan's. */
static int apply_hosts(const struct lab_plan *p, const struct lab_state *st,
		       struct lab_applied *out)
{
	const struct lab_node *n = &p->nodes[p->internet];
	const char *ifname = p->links[p->nic_link[p->internet]].end[1].ifname;
	struct rtnl nl = { 0 };
	int fd = netns_open(n->netns), err;

	if (fd < 0)
		return fail(p->lab, "opening", n->netns, fd);
	err = netns_enter(fd);
	if (!err) {
		err = rtnl_open(&nl);
		if (!err) {
			int ifindex = rtnl_link_index(&nl, ifname);

			err = ifindex < 0 ? ifindex :
			      sync_hosts(&nl, ifindex, p, st->nodes[p->internet].address, out);
			rtnl_close(&nl);
		}
		netns_home();
	}
	close(fd);
	return err ? fail(p->lab, "setting the Internet hosts in", n->netns, err) : 0;
}

/* The fabric's tables swapped in through the pins; ifindexes looked up again (a new process). */
static int swap_fabric(const struct lab_plan *p, struct lab_fabric *f, __u32 *gen)
{
	char pin_dir[256];
	int fd, err = fabric_pin_dir(p->lab, pin_dir, sizeof(pin_dir));

	fd = err ? err : enter_fabric(p);
	if (fd < 0)
		return fd;
	err = find_nics(p, f);
	if (!err)
		err = fabric_apply(&f->img, f->nics, f->n, pin_dir, gen);
	leave_fabric(fd);
	return err;
}

/*
 * Compiled first; then the Internet hosts and the rulesets, then the
 * fabric swapped. The state then names file as the lab's topology and
 * records the rulesets now loaded.
 */
int lab_apply(const struct lab_plan *p, const struct engine *e, const char *file,
	      struct lab_applied *out)
{
	struct lab_state st;
	struct lab_fabric f;
	__u32 gen;
	int err = compile_fabric(p, e, &f);

	memset(out, 0, sizeof(*out));
	if (err)
		return err;
	if (lab_dataplane_of(p->lab) == LAB_DATAPLANE_KERNEL) {	/* nothing to swap atomically */
		lab_fabric_free(&f);
		return fail(p->lab, "apply (it swaps the XDP fabric's tables: redeploy)",
			    "a kernel-dataplane lab", -EOPNOTSUPP);
	}
	err = state_read(p->lab, &st);
	if (err || st.nnodes != p->nnodes)
		err = fail(p->lab, "reading the state in", STATE_ROOT, err ? err : -ESTALE);
	if (!err)
		err = apply_hosts(p, &st, out);
	if (!err)
		err = reload_rulesets(p, &st, out);
	if (!err)
		err = swap_fabric(p, &f, &gen);
	if (!err)
		err = record(p, &f, gen, file);
	state_free(&st);
	lab_fabric_free(&f);
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
	struct lab_state st;
	char **names;
	int err;

	if (!valid_lab_name(lab))
		return -EINVAL;
	err = unload_fabric(lab);
	lab_netns_prefix(prefix, lab);
	/* The state's namespaces: only names this lab's prefix makes. */
	state_read(lab, &st);	/* none: no nodes */
	for (int i = 0; i < st.nnodes; i++) {
		const char *ns = st.nodes[i].netns;

		if (!strncmp(ns, prefix, strlen(prefix)) && !strchr(ns, '/'))
			err = netns_del(ns) ?: err;
	}
	state_free(&st);
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
	found = found || names[0];
	names_free(names);
	return found;
}

int lab_node_netns(const char *lab, const char *node, char *netns, size_t len)
{
	const struct state_node *n;
	struct lab_state st;
	int err = state_read(lab, &st);

	n = err ? NULL : state_node(&st, node);
	if (n)
		snprintf(netns, len, "%s", n->netns);
	state_free(&st);
	return n ? 0 : -ENOENT;
}
