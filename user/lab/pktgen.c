// SPDX-License-Identifier: GPL-2.0
#include "pktgen.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "pktgen.skel.h"

struct pktgen_ctx {
	struct pktgen *skel;
	unsigned char frame[4096];
	int len;
};

/* The header's own check field must be zero. */
static uint16_t ip_checksum(const void *ip)
{
	uint32_t sum = 0;
	uint16_t w;

	for (size_t i = 0; i < sizeof(struct iphdr); i += 2) {
		memcpy(&w, (const char *)ip + i, 2);
		sum += w;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void pktgen_frame(const struct pktgen_opts *o, uint32_t daddr, struct pktgen_hdr *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->eth.h_dest, o->dmac, ETH_ALEN);
	memcpy(h->eth.h_source, o->smac, ETH_ALEN);
	h->eth.h_proto = htons(ETH_P_IP);
	h->ip.version = 4;
	h->ip.ihl = 5;
	h->ip.tot_len = htons(o->len - sizeof(h->eth));
	h->ip.ttl = 64;
	h->ip.protocol = IPPROTO_UDP;
	h->ip.saddr = htonl(o->saddr);
	h->ip.daddr = htonl(daddr);
	h->ip.check = ip_checksum(&h->ip);
	h->udp.source = htons(1024);
	h->udp.dest = htons(o->dport ? o->dport : 9); /* default: discard */
	h->udp.len = htons(o->len - sizeof(h->eth) - sizeof(h->ip));
	/* UDP checksum 0: none, so the payload stays out of the cost. */
}

int pktgen_dev_mac(const char *dev, unsigned char mac[ETH_ALEN])
{
	struct ifreq ifr = { 0 };
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	err = ioctl(fd, SIOCGIFHWADDR, &ifr) ? -errno : 0;
	close(fd);
	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return err;
}

static int fill_dsts(struct pktgen_ctx *g, const struct pktgen_opts *o)
{
	int fd = bpf_map__fd(g->skel->maps.dsts);
	struct pktgen_hdr h;

	for (int i = 0; i < o->n_daddrs; i++) {
		struct pktgen_dst d = { 0 };
		uint32_t key = i;

		pktgen_frame(o, o->daddrs[i], &h);
		d.daddr = h.ip.daddr;
		d.check = h.ip.check;
		if (bpf_map_update_elem(fd, &key, &d, 0))
			return -errno;
	}
	return 0;
}

int pktgen_open(struct pktgen_ctx **gp, const struct pktgen_opts *o)
{
	struct pktgen_hdr h;
	struct pktgen_ctx *g;
	int err;

	if (o->len < (int)PKTGEN_MIN_LEN || o->len > 1514 || o->n_daddrs < 1)
		return -EINVAL;
	g = xcalloc(1, sizeof(*g));
	g->skel = pktgen__open();
	if (!g->skel) {
		err = -errno;
		goto fail;
	}
	pktgen_frame(o, o->daddrs[0], &h);
	memcpy(g->frame, &h, sizeof(h));
	g->len = o->len;
	memcpy((void *)g->skel->rodata->tmpl, g->frame, sizeof(g->skel->rodata->tmpl));
	g->skel->rodata->out_ifindex = o->ifindex;
	g->skel->rodata->chained = o->chained;
	if (o->n_daddrs > 1) {
		g->skel->rodata->n_dsts = o->n_daddrs;
		bpf_map__set_max_entries(g->skel->maps.dsts, o->n_daddrs);
	}
	err = pktgen__load(g->skel);
	if (!err && o->n_daddrs > 1)
		err = fill_dsts(g, o);
	if (err)
		goto fail;
	*gp = g;
	return 0;
fail:
	pr_err("xvnet: cannot load the frame generator: %s\n", strerror(-err));
	pktgen_close(g);
	return err;
}

void pktgen_close(struct pktgen_ctx *g)
{
	if (!g)
		return;
	pktgen__destroy(g->skel);
	free(g);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int pktgen_live(struct pktgen_ctx *g, double seconds, uint64_t *frames, double *elapsed)
{
	/* No SA_RESTART: a signal must end the BPF_PROG_RUN below. */
	struct sigaction sa = { .sa_handler = on_signal };
	/*
	 * The timer keeps ticking after it expires: a tick landing between the
	 * stop check and the syscall would otherwise leave a 2^30-frame run.
	 */
	struct itimerval it = {
		.it_value = { (time_t)seconds, (seconds - (time_t)seconds) * 1e6 },
		.it_interval = { 0, 100000 },
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = g->frame,
		.data_size_in = g->len,
		/* A huge repeat: each call swaps the program into the XDP dispatcher and waits for RCU. */
		.repeat = 1 << 30,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.batch_size = 64,
	);
	static const int sigs[] = { SIGALRM, SIGINT, SIGTERM };
	int fd = bpf_program__fd(g->skel->progs.xdp_pktgen);
	struct sigaction old[3];
	struct itimerval off = { 0 };
	int err = 0;
	double t0;

	stop = 0;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	g->skel->bss->frames = 0;
	t0 = now();
	setitimer(ITIMER_REAL, &it, NULL);
	while (!stop) {
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err && err != -EINTR)
			break;
		err = 0;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	*elapsed = now() - t0;
	*frames = g->skel->bss->frames;
	if (err)
		pr_err("xvnet: BPF_PROG_RUN of live frames failed: %s\n", strerror(-err));
	return err;
}

int pktgen_test_run(struct pktgen_ctx *g, int prog_fd, int ingress_ifindex,
		    uint32_t repeat, uint32_t *ns, uint32_t *verdict)
{
	struct xdp_md ctx = {
		.data_end = g->len,
		.ingress_ifindex = ingress_ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = g->frame,
		.data_size_in = g->len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = repeat,
	);
	uint32_t key = 0;
	int err;

	err = bpf_map_update_elem(bpf_map__fd(g->skel->maps.under_test), &key, &prog_fd, 0);
	if (err) {
		pr_err("xvnet: cannot chain the program under test: %s\n", strerror(errno));
		return -errno;
	}
	err = bpf_prog_test_run_opts(bpf_program__fd(g->skel->progs.xdp_pktgen), &opts);
	if (err) {
		pr_err("xvnet: BPF_PROG_RUN failed: %s\n", strerror(-err));
		return err;
	}
	*ns = opts.duration;
	*verdict = opts.retval;
	return 0;
}
