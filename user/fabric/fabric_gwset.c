// SPDX-License-Identifier: GPL-2.0
/*
 * Gateway sets laid out (fabric_gwset.h, bpf/xvnet_abi.h). Pure: memory
 * only.
 */
#include "fabric_gwset.h"

#include <errno.h>
#include <string.h>

static __u32 gw_kind(enum xv_gw_kind kind, __u32 arg)
{
	return (__u32)kind << XV_GW_KIND_SHIFT | arg;
}

/* A leaf (or nothing) of the building trie as a gateway-set entry. */
static __u32 gw_leaf(__u32 e)
{
	return e & XV_TRIE_LEAF ? gw_kind(XV_GW_LEAF, (e >> XV_TRIE_LEN_SHIFT & 0x3f) + 1) : 0;
}

/* n bytes of the line array, in 16-byte units: a slot of a shared line, or whole lines. */
static int gw_alloc(struct gwset_writer *g, int n, __u32 *unit)
{
	int at;

	if (n <= 16 && g->small_free) {
		*unit = (__u32)g->small_line * 4 + 4 - g->small_free--;
		return 0;
	}
	at = lines_new(g->w, (n + 63) / 64);
	if (at < 0)
		return at;
	if ((__u32)at > XV_GW_UNIT_MASK / 4)
		return -E2BIG;
	if (n <= 16) {
		g->small_line = at;
		g->small_free = 3;
	}
	*unit = (__u32)at * 4;
	return 0;
}

static __u8 *gw_bytes(const struct gwset_writer *g, __u32 unit)
{
	return (__u8 *)g->w->img->trie + (size_t)unit * 16;
}

/*
 * A chunk (entries ent; level 0 below the root, 1 below that) whose
 * entries all hold out but for one aligned block: that block's prefix, or
 * the one prefix of the kid the block is, inline.
 */
static bool gw_one_block(const __u32 *ent, int a, int n, __u32 o, int level, __u32 *out)
{
	__u32 in = ent[a], bits = (__u32)a << 8, byte;

	for (int i = a; i < a + n; i++)
		if (ent[i] != in)
			return false;
	if (in >> XV_GW_KIND_SHIFT == XV_GW_LEAF) {
		byte = in & 0xff;
		/* the block is one prefix, 16 + 8 * level + 8 - log2(n) long */
		if ((int)byte - 1 != 24 + 8 * level - __builtin_ctz(n))
			return false;
	} else if (in >> XV_GW_KIND_SHIFT == XV_GW_ONE && n == 1 && !level &&
		   XV_GW_ONE_OUT(in) == (o & 0xff)) {
		byte = XV_GW_ONE_IN(in);
		bits |= XV_GW_ONE_BITS(in) >> 8;
	} else {
		return false;
	}
	*out = gw_kind(XV_GW_ONE, (o & 0xff) << 22 | byte << 16 | bits);
	return true;
}

static bool gw_one(const __u32 *ent, int level, __u32 *out)
{
	for (int side = 0; side < 2; side++) {
		__u32 o = ent[side ? 255 : 0];
		int a = -1, z = -1, n;

		if (o >> XV_GW_KIND_SHIFT > XV_GW_LEAF)	/* out must be a leaf or nothing */
			continue;
		for (int i = 0; i < 256; i++) {
			if (ent[i] == o)
				continue;
			if (a < 0)
				a = i;
			z = i;
		}
		n = z - a + 1;
		if (a >= 0 && !(n & (n - 1)) && !(a % n) && gw_one_block(ent, a, n, o, level, out))
			return true;
	}
	return false;
}

/* The runs of v in a struct xv_gw_runs (at most 8) or xv_gw_bitmap. */
static void gw_runs_fill(__u8 *body, const __u8 *v)
{
	struct xv_gw_runs *r = (void *)body;
	int k = 0;

	memset(r->start, 255, sizeof(r->start));
	for (int i = 0; i < 256; i++) {
		if (i && v[i] == v[i - 1])
			continue;
		if (k)
			r->start[k - 1] = i;
		r->run[k++] = v[i];
	}
	for (; k < 8; k++)
		r->run[k] = r->run[k - 1];
}

static void gw_bitmap_fill(__u8 *body, const __u8 *v)
{
	struct xv_gw_bitmap *bm = (void *)body;
	int k = 0;

	for (int i = 0; i < 256; i++) {
		if (i && v[i] == v[i - 1])
			continue;
		bm->starts[i / 64] |= 1ull << (i % 64);
		bm->run[k++] = v[i];
	}
	for (int w = 1; w < 4; w++)
		bm->before[w] = bm->before[w - 1] + __builtin_popcountll(bm->starts[w - 1]);
}

/*
 * Lay chunk c (level 0: the 8 bits below the root) out: inline when it
 * holds one prefix, else the smallest byte chunk its runs fit, with its
 * kids' entries after the body; a full chunk of entries when the bytes
 * cannot name every kid. *out: its entry.
 */
static int gw_emit_chunk(struct gwset_writer *g, int c, int level, __u32 *out)
{
	__u32 ent[256], kids[256], unit;
	int nkids = 0, runs = 0, kind, err;
	__u8 v[256], *at;

	for (int i = 0; i < 256; i++) {
		__u32 e = g->c->e[(size_t)c * 256 + i];

		if (!(e & XV_TRIE_CHUNK)) {
			ent[i] = gw_leaf(e);
		} else if (level) {
			return -EINVAL;		/* nothing below a /32 */
		} else {
			err = gw_emit_chunk(g, (int)(e & XV_TRIE_LINE_MASK), 1, &ent[i]);
			if (err)
				return err;
		}
		if (ent[i] >> XV_GW_KIND_SHIFT > XV_GW_LEAF) {
			kids[nkids] = ent[i];
			v[i] = XV_GW_KID + (nkids < XV_GW_MAX_KIDS ? nkids : 0);
			nkids++;
		} else {
			v[i] = ent[i] & 0xff;
		}
		runs += !i || ent[i] != ent[i - 1];
	}
	if (runs == 1) {
		*out = ent[0];
		return 0;
	}
	if (gw_one(ent, level, out))
		return 0;
	kind = nkids > XV_GW_MAX_KIDS ? XV_GW_FULL : runs <= 8 ? XV_GW_RUNS :
	       runs <= XV_GW_BITMAP_RUNS ? XV_GW_BITMAP : XV_GW_BYTES;
	if (kind == XV_GW_FULL) {
		memcpy(kids, ent, sizeof(ent));
		nkids = 256;
	}
	err = gw_alloc(g, XV_GW_BODY(kind) + 4 * nkids, &unit);
	if (err)
		return err;
	at = gw_bytes(g, unit);
	if (kind == XV_GW_RUNS)
		gw_runs_fill(at, v);
	else if (kind == XV_GW_BITMAP)
		gw_bitmap_fill(at, v);
	else if (kind == XV_GW_BYTES)
		memcpy(at, v, 256);
	memcpy(at + XV_GW_BODY(kind), kids, 4 * nkids);
	*out = gw_kind(kind, unit);
	return 0;
}

/* The wide root: entry i for address bits 16..31. */
int gwset_emit(struct gwset_writer *g, int c, __u32 *out)
{
	int at = lines_new(g->w, 65536 / 16);

	if (at < 0)
		return at;
	for (int i = 0; i < 65536; i++) {
		__u32 e = g->c->e[(size_t)c * 256 + (i >> 8)];

		if (e & XV_TRIE_CHUNK)
			e = g->c->e[(size_t)(e & XV_TRIE_LINE_MASK) * 256 + (i & 0xff)];
		if (e & XV_TRIE_CHUNK) {
			int err = gw_emit_chunk(g, (int)(e & XV_TRIE_LINE_MASK), 0, &e);

			if (err)
				return err;
		} else {
			e = gw_leaf(e);
		}
		g->w->img->trie[at + i / 16].e[i % 16] = e;
	}
	*out = XV_TRIE_CHUNK | XV_TRIE_WIDE | at;
	return 0;
}

