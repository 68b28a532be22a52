// SPDX-License-Identifier: GPL-2.0
/*
 * Real packets in a running lab (see probe.h). Responders and probers are
 * forked children, each in one namespace, killed with their parent
 * (PR_SET_PDEATHSIG) and ended by it when the run is over.
 */
#define _GNU_SOURCE
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netns.h"

#define BATCH 256		/* most flows of one prober in flight at once */

/*
 * Probers run in passes: all flows, then again those not answered. A
 * lab's links have small rings (a veth's XDP ring holds 256 frames):
 * hundreds of senders at once lose packets no route drops, and a lost
 * probe is only ever a false "dropped", so each request is sent again
 * once half-way to its deadline, and a second pass tries the flows still
 * not answered once more.
 */
static const struct pass {
	int procs;	/* probers at once */
	int batch;	/* flows in flight per prober */
} passes[] = { { 256, BATCH }, { 256, BATCH } };

/*
 * Echo ids are flow indices plus a salt drawn per run: a firewall NVA
 * remembers an ICMP flow for 30 s, and a reply matching an earlier run's
 * request would pass it as a tracked flow.
 */
static uint32_t id_salt;

struct result {
	int index;
	int answered;
	int sport;		/* TCP/UDP: the source port the kernel chose */
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct sockaddr_in sin_of(uint32_t addr, uint16_t port)
{
	return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
				     .sin_addr.s_addr = htonl(addr) };
}

/* Enter netns in a fresh child: die with the parent. */
static int child_enter(const char *netns)
{
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = netns_open(netns);
	if (fd < 0 || netns_enter(fd))
		return -1;
	close(fd);
	return 0;
}

/* ---- responders ----------------------------------------------------------- */

struct listener {
	int fd;
	enum fw_proto proto;
};

static int listen_on(enum fw_proto proto, uint16_t port)
{
	struct sockaddr_in a = sin_of(INADDR_ANY, port);
	int one = 1, fd = socket(AF_INET, (proto == FW_TCP ? SOCK_STREAM : SOCK_DGRAM) |
				 SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (proto == FW_TCP && listen(fd, 512))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void serve(struct listener *l)
{
	char buf[512];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	ssize_t n;
	int c;

	if (l->proto == FW_UDP) {
		while ((n = recvfrom(l->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len)) >= 0) {
			sendto(l->fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
			len = sizeof(from);
		}
		return;
	}
	while ((c = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		if (write(c, "x", 1) < 0) {
			/* the prober gave up: nothing to answer */
		}
		close(c);
	}
}

/* Whether l[0..n) listens on proto/port already. */
static bool listening(const struct listener *l, const uint16_t *ports, int n,
		      enum fw_proto proto, uint16_t port)
{
	for (int k = 0; k < n; k++)
		if (l[k].proto == proto && ports[k] == port)
			return true;
	return false;
}

/*
 * In netns: listen on every port the probes to it use, say so on ready (0
 * or -errno), then answer until ctl is closed.
 */
static void responder(const char *netns, const struct probe *p, int n, int ready, int ctl)
{
	struct pollfd *pfd = calloc((size_t)n + 1, sizeof(*pfd));
	struct listener *l = calloc((size_t)n + 1, sizeof(*l));
	uint16_t *ports = calloc((size_t)n + 1, sizeof(*ports));
	int nl = 0, err = !pfd || !l || !ports ? -ENOMEM : child_enter(netns) ? -ENOENT : 0;

	for (int i = 0; i < n && !err; i++) {
		if (!p[i].dst_netns || strcmp(p[i].dst_netns, netns) || p[i].proto == FW_ICMP ||
		    listening(l, ports, nl, p[i].proto, p[i].port))
			continue;
		l[nl].proto = p[i].proto;
		l[nl].fd = listen_on(p[i].proto, p[i].port);
		ports[nl] = p[i].port;
		err = l[nl].fd < 0 ? l[nl].fd : 0;
		pfd[nl] = (struct pollfd){ .fd = l[nl].fd, .events = POLLIN };
		nl++;
	}
	if (write(ready, &err, sizeof(err)) != sizeof(err) || err)
		_exit(1);
	pfd[nl] = (struct pollfd){ .fd = ctl, .events = POLLIN };
	for (;;) {
		if (poll(pfd, (nfds_t)nl + 1, -1) < 0 && errno != EINTR)
			_exit(1);
		if (pfd[nl].revents)
			_exit(0);
		for (int k = 0; k < nl; k++)
			if (pfd[k].revents & POLLIN)
				serve(&l[k]);
	}
}

/* ---- probers ------------------------------------------------------------------ */

static uint16_t csum(const void *data, size_t len)
{
	const uint8_t *b = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* An echo request from src (a raw socket bound to it) with id index. */
static int ping_socket(uint32_t src)
{
	struct sockaddr_in a = sin_of(src, 0);
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
	int size = 4 << 20;	/* every reply of a batch, and the namespace's other ICMP */

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Flow index's echo id (its low 16 bits; the sequence holds the rest). */
static uint32_t echo_of(int index)
{
	return (uint32_t)index + id_salt;
}

static void ping_send(int fd, uint32_t dst, int index)
{
	struct icmphdr h = { .type = ICMP_ECHO };
	struct sockaddr_in a = sin_of(dst, 0);
	uint32_t id = echo_of(index);

	h.un.echo.id = htons((uint16_t)id);
	h.un.echo.sequence = htons((uint16_t)(id >> 16));
	h.checksum = csum(&h, sizeof(h));
	sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&a, sizeof(a));
}

/* An echo reply for one of ours: its index; -1 another packet; -2 none left. */
static int ping_reply(int fd, uint32_t *from)
{
	uint8_t buf[1500];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	const struct iphdr *ip = (const void *)buf;
	const struct icmphdr *h;

	if (n < 0)
		return -2;	/* nothing more */
	if (n < (ssize_t)sizeof(*ip) || n < ip->ihl * 4 + (ssize_t)sizeof(*h))
		return -1;
	h = (const void *)(buf + ip->ihl * 4);
	if (h->type != ICMP_ECHOREPLY)
		return -1;
	*from = ntohl(ip->saddr);
	return (int)(((uint32_t)ntohs(h->un.echo.id) | (uint32_t)ntohs(h->un.echo.sequence) << 16) -
		     id_salt) & 0x7fffffff;
}

/* A TCP or UDP flow's socket, bound to its source, the request sent. */
static int flow_socket(const struct probe *p)
{
	struct sockaddr_in src = sin_of(p->src, 0), dst = sin_of(p->dst, p->port);
	int fd = socket(AF_INET, (p->proto == FW_TCP ? SOCK_STREAM : SOCK_DGRAM) |
			SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) && errno != EINPROGRESS) ||
	    (p->proto == FW_UDP && send(fd, "x", 1, 0) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The source port a flow's socket was given; 0: unknown. */
static int local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		return 0;
	return ntohs(a.sin_port);
}

/*
 * The answer on a flow's socket: a byte (or, with nothing listening, a
 * refusal: the host answered) is an answer; a router's unreachable is not.
 * 1 answered, 0 not, -1 nothing yet.
 */
static int flow_answer(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, 0);

	if (n >= 0)
		return 1;
	if (errno == EAGAIN || errno == EINTR)
		return -1;
	return errno == ECONNREFUSED;
}

struct prober {
	const struct probe *p;
	const int *idx;		/* this prober's probes: indices into p */
	int n;
	int out;		/* the results pipe */
	int timeout_ms;
	int batch;
};

static void report(int out, int index, bool answered, int sport)
{
	struct result r = { index, answered, sport };

	if (write(out, &r, sizeof(r)) != sizeof(r))
		_exit(1);
}

/* Raw sockets per source address of the batch (a site holds several). */
static int batch_pings(const struct prober *w, const int *idx, int n, int *fds, uint32_t *srcs)
{
	int nf = 0;

	for (int i = 0; i < n; i++) {
		const struct probe *p = &w->p[idx[i]];
		int k;

		if (p->proto != FW_ICMP)
			continue;
		for (k = 0; k < nf && srcs[k] != p->src; k++)
			;
		if (k == nf) {
			srcs[nf] = p->src;
			fds[nf++] = ping_socket(p->src);
		}
		if (fds[k] >= 0)
			ping_send(fds[k], p->dst, idx[i]);
	}
	return nf;
}

/* Echo replies waiting on fd: the probes of the batch they answer. */
static void batch_replies(const struct prober *w, const int *idx, int n, int fd, int *state)
{
	uint32_t from;
	int id;

	while ((id = ping_reply(fd, &from)) != -2) {
		for (int i = 0; id >= 0 && i < n; i++)
			if (idx[i] == id && w->p[id].proto == FW_ICMP && w->p[id].dst == from)
				state[i] = 1;
	}
}

/*
 * Half-way to the deadline, the requests not answered yet are sent again
 * (the kernel resends a TCP SYN after 1 s by itself): one lost packet is
 * not a drop.
 */
static void resend(const struct prober *w, const int *idx, int n, const int *state,
		   const int *fd, const int *ping_fd, const uint32_t *ping_src, int nping)
{
	for (int i = 0; i < n; i++) {
		const struct probe *p = &w->p[idx[i]];

		if (state[i] >= 0)
			continue;
		if (p->proto == FW_UDP && fd[i] >= 0 && send(fd[i], "x", 1, 0) < 0) {
			/* an error queued on the socket: the poll loop reads it */
		}
		for (int k = 0; p->proto == FW_ICMP && k < nping; k++)
			if (ping_src[k] == p->src && ping_fd[k] >= 0)
				ping_send(ping_fd[k], p->dst, idx[i]);
	}
}

/* Send a batch of flows at once, then collect answers until the deadline. */
static void run_batch(const struct prober *w, const int *idx, int n)
{
	int fd[BATCH], state[BATCH], ping_fd[BATCH], at[BATCH * 2], nping, pending;
	struct pollfd pfd[BATCH * 2];
	uint32_t ping_src[BATCH];
	long deadline = now_ms() + w->timeout_ms, left;
	bool resent = false;

	for (int i = 0; i < n; i++) {
		const struct probe *p = &w->p[idx[i]];

		state[i] = -1;
		fd[i] = p->proto == FW_ICMP ? -1 : flow_socket(p);
		if (p->proto != FW_ICMP && fd[i] < 0)
			state[i] = 0;
	}
	nping = batch_pings(w, idx, n, ping_fd, ping_src);
	while ((left = deadline - now_ms()) > 0) {
		int np = 0;

		pending = 0;
		for (int i = 0; i < n; i++) {
			pending += state[i] < 0;
			if (state[i] < 0 && fd[i] >= 0) {
				at[np] = i;
				pfd[np++] = (struct pollfd){ .fd = fd[i], .events = POLLIN };
			}
		}
		for (int k = 0; k < nping; k++) {
			at[np] = -1 - k;
			pfd[np++] = (struct pollfd){ .fd = ping_fd[k], .events = POLLIN };
		}
		if (!pending)
			break;
		if (!resent && left <= w->timeout_ms / 2) {
			resend(w, idx, n, state, fd, ping_fd, ping_src, nping);
			resent = true;
		}
		if (poll(pfd, (nfds_t)np, (int)(resent ? left : left - w->timeout_ms / 2)) <= 0)
			continue;
		for (int k = 0; k < np; k++) {
			if (!pfd[k].revents)
				continue;
			if (at[k] >= 0)
				state[at[k]] = flow_answer(fd[at[k]]);
			else
				batch_replies(w, idx, n, pfd[k].fd, state);
		}
	}
	for (int i = 0; i < n; i++) {
		report(w->out, idx[i], state[i] == 1, fd[i] >= 0 ? local_port(fd[i]) : 0);
		if (fd[i] >= 0)
			close(fd[i]);
	}
	for (int k = 0; k < nping; k++)
		if (ping_fd[k] >= 0)
			close(ping_fd[k]);
}

static void prober(const char *netns, const struct prober *w)
{
	if (child_enter(netns))
		_exit(1);
	for (int i = 0; i < w->n; i += w->batch)
		run_batch(w, w->idx + i, w->n - i < w->batch ? w->n - i : w->batch);
	_exit(0);
}

/* ---- the run ---------------------------------------------------------------------- */

/* The distinct namespaces of the answering ends of p's TCP and UDP flows. */
static int distinct_dst(const struct probe *p, int n, const char **out)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		const char *ns = p[i].dst_netns;
		int j;

		if (!ns || p[i].proto == FW_ICMP)
			continue;
		for (j = 0; j < k && strcmp(out[j], ns); j++)
			;
		if (j == k)
			out[k++] = ns;
	}
	return k;
}

/* The distinct source namespaces of the flows still to probe. */
static int distinct_src(const struct probe *p, int n, const bool *todo, const char **out)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		int j;

		if (!todo[i] || !p[i].src_netns)
			continue;
		for (j = 0; j < k && strcmp(out[j], p[i].src_netns); j++)
			;
		if (j == k)
			out[k++] = p[i].src_netns;
	}
	return k;
}

struct children {
	pid_t *pid;
	int n;
};

static void children_end(struct children *c, bool kill_them)
{
	for (int i = 0; i < c->n; i++) {
		if (c->pid[i] <= 0)	/* reaped already */
			continue;
		if (kill_them)
			kill(c->pid[i], SIGKILL);
		waitpid(c->pid[i], NULL, 0);
	}
	c->n = 0;
}

/* One responder in ns: 0 once it listens, or -errno. */
static int start_responder(const char *ns, const struct probe *p, int n, struct children *c,
			   const int ctl[2])
{
	int ready[2], err = 0;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (!pid) {
		close(ctl[1]);
		close(ready[0]);
		responder(ns, p, n, ready[1], ctl[0]);
	}
	close(ready[1]);
	if (pid < 0)
		err = -errno;
	else
		c->pid[c->n++] = pid;
	if (!err && read(ready[0], &err, sizeof(err)) != sizeof(err))
		err = -ECHILD;
	close(ready[0]);
	return err;
}

/* Start a responder per answering namespace; ctl: closed, they end. */
static int start_responders(const struct probe *p, int n, struct children *c, const int ctl[2],
			    char *why, size_t whylen)
{
	const char **ns = calloc((size_t)n + 1, sizeof(*ns));
	int nns = ns ? distinct_dst(p, n, ns) : 0, err = ns ? 0 : -ENOMEM;

	for (int i = 0; i < nns && !err; i++) {
		err = start_responder(ns[i], p, n, c, ctl);
		if (err)
			snprintf(why, whylen, "cannot answer in %s: %s", ns[i], strerror(-err));
	}
	free(ns);
	return err;
}

/* Results waiting on fd: record them; false at the end of the pipe. */
static bool collect(int fd, struct probe *p, int n, int wait_ms, const struct probe_watch *w)
{
	struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
				 { .fd = w ? w->fd : -1, .events = POLLIN } };
	struct result r[512];
	ssize_t got;

	if (poll(pfd, 2, wait_ms) <= 0)
		return true;
	if (pfd[1].revents)
		w->drain(w->ctx);
	if (!pfd[0].revents)
		return true;
	got = read(fd, r, sizeof(r));
	for (ssize_t i = 0; i < got / (ssize_t)sizeof(r[0]); i++) {
		struct probe *q = r[i].index >= 0 && r[i].index < n ? &p[r[i].index] : NULL;

		if (q)
			q->answered = r[i].answered;
		if (q && q->proto != FW_ICMP)
			q->sport = (uint16_t)r[i].sport;
	}
	return got > 0;
}

/* Reap the probers that ended; how many still run. */
static int reap(struct children *c)
{
	int running = 0;

	for (int i = 0; i < c->n; i++) {
		if (c->pid[i] > 0 && waitpid(c->pid[i], NULL, WNOHANG) == c->pid[i])
			c->pid[i] = 0;
		running += c->pid[i] > 0;
	}
	return running;
}

/* One prober for the flows of namespace ns still to probe. */
static pid_t start_prober(const char *ns, struct probe *p, int n, const bool *todo, int *idx,
			  const struct pass *ps, int timeout_ms, int out)
{
	struct prober w = { p, idx, 0, out, timeout_ms, ps->batch };
	pid_t pid;

	for (int k = 0; k < n; k++)
		if (todo[k] && p[k].src_netns && !strcmp(p[k].src_netns, ns))
			idx[w.n++] = k;
	pid = fork();
	if (!pid)
		prober(ns, &w);
	return pid;
}

/* A pass: the flows in todo, ps->procs probers at a time. */
static int run_pass(struct probe *p, int n, const bool *todo, const struct pass *ps,
		    int timeout_ms, struct children *c, const struct probe_watch *w)
{
	const char **ns = calloc((size_t)n + 1, sizeof(*ns));
	int *idx = malloc(((size_t)n + 1) * sizeof(*idx));
	int nns = ns && idx ? distinct_src(p, n, todo, ns) : 0, err = ns && idx ? 0 : -ENOMEM;
	int out[2] = { -1, -1 }, next = 0;

	if (!err && pipe2(out, O_CLOEXEC))
		err = -errno;
	while (!err && next < nns) {
		if (reap(c) >= ps->procs) {
			collect(out[0], p, n, 20, w);
			continue;
		}
		c->pid[c->n] = start_prober(ns[next++], p, n, todo, idx, ps, timeout_ms, out[1]);
		if (c->pid[c->n] < 0)
			err = -errno;
		else
			c->n++;
	}
	if (out[1] >= 0)
		close(out[1]);
	while (!err && collect(out[0], p, n, -1, w))
		;
	children_end(c, err != 0);
	if (out[0] >= 0)
		close(out[0]);
	free(ns);
	free(idx);
	return err;
}

int probe_run(struct probe *p, int n, int timeout_ms, const struct probe_watch *watch,
	      char *why, size_t whylen)
{
	struct children resp = { calloc((size_t)n + 1, sizeof(pid_t)), 0 };
	struct children prob = { calloc((size_t)n + 1, sizeof(pid_t)), 0 };
	bool *todo = calloc((size_t)n + 1, sizeof(*todo));
	int ctl[2] = { -1, -1 }, err = 0;

	snprintf(why, whylen, "out of memory");
	id_salt = ((uint32_t)getpid() * 2654435761u) ^ (uint32_t)now_ms();
	for (int i = 0; i < n; i++) {
		p[i].answered = false;
		p[i].sport = p[i].proto == FW_ICMP ? (uint16_t)echo_of(i) : 0;
	}
	if (!resp.pid || !prob.pid || !todo || pipe2(ctl, O_CLOEXEC))
		err = resp.pid && prob.pid && todo ? -errno : -ENOMEM;
	if (!err)
		err = start_responders(p, n, &resp, ctl, why, whylen);
	for (size_t k = 0; !err && k < sizeof(passes) / sizeof(passes[0]); k++) {
		for (int i = 0; i < n; i++)
			todo[i] = !p[i].answered;
		err = run_pass(p, n, todo, &passes[k], timeout_ms, &prob, watch);
		if (err)
			snprintf(why, whylen, "cannot start a prober: %s", strerror(-err));
	}
	if (ctl[1] >= 0)
		close(ctl[1]);	/* the responders end */
	children_end(&resp, err != 0);
	if (ctl[0] >= 0)
		close(ctl[0]);
	free(resp.pid);
	free(prob.pid);
	free(todo);
	return err;
}
