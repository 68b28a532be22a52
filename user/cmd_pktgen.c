// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet pktgen (driven by xvnet bench and scripts/bench-fabric.sh): send IPv4/UDP
 * frames out of a device at full speed, or measure the cost per frame of
 * the XDP program attached to a device with BPF_PROG_RUN (--test-run).
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include <errno.h>
#include <getopt.h>
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
#include "pktgen.h"
#include "print.h"
#include "xvnet_abi.h"

static const char usage_text[] =
	"Usage: xvnet pktgen --dev IFNAME --src IP --dst IP[,IP...]|FILE [--dst-mac MAC] [--src-mac MAC]\n"
	"                    [--port N] [--size BYTES] [--seconds N] [--cpu N] [--test-run [--repeat N]] [-j]\n"
	"\n"
	"Send 64-byte (--size) IPv4/UDP frames out of IFNAME for N seconds (default 5) from\n"
	"one thread, pinned to --cpu, and print the frames sent. Several destinations, or\n"
	"a FILE of them (one address a line), are sprayed in turn. --dst-mac defaults to\n"
	"the fabric's MAC, --src-mac to IFNAME's; --port (UDP destination) to 9.\n"
	"Run it in a lab node's namespace: xvnet exec NODE -- xvnet pktgen ...\n"
	"\n"
	"--test-run: instead, run the XDP program attached (natively) to IFNAME on N\n"
	"(default 2^20) such frames as if they arrived on IFNAME, with BPF_PROG_RUN, and\n"
	"print its cost per frame (the generator's own few ns included) and the verdict\n"
	"of the last frame.\n";

enum { OPT_DEV = 256, OPT_SRC, OPT_DST, OPT_DST_MAC, OPT_SRC_MAC, OPT_SIZE,
       OPT_SECONDS, OPT_CPU, OPT_TEST_RUN, OPT_REPEAT, OPT_PORT };

static const struct option long_opts[] = {
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "test-run", no_argument, NULL, OPT_TEST_RUN },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct pktgen_args {
	const char *dev;
	struct pktgen_opts o;
	uint32_t *daddrs;
	double seconds;
	int cpu;
	bool test_run;
	uint32_t repeat;
	bool json;
};

#define ARGS_READY (-1) /* parse_args(): go on; any other value is the exit code */

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "xvnet pktgen: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'xvnet pktgen --help'.\n");
	return EXIT_USAGE;
}

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

static bool parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && end != s && !*end && *s != '-' && *v <= max;
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
			     bad("--dst: neither IPv4 addresses nor a readable file: %s", arg) :
			     add_dst(a, addr, &cap);
		free(list);
		if (!rc && !a->o.n_daddrs)
			rc = bad("--dst: no address in '%s'", arg);
		return rc;
	}
	while (fgets(buf, sizeof(buf), f)) {
		lineno++;
		tok = buf + strspn(buf, " \t");
		tok[strcspn(tok, " \t#\r\n")] = '\0';
		if (!*tok)
			continue;
		if (!ipv4_parse(tok, &addr)) {
			fprintf(stderr, "xvnet pktgen: %s:%d: not an IPv4 address: %s\n", arg, lineno, tok);
			fclose(f);
			return EXIT_USAGE;
		}
		if (add_dst(a, addr, &cap)) {
			fclose(f);
			return EXIT_FAIL;
		}
	}
	fclose(f);
	return a->o.n_daddrs ? 0 : bad("--dst: no address in %s", arg);
}

static int parse_args(struct pktgen_args *a, int argc, char **argv)
{
	static const unsigned char fabric_mac[ETH_ALEN] = XV_FABRIC_MAC;
	bool have_src = false, have_smac = false;
	unsigned long v;
	int c, rc;

	*a = (struct pktgen_args){ .seconds = 5, .cpu = -1, .repeat = 1 << 20,
				   .o = { .len = 64 } };
	memcpy(a->o.dmac, fabric_mac, ETH_ALEN);
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DEV:
			a->dev = optarg;
			break;
		case OPT_SRC:
			if (!ipv4_parse(optarg, &a->o.saddr))
				return bad("--src: not an IPv4 address: %s", optarg);
			have_src = true;
			break;
		case OPT_DST:
			rc = parse_dsts(a, optarg);
			if (rc)
				return rc;
			break;
		case OPT_DST_MAC:
		case OPT_SRC_MAC:
			if (!parse_mac(optarg, c == OPT_DST_MAC ? a->o.dmac : a->o.smac))
				return bad("not a MAC address: %s", optarg);
			have_smac |= c == OPT_SRC_MAC;
			break;
		case OPT_SIZE:
			if (!parse_uint(optarg, 1514, &v) || v < PKTGEN_MIN_LEN)
				return bad("--size: 48 to 1514 bytes: %s", optarg);
			a->o.len = v;
			break;
		case OPT_SECONDS: {
			char *end;

			a->seconds = strtod(optarg, &end);
			if (end == optarg || *end || !(a->seconds > 0 && a->seconds <= 3600))
				return bad("--seconds: more than 0, at most 3600: %s", optarg);
			break;
		}
		case OPT_CPU:
			if (!parse_uint(optarg, CPU_SETSIZE - 1, &v))
				return bad("--cpu: not a CPU number: %s", optarg);
			a->cpu = v;
			break;
		case OPT_TEST_RUN:
			a->test_run = true;
			break;
		case OPT_REPEAT:
			if (!parse_uint(optarg, 1u << 30, &v) || !v)
				return bad("--repeat: 1 to 2^30: %s", optarg);
			a->repeat = v;
			break;
		case OPT_PORT:
			if (!parse_uint(optarg, 65535, &v) || !v)
				return bad("--port: 1 to 65535: %s", optarg);
			a->o.dport = (uint16_t)v;
			break;
		case 'j':
			a->json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_OK;
		default: /* getopt said what was wrong */
			fputs("Try 'xvnet pktgen --help'.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return bad("unexpected argument: %s", argv[optind]);
	if (!a->dev || !have_src || !a->o.n_daddrs)
		return bad("%s", "--dev, --src and --dst are required");
	a->o.ifindex = if_nametoindex(a->dev);
	if (!a->o.ifindex)
		return bad("--dev: no such interface here: %s", a->dev);
	if (!have_smac && pktgen_dev_mac(a->dev, a->o.smac))
		return bad("--dev: cannot read the MAC of %s", a->dev);
	a->o.daddrs = a->daddrs;
	a->o.chained = a->test_run;
	return ARGS_READY;
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
		fprintf(stderr, "xvnet pktgen: no native XDP program on %s\n", a->dev);
		return -ENOENT;
	}
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		fprintf(stderr, "xvnet pktgen: cannot open XDP program %u: %s\n", id, strerror(errno));
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
	print_start(a->json);
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
	print_start(a->json);
	print_uint(PRINT_ANY, "frames", "%lu frames", frames);
	print_double(PRINT_ANY, "seconds", " in %.3f s", elapsed);
	print_double(PRINT_ANY, "pps", ": %.0f frames/s\n", frames / elapsed);
	return print_end() ? EXIT_FAIL : EXIT_OK;
}

int cmd_pktgen(int argc, char **argv)
{
	struct pktgen_ctx *g = NULL;
	struct pktgen_args a;
	int rc;

	rc = parse_args(&a, argc, argv);
	if (rc != ARGS_READY)
		goto out;
	if (a.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(a.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "xvnet pktgen: cannot pin to CPU %d: %s\n", a.cpu, strerror(errno));
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
