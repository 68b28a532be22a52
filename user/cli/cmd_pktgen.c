// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet pktgen (driven by xvnet bench and scripts/bench-fabric.sh): send IPv4/UDP
 * frames out of a device at full speed, or measure the cost per frame of
 * the XDP program attached to a device with BPF_PROG_RUN (--test-run).
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "ipv4.h"
#include "log.h"
#include "pktgen.h"
#include "print.h"
#include "xvnet_abi.h"

static int cmd_pktgen(struct verb_opts *o);

/* The options as typed; setup() turns them into struct pktgen_args. */
struct pktgen_cli {
	const char *dev, *src, *dst, *dst_mac, *src_mac, *seconds;
	long size, cpu, repeat, port;
	bool test_run;
};

#define OWN(field) offsetof(struct pktgen_cli, field)

static const struct opt pktgen_opts[] = {
	{ .name = "dev", .type = OPT_STRING, .off = OWN(dev), .arg = "IFNAME",
	  .help = "the device to send out of (required)", .own = true },
	{ .name = "src", .type = OPT_STRING, .off = OWN(src), .arg = "IP",
	  .help = "the source address (required)", .own = true },
	{ .name = "dst", .type = OPT_STRING, .off = OWN(dst), .arg = "IP[,IP...]|FILE",
	  .help = "destination addresses, or a file of them, one a line\n(required)",
	  .complete = COMPLETE_FILE, .own = true },
	{ .name = "dst-mac", .type = OPT_STRING, .off = OWN(dst_mac), .arg = "MAC",
	  .help = "default: the fabric's MAC", .own = true },
	{ .name = "src-mac", .type = OPT_STRING, .off = OWN(src_mac), .arg = "MAC",
	  .help = "default: IFNAME's", .own = true },
	{ .name = "size", .type = OPT_INT, .off = OWN(size), .arg = "BYTES",
	  .help = "frame size (default: 64)",
	  .min = PKTGEN_MIN_LEN, .max = 1514, .own = true },
	{ .name = "seconds", .type = OPT_STRING, .off = OWN(seconds), .arg = "N",
	  .help = "how long to send (default: 5)", .own = true },
	{ .name = "port", .type = OPT_INT, .off = OWN(port), .arg = "N",
	  .help = "the UDP destination port (default: 9, discard)",
	  .min = 1, .max = 65535, .own = true },
	{ .name = "cpu", .type = OPT_INT, .off = OWN(cpu), .arg = "N",
	  .help = "the CPU to pin the sender to",
	  .min = 0, .max = CPU_SETSIZE - 1, .own = true },
	{ .name = "test-run", .type = OPT_FLAG, .off = OWN(test_run),
	  .help = "measure the attached XDP program with BPF_PROG_RUN\ninstead of sending", .own = true },
	{ .name = "repeat", .type = OPT_INT, .off = OWN(repeat), .arg = "N",
	  .help = "--test-run: frames to run (default: 2^20)",
	  .min = 1, .max = 1 << 30, .own = true },
	{ NULL },
};

static const struct pktgen_cli pktgen_defaults = { .size = 64, .cpu = -1, .repeat = 1 << 20 };

const struct verb verb_pktgen = {
	.name = "pktgen",
	.summary = "send frames at full speed, or time the fabric (benchmarks)",
	.help = "Send 64-byte (--size) IPv4/UDP frames out of IFNAME for N seconds (default 5) from\n"
		"one thread, pinned to --cpu, and print the frames sent. Several destinations, or\n"
		"a FILE of them (one address a line), are sprayed in turn. --dst-mac defaults to\n"
		"the fabric's MAC, --src-mac to IFNAME's. In a lab, run it in a VM's namespace\n"
		"(xvnet exec VM -- xvnet pktgen --dev eth0 ...); xvnet bench does, and counts\n"
		"the frames where they arrive.\n"
		"\n"
		"--test-run: instead, run the XDP program attached (natively) to IFNAME on N\n"
		"(default 2^20) such frames as if they arrived on IFNAME, with BPF_PROG_RUN, and\n"
		"print its cost per frame (the generator's own few ns included) and the verdict\n"
		"of the last frame.\n",
	.examples = (const char *const[]){
		"sudo xvnet pktgen --dev veth0 --src 10.1.1.4 --dst 10.2.1.4 --seconds 2",
		"sudo xvnet pktgen --dev xv-fab0 --src 10.1.1.4 --dst 10.2.1.4 --test-run -o json",
		NULL },
	.opts = pktgen_opts,
	.common = VERB_OUTPUT,
	.flags = VERB_ROOT,
	.own_size = sizeof(struct pktgen_cli),
	.own_defaults = &pktgen_defaults,
	.run = cmd_pktgen,
};

struct pktgen_args {
	const char *dev;
	struct pktgen_opts o;
	uint32_t *daddrs;
	double seconds;
	int cpu;
	bool test_run;
	uint32_t repeat;
	enum print_format format;
};


static bool parse_mac(const char *s, unsigned char mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &end) != ETH_ALEN)
		return false;
	for (int i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return false;
		mac[i] = b[i];
	}
	return true;
}

static int add_dst(struct pktgen_args *a, uint32_t addr, int *cap)
{
	if (a->o.n_daddrs == *cap) {
		uint32_t *d = realloc(a->daddrs, (*cap = *cap ? 2 * *cap : 64) * sizeof(*d));

		if (!d)
			return EXIT_FAIL;
		a->daddrs = d;
	}
	a->daddrs[a->o.n_daddrs++] = addr;
	return 0;
}

/* --dst: addresses separated by commas, or a file of them (one a line, # comments). */
static int parse_dsts(struct pktgen_args *a, const char *arg)
{
	char buf[128], *list, *tok, *save = NULL;
	int cap = 0, lineno = 0, rc = 0;
	uint32_t addr;
	FILE *f;

	a->o.n_daddrs = 0;
	f = fopen(arg, "r");
	if (!f) {
		list = strdup(arg);
		if (!list)
			return EXIT_FAIL;
		for (tok = strtok_r(list, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save))
			rc = !ipv4_parse(tok, &addr) ?
			     verb_usage_error(&verb_pktgen, "--dst: neither IPv4 addresses nor "
					      "a readable file: %s", arg) :
			     add_dst(a, addr, &cap);
		free(list);
		if (!rc && !a->o.n_daddrs)
			rc = verb_usage_error(&verb_pktgen, "--dst: no address in '%s'", arg);
		return rc;
	}
	while (fgets(buf, sizeof(buf), f)) {
		lineno++;
		tok = buf + strspn(buf, " \t");
		tok[strcspn(tok, " \t#\r\n")] = '\0';
		if (!*tok)
			continue;
		if (!ipv4_parse(tok, &addr)) {
			pr_err("xvnet pktgen: %s:%d: not an IPv4 address: %s\n", arg, lineno, tok);
			fclose(f);
			return EXIT_USAGE;
		}
		if (add_dst(a, addr, &cap)) {
			fclose(f);
			return EXIT_FAIL;
		}
	}
	fclose(f);
	return a->o.n_daddrs ? 0 : verb_usage_error(&verb_pktgen, "--dst: no address in %s", arg);
}

/* The options o into a: 0, or EXIT_USAGE with the reason printed. */
static int setup(struct pktgen_args *a, const struct verb_opts *o)
{
	static const unsigned char fabric_mac[ETH_ALEN] = XV_FABRIC_MAC;
	const struct pktgen_cli *c = o->own;
	char *end;
	int rc;

	*a = (struct pktgen_args){ .seconds = 5, .cpu = (int)c->cpu, .repeat = (uint32_t)c->repeat,
				   .test_run = c->test_run, .format = o->format,
				   .o = { .len = (int)c->size, .dport = (uint16_t)c->port } };
	memcpy(a->o.dmac, fabric_mac, ETH_ALEN);
	if (!c->dev || !c->src || !c->dst)
		return verb_usage_error(&verb_pktgen, "--dev, --src and --dst are required");
	a->dev = c->dev;
	if (!ipv4_parse(c->src, &a->o.saddr))
		return verb_usage_error(&verb_pktgen, "--src: not an IPv4 address: %s", c->src);
	rc = parse_dsts(a, c->dst);
	if (rc)
		return rc;
	if (c->dst_mac && !parse_mac(c->dst_mac, a->o.dmac))
		return verb_usage_error(&verb_pktgen, "--dst-mac: not a MAC address: %s", c->dst_mac);
	if (c->src_mac && !parse_mac(c->src_mac, a->o.smac))
		return verb_usage_error(&verb_pktgen, "--src-mac: not a MAC address: %s", c->src_mac);
	if (c->seconds) {
		a->seconds = strtod(c->seconds, &end);
		if (end == c->seconds || *end || !(a->seconds > 0 && a->seconds <= 3600))
			return verb_usage_error(&verb_pktgen, "--seconds: more than 0, at most 3600: %s",
						c->seconds);
	}
	a->o.ifindex = if_nametoindex(a->dev);
	if (!a->o.ifindex)
		return verb_usage_error(&verb_pktgen, "--dev: no such interface here: %s", a->dev);
	if (!c->src_mac && pktgen_dev_mac(a->dev, a->o.smac))
		return verb_usage_error(&verb_pktgen, "--dev: cannot read the MAC of %s", a->dev);
	a->o.daddrs = a->daddrs;
	a->o.chained = a->test_run;
	return 0;
}

static const char *xdp_action_name(uint32_t act)
{
	static const char *const names[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS",
					     "XDP_TX", "XDP_REDIRECT" };

	return act < sizeof(names) / sizeof(names[0]) ? names[act] : "unknown";
}

/* The program natively attached to the device under test. */
static int attached_prog(const struct pktgen_args *a)
{
	__u32 id = 0;
	int fd;

	if (bpf_xdp_query_id(a->o.ifindex, XDP_FLAGS_DRV_MODE, &id) || !id) {
		pr_err("xvnet pktgen: no native XDP program on %s\n", a->dev);
		return -ENOENT;
	}
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		pr_err("xvnet pktgen: cannot open XDP program %u: %s\n", id, strerror(errno));
	return fd;
}

static int test_run(struct pktgen_ctx *g, const struct pktgen_args *a)
{
	uint32_t ns, verdict;
	int fd, err;

	fd = attached_prog(a);
	if (fd < 0)
		return EXIT_FAIL;
	err = pktgen_test_run(g, fd, a->o.ifindex, a->repeat, &ns, &verdict);
	close(fd);
	if (err)
		return EXIT_FAIL;
	print_start(a->format);
	print_uint(PRINT_ANY, "frames", "%lu frames", a->repeat);
	print_uint(PRINT_ANY, "destinations", " to %lu destinations", a->o.n_daddrs);
	print_uint(PRINT_ANY, "ns_per_frame", ": %lu ns per frame", ns);
	print_string(PRINT_ANY, "verdict", ", last verdict %s\n", xdp_action_name(verdict));
	return print_end() ? EXIT_FAIL : EXIT_OK;
}

static int live(struct pktgen_ctx *g, const struct pktgen_args *a)
{
	uint64_t frames;
	double elapsed;

	if (pktgen_live(g, a->seconds, &frames, &elapsed))
		return EXIT_FAIL;
	print_start(a->format);
	print_uint(PRINT_ANY, "frames", "%lu frames", frames);
	print_double(PRINT_ANY, "seconds", " in %.3f s", elapsed);
	print_double(PRINT_ANY, "pps", ": %.0f frames/s\n", frames / elapsed);
	return print_end() ? EXIT_FAIL : EXIT_OK;
}

static int cmd_pktgen(struct verb_opts *o)
{
	struct pktgen_ctx *g = NULL;
	struct pktgen_args a;
	int rc;

	rc = setup(&a, o);
	if (rc)
		goto out;
	if (a.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(a.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			pr_err("xvnet pktgen: cannot pin to CPU %d: %s\n", a.cpu, strerror(errno));
			rc = EXIT_USAGE;
			goto out;
		}
	}
	rc = EXIT_FAIL;
	if (pktgen_open(&g, &a.o))
		goto out;
	rc = a.test_run ? test_run(g, &a) : live(g, &a);
out:
	pktgen_close(g);
	free(a.daddrs);
	return rc;
}
