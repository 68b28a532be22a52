// SPDX-License-Identifier: GPL-2.0
/*
 * xvnet import: Azure's JSON files (az CLI output, ARM resources, learned
 * routes) -> a topology file. This file does the I/O: it reads the files
 * and directories named, hands the parsed JSON to az_import()
 * (azure_import.c, pure), checks the result as `xvnet check` would, and
 * writes it (-o: through a temporary file renamed into place).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "azure.h"
#include "cli.h"
#include "log.h"
#include "topo.h"

static int cmd_import(struct verb_opts *o);

struct import_cli {
	const char *out, *name;
	bool strict;
};

#define OWN(field) offsetof(struct import_cli, field)

static const struct opt import_opts[] = {
	{ .name = "output", .letter = 'o', .type = OPT_STRING, .off = OWN(out), .arg = "FILE",
	  .help = "write the topology there (default: stdout)", .complete = COMPLETE_FILE,
	  .own = true },
	{ .name = "name", .type = OPT_LAB, .off = OWN(name), .arg = "LAB",
	  .help = "the lab name (default: from FILE's name, else 'imported')", .own = true },
	{ .name = "strict", .type = OPT_FLAG, .off = OWN(strict),
	  .help = "a reference to a resource absent from the input is an error", .own = true },
	{ NULL },
};

const struct verb verb_import = {
	.name = "import",
	.summary = "build a topology file from Azure's JSON (az CLI, ARM)",
	.operands = "FILE|DIR...",
	.nmin = 1, .nmax = -1,
	.operand_complete = { COMPLETE_FILE },
	.help = "Build a topology file from Azure's own JSON: the output of `az network vnet\n"
		"list`, `route-table list`, `vnet-gateway list`, `local-gateway list`,\n"
		"`vpn-connection list`, `nic list`, `express-route list`, `firewall list`,\n"
		"`vnet-gateway list-learned-routes` (saved as learned-routes-<gateway>.json),\n"
		"or ARM resources (`az graph query`, `az resource show`, ARM lists). Files are\n"
		"recognised by their content; a directory is read with its subdirectories\n"
		"(*.json files). What xvnet does not model is listed on stderr and as comments.\n",
	.examples = (const char *const[]){
		"xvnet import -o hub.yaml exported/",
		"xvnet import --name hub --strict vnets.json route-tables.json",
		NULL },
	.opts = import_opts,
	.own_size = sizeof(struct import_cli),
	.run = cmd_import,
};

#define IMPORT_MAX_FILE (1u << 30) /* bytes of one JSON file */
#define IMPORT_MAX_DEPTH 4	   /* directory levels below a DIR argument */

struct docs {
	struct az_doc *v;
	int n, cap;
	int bad; /* files that could not be read or parsed */
};

static void docs_add(struct docs *d, char *file, json_t *root)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = realloc(d->v, (size_t)d->cap * sizeof(*d->v));
		if (!d->v)
			diags_oom();
	}
	d->v[d->n++] = (struct az_doc){ file, root };
}

static void docs_free(struct docs *d)
{
	for (int i = 0; i < d->n; i++) {
		free((char *)d->v[i].file);
		json_decref(d->v[i].root);
	}
	free(d->v);
}

/* Read and parse one JSON file; errors as FILE:LINE:COL on stderr. */
static void read_json(struct docs *d, const char *path)
{
	json_error_t err;
	struct stat st;
	json_t *root;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st)) {
		pr_err("xvnet import: %s: %s\n", path, strerror(errno));
		d->bad++;
	} else if (!S_ISREG(st.st_mode)) {
		pr_err("xvnet import: %s: not a regular file\n", path);
		d->bad++;
	} else if ((unsigned long long)st.st_size > IMPORT_MAX_FILE) {
		pr_err("xvnet import: %s: larger than 1 GiB\n", path);
		d->bad++;
	} else if (st.st_size == 0) {
		pr_warn("xvnet import: %s: empty; skipped\n", path);
	} else {
		FILE *f = fdopen(fd, "r");

		if (!f)
			diags_oom();
		root = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
		fclose(f);
		fd = -1;
		if (root) {
			char *name = strdup(path);

			if (!name)
				diags_oom();
			docs_add(d, name, root);
		} else {
			pr_err("%s:%d:%d: error: not valid JSON: %s\n", path,
			       err.line, err.column, err.text);
			d->bad++;
		}
	}
	if (fd >= 0)
		close(fd);
}

static bool is_json_name(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && !strcasecmp(name + n - 5, ".json");
}

/* Every *.json below dir, in name order; symbolic links are not followed. */
static void read_dir(struct docs *d, const char *dir, int depth)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	if (n < 0) {
		pr_err("xvnet import: %s: %s\n", dir, strerror(errno));
		d->bad++;
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char *path;
		struct stat st;

		if (name[0] == '.')
			goto next;
		if (asprintf(&path, "%s/%s", dir, name) < 0)
			diags_oom();
		if (!lstat(path, &st) && S_ISDIR(st.st_mode) && depth < IMPORT_MAX_DEPTH)
			read_dir(d, path, depth + 1);
		else if (!lstat(path, &st) && S_ISREG(st.st_mode) && is_json_name(name))
			read_json(d, path);
		free(path);
next:
		free(ents[i]);
	}
	free(ents);
}

static void read_arg(struct docs *d, const char *path)
{
	struct stat st;

	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		read_dir(d, path, 0);
	else
		read_json(d, path);
}

/* The lab name from OUT.yaml's name: lowercase, [a-z][a-z0-9-]{0,11}. */
static void lab_from_file(const char *out, char name[13])
{
	const char *b = out ? strrchr(out, '/') : NULL;
	int n = 0;

	for (const char *p = b ? b + 1 : out; p && *p && *p != '.' && n < 12; p++) {
		char ch = (char)tolower((unsigned char)*p);

		if ((ch >= 'a' && ch <= 'z') || (n && ((ch >= '0' && ch <= '9') || ch == '-')))
			name[n++] = ch;
		else if (n && ch == '_')
			name[n++] = '-';
	}
	name[n] = '\0';
	while (n && name[n - 1] == '-')
		name[--n] = '\0';
	if (!valid_lab_name(name))
		strcpy(name, "imported");
}

/* Write text to path through a temporary file in the same directory. */
static int write_file(const char *path, const char *text, size_t len)
{
	char *tmp;
	int fd, rc = 0;

	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		diags_oom();
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		pr_err("xvnet import: %s: %s\n", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) || close(fd) ||
	    rename(tmp, path)) {
		pr_err("xvnet import: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	return rc;
}

/* "1 VNet", "3 VNets": valid until the 8th call after this one. */
static const char *count(int n, const char *what)
{
	static char ring[8][48];
	static int next;
	char *out = ring[next++ % 8];

	snprintf(out, sizeof(ring[0]), "%d %s%s", n, what, n == 1 ? "" : "s");
	return out;
}

/* The result must pass `xvnet check`: parse it back. */
static int check_result(const char *shown, const struct az_import *r)
{
	struct topology t;
	struct diags d = { 0 };

	if (!topo_parse(shown, r->yaml, r->len, &t, &d)) {
		if (!t.nvnets) {
			pr_err("xvnet import: no virtual network could be imported; nothing written\n");
			topo_free(&t);
			diags_free(&d);
			return EXIT_USAGE;
		}
		pr_info("xvnet import: %s: %s, %s, %s, %s, %s, %s, %s\n", shown,
			count(t.nvnets, "VNet"), count(t.nsubnets, "subnet"),
			count(t.npeerings, "peering"), count(t.nroute_tables, "route table"),
			count(t.ngateways, "gateway"), count(t.nsites, "site"), count(t.nvms, "VM"));
		topo_free(&t);
		diags_free(&d);
		return EXIT_OK;
	}
	for (int i = 0; i < d.n; i++)
		pr_err("%s\n", d.lines[i]);
	pr_err("xvnet import: the imported topology does not pass check (above); edit it and run `xvnet check`\n");
	diags_free(&d);
	return EXIT_FAIL;
}

static int cmd_import(struct verb_opts *opts)
{
	const struct import_cli *c = opts->own;
	struct az_import_opts o = { .strict = c->strict };
	const char *out = c->out, *lab = c->name;
	struct docs d = { 0 };
	struct az_import r;
	char name[13];
	int rc;

	lab_from_file(out, name);
	o.lab_name = lab ? lab : name;
	for (int i = 0; i < opts->nargs; i++)
		read_arg(&d, opts->args[i]);
	if (d.bad) {
		pr_err("xvnet import: %d file(s) could not be read; nothing written\n", d.bad);
		docs_free(&d);
		return EXIT_USAGE;
	}
	rc = az_import(d.v, d.n, &o, &r);
	for (int i = 0; i < r.notes.n; i++)
		pr_warn("xvnet import: %s\n", r.notes.lines[i]);
	if (rc) {
		pr_err("xvnet import: nothing written\n");
		rc = EXIT_USAGE;
	} else {
		rc = check_result(out ? out : "<stdout>", &r);
		if (rc == EXIT_USAGE)
			;
		else if (out && write_file(out, r.yaml, r.len))
			rc = EXIT_FAIL;
		else if (!out && (fwrite(r.yaml, 1, r.len, stdout) != r.len || fflush(stdout)))
			rc = EXIT_FAIL;
	}
	az_import_free(&r);
	docs_free(&d);
	return rc;
}
