// SPDX-License-Identifier: GPL-2.0
/*
 * The lab state file, the names tables and the lab locks (see state.h),
 * with jansson: the one place that reads them back. Every path is opened
 * relative to the verified state root (safedir.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "netns.h"
#include "safedir.h"
#include "state.h"
#include "topo.h"

#define STATE_FILE "state.json"
#define STATE_TMP "state.json.tmp"
#define NAMES_FILE "names.%u.json"
#define NAMES_LEN 32
#define LOCK_SUFFIX ".lock"
#define GLOBAL_LOCK ".lock"	/* not a lab's: lab names start with a letter */

/*
 * The state root, verified once per process (create: made when absent):
 * a directory owned by root, mode 0700, not a link. A refusal is final.
 */
static int state_root(bool create)
{
	static int root = -ENOENT;

	if (root == -ENOENT)
		root = safedir_open_path(STATE_ROOT, create);
	return root;
}

/*
 * A node's address as the table shows it: its NIC's, or all its hosts',
 * which apply reads back to take removed Internet hosts off the edge.
 */
static json_t *node_address(const struct lab_plan *p, int n)
{
	char buf[PREFIX_STRLEN], *out;
	size_t len = 0;
	int l = p->nic_link[n];
	json_t *j;

	if (l >= 0 && p->links[l].end[1].addr) {
		struct prefix px = { p->links[l].end[1].addr,
				     p->links[l].end[1].plen };

		return json_string(prefix_str(px, buf));
	}
	out = xmalloc((size_t)p->naddrs * (IPV4_STRLEN + 1) + 1);
	*out = '\0';
	for (int i = 0; i < p->naddrs; i++)
		if (p->addrs[i].node == n)
			len += (size_t)sprintf(out + len, "%s%s", len ? "," : "",
					       ipv4_str(p->addrs[i].addr, buf));
	j = json_string(out);
	free(out);
	return j;
}

static json_t *node_json(const struct lab_plan *p, int n)
{
	const struct lab_node *nd = &p->nodes[n];
	int l = p->nic_link[n];
	char digest[LAB_NFT_DIGEST_LEN];

	if (nd->nft)
		lab_nft_digest(nd->nft, digest);
	return json_pack("{s:s, s:s, s:s, s:o, s:s?, s:b, s:s?}", "name", nd->name,
			 "kind", lab_node_kind_name(nd->kind), "netns", nd->netns,
			 "address", node_address(p, n),
			 "nic", l >= 0 ? p->links[l].end[0].ifname : NULL,
			 "nft", nd->nft != NULL, "nftDigest", nd->nft ? digest : NULL);
}

/* The lab's state directory, verified; -ENOENT quietly when absent. */
static int lab_dir(const char *lab, bool create, char path[PATH_MAX])
{
	int root = state_root(create);

	snprintf(path, PATH_MAX, STATE_ROOT "/%s", lab);
	if (!valid_lab_name(lab)) {
		pr_err("xvnet: bad lab name '%s'\n", lab);
		return -EINVAL;
	}
	return root < 0 ? root : safedir_open(root, path, lab, create);
}

/* name.tmp: where name is written before it is renamed into place. */
static void tmp_name(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s.tmp", name);
}

/* json to dir's name.tmp, never through a link, then renamed over name. */
static int write_file(int dir, const char *path, const char *name, json_t *root, size_t flags)
{
	char tmp[NAMES_LEN + 8];
	int fd, err;

	tmp_name(tmp, sizeof(tmp), name);
	err = safedir_remove(dir, path, tmp, S_IFREG);
	if (!err && safedir_type(dir, name) && safedir_type(dir, name) != S_IFREG) {
		safedir_foreign(dir, path, name);
		err = -EPERM;
	}
	if (err)
		return err;
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	err = json_dumpfd(root, fd, flags) ? -EIO : 0;
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(dir, tmp, dir, name))
		err = -errno;
	return err;
}

/* A file of dir, parsed; NULL: none, not a regular file, or not JSON. */
static json_t *read_file(int dir, const char *name)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	json_t *root = NULL;
	struct stat sb;

	if (fd >= 0 && !fstat(fd, &sb) && S_ISREG(sb.st_mode))
		root = json_loadfd(fd, 0, NULL);
	if (fd >= 0)
		close(fd);
	return root;
}

long state_caller(void)
{
	const char *sudo = getenv("SUDO_UID");
	char *end;
	long uid;

	if (!getuid() && sudo && *sudo) {
		uid = strtol(sudo, &end, 10);
		if (!*end && uid >= 0)
			return uid;
	}
	return (long)getuid();
}

int state_write(const struct lab_plan *p, const char *file, const char *status)
{
	json_t *nodes = json_array(), *root;
	char abs[PATH_MAX], path[PATH_MAX];
	struct lab_state old;
	long owner = state_caller(), created = (long)time(NULL);
	int dir, err;

	/* a lab keeps its owner and age across the rewrites of deploy and apply */
	if (!state_read(p->lab, &old)) {
		if (old.owner >= 0)
			owner = old.owner;
		if (old.created > 0)
			created = old.created;
		state_free(&old);
	}

	/* stats and trace name NICs and routes from it, from any directory */
	if (realpath(file, abs))
		file = abs;
	for (int i = 0; i < p->nnodes; i++)
		json_array_append_new(nodes, node_json(p, i));
	root = json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:s, s:o}", "lab", p->lab,
			 "file", file, "pid", (int)getpid(), "status", status,
			 "owner", (json_int_t)owner, "created", (json_int_t)created,
			 "dataplane", lab_dataplane_name(p->dataplane), "nodes", nodes);
	if (!root)
		oom_exit();
	dir = lab_dir(p->lab, true, path);
	err = dir < 0 ? dir : write_file(dir, path, STATE_FILE, root, JSON_INDENT(1));
	if (dir >= 0)
		close(dir);
	json_decref(root);
	return err;
}

/* A file of the lab's state directory, parsed; NULL: none or unreadable. */
static json_t *read_lab_file(const char *lab, const char *name)
{
	char path[PATH_MAX];
	int dir = lab_dir(lab, false, path);
	json_t *root = NULL;

	if (dir >= 0) {
		root = read_file(dir, name);
		close(dir);
	}
	return root;
}

/* A string member of obj, copied; false when it is missing or not a string. */
static bool get_string(json_t *obj, const char *key, char **out)
{
	const char *v = json_string_value(json_object_get(obj, key));

	*out = v ? xstrdup(v) : NULL;
	return v;
}

static bool parse_node(json_t *j, struct state_node *n)
{
	bool ok = get_string(j, "name", &n->name) & get_string(j, "kind", &n->kind) &
		  get_string(j, "netns", &n->netns) & get_string(j, "address", &n->address);

	get_string(j, "nic", &n->nic);	/* absent: no NIC */
	n->nft = json_is_true(json_object_get(j, "nft"));
	get_string(j, "nftDigest", &n->nft_digest);	/* absent: not recorded */
	return ok;
}

static bool parse_state(json_t *root, struct lab_state *st)
{
	json_t *nodes = json_object_get(root, "nodes"), *pid = json_object_get(root, "pid");
	bool ok = get_string(root, "lab", &st->lab) & get_string(root, "file", &st->file) &
		  get_string(root, "status", &st->status) && json_is_integer(pid) &&
		  json_is_array(nodes);
	const char *dp = json_string_value(json_object_get(root, "dataplane"));

	if (!ok)
		return false;
	st->dataplane = dp && !strcmp(dp, "kernel") ? LAB_DATAPLANE_KERNEL : LAB_DATAPLANE_XDP;
	st->pid = (int)json_integer_value(pid);
	/* not recorded by an older xvnet */
	st->owner = json_is_integer(json_object_get(root, "owner")) ?
		    (long)json_integer_value(json_object_get(root, "owner")) : -1;
	st->created = (long)json_integer_value(json_object_get(root, "created"));
	st->nodes = xcalloc(json_array_size(nodes), sizeof(*st->nodes));
	for (size_t i = 0; ok && i < json_array_size(nodes); i++)
		ok = parse_node(json_array_get(nodes, i), &st->nodes[st->nnodes++]);
	return ok;
}

int state_read(const char *lab, struct lab_state *st)
{
	json_t *root = read_lab_file(lab, STATE_FILE);
	bool ok;

	memset(st, 0, sizeof(*st));
	if (!root)
		return -ENOENT;
	ok = parse_state(root, st);
	json_decref(root);
	if (ok)
		return 0;
	state_free(st);
	return -ENOENT;
}

enum lab_dataplane lab_dataplane_of(const char *lab)
{
	struct lab_state st;
	enum lab_dataplane d;

	if (state_read(lab, &st))
		return LAB_DATAPLANE_XDP;
	d = st.dataplane;
	state_free(&st);
	return d;
}

void state_free(struct lab_state *st)
{
	for (int i = 0; i < st->nnodes; i++) {
		free(st->nodes[i].name);
		free(st->nodes[i].kind);
		free(st->nodes[i].netns);
		free(st->nodes[i].address);
		free(st->nodes[i].nic);
		free(st->nodes[i].nft_digest);
	}
	free(st->nodes);
	free(st->lab);
	free(st->file);
	free(st->status);
	memset(st, 0, sizeof(*st));
}

const struct state_node *state_node(const struct lab_state *st, const char *node)
{
	for (int i = 0; i < st->nnodes; i++)
		if (!strcmp(st->nodes[i].name, node) || !strcmp(st->nodes[i].netns, node))
			return &st->nodes[i];
	return NULL;
}

char *state_topology(const char *lab)
{
	struct lab_state st;
	char *copy = NULL;

	if (!state_read(lab, &st) && !access(st.file, R_OK))
		copy = xstrdup(st.file);
	state_free(&st);
	return copy;
}

/*
 * A names table: {"generation", "nics": [NAME | null], "routes": [{"table",
 * "route"}], "gateways": [{"name", "learned", "firstRoute", "prefixes"}],
 * "firewalls": [{"vm", "slot", "firstCounter", "counters", "actions"}]}
 * (firewalls: XDP NVAs, absent from tables written before them).
 */
static json_t *strings_json(char *const *v, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, v[i] ? json_string(v[i]) : json_null());
	return a;
}

static json_t *names_json(__u32 gen, const struct fabric_names *n)
{
	json_t *routes = json_array(), *gws = json_array(), *fws = json_array();

	for (int i = 0; i < n->nown; i++)
		json_array_append_new(routes, json_pack("{s:s, s:s}", "table", n->routes[i].table,
							"route", n->routes[i].route));
	for (int g = 0; g < n->ngateways; g++) {
		const struct names_gateway *gw = &n->gateways[g];

		json_array_append_new(gws, json_pack("{s:s, s:s, s:i, s:o}", "name", gw->name,
						     "learned", gw->learned, "firstRoute", gw->first,
						     "prefixes", strings_json(gw->prefixes,
									      gw->nprefixes)));
	}
	for (int f = 0; f < n->nfirewalls; f++) {
		const struct names_firewall *nf = &n->firewalls[f];

		json_array_append_new(fws, json_pack("{s:s, s:i, s:i, s:o, s:o}", "vm", nf->vm,
						     "slot", nf->slot, "firstCounter", nf->first,
						     "counters", strings_json(nf->counters, nf->n),
						     "actions", strings_json(nf->actions, nf->n)));
	}
	return json_pack("{s:I, s:o, s:o, s:o, s:o}", "generation", (json_int_t)gen,
			 "nics", strings_json(n->nics, n->nnics), "routes", routes,
			 "gateways", gws, "firewalls", fws);
}

static void names_name(char buf[NAMES_LEN], __u32 gen)
{
	snprintf(buf, NAMES_LEN, NAMES_FILE, gen);
}

int state_write_names(const char *lab, __u32 gen, const struct fabric_names *n)
{
	char path[PATH_MAX], name[NAMES_LEN];
	int dir = lab_dir(lab, true, path), err;
	json_t *root = names_json(gen, n);

	if (!root)
		oom_exit();
	names_name(name, gen);
	err = dir < 0 ? dir : write_file(dir, path, name, root, JSON_COMPACT);
	if (!err && gen > STATE_NAMES_KEPT) {
		names_name(name, gen - STATE_NAMES_KEPT);
		err = safedir_remove(dir, path, name, S_IFREG);
	}
	if (dir >= 0)
		close(dir);
	json_decref(root);
	return err;
}

/* An array of strings (null: NULL), copied; -1 when it is not one. */
static int get_strings(json_t *a, char ***out)
{
	size_t n = json_array_size(a);

	*out = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_string(v) && !json_is_null(v))
			return -1;
		(*out)[i] = json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
	}
	return json_is_array(a) ? (int)n : -1;
}

/* The XDP NVAs' counters; true also when the table has none. */
static bool parse_firewalls(json_t *fws, struct fabric_names *n)
{
	bool ok = true;

	n->firewalls = xcalloc(json_array_size(fws) + 1, sizeof(*n->firewalls));
	for (size_t f = 0; ok && f < json_array_size(fws); f++) {
		struct names_firewall *nf = &n->firewalls[n->nfirewalls++];
		json_t *j = json_array_get(fws, f), *slot = json_object_get(j, "slot");
		json_t *first = json_object_get(j, "firstCounter");
		int na;

		ok = get_string(j, "vm", &nf->vm) && json_is_integer(slot) && json_is_integer(first);
		nf->slot = (int)json_integer_value(slot);
		nf->first = (int)json_integer_value(first);
		nf->n = get_strings(json_object_get(j, "counters"), &nf->counters);
		na = get_strings(json_object_get(j, "actions"), &nf->actions);
		ok = ok && nf->n >= 0 && na == nf->n;
		for (int k = 0; ok && k < nf->n; k++)
			ok = nf->counters[k] && nf->actions[k];
		if (nf->n < 0 || na != nf->n) {
			for (int k = 0; k < na; k++)
				free(nf->actions[k]);
			for (int k = 0; k < nf->n; k++)
				free(nf->counters[k]);
			nf->n = 0;
		}
	}
	return ok;
}

static bool parse_names(json_t *root, struct fabric_names *n)
{
	json_t *routes = json_object_get(root, "routes"), *gws = json_object_get(root, "gateways");
	bool ok;

	n->nnics = get_strings(json_object_get(root, "nics"), &n->nics);
	ok = n->nnics >= 0 && json_is_array(routes) && json_is_array(gws);
	if (n->nnics < 0)
		n->nnics = 0;
	if (!ok)
		return false;
	n->routes = xcalloc(json_array_size(routes), sizeof(*n->routes));
	for (size_t i = 0; ok && i < json_array_size(routes); i++) {
		json_t *r = json_array_get(routes, i);

		ok = get_string(r, "table", &n->routes[i].table) &
		     get_string(r, "route", &n->routes[i].route);
		n->nown++;
	}
	n->gateways = xcalloc(json_array_size(gws), sizeof(*n->gateways));
	for (size_t g = 0; ok && g < json_array_size(gws); g++) {
		struct names_gateway *gw = &n->gateways[n->ngateways++];
		json_t *j = json_array_get(gws, g), *first = json_object_get(j, "firstRoute");

		ok = get_string(j, "name", &gw->name) & get_string(j, "learned", &gw->learned) &&
		     json_is_integer(first);
		gw->first = (int)json_integer_value(first);
		gw->nprefixes = get_strings(json_object_get(j, "prefixes"), &gw->prefixes);
		ok = ok && gw->nprefixes >= 0;
		for (int i = 0; ok && i < gw->nprefixes; i++)
			ok = gw->prefixes[i];
		if (gw->nprefixes < 0)
			gw->nprefixes = 0;
	}
	return ok && parse_firewalls(json_object_get(root, "firewalls"), n);
}

int state_read_names(const char *lab, __u32 gen, struct fabric_names *n)
{
	char name[NAMES_LEN];
	json_t *root;
	bool ok;

	memset(n, 0, sizeof(*n));
	names_name(name, gen);
	root = read_lab_file(lab, name);
	if (!root)
		return -ENOENT;
	ok = parse_names(root, n);
	json_decref(root);
	if (ok)
		return 0;
	fabric_names_free(n);
	return -ENOENT;
}

bool state_present(const char *lab)
{
	int root = state_root(false);

	return root >= 0 && valid_lab_name(lab) && safedir_type(root, lab);
}

static void lock_name(char *buf, size_t len, const char *lab)
{
	snprintf(buf, len, "%s" LOCK_SUFFIX, lab ? lab : "");
}

bool state_lock_left(const char *lab)
{
	char lock[PATH_MAX];
	int root = state_root(false);

	lock_name(lock, sizeof(lock), lab);
	return root >= 0 && valid_lab_name(lab) && safedir_type(root, lock) == S_IFREG;
}

/* What xvnet keeps in a lab's state directory: the state, names tables, and their .tmp. */
static bool is_state_file(int dir, const char *name)
{
	char table[NAMES_LEN], tmp[NAMES_LEN + 8];
	unsigned int gen;

	if (strcmp(name, STATE_FILE) && strcmp(name, STATE_TMP)) {
		if (sscanf(name, "names.%u.json", &gen) != 1)
			return false;
		names_name(table, gen);	/* exactly as written: no sign, no leading zero */
		tmp_name(tmp, sizeof(tmp), table);
		if (strcmp(name, table) && strcmp(name, tmp))
			return false;
	}
	return safedir_type(dir, name) == S_IFREG;
}

int state_remove(const char *lab)
{
	char path[PATH_MAX], lock[PATH_MAX];
	int dir = lab_dir(lab, false, path), root = state_root(false), err = 0, ret;

	if (dir == -ENOENT && root < 0)
		return 0;
	if (dir < 0 && dir != -ENOENT)
		return dir;
	if (dir >= 0) {
		err = safedir_clear(dir, path, is_state_file);
		close(dir);
		ret = safedir_remove(root, STATE_ROOT, lab, S_IFDIR);
		err = ret ? ret : err;
	}
	lock_name(lock, sizeof(lock), lab);
	ret = safedir_remove(root, STATE_ROOT, lock, S_IFREG);
	return ret ? ret : err;
}

/* The lab an entry of the state root belongs to: its directory or its lock. */
static bool entry_lab(int root, const char *name, char lab[LAB_NAME_LEN])
{
	size_t n = strlen(name), k = strlen(LOCK_SUFFIX);
	mode_t type = safedir_type(root, name);

	if (type == S_IFDIR && valid_lab_name(name)) {
		snprintf(lab, LAB_NAME_LEN, "%s", name);
		return true;
	}
	if (type != S_IFREG || n <= k || n - k >= LAB_NAME_LEN || strcmp(name + n - k, LOCK_SUFFIX))
		return false;
	memcpy(lab, name, n - k);
	lab[n - k] = '\0';
	return valid_lab_name(lab);
}

char **state_labs(bool report)
{
	int root = state_root(false);
	char **names = root < 0 ? xcalloc(1, sizeof(char *)) : dir_names_at(root, "");
	char lab[LAB_NAME_LEN];
	size_t k = 0;

	for (char **n = names; *n; n++) {
		bool ours = entry_lab(root, *n, lab), seen = false;

		for (size_t i = 0; ours && i < k; i++)
			seen = seen || !strcmp(names[i], lab);
		if (ours && !seen) {
			strcpy(*n, lab);	/* never longer than the entry's name */
			names[k++] = *n;
			continue;
		}
		if (report && !ours && strcmp(*n, GLOBAL_LOCK))
			safedir_foreign(root, STATE_ROOT, *n);
		free(*n);
	}
	names[k] = NULL;
	return names;
}

/*
 * Who holds the lock file fd: "pid N (xvnet VERB)", as an exclusive holder
 * wrote it; "another xvnet" for shared holders.
 */
static void holder(int fd, char *buf, size_t len)
{
	ssize_t n = 0;

	/* It writes just after it takes the lock: give it 100 ms. */
	for (int i = 0; i < 100 && n <= 0; i++)
		if ((n = pread(fd, buf, len - 1, 0)) <= 0)
			usleep(1000);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!*buf)
		snprintf(buf, len, "another xvnet");
}

/*
 * flock the file name of the state root (made, 0600, never through a
 * link). A file removed or replaced while we took it is not the lock any
 * more: take the one the name now holds. An exclusive holder writes who
 * it is. fd, -EBUSY with the holder in who, or -errno.
 */
static int lock_file(const char *name, int op, const char *verb, char *who, size_t len)
{
	int root = state_root(true), fd, err;
	struct stat a, b;

	for (int tries = 0; root >= 0 && tries < 100; tries++) {
		fd = openat(root, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
			    0600);
		if (fd < 0 || fstat(fd, &a) || !S_ISREG(a.st_mode) || a.st_uid) {
			safedir_foreign(root, STATE_ROOT, name);
			if (fd >= 0)
				close(fd);
			return -EPERM;
		}
		if (flock(fd, op | LOCK_NB)) {
			err = errno == EWOULDBLOCK ? -EBUSY : -errno;
			holder(fd, who, len);
			close(fd);
			return err;
		}
		if (!fstatat(root, name, &b, AT_SYMLINK_NOFOLLOW) && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev) {
			if (op == LOCK_EX && !ftruncate(fd, 0))
				dprintf(fd, "pid %d (xvnet %s)\n", (int)getpid(), verb);
			return fd;
		}
		close(fd);
	}
	return root < 0 ? root : -EAGAIN;
}

/*
 * The lock this process holds, released by exit() too (an out-of-memory
 * exit, log.h): its file goes, as state_unlock() removes it.
 */
static struct state_lock *held;

static void unlock_at_exit(void)
{
	if (held)
		state_unlock(held);
}

static void hold(struct state_lock *l)
{
	static bool registered;

	if (!registered)
		registered = !atexit(unlock_at_exit);
	held = l;
}

int state_lock(struct state_lock *l, const char *lab, const char *verb)
{
	char name[LAB_NAME_LEN + sizeof(LOCK_SUFFIX)], who[128], path[PATH_MAX];
	int fd;

	l->lab = -1;
	l->name[0] = '\0';
	l->global = lock_file(GLOBAL_LOCK, lab ? LOCK_SH : LOCK_EX, verb, who, sizeof(who));
	if (l->global == -EBUSY && lab)
		pr_err("xvnet: %s is cleaning up every lab; try again when it is done\n", who);
	else if (l->global == -EBUSY)
		pr_err("xvnet: a deploy, apply or destroy is running; try again when it is done\n");
	if (l->global < 0)
		return l->global;
	hold(l);
	if (!lab)
		return 0;
	lock_name(name, sizeof(name), lab);
	l->lab = lock_file(name, LOCK_EX, verb, who, sizeof(who));
	if (l->lab == -EBUSY)
		pr_err("xvnet: lab '%s' is busy: %s is changing it; try again when it is done\n",
		       lab, who);
	if (l->lab < 0) {
		int err = l->lab;

		state_unlock(l);
		return err;
	}
	snprintf(l->name, sizeof(l->name), "%s", name);
	/* A state directory that is not xvnet's stops every change of the lab. */
	fd = lab_dir(lab, false, path);
	if (fd >= 0 || fd == -ENOENT) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	state_unlock(l);
	return fd;
}

void state_unlock(struct state_lock *l)
{
	if (held == l)
		held = NULL;
	if (l->lab >= 0) {
		/* Held: nobody else has it, and a waiter retakes it by name. */
		safedir_remove(state_root(false), STATE_ROOT, l->name, S_IFREG);
		close(l->lab);
	}
	if (l->global >= 0)
		close(l->global);
	l->lab = l->global = -1;
}
