/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test harness for the XDP fabric: a private network namespace (gone with
 * the process, whatever happens), one veth pair per NIC of a topology, the
 * real compiler and loader, and BPF_PROG_TEST_RUN of the attached program.
 * The outcome of a frame is read back from the fabric's own counters.
 */
#ifndef XVNET_FABRIC_HARNESS_H
#define XVNET_FABRIC_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/magic.h>

#include "compile.h"
#include "engine.h"
#include "fabric_names.h"
#include "loader.h"
#include "state.h"
#include "topo.h"

struct lab {
	struct topology t;
	struct engine e;
	struct fabric_nic *nics;	/* VMs, then gateways, then the Internet edge */
	int n;
	int first;			/* veth names: xf<first + slot>{o,i} */
	int internet;			/* slot */
	char pin[128];
	int prog, stats, config, events;
	int ncpus;
	struct xv_nic_stats *before, *after; /* [n + 1][ncpus] */
};

struct outcome {
	int action;	/* XDP_* */
	int verdict;	/* enum xv_verdict, -1: none counted */
	int out;	/* slot the fabric sent the frame to, -1: none */
};

static inline int vm_slot(const struct lab *l, int vm)
{
	return vm;
}

static inline int gw_slot(const struct lab *l, int gw)
{
	return l->t.nvms + gw;
}

/* Whether name is a harness lab ("xt<pid>-<n>") of a process that is gone. */
static inline bool stale_lab(const char *name)
{
	unsigned int pid, k;

	return sscanf(name, "xt%x-%x", &pid, &k) == 2 && kill(pid, 0) && errno == ESRCH;
}

/*
 * Pins and names tables of test processes that died before their teardown
 * (SIGKILL): the pins under FABRIC_PIN_ROOT, the state under STATE_ROOT.
 */
static inline void reap_stale_pins(void)
{
	DIR *d = opendir(FABRIC_PIN_ROOT);
	struct dirent *de;
	char path[512];

	while (d && (de = readdir(d))) {
		if (!stale_lab(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", FABRIC_PIN_ROOT, de->d_name);
		fabric_unload(path);
	}
	if (d)
		closedir(d);
	d = opendir(STATE_ROOT);
	while (d && (de = readdir(d)))
		if (stale_lab(de->d_name))
			state_remove(de->d_name);
	if (d)
		closedir(d);
}

/* Enter a private network namespace: every veth dies with the process. */
static inline int harness_init(void)
{
	struct statfs fs;

	if (geteuid())
		return -EPERM;
	if (unshare(CLONE_NEWNET))
		return -errno;
	if (statfs("/sys/fs/bpf", &fs) || fs.f_type != BPF_FS_MAGIC)
		if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
			return -errno;
	mkdir(FABRIC_PIN_ROOT, 0700);
	reap_stale_pins();
	return 0;
}

static inline int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int run_cmd(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd) ? -EIO : 0;
}

static inline int open_pin(const struct lab *l, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", l->pin, name);
	return bpf_obj_get(path);
}

/* NIC k: veth xfNo (fabric side) / xfNi (node side, MAC 02:00:00:00:N), N = first + k. */
static inline int make_nic(struct lab *l, int slot, enum xv_nic_kind kind, int index)
{
	struct fabric_nic *nic = &l->nics[slot];
	char name[IFNAMSIZ];
	int k = l->first + slot;

	/* Left down: no stray IPv6 or ARP of the kernel's own reaches the counters. */
	if (run_cmd("ip link add xf%do type veth peer name xf%di address 02:00:00:00:%02x:%02x",
		    k, k, k >> 8, k & 0xff))
		return -EIO;
	snprintf(name, sizeof(name), "xf%do", k);
	*nic = (struct fabric_nic){ kind, index, (int)if_nametoindex(name),
				    { 2, 0, 0, 0, k >> 8, k & 0xff } };
	return nic->ifindex ? 0 : -ENODEV;
}

/* Compile t for the NICs and load the image, or apply it (as deploy and apply do). */
static inline int fabric_put(const struct topology *t, const struct engine *e,
			     const struct fabric_nic *nics, int n, const char *pin, bool apply)
{
	struct fabric_image img;
	char err[256];
	int ret = fabric_compile(t, e, nics, n, &img, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "fabric_compile: %s\n", err);
		return ret;
	}
	ret = apply ? fabric_apply(&img, nics, n, pin, NULL) : fabric_load(&img, nics, n, pin, NULL);
	fabric_image_free(&img);
	return ret;
}

/* The lab's names of generation 1, kept with a state as deploy keeps them (stats, trace). */
static inline int lab_names(const struct lab *l)
{
	struct fabric_names names;
	struct fabric_image img;
	char err[256];
	int ret = fabric_compile(&l->t, &l->e, l->nics, l->n, &img, err, sizeof(err));

	if (ret)
		return ret;
	fabric_names_build(&l->t, &l->e, &img, &names);
	ret = state_write_names(strrchr(l->pin, '/') + 1, 1, &names);
	fabric_names_free(&names);
	fabric_image_free(&img);
	return ret;
}

static inline void lab_down(struct lab *l)
{
	int fds[] = { l->prog, l->stats, l->config, l->events };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] > 0)
			close(fds[i]);
	if (l->pin[0]) {
		fabric_unload(l->pin);
		state_remove(strrchr(l->pin, '/') + 1);
	}
	for (int k = 0; k < l->n; k++)
		if (l->nics && l->nics[k].ifindex)
			run_cmd("ip link del xf%do 2>/dev/null", l->first + k);
	free(l->nics);
	free(l->before);
	free(l->after);
	if (l->e.topo)
		engine_free(&l->e);
	topo_free(&l->t);
	memset(l, 0, sizeof(*l));
}

/* Parse yaml, build the engine and one veth per NIC, load the fabric. */
static inline int lab_up(struct lab *l, const char *name, const char *yaml)
{
	static int labs, nics;
	struct diags d = { 0 };
	int k = 0, ret = 0;

	memset(l, 0, sizeof(*l));
	if (topo_parse(name, yaml, strlen(yaml), &l->t, &d)) {
		for (int i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		diags_free(&d);
		return -EINVAL;
	}
	engine_build(&l->e, &l->t);
	l->n = l->t.nvms + l->t.ngateways + 1;
	l->first = nics;
	nics += l->n;
	l->nics = calloc(l->n, sizeof(*l->nics));
	if (!l->nics)
		return -ENOMEM;
	for (int i = 0; !ret && i < l->t.nvms; i++)
		ret = make_nic(l, k++, XV_NIC_VM, i);
	for (int i = 0; !ret && i < l->t.ngateways; i++)
		ret = make_nic(l, k++, XV_NIC_GATEWAY, i);
	l->internet = k;
	if (!ret)
		ret = make_nic(l, k++, XV_NIC_INTERNET, -1);
	if (ret)
		return ret;
	/* A lab name (stats --lab takes it): pid_max < 2^22, 6 hex digits. */
	snprintf(l->pin, sizeof(l->pin), "%s/xt%x-%x", FABRIC_PIN_ROOT, getpid(), labs++);
	ret = fabric_put(&l->t, &l->e, l->nics, l->n, l->pin, false);
	if (ret) {
		l->pin[0] = '\0';
		return ret;
	}
	ret = lab_names(l);
	if (ret)
		return ret;
	l->prog = open_pin(l, "prog");
	l->stats = open_pin(l, "stats");
	l->config = open_pin(l, "config");
	l->events = open_pin(l, "events");
	l->ncpus = libbpf_num_possible_cpus();
	l->before = calloc((size_t)(l->n + 1) * l->ncpus, sizeof(*l->before));
	l->after = calloc((size_t)(l->n + 1) * l->ncpus, sizeof(*l->after));
	if (l->prog < 0 || l->stats < 0 || l->config < 0 || l->events < 0 ||
	    !l->before || !l->after)
		return -EIO;
	return 0;
}

static inline int lab_up_file(struct lab *l, const char *path)
{
	size_t len;
	char *buf;
	int ret;

	if (topo_read(path, &buf, &len))
		return -errno;
	buf = realloc(buf, len + 1);	/* lab_up() takes a string */
	if (!buf)
		return -ENOMEM;
	buf[len] = '\0';
	ret = lab_up(l, path, buf);
	free(buf);
	return ret;
}

static inline void snapshot(const struct lab *l, struct xv_nic_stats *s)
{
	for (__u32 k = 0; k <= (__u32)l->n; k++)
		bpf_map_lookup_elem(l->stats, &k, &s[k * l->ncpus]);
}

static inline __u64 stat_sum(const struct lab *l, const struct xv_nic_stats *s, int slot,
		      size_t off)
{
	__u64 sum = 0;

	for (int c = 0; c < l->ncpus; c++)
		sum += *(const __u64 *)((const char *)&s[slot * l->ncpus + c] + off);
	return sum;
}

/*
 * Run one frame as if it arrived from NIC slot in (ingress: ifindex, for a
 * frame from no NIC); *out gets the frame as the fabric left it.
 */
static inline struct outcome run_frame_on(struct lab *l, int ifindex, int in, const void *frame,
				   __u32 len, void *out, __u32 *out_len)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	static char scratch[4096];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame, .data_size_in = len,
		.data_out = out ? out : scratch,
		.data_size_out = out_len ? *out_len : sizeof(scratch),
		.ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		.repeat = 1);
	struct outcome o = { .action = -1, .verdict = -1, .out = -1 };

	snapshot(l, l->before);
	if (bpf_prog_test_run_opts(l->prog, &opts))
		return o;
	snapshot(l, l->after);
	o.action = opts.retval;
	if (out_len)
		*out_len = opts.data_size_out;
	for (int v = 0; v < XV_VERDICT__COUNT; v++) {
		size_t off = offsetof(struct xv_nic_stats, verdict) + v * sizeof(__u64);

		if (stat_sum(l, l->after, in, off) != stat_sum(l, l->before, in, off))
			o.verdict = v;
	}
	for (int k = 0; k < l->n; k++)
		if (stat_sum(l, l->after, k, offsetof(struct xv_nic_stats, tx)) !=
		    stat_sum(l, l->before, k, offsetof(struct xv_nic_stats, tx)))
			o.out = k;
	return o;
}

static inline struct outcome run_frame(struct lab *l, int in, const void *frame, __u32 len,
				void *out, __u32 *out_len)
{
	return run_frame_on(l, l->nics[in].ifindex, in, frame, len, out, out_len);
}

/* ---- frames ---------------------------------------------------------- */

static const __u8 fabric_mac[ETH_ALEN] = XV_FABRIC_MAC;

struct pkt {
	__u8 b[256];
	__u32 len;
};

static inline void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static inline void eth_hdr(struct pkt *p, const __u8 *dst, const __u8 *src, __u16 type)
{
	memcpy(p->b, dst, ETH_ALEN);
	memcpy(p->b + 6, src, ETH_ALEN);
	put16(p->b + 12, type);
	p->len = ETH_HLEN;
}

/* An IPv4 frame from a NIC to the fabric: proto 1, 6 or 17, 18 bytes of payload. */
static inline struct pkt ipv4_frame(const __u8 *src_mac, __u32 src, __u32 dst, __u8 proto)
{
	struct pkt p;
	__u8 *ip = p.b + ETH_HLEN;
	__u32 l4 = proto == IPPROTO_TCP ? 20 : 8, tot = 20 + l4 + 18;

	memset(&p, 0, sizeof(p));
	eth_hdr(&p, fabric_mac, src_mac, ETH_P_IP);
	ip[0] = 0x45;
	put16(ip + 2, tot);
	put16(ip + 4, 0x1234);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	for (__u32 i = 0; i < l4 + 18; i++)
		ip[20 + i] = (__u8)(i * 7 + 1);	/* headers and payload: any bytes */
	if (proto == IPPROTO_ICMP)
		ip[20] = 8;			/* echo request */
	if (proto == IPPROTO_TCP)
		ip[20 + 12] = 5 << 4;		/* data offset */
	p.len = ETH_HLEN + tot;
	return p;
}

/* An ARP request: who has tpa? tell spa. */
static inline struct pkt arp_request(const __u8 *sha, __u32 spa, __u32 tpa)
{
	static const __u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct pkt p;
	__u8 *a = p.b + ETH_HLEN;

	memset(&p, 0, sizeof(p));
	eth_hdr(&p, bcast, sha, ETH_P_ARP);
	put16(a, 1);
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, sha, ETH_ALEN);
	put32(a + 14, spa);
	put32(a + 24, tpa);
	p.len = ETH_HLEN + 28;
	return p;
}

#endif
