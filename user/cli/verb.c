// SPDX-License-Identifier: GPL-2.0
/*
 * The option layer of every verb (see verb.h): parsing the command line
 * against the verbs' option tables, the help, usage errors with "did you
 * mean", and the offline verbs' sessions. Pure but for printing and
 * reading the topology.
 */
#define _GNU_SOURCE /* asprintf */
#include "verb.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "log.h"
#include "print.h"
#include "roundtrip.h"
#include "state.h"
#include "topo.h"
#include "topo_yaml.h"

#define OFF(field) offsetof(struct verb_opts, field)

/* By enum fw_proto; FW_ANY has no name to type. */
const char *const verb_protocols[] = { "", "tcp", "udp", "icmp", NULL };
static const char *const formats[] = { "table", "json", "jsonc", "tsv", "yaml", NULL };

/* The common options, in the order help shows them, after the verb's own. */
static const struct opt topology_opts[] = {
	{ .name = "topology", .letter = 't', .type = OPT_STRING, .off = OFF(topology), .arg = "FILE",
	  .help = "the topology file (- reads stdin; default: $XVNET_TOPOLOGY)",
	  .complete = COMPLETE_FILE },
	{ .name = "max-input", .type = OPT_SIZE, .off = OFF(max_input), .arg = "N",
	  .help = "refuse a topology file over N bytes (K, M, G: KiB,\nMiB, GiB; default: 64M)" },
	{ NULL },
};

static const struct opt lab_opts[] = {
	{ .name = "lab", .type = OPT_LAB, .off = OFF(lab), .arg = "NAME",
	  .help = "the running lab (default: the one named by -t FILE,\nelse the only lab running)",
	  .complete = COMPLETE_LAB },
	{ NULL },
};

static const struct opt output_opts[] = {
	{ .name = "output", .letter = 'o', .type = OPT_FORMAT, .off = OFF(format), .arg = "FORMAT",
	  .help = "table (default), json, jsonc (coloured on a terminal),\ntsv or yaml",
	  .choices = formats, .complete = COMPLETE_CHOICE },
	{ .name = "json", .letter = 'j', .type = OPT_SET, .off = OFF(format),
	  .help = "the same as -o json", .min = FORMAT_JSON },
	{ NULL },
};

static const struct opt help_opts[] = {
	{ .name = "help", .letter = 'h', .type = OPT_FLAG, .help = "print this help" },
	{ NULL },
};

/* Every option table v takes, own first, help last; NULL-terminated. */
void verb_opt_tables(const struct verb *v, const struct opt *t[6])
{
	int n = 0;

	if (v->opts)
		t[n++] = v->opts;
	if (v->common & VERB_TOPOLOGY)
		t[n++] = topology_opts;
	if (v->common & VERB_LAB)
		t[n++] = lab_opts;
	if (v->common & VERB_OUTPUT)
		t[n++] = output_opts;
	t[n++] = help_opts;
	t[n] = NULL;
}

const char *verb_did_you_mean(char *buf, size_t len, const char *word,
			      const void *names, size_t stride, int n)
{
	return tp_hint(buf, len, tp_nearest(word, names, stride, n), "");
}

/* Operand i's name, from the usage words: "NODE [--] CMD [ARG...]" -> CMD for 1. */
static const char *operand_name(const struct verb *v, int i, char *buf, size_t len)
{
	const char *p = v->operands ? v->operands : "";

	for (;;) {
		size_t n;

		p += strspn(p, " [");
		n = strcspn(p, " [].");
		if (!n)
			return "argument";
		if (strncmp(p, "--", n) && !i--) {
			snprintf(buf, len, "%.*s", (int)n, p);
			return buf;
		}
		p += n;
		p += strspn(p, "].");
	}
}

static void usage_line(const struct verb *v, FILE *f)
{
	fprintf(f, "Usage: xvnet %s [OPTIONS]%s%s\n", v->name, v->operands ? " " : "",
		v->operands ? v->operands : "");
}

/* "xvnet VERB: MESSAGE" as an error. */
static void verb_verror(const struct verb *v, const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);

	pr_err("xvnet %s: %s\n", v->name, msg);
	free(msg);
}

int verb_usage_error(const struct verb *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verb_verror(v, fmt, ap);
	va_end(ap);
	usage_line(v, stderr);
	pr_err("Try 'xvnet %s --help'.\n", v->name);
	return EXIT_USAGE;
}

int verb_bad_arg(const struct verb *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verb_verror(v, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

/* "  -t, --topology FILE" */
static int opt_label(const struct opt *op, char *buf, size_t len)
{
	char letter[5] = "    ";

	if (op->letter)
		snprintf(letter, sizeof(letter), "-%c, ", op->letter);
	return snprintf(buf, len, "  %s--%s%s%s", letter, op->name, op->arg ? " " : "",
			op->arg ? op->arg : "");
}

#define HELP_COLUMN 24

/* Lines of text, each indented by indent (the first too when first). */
static void indented(FILE *f, const char *text, int indent, bool first)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");

		fprintf(f, "%*s%.*s\n", first ? indent : 0, "", (int)n, p);
		first = true;
		p += n + (p[n] == '\n');
	}
}

static void help_opt(const struct opt *op, FILE *f)
{
	char label[64];
	int n = opt_label(op, label, sizeof(label));

	if (n < HELP_COLUMN - 1)
		fprintf(f, "%-*s", HELP_COLUMN, label);
	else
		fprintf(f, "%s\n%*s", label, HELP_COLUMN, "");
	indented(f, op->help, HELP_COLUMN, false);
}

void verb_help(const struct verb *v, FILE *f)
{
	const struct opt *tables[6];

	usage_line(v, f);
	fprintf(f, "\n%s\nOptions:\n", v->help);
	verb_opt_tables(v, tables);
	for (int t = 0; tables[t]; t++)
		for (const struct opt *op = tables[t]; op->name; op++)
			help_opt(op, f);
	if (v->examples && v->examples[0]) {
		fprintf(f, "\nExamples:\n");
		for (int i = 0; v->examples[i]; i++)
			fprintf(f, "  %s\n", v->examples[i]);
	}
}

/* The option named name (long) or letter (short) among v's tables. */
const struct opt *verb_opt_find(const struct verb *v, const char *name, size_t len,
				char letter)
{
	const struct opt *tables[6];

	verb_opt_tables(v, tables);
	for (int t = 0; tables[t]; t++)
		for (const struct opt *op = tables[t]; op->name; op++)
			if (name ? strlen(op->name) == len && !strncmp(op->name, name, len) :
				   op->letter == letter)
				return op;
	return NULL;
}

/* "unknown option '--jsno'; did you mean '--json'?" */
static int unknown_long(const struct verb *v, const char *word)
{
	const struct opt *tables[6];
	const char *best = NULL;
	char name[64];
	size_t len = strcspn(word + 2, "=");

	snprintf(name, sizeof(name), "%.*s", (int)len, word + 2);
	verb_opt_tables(v, tables);
	for (int t = 0; tables[t] && !best; t++)
		best = tp_nearest(name, tables[t], sizeof(struct opt), -1);
	if (best)
		return verb_usage_error(v, "unknown option '%.*s'; did you mean '--%s'?",
					(int)(len + 2), word, best);
	return verb_usage_error(v, "unknown option '%.*s'", (int)(len + 2), word);
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

static bool parse_int(const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return *s && !*end && !errno && *v >= min && *v <= max;
}

static int parse_choice(const char *const *choices, const char *s)
{
	for (int i = 0; choices[i]; i++)
		if (*choices[i] && !strcasecmp(s, choices[i]))
			return i;
	return -1;
}

/* "tcp, udp or icmp" (an empty choice is not one to type) */
static const char *choice_list(const char *const *choices, char *buf, size_t len)
{
	size_t n = 0;
	int k = 0;

	buf[0] = '\0';
	for (int i = 0; choices[i] && n < len; i++) {
		if (!*choices[i])
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
				      !k++ ? "" : choices[i + 1] ? ", " : " or ", choices[i]);
	}
	return buf;
}

/* The value val of option op into o. */
static enum parse_result set_value(const struct verb *v, const struct opt *op,
				   const char *val, struct verb_opts *o)
{
	char *field = (char *)(op->own ? o->own : (void *)o) + op->off;
	char list[128], hint[128];
	long n;
	int i;

	switch (op->type) {
	case OPT_FLAG:
		*(bool *)field = true;
		return PARSE_RUN;
	case OPT_SET:
		*(int *)field = (int)op->min;
		return PARSE_RUN;
	case OPT_STRING:
		*(const char **)field = val;
		return PARSE_RUN;
	case OPT_LAB:
		if (!valid_lab_name(val)) {
			verb_usage_error(v, "invalid lab name '%s'; a lab name is a lowercase letter then up to 11 lowercase letters, digits or '-'",
					 diag_value(val));
			return PARSE_BAD;
		}
		*(const char **)field = val;
		return PARSE_RUN;
	case OPT_INT:
		if (!parse_int(val, op->min, op->max, &n)) {
			verb_usage_error(v, "bad --%s '%s': use %ld-%ld", op->name, diag_value(val),
					 op->min, op->max);
			return PARSE_BAD;
		}
		*(long *)field = n;
		return PARSE_RUN;
	case OPT_SIZE:
		if (!parse_size(val, (size_t *)field)) {
			verb_usage_error(v, "bad --%s '%s': use a byte count like 1048576, 512K, 64M or 1G",
					 op->name, diag_value(val));
			return PARSE_BAD;
		}
		return PARSE_RUN;
	case OPT_CHOICE:
	case OPT_FORMAT:
		i = parse_choice(op->choices, val);
		if (i < 0) {
			verb_did_you_mean(hint, sizeof(hint), val, op->choices, sizeof(char *), -1);
			verb_usage_error(v, "bad --%s '%s': use %s%s", op->name, diag_value(val),
					 choice_list(op->choices, list, sizeof(list)), hint);
			return PARSE_BAD;
		}
		*(int *)field = i;
		return PARSE_RUN;
	}
	return PARSE_BAD;
}

/*
 * One option word at argv[*i]: "--name", "--name=value", "--name value",
 * "-x", "-xvalue", "-x value", "-jx" (flags cluster). Moves *i past the
 * value it takes.
 */
static enum parse_result parse_option(const struct verb *v, int argc, char **argv, int *i,
				      struct verb_opts *o)
{
	const char *w = argv[*i], *val = NULL;
	const struct opt *op;
	char word[64];
	enum parse_result r;

	if (w[1] == '-') {
		size_t len = strcspn(w + 2, "=");

		op = verb_opt_find(v, w + 2, len, 0);
		if (!op)
		{
			unknown_long(v, w);
			return PARSE_BAD;
		}
		snprintf(word, sizeof(word), "--%s", op->name);
		if (w[2 + len] == '=') {
			if (!op->arg) {
				verb_usage_error(v, "option '%s' takes no value", word);
				return PARSE_BAD;
			}
			val = w + 3 + len;
		}
		if (op == help_opts) {
			verb_help(v, stdout);
			return PARSE_HELP;
		}
		if (op->arg && !val) {
			if (*i + 1 >= argc) {
				verb_usage_error(v, "option '%s' needs %s", word, op->arg);
				return PARSE_BAD;
			}
			val = argv[++*i];
		}
		return set_value(v, op, val, o);
	}
	for (const char *p = w + 1; *p; p++) {
		op = verb_opt_find(v, NULL, 0, *p);
		if (!op) {
			verb_usage_error(v, "unknown option '-%c'", *p);
			return PARSE_BAD;
		}
		if (op == help_opts) {
			verb_help(v, stdout);
			return PARSE_HELP;
		}
		snprintf(word, sizeof(word), "-%c", *p);
		if (!op->arg) {
			r = set_value(v, op, NULL, o);
			if (r != PARSE_RUN)
				return r;
			continue;
		}
		if (p[1])
			val = p + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else {
			verb_usage_error(v, "option '%s' needs %s", word, op->arg);
			return PARSE_BAD;
		}
		return set_value(v, op, val, o);
	}
	return PARSE_RUN;
}

static enum parse_result check_operands(const struct verb *v, const struct verb_opts *o)
{
	char name[64];

	if (o->nargs < v->nmin) {
		verb_usage_error(v, "missing %s", operand_name(v, o->nargs, name, sizeof(name)));
		return PARSE_BAD;
	}
	if (v->nmax >= 0 && o->nargs > v->nmax) {
		verb_usage_error(v, "unexpected argument '%s'", diag_value(o->args[v->nmax]));
		return PARSE_BAD;
	}
	return PARSE_RUN;
}

enum parse_result verb_parse(const struct verb *v, int argc, char **argv,
			     struct verb_opts *o)
{
	enum parse_result r = PARSE_RUN;
	bool rest = false;

	*o = (struct verb_opts){ .verb = v };
	o->args = xcalloc((size_t)argc + 1, sizeof(*o->args));
	if (v->own_size)
		o->own = xcalloc(1, v->own_size);
	if (v->own_defaults)
		memcpy(o->own, v->own_defaults, v->own_size);
	for (int i = 1; i < argc && r == PARSE_RUN; i++) {
		const char *w = argv[i];

		if (!rest && !strcmp(w, "--")) {
			rest = true;
		} else if (rest || w[0] != '-' || !w[1]) {
			o->args[o->nargs++] = argv[i];
			/* exec NODE [--] CMD...: the command keeps its options */
			if ((v->flags & VERB_REST) && o->nargs == v->nfixed && !rest) {
				rest = true;
				i += i + 1 < argc && !strcmp(argv[i + 1], "--");
			}
		} else {
			r = parse_option(v, argc, argv, &i, o);
		}
	}
	if (r == PARSE_RUN)
		r = check_operands(v, o);
	if (r == PARSE_RUN && o->max_input)
		topo_set_max_input(o->max_input);
	return r;
}

void verb_opts_free(struct verb_opts *o)
{
	free(o->args);
	free(o->own);
	o->args = NULL;
	o->own = NULL;
}

/* A port implies tcp unless -p said otherwise; icmp has no port. */
static int settle_flow(struct session *s)
{
	struct verb_opts *o = &s->o;

	if (o->proto == FW_ANY)
		o->proto = o->port ? FW_TCP : FW_ICMP;
	if (o->proto == FW_ICMP && o->port)
		return verb_usage_error(s->verb, "--port needs -p tcp or -p udp");
	return 0;
}

int verb_diagnostics(struct diags *d)
{
	for (int i = 0; i < d->n; i++)
		pr_err("%s\n", d->lines[i]);
	diags_free(d);
	return EXIT_USAGE;
}

int session_topology(struct session *s)
{
	struct verb_opts *o = &s->o;
	char *file;

	if (!o->topology && o->lab) {
		file = state_topology(o->lab);
		if (!file) {
			pr_err("xvnet %s: lab '%s' is not running (or its topology file is gone): give -t FILE\n",
			       s->verb->name, o->lab);
			return EXIT_USAGE;
		}
		s->lab_file = file;
		o->topology = file;
	}
	if (!o->topology)
		o->topology = getenv("XVNET_TOPOLOGY");
	if (!o->topology || !*o->topology)
		return verb_usage_error(s->verb, "no topology: give -t FILE%s or set XVNET_TOPOLOGY",
					s->verb->common & VERB_LAB ? ", --lab NAME" : "");
	return 0;
}

int session_load(struct session *s)
{
	struct diags d = { 0 };

	if (topo_load(s->o.topology, &s->topo, &d))
		return verb_diagnostics(&d);
	diags_free(&d);
	s->loaded = true;
	return 0;
}

/*
 * Internet egress is source-NATed: every VM that may reach the Internet
 * needs a public address of its own; past the end of the ranges it would
 * silently have none.
 */
static int public_ips_left(const struct session *s, struct diags *d)
{
	const struct topology *t = &s->topo;
	int vm = rt_public_ips_short(&s->eng);

	if (vm < 0)
		return 0;
	diags_add(d, t->file, t->vms[vm].pos,
		  "vm %s: no public address left for its Internet traffic: the ranges xvnet "
		  "translates VMs to (198.51.100.0/24, 192.0.2.0/24, 198.18.0.0/15) hold %d, "
		  "less the addresses the topology's VNets, sites and Internet hosts use",
		  diag_value(t->vms[vm].name), RT_PUBLIC_IPS);
	return -1;
}

int session_build_diags(struct session *s, struct diags *d)
{
	engine_build(&s->eng, &s->topo);
	s->built = true;
	return public_ips_left(s, d);
}

int session_build(struct session *s)
{
	struct diags d = { 0 };

	if (session_build_diags(s, &d))
		return verb_diagnostics(&d);
	return 0;
}

int session_open(struct session *s, const struct verb_opts *o)
{
	int rc;

	s->verb = o->verb;
	s->o = *o;
	rc = session_topology(s);
	if (!rc && verb_opt_find(o->verb, "port", 4, 0))
		rc = settle_flow(s);
	if (!rc)
		rc = session_load(s);
	if (!rc)
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
	free(s->lab_file);
	s->lab_file = NULL;
}

int verb_bad_input(const struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verb_verror(s->verb, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

/* "; did you mean 'app1'?" among VMs, then VNET/SUBNET names, then site hosts. */
static const char *target_hint(const struct session *s, const char *word, char *buf, size_t len)
{
	const struct topology *t = &s->topo;
	char **names;

	verb_did_you_mean(buf, len, word, t->vms, sizeof(*t->vms), t->nvms);
	for (int i = 0; !*buf && i < t->nsites; i++)
		verb_did_you_mean(buf, len, word, t->sites[i].hosts, sizeof(struct host),
				  t->sites[i].nhosts);
	if (*buf || !t->nsubnets)
		return buf;
	names = calloc((size_t)t->nsubnets, sizeof(*names));
	for (int i = 0; names && i < t->nsubnets; i++)
		if (asprintf(&names[i], "%s/%s", t->vnets[t->subnets[i].vnet].name,
			     t->subnets[i].name) < 0)
			names[i] = NULL;
	if (names)
		verb_did_you_mean(buf, len, word, names, sizeof(*names), t->nsubnets);
	for (int i = 0; names && i < t->nsubnets; i++)
		free(names[i]);
	free(names);
	return buf;
}

int verb_subnet(const struct session *s, const char *target, int *subnet, int *vm)
{
	char hint[128];

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
	return verb_bad_input(s, "'%s' is neither a subnet (VNET/SUBNET) nor a VM of %s%s",
			      diag_value(target), s->o.topology,
			      target_hint(s, target, hint, sizeof(hint)));
}

/* A site host by name or address: its site, -1 when none. */
static int find_site_host(const struct topology *t, const char *name,
			  uint32_t addr, uint32_t *ip)
{
	for (int s = 0; s < t->nsites; s++)
		for (int h = 0; h < t->sites[s].nhosts; h++) {
			const struct host *hs = &t->sites[s].hosts[h];

			if (name ? !strcmp(hs->name, name) : hs->ip == addr) {
				*ip = hs->ip;
				return s;
			}
		}
	return -1;
}

/* A VM by address; VNets may reuse addresses, so it must be unique. */
static int find_vm_by_ip(const struct session *s, const char *arg, uint32_t addr, int *vm)
{
	const struct topology *t = &s->topo;

	*vm = -1;
	for (int i = 0; i < t->nvms; i++) {
		if (t->vms[i].ip != addr)
			continue;
		if (*vm >= 0)
			return verb_bad_input(s, "%s is the address of VMs %s and %s: name the VM",
					      arg, t->vms[*vm].name, t->vms[i].name);
		*vm = i;
	}
	return 0;
}

int verb_origin(const struct session *s, const char *arg, struct origin *o, uint32_t *src)
{
	const struct topology *t = &s->topo;
	bool by_addr = ipv4_parse(arg, src);
	char hint[128];
	int vm, rc;

	if (by_addr) {
		rc = find_vm_by_ip(s, arg, *src, &vm);
		if (rc)
			return rc;
	} else {
		vm = topo_find_vm(t, arg);
	}
	if (vm >= 0) {
		*o = (struct origin){ .is_site = false, .index = vm };
		*src = t->vms[vm].ip;
		return 0;
	}
	*o = (struct origin){ .is_site = true,
			      .index = find_site_host(t, by_addr ? NULL : arg, *src, src) };
	if (o->index >= 0)
		return 0;
	return verb_bad_input(s, "'%s' is neither a VM nor a site host of %s%s",
			      diag_value(arg), s->o.topology, target_hint(s, arg, hint, sizeof(hint)));
}

int verb_ipv4(const struct session *s, const char *arg, uint32_t *addr)
{
	if (ipv4_parse(arg, addr))
		return 0;
	return verb_bad_input(s, "'%s' is not an IPv4 address (a.b.c.d, no leading zeros)",
			      diag_value(arg));
}

int verb_print_end(int rc)
{
	if (print_end()) {
		pr_err("xvnet: stdout: %s\n", strerror(errno));
		return EXIT_FAIL;
	}
	return rc;
}
