// SPDX-License-Identifier: GPL-2.0
/*
 * ns per frame of the real fabric program under BPF_PROG_TEST_RUN, with
 * maps filled by the real compiler, for three tables:
 *
 *   routes10    hub-spoke's spoke subnet (about 10 routes), one flow
 *   routes500   a subnet with 500 UDRs, destinations sprayed over them
 *   gw100k      a subnet propagating 100,000 gateway-learned prefixes
 *               (BGP-like length mix), destinations sprayed over them
 *
 * Every frame is timed alone (repeat 1: with repeat, the kernel would run
 * the program again on the frame it already rewrote), by the kernel, one
 * call per frame: a single flow repeats one frame, a sprayed run walks a
 * large set of destinations so lookups take cold paths as live traffic
 * would. The same method on an XDP_PASS program gives the timing floor
 * to subtract (net_ns), and on bpf_fib_lookup (benchref.bpf.c's xdp_fib)
 * with the same 100,000 prefixes as kernel routes, the kernel FIB's cost. Prints one JSON object. Root; runs in a private
 * network namespace.
 *
 *   bench-fabric-ns [SPRAY_FRAMES]
 */
#include "../bpf/fabric_harness.h"

#include <time.h>

#include "pktgen_abi.h"	/* benchref.skel.h needs its types */
#include "benchref.skel.h"
#include "nic_pass.skel.h"

struct result {
	double ns;		/* mean ns per frame, as the kernel timed it */
	long frames, forwarded;
};

/* Time frames[0..n) one call each; stride 0 repeats frames[0]. */
static struct result timed(struct lab *l, int prog, int in, struct pkt *frames, int n,
			   int stride)
{
	struct xdp_md ctx = { .data_end = frames[0].len,
			      .ingress_ifindex = l->nics[in].ifindex };
	struct result r = { 0 };
	double total = 0;
	__u8 out[256];

	for (int i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frames[i * stride].b,
			    .data_size_in = frames[i * stride].len, .data_out = out,
			    .data_size_out = sizeof(out), .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = 1);

		if (bpf_prog_test_run_opts(prog, &opts))
			continue;
		total += opts.duration;
		r.frames++;
		if (opts.retval == XDP_REDIRECT)
			r.forwarded++;
	}
	r.ns = r.frames ? total / r.frames : 0;
	return r;
}

static __u32 rnd(void)
{
	return (__u32)random() << 1 ^ (__u32)random();
}

/* A BGP-like length: mostly /24, then /22-23, /20-21, /16-19, /8-15, /25-32. */
static int bgp_len(void)
{
	int x = random() % 100;

	return x < 55 ? 24 : x < 75 ? 22 + x % 2 : x < 85 ? 20 + x % 2 :
	       x < 93 ? 16 + x % 4 : x < 95 ? 8 + x % 8 : 25 + x % 8;
}

/* Public-looking space, clear of the lab's and the reserved None ranges. */
static struct prefix random_prefix(int len)
{
	__u32 a;

	do
		a = rnd();
	while ((a >> 24) < 11 || (a >> 24) > 223 || (a >> 24) == 127 || (a >> 24) == 100 ||
	       (a >> 24) == 172 || (a >> 24) == 192 || (a >> 24) == 198);
	return (struct prefix){ a & prefix_mask(len), len };
}

static int cmp_prefix_qsort(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* n distinct random prefixes, sorted. */
static struct prefix *prefixes(int n, int fixed_len, int *out_n)
{
	struct prefix *p = calloc(n, sizeof(*p));
	int k = 0;

	for (int i = 0; i < n; i++)
		p[i] = random_prefix(fixed_len ? fixed_len : bgp_len());
	qsort(p, n, sizeof(*p), cmp_prefix_qsort);
	for (int i = 0; i < n; i++)
		if (!k || !prefix_equal(p[i], p[k - 1]))
			p[k++] = p[i];
	*out_n = k;
	return p;
}

/* The base lab: hub with a firewall NVA and a VPN gateway, one spoke VM. */
static char *lab_yaml(const char *spoke_routes, const char *site_space)
{
	char *y;

	if (asprintf(&y,
		     "name: bench\n"
		     "vnets:\n"
		     "  - {name: hub, addressSpace: [10.0.0.0/16], subnets: [{name: GatewaySubnet, addressPrefix: 10.0.255.0/27}, {name: fw, addressPrefix: 10.0.1.0/24}]}\n"
		     "  - {name: spoke, addressSpace: [10.1.0.0/16], subnets: [{name: app, addressPrefix: 10.1.1.0/24, routeTable: spoke-rt}]}\n"
		     "peerings:\n"
		     "  - {from: hub, to: spoke, allowGatewayTransit: true}\n"
		     "  - {from: spoke, to: hub, useRemoteGateways: true, allowForwardedTraffic: true}\n"
		     "routeTables:\n"
		     "  - name: spoke-rt\n"
		     "    routes:\n"
		     "      - {name: r0, addressPrefix: 10.2.0.0/16, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n"
		     "%s"
		     "gateways: [{name: gw, vnet: hub, type: Vpn, bgp: true}]\n"
		     "sites:\n"
		     "  - {name: dc, addressSpace: [192.168.0.0/16%s], hosts: [{name: srv, ip: 192.168.1.10}]}\n"
		     "connections: [{name: c, gateway: gw, site: dc}]\n"
		     "vms:\n"
		     "  - {name: fw, subnet: hub/fw, ip: 10.0.1.4, enableIpForwarding: true}\n"
		     "  - {name: app, subnet: spoke/app, ip: 10.1.1.4}\n",
		     spoke_routes, site_space) < 0)
		return NULL;
	return y;
}

/* Append ", a.b.c.d/len" or a UDR line per prefix to a growing string. */
static char *join(const struct prefix *p, int n, bool udr)
{
	size_t cap = (size_t)n * 128 + 1, len = 0;
	char *s = malloc(cap), buf[PREFIX_STRLEN];

	s[0] = '\0';
	for (int i = 0; i < n; i++) {
		prefix_str(p[i], buf);
		if (udr)
			len += snprintf(s + len, cap - len,
					"      - {name: u%d, addressPrefix: %s, nextHopType: VirtualAppliance, nextHopIpAddress: 10.0.1.4}\n",
					i, buf);
		else
			len += snprintf(s + len, cap - len, ", %s", buf);
	}
	return s;
}

/* Frames from the spoke VM to one host in each prefix. */
static struct pkt *spray(struct lab *l, const struct prefix *p, int n, int frames)
{
	struct pkt *f = calloc(frames, sizeof(*f));

	for (int i = 0; i < frames; i++) {
		struct prefix q = p[random() % n];

		f[i] = ipv4_frame(l->nics[1].mac, 0x0a010104,
				  q.addr | (rnd() & ~prefix_mask(q.len) & ~1u) | 1, IPPROTO_UDP);
	}
	return f;
}

/*
 * The kernel FIB holding the same prefixes, via a neighbour on a veth with
 * forwarding on: bpf_fib_lookup finds route and neighbour (the program
 * then passes the frame, having no egress port: the lookup is what counts).
 */
static struct result fib(struct lab *l, const struct prefix *p, int n, struct pkt *frames,
			 int nframes)
{
	struct benchref *ref = benchref__open_and_load();
	char path[] = "/tmp/xvnet-bench-routes-XXXXXX", buf[PREFIX_STRLEN];
	struct result r = { 0 };
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	struct lab fake = *l;

	if (!ref || !f)
		return r;
	for (int i = 0; i < n; i++)
		fprintf(f, "route add %s via 10.99.0.2 dev xfb0\n", prefix_str(p[i], buf));
	fclose(f);
	if (!run_cmd("ip link add xfb0 type veth peer name xfb1 && ip link set xfb0 up && "
		     "ip link set xfb1 up && ip addr add 10.99.0.1/24 dev xfb0 && "
		     "ip neigh add 10.99.0.2 lladdr 02:00:00:00:99:02 dev xfb0 nud permanent && "
		     "echo 1 > /proc/sys/net/ipv4/conf/all/forwarding && ip -batch %s", path)) {
		fake.nics = &(struct fabric_nic){ .ifindex = (int)if_nametoindex("xfb0") };
		r = timed(&fake, bpf_program__fd(ref->progs.xdp_fib), 0, frames, nframes, 1);
	}
	unlink(path);
	run_cmd("ip link del xfb0");
	benchref__destroy(ref);
	return r;
}

static void report(const char *name, struct result r, struct result floor, bool last)
{
	printf("  \"%s\": {\"ns\": %.1f, \"net_ns\": %.1f, \"frames\": %ld, \"forwarded\": %ld}%s\n",
	       name, r.ns, r.ns - floor.ns, r.frames, r.forwarded, last ? "" : ",");
}

/* Memory of one map as the kernel accounts it (fdinfo memlock). */
static long memlock(int fd)
{
	char path[64], line[128];
	long v, total = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %ld", &v) == 1)
			total += v;
	if (f)
		fclose(f);
	return total;
}

/*
 * Every map of the current generation's program (its own tables and the
 * maps all generations share), as the kernel accounts them (arrays: whole
 * pages, per possible CPU where per-CPU), and the attached program's gens.
 */
static long map_memory(const struct lab *l)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), ids[64], key = 0, id;
	char path[256];
	long total;
	int gens, prog;

	snprintf(path, sizeof(path), "%s/gens", l->pin);
	gens = bpf_obj_get(path);
	if (gens < 0)
		return -1;
	total = memlock(gens);
	prog = bpf_map_lookup_elem(gens, &key, &id) ? -1 : bpf_prog_get_fd_by_id(id);
	close(gens);
	info.nr_map_ids = 64;
	info.map_ids = (unsigned long)ids;
	if (prog < 0 || bpf_obj_get_info_by_fd(prog, &info, &len)) {
		if (prog >= 0)
			close(prog);
		return -1;
	}
	close(prog);
	for (__u32 i = 0; i < info.nr_map_ids; i++) {
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		total += memlock(fd);
		close(fd);
	}
	return total;
}

/* The lab's tables and gateway sets, as compiled (xvnet_abi.h). */
static long trie_bytes(const struct lab *l)
{
	struct fabric_image img;
	char err[256];
	long n;

	if (fabric_compile(&l->t, &l->e, NULL, 0, &img, err, sizeof(err)))
		return -1;
	n = (long)img.nlines * sizeof(*img.trie);
	fabric_image_free(&img);
	return n;
}

int main(int argc, char **argv)
{
	int nspray = argc > 1 ? atoi(argv[1]) : 50000, n500, n100k, err;
	struct prefix *p500, *p100k;
	struct lab small, mid, big;
	struct result floor, one, r500, r100k, one100k, fib100k;
	struct nic_pass *pass;
	char *routes, *space, *y;
	struct pkt *frames;

	libbpf_set_print(NULL);
	if (harness_init()) {
		fprintf(stderr, "bench-fabric-ns: needs root\n");
		return 1;
	}
	srandom(1);
	p500 = prefixes(500, 24, &n500);
	p100k = prefixes(100000, 0, &n100k);

	/* About 10 routes: the bench lab as is. */
	y = lab_yaml("", "");
	err = lab_up(&small, "bench10", y);
	free(y);
	if (err)
		return fprintf(stderr, "bench10: %s\n", strerror(-err)), 1;
	pass = nic_pass__open_and_load();
	frames = spray(&small, &(struct prefix){ 0x0a020000, 16 }, 1, nspray);
	floor = timed(&small, bpf_program__fd(pass->progs.xvnet_nic_pass), 1, frames, nspray, 1);
	one = timed(&small, small.prog, 1, frames, nspray, 0);
	free(frames);

	routes = join(p500, n500, true);
	y = lab_yaml(routes, "");
	err = lab_up(&mid, "bench500", y);
	free(y);
	free(routes);
	if (err)
		return fprintf(stderr, "bench500: %s\n", strerror(-err)), 1;
	frames = spray(&mid, p500, n500, nspray);
	r500 = timed(&mid, mid.prog, 1, frames, nspray, 1);
	free(frames);

	space = join(p100k, n100k, false);
	/* The spoke propagates the gateway's routes: its UDR table does not disable it. */
	y = lab_yaml("", space);
	err = lab_up(&big, "bench100k", y);
	free(y);
	free(space);
	if (err)
		return fprintf(stderr, "bench100k: %s\n", strerror(-err)), 1;
	frames = spray(&big, p100k, n100k, nspray);
	r100k = timed(&big, big.prog, 1, frames, nspray, 1);
	one100k = timed(&big, big.prog, 1, frames, nspray, 0);
	fib100k = fib(&big, p100k, n100k, frames, nspray);
	free(frames);

	printf("{\n  \"method\": \"BPF_PROG_TEST_RUN, repeat 1, kernel-timed, %d frames per run\",\n", nspray);
	report("floor_xdp_pass_sprayed_method", floor, (struct result){ 0 }, false);
	report("routes10_one_flow", one, floor, false);
	report("routes500_sprayed", r500, floor, false);
	report("gw100k_one_flow", one100k, floor, false);
	report("gw100k_sprayed", r100k, floor, false);
	report("kernel_fib100k_sprayed", fib100k, floor, false);
	printf("  \"ratio_fib_over_fabric_gw100k_net\": %.2f,\n",
	       (fib100k.ns - floor.ns) / (r100k.ns - floor.ns));
	printf("  \"gw100k_prefixes\": %d,\n  \"gw100k_trie_bytes\": %ld,\n"
	       "  \"map_memory_bytes\": {\"routes10\": %ld, \"routes500\": %ld, \"gw100k\": %ld}\n}\n",
	       n100k, trie_bytes(&big), map_memory(&small), map_memory(&mid),
	       map_memory(&big));
	nic_pass__destroy(pass);
	lab_down(&small);
	lab_down(&mid);
	lab_down(&big);
	return 0;
}
