// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet stats: the running fabric's per-CPU counters, summed: per NIC
 * (frames and bytes in and out, each verdict) and per route (hits).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fabric_cli.h"
#include "log.h"
#include "print.h"

static int cmd_stats(struct verb_opts *o);

static const struct opt stats_opts[] = {
	{ .name = "watch", .letter = 'w', .type = OPT_FLAG, .off = offsetof(struct verb_opts, watch),
	  .help = "print again every second until interrupted (JSON:\none line per second)" },
	{ NULL },
};

const struct verb verb_stats = {
	.name = "stats",
	.summary = "a running lab's fabric counters",
	.help = "Print the fabric's counters of a running lab (default: the only one): per\n"
		"NIC, the frames and bytes received from it and delivered to it, and how many\n"
		"frames it sent were dropped and why; per effective route, how many frames it\n"
		"forwarded (routes without hits are left out). NICs and routes are named as\n"
		"the lab was deployed or last applied; in JSON, a NIC is {vm|gateway, vnet,\n"
		"subnet} and a route {addressPrefix, source, nextHopType, nextHopIpAddress}.\n",
	.examples = (const char *const[]){
		"sudo xvnet stats",
		"sudo xvnet stats --lab hubspoke --watch -o json",
		NULL },
	.opts = stats_opts,
	.common = VERB_TOPOLOGY | VERB_LAB | VERB_OUTPUT,
	.flags = VERB_ROOT,
	.run = cmd_stats,
};

static const struct column nic_cols[] = {
	{ "nic", "NIC" },
	{ "rx", "Rx" },
	{ "rxBytes", "Rx Bytes" },
	{ "tx", "Tx" },
	{ "txBytes", "Tx Bytes" },
	{ "arpReplies", "ARP Replies" },
	{ "dropped", "Dropped" },
};

static const struct column drop_cols[] = {
	{ "nic", "NIC" },
	{ "reason", "Drop Reason" },
	{ "frames", "Frames" },
};

static const struct column route_cols[] = {
	{ "table", "Subnet / Gateway" },
	{ "route", "Route" },
	{ "hits", "Hits" },
};

#define NCOLS(c) (int)(sizeof(c) / sizeof((c)[0]))

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static __u64 dropped(const struct xv_nic_stats *st)
{
	__u64 n = 0;

	for (int v = XV_DROP_NONE_ROUTE; v < XV_VERDICT__COUNT; v++)
		n += st->verdict[v];
	return n;
}

/* A NIC's cell (JSON: its node's fields); slot nnics counts frames from no NIC. */
static void print_nic(const struct fabric_session *fs, const struct fabric_names *n, int k)
{
	if (k < fs->v.nnics) {
		fabric_print_nic(fs, n, "nic", NULL, (__u32)k);
	} else {
		print_string(PRINT_FP, "nic", NULL, "(not a NIC)");
		print_null(PRINT_JSON, "nic", NULL);
	}
}

static int print_nics(const struct fabric_session *fs, struct xv_nic_stats *st)
{
	const struct fabric_names *n = fs->named ? &fs->names : NULL;
	int err;

	print_table_open("nics", nic_cols, NCOLS(nic_cols));
	for (int k = 0; k <= fs->v.nnics; k++) {
		err = fabric_read_stats(&fs->v, k, &st[k]);
		if (err)
			return err;
		if (k == fs->v.nnics && !st[k].rx)
			continue;
		print_row_open();
		print_nic(fs, n, k);
		print_uint(PRINT_ANY, "rx", NULL, st[k].rx);
		print_uint(PRINT_ANY, "rxBytes", NULL, st[k].rx_bytes);
		print_uint(PRINT_ANY, "tx", NULL, st[k].tx);
		print_uint(PRINT_ANY, "txBytes", NULL, st[k].tx_bytes);
		print_uint(PRINT_ANY, "arpReplies", NULL, st[k].verdict[XV_ARP_REPLY]);
		print_uint(PRINT_ANY, "dropped", NULL, dropped(&st[k]));
		print_row_close();
	}
	print_table_close();
	return 0;
}

static void print_drops(const struct fabric_session *fs, const struct xv_nic_stats *st)
{
	const struct fabric_names *n = fs->named ? &fs->names : NULL;

	print_table_open("drops", drop_cols, NCOLS(drop_cols));
	for (int k = 0; k <= fs->v.nnics; k++) {
		for (int v = XV_DROP_NONE_ROUTE; v < XV_VERDICT__COUNT; v++) {
			if (!st[k].verdict[v])
				continue;
			print_row_open();
			print_nic(fs, n, k);
			print_string(PRINT_ANY, "reason", NULL, fabric_verdict_name(v));
			print_uint(PRINT_ANY, "frames", NULL, st[k].verdict[v]);
			print_row_close();
		}
	}
	print_table_close();
}

/*
 * Routes are named from the generation's names table; without it there is
 * nothing to list. A gateway's learned routes share one counter
 * (xvnet_abi.h).
 */
static void print_routes(const struct fabric_session *fs)
{
	const struct fabric_names *n = &fs->names;
	int nhits = fs->named ? fabric_names_hits(n) : 0;
	__u64 hits;

	print_table_open("routes", route_cols, NCOLS(route_cols));
	for (int i = 0; i < nhits; i++) {
		if (fabric_read_hits(&fs->v, i, &hits) || !hits)
			continue;
		print_row_open();
		print_string(PRINT_ANY, "table", NULL, fabric_names_table(n, i));
		if (i < n->nown) {
			fabric_print_route(n, "route", NULL, (__u32)i, 0);
		} else {
			print_string(PRINT_FP, "route", NULL, "(every learned route)");
			print_null(PRINT_JSON, "route", NULL);
			print_bool(PRINT_JSON, "learnedRoutes", NULL, true);
		}
		print_uint(PRINT_ANY, "hits", NULL, hits);
		print_row_close();
	}
	print_table_close();
}

static int print_once(const struct fabric_session *fs)
{
	struct xv_nic_stats st[fs->v.nnics + 1];
	int err;

	print_start(fs->format);
	err = print_nics(fs, st);
	if (err) {
		print_end();
		pr_err("xvnet stats: reading counters: %s\n", strerror(-err));
		return EXIT_FAIL;
	}
	print_drops(fs, st);
	print_routes(fs);
	return verb_print_end(EXIT_OK);
}

static int cmd_stats(struct verb_opts *o)
{
	struct fabric_session fs;
	int rc = fabric_session_open(&fs, o);

	if (rc)
		goto out;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	print_stream(fs.watch);	/* JSON: one line a second */
	for (bool first = true;; first = false) {
		if (fs.watch && fs.format == FORMAT_TABLE && print_color())
			fputs("\033[H\033[J", stdout);	/* redraw in place */
		else if (fs.watch && fs.format == FORMAT_TABLE && !first)
			fputs("\n", stdout);	/* off a terminal: one after the other */
		rc = print_once(&fs);
		fflush(stdout);
		if (!fs.watch || rc != EXIT_OK || sleep(1) || stop)
			break;
	}
out:
	fabric_session_close(&fs);
	return rc;
}
