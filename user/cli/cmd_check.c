// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet check: validate a topology file. With --stats it also times the
 * stages every offline verb goes through, for scripts/bench-engine.sh.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <yaml.h>

#include "cli.h"
#include "log.h"
#include "print.h"
#include "roundtrip.h"
#include "topo.h"
#include "verb.h"

static int cmd_check(struct verb_opts *o);

static const struct opt check_opts[] = {
	{ .name = "stats", .type = OPT_FLAG, .off = offsetof(struct verb_opts, stats),
	  .help = "also time load, validation and route computation" },
	{ NULL },
};

const struct verb verb_check = {
	.name = "check",
	.summary = "validate a topology file",
	.help = "Validate the topology file. Exit 0 and print a summary when it is valid;\n"
		"otherwise print one FILE:LINE:COL: error: line per problem and exit 2.\n"
		"A valid file may still get warnings (FILE:LINE:COL: warning: ..., exit 0):\n"
		"a peering declared in one direction only (Azure shows it Initiated, it\n"
		"carries no traffic), naming the missing direction; flows that every\n"
		"firewall NVA allows but whose reply takes another way than the request, so\n"
		"that a stateful firewall NVA sees half of them and drops them (asymmetric\n"
		"routing), a few named; `path --round-trip` shows them.\n"
		"--stats also computes every subnet's effective routes and reports the times:\n"
		"load (read + YAML parse), validate (building and checking the model: the\n"
		"loader's time minus the YAML parse), compute (the route engine: every\n"
		"subnet's route set), their total, then read out (every row of every subnet\n"
		"materialised, as routes would print them), and the peak resident memory.\n",
	.examples = (const char *const[]){
		"xvnet check -t examples/hub-spoke.yaml",
		"xvnet check -t big.yaml --stats -o json",
		NULL },
	.opts = check_opts,
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.run = cmd_check,
};

struct stats {
	double load_s, validate_s, compute_s, readout_s, total_s;
	unsigned long routes, active;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void yaml_parse(const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (yaml_parser_load(&parser, &doc))
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

/*
 * The loader parses and validates in one call, so the YAML parse alone is
 * timed on its own, warm (the first run pays for growing the heap, which
 * the loader would then find ready), to split the loader's time in two.
 */
static double yaml_parse_time(const char *buf, size_t len)
{
	double t0;

	yaml_parse(buf, len);
	t0 = now();
	yaml_parse(buf, len);
	return now() - t0;
}

/*
 * The file's problems: FILE:LINE:COL lines on stderr, or in a structured
 * format (-o json ...) the document {"file", "valid": false, "errors":
 * [{"file", "line", "column", "message"}]} on stdout. EXIT_USAGE.
 */
static int report(const struct session *s, struct diags *d)
{
	if (s->o.format == FORMAT_TABLE)
		return verb_diagnostics(d);
	print_start(s->o.format);
	print_string(PRINT_JSON, "file", NULL, s->o.topology);
	print_bool(PRINT_JSON, "valid", NULL, false);
	print_open_array("errors");
	for (int i = 0; i < d->n; i++) {
		const struct diag_at *at = &d->at[i];
		char file[at->file_len + 1];

		snprintf(file, sizeof(file), "%s", d->lines[i]);
		print_open_object(NULL);
		print_string(PRINT_JSON, "file", NULL, file);
		if (at->line) {
			print_uint(PRINT_JSON, "line", NULL, (unsigned long)at->line);
			print_uint(PRINT_JSON, "column", NULL, (unsigned long)at->col);
		} else {	/* the file as a whole (unreadable, too large) */
			print_null(PRINT_JSON, "line", NULL);
			print_null(PRINT_JSON, "column", NULL);
		}
		print_string(PRINT_JSON, "message", NULL, d->lines[i] + at->msg);
		print_close_object();
	}
	print_close_array();
	diags_free(d);
	return verb_print_end(EXIT_USAGE);
}

static int load(struct session *s)
{
	struct diags d = { 0 };

	if (topo_load(s->o.topology, &s->topo, &d))
		return report(s, &d);
	diags_free(&d);
	s->loaded = true;
	return 0;
}

/* Load like load(), timing the stages. */
static int load_timed(struct session *s, struct stats *st)
{
	struct diags d = { 0 };
	double t0 = now(), t1, read_s, yaml_s;
	size_t len;
	char *buf;

	if (topo_read(s->o.topology, &buf, &len)) {
		topo_read_error(&d, s->o.topology, errno);
		return report(s, &d);
	}
	read_s = now() - t0;
	t0 = now();
	if (topo_parse(s->o.topology, buf, len, &s->topo, &d)) {
		free(buf);
		return report(s, &d);
	}
	t1 = now();
	/* only now that the loader found the file within its limits */
	yaml_s = yaml_parse_time(buf, len);
	st->load_s = read_s + yaml_s;
	st->validate_s = t1 - t0 > yaml_s ? t1 - t0 - yaml_s : 0;
	st->total_s = st->load_s + st->validate_s; /* = read + loader */
	s->loaded = true;
	free(buf);
	return 0;
}

/*
 * Build the engine (every subnet's route set, gateway rows shared), then
 * read back every row of every subnet as `routes` would print them.
 */
static int compute_timed(struct session *s, struct stats *st)
{
	double t0 = now();
	struct eff_route tmp;
	struct diags d = { 0 };

	if (session_build_diags(s, &d))
		return report(s, &d);
	st->compute_s = now() - t0;
	t0 = now();
	for (int i = 0; i < s->topo.nsubnets; i++) {
		const struct route_set *rs = &s->eng.sets[i];
		int n = route_set_count(rs);

		st->routes += n;
		for (int j = 0; j < n; j++)
			st->active += route_set_row(&s->eng, rs, j, &tmp)->active;
	}
	st->readout_s = now() - t0;
	st->total_s += st->compute_s; /* what every verb pays before answering */
	return 0;
}

static void print_count(const char *key, unsigned long n, const char *one,
			const char *many)
{
	char fmt[64];

	snprintf(fmt, sizeof(fmt), ", %%lu %s", n == 1 ? one : many);
	print_uint(PRINT_ANY, key, fmt, n);
}

static void print_summary(const struct topology *t, const char *file)
{
	print_string(PRINT_ANY, "file", "%s: valid", file);
	print_string(PRINT_ANY, "name", ", lab %s", t->name);
	print_count("vnets", t->nvnets, "VNet", "VNets");
	print_count("subnets", t->nsubnets, "subnet", "subnets");
	print_count("peerings", t->npeerings, "peering", "peerings");
	print_count("routeTables", t->nroute_tables, "route table", "route tables");
	print_count("gateways", t->ngateways, "gateway", "gateways");
	print_count("sites", t->nsites, "site", "sites");
	print_count("circuits", t->ncircuits, "circuit", "circuits");
	print_count("connections", t->nconnections, "connection", "connections");
	print_count("vms", t->nvms, "VM", "VMs");
	print_count("internetHosts", t->ninternet_hosts, "Internet host", "Internet hosts");
	print_string(PRINT_FP, NULL, "\n", NULL);
}

static void print_stats(const struct stats *st)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	print_open_object("stats");
	print_double(PRINT_ANY, "load_s", "load %.3f s", st->load_s);
	print_double(PRINT_ANY, "validate_s", ", validate %.3f s", st->validate_s);
	print_double(PRINT_ANY, "compute_s", ", compute %.3f s", st->compute_s);
	print_double(PRINT_ANY, "total_s", ", total %.3f s", st->total_s);
	print_double(PRINT_ANY, "readout_s", " (+ read out %.3f s)", st->readout_s);
	/* ru_maxrss is in KiB on Linux. */
	print_double(PRINT_ANY, "peak_rss_mb", ", peak RSS %.1f MB", ru.ru_maxrss / 1024.0);
	print_uint(PRINT_ANY, "routes", ", %lu routes", st->routes);
	print_uint(PRINT_ANY, "active_routes", " (%lu active)\n", st->active);
	print_close_object();
}

/* Valid but likely not meant: one FILE:LINE:COL: warning: line each. */
static void print_warnings(const struct topology *t)
{
	struct diags w = { 0 };

	topo_warnings(t, &w);
	for (int i = 0; i < w.n; i++)
		pr_warn("%s\n", w.lines[i]);
	diags_free(&w);
}

static const char *probe_name(const struct rt_probe *p, char *buf, size_t len)
{
	static const char *const names[] = { [FW_TCP] = "tcp", [FW_UDP] = "udp", [FW_ICMP] = "icmp" };

	if (p->proto == FW_ICMP)
		snprintf(buf, len, "icmp");
	else
		snprintf(buf, len, "%s/%u", names[p->proto], p->port);
	return buf;
}

#define ASYM_SHOWN 3		/* flows named */
#define ASYM_BUDGET 200000L	/* round trips computed at most */

/*
 * Asymmetric routing, a warning: flows every firewall NVA allows whose
 * reply returns another way, so that a stateful NVA sees half of each
 * and drops it. The first few are named, at their NVA's line.
 */
static int warn_asymmetric(struct session *s)
{
	const struct topology *t = &s->topo;
	struct rt_finding f[ASYM_SHOWN];
	struct rt_end *ends;
	char proto[16];
	struct diags d = { 0 };
	bool partial;
	long n;

	if (session_build_diags(s, &d))
		return report(s, &d);
	n = rt_scan_asymmetric(&s->eng, f, ASYM_SHOWN, ASYM_BUDGET, &partial);
	if (n > 0 && rt_ends(t, &ends) >= 0) {
		for (long i = 0; i < n && i < ASYM_SHOWN; i++) {
			const struct vm *nva = &t->vms[f[i].nva];

			pr_warn("%s:%d:%d: warning: asymmetric routing: %s -> %s (%s): "
				"firewall NVA %s sees the %s only and drops the flow; "
				"see xvnet path --round-trip\n",
				t->file, nva->pos.line, nva->pos.col, ends[f[i].from].name,
				ends[f[i].to].name, probe_name(&f[i].probe, proto, sizeof(proto)),
				nva->name, f[i].saw_request ? "request" : "reply");
		}
		pr_warn("%s: warning: %ld flow%s routed asymmetrically through firewall NVAs%s\n",
			t->file, n, n == 1 ? "" : "s", partial ? " (not every flow was checked)" : "");
		free(ends);
	}
	return n < 0 ? EXIT_FAIL : 0;
}

static int cmd_check(struct verb_opts *o)
{
	struct session s = { .verb = o->verb, .o = *o };
	struct stats st = { 0 };
	int rc;

	rc = session_topology(&s);
	if (!rc)
		rc = s.o.stats ? load_timed(&s, &st) : load(&s);
	if (!rc)
		print_warnings(&s.topo);
	if (!rc && s.o.stats)
		rc = compute_timed(&s, &st);
	else if (!rc)
		rc = warn_asymmetric(&s);
	if (rc)
		goto out;

	print_start(s.o.format);
	print_summary(&s.topo, s.o.topology);
	if (s.o.stats)
		print_stats(&st);
	rc = verb_print_end(EXIT_OK);
out:
	session_close(&s);
	return rc;
}
