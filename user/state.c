// SPDX-License-Identifier: GPL-2.0
/*
 * The lab state file and the lab locks (see state.h), with jansson. Every
 * path is opened relative to the verified state root (safedir.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"
#include "safedir.h"
#include "state.h"
#include "topo.h"

#define STATE_FILE "state.json"
#define STATE_TMP "state.json.tmp"
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

/* The lab's state directory, verified; -ENOENT quietly when absent. */
static int lab_dir(const char *lab, bool create, char path[PATH_MAX])
{
	int root = state_root(create);

	snprintf(path, PATH_MAX, STATE_ROOT "/%s", lab);
	if (!valid_lab_name(lab)) {
		fprintf(stderr, "xvnet: bad lab name '%s'\n", lab);
		return -EINVAL;
	}
	return root < 0 ? root : safedir_open(root, path, lab, create);
}

/* json to dir's STATE_TMP, never through a link, then renamed over STATE_FILE. */
static int write_file(int dir, const char *path, json_t *root)
{
	int fd, err;

	err = safedir_remove(dir, path, STATE_TMP, S_IFREG);
	if (!err && safedir_type(dir, STATE_FILE) && safedir_type(dir, STATE_FILE) != S_IFREG) {
		safedir_foreign(dir, path, STATE_FILE);
		err = -EPERM;
	}
	if (err)
		return err;
	fd = openat(dir, STATE_TMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	err = json_dumpfd(root, fd, JSON_INDENT(1)) ? -EIO : 0;
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(dir, STATE_TMP, dir, STATE_FILE))
		err = -errno;
	return err;
}

int state_write(const struct lab_plan *p, const char *file, const char *status)
{
	json_t *nodes = json_array(), *root;
	char abs[PATH_MAX], path[PATH_MAX];
	int dir, err;

	/* stats and trace name NICs and routes from it, from any directory */
	if (realpath(file, abs))
		file = abs;
	for (int i = 0; i < p->nnodes; i++)
		json_array_append_new(nodes, node_json(p, i));
	root = json_pack("{s:s, s:s, s:i, s:s, s:s, s:o}", "lab", p->lab,
			 "file", file, "pid", (int)getpid(), "status", status,
			 "dataplane", lab_dataplane_name(p->dataplane), "nodes", nodes);
	if (!root)
		return -ENOMEM;
	dir = lab_dir(p->lab, true, path);
	err = dir < 0 ? dir : write_file(dir, path, root);
	if (dir >= 0)
		close(dir);
	json_decref(root);
	return err;
}

enum lab_dataplane state_dataplane(const char *lab)
{
	json_t *st = state_read(lab);
	const char *d = json_string_value(json_object_get(st, "dataplane"));
	enum lab_dataplane r = d && !strcmp(d, "kernel") ? LAB_DATAPLANE_KERNEL : LAB_DATAPLANE_XDP;

	json_decref(st);
	return r;
}

json_t *state_read(const char *lab)
{
	char path[PATH_MAX];
	int dir = lab_dir(lab, false, path), fd = -1;
	json_t *st = NULL;
	struct stat sb;

	if (dir >= 0)
		fd = openat(dir, STATE_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !fstat(fd, &sb) && S_ISREG(sb.st_mode))
		st = json_loadfd(fd, 0, NULL);
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
	return st;
}

char *state_topology(const char *lab)
{
	json_t *st = state_read(lab);
	const char *file = json_string_value(json_object_get(st, "file"));
	char *copy = file && !access(file, R_OK) ? strdup(file) : NULL;

	json_decref(st);
	return copy;
}

bool state_present(const char *lab)
{
	int root = state_root(false);

	return root >= 0 && valid_lab_name(lab) && safedir_type(root, lab);
}

/* What xvnet keeps in a lab's state directory. */
static bool is_state_file(int dir, const char *name)
{
	return (!strcmp(name, STATE_FILE) || !strcmp(name, STATE_TMP)) &&
	       safedir_type(dir, name) == S_IFREG;
}

static void lock_name(char *buf, size_t len, const char *lab)
{
	snprintf(buf, len, "%s" LOCK_SUFFIX, lab ? lab : "");
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
	char **names = root < 0 ? calloc(1, sizeof(char *)) : dir_names_at(root, "");
	char lab[LAB_NAME_LEN];
	size_t k = 0;

	for (char **n = names; n && *n; n++) {
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
	if (names)
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

int state_lock(struct state_lock *l, const char *lab, const char *verb)
{
	char name[LAB_NAME_LEN + sizeof(LOCK_SUFFIX)], who[128], path[PATH_MAX];
	int fd;

	l->lab = -1;
	l->name[0] = '\0';
	l->global = lock_file(GLOBAL_LOCK, lab ? LOCK_SH : LOCK_EX, verb, who, sizeof(who));
	if (l->global == -EBUSY && lab)
		fprintf(stderr, "xvnet: %s is cleaning up every lab; try again when it is done\n", who);
	else if (l->global == -EBUSY)
		fprintf(stderr, "xvnet: a deploy, apply or destroy is running; try again when it is done\n");
	if (l->global < 0 || !lab)
		return l->global < 0 ? l->global : 0;
	lock_name(name, sizeof(name), lab);
	l->lab = lock_file(name, LOCK_EX, verb, who, sizeof(who));
	if (l->lab == -EBUSY)
		fprintf(stderr, "xvnet: lab '%s' is busy: %s is changing it; try again when it is done\n",
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
	if (l->lab >= 0) {
		/* Held: nobody else has it, and a waiter retakes it by name. */
		safedir_remove(state_root(false), STATE_ROOT, l->name, S_IFREG);
		close(l->lab);
	}
	if (l->global >= 0)
		close(l->global);
	l->lab = l->global = -1;
}
