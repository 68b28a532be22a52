// SPDX-License-Identifier: GPL-2.0
/* Named network namespaces, the way iproute2 makes them (see netns.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "netns.h"

static int home_fd = -1;

static int home(void)
{
	if (home_fd < 0)
		home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	return home_fd;
}

int netns_enter(int nsfd)
{
	if (home() < 0 || setns(nsfd, CLONE_NEWNET))
		return -errno;
	return 0;
}

int netns_home(void)
{
	return netns_enter(home());
}

/*
 * As iproute2 does: make the run directory a shared mount point so that
 * namespace mounts propagate to every mount namespace. Once per process:
 * MS_REC walks every namespace mount under it, so once per namespace
 * would make a lab of N namespaces cost N squared.
 */
static int prepare_run_dir(void)
{
	static bool done;

	if (done)
		return 0;
	if (mkdir(NETNS_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) &&
	    (errno != EINVAL ||
	     mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) ||
	     mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL)))
		return -errno;
	done = true;
	return 0;
}

static void ns_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, NETNS_RUN_DIR "/%s", name);
}

int netns_add(const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	err = prepare_run_dir();
	if (err)
		return err;
	ns_path(path, sizeof(path), name);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	close(fd);
	if (home() < 0 || unshare(CLONE_NEWNET) ||
	    mount("/proc/self/ns/net", path, "none", MS_BIND, NULL))
		err = -errno;
	netns_home();
	if (err)
		unlink(path);
	return err;
}

int netns_del(const char *name)
{
	char path[PATH_MAX];

	ns_path(path, sizeof(path), name);
	umount2(path, MNT_DETACH);
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int netns_open(const char *name)
{
	char path[PATH_MAX];
	int fd;

	ns_path(path, sizeof(path), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **dir_names_at(int dirfd, const char *prefix)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **names = xcalloc(1, sizeof(*names));
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t n = 0;

	if (!d && fd >= 0)
		close(fd);
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		names = xrealloc(names, (n + 2) * sizeof(*names));
		names[n] = xstrdup(de->d_name);
		names[++n] = NULL;
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	return names;
}

char **dir_names(const char *dir, const char *prefix)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char **names;

	if (fd < 0)
		return xcalloc(1, sizeof(char *));
	names = dir_names_at(fd, prefix);
	close(fd);
	return names;
}

void names_free(char **names)
{
	for (char **p = names; p && *p; p++)
		free(*p);
	free(names);
}

/* /proc/sys/net shows the namespace of whoever opens it. */
int netns_sysctl(const char *key, const char *val)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Frames leave through XDP with their checksum unfilled otherwise. */
int netns_tx_csum_off(const char *ifname)
{
	return netns_ethtool_set(ifname, ETHTOOL_STXCSUM, 0);
}

int netns_ethtool_set(const char *ifname, uint32_t cmd, uint32_t data)
{
	struct ethtool_value ev = { .cmd = cmd, .data = data };
	struct ifreq ifr = { .ifr_data = (void *)&ev };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	return err;
}

static void child(int nsfd, int in, char *const argv[])
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* deploy holds Ctrl-C */
	if (setns(nsfd, CLONE_NEWNET) || (in >= 0 && dup2(in, 0) < 0))
		_exit(126);
	execvp(argv[0], argv);
	_exit(127);
}

int netns_run(int nsfd, char *const argv[], const char *input)
{
	int fds[2] = { -1, -1 }, status, err = 0;
	pid_t pid;

	if (input && pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid)
		child(nsfd, fds[0], argv);
	if (input) {
		close(fds[0]);
		if (write(fds[1], input, strlen(input)) < 0)
			err = -errno;
		close(fds[1]);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (err)
		return err;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int netns_node_view(const char *hostname, const char *hosts)
{
	static const char dir[] = "/tmp", file[] = "/tmp/hosts";
	size_t len = strlen(hosts);
	int fd, err = 0;

	if (unshare(CLONE_NEWUTS | CLONE_NEWNS) || sethostname(hostname, strlen(hostname)))
		return -errno;
	/* what is mounted here is seen here only */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	/*
	 * The file lives on a tmpfs of its own, mounted over /tmp only long
	 * enough to bind the file over /etc/hosts (the binding keeps it).
	 */
	if (mount("xvnet-hosts", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=1m,mode=0755"))
		return -errno;
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, hosts, len) != (ssize_t)len)
		err = fd < 0 ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	if (!err && mount(file, "/etc/hosts", NULL, MS_BIND, NULL))
		err = -errno;
	if (umount2(dir, MNT_DETACH) && !err)
		err = -errno;
	return err;
}
