// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet export: a topology as the JSON the az CLI (--format az) or ARM
 * (--format arm) would show for it, one file per list, into DIR. The
 * conversion is az_export() (azure_export.c, pure); this file loads the
 * topology and writes the files: DIR is created when absent, and files are
 * created under it without following a link.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "azure.h"
#include "cli.h"
#include "topo.h"

static const char export_usage[] =
	"Usage: xvnet export -t FILE [--format az|arm] [--resource-group RG] DIR\n"
	"Write the topology as Azure would show it, into DIR (created when absent):\n"
	"  az   one file per `az network ... list -o json` command (vnet-list.json,\n"
	"       route-table-list.json, vnet-gateway-list.json, ...), the default;\n"
	"  arm  resources.json, an ARM list {\"value\": [...]} with properties nested.\n"
	"Sites behind ExpressRoute are written as their gateway's learned routes\n"
	"(learned-routes-<gateway>.json), firewall NVAs as Azure Firewalls. `xvnet\n"
	"import DIR` reads it all back.\n"
	"\n"
	"Options:\n"
	"  -t, --topology FILE      the topology file (default: $XVNET_TOPOLOGY)\n"
	"  -f, --format az|arm      the shape to write (default: az)\n"
	"  -g, --resource-group RG  the resource group in the ids (default: rg-LAB)\n"
	"  -h, --help               print this help\n";

/* Open (creating) dir; it must be a directory, not a link. */
static int open_dir(const char *dir)
{
	int fd;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "xvnet export: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "xvnet export: %s: %s\n", dir,
			errno == ELOOP || errno == ENOTDIR ? "not a directory" : strerror(errno));
	return fd;
}

static int write_files(const char *dir, const struct az_file *files, int n)
{
	int dfd = open_dir(dir), rc = 0;

	if (dfd < 0)
		return -1;
	for (int i = 0; i < n && !rc; i++) {
		int fd = openat(dfd, files[i].name,
				O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

		if (!f || json_dumpf(files[i].root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) ||
		    fputc('\n', f) == EOF) {
			fprintf(stderr, "xvnet export: %s/%s: %s\n", dir, files[i].name,
				strerror(errno));
			rc = -1;
		}
		if (f && fclose(f) && !rc) {
			fprintf(stderr, "xvnet export: %s/%s: %s\n", dir, files[i].name,
				strerror(errno));
			rc = -1;
		} else if (!f && fd >= 0) {
			close(fd);
		}
	}
	close(dfd);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "topology", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "resource-group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = getenv("XVNET_TOPOLOGY"), *rg = NULL;
	enum az_format fmt = AZ_FORMAT_AZ;
	struct diags d = { 0 };
	struct az_file *files;
	struct topology t;
	char *own_rg = NULL;
	int c, n, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "t:f:g:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			file = optarg;
			break;
		case 'f':
			if (!strcmp(optarg, "az")) {
				fmt = AZ_FORMAT_AZ;
			} else if (!strcmp(optarg, "arm")) {
				fmt = AZ_FORMAT_ARM;
			} else {
				fprintf(stderr, "xvnet export: bad format '%s': use az or arm\n",
					diag_value(optarg));
				return EXIT_USAGE;
			}
			break;
		case 'g':
			rg = optarg;
			break;
		case 'h':
			fputs(export_usage, stdout);
			return EXIT_OK;
		default:
			fputs(export_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || !file || !*file) {
		fprintf(stderr, "xvnet export: %s\n", !file || !*file ?
			"no topology: give -t FILE or set XVNET_TOPOLOGY" :
			"give exactly one DIR");
		fputs(export_usage, stderr);
		return EXIT_USAGE;
	}
	if (rg && (!*rg || strpbrk(rg, "/\\ \t\n"))) {
		fprintf(stderr, "xvnet export: bad resource group '%s'\n", diag_value(rg));
		return EXIT_USAGE;
	}
	if (topo_load(file, &t, &d)) {
		for (int i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		diags_free(&d);
		return EXIT_USAGE;
	}
	diags_free(&d);
	if (!rg && asprintf(&own_rg, "rg-%s", t.name) < 0)
		diags_oom();
	az_export(&t, fmt, rg ? rg : own_rg, &files, &n);
	rc = write_files(argv[optind], files, n) ? EXIT_FAIL : EXIT_OK;
	if (!rc)
		fprintf(stderr, "xvnet export: %d file(s) in %s\n", n, argv[optind]);
	az_files_free(files, n);
	free(own_rg);
	topo_free(&t);
	return rc;
}
