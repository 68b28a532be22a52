/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Directories xvnet keeps as root (the pin root, the state root, a lab's
 * directory under each): opened without following a link and checked to
 * be a real directory owned by root that nobody else may write, before
 * anything under them is read, written or removed. Entries are removed by
 * name relative to such a descriptor, and only when their type is the one
 * the caller expects; anything else is reported and left in place. Not
 * pure: the file system, and messages on stderr.
 */
#ifndef XVNET_SAFEDIR_H
#define XVNET_SAFEDIR_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Open name under the directory fd parent (path: its full path, for
 * messages), creating it (mode 0700) when create. It must be a directory,
 * not a link, owned by root and writable by root alone; one with more than
 * 0700 is narrowed to 0700. Returns an O_CLOEXEC fd, -ENOENT (quietly)
 * when it is absent and not created, or -errno with the reason printed.
 */
int safedir_open(int parent, const char *path, const char *name, bool create);

/* The same for an absolute path whose parent is the system's (/run). */
int safedir_open_path(const char *path, bool create);

/*
 * Remove the entry name of dirfd (in path) when it is of type (S_IFREG,
 * S_IFDIR: a directory must be empty). 0 when removed or absent; else the
 * entry is reported as not xvnet's, left in place, and -EPERM returned.
 */
int safedir_remove(int dirfd, const char *path, const char *name, mode_t type);

/*
 * Remove every entry of dirfd (in path) that ours() accepts, a file each;
 * report every other one and leave it. 0, or -EPERM when one is left.
 */
int safedir_clear(int dirfd, const char *path, bool (*ours)(int dirfd, const char *name));

/* Report dirfd's entry name (in path) as not xvnet's: left in place. */
void safedir_foreign(int dirfd, const char *path, const char *name);

/* The type of dirfd's entry name, not following a link (0: absent). */
mode_t safedir_type(int dirfd, const char *name);

#endif
