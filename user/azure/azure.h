/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Azure's own JSON in and out: what `xvnet import`, `xvnet export` and the
 * `--compare` option of routes and nexthop share. Everything declared here
 * is pure (no files, no stdout): the cmd_*.c verbs do the I/O.
 *
 *  - azure_import.c: parsed JSON documents (az CLI flattened output, ARM
 *    resources, learned routes) -> the text of a topology file (YAML);
 *  - azure_export.c: a struct topology -> the JSON documents `az` or ARM
 *    would show for it, the shapes azure_import.c reads;
 *  - azure_compare.c: xvnet's effective routes or next hop against a saved
 *    `az network nic show-effective-route-table` / `az network watcher
 *    show-next-hop` output.
 */
#ifndef XVNET_AZURE_H
#define XVNET_AZURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* ---- import ---- */

/* One JSON file as read: its name (messages, learned-routes-<gw>.json). */
struct az_doc {
	const char *file;
	json_t *root;
};

struct az_import_opts {
	const char *lab_name; /* the topology's name: */
	bool strict;	      /* references to absent resources are errors */
};

/* Lines for stderr; notes are also written as comments into the YAML. */
struct az_report {
	char **lines;
	int n, cap;
};

struct az_import {
	char *yaml;		 /* the topology file's text, malloc'd */
	size_t len;
	int nresources;		 /* Azure resources read (all kinds) */
	int nerrors;		 /* --strict failures, unreadable values */
	struct az_report notes;	 /* unmodelled, skipped, absent: one line each */
};

/*
 * Convert docs into a topology file. Returns 0 (out filled, maybe with
 * notes), or -1 when nothing usable was found or --strict failed (the
 * reasons in out->notes, out->yaml NULL). Out of memory exits (diags_oom).
 */
int az_import(const struct az_doc *docs, int ndocs,
	      const struct az_import_opts *o, struct az_import *out);
void az_import_free(struct az_import *out);

/* ---- export ---- */

enum az_format { AZ_FORMAT_AZ, AZ_FORMAT_ARM };

/* One file to write: its name inside the output directory, its JSON. */
struct az_file {
	char *name;
	json_t *root;
};

/*
 * The topology as Azure would show it. AZ_FORMAT_AZ: one file per
 * `az network ... list` command (flattened objects, resourceGroup set);
 * AZ_FORMAT_ARM: one {"value": [...]} list of ARM resources (properties
 * nested). ER gateways get a learned-routes-<gateway>.json: what their
 * circuit's other members advertise. rg is the resource group to claim.
 */
int az_export(const struct topology *t, enum az_format f, const char *rg,
	      struct az_file **files, int *nfiles);
void az_files_free(struct az_file *files, int n);

/* The resource id xvnet gives a topology object of that ARM type. */
char *az_resource_id(const char *rg, const char *type, const char *name,
		     const char *child_type, const char *child);

#endif
