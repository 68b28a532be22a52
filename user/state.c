// SPDX-License-Identifier: GPL-2.0
/* The lab state file (see state.h), with jansson. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"
#include "state.h"

static void state_path(char *buf, size_t len, const char *lab, const char *f)
{
	snprintf(buf, len, STATE_ROOT "/%s%s%s", lab, f ? "/" : "", f ? f : "");
}

/* A node's address as the table shows it: its NIC's, or its hosts'. */
static json_t *node_address(const struct lab_plan *p, int n)
{
	char buf[PREFIX_STRLEN], out[256] = "";
	int l = p->nic_link[n];

	if (l >= 0 && p->links[l].end[1].addr) {
		struct prefix px = { p->links[l].end[1].addr,
				     p->links[l].end[1].plen };

		return json_string(prefix_str(px, buf));
	}
	for (int i = 0; i < p->naddrs; i++) {
		if (p->addrs[i].node != n)
			continue;
		if (strlen(out) + IPV4_STRLEN + 1 >= sizeof(out))
			break;
		if (*out)
			strcat(out, ",");
		strcat(out, ipv4_str(p->addrs[i].addr, buf));
	}
	return json_string(out);
}

static json_t *node_json(const struct lab_plan *p, int n)
{
	const struct lab_node *nd = &p->nodes[n];
	int l = p->nic_link[n];

	return json_pack("{s:s, s:s, s:s, s:o, s:s?}", "name", nd->name,
			 "kind", lab_node_kind_name(nd->kind), "netns", nd->netns,
			 "address", node_address(p, n),
			 "nic", l >= 0 ? p->links[l].end[0].ifname : NULL);
}

int state_write(const struct lab_plan *p, const char *file, const char *status,
		const char *pin_dir)
{
	char dir[PATH_MAX], tmp[PATH_MAX], path[PATH_MAX];
	json_t *nodes = json_array(), *root;
	char abs[PATH_MAX];
	int err = 0;

	/* stats and trace name NICs and routes from it, from any directory */
	if (realpath(file, abs))
		file = abs;
	for (int i = 0; i < p->nnodes; i++)
		json_array_append_new(nodes, node_json(p, i));
	root = json_pack("{s:s, s:s, s:i, s:s, s:s, s:o}", "lab", p->lab,
			 "file", file, "pid", (int)getpid(), "status", status,
			 "pinDir", pin_dir, "nodes", nodes);
	if (!root)
		return -ENOMEM;
	mkdir(STATE_ROOT, 0755);
	state_path(dir, sizeof(dir), p->lab, NULL);
	state_path(tmp, sizeof(tmp), p->lab, "state.json.tmp");
	state_path(path, sizeof(path), p->lab, "state.json");
	if (mkdir(dir, 0755) && errno != EEXIST)
		err = -errno;
	else if (json_dump_file(root, tmp, JSON_INDENT(1)))
		err = -EIO;
	else if (rename(tmp, path))
		err = -errno;
	json_decref(root);
	return err;
}

json_t *state_read(const char *lab)
{
	char path[PATH_MAX];

	state_path(path, sizeof(path), lab, "state.json");
	return json_load_file(path, 0, NULL);
}

char *state_topology(const char *lab)
{
	json_t *st = state_read(lab);
	const char *file = json_string_value(json_object_get(st, "file"));
	char *copy = file && !access(file, R_OK) ? strdup(file) : NULL;

	json_decref(st);
	return copy;
}

int state_remove(const char *lab)
{
	char path[PATH_MAX];

	state_path(path, sizeof(path), lab, "state.json");
	unlink(path);
	state_path(path, sizeof(path), lab, "state.json.tmp");
	unlink(path);
	state_path(path, sizeof(path), lab, NULL);
	if (rmdir(path) && errno != ENOENT)
		return -errno;
	return 0;
}

char **state_labs(void)
{
	return dir_names(STATE_ROOT, "");
}
