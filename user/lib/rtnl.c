// SPDX-License-Identifier: GPL-2.0
/* rtnetlink requests through libmnl (see rtnl.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rtnl.h"

int rtnl_open(struct rtnl *r)
{
	r->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!r->nl)
		return -errno;
	if (mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(r->nl);
		r->nl = NULL;
		return err;
	}
	r->seq = time(NULL);
	return 0;
}

void rtnl_close(struct rtnl *r)
{
	if (r->nl)
		mnl_socket_close(r->nl);
	r->nl = NULL;
}

static struct nlmsghdr *request(char *buf, struct rtnl *r, uint16_t type,
				uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++r->seq;
	return nlh;
}

/* Send and run the answer through cb until the ack (or the dump's end). */
static int talk(struct rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int portid = mnl_socket_get_portid(r->nl);
	int ret;

	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, portid, cb, arg);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *nlh, int ifindex)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return ifi;
}

int rtnl_veth_add(struct rtnl *r, const char *name, const uint8_t mac[6],
		  const char *peer, const uint8_t peer_mac[6], int peer_nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = request(buf, r, RTM_NEWLINK,
				       NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct nlattr *info, *data, *pinfo;

	put_ifinfo(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	put_ifinfo(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, peer_nsfd);
	mnl_attr_nest_end(nlh, pinfo);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return talk(r, nlh, NULL, NULL);
}

static int index_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	*(int *)arg = ifi->ifi_index;
	return MNL_CB_OK;
}

int rtnl_link_index(struct rtnl *r, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = request(buf, r, RTM_GETLINK, NLM_F_ACK);
	int ifindex = -ENODEV, err;

	put_ifinfo(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	err = talk(r, nlh, index_cb, &ifindex);
	return err ? err : ifindex;
}

int rtnl_link_up(struct rtnl *r, int ifindex, const char *alias)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = request(buf, r, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = put_ifinfo(nlh, ifindex);

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (alias)
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return talk(r, nlh, NULL, NULL);
}

int rtnl_link_del(struct rtnl *r, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = request(buf, r, RTM_DELLINK, NLM_F_ACK);

	put_ifinfo(nlh, ifindex);
	return talk(r, nlh, NULL, NULL);
}

static int addr_request(struct rtnl *r, uint16_t type, uint16_t flags, int ifindex,
			uint32_t addr, uint8_t plen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = request(buf, r, type, flags);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	uint32_t a = htonl(addr);

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, a);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, a);
	return talk(r, nlh, NULL, NULL);
}

int rtnl_addr_add(struct rtnl *r, int ifindex, uint32_t addr, uint8_t plen)
{
	return addr_request(r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, ifindex,
			    addr, plen);
}

int rtnl_addr_del(struct rtnl *r, int ifindex, uint32_t addr, uint8_t plen)
{
	return addr_request(r, RTM_DELADDR, NLM_F_ACK, ifindex, addr, plen);
}

/* A static route to dst in the main table, created or replaced. */
static struct nlmsghdr *route_request(char *buf, struct rtnl *r, struct prefix dst,
				      unsigned char scope, unsigned char type)
{
	struct nlmsghdr *nlh = request(buf, r, RTM_NEWROUTE,
				       NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = dst.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = scope;
	rtm->rtm_type = type;
	mnl_attr_put_u32(nlh, RTA_DST, htonl(dst.addr));
	return nlh;
}

int rtnl_route_add(struct rtnl *r, int ifindex, struct prefix dst, uint32_t via,
		   uint32_t src)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = route_request(buf, r, dst,
					     via || !ifindex ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
					     ifindex ? RTN_UNICAST : RTN_UNREACHABLE);

	if (ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	if (via)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(via));
	if (src)
		mnl_attr_put_u32(nlh, RTA_PREFSRC, htonl(src));
	return talk(r, nlh, NULL, NULL);
}

int rtnl_route_add_local(struct rtnl *r, struct prefix dst)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	/* in the main table: below its longer routes */
	struct nlmsghdr *nlh = route_request(buf, r, dst, RT_SCOPE_HOST, RTN_LOCAL);

	mnl_attr_put_u32(nlh, RTA_OIF, 1);	/* lo: always ifindex 1 in a namespace */
	return talk(r, nlh, NULL, NULL);
}

struct alias_walk {
	const char *prefix;
	void (*fn)(int ifindex, const char *name, const char *alias, void *arg);
	void *arg;
};

static int alias_attr_cb(const struct nlattr *a, void *arg)
{
	const struct nlattr **tb = arg;
	int type = mnl_attr_get_type(a);

	if (type == IFLA_IFNAME || type == IFLA_IFALIAS)
		tb[type] = a;
	return MNL_CB_OK;
}

static int alias_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct alias_walk *w = arg;
	const char *alias;

	mnl_attr_parse(nlh, sizeof(*ifi), alias_attr_cb, tb);
	if (!tb[IFLA_IFALIAS] || !tb[IFLA_IFNAME])
		return MNL_CB_OK;
	alias = mnl_attr_get_str(tb[IFLA_IFALIAS]);
	if (!strncmp(alias, w->prefix, strlen(w->prefix)))
		w->fn(ifi->ifi_index, mnl_attr_get_str(tb[IFLA_IFNAME]), alias,
		      w->arg);
	return MNL_CB_OK;
}

int rtnl_links_by_alias(struct rtnl *r, const char *prefix,
			void (*fn)(int ifindex, const char *name,
				   const char *alias, void *arg),
			void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = request(buf, r, RTM_GETLINK, NLM_F_DUMP);
	struct alias_walk w = { prefix, fn, arg };

	put_ifinfo(nlh, 0);
	return talk(r, nlh, alias_cb, &w);
}
