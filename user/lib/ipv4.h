/* SPDX-License-Identifier: GPL-2.0 */
/* IPv4 addresses and prefixes in host byte order: pure helpers, no I/O. */
#ifndef XVNET_IPV4_H
#define XVNET_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prefix {
	uint32_t addr; /* host byte order, host bits zero */
	uint8_t len;   /* 0..32 */
};

#define IPV4_STRLEN 16  /* "255.255.255.255" + NUL */
#define PREFIX_STRLEN 20 /* "255.255.255.255/32" + NUL, room for any uint8_t length */

static inline uint32_t prefix_mask(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

static inline bool prefix_has(struct prefix p, uint32_t addr)
{
	return (addr & prefix_mask(p.len)) == p.addr;
}

/* inner lies entirely within outer (equal counts). */
static inline bool prefix_within(struct prefix inner, struct prefix outer)
{
	return inner.len >= outer.len && prefix_has(outer, inner.addr);
}

static inline bool prefix_overlaps(struct prefix a, struct prefix b)
{
	return prefix_within(a, b) || prefix_within(b, a);
}

static inline bool prefix_equal(struct prefix a, struct prefix b)
{
	return a.len == b.len && a.addr == b.addr;
}

static inline uint32_t prefix_last(struct prefix p)
{
	return p.addr | ~prefix_mask(p.len);
}

/* Parse "a.b.c.d" (decimal, no leading zeros); false on anything else. */
bool ipv4_parse(const char *s, uint32_t *addr);
/*
 * ipv4_parse(), telling apart IPV4_LEADING_ZERO ("010.0.0.1": *addr then
 * holds the decimal reading, for a "did you mean") from -1 (no address).
 */
#define IPV4_LEADING_ZERO (-3)
int ipv4_scan(const char *s, uint32_t *addr);
/*
 * Parse "a.b.c.d/len". Returns 0, -1 on syntax errors, -2 when host bits
 * are set (*out then holds the masked prefix, for the hint), or
 * IPV4_LEADING_ZERO in the address or length (*out as read in decimal).
 */
int prefix_parse(const char *s, struct prefix *out);
char *ipv4_str(uint32_t addr, char buf[IPV4_STRLEN]);
char *prefix_str(struct prefix p, char buf[PREFIX_STRLEN]);
int prefix_cmp(const struct prefix *a, const struct prefix *b);

#endif
