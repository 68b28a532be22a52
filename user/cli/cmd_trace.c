// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet trace: stream the fabric's per-frame decisions from its ring
 * buffer. The fabric emits them only while a trace runs (fabric_cli.h
 * counts the readers), so tracing costs nothing the rest of the time. It
 * names routes for the generation that handled each frame and ends when
 * its lab is destroyed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli.h"
#include "fabric_cli.h"
#include "lib/l4.h"
#include "log.h"
#include "print.h"

static int cmd_trace(struct verb_opts *o);

static const struct opt trace_opts[] = {
	{ .name = "node", .type = OPT_STRING, .off = offsetof(struct verb_opts, node), .arg = "NODE",
	  .help = "only frames from or to NODE's NIC (a VM, a gateway,\nor internet)",
	  .complete = COMPLETE_NODE },
	{ .name = "drops", .type = OPT_FLAG, .off = offsetof(struct verb_opts, drops),
	  .help = "only dropped frames" },
	OPT_PROTOCOL("only frames of protocol P: tcp, udp or icmp"),
	{ .name = "port", .type = OPT_INT, .off = offsetof(struct verb_opts, port), .arg = "N",
	  .help = "only tcp and udp frames from or to port N", .min = 1, .max = 65535 },
	{ .name = "no-arp", .type = OPT_FLAG, .off = offsetof(struct verb_opts, no_arp),
	  .help = "leave ARP out" },
	{ .name = "count", .letter = 'c', .type = OPT_INT, .off = offsetof(struct verb_opts, count), .arg = "N",
	  .help = "stop after N frames", .min = 1, .max = 1000000000 },
	{ NULL },
};

const struct verb verb_trace = {
	.name = "trace",
	.summary = "stream a running lab's per-frame fabric decisions",
	.help = "Print every frame the fabric of a running lab (default: the only one)\n"
		"handles, as it happens: addresses, protocol (TCP and UDP ports, ICMP type\n"
		"and echo id), the NIC it came from, the\n"
		"effective route it took and where it went, or why it was dropped. Stops on\n"
		"Ctrl-C, or when the lab is destroyed. Several traces of a lab may run at once.\n"
		"JSON and YAML print one document per frame, JSON on one line (NDJSON).\n",
	.examples = (const char *const[]){
		"sudo xvnet trace",
		"sudo xvnet trace --lab hubspoke -c 10 -o json",
		"sudo xvnet trace --node fw --drops --no-arp",
		"sudo xvnet trace --node app1 -p tcp --port 443",
		NULL },
	.opts = trace_opts,
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.flags = VERB_ROOT,
	.run = cmd_trace,
};

struct tracer {
	struct fabric_session *fs;
	const struct verb_opts *o;
	long seen;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void print_port(bool known, const char *key, __u16 port)
{
	if (known)
		print_uint(PRINT_ANY, key, ":%lu", port);
	else
		print_null(PRINT_JSON, key, NULL);
}

/* " echo id 7", " echo-reply id 7", " type 3 code 1" */
static void print_icmp(const struct xv_event *ev)
{
	struct xv_l4 l4 = { ev->sport, ev->dport };
	__u8 type = XV_L4_ICMP_TYPE(l4);

	print_open_object("icmp");
	if (type == XV_ICMP_ECHO || type == XV_ICMP_ECHO_REPLY) {
		print_string(PRINT_FP, NULL, " %s", type == XV_ICMP_ECHO ? "echo" : "echo-reply");
		print_uint(PRINT_JSON, "type", NULL, type);
		print_uint(PRINT_JSON, "code", NULL, XV_L4_ICMP_CODE(l4));
		print_uint(PRINT_ANY, "id", " id %lu", l4.sport);
	} else {
		print_uint(PRINT_ANY, "type", " type %lu", type);
		print_uint(PRINT_ANY, "code", " code %lu", XV_L4_ICMP_CODE(l4));
		print_null(PRINT_JSON, "id", NULL);
	}
	print_close_object();
}

static const char *proto_name(const struct xv_event *ev, char *buf, size_t len)
{
	if (ev->ethertype != 0x0800)
		return ev->ethertype == 0x0806 ? "arp" : "other";
	switch (ev->proto) {
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	}
	snprintf(buf, len, "proto %u", ev->proto);
	return buf;
}

static bool has_ports(const struct xv_event *ev)
{
	return ev->ethertype == 0x0800 && (ev->proto == IPPROTO_TCP || ev->proto == IPPROTO_UDP);
}

/*
 * The addresses, with their ports, and the protocol: "10.1.1.4:40312 >
 * 203.0.113.10:443 tcp", "10.1.1.4 > 10.2.1.4 icmp echo id 7"; JSON has
 * srcPort and dstPort (null but for TCP and UDP) and icmp: {type, code, id}.
 */
static void print_flow(const struct xv_event *ev)
{
	char src[IPV4_STRLEN], dst[IPV4_STRLEN], proto[16];
	bool ports = has_ports(ev) && (ev->sport || ev->dport);
	bool icmp = ev->ethertype == 0x0800 && ev->proto == IPPROTO_ICMP;

	print_string(PRINT_ANY, "src", "%s", ipv4_str(ntohl(ev->src), src));
	print_port(ports, "srcPort", ev->sport);
	print_string(PRINT_ANY, "dst", " > %s", ipv4_str(ntohl(ev->dst), dst));
	print_port(ports, "dstPort", ev->dport);
	print_string(PRINT_ANY, "protocol", " %s", proto_name(ev, proto, sizeof(proto)));
	if (icmp)
		print_icmp(ev);
	else
		print_null(PRINT_JSON, "icmp", NULL);
}

/* Whether the node behind a NIC is called node. */
static bool is_node(const struct fabric_names *n, __u32 slot, const char *node)
{
	char name[64];

	return fabric_node_of(n, slot, name) && !strcmp(name, node);
}

/* What --node, --drops, --protocol and --no-arp let through. */
static bool wanted(const struct verb_opts *o, const struct fabric_names *n,
		   const struct xv_event *ev)
{
	static const __u8 ipproto[] = { [FW_TCP] = IPPROTO_TCP, [FW_UDP] = IPPROTO_UDP,
					[FW_ICMP] = IPPROTO_ICMP };

	if (o->no_arp && ev->ethertype == 0x0806)
		return false;
	if (o->drops && (ev->verdict == XV_FWD || ev->verdict == XV_ARP_REPLY))
		return false;
	if (o->proto && (ev->ethertype != 0x0800 || ev->proto != ipproto[o->proto]))
		return false;
	if (o->port && (!has_ports(ev) || (ev->sport != o->port && ev->dport != o->port)))
		return false;
	return !o->node || is_node(n, ev->in, o->node) ||
	       (ev->verdict == XV_FWD && is_node(n, ev->out, o->node));
}

/* --node names a node with a NIC on the fabric: 0, or EXIT_USAGE saying why not. */
static int check_node(const struct fabric_session *fs, const char *node)
{
	const struct fabric_names *n = fs->named ? &fs->names : NULL;
	char (*names)[64], hint[128];
	int k = 0;

	if (!node)
		return 0;
	names = calloc((size_t)fs->v.nnics + 1, sizeof(*names));
	for (int i = 0; names && i < fs->v.nnics; i++) {
		if (!fabric_node_of(n, (__u32)i, names[k]))
			continue;
		if (!strcmp(names[k++], node)) {
			free(names);
			return 0;
		}
	}
	hint[0] = '\0';
	for (int i = 0; names && i < k && !*hint; i++) {
		const char *one = names[i];

		verb_did_you_mean(hint, sizeof(hint), node, &one, sizeof(one), 1);
	}
	free(names);
	pr_err("xvnet trace: lab %s has no VM or gateway '%s'%s\n", fs->lab,
		diag_value(node), hint);
	return EXIT_USAGE;
}

/* 10.1.1.4 > 8.8.8.8 icmp  from app1 (spoke1/app)  route ...  -> fw (hub/fw) */
static int on_event(void *ctx, void *data, size_t len)
{
	struct tracer *tr = ctx;
	struct xv_event copy = { 0 }, *ev = &copy;
	const struct fabric_names *n;

	/* One poll may bring more frames than -c still wants. */
	if (len < offsetof(struct xv_event, sport) ||
	    (tr->fs->count && tr->seen >= tr->fs->count))
		return 0;
	/* an older fabric's event has no ports: they stay 0 */
	memcpy(&copy, data, len < sizeof(copy) ? len : sizeof(copy));
	/* named as the generation that handled it had them */
	n = fabric_session_names(tr->fs, ev->gen);
	if (!wanted(tr->o, n, ev))
		return 0;
	print_start(tr->fs->format);
	print_flow(ev);
	fabric_print_nic(tr->fs, n, "from", "  from %s", ev->in);
	fabric_print_route(n, "route", "  route %s", ev->route_id, ev->dst);
	if (ev->verdict == XV_FWD) {
		fabric_print_nic(tr->fs, n, "to", "  -> %s", ev->out);
		print_null(PRINT_JSON, "drop", NULL);
	} else if (ev->verdict == XV_ARP_REPLY) {
		print_string(PRINT_FP, "to", "  -> %s", "arp reply");
		print_null(PRINT_JSON, "to", NULL);
		print_bool(PRINT_JSON, "arpReply", NULL, true);
		print_null(PRINT_JSON, "drop", NULL);
	} else {
		print_null(PRINT_JSON, "to", NULL);
		print_string(PRINT_ANY, "drop", "  -> drop %s", fabric_verdict_name(ev->verdict));
	}
	print_string(PRINT_FP, NULL, "\n", NULL);
	if (verb_print_end(EXIT_OK))
		return -EIO;
	fflush(stdout);
	if (tr->fs->count && ++tr->seen >= tr->fs->count)
		stop = 1;
	return 0;
}

static int cmd_trace(struct verb_opts *o)
{
	struct fabric_session fs;
	struct ring_buffer *rb = NULL;
	struct tracer tr = { &fs, o, 0 };
	int rc = fabric_session_open(&fs, o), err = 0;

	if (!rc)
		rc = check_node(&fs, o->node);
	if (rc)
		goto out;
	print_stream(true);	/* one frame, one line, in every format */
	rc = EXIT_FAIL;
	/* every way out frees the reader slot: a closed pipe ends the loop too */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	err = fabric_trace_join(&fs);
	if (!err) {
		rb = ring_buffer__new(fs.ring, on_event, &tr, NULL);
		err = rb ? 0 : -errno;
	}
	if (err) {
		pr_err("xvnet trace: cannot trace lab %s: %s\n", fs.lab,
			err == -EBUSY ? "too many traces running" :
			err == -EPROTO ? "deployed by an older xvnet (destroy and deploy it)" :
			strerror(-err));
		goto out;
	}
	/* a lab destroyed sends nothing more: look for it after 200 ms of silence */
	while (!stop && (err = ring_buffer__poll(rb, 200)) >= 0) {
		if (!err && !fabric_lab_alive(&fs)) {
			pr_info("xvnet trace: lab %s was destroyed\n", fs.lab);
			break;
		}
	}
	rc = err < 0 && err != -EINTR ? EXIT_FAIL : EXIT_OK;
out:
	ring_buffer__free(rb);
	fabric_session_close(&fs);
	return rc;
}
