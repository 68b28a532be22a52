// SPDX-License-Identifier: GPL-2.0
#include "ipv4.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * "a.b.c.d" in decimal. A part with a leading zero ("010") is read as
 * decimal into *addr but answered IPV4_LEADING_ZERO: inet_aton() would
 * read it as octal 8, so the writer's meaning is unclear.
 */
int ipv4_scan(const char *s, uint32_t *addr)
{
	bool zeros = false;
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		zeros |= s[0] == '0' && s[1] >= '0' && s[1] <= '9';
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255)
			return -1;
		a = a << 8 | v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*addr = a;
	return zeros ? IPV4_LEADING_ZERO : 0;
}

bool ipv4_parse(const char *s, uint32_t *addr)
{
	uint32_t a;

	if (ipv4_scan(s, &a))
		return false;
	*addr = a;
	return true;
}

int prefix_parse(const char *s, struct prefix *out)
{
	char buf[IPV4_STRLEN];
	const char *slash = s;
	char *end;
	uint32_t addr;
	long len;
	size_t n;
	int r;

	while (*slash && *slash != '/')
		slash++;
	n = (size_t)(slash - s);
	if (!*slash || n >= sizeof(buf) || !slash[1])
		return -1;
	for (size_t i = 0; i < n; i++)
		buf[i] = s[i];
	buf[n] = 0;
	r = ipv4_scan(buf, &addr);
	if (r == -1)
		return -1;
	len = strtol(slash + 1, &end, 10);
	if (*end || len < 0 || len > 32 || slash[1] < '0' || slash[1] > '9')
		return -1;
	out->len = (uint8_t)len;
	if (r || (slash[1] == '0' && slash[2])) {
		out->addr = addr; /* as written, read in decimal: for the hint */
		return IPV4_LEADING_ZERO;
	}
	out->addr = addr & prefix_mask(out->len);
	return out->addr == addr ? 0 : -2;
}

char *ipv4_str(uint32_t a, char buf[IPV4_STRLEN])
{
	snprintf(buf, IPV4_STRLEN, "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
		 a >> 8 & 255, a & 255);
	return buf;
}

char *prefix_str(struct prefix p, char buf[PREFIX_STRLEN])
{
	char ip[IPV4_STRLEN];

	snprintf(buf, PREFIX_STRLEN, "%s/%u", ipv4_str(p.addr, ip), p.len);
	return buf;
}

/* Address order, then shorter prefix first: a stable listing order. */
int prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return (int)a->len - (int)b->len;
}
