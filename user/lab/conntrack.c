// SPDX-License-Identifier: GPL-2.0
/* A lab node's active source translations (see conntrack.h). */
#include "conntrack.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipv4.h"
#include "netns.h"

/* The value of the n-th (0-based) "key=" field of line, NULL: none. */
static const char *field(const char *line, const char *key, int n)
{
	size_t len = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && n-- == 0)
			return p + len;
		p += len;
	}
	return NULL;
}

static bool addr_field(const char *line, const char *key, int n, uint32_t *a)
{
	const char *v = field(line, key, n);
	char buf[IPV4_STRLEN];
	size_t len;

	if (!v)
		return false;
	len = strcspn(v, " \n");
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, v, len);
	buf[len] = 0;
	return ipv4_parse(buf, a);
}

/*
 * "ipv4 2 tcp 6 119 TIME_WAIT src=A dst=B sport=x dport=y src=B dst=C ...":
 * the original tuple, then the reply's; C != A is a source translation.
 */
bool conntrack_parse(const char *line, struct translation *out)
{
	const char *port;
	uint32_t reply_dst;

	memset(out, 0, sizeof(*out));
	if (sscanf(line, "ipv4 %*d %7s", out->proto) != 1)
		return false;
	if (!addr_field(line, "src=", 0, &out->src) || !addr_field(line, "dst=", 0, &out->dst) ||
	    !addr_field(line, "dst=", 1, &reply_dst) || reply_dst == out->src)
		return false;
	port = field(line, "dport=", 0);
	out->dport = port ? (uint16_t)strtoul(port, NULL, 10) : 0;
	out->as = reply_dst;
	return true;
}

static int read_table(FILE *f, struct translation **out)
{
	char *line = NULL;
	size_t cap = 0;
	int n = 0, room = 0;

	*out = NULL;
	while (getline(&line, &cap, f) > 0) {
		struct translation t;

		if (!conntrack_parse(line, &t))
			continue;
		if (n == room) {
			struct translation *grown;

			room = room ? 2 * room : 16;
			grown = realloc(*out, (size_t)room * sizeof(**out));
			if (!grown)
				break;
			*out = grown;
		}
		(*out)[n++] = t;
	}
	free(line);
	return n;
}

int conntrack_read(const char *netns, struct translation **out)
{
	int fd = netns_open(netns), n = -1;
	FILE *f;

	*out = NULL;
	if (fd < 0)
		return -1;
	if (!netns_enter(fd)) {
		/* /proc/self/net is the namespace of the reading thread */
		f = fopen("/proc/self/net/nf_conntrack", "re");
		if (f) {
			n = read_table(f, out);
			fclose(f);
		} else {
			n = 0;	/* no connection tracking there yet: nothing translated */
		}
		netns_home();
	}
	close(fd);
	return n;
}
