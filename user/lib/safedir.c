// SPDX-License-Identifier: GPL-2.0
/* Root-owned directories, opened and walked safely (see safedir.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "netns.h"
#include "safedir.h"

static const char *type_name(mode_t type)
{
	switch (type) {
	case S_IFLNK:
		return "a symbolic link";
	case S_IFDIR:
		return "a directory";
	case S_IFREG:
		return "a file";
	default:
		return "a special file";
	}
}

mode_t safedir_type(int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	return st.st_mode & S_IFMT;
}

static int refuse(const char *path, const char *why)
{
	pr_err("xvnet: %s is not xvnet's: %s; refusing to use it (it must be a directory owned by root, mode 0700)\n",
	       path, why);
	return -EPERM;
}

/* Owned by root, writable by root alone; narrowed to 0700. */
static int check_owner(int fd, const char *path)
{
	struct stat st;
	char why[64];

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return refuse(path, "not a directory");
	if (st.st_uid != 0) {
		snprintf(why, sizeof(why), "owned by uid %ld", (long)st.st_uid);
		return refuse(path, why);
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, sizeof(why), "mode %04lo", (unsigned long)(st.st_mode & 07777));
		return refuse(path, why);
	}
	if ((st.st_mode & 07777) != 0700 && fchmod(fd, 0700))
		return -errno;
	return 0;
}

int safedir_open(int parent, const char *path, const char *name, bool create)
{
	mode_t type;
	int fd, err;

	if (create && mkdirat(parent, name, 0700) && errno != EEXIST) {
		err = -errno;
		pr_err("xvnet: cannot create %s: %s\n", path, strerror(-err));
		return err;
	}
	type = safedir_type(parent, name);
	if (!type)
		return -ENOENT;
	if (type != S_IFDIR) {
		pr_err("xvnet: %s is not xvnet's: %s; refusing to use it (it must be a directory owned by root, mode 0700)\n",
			path, type_name(type));
		return -EPERM;
	}
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_err("xvnet: %s: %s\n", path, strerror(-err));
		return err;
	}
	err = check_owner(fd, path);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int safedir_open_path(const char *path, bool create)
{
	char dir[PATH_MAX], base[PATH_MAX];
	int parent, fd;

	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(base, sizeof(base), "%s", path);
	parent = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		return -errno;
	fd = safedir_open(parent, path, basename(base), create);
	close(parent);
	return fd;
}

void safedir_foreign(int dirfd, const char *path, const char *name)
{
	pr_err("xvnet: %s/%s is not xvnet's (%s): left in place\n", path, name,
		type_name(safedir_type(dirfd, name)));
}

int safedir_remove(int dirfd, const char *path, const char *name, mode_t type)
{
	mode_t is = safedir_type(dirfd, name);

	if (!is)
		return 0;
	if (is != type) {
		safedir_foreign(dirfd, path, name);
		return -EPERM;
	}
	if (!unlinkat(dirfd, name, type == S_IFDIR ? AT_REMOVEDIR : 0) || errno == ENOENT)
		return 0;
	if (errno == ENOTEMPTY || errno == EEXIST) {
		pr_err("xvnet: %s/%s holds entries not xvnet's: left in place\n",
			path, name);
		return -EPERM;
	}
	pr_err("xvnet: cannot remove %s/%s: %s\n", path, name, strerror(errno));
	return -errno;
}

int safedir_clear(int dirfd, const char *path, bool (*ours)(int dirfd, const char *name))
{
	char **names = dir_names_at(dirfd, "");
	int err = 0;

	for (char **n = names; *n; n++) {
		if (ours(dirfd, *n)) {
			err = safedir_remove(dirfd, path, *n, S_IFREG) ?: err;
		} else {
			safedir_foreign(dirfd, path, *n);
			err = -EPERM;
		}
	}
	names_free(names);
	return err;
}
