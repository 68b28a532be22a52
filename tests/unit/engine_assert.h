/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the route engine tests of every rule section (test_engine_*.c)
 * assert with: whole route tables, lookups, paths as one line, over the
 * fixture's topology and engine. Include after engine_fixture.h.
 */
#ifndef XVNET_TESTS_ENGINE_ASSERT_H
#define XVNET_TESTS_ENGINE_ASSERT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* load_opts() of a printf format: variants of one topology. */
static inline void loadf_opts(const struct engine_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void loadf_opts(const struct engine_opts *o, const char *fmt, ...)
{
	va_list ap;
	char *yaml;

	va_start(ap, fmt);
	assert_true(vasprintf(&yaml, fmt, ap) >= 0);
	va_end(ap);
	load_opts(yaml, o);
	free(yaml);
}

#define loadf(...) loadf_opts(NULL, __VA_ARGS__)

static inline int subnet(const char *name)
{
	int s = topo_find_subnet(&topo, name);

	if (s < 0)
		fail_msg("no subnet %s", name);
	return s;
}

static inline uint32_t ip(const char *s)
{
	uint32_t a;

	assert_true(ipv4_parse(s, &a));
	return a;
}

static inline const char *source_name(enum route_source s)
{
	return s == SRC_USER ? "User" : s == SRC_GATEWAY ? "VirtualNetworkGateway"
							 : "Default";
}

/* "Source State Prefix NextHopType [NextHopIp]", as `az ... -o table`. */
static inline void route_str(const struct eff_route *r, char *buf, size_t len)
{
	char p[PREFIX_STRLEN], a[IPV4_STRLEN];
	int n = snprintf(buf, len, "%s %s %s %s", source_name(r->source),
			 r->active ? "Active" : "Invalid", prefix_str(r->prefix, p),
			 next_hop_type_name(r->type));

	if (r->next_hop_ip)
		snprintf(buf + n, len - (size_t)n, " %s", ipv4_str(r->next_hop_ip, a));
}

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline void print_rows(const char *what, char **rows, int n)
{
	print_error("  %s:\n", what);
	for (int i = 0; i < n; i++)
		print_error("    %s\n", rows[i]);
}

/* The whole effective route table of a subnet, in any order. */
static inline void assert_routes(const char *name, const char *const *want, int nwant)
{
	const struct route_set *rs = &eng.sets[subnet(name)];
	int n = route_set_count(rs);
	char **got = calloc((size_t)n + 1, sizeof(char *));
	char **exp = calloc((size_t)nwant + 1, sizeof(char *));
	bool same = n == nwant;

	for (int i = 0; i < n; i++) {
		struct eff_route tmp;

		got[i] = malloc(96);
		route_str(route_set_row(&eng, rs, i, &tmp), got[i], 96);
	}
	for (int i = 0; i < nwant; i++)
		exp[i] = (char *)want[i];
	qsort(got, (size_t)n, sizeof(char *), cmp_str);
	qsort(exp, (size_t)nwant, sizeof(char *), cmp_str);
	for (int i = 0; same && i < n; i++)
		same = !strcmp(got[i], exp[i]);
	if (!same) {
		print_error("effective routes of %s differ\n", name);
		print_rows("expected", exp, nwant);
		print_rows("got", got, n);
	}
	for (int i = 0; i < n; i++)
		free(got[i]);
	free(got);
	free(exp);
	assert_true(same);
}

#define ROUTES(subnet, ...) do {					\
	static const char *const want_[] = { __VA_ARGS__ };		\
	assert_routes(subnet, want_, sizeof(want_) / sizeof(want_[0]));	\
} while (0)

/* engine_lookup(): "Type [ip]", "VnetLocal as None" for VnetLocal outside the VNet rows. */
static inline void assert_lookup(const char *name, const char *dst, const char *want)
{
	struct eff_route tmp;
	const struct eff_route *r = engine_lookup(&eng, subnet(name), ip(dst), &tmp);
	char got[64], a[IPV4_STRLEN];
	int n;

	assert_non_null(r);
	n = snprintf(got, sizeof(got), "%s", next_hop_type_name(r->type));
	if (r->next_hop_ip)
		n += snprintf(got + n, sizeof(got) - (size_t)n, " %s",
			      ipv4_str(r->next_hop_ip, a));
	if (r->vnet_local_as_none)
		snprintf(got + n, sizeof(got) - (size_t)n, " as None");
	if (strcmp(got, want))
		fail_msg("%s -> %s: got '%s', want '%s'", name, dst, got, want);
}

/* A path as one line: hops, then "=> where" or "=> drop:Reason". */
static inline void path_str(const struct path *p, char *buf, size_t len)
{
	const struct topology *t = &topo;
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < p->nhops; i++) {
		const struct hop *h = &p->hops[i];
		const struct subnet *s = &t->subnets[h->where];

		switch (h->kind) {
		case HOP_SUBNET:
			n += snprintf(buf + n, len - n, "%s/%s ",
				      t->vnets[s->vnet].name, s->name);
			break;
		case HOP_GATEWAY:
			n += snprintf(buf + n, len - n, "gw:%s ",
				      t->gateways[h->where].name);
			break;
		case HOP_SITE:
			n += snprintf(buf + n, len - n, "site:%s ",
				      t->sites[h->where].name);
			break;
		case HOP_CIRCUIT:
			n += snprintf(buf + n, len - n, "er:%s ",
				      t->circuits[h->where].name);
			break;
		}
	}
	if (p->result == PATH_DROPPED) {
		snprintf(buf + n, len - n, "=> drop:%s", drop_reason_name(p->drop));
		return;
	}
	switch (p->to_kind) {
	case TO_VM:
		snprintf(buf + n, len - n, "=> vm:%s", t->vms[p->to].name);
		break;
	case TO_GATEWAY:
		snprintf(buf + n, len - n, "=> gateway:%s", t->gateways[p->to].name);
		break;
	case TO_SITE:
		snprintf(buf + n, len - n, "=> site:%s", t->sites[p->to].name);
		break;
	case TO_INTERNET:
		snprintf(buf + n, len - n, "=> internet");
		break;
	case TO_NONE:
		snprintf(buf + n, len - n, "=> nowhere");
		break;
	}
}

/* A VM by name, or a site host by name. */
static inline struct origin origin_of(const char *name, uint32_t *src)
{
	int vm = topo_find_vm(&topo, name);

	if (vm >= 0) {
		*src = topo.vms[vm].ip;
		return (struct origin){ .index = vm };
	}
	for (int s = 0; s < topo.nsites; s++)
		for (int h = 0; h < topo.sites[s].nhosts; h++)
			if (!strcmp(topo.sites[s].hosts[h].name, name)) {
				*src = topo.sites[s].hosts[h].ip;
				return (struct origin){ .is_site = true, .index = s };
			}
	fail_msg("no VM or site host %s", name);
	return (struct origin){ .index = -1 };
}

static inline void trace(const char *from, uint32_t src, const char *dst,
		  enum fw_proto proto, uint16_t port, struct path *p)
{
	struct flow f = { .proto = proto, .dport = port };
	struct origin o = origin_of(from, &f.src);

	if (src)
		f.src = src;
	f.dst = ip(dst);
	engine_path(&eng, o, &f, p);
}

static inline void assert_path_str(const struct path *p, const char *from,
			    const char *dst, const char *want)
{
	char got[512];

	path_str(p, got, sizeof(got));
	if (strcmp(got, want))
		fail_msg("path %s -> %s:\n  got  '%s'\n  want '%s'", from, dst,
			 got, want);
}

/* An ICMP flow from a VM or site host. */
static inline void assert_path(const char *from, const char *dst, const char *want)
{
	struct path p;

	trace(from, 0, dst, FW_ICMP, 0, &p);
	assert_path_str(&p, from, dst, want);
}

static inline void assert_flow(const char *from, const char *dst, enum fw_proto proto,
			uint16_t port, const char *want)
{
	struct path p;

	trace(from, 0, dst, proto, port, &p);
	assert_path_str(&p, from, dst, want);
}

/* The default rows of a VNet 10.0.0.0/16 without anything else. */
#define DEFAULT_NONE_ROWS						\
	"Default Active 10.0.0.0/8 None",				\
	"Default Active 172.16.0.0/12 None",				\
	"Default Active 192.168.0.0/16 None",				\
	"Default Active 100.64.0.0/10 None"

#endif
