// SPDX-License-Identifier: GPL-2.0
/*
 * The measuring tools of `xvnet bench` (bench.h): machine, processes in
 * namespaces, receive counters, the XDP receive sink, UDP echo round
 * trips, percentiles.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "netns.h"
#include "nic_sink.skel.h"
#include "print.h"

/* The first line of a file, without its newline ("" when unreadable). */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

void bench_machine(struct bench_machine *m)
{
	static const char vuln[] = "/sys/devices/system/cpu/vulnerabilities/";
	char line[256], path[128];
	struct utsname u;
	FILE *f;

	memset(m, 0, sizeof(*m));
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !v)
			continue;
		v += strspn(v + 1, " \t") + 1;
		v[strcspn(v, "\n")] = '\0';
		snprintf(m->cpu, sizeof(m->cpu), "%s", v);
		break;
	}
	if (f)
		fclose(f);
	m->ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (!uname(&u))
		snprintf(m->kernel, sizeof(m->kernel), "%s", u.release);
	snprintf(path, sizeof(path), "%sspectre_v2", vuln);
	read_line(path, m->spectre_v2, sizeof(m->spectre_v2));
	snprintf(path, sizeof(path), "%sretbleed", vuln);
	read_line(path, m->retbleed, sizeof(m->retbleed));
	snprintf(path, sizeof(path), "%sspec_rstack_overflow", vuln);
	read_line(path, m->srso, sizeof(m->srso));
}

void bench_print_machine(const struct bench_machine *m)
{
	print_open_object("machine");
	print_string(PRINT_ANY, "cpu", "Machine: %s", m->cpu);
	print_uint(PRINT_ANY, "cpus", ", %lu CPUs", (unsigned long)m->ncpus);
	print_string(PRINT_ANY, "kernel", ", kernel %s", m->kernel);
	print_string(PRINT_ANY, "spectreV2", "\n  spectre_v2: %s", m->spectre_v2);
	print_string(PRINT_ANY, "retbleed", "\n  retbleed: %s", m->retbleed);
	print_string(PRINT_ANY, "specRstackOverflow", "\n  spec_rstack_overflow: %s\n", m->srso);
	print_close_object();
}

pid_t bench_spawn(int nsfd, char *const argv[], int *out_fd)
{
	int pipefd[2] = { -1, -1 };
	pid_t pid;

	if (out_fd && pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		if (out_fd) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return err;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || (nsfd >= 0 && netns_enter(nsfd)))
			_exit(127);
		dup2(null, STDIN_FILENO);
		dup2(out_fd ? pipefd[1] : null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (out_fd) {
		close(pipefd[1]);
		*out_fd = pipefd[0];
	}
	return pid;
}

void bench_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int bench_capture(int nsfd, char *const argv[], double timeout_s, char **out)
{
	size_t len = 0, cap = 4096;
	double deadline = now_s() + timeout_s;
	int fd, status = 0;
	char *buf = xmalloc(cap);
	pid_t pid;

	*out = NULL;
	pid = bench_spawn(nsfd, argv, &fd);
	if (pid < 0) {
		free(buf);
		return pid;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)((deadline - now_s()) * 1000);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (len + 1 >= cap)
			buf = xrealloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (waitpid(pid, &status, 0) < 0) {
		free(buf);
		return -errno;
	}
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * /proc/self/net/dev lists the devices of the reading thread's namespace:
 * fn(name, rx packets, tx packets, arg) for each.
 */
static int net_dev_here(void (*fn)(const char *, uint64_t, uint64_t, void *), void *arg)
{
	char line[512];
	FILE *f = fopen("/proc/self/net/dev", "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *name = line + strspn(line, " ");
		unsigned long long v[10];

		if (!colon)
			continue;	/* the two heading lines */
		*colon = '\0';
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) == 10)
			fn(name, v[1], v[9], arg);
	}
	fclose(f);
	return 0;
}

/* Run net_dev_here() inside nsfd. */
static int net_dev(int nsfd, void (*fn)(const char *, uint64_t, uint64_t, void *), void *arg)
{
	int err = netns_enter(nsfd);

	if (!err)
		err = net_dev_here(fn, arg);
	if (netns_home() && !err)
		err = -errno;
	return err;
}

static void add_rx_but_lo(const char *name, uint64_t rx, uint64_t tx, void *arg)
{
	if (strcmp(name, "lo"))
		*(uint64_t *)arg += rx;
}

int bench_rx_frames(int nsfd, uint64_t *frames)
{
	*frames = 0;
	return net_dev(nsfd, add_rx_but_lo, frames);
}

struct link_frames {
	const char *const *ifnames;
	int n;
	uint64_t *rx, *tx;
};

static void match_link(const char *name, uint64_t rx, uint64_t tx, void *arg)
{
	const struct link_frames *l = arg;

	for (int i = 0; i < l->n; i++)
		if (!strcmp(name, l->ifnames[i])) {
			l->rx[i] = rx;
			l->tx[i] = tx;
		}
}

int bench_link_frames(int nsfd, const char *const *ifnames, int n, uint64_t *rx, uint64_t *tx)
{
	struct link_frames l = { ifnames, n, rx, tx };

	memset(rx, 0, (size_t)n * sizeof(*rx));
	memset(tx, 0, (size_t)n * sizeof(*tx));
	return net_dev(nsfd, match_link, &l);
}

/* A UDP socket bound to addr:port (host order) in namespace nsfd. */
static int udp_socket_in(int nsfd, uint32_t addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	int fd, err = netns_enter(nsfd);

	if (err)
		return err;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		fd = err;
	} else if (fd < 0) {
		fd = -errno;
	}
	if (netns_home() && fd >= 0) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Wait for fd to be readable until deadline; true when it is. */
static bool readable(int fd, double deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int left = (int)ceil((deadline - now_s()) * 1000);

	return left > 0 && poll(&p, 1, left) == 1;
}

/*
 * One thread plays both ends: it sends a probe from the client socket,
 * echoes it from the server socket when it arrives, and takes the time
 * when the echo is back. A probe carries its sequence number, so a late
 * echo is never mistaken for the current one.
 */
int bench_rtt(int src_ns, uint32_t src, int dst_ns, uint32_t dst, int port,
	      int count, double interval_s, double *rtt_us, int *answered)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(dst) };
	int srv, cli, err = 0;

	*answered = 0;
	srv = udp_socket_in(dst_ns, dst, port);
	if (srv < 0)
		return srv;
	cli = udp_socket_in(src_ns, src, 0);
	if (cli < 0) {
		close(srv);
		return cli;
	}
	for (uint32_t seq = 0; seq < (uint32_t)count && !err; seq++) {
		double t0 = now_s(), deadline = t0 + 0.2, next = t0 + interval_s;
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		char buf[64];
		uint32_t got;
		ssize_t n;

		if (sendto(cli, &seq, sizeof(seq), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			err = -errno;
			break;
		}
		while (readable(srv, deadline)) {
			n = recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n > 0)
				sendto(srv, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
			if (n == sizeof(seq) && !memcmp(buf, &seq, sizeof(seq)))
				break;
		}
		while (readable(cli, deadline)) {
			n = recv(cli, &got, sizeof(got), 0);
			if (n == sizeof(got) && got == seq) {
				rtt_us[(*answered)++] = (now_s() - t0) * 1e6;
				break;
			}
		}
		while (now_s() < next)
			usleep((useconds_t)((next - now_s()) * 1e6) + 1);
	}
	close(srv);
	close(cli);
	return err;
}

int bench_udp_sink(int nsfd, uint32_t addr, int port)
{
	return udp_socket_in(nsfd, addr, port);
}

struct bench_sink {
	struct nic_sink *skel;
	int nsfd, ifindex;
	int old_fd;		/* the NIC's program (nic_pass), -1: none */
	char ifname[IF_NAMESIZE];
};

/* The program a NIC's inner end carries (fabric_attach_pass), as the kernel names it. */
#define NIC_PASS_NAME "xvnet_nic_pass"

/* ifname's native XDP program, in the caller's namespace: *fd -1 when none. */
static int nic_program(int ifindex, int *fd)
{
	struct bpf_prog_info info = {};
	__u32 id = 0, len = sizeof(info);
	int err = bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &id);

	*fd = -1;
	if (err || !id)
		return err;
	*fd = bpf_prog_get_fd_by_id(id);
	if (*fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(*fd, &info, &len) || strcmp(info.name, NIC_PASS_NAME)) {
		close(*fd);
		*fd = -1;
		return -EBUSY;
	}
	return 0;
}

/* In the NIC's namespace: swap program `from` (-1: none) for `to` (-1: none), only over `from`. */
static int nic_swap(const struct bench_sink *s, int from, int to)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = from);
	__u32 flags = XDP_FLAGS_DRV_MODE | (from >= 0 ? XDP_FLAGS_REPLACE : XDP_FLAGS_UPDATE_IF_NOEXIST);
	int err = netns_enter(s->nsfd);

	if (!err)
		err = to >= 0 ? bpf_xdp_attach(s->ifindex, to, flags, from >= 0 ? &opts : NULL)
			      : bpf_xdp_detach(s->ifindex, flags, &opts);
	if (netns_home() && !err)
		err = -EPERM;
	return err;
}

static void sink_free(struct bench_sink *s)
{
	if (s->old_fd >= 0)
		close(s->old_fd);
	nic_sink__destroy(s->skel);
	free(s);
}

int bench_sink_attach(int nsfd, const char *ifname, int port, struct bench_sink **out)
{
	struct bench_sink *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->nsfd = nsfd;
	s->old_fd = -1;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	s->skel = nic_sink__open();
	if (!s->skel) {
		err = -errno;
		free(s);
		return err;
	}
	s->skel->rodata->port = (__u16)port;
	err = nic_sink__load(s->skel) ? -errno : netns_enter(nsfd);
	if (!err) {
		s->ifindex = (int)if_nametoindex(ifname);
		err = s->ifindex ? nic_program(s->ifindex, &s->old_fd) : -ENODEV;
	}
	if (netns_home() && !err)
		err = -EPERM;
	if (!err)
		err = nic_swap(s, s->old_fd, bpf_program__fd(s->skel->progs.xvnet_nic_sink));
	if (err) {
		pr_err("xvnet bench: cannot put the XDP sink on %s: %s\n", ifname, strerror(-err));
		sink_free(s);
		return err;
	}
	*out = s;
	return 0;
}

int bench_sink_count(const struct bench_sink *s, uint64_t *frames)
{
	int ncpus = libbpf_num_possible_cpus();
	__u32 key = 0;
	__u64 *v;

	*frames = 0;
	if (ncpus <= 0)
		return -EINVAL;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.counted), &key, v)) {
		free(v);
		return -errno;
	}
	for (int i = 0; i < ncpus; i++)
		*frames += v[i];
	free(v);
	return 0;
}

int bench_sink_detach(struct bench_sink *s)
{
	int err;

	if (!s)
		return 0;
	err = nic_swap(s, bpf_program__fd(s->skel->progs.xvnet_nic_sink), s->old_fd);
	if (err) {
		pr_err("xvnet bench: cannot put %s back on %s: %s (the XDP sink stays)\n",
		       s->old_fd >= 0 ? NIC_PASS_NAME : "no program", s->ifname, strerror(-err));
		/* Leave the program attached: it stays until the NIC goes. */
	}
	sink_free(s);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_percentile(double *v, int n, double p)
{
	int rank;

	if (n <= 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	rank = (int)ceil(p / 100 * n);
	return v[rank < 1 ? 0 : rank - 1];
}
