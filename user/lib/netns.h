/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named network namespaces, compatible with `ip netns` (/run/netns/NAME),
 * and the few things done inside one: sysctls, ethtool, running a command.
 * Only ever touches the namespaces it is given.
 */
#ifndef XVNET_NETNS_H
#define XVNET_NETNS_H

#include <stdint.h>

#define NETNS_RUN_DIR "/run/netns"

/* Create NAME. -EEXIST when it is already there. */
int netns_add(const char *name);
/* Remove NAME; 0 when it is not there. */
int netns_del(const char *name);
/* An fd for setns(), or -errno. */
int netns_open(const char *name);
/* Switch the calling thread to nsfd, or back to where the process began. */
int netns_enter(int nsfd);
int netns_home(void);
/*
 * Sorted names in dir (or the directory fd dirfd) starting with prefix,
 * but "." and ".." (NULL-terminated, never NULL: an unreadable directory
 * has none).
 */
char **dir_names(const char *dir, const char *prefix);
char **dir_names_at(int dirfd, const char *prefix);
void names_free(char **names);

/*
 * The calling process's view of a lab node, for exec and capture: its own
 * UTS namespace with hostname, and its own mount namespace in which
 * /etc/hosts shows hosts (a file on a tmpfs of its own, bound over it;
 * the host's file is untouched). 0, or -errno.
 */
int netns_node_view(const char *hostname, const char *hosts);

/* In the current namespace: write a sysctl ("net/ipv4/ip_forward"). */
int netns_sysctl(const char *key, const char *val);
/* In the current namespace: turn transmit checksum offload off. */
int netns_tx_csum_off(const char *ifname);
/* One ethtool "set" (ETHTOOL_SGRO, ETHTOOL_STXCSUM...) on ifname, in this namespace. */
int netns_ethtool_set(const char *ifname, uint32_t cmd, uint32_t data);

/*
 * Run argv inside the namespace nsfd with input on stdin (NULL: none);
 * returns the exit status, or -errno.
 */
int netns_run(int nsfd, char *const argv[], const char *input);

#endif
