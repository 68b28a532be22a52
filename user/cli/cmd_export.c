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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "azure.h"
#include "cli.h"
#include "log.h"
#include "topo.h"

static int cmd_export(struct verb_opts *o);

struct export_cli {
	int format;		/* export_formats index: enum az_format */
	const char *group;	/* --resource-group */
};

#define OWN(field) offsetof(struct export_cli, field)

static const char *const export_formats[] = { "az", "arm", NULL };

static const struct opt export_opts[] = {
	{ .name = "format", .letter = 'f', .type = OPT_CHOICE, .off = OWN(format), .arg = "FORMAT",
	  .help = "az: one file per `az network ... list -o json` (default);\n"
		  "arm: resources.json, an ARM list with properties nested",
	  .choices = export_formats, .complete = COMPLETE_CHOICE, .own = true },
	{ .name = "resource-group", .letter = 'g', .type = OPT_STRING, .off = OWN(group),
	  .arg = "RG", .help = "the resource group in the ids (default: rg-LAB)", .own = true },
	{ NULL },
};

const struct verb verb_export = {
	.name = "export",
	.summary = "write a topology as the JSON of the az CLI or ARM",
	.operands = "DIR",
	.nmin = 1, .nmax = 1,
	.operand_complete = { COMPLETE_FILE },
	.help = "Write the topology as Azure would show it, into DIR (created when absent):\n"
		"with --format az one file per `az network ... list -o json` command\n"
		"(vnet-list.json, route-table-list.json, vnet-gateway-list.json, ...), with\n"
		"--format arm one resources.json, an ARM list {\"value\": [...]} with the\n"
		"properties nested. Sites behind ExpressRoute are written as their gateway's\n"
		"learned routes (learned-routes-<gateway>.json), firewall NVAs as Azure\n"
		"Firewalls. `xvnet import DIR` reads it all back.\n",
	.examples = (const char *const[]){
		"xvnet export -t examples/hub-spoke.yaml exported/",
		"xvnet export -t examples/two-hubs-er.yaml --format arm -g rg-net arm/",
		NULL },
	.opts = export_opts,
	.common = VERB_TOPOLOGY,
	.own_size = sizeof(struct export_cli),
	.run = cmd_export,
};

/* Open (creating) dir; it must be a directory, not a link. */
static int open_dir(const char *dir)
{
	int fd;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		pr_err("xvnet export: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		pr_err("xvnet export: %s: %s\n", dir,
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
			pr_err("xvnet export: %s/%s: %s\n", dir, files[i].name,
			       strerror(errno));
			rc = -1;
		}
		if (f && fclose(f) && !rc) {
			pr_err("xvnet export: %s/%s: %s\n", dir, files[i].name,
			       strerror(errno));
			rc = -1;
		} else if (!f && fd >= 0) {
			close(fd);
		}
	}
	close(dfd);
	return rc;
}

static int cmd_export(struct verb_opts *o)
{
	const struct export_cli *c = o->own;
	struct session s = { 0 };
	struct az_file *files;
	char *own_rg = NULL;
	const char *rg = c->group;
	int n, rc;

	if (rg && (!*rg || strpbrk(rg, "/\\ \t\n")))
		return verb_usage_error(o->verb, "bad resource group '%s'", diag_value(rg));
	s.verb = o->verb;
	s.o = *o;
	rc = session_topology(&s);
	if (!rc)
		rc = session_load(&s);
	if (rc)
		goto out;
	if (!rg && asprintf(&own_rg, "rg-%s", s.topo.name) < 0)
		diags_oom();
	az_export(&s.topo, c->format ? AZ_FORMAT_ARM : AZ_FORMAT_AZ, rg ? rg : own_rg, &files, &n);
	rc = write_files(o->args[0], files, n) ? EXIT_FAIL : EXIT_OK;
	if (!rc)
		pr_info("xvnet export: %d file(s) in %s\n", n, o->args[0]);
	az_files_free(files, n);
	free(own_rg);
out:
	session_close(&s);
	return rc;
}
