// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet bench: measure flows of a running lab end to end, as a user asks:
 * frames per second from the live-frame generator (pktgen.h) in the
 * source VM's namespace, counted where they arrive, and where the others
 * were lost (the fabric's per-NIC counters along the path and its drop
 * reasons); TCP and UDP throughput with iperf3; UDP round trips idle and
 * under load; the path (the route engine's, as `xvnet path`) beside them.
 * --matrix: one flow of each kind the lab has, as a table, JSON and an
 * SVG chart. docs/bench.md says how each figure is taken.
 */
#define _GNU_SOURCE /* sched_setaffinity */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "deploy.h"
#include "ipv4.h"
#include "lab.h"
#include "lab_verb.h"
#include "loader.h"
#include "log.h"
#include "netns.h"
#include "pktgen.h"
#include "print.h"
#include "state.h"
#include "verb.h"
#include "xvnet_abi.h"

static int cmd_bench(struct verb_opts *o);

/* The options as typed; setup() checks them into struct bench_args. */
struct bench_cli {
	const char *seconds, *svg, *only;
	long size, reps, port, cpu;
	int sink;		/* enum sink_kind; -1: not given */
	bool quick, matrix, compare, machine;
};

/* Where the received frames are counted (--sink). */
enum sink_kind { SINK_SOCKET, SINK_XDP };
static const char *const sink_names[] = { "socket", "xdp", NULL };

#define OWN(field) offsetof(struct bench_cli, field)

static const struct opt bench_opts[] = {
	{ .name = "size", .type = OPT_INT, .off = OWN(size), .arg = "BYTES",
	  .help = "frame size of the generator (default: 64)",
	  .min = PKTGEN_MIN_LEN, .max = 1514, .own = true },
	{ .name = "seconds", .type = OPT_STRING, .off = OWN(seconds), .arg = "S",
	  .help = "frames/s window of each repetition (default: 3)", .own = true },
	{ .name = "reps", .type = OPT_INT, .off = OWN(reps), .arg = "N",
	  .help = "repetitions of the frames/s measurement (default: 5)",
	  .min = 1, .max = 50, .own = true },
	{ .name = "port", .type = OPT_INT, .off = OWN(port), .arg = "N",
	  .help = "UDP and TCP port of every measurement (default: 5201)",
	  .min = 1, .max = 65535, .own = true },
	{ .name = "cpu", .type = OPT_INT, .off = OWN(cpu), .arg = "N",
	  .help = "the CPU the generator runs on (default: 0)",
	  .min = 0, .max = CPU_SETSIZE - 1, .own = true },
	{ .name = "only", .type = OPT_STRING, .off = OWN(only), .arg = "LIST",
	  .help = "measure only these, comma-separated: frames, tcp\n(iperf3 TCP and UDP), latency (default: all)", .own = true },
	{ .name = "sink", .type = OPT_CHOICE, .off = OWN(sink), .arg = "S",
	  .help = "where DST's frames are counted: socket (its interfaces'\n"
		  "rx counters, a UDP socket receiving; default) or xdp\n"
		  "(an XDP sink at DST's NIC counts and drops them; default\n"
		  "of --compare-dataplanes)",
	  .choices = sink_names, .complete = COMPLETE_CHOICE, .own = true },
	{ .name = "quick", .type = OPT_FLAG, .off = OWN(quick),
	  .help = "1 s windows, 3 reps, 1 s iperf3 runs, 200 round trips", .own = true },
	{ .name = "matrix", .type = OPT_FLAG, .off = OWN(matrix),
	  .help = "one flow of each kind the lab has (no SRC DST)", .own = true },
	{ .name = "compare-dataplanes", .type = OPT_FLAG, .off = OWN(compare),
	  .help = "deploy the topology (-t, or --lab's) twice, on the XDP\n"
		  "fabric and on Linux routing, and measure the matrix on\n"
		  "both, flow by flow: XDP/kernel ratios", .own = true },
	{ .name = "svg", .type = OPT_STRING, .off = OWN(svg), .arg = "FILE",
	  .help = "--matrix, --compare-dataplanes: write a bar chart of\nthe figures to FILE",
	  .complete = COMPLETE_FILE, .own = true },
	{ .name = "machine", .type = OPT_FLAG, .off = OWN(machine),
	  .help = "print the machine (CPU, kernel, mitigations) and stop", .own = true },
	{ NULL },
};

static const struct bench_cli bench_defaults = { .size = 64, .port = 5201, .sink = -1 };

const struct verb verb_bench = {
	.name = "bench",
	.summary = "measure a running lab's flows: frames/s, TCP, UDP, round trips",
	.operands = "[SRC DST]",
	.nmin = 0, .nmax = 2,
	.operand_complete = { COMPLETE_NODE, COMPLETE_NODE },
	.help = "Measure a flow of a running lab (default: the only one) from the VM SRC to\n"
		"DST (a VM, a site or Internet host, by name or address), end to end:\n"
		"  frames/s   64-byte UDP frames from the live-frame generator (xvnet pktgen)\n"
		"             in SRC's namespace, counted where they arrive (every interface\n"
		"             of DST's namespace, or with --sink xdp by an XDP program at\n"
		"             its NIC, so that DST's UDP stack does not bound the figure),\n"
		"             median of the repetitions; and where the\n"
		"             others were lost: the fabric's counters at every NIC on the\n"
		"             path, its drop reasons, the NVAs and gateways in between\n"
		"  iperf3     TCP with 1 and 4 streams, UDP at an unlimited rate\n"
		"  latency    UDP round trips (p50, p90, p99, p99.9), idle and under a TCP\n"
		"             stream\n"
		"with the path the flow takes (as xvnet path) and the machine it ran on.\n"
		"--matrix measures one flow of each kind the lab has: in one subnet, within\n"
		"a VNet, across a peering, through an NVA, to a site through a gateway, to\n"
		"the Internet (the first pair of a VM and a VM or host the path delivers).\n"
		"--compare-dataplanes deploys the topology twice, as labs NAME-x (XDP\n"
		"fabric) and NAME-k (deploy --dataplane kernel), firewall NVAs forwarding\n"
		"with nftables in both, measures the matrix on both, each flow on one then\n"
		"the other, and reports XDP/kernel ratios; then, for the flow through an\n"
		"NVA, a third lab NAME-n with the NVAs in XDP (firewall dataplane xdp):\n"
		"frames/s with an nftables NVA and an XDP NVA, beside the ceiling (the same\n"
		"source to the NVA itself). Every lab is destroyed. Frames to a VM are\n"
		"counted by the XDP sink there (--sink xdp) unless --sink socket is given.\n"
		"Root, but for --machine; iperf3 must be installed for the TCP and UDP\n"
		"figures. docs/bench.md has the method and what limits each figure.\n",
	.examples = (const char *const[]){
		"sudo xvnet bench app1 app2",
		"sudo xvnet bench --lab hubspoke --quick app1 dc1-srv -o json",
		"sudo xvnet bench --matrix --svg matrix.svg",
		"sudo xvnet bench -t examples/hub-spoke.yaml --compare-dataplanes",
		"xvnet bench --machine",
		NULL },
	.opts = bench_opts,
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.own_size = sizeof(struct bench_cli),
	.own_defaults = &bench_defaults,
	.run = cmd_bench,
};

#define MAX_REPS 50
#define MAX_STAGES (2 * PATH_MAX_HOPS + 2)
#define MAX_PROBES 100000
#define NIC_IFNAME "eth0"	/* a VM's NIC in its namespace (lab.c) */

struct bench_args {
	const char *lab, *file, *src, *dst, *svg;
	int size, reps, port, cpu, probes;
	enum sink_kind sink;
	bool frames, tcp, latency;	/* what to measure (--only) */
	double seconds, iperf_seconds;
	enum print_format format;
	bool matrix, compare, machine;
};

enum stage_kind { ST_GENERATED, ST_FABRIC_IN, ST_FABRIC_OUT, ST_RECEIVED };

/* A point on the path where the flow's frames are counted. */
struct stage {
	enum stage_kind kind;
	int slot;		/* fabric NIC slot (ST_FABRIC_*) */
	char label[96];
};

/* The kinds of flow --matrix looks for, in the order it prints them. */
enum flow_kind { FK_SUBNET, FK_VNET, FK_PEERING, FK_NVA, FK_SITE, FK_INTERNET, FK__COUNT };

static const char *const kind_names[FK__COUNT] = {
	"same subnet", "same VNet", "across a peering", "through an NVA",
	"to a site via a gateway", "to the Internet",
};

struct bench_flow {
	enum flow_kind kind;
	int src_vm;
	uint32_t src_ip, dst_ip;
	const char *dst_name, *dst_node;
	bool dst_is_site, dst_is_internet;
	struct path udp, tcp;
	char route[512];	/* "app1 > fabric > fw (NVA) > fabric > app2" */
	int fabric_hops, nva_hops, gateway_hops;
	struct stage stages[MAX_STAGES];
	int nstages;
	int src_ns, dst_ns;
};

struct latency {
	double p50, p90, p99, p999;
	int probes, answered;
};

struct result {
	double pps[MAX_REPS];
	int nreps;
	double pps_median, generated_pps;
	enum sink_kind sink;		/* how the received frames were counted */
	uint64_t frames[MAX_STAGES];	/* per stage, summed over the reps */
	uint64_t *drops;		/* [slot][verdict], summed over the reps */
	double tcp1, tcp4, udp, udp_loss; /* bit/s, %; < 0: not measured */
	struct latency idle, loaded;
};

/* A series of figures per flow kind: one lab's (the matrix), or one per dataplane. */
struct series {
	const char *name;	/* NULL: the only one, no legend */
	const char *color;
	const struct result *res;	/* per flow kind */
};

/* A NIC on the fabric, whichever dataplane forwards there. */
struct bench_nic {
	enum xv_nic_kind kind;
	int index;		/* vm or gateway; -1: the Internet edge */
	const char *ifname;	/* its outer end (kernel dataplane: counted there) */
};

struct bench {
	struct bench_args a;
	char lab[LAB_NAME_LEN];
	struct session s;
	bool kernel;		/* Linux routing in the fabric namespace, no XDP fabric */
	struct fabric_view v;	/* XDP: its counters */
	bool view_open;
	struct lab_state state;	/* kernel: the lab's state, naming the outer ends */
	int fabric_ns;		/* kernel: where the outer ends are counted */
	struct bench_nic *nics;	/* per slot */
	int nnics;
	struct bench_machine m;
	double *rtt;		/* MAX_PROBES round trips */
};

/* The options o into a: 0, or EXIT_USAGE with the reason printed. */
static int setup(struct bench_args *a, const struct verb_opts *o)
{
	const struct bench_cli *c = o->own;
	char *end;

	*a = (struct bench_args){ .lab = o->lab, .file = o->topology, .svg = c->svg,
				  .size = (int)c->size, .port = (int)c->port, .cpu = (int)c->cpu,
				  .reps = (int)c->reps, .format = o->format,
				  .matrix = c->matrix || c->compare, .compare = c->compare,
				  .machine = c->machine };
	if (c->seconds) {
		a->seconds = strtod(c->seconds, &end);
		if (end == c->seconds || *end || !(a->seconds >= 0.1 && a->seconds <= 600))
			return verb_usage_error(o->verb, "--seconds: 0.1 to 600: %s", c->seconds);
	}
	/* Comparing dataplanes: the path's figure, not the receiver's stack (the same on both). */
	a->sink = c->sink >= 0 ? (enum sink_kind)c->sink : c->compare ? SINK_XDP : SINK_SOCKET;
	a->seconds = a->seconds ? a->seconds : c->quick ? 1 : 3;
	a->reps = a->reps ? a->reps : c->quick ? 3 : 5;
	a->iperf_seconds = c->quick ? 1 : 5;
	a->probes = c->quick ? 200 : 1000;
	a->frames = a->tcp = a->latency = !c->only;
	if (c->only) {
		char list[64], *tok, *save = NULL;

		snprintf(list, sizeof(list), "%s", c->only);
		for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			bool *what = !strcmp(tok, "frames") ? &a->frames : !strcmp(tok, "tcp") ? &a->tcp :
				     !strcmp(tok, "latency") ? &a->latency : NULL;

			if (!what)
				return verb_usage_error(o->verb, "--only: frames, tcp or latency, not '%s'", tok);
			*what = true;
		}
	}
	if (a->machine)
		return o->nargs ? verb_usage_error(o->verb, "--machine takes no operand: %s", o->args[0]) : 0;
	if (a->matrix && o->nargs)
		return verb_usage_error(o->verb, "%s takes no SRC DST: %s",
					c->compare ? "--compare-dataplanes" : "--matrix", o->args[0]);
	if (a->compare && !a->file && !a->lab)
		return verb_usage_error(o->verb, "--compare-dataplanes deploys a topology: give -t FILE (or --lab NAME, for its file)");
	if (!a->matrix && o->nargs != 2)
		return verb_usage_error(o->verb, "name the flow: SRC DST (or --matrix)");
	if (a->svg && !a->matrix)
		return verb_usage_error(o->verb, "--svg goes with --matrix or --compare-dataplanes");
	if (!a->matrix) {
		a->src = o->args[0];
		a->dst = o->args[1];
	}
	return 0;
}

/* ---- the lab ---- */

static int open_netns(const struct bench *b, const char *node, int *fd);

/* Kernel dataplane: the NICs as the lab's state names them, counted at their outer ends. */
static int open_kernel_nics(struct bench *b)
{
	const struct topology *t = &b->s.topo;

	if (state_read(b->lab, &b->state)) {
		pr_err("xvnet bench: lab '%s' has no readable state\n", b->lab);
		return EXIT_FAIL;
	}
	b->nics = calloc((size_t)b->state.nnodes + 1, sizeof(*b->nics));
	if (!b->nics)
		return EXIT_FAIL;
	for (int i = 0; i < b->state.nnodes; i++) {
		const char *kind = b->state.nodes[i].kind, *name = b->state.nodes[i].name;
		const char *nic = b->state.nodes[i].nic;
		struct bench_nic *bn = &b->nics[b->nnics];

		if (!nic)
			continue;
		bn->ifname = nic;
		bn->index = -1;
		if (!strcmp(kind, "vm")) {
			bn->kind = XV_NIC_VM;
			bn->index = topo_find_vm(t, name);
		} else if (!strcmp(kind, "gateway")) {
			bn->kind = XV_NIC_GATEWAY;
			for (int g = 0; g < t->ngateways; g++)
				if (!strcmp(t->gateways[g].name, name))
					bn->index = g;
		} else {
			bn->kind = XV_NIC_INTERNET;
		}
		b->nnics++;
	}
	return open_netns(b, "fabric", &b->fabric_ns);
}

static int bench_open(struct bench *b)
{
	char pin_dir[256];
	int rc;

	rc = lab_select(b->a.lab, b->a.file, b->lab);
	if (rc)
		return rc;
	/* Names come from -t, else the file the lab was deployed from. */
	b->s.verb = &verb_bench;
	b->s.o.verb = &verb_bench;
	b->s.o.topology = b->a.file;
	b->s.o.lab = b->lab;
	rc = session_topology(&b->s);
	if (!rc)
		rc = session_load(&b->s);
	if (!rc)
		rc = session_build(&b->s);
	if (rc)
		return rc;
	b->rtt = calloc(MAX_PROBES, sizeof(*b->rtt));
	if (!b->rtt)
		return EXIT_FAIL;
	b->kernel = lab_dataplane_of(b->lab) == LAB_DATAPLANE_KERNEL;
	if (b->kernel)
		return open_kernel_nics(b);
	if (fabric_pin_dir(b->lab, pin_dir, sizeof(pin_dir)) || fabric_view_open(pin_dir, &b->v)) {
		pr_err("xvnet bench: cannot open the fabric of lab '%s'\n", b->lab);
		return EXIT_FAIL;
	}
	b->view_open = true;
	b->nnics = b->v.nnics;
	b->nics = calloc((size_t)b->nnics + 1, sizeof(*b->nics));
	if (!b->nics)
		return EXIT_FAIL;
	for (int k = 0; k < b->nnics; k++) {
		struct xv_nic nic;

		b->nics[k].kind = (enum xv_nic_kind)-1;
		if (!fabric_read_nic(&b->v, k, &nic)) {
			b->nics[k].kind = nic.kind;
			b->nics[k].index = nic.kind == XV_NIC_INTERNET ? -1 : (int)nic.index;
		}
	}
	return EXIT_OK;
}

static void bench_close(struct bench *b)
{
	if (b->view_open)
		fabric_view_close(&b->v);
	if (b->fabric_ns > 0)
		close(b->fabric_ns);
	session_close(&b->s);
	if (b->kernel)
		state_free(&b->state);
	free(b->nics);
	free(b->rtt);
}

/* The fabric slot of a VM, gateway or the Internet edge (index ignored); -1: none. */
static int nic_slot(const struct bench *b, enum xv_nic_kind kind, int index)
{
	for (int k = 0; k < b->nnics; k++)
		if (b->nics[k].kind == kind && (kind == XV_NIC_INTERNET || b->nics[k].index == index))
			return k;
	return -1;
}

static const char *slot_name(const struct bench *b, int slot)
{
	const struct topology *t = &b->s.topo;
	const struct bench_nic *n = &b->nics[slot];

	if (n->kind == XV_NIC_VM && n->index >= 0 && n->index < t->nvms)
		return t->vms[n->index].name;
	if (n->kind == XV_NIC_GATEWAY && n->index >= 0 && n->index < t->ngateways)
		return t->gateways[n->index].name;
	return "Internet";
}

/* DST: a VM or a site or Internet host, by name or address. */
static int resolve_dst(const struct bench *b, const char *arg, struct bench_flow *f)
{
	const struct topology *t = &b->s.topo;
	const struct host *h;
	uint32_t addr, first;
	bool by_addr = ipv4_parse(arg, &addr);

	for (int i = 0; i < t->nvms; i++)
		if (by_addr ? t->vms[i].ip == addr : !strcmp(t->vms[i].name, arg)) {
			f->dst_ip = t->vms[i].ip;
			f->dst_name = f->dst_node = t->vms[i].name;
			return 0;
		}
	for (int s = 0; s < t->nsites; s++)
		for (int i = 0; i < t->sites[s].nhosts; i++)
			if (by_addr && t->sites[s].hosts[i].ip == addr)
				arg = t->sites[s].hosts[i].name;
	for (int i = 0; i < t->ninternet_hosts; i++)
		if (by_addr && t->internet_hosts[i].ip == addr)
			arg = t->internet_hosts[i].name;
	h = lab_host(t, arg, &f->dst_node, &first);
	if (!h)
		return verb_bad_arg(&verb_bench, "DST: no VM or host '%s' in the lab", arg);
	f->dst_ip = h->ip;
	f->dst_name = h->name;
	f->dst_is_internet = !strcmp(f->dst_node, "internet");
	f->dst_is_site = !f->dst_is_internet;
	return 0;
}

static void add_stage(struct bench_flow *f, enum stage_kind kind, int slot, const char *fmt,
		      const char *name)
{
	struct stage *st = &f->stages[f->nstages++];

	st->kind = kind;
	st->slot = slot;
	snprintf(st->label, sizeof(st->label), fmt, name);
}

static void add_route(struct bench_flow *f, const char *name, const char *note)
{
	size_t n = strlen(f->route);

	snprintf(f->route + n, sizeof(f->route) - n, " > %s%s", name, note);
}

/* Where a subnet hop hands the frame: a VM's, the gateway's or the Internet edge's NIC. */
static int hop_out_slot(const struct bench *b, const struct hop *h)
{
	if (h->vm >= 0)
		return nic_slot(b, XV_NIC_VM, h->vm);
	if (h->route.type == NH_GATEWAY && h->route.gateway >= 0)
		return nic_slot(b, XV_NIC_GATEWAY, h->route.gateway);
	if (h->route.type == NH_INTERNET)
		return nic_slot(b, XV_NIC_INTERNET, -1);
	return -1;
}

/*
 * The route engine's path for the flow, as a route ("app1 > fabric > fw
 * (NVA) > fabric > app2") and as the points its frames are counted at:
 * every subnet hop is the fabric taking the frame from one NIC and
 * handing it to another.
 */
static void plan_stages(const struct bench *b, struct bench_flow *f)
{
	const struct topology *t = &b->s.topo;
	const struct path *p = &f->udp;
	int prev = nic_slot(b, XV_NIC_VM, f->src_vm);

	snprintf(f->route, sizeof(f->route), "%s", t->vms[f->src_vm].name);
	f->nstages = 0;
	add_stage(f, ST_GENERATED, -1, "generated by %s", t->vms[f->src_vm].name);
	for (int i = 0; i < p->nhops && f->nstages + 2 < MAX_STAGES; i++) {
		const struct hop *h = &p->hops[i];
		bool last_vm = p->result == PATH_DELIVERED && p->to_kind == TO_VM && p->to == h->vm;
		int out;

		if (h->kind == HOP_GATEWAY) {
			f->gateway_hops++;
			continue;
		}
		if (h->kind != HOP_SUBNET)
			continue;
		f->fabric_hops++;
		if (prev >= 0)
			add_stage(f, ST_FABRIC_IN, prev, "fabric from %s", slot_name(b, prev));
		out = hop_out_slot(b, h);
		if (out < 0) {
			add_route(f, "fabric", "");
			prev = -1;
			continue;
		}
		add_stage(f, ST_FABRIC_OUT, out, "fabric to %s", slot_name(b, out));
		if (h->vm >= 0 && !last_vm)
			f->nva_hops++;
		add_route(f, "fabric", "");
		add_route(f, slot_name(b, out), h->vm >= 0 && !last_vm ? " (NVA)" : "");
		prev = out;
	}
	/* Denied by an NVA: what it let through comes back to the fabric (none should). */
	if (p->result == PATH_DROPPED && p->drop == DROP_FIREWALL && prev >= 0)
		add_stage(f, ST_FABRIC_IN, prev, "fabric from %s", slot_name(b, prev));
	if (p->result == PATH_DELIVERED) {
		if (f->dst_is_site)
			add_route(f, f->dst_node, "");
		add_stage(f, ST_RECEIVED, -1, "received by %s", f->dst_node);
	}
}

static enum flow_kind classify(const struct topology *t, const struct bench_flow *f)
{
	const struct vm *s = &t->vms[f->src_vm];
	int d = -1;

	if (f->dst_is_site)
		return FK_SITE;
	if (f->dst_is_internet)
		return FK_INTERNET;
	if (f->nva_hops)
		return FK_NVA;
	for (int i = 0; i < t->nvms; i++)
		if (!strcmp(t->vms[i].name, f->dst_name))
			d = i;
	if (d >= 0 && t->vms[d].subnet == s->subnet)
		return FK_SUBNET;
	return d >= 0 && t->vms[d].vnet == s->vnet ? FK_VNET : FK_PEERING;
}

static void plan_flow(const struct bench *b, struct bench_flow *f)
{
	struct origin o = { .is_site = false, .index = f->src_vm };
	struct flow_def {
		enum fw_proto proto;
		struct path *out;
	} defs[] = { { FW_UDP, &f->udp }, { FW_TCP, &f->tcp } };

	f->src_ip = b->s.topo.vms[f->src_vm].ip;
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		struct flow fl = { .src = f->src_ip, .dst = f->dst_ip, .proto = defs[i].proto,
				   .dport = (uint16_t)b->a.port };

		engine_path(&b->s.eng, o, &fl, defs[i].out);
	}
	plan_stages(b, f);
	f->kind = classify(&b->s.topo, f);
}

static int open_netns(const struct bench *b, const char *node, int *fd)
{
	char netns[LAB_NETNS_LEN];

	if (lab_node_netns(b->lab, node, netns, sizeof(netns)) || (*fd = netns_open(netns)) < 0) {
		pr_err("xvnet bench: lab '%s' has no namespace for '%s'\n", b->lab, node);
		return EXIT_FAIL;
	}
	return 0;
}

/* ---- frames per second ---- */

struct snapshot {
	struct xv_nic_stats *st;	/* nnics + 1 slots */
	uint64_t received;
};

/* Kernel dataplane: what each outer end received from its NIC and sent to it. */
static int snap_links(const struct bench *b, struct snapshot *s)
{
	size_t n = (size_t)b->nnics + 1;
	const char **names = calloc(n, sizeof(*names));
	uint64_t *rx = calloc(n, sizeof(*rx)), *tx = calloc(n, sizeof(*tx));
	int err = -ENOMEM;

	if (names && rx && tx) {
		for (int k = 0; k < b->nnics; k++)
			names[k] = b->nics[k].ifname;
		err = bench_link_frames(b->fabric_ns, names, b->nnics, rx, tx);
		for (int k = 0; !err && k < b->nnics; k++) {
			s->st[k].rx = rx[k];
			s->st[k].tx = tx[k];
		}
	}
	free(names);
	free(rx);
	free(tx);
	return err;
}

static int snap(const struct bench *b, const struct bench_flow *f,
		const struct bench_sink *sink, struct snapshot *s)
{
	if (b->kernel) {
		if (snap_links(b, s))
			return -1;
	} else {
		for (int k = 0; k <= b->nnics; k++)
			if (fabric_read_stats(&b->v, k, &s->st[k]))
				return -1;
	}
	return sink ? bench_sink_count(sink, &s->received) : bench_rx_frames(f->dst_ns, &s->received);
}

static uint64_t stage_count(const struct stage *st, const struct snapshot *s0,
			    const struct snapshot *s1, uint64_t generated)
{
	switch (st->kind) {
	case ST_GENERATED:
		return generated;
	case ST_FABRIC_IN:
		return s1->st[st->slot].rx - s0->st[st->slot].rx;
	case ST_FABRIC_OUT:
		return s1->st[st->slot].tx - s0->st[st->slot].tx;
	case ST_RECEIVED:
		return s1->received - s0->received;
	}
	return 0;
}

static int cmp_double(const void *x, const void *y)
{
	double p = *(const double *)x, q = *(const double *)y;

	return (p > q) - (p < q);
}

static double median(const double *v, int n)
{
	double s[MAX_REPS];

	memcpy(s, v, (size_t)n * sizeof(*v));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* The generator pinned to --cpu, in SRC's namespace; restores both after. */
static int generate(const struct bench *b, struct pktgen_ctx *g, int src_ns,
		    uint64_t *frames, double *elapsed)
{
	cpu_set_t set, old;
	int err;

	sched_getaffinity(0, sizeof(old), &old);
	CPU_ZERO(&set);
	CPU_SET(b->a.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		pr_err("xvnet bench: cannot run on CPU %d\n", b->a.cpu);
		return -1;
	}
	err = netns_enter(src_ns);
	if (!err)
		err = pktgen_live(g, b->a.seconds, frames, elapsed);
	netns_home();
	sched_setaffinity(0, sizeof(old), &old);
	return err;
}

static int open_generator(const struct bench *b, const struct bench_flow *f, struct pktgen_ctx **g)
{
	static const unsigned char fabric_mac[ETH_ALEN] = XV_FABRIC_MAC;
	struct pktgen_opts o = { .len = b->a.size, .saddr = f->src_ip,
				 .daddrs = &f->dst_ip, .n_daddrs = 1,
				 .dport = (uint16_t)b->a.port };
	int err = netns_enter(f->src_ns);

	memcpy(o.dmac, fabric_mac, ETH_ALEN);
	if (!err) {
		o.ifindex = (int)if_nametoindex(NIC_IFNAME);
		err = !o.ifindex || pktgen_dev_mac(NIC_IFNAME, o.smac) ? -ENODEV : 0;
	}
	netns_home();
	if (!err)
		err = pktgen_open(g, &o);
	return err;
}

/*
 * --sink xdp where DST is a VM: its NIC's program swapped for the sink,
 * with the signals that would end the process held until it is back.
 */
static int sink_attach(const struct bench *b, const struct bench_flow *f, struct result *r,
		       struct bench_sink **sink, sigset_t *old)
{
	sigset_t hold;

	*sink = NULL;
	r->sink = b->a.sink == SINK_XDP && !f->dst_is_site && !f->dst_is_internet ? SINK_XDP
										   : SINK_SOCKET;
	if (r->sink == SINK_SOCKET)
		return 0;
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGQUIT);
	sigprocmask(SIG_BLOCK, &hold, old);
	return bench_sink_attach(f->dst_ns, NIC_IFNAME, b->a.port, sink);
}

/* A held signal: stop measuring, put the NIC's program back, then let it act. */
static bool signal_held(void)
{
	sigset_t pending;

	sigpending(&pending);
	return sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM) ||
	       sigismember(&pending, SIGHUP) || sigismember(&pending, SIGQUIT);
}

static int sink_detach(const struct result *r, struct bench_sink *sink, const sigset_t *old)
{
	int err = bench_sink_detach(sink);

	if (r->sink == SINK_XDP)
		sigprocmask(SIG_SETMASK, old, NULL);
	return err;
}

static int measure_pps(const struct bench *b, const struct bench_flow *f, struct result *r)
{
	size_t n = (size_t)b->nnics + 1;
	struct snapshot s0, s1;
	struct pktgen_ctx *g = NULL;
	struct bench_sink *xdp_sink = NULL;
	sigset_t old;
	double generated = 0;
	int err = -ENOMEM, sink = -1;

	s0.st = calloc(n, sizeof(*s0.st));
	s1.st = calloc(n, sizeof(*s1.st));
	r->drops = calloc(n * XV_VERDICT__COUNT, sizeof(*r->drops));
	if (!s0.st || !s1.st || !r->drops)
		goto out;
	err = open_generator(b, f, &g);
	/* The destination's port is open (as a real receiver's is): no ICMP per frame. */
	sink = err ? -1 : bench_udp_sink(f->dst_ns, f->dst_ip, b->a.port);
	err = err || sink_attach(b, f, r, &xdp_sink, &old);
	for (int rep = 0; !err && rep < b->a.reps && !signal_held(); rep++) {
		uint64_t frames = 0;
		double elapsed = 0;

		err = snap(b, f, xdp_sink, &s0) || generate(b, g, f->src_ns, &frames, &elapsed);
		usleep(50000); /* let the last batch drain */
		err = err || snap(b, f, xdp_sink, &s1);
		if (err || elapsed <= 0)
			break;
		for (int i = 0; i < f->nstages; i++)
			r->frames[i] += stage_count(&f->stages[i], &s0, &s1, frames);
		for (size_t k = 0; k < n; k++)
			for (int v = XV_DROP_NONE_ROUTE; v < XV_VERDICT__COUNT; v++)
				r->drops[k * XV_VERDICT__COUNT + v] +=
					s1.st[k].verdict[v] - s0.st[k].verdict[v];
		r->pps[r->nreps++] = (s1.received - s0.received) / elapsed;
		generated += frames / elapsed;
	}
	if (r->nreps) {
		r->pps_median = median(r->pps, r->nreps);
		r->generated_pps = generated / r->nreps;
	}
	if (sink_detach(r, xdp_sink, &old))
		err = -1;
	if (err)
		pr_err("xvnet bench: measuring frames/s failed\n");
out:
	if (sink >= 0)
		close(sink);
	pktgen_close(g);
	free(s0.st);
	free(s1.st);
	return err ? EXIT_FAIL : 0;
}

/* ---- iperf3 ---- */

/* The receiver's bit/s of an iperf3 -J report; UDP: *loss, the % lost. */
static double iperf_bps(const char *out, bool udp, double *loss)
{
	json_t *root = json_loads(out, 0, NULL), *end, *sum;
	double bps = -1;

	end = json_object_get(root, "end");
	sum = json_object_get(end, udp ? "sum" : "sum_received");
	if (json_is_object(sum)) {
		bps = json_number_value(json_object_get(sum, "bits_per_second"));
		if (udp)
			*loss = json_number_value(json_object_get(sum, "lost_percent"));
	}
	json_decref(root);
	return bps;
}

static pid_t iperf_server(const struct bench *b, const struct bench_flow *f)
{
	char dst[IPV4_STRLEN], port[8];
	char *argv[] = { "iperf3", "-s", "-1", "-B", dst, "-p", port, NULL };
	pid_t pid;

	ipv4_str(f->dst_ip, dst);
	snprintf(port, sizeof(port), "%d", b->a.port);
	pid = bench_spawn(f->dst_ns, argv, NULL);
	usleep(300000); /* listening */
	return pid;
}

/* One iperf3 run: streams TCP streams, or UDP at an unlimited rate. */
static double iperf(const struct bench *b, const struct bench_flow *f, int streams, bool udp,
		    double seconds, double *loss)
{
	char src[IPV4_STRLEN], dst[IPV4_STRLEN], port[8], secs[16], par[8];
	char *argv[] = { "iperf3", "-c", dst, "-B", src, "-p", port, "-t", secs, "-P", par,
			 "-J", "--connect-timeout", "2000", udp ? "-u" : NULL,
			 "-b", "0", "-l", "1400", NULL };
	double bps = -1;
	char *out = NULL;
	pid_t server;

	ipv4_str(f->src_ip, src);
	ipv4_str(f->dst_ip, dst);
	snprintf(port, sizeof(port), "%d", b->a.port);
	snprintf(secs, sizeof(secs), "%g", seconds);
	snprintf(par, sizeof(par), "%d", streams);
	server = iperf_server(b, f);
	if (server < 0)
		return -1;
	if (bench_capture(f->src_ns, argv, seconds + 15, &out) == 0)
		bps = iperf_bps(out, udp, loss);
	bench_stop(server);
	free(out);
	return bps;
}

static void measure_iperf(const struct bench *b, const struct bench_flow *f, struct result *r)
{
	r->tcp1 = r->tcp4 = r->udp = r->udp_loss = -1;
	if (f->tcp.result == PATH_DELIVERED) {
		r->tcp1 = iperf(b, f, 1, false, b->a.iperf_seconds, NULL);
		r->tcp4 = iperf(b, f, 4, false, b->a.iperf_seconds, NULL);
	}
	if (f->udp.result == PATH_DELIVERED)
		r->udp = iperf(b, f, 1, true, b->a.iperf_seconds, &r->udp_loss);
}

/* ---- latency ---- */

static void rtt_run(const struct bench *b, const struct bench_flow *f, struct latency *l)
{
	int answered = 0;

	l->probes = b->a.probes;
	if (bench_rtt(f->src_ns, f->src_ip, f->dst_ns, f->dst_ip, b->a.port, b->a.probes,
		      0.001, b->rtt, &answered))
		pr_err("xvnet bench: round trips failed\n");
	l->answered = answered;
	l->p50 = bench_percentile(b->rtt, answered, 50);
	l->p90 = bench_percentile(b->rtt, answered, 90);
	l->p99 = bench_percentile(b->rtt, answered, 99);
	l->p999 = bench_percentile(b->rtt, answered, 99.9);
}

/* Round trips idle, then under one TCP stream of iperf3 (when TCP passes). */
static void measure_latency(const struct bench *b, const struct bench_flow *f, struct result *r)
{
	char src[IPV4_STRLEN], dst[IPV4_STRLEN], port[8], secs[16];
	char *argv[] = { "iperf3", "-c", dst, "-B", src, "-p", port, "-t", secs,
			 "--connect-timeout", "2000", NULL };
	pid_t server, client;

	memset(&r->idle, 0, sizeof(r->idle));
	memset(&r->loaded, 0, sizeof(r->loaded));
	if (f->udp.result != PATH_DELIVERED)
		return;
	rtt_run(b, f, &r->idle);
	if (f->tcp.result != PATH_DELIVERED)
		return;
	ipv4_str(f->src_ip, src);
	ipv4_str(f->dst_ip, dst);
	snprintf(port, sizeof(port), "%d", b->a.port);
	snprintf(secs, sizeof(secs), "%d", b->a.probes / 1000 + 5);
	server = iperf_server(b, f);
	client = bench_spawn(f->src_ns, argv, NULL);
	usleep(500000); /* the stream at full speed */
	rtt_run(b, f, &r->loaded);
	bench_stop(client);
	bench_stop(server);
}

/* ---- one flow ---- */

static int run_flow(const struct bench *b, struct bench_flow *f, struct result *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	rc = open_netns(b, b->s.topo.vms[f->src_vm].name, &f->src_ns);
	if (!rc)
		rc = open_netns(b, f->dst_node, &f->dst_ns);
	r->tcp1 = r->tcp4 = r->udp = r->udp_loss = -1;
	if (!rc && b->a.frames)
		rc = measure_pps(b, f, r);
	if (!rc && b->a.tcp)
		measure_iperf(b, f, r);
	if (!rc && b->a.latency)
		measure_latency(b, f, r);
	return rc;
}

static void flow_close(struct bench_flow *f)
{
	if (f->src_ns > 0)
		close(f->src_ns);
	if (f->dst_ns > 0)
		close(f->dst_ns);
}

static const struct column stage_cols[] = {
	{ "at", "Counted At" },
	{ "frames", "Frames" },
	{ "lost", "Lost Before" },
};

static const struct column drop_cols[] = {
	{ "nic", "From NIC" },
	{ "reason", "Fabric Drop Reason" },
	{ "frames", "Frames" },
};

static const struct column latency_cols[] = {
	{ "load", "Load" },
	{ "p50Us", "p50 us" },
	{ "p90Us", "p90 us" },
	{ "p99Us", "p99 us" },
	{ "p999Us", "p99.9 us" },
	{ "probes", "Probes" },
	{ "answered", "Answered" },
};

#define NCOLS(c) (int)(sizeof(c) / sizeof((c)[0]))

static void print_path(const struct bench_flow *f)
{
	const struct path *p = &f->udp;

	print_open_object("path");
	print_string(PRINT_ANY, "route", "Path: %s", f->route);
	print_string(PRINT_ANY, "result", " (%s", p->result == PATH_DELIVERED ? "Delivered" : "Dropped");
	if (p->result == PATH_DELIVERED)
		print_null(PRINT_JSON, "dropReason", NULL);
	else
		print_string(PRINT_ANY, "dropReason", ": %s", drop_reason_name(p->drop));
	print_uint(PRINT_ANY, "fabricHops", "): %lu fabric hops", (unsigned long)f->fabric_hops);
	print_uint(PRINT_ANY, "nvaHops", ", %lu NVA hops", (unsigned long)f->nva_hops);
	print_uint(PRINT_ANY, "gatewayHops", ", %lu gateway hops\n", (unsigned long)f->gateway_hops);
	print_string(PRINT_JSON, "tcpResult", NULL,
		     f->tcp.result == PATH_DELIVERED ? "Delivered" : "Dropped");
	print_close_object();
}

static void print_stages(const struct bench *b, const struct bench_flow *f, const struct result *r)
{
	print_table_open("stages", stage_cols, NCOLS(stage_cols));
	for (int i = 0; i < f->nstages; i++) {
		print_row_open();
		print_string(PRINT_ANY, "at", NULL, f->stages[i].label);
		print_uint(PRINT_ANY, "frames", NULL, r->frames[i]);
		if (i)	/* signed: other traffic may add to a counter */
			print_double(PRINT_ANY, "lost", "%.0f",
				     (double)r->frames[i - 1] - (double)r->frames[i]);
		else
			print_null(PRINT_ANY, "lost", NULL);
		print_row_close();
	}
	print_table_close();
	print_table_open("fabricDrops", drop_cols, NCOLS(drop_cols));
	for (int k = 0; k <= b->nnics; k++)
		for (int v = XV_DROP_NONE_ROUTE; v < XV_VERDICT__COUNT; v++) {
			uint64_t n = r->drops[(size_t)k * XV_VERDICT__COUNT + v];

			if (!n)
				continue;
			print_row_open();
			print_string(PRINT_ANY, "nic", NULL, k < b->nnics ? slot_name(b, k) : "(not a NIC)");
			print_string(PRINT_ANY, "reason", NULL, fabric_verdict_name(v));
			print_uint(PRINT_ANY, "frames", NULL, n);
			print_row_close();
		}
	print_table_close();
}

static void print_bps(const char *key, const char *fmt, double bps)
{
	if (bps < 0)
		print_null(PRINT_JSON, key, NULL);
	else
		print_double(PRINT_ANY, key, fmt, bps / 1e9);
}

static void print_latency_row(const char *load, const struct latency *l)
{
	print_row_open();
	print_string(PRINT_ANY, "load", NULL, load);
	print_double(PRINT_ANY, "p50Us", "%.0f", l->p50);
	print_double(PRINT_ANY, "p90Us", "%.0f", l->p90);
	print_double(PRINT_ANY, "p99Us", "%.0f", l->p99);
	print_double(PRINT_ANY, "p999Us", "%.0f", l->p999);
	print_uint(PRINT_ANY, "probes", NULL, (unsigned long)l->probes);
	print_uint(PRINT_ANY, "answered", NULL, (unsigned long)l->answered);
	print_row_close();
}

/* How the received frames were counted: "sink", "countedBy". */
static void print_counted_by(const struct bench_flow *f, enum sink_kind sink)
{
	char by[128];

	if (sink == SINK_XDP)
		snprintf(by, sizeof(by), "an XDP sink at %s's NIC", f->dst_node);
	else
		snprintf(by, sizeof(by), "%s's interfaces (a UDP socket receiving)", f->dst_node);
	print_string(PRINT_ANY, "sink", "  %s: ", sink_names[sink]);
	print_string(PRINT_ANY, "countedBy", "counted by %s\n", by);
}

/* Frames per second, and where the frames were counted. */
static void print_frames(const struct bench *b, const struct bench_flow *f, const struct result *r)
{
	print_open_object("frames");
	print_uint(PRINT_ANY, "frameBytes", "Frames: %lu bytes", (unsigned long)b->a.size);
	print_uint(PRINT_ANY, "reps", ", %lu reps", (unsigned long)r->nreps);
	print_double(PRINT_ANY, "seconds", " of %g s", b->a.seconds);
	print_uint(PRINT_ANY, "cpu", ", generator on CPU %lu\n", (unsigned long)b->a.cpu);
	print_double(PRINT_ANY, "receivedPps", "  received %.0f frames/s (median", r->pps_median);
	print_open_array("receivedPpsSamples");
	for (int i = 0; i < r->nreps; i++)
		print_double(PRINT_ANY, NULL, i ? ", %.0f" : " of %.0f", r->pps[i]);
	print_close_array();
	print_double(PRINT_ANY, "generatedPps", "), generated %.0f frames/s\n", r->generated_pps);
	print_counted_by(f, r->sink);
	print_stages(b, f, r);
	print_close_object();
}

static void print_flow(const struct bench *b, const struct bench_flow *f, const struct result *r)
{
	const struct vm *src = &b->s.topo.vms[f->src_vm];
	char sa[IPV4_STRLEN], da[IPV4_STRLEN];

	print_string(PRINT_ANY, "lab", "Lab %s", b->lab);
	print_string(PRINT_ANY, "dataplane", " (%s)", b->kernel ? "kernel" : "xdp");
	print_string(PRINT_ANY, "kind", ", flow %s", kind_names[f->kind]);
	print_open_object("source");
	print_string(PRINT_ANY, "name", ": %s", src->name);
	print_string(PRINT_ANY, "ip", " %s", ipv4_str(f->src_ip, sa));
	print_close_object();
	print_open_object("destination");
	print_string(PRINT_ANY, "name", " -> %s", f->dst_name);
	print_string(PRINT_ANY, "ip", " %s", ipv4_str(f->dst_ip, da));
	print_string(PRINT_ANY, "node", " (node %s)", f->dst_node);
	print_close_object();
	print_uint(PRINT_ANY, "port", ", UDP and TCP port %lu\n", (unsigned long)b->a.port);
	print_path(f);

	if (b->a.frames)
		print_frames(b, f, r);
	else
		print_null(PRINT_JSON, "frames", NULL);
	print_open_object("iperf3");
	print_string(PRINT_FP, NULL, "%s", "iperf3:");
	print_bps("tcp1Gbps", " TCP 1 stream %.2f Gbit/s", r->tcp1);
	print_bps("tcp4Gbps", ", 4 streams %.2f Gbit/s", r->tcp4);
	print_bps("udpGbps", ", UDP %.2f Gbit/s received", r->udp);
	if (r->udp >= 0)
		print_double(PRINT_ANY, "udpLostPercent", " (%.1f %% lost)", r->udp_loss);
	else
		print_null(PRINT_JSON, "udpLostPercent", NULL);
	print_string(PRINT_FP, NULL, "%s", r->tcp1 < 0 && r->udp < 0 ? " not measured\n" : "\n");
	print_close_object();

	print_string(PRINT_FP, NULL, "%s", r->idle.probes ? "Round trips (UDP echo):\n"
							   : "Round trips: not measured\n");
	print_table_open("latency", latency_cols, NCOLS(latency_cols));
	if (r->idle.probes)
		print_latency_row("idle", &r->idle);
	if (r->loaded.probes)
		print_latency_row("TCP stream", &r->loaded);
	print_table_close();
	bench_print_machine(&b->m);
}

static int bench_one(struct bench *b)
{
	const struct topology *t = &b->s.topo;
	struct bench_flow f = { .src_vm = -1, .src_ns = -1, .dst_ns = -1 };
	struct result r;
	int rc;

	for (int i = 0; i < t->nvms; i++) {
		uint32_t addr;

		if (!strcmp(t->vms[i].name, b->a.src) ||
		    (ipv4_parse(b->a.src, &addr) && t->vms[i].ip == addr))
			f.src_vm = i;
	}
	if (f.src_vm < 0)
		return verb_bad_arg(&verb_bench, "SRC: no VM '%s' in the lab (the generator runs in a VM)", b->a.src);
	rc = resolve_dst(b, b->a.dst, &f);
	if (rc)
		return rc;
	plan_flow(b, &f);
	rc = run_flow(b, &f, &r);
	if (!rc) {
		print_start(b->a.format);
		print_flow(b, &f, &r);
		rc = verb_print_end(EXIT_OK);
	}
	free(r.drops);
	flow_close(&f);
	return rc;
}

/* ---- the matrix ---- */

static const struct column matrix_cols[] = {
	{ "kind", "Flow" },
	{ "src", "Source" },
	{ "dst", "Destination" },
	{ "receivedPps", "Frames/s" },
	{ "tcp1Gbps", "TCP 1 Gbit/s" },
	{ "tcp4Gbps", "TCP 4 Gbit/s" },
	{ "udpGbps", "UDP Gbit/s" },
	{ "p50Us", "p50 us" },
	{ "p99Us", "p99 us" },
	{ "route", "Path" },
};

/* A candidate destination: every VM but SRC and every host. */
static bool next_dst(const struct topology *t, int *i, const char **name)
{
	int n = *i;

	(*i)++;
	if (n < t->nvms) {
		*name = t->vms[n].name;
		return true;
	}
	n -= t->nvms;
	for (int s = 0; s < t->nsites; n -= t->sites[s++].nhosts)
		if (n < t->sites[s].nhosts) {
			*name = t->sites[s].hosts[n].name;
			return true;
		}
	if (n < t->ninternet_hosts) {
		*name = t->internet_hosts[n].name;
		return true;
	}
	return false;
}

/* The first delivered flow of each kind, from a VM that is not an NVA. */
static int pick_flows(const struct bench *b, struct bench_flow flows[FK__COUNT], bool have[FK__COUNT])
{
	const struct topology *t = &b->s.topo;
	int n = 0;

	for (int s = 0; s < t->nvms; s++) {
		const char *name;
		int i = 0;

		if (t->vms[s].enable_ip_forwarding || t->vms[s].firewall)
			continue;
		while (next_dst(t, &i, &name)) {
			struct bench_flow f = { .src_vm = s, .src_ns = -1, .dst_ns = -1 };

			if (!strcmp(name, t->vms[s].name) || resolve_dst(b, name, &f))
				continue;
			if (i <= t->nvms && (t->vms[i - 1].enable_ip_forwarding || t->vms[i - 1].firewall))
				continue;
			plan_flow(b, &f);
			if (f.udp.result != PATH_DELIVERED || have[f.kind])
				continue;
			flows[f.kind] = f;
			have[f.kind] = true;
			n++;
		}
	}
	return n;
}

static int write_svg(const char *file, const char *title, const struct series *sr, int ns,
		     const bool have[FK__COUNT]);

static int bench_matrix(struct bench *b)
{
	static struct bench_flow flows[FK__COUNT];
	struct result res[FK__COUNT];
	bool have[FK__COUNT] = { false };
	int rc = 0;

	memset(res, 0, sizeof(res));
	if (!pick_flows(b, flows, have)) {
		pr_err("xvnet bench: lab '%s' has no flow from a VM that the path delivers over UDP port %d\n",
		       b->lab, b->a.port);
		return EXIT_FAIL;
	}
	for (int k = 0; k < FK__COUNT && !rc; k++)
		if (have[k]) {
			pr_info("xvnet bench: %s: %s\n", kind_names[k], flows[k].route);
			rc = run_flow(b, &flows[k], &res[k]);
		}
	if (!rc && b->a.svg) {
		const struct series one = { NULL, "#3b6ea5", res };
		char title[128];

		snprintf(title, sizeof(title), "xvnet bench --matrix, lab %s (%s)", b->lab,
			 b->kernel ? "kernel" : "xdp");
		rc = write_svg(b->a.svg, title, &one, 1, have);
	}
	if (!rc) {
		char sa[IPV4_STRLEN], da[IPV4_STRLEN];

		print_start(b->a.format);
		print_string(PRINT_ANY, "lab", "Lab %s", b->lab);
		print_string(PRINT_ANY, "dataplane", " (%s)", b->kernel ? "kernel" : "xdp");
		print_uint(PRINT_ANY, "frameBytes", ", %lu-byte frames", (unsigned long)b->a.size);
		print_uint(PRINT_ANY, "reps", ", median of %lu reps", (unsigned long)b->a.reps);
		print_double(PRINT_ANY, "seconds", " of %g s\n", b->a.seconds);
		print_table_open("flows", matrix_cols, NCOLS(matrix_cols));
		for (int k = 0; k < FK__COUNT; k++) {
			if (!have[k])
				continue;
			print_row_open();
			print_string(PRINT_ANY, "kind", NULL, kind_names[k]);
			print_string(PRINT_ANY, "src", NULL, b->s.topo.vms[flows[k].src_vm].name);
			print_string(PRINT_JSON, "srcIp", NULL, ipv4_str(flows[k].src_ip, sa));
			print_string(PRINT_ANY, "dst", NULL, flows[k].dst_name);
			print_string(PRINT_JSON, "dstIp", NULL, ipv4_str(flows[k].dst_ip, da));
			print_double(PRINT_ANY, "receivedPps", "%.0f", res[k].pps_median);
			print_double(PRINT_JSON, "generatedPps", NULL, res[k].generated_pps);
			print_bps("tcp1Gbps", "%.2f", res[k].tcp1);
			print_bps("tcp4Gbps", "%.2f", res[k].tcp4);
			print_bps("udpGbps", "%.2f", res[k].udp);
			print_double(PRINT_ANY, "p50Us", "%.0f", res[k].idle.p50);
			print_double(PRINT_ANY, "p99Us", "%.0f", res[k].idle.p99);
			print_string(PRINT_ANY, "route", NULL, flows[k].route);
			print_uint(PRINT_JSON, "fabricHops", NULL, (unsigned long)flows[k].fabric_hops);
			print_uint(PRINT_JSON, "nvaHops", NULL, (unsigned long)flows[k].nva_hops);
			print_uint(PRINT_JSON, "gatewayHops", NULL, (unsigned long)flows[k].gateway_hops);
			print_row_close();
		}
		print_table_close();
		print_open_array("missing");
		for (int k = 0, n = 0; k < FK__COUNT; k++)
			if (!have[k])
				print_string(PRINT_ANY, NULL, n++ ? ", %s" : "No flow %s", kind_names[k]);
		print_close_array();
		print_string(PRINT_FP, NULL, "%s", "\n");
		bench_print_machine(&b->m);
		rc = verb_print_end(EXIT_OK);
	}
	for (int k = 0; k < FK__COUNT; k++) {
		free(res[k].drops);
		flow_close(&flows[k]);
	}
	return rc;
}

/* ---- the chart ---- */

static void svg_text_escaped(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
}

#define BAR_H 16
#define BAR_MAX_W 400

static double figure(const struct result *r, bool tcp)
{
	return tcp ? r->tcp1 : r->pps_median;
}

/* One chart: per flow kind, a bar per series, scaled to the largest. */
static int svg_bars(FILE *f, int y, const char *title, const char *unit, double scale, bool tcp,
		    const struct series *sr, int ns, const bool have[FK__COUNT])
{
	double max = 0;

	for (int k = 0; k < FK__COUNT; k++)
		for (int i = 0; have[k] && i < ns; i++)
			if (figure(&sr[i].res[k], tcp) > max)
				max = figure(&sr[i].res[k], tcp);
	fprintf(f, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>\n", y, title);
	y += 10;
	for (int k = 0; k < FK__COUNT; k++) {
		if (!have[k])
			continue;
		fprintf(f, "<text x=\"190\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
			y + BAR_H - 3, kind_names[k]);
		for (int i = 0; i < ns; i++) {
			double v = figure(&sr[i].res[k], tcp);
			int w = max > 0 && v > 0 ? (int)(v / max * BAR_MAX_W) : 0;

			fprintf(f, "<rect x=\"200\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
				y, w, BAR_H, sr[i].color);
			fprintf(f, "<text x=\"%d\" y=\"%d\">", 206 + w, y + BAR_H - 3);
			if (v >= 0)
				fprintf(f, "%.2f %s", v / scale, unit);
			else
				fputs("not measured", f);
			if (sr[i].name)
				fprintf(f, " (%s)", sr[i].name);
			fputs("</text>\n", f);
			y += BAR_H + 2;
		}
		y += 6;
	}
	return y + 20;
}

static int write_svg(const char *file, const char *title, const struct series *sr, int ns,
		     const bool have[FK__COUNT])
{
	int n = 0, y, fd;
	FILE *f;

	for (int k = 0; k < FK__COUNT; k++)
		n += have[k];
	/* A file the user names: created or truncated, never through a link. */
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		pr_err("xvnet bench: %s: %s\n", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_FAIL;
	}
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"%d\" "
		   "font-family=\"sans-serif\" font-size=\"13\">\n",
		80 + 2 * (n * (ns * (BAR_H + 2) + 6) + 40));
	fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n", f);
	fputs("<text x=\"10\" y=\"22\" font-size=\"15\">", f);
	svg_text_escaped(f, title);
	fputs("</text>\n", f);
	y = svg_bars(f, 55, "Frames/s received (64 B, median)", "Mpps", 1e6, false, sr, ns, have);
	svg_bars(f, y, "TCP, 1 stream (iperf3)", "Gbit/s", 1e9, true, sr, ns, have);
	fputs("</svg>\n", f);
	if (fclose(f)) {
		pr_err("xvnet bench: %s: %s\n", file, strerror(errno));
		return EXIT_FAIL;
	}
	return 0;
}

/* ---- XDP fabric against Linux routing ---- */

static const struct column compare_cols[] = {
	{ "kind", "Flow" },
	{ "xdpPps", "XDP Frames/s" },
	{ "kernelPps", "Kernel Frames/s" },
	{ "ppsRatio", "Frames/s XDP/Kernel" },
	{ "tcp1Ratio", "TCP 1 XDP/Kernel" },
	{ "udpRatio", "UDP XDP/Kernel" },
	{ "p50Ratio", "p50 Kernel/XDP" },
	{ "route", "Path" },
};

/* name + suffix, within a lab name's 12 characters. */
static void lab_variant(char out[LAB_NAME_LEN], const char *name, const char *suffix)
{
	snprintf(out, LAB_NAME_LEN, "%.*s%s", (int)(LAB_NAME_MAX - strlen(suffix)), name, suffix);
}

/*
 * Deploy file as lab `name` on dataplane dp, as xvnet deploy does, with
 * every firewall NVA of dataplane fw (nftables or xdp).
 */
static int deploy_as(const char *file, const char *name, enum lab_dataplane dp,
		     enum fw_dataplane fw)
{
	struct session s = { .verb = &verb_bench, .o = { .verb = &verb_bench, .topology = file } };
	struct state_lock l;
	struct lab_plan p;
	int rc = session_load(&s);

	for (int i = 0; !rc && i < s.topo.nvms; i++)
		if (s.topo.vms[i].firewall)
			s.topo.vms[i].firewall->dataplane = fw;
	if (!rc) {
		free(s.topo.name);
		s.topo.name = strdup(name);
		rc = s.topo.name ? session_build(&s) : EXIT_FAIL;
	}
	if (rc) {
		session_close(&s);
		return rc;
	}
	rc = EXIT_FAIL;
	if (state_lock(&l, name, "deploy")) {
		session_close(&s);
		return rc;
	}
	if (lab_exists(name))
		pr_err("xvnet bench: lab '%s' is already up: destroy it first\n", name);
	else if (lab_plan_build(&p, &s.eng))
		pr_err("xvnet bench: %s: cannot plan the lab\n", name);
	else {
		p.dataplane = dp;
		pr_info("xvnet bench: deploying %s (%s%s)\n", name, lab_dataplane_name(dp),
			fw == FW_DATAPLANE_XDP ? ", NVAs in XDP" : "");
		rc = lab_deploy(&p, &s.eng, file) ? EXIT_FAIL : EXIT_OK;
		lab_plan_free(&p);
	}
	state_unlock(&l);
	session_close(&s);
	return rc;
}

static double ratio(double a, double b)
{
	return a > 0 && b > 0 ? a / b : -1;
}

static void print_ratio(const char *key, double r)
{
	if (r < 0)
		print_null(PRINT_ANY, key, NULL);
	else
		print_double(PRINT_ANY, key, "%.2f", r);
}

/* The XDP NVA's target: its path at least this many times the nftables NVA's frames/s. */
#define NVA_TARGET 5.0

/*
 * The flow through an NVA, on the XDP fabric both times: the NVA forwarding
 * with nftables in its namespace, then in the fabric (dataplane xdp).
 */
static void print_nva(const struct bench_flow *f, const struct result *nft,
		      const struct result *xdp, const struct result *ceiling)
{
	double r = ratio(xdp->pps_median, nft->pps_median);

	print_string(PRINT_FP, NULL, "%s", "\n");
	print_open_object("nva");
	print_string(PRINT_ANY, "route", "Through the NVA (%s):\n", f->route);
	print_counted_by(f, xdp->sink);
	print_double(PRINT_ANY, "nftablesPps", "  nftables NVA %.0f frames/s", nft->pps_median);
	print_double(PRINT_ANY, "nftablesGeneratedPps", " (of %.0f generated)\n", nft->generated_pps);
	print_double(PRINT_ANY, "xdpPps", "  XDP NVA      %.0f frames/s", xdp->pps_median);
	print_double(PRINT_ANY, "xdpGeneratedPps", " (of %.0f generated)\n", xdp->generated_pps);
	print_double(PRINT_ANY, "ceilingPps", "  ceiling      %.0f frames/s", ceiling->pps_median);
	print_string(PRINT_FP, NULL, "%s", ceiling->sink == SINK_XDP
		     ? " (the same source to the NVA itself: one fabric pass, into its XDP sink)\n"
		     : " (the same source to the NVA itself: one fabric pass, the receiver's kernel)\n");
	print_string(PRINT_FP, NULL, "%s", "  XDP/nftables ");
	print_ratio("ratio", r);
	print_double(PRINT_ANY, "target", " (target %.0f: ", NVA_TARGET);
	print_bool(PRINT_JSON, "met", NULL, r >= NVA_TARGET);
	print_string(PRINT_FP, NULL, "%s)\n", r >= NVA_TARGET ? "met" : "missed");
	print_close_object();
}

static void print_compare(const struct bench *bx, const struct bench_flow *flows,
			  const struct result *rx, const struct result *rk, const bool have[FK__COUNT],
			  const struct result *rn, const struct result *rc)
{
	print_start(bx->a.format);
	print_string(PRINT_ANY, "topology", "Topology %s", bx->a.file);
	print_uint(PRINT_ANY, "frameBytes", ", %lu-byte frames", (unsigned long)bx->a.size);
	print_uint(PRINT_ANY, "reps", ", median of %lu reps", (unsigned long)bx->a.reps);
	print_double(PRINT_ANY, "seconds", " of %g s; each flow on the XDP fabric, then on Linux routing\n",
		     bx->a.seconds);
	print_string(PRINT_JSON, "sink", NULL, sink_names[bx->a.sink]);
	print_string(PRINT_FP, NULL, "Frames to a VM counted by %s\n",
		     bx->a.sink == SINK_XDP ? "an XDP sink at its NIC (--sink xdp)"
					    : "its interfaces, a UDP socket receiving (--sink socket)");
	print_table_open("flows", compare_cols, NCOLS(compare_cols));
	for (int k = 0; k < FK__COUNT; k++) {
		if (!have[k])
			continue;
		print_row_open();
		print_string(PRINT_ANY, "kind", NULL, kind_names[k]);
		print_string(PRINT_JSON, "src", NULL, bx->s.topo.vms[flows[k].src_vm].name);
		print_string(PRINT_JSON, "dst", NULL, flows[k].dst_name);
		print_double(PRINT_ANY, "xdpPps", "%.0f", rx[k].pps_median);
		print_double(PRINT_ANY, "kernelPps", "%.0f", rk[k].pps_median);
		print_ratio("ppsRatio", ratio(rx[k].pps_median, rk[k].pps_median));
		print_bps("xdpTcp1Gbps", NULL, rx[k].tcp1);
		print_bps("kernelTcp1Gbps", NULL, rk[k].tcp1);
		print_ratio("tcp1Ratio", ratio(rx[k].tcp1, rk[k].tcp1));
		print_bps("xdpTcp4Gbps", NULL, rx[k].tcp4);
		print_bps("kernelTcp4Gbps", NULL, rk[k].tcp4);
		print_bps("xdpUdpGbps", NULL, rx[k].udp);
		print_bps("kernelUdpGbps", NULL, rk[k].udp);
		print_ratio("udpRatio", ratio(rx[k].udp, rk[k].udp));
		print_double(PRINT_JSON, "xdpP50Us", NULL, rx[k].idle.p50);
		print_double(PRINT_JSON, "kernelP50Us", NULL, rk[k].idle.p50);
		print_double(PRINT_JSON, "xdpP99Us", NULL, rx[k].idle.p99);
		print_double(PRINT_JSON, "kernelP99Us", NULL, rk[k].idle.p99);
		print_ratio("p50Ratio", ratio(rk[k].idle.p50, rx[k].idle.p50));
		print_string(PRINT_ANY, "route", NULL, flows[k].route);
		print_row_close();
	}
	print_table_close();
	if (rn)
		print_nva(&flows[FK_NVA], &rx[FK_NVA], rn, rc);
	bench_print_machine(&bx->m);
}

/* The first NVA on flow f's path, -1: none. */
static int first_nva(const struct bench_flow *f)
{
	for (int i = 0; i < f->udp.nhops; i++) {
		const struct hop *h = &f->udp.hops[i];

		if (h->kind == HOP_SUBNET && h->vm >= 0 &&
		    !(f->udp.result == PATH_DELIVERED && f->udp.to_kind == TO_VM && f->udp.to == h->vm))
			return h->vm;
	}
	return -1;
}

/*
 * The flow through an NVA once more, on lab nlab: the topology with its
 * NVAs in XDP; and from the same source to that NVA itself (*ceiling: the
 * fastest any path through it can be). Right after the other two, in the
 * same run.
 */
static int bench_nva(const struct bench *bx, const char *file, const char *nlab,
		     const struct bench_flow *fx, struct result *rn, struct result *ceiling)
{
	static struct bench_flow fn, fc;
	struct bench bn = { .a = bx->a, .m = bx->m };
	int rc, nva;

	bn.a.lab = nlab;
	rc = deploy_as(file, nlab, LAB_DATAPLANE_XDP, FW_DATAPLANE_XDP);
	if (!rc)
		rc = bench_open(&bn);
	fn = (struct bench_flow){ .src_vm = fx->src_vm, .src_ns = -1, .dst_ns = -1 };
	if (!rc)
		rc = resolve_dst(&bn, fx->dst_name, &fn);
	if (!rc) {
		plan_flow(&bn, &fn);
		pr_info("xvnet bench: %s, NVAs in XDP: %s\n", kind_names[FK_NVA], fn.route);
		rc = run_flow(&bn, &fn, rn);
	}
	nva = first_nva(&fn);
	fc = (struct bench_flow){ .src_vm = fx->src_vm, .src_ns = -1, .dst_ns = -1 };
	if (!rc && nva >= 0)
		rc = resolve_dst(&bn, bn.s.topo.vms[nva].name, &fc);
	if (!rc && nva >= 0) {
		plan_flow(&bn, &fc);
		pr_info("xvnet bench: ceiling: %s\n", fc.route);
		rc = run_flow(&bn, &fc, ceiling);
	}
	flow_close(&fn);
	flow_close(&fc);
	bench_close(&bn);
	lab_destroy(nlab);
	return rc;
}

/*
 * The topology twice, on both dataplanes; the same flows measured on one
 * and then the other, kind by kind, so that drift on a shared machine
 * spreads over both; both labs destroyed whatever happens.
 */
static int bench_compare(struct bench *bx)
{
	static struct bench_flow fx[FK__COUNT], fk[FK__COUNT];
	struct result rx[FK__COUNT], rk[FK__COUNT], rn, rc_nva;
	bool have[FK__COUNT] = { false };
	char file[PATH_MAX], xlab[LAB_NAME_LEN], klab[LAB_NAME_LEN], nlab[LAB_NAME_LEN];
	struct bench bk = *bx;
	int rc;

	memset(rx, 0, sizeof(rx));
	memset(rk, 0, sizeof(rk));
	memset(&rn, 0, sizeof(rn));
	memset(&rc_nva, 0, sizeof(rc_nva));
	if (bx->a.file) {
		if (!realpath(bx->a.file, file))
			return verb_bad_arg(&verb_bench, "-t: cannot read %s", bx->a.file);
	} else {
		char *f = state_topology(bx->a.lab);

		if (!f)
			return verb_bad_arg(&verb_bench, "--lab %s: not running, or its topology file is gone", bx->a.lab);
		snprintf(file, sizeof(file), "%s", f);
		free(f);
	}
	bx->s.o.topology = file;
	bx->s.verb = &verb_bench;
	if (session_load(&bx->s))
		return EXIT_USAGE;
	lab_variant(xlab, bx->s.topo.name, "-x");
	lab_variant(klab, bx->s.topo.name, "-k");
	lab_variant(nlab, bx->s.topo.name, "-n");
	session_close(&bx->s);
	memset(&bx->s, 0, sizeof(bx->s));
	bx->a.lab = xlab;
	bx->a.file = file;
	bk.a = bx->a;
	bk.a.lab = klab;
	rc = deploy_as(file, xlab, LAB_DATAPLANE_XDP, FW_DATAPLANE_NFTABLES);
	if (!rc)
		rc = deploy_as(file, klab, LAB_DATAPLANE_KERNEL, FW_DATAPLANE_NFTABLES);
	if (!rc)
		rc = bench_open(bx);
	if (!rc)
		rc = bench_open(&bk);
	if (!rc && !pick_flows(bx, fx, have)) {
		pr_err("xvnet bench: no flow from a VM that the path delivers over UDP port %d\n",
		       bx->a.port);
		rc = EXIT_FAIL;
	}
	for (int k = 0; !rc && k < FK__COUNT; k++) {
		if (!have[k])
			continue;
		fk[k] = (struct bench_flow){ .src_vm = fx[k].src_vm, .src_ns = -1, .dst_ns = -1 };
		rc = resolve_dst(&bk, fx[k].dst_name, &fk[k]);
		if (rc)
			break;
		plan_flow(&bk, &fk[k]);
		pr_info("xvnet bench: %s: %s\n", kind_names[k], fx[k].route);
		rc = run_flow(bx, &fx[k], &rx[k]);
		if (!rc)
			rc = run_flow(&bk, &fk[k], &rk[k]);
	}
	/* The kernel lab goes first: the third lab's NICs would share its CPU time. */
	if (!rc && have[FK_NVA]) {
		bench_close(&bk);
		memset(&bk, 0, sizeof(bk));
		lab_destroy(klab);
		rc = bench_nva(bx, file, nlab, &fx[FK_NVA], &rn, &rc_nva);
	}
	if (!rc && bx->a.svg) {
		const struct series two[] = { { "XDP", "#3b6ea5", rx }, { "kernel", "#c0504d", rk } };
		char title[PATH_MAX + 64];

		snprintf(title, sizeof(title), "xvnet bench --compare-dataplanes, %s", basename(file));
		rc = write_svg(bx->a.svg, title, two, 2, have);
	}
	if (!rc) {
		print_compare(bx, fx, rx, rk, have, have[FK_NVA] ? &rn : NULL, &rc_nva);
		rc = verb_print_end(EXIT_OK);
	}
	for (int k = 0; k < FK__COUNT; k++) {
		free(rx[k].drops);
		free(rk[k].drops);
		flow_close(&fx[k]);
		flow_close(&fk[k]);
	}
	free(rn.drops);
	free(rc_nva.drops);
	bench_close(&bk);
	bench_close(bx);
	lab_destroy(xlab);
	lab_destroy(klab);
	lab_destroy(nlab);
	return rc;
}

static int cmd_bench(struct verb_opts *o)
{
	struct bench b;
	int rc;

	memset(&b, 0, sizeof(b));
	rc = setup(&b.a, o);
	if (rc)
		return rc;
	bench_machine(&b.m);
	if (b.a.machine) {
		print_start(b.a.format);
		bench_print_machine(&b.m);
		return verb_print_end(EXIT_OK);
	}
	rc = lab_need_root("bench");
	if (!rc && b.a.compare)
		return bench_compare(&b);
	if (!rc)
		rc = bench_open(&b);
	if (!rc)
		rc = b.a.matrix ? bench_matrix(&b) : bench_one(&b);
	bench_close(&b);
	return rc;
}
