// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet stats: the running fabric's per-CPU counters, summed: per NIC
 * (frames and bytes in and out, each verdict) and per route (hits);
 * --watch adds each NIC's rates since the print before.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fabric_cli.h"
#include "log.h"
#include "print.h"

static int cmd_stats(struct verb_opts *o);

static const struct opt stats_opts[] = {
	{ .name = "watch", .letter = 'w', .type = OPT_FLAG, .off = offsetof(struct verb_opts, watch),
	  .help = "print again every second until interrupted, with each\nNIC's rates (frames/s, bit/s) since the print before\n(JSON: one line per second)" },
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
	/* --watch: rates since the print before */
	{ "rxPps", "Rx Frames/s" },
	{ "rxBps", "Rx bit/s" },
	{ "txPps", "Tx Frames/s" },
	{ "txBps", "Tx bit/s" },
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

/* A NIC's rates over dt seconds since prev (--watch); before the first interval, none. */
static void print_rates(const struct xv_nic_stats *st, const struct xv_nic_stats *prev, double dt)
{
	if (!prev || dt <= 0) {
		print_null(PRINT_JSON, "rxPps", NULL);
		print_null(PRINT_JSON, "rxBps", NULL);
		print_null(PRINT_JSON, "txPps", NULL);
		print_null(PRINT_JSON, "txBps", NULL);
		return;
	}
	print_double(PRINT_ANY, "rxPps", "%.0f", (st->rx - prev->rx) / dt);
	print_double(PRINT_ANY, "rxBps", "%.0f", (st->rx_bytes - prev->rx_bytes) * 8 / dt);
	print_double(PRINT_ANY, "txPps", "%.0f", (st->tx - prev->tx) / dt);
	print_double(PRINT_ANY, "txBps", "%.0f", (st->tx_bytes - prev->tx_bytes) * 8 / dt);
}

static int print_nics(const struct fabric_session *fs, struct xv_nic_stats *st,
		      const struct xv_nic_stats *prev, double dt)
{
	const struct fabric_names *n = fs->named ? &fs->names : NULL;
	int err;

	print_table_open("nics", nic_cols, NCOLS(nic_cols) - (fs->watch ? 0 : 4));
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
		if (fs->watch)
			print_rates(&st[k], prev ? &prev[k] : NULL, dt);
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

static int print_once(const struct fabric_session *fs, struct xv_nic_stats *st,
		      const struct xv_nic_stats *prev, double dt)
{
	int err;

	print_start(fs->format);
	err = print_nics(fs, st, prev, dt);
	if (err) {
		print_end();
		pr_err("xvnet stats: reading counters: %s\n", strerror(-err));
		return EXIT_FAIL;
	}
	print_drops(fs, st);
	print_routes(fs);
	return verb_print_end(EXIT_OK);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_stats(struct verb_opts *o)
{
	struct xv_nic_stats *st = NULL, *prev = NULL, *swap;
	struct fabric_session fs;
	int rc = fabric_session_open(&fs, o);
	double t, t_prev = 0;

	if (rc)
		goto out;
	st = calloc((size_t)fs.v.nnics + 1, sizeof(*st));
	prev = calloc((size_t)fs.v.nnics + 1, sizeof(*prev));
	if (!st || !prev) {
		rc = EXIT_FAIL;
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	print_stream(fs.watch);	/* JSON: one line a second */
	for (bool first = true;; first = false) {
		if (fs.watch && fs.format == FORMAT_TABLE && print_color())
			fputs("\033[H\033[J", stdout);	/* redraw in place */
		else if (fs.watch && fs.format == FORMAT_TABLE && !first)
			fputs("\n", stdout);	/* off a terminal: one after the other */
		t = now_s();
		rc = print_once(&fs, st, first ? NULL : prev, t - t_prev);
		t_prev = t;
		swap = prev, prev = st, st = swap;
		fflush(stdout);
		if (!fs.watch || rc != EXIT_OK || sleep(1) || stop)
			break;
		if (!fabric_lab_alive(&fs)) {
			pr_info("xvnet stats: lab %s was destroyed\n", fs.lab);
			break;
		}
	}
out:
	free(st);
	free(prev);
	fabric_session_close(&fs);
	return rc;
}
