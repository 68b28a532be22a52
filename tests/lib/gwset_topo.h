/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A topology whose gateway set takes every layout of xvnet_abi.h's
 * gateway-set chunks: VM 10.0.1.4 in hub/app learns, through ExpressRoute
 * gateway gw, the prefixes site dc advertises, all outside 10.0.0.0/8:
 * /16s holding one prefix (inline, at both levels), a few (runs), a dozen
 * (bitmap), dozens (bytes), more kids than bytes can name (full), kids
 * under each of these, short prefixes covering some of them, and a
 * scattered BGP-like mix. Shared by tests/unit and tests/bpf.
 */
#ifndef XVNET_TESTS_GWSET_TOPO_H
#define XVNET_TESTS_GWSET_TOPO_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GWSET_VM_IP "10.0.1.4"

struct gwset_buf {
	char *s;
	size_t len, cap;
};

static inline void gwset_put(struct gwset_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void gwset_put(struct gwset_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (b->len + n < b->cap)
			break;
		b->cap = b->cap * 2 + n + 1;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	b->len += n;
}

/* Prefix a.b.c.d/len, the host bits cleared. */
static inline void gwset_prefix(struct gwset_buf *y, unsigned int addr, int len)
{
	addr &= len ? ~0u << (32 - len) : 0;
	gwset_put(y, "      - %u.%u.%u.%u/%d\n", addr >> 24, addr >> 16 & 0xff,
		  addr >> 8 & 0xff, addr & 0xff, len);
}

/* The YAML (malloc'd); deterministic for a seed. */
static inline char *gwset_yaml(unsigned int seed)
{
	struct gwset_buf y = { 0 };
	unsigned int a;

	y.cap = 1 << 16;
	y.s = malloc(y.cap);
	if (!y.s)
		abort();
	y.s[0] = '\0';
	gwset_put(&y, "name: gwpack\n"
		  "vnets:\n"
		  "  - name: hub\n"
		  "    addressSpace: [10.0.0.0/16]\n"
		  "    subnets:\n"
		  "      - {name: GatewaySubnet, addressPrefix: 10.0.255.0/27}\n"
		  "      - {name: app, addressPrefix: 10.0.1.0/24}\n"
		  "gateways:\n"
		  "  - {name: gw, vnet: hub, type: ExpressRoute}\n"
		  "sites:\n"
		  "  - name: dc\n"
		  "    addressSpace:\n");
	/* Short prefixes over some of what follows: the "out" of chunks. */
	gwset_prefix(&y, 20u << 24, 8);
	gwset_prefix(&y, 21u << 24 | 16u << 16, 12);
	gwset_prefix(&y, 22u << 24 | 5u << 16, 16);
	/* One prefix in a /16, every length 17..32, covered or not. */
	for (int len = 17; len <= 32; len++) {
		gwset_prefix(&y, 20u << 24 | (unsigned int)len << 16 | (unsigned int)rand_r(&seed), len);
		gwset_prefix(&y, 23u << 24 | (unsigned int)len << 16 | (unsigned int)rand_r(&seed), len);
	}
	/* A /16 that is itself a route, with one prefix inside. */
	gwset_prefix(&y, 22u << 24 | 5u << 16 | 77u << 8, 24);
	/* Two or three prefixes: runs; one of them with a kid. */
	for (int i = 0; i < 8; i++) {
		a = 24u << 24 | (unsigned int)i << 16;
		gwset_prefix(&y, a | (unsigned int)rand_r(&seed) % 256 << 8, 24);
		gwset_prefix(&y, a | 200u << 8, 22);
		if (i % 2)
			gwset_prefix(&y, a | 9u << 8 | (unsigned int)rand_r(&seed) % 256, 27 + i % 5);
	}
	/* A dozen /24s (bitmap), dozens (bytes), each with kids of every size. */
	for (int i = 0; i < 2; i++) {
		a = 25u << 24 | (unsigned int)i << 16;
		for (int k = 0; k < (i ? 60 : 12); k++)
			gwset_prefix(&y, a | (unsigned int)rand_r(&seed) % 256 << 8,
				     22 + rand_r(&seed) % 3);
		gwset_prefix(&y, a | 3u << 8 | 128, 25);		/* a one-prefix kid */
		for (int k = 0; k < 3; k++)				/* a runs kid */
			gwset_prefix(&y, a | 4u << 8 | (unsigned int)k * 64, 27);
		for (int k = 0; k < 12; k++)				/* a bitmap kid */
			gwset_prefix(&y, a | 5u << 8 | (unsigned int)rand_r(&seed) % 256, 30);
		for (int k = 0; k < 60; k++)				/* a bytes kid */
			gwset_prefix(&y, a | 6u << 8 | (unsigned int)rand_r(&seed) % 256, 32);
	}
	/* More kids than bytes name: a full chunk, under a route of its own. */
	gwset_prefix(&y, 26u << 24 | 1u << 16, 16);
	for (int k = 0; k < 200; k++)
		gwset_prefix(&y, 26u << 24 | 1u << 16 | (unsigned int)k << 8 | 64, 26);
	/* The scattered mix. */
	for (int k = 0; k < 3000; k++) {
		int r = rand_r(&seed) % 100, len = r < 55 ? 24 : r < 75 ? 22 : r < 85 ? 20 :
			r < 93 ? 17 : r < 95 ? 12 : 28;

		a = (30u + (unsigned int)rand_r(&seed) % 190) << 24 ^ (unsigned int)rand_r(&seed) % (1u << 24);
		gwset_prefix(&y, a, len);
	}
	gwset_put(&y, "connections:\n"
		  "  - {name: gw-dc, gateway: gw, site: dc}\n"
		  "vms:\n"
		  "  - {name: vm, subnet: hub/app, ip: " GWSET_VM_IP "}\n");
	return y.s;
}

/*
 * Destinations worth asking about: the edges of every prefix of the YAML,
 * random ones inside them, and anywhere outside 10.0.0.0/8.
 */
static inline unsigned int gwset_dst(const unsigned int *addrs, const int *lens, int n,
				     unsigned int *seed)
{
	int i = rand_r(seed) % n;
	unsigned int host = lens[i] < 32 ? ~0u >> lens[i] : 0, a; /* no shift by 32 */

	switch (rand_r(seed) % 6) {
	case 0: return addrs[i];
	case 1: return addrs[i] | host;
	case 2: return addrs[i] - 1;
	case 3: return (addrs[i] | host) + 1;
	case 4: return addrs[i] | ((unsigned int)rand_r(seed) << 1 & host);
	}
	do
		a = (unsigned int)rand_r(seed) << 1 ^ (unsigned int)rand_r(seed);
	while (a >> 24 == 10);
	return a;
}

#endif
