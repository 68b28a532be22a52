// SPDX-License-Identifier: GPL-2.0
/* Shared scaffolding of the offline verbs: see verb.h. */
#include "verb.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "print.h"
#include "topo.h"

enum { OPT_PORT = 256, OPT_STATS, OPT_MAX_INPUT, OPT_ROUND_TRIP };

static const struct option long_opts[] = {
	{ "topology", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ "protocol", required_argument, NULL, 'p' },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "max-input", required_argument, NULL, OPT_MAX_INPUT },
	{ "round-trip", no_argument, NULL, OPT_ROUND_TRIP },
	{ NULL, 0, NULL, 0 },
};

static void usage_line(const struct verb *v, FILE *f)
{
	fprintf(f, "Usage: xvnet %s %s\n", v->name, v->synopsis);
}

static int usage_error(const struct verb *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(const struct verb *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xvnet %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage_line(v, stderr);
	fprintf(stderr, "Try 'xvnet %s --help'.\n", v->name);
	return EXIT_USAGE;
}

static int help(const struct verb *v)
{
	usage_line(v, stdout);
	printf("\n%s\nOptions:\n"
	       "  -t, --topology FILE  the topology file (default: $XVNET_TOPOLOGY; - reads stdin)\n"
	       "  -j, --json           print JSON instead of a table\n"
	       "      --max-input N    refuse a topology file over N bytes (K, M, G: KiB,\n"
	       "                       MiB, GiB; default: 64M)\n"
	       "  -h, --help           print this help\n",
	       v->help);
	if (v->opts & VERB_OPT_FLOW)
		printf("  -p, --protocol P     tcp, udp or icmp (default: icmp; tcp when --port is given)\n"
		       "      --port N         destination port of a tcp or udp flow\n");
	if (v->opts & VERB_OPT_STATS)
		printf("      --stats          also time load, validation and route computation\n");
	if (v->opts & VERB_OPT_ROUND_TRIP)
		printf("      --round-trip     also route the reply, from where the request arrived\n");
	return EXIT_OK;
}

static bool parse_proto(const char *s, enum fw_proto *p)
{
	static const struct {
		const char *name;
		enum fw_proto proto;
	} protos[] = { { "tcp", FW_TCP }, { "udp", FW_UDP }, { "icmp", FW_ICMP } };

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (!strcasecmp(s, protos[i].name)) {
			*p = protos[i].proto;
			return true;
		}
	return false;
}

static bool parse_port(const char *s, int *port)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*s || *end || n < 1 || n > 65535)
		return false;
	*port = (int)n;
	return true;
}

/* "64M": bytes, with an optional K, M or G (binary) suffix; 0 < n <= 1T. */
static bool parse_size(const char *s, size_t *bytes)
{
	unsigned long long n, shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end && end[1])
		return false;
	switch (*end) {
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10; /* fall through */
	case '\0': break;
	default: return false;
	}
	if (errno || !n || n > (1ull << 40) >> shift)
		return false;
	*bytes = (size_t)(n << shift);
	return true;
}

/* Reject an option the verb does not take, as getopt would. */
static bool allowed(const struct verb *v, int c)
{
	switch (c) {
	case 'p':
	case OPT_PORT:
		return v->opts & VERB_OPT_FLOW;
	case OPT_STATS:
		return v->opts & VERB_OPT_STATS;
	case OPT_ROUND_TRIP:
		return v->opts & VERB_OPT_ROUND_TRIP;
	default:
		return true;
	}
}

/* The long name of option c, for messages. */
static const char *opt_name(int c)
{
	for (const struct option *lo = long_opts; lo->name; lo++)
		if (lo->val == c)
			return lo->name;
	return "?";
}

static int parse_one(struct session *s, int c, const char *bad)
{
	const struct verb *v = s->verb;
	struct verb_opts *o = &s->o;

	if (!allowed(v, c))
		return usage_error(v, "unknown option '--%s'", opt_name(c));
	switch (c) {
	case 't':
		o->topology = optarg;
		break;
	case 'j':
		o->json = true;
		break;
	case 'h':
		return help(v);
	case 'p':
		if (!parse_proto(optarg, &o->proto))
			return usage_error(v, "bad protocol '%s': use tcp, udp or icmp", optarg);
		break;
	case OPT_PORT:
		if (!parse_port(optarg, &o->port))
			return usage_error(v, "bad port '%s': use 1-65535", optarg);
		break;
	case OPT_STATS:
		o->stats = true;
		break;
	case OPT_ROUND_TRIP:
		o->round_trip = true;
		break;
	case OPT_MAX_INPUT:
		if (!parse_size(optarg, &o->max_input))
			return usage_error(v, "bad --max-input '%s': use a byte count like 1048576, 512K, 64M or 1G",
					   optarg);
		topo_set_max_input(o->max_input);
		break;
	case ':':
		return usage_error(v, "option '%s' needs a value", bad);
	default:
		return usage_error(v, "unknown option '%s'", bad);
	}
	return SESSION_READY;
}

/* A port implies tcp unless -p said otherwise; icmp has no port. */
static int settle_flow(struct session *s)
{
	struct verb_opts *o = &s->o;

	if (o->proto == FW_ANY)
		o->proto = o->port >= 0 ? FW_TCP : FW_ICMP;
	if (o->proto == FW_ICMP && o->port >= 0)
		return usage_error(s->verb, "--port needs -p tcp or -p udp");
	return SESSION_READY;
}

int session_parse(struct session *s, const struct verb *v, int argc, char **argv)
{
	int c, rc;

	s->verb = v;
	s->o = (struct verb_opts){ .proto = FW_ANY, .port = -1 };
	optind = 0; /* glibc: restart scanning */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:jhp:", long_opts, NULL)) != -1) {
		/* The offending word: an unknown short letter, or the whole word. */
		char shortopt[3] = { '-', (char)optopt, '\0' };

		rc = parse_one(s, c, c == '?' && optopt ? shortopt : argv[optind - 1]);
		if (rc != SESSION_READY)
			return rc;
	}
	if (argc - optind < v->nargs)
		return usage_error(v, "missing argument");
	if (argc - optind > v->nargs)
		return usage_error(v, "unexpected argument '%s'", argv[optind + v->nargs]);
	s->o.args = argv + optind;
	if (!s->o.topology)
		s->o.topology = getenv("XVNET_TOPOLOGY");
	if (!s->o.topology || !*s->o.topology)
		return usage_error(v, "no topology: give -t FILE or set XVNET_TOPOLOGY");
	return v->opts & VERB_OPT_FLOW ? settle_flow(s) : SESSION_READY;
}

int verb_diagnostics(struct diags *d)
{
	for (int i = 0; i < d->n; i++)
		fprintf(stderr, "%s\n", d->lines[i]);
	diags_free(d);
	return EXIT_USAGE;
}

int session_load(struct session *s)
{
	struct diags d = { 0 };

	if (topo_load(s->o.topology, &s->topo, &d))
		return verb_diagnostics(&d);
	diags_free(&d);
	s->loaded = true;
	return SESSION_READY;
}

int session_build(struct session *s)
{
	if (engine_build(&s->eng, &s->topo)) {
		fprintf(stderr, "xvnet %s: out of memory computing routes\n", s->verb->name);
		return EXIT_FAIL;
	}
	s->built = true;
	return SESSION_READY;
}

int session_open(struct session *s, const struct verb *v, int argc, char **argv)
{
	int rc = session_parse(s, v, argc, argv);

	if (rc == SESSION_READY)
		rc = session_load(s);
	if (rc == SESSION_READY)
		rc = session_build(s);
	return rc;
}

void session_close(struct session *s)
{
	if (s->built)
		engine_free(&s->eng);
	if (s->loaded)
		topo_free(&s->topo);
	s->built = s->loaded = false;
}

int verb_bad_input(const struct session *s, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xvnet %s: ", s->verb->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int verb_subnet(const struct session *s, const char *target, int *subnet, int *vm)
{
	const struct topology *t = &s->topo;

	*vm = -1;
	*subnet = topo_find_subnet(t, target);
	if (*subnet >= 0)
		return 0;
	*vm = topo_find_vm(t, target);
	if (*vm >= 0) {
		*subnet = t->vms[*vm].subnet;
		return 0;
	}
	return verb_bad_input(s, "'%s' is neither a subnet (VNET/SUBNET) nor a VM of %s",
			      diag_value(target), s->o.topology);
}

int verb_ipv4(const struct session *s, const char *arg, uint32_t *addr)
{
	if (ipv4_parse(arg, addr))
		return 0;
	return verb_bad_input(s, "'%s' is not an IPv4 address (a.b.c.d, no leading zeros)",
			      diag_value(arg));
}

const char *verb_source_name(enum route_source src)
{
	switch (src) {
	case SRC_USER:
		return "User";
	case SRC_GATEWAY:
		return "VirtualNetworkGateway";
	default:
		return "Default";
	}
}

enum next_hop_type verb_next_hop_type(const struct eff_route *r)
{
	return r->vnet_local_as_none ? NH_NONE : r->type;
}

const char *verb_next_hop_ip(const struct eff_route *r, char buf[IPV4_STRLEN])
{
	if (!r->next_hop_ip || (r->type != NH_APPLIANCE && r->type != NH_GATEWAY))
		return NULL;
	return ipv4_str(r->next_hop_ip, buf);
}

int verb_print_end(int rc)
{
	if (print_end()) {
		perror("xvnet: stdout");
		return EXIT_FAIL;
	}
	return rc;
}
