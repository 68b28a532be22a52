/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fabric's two lookups over the line array (bpf/xvnet_abi.h): a table
 * (multibit trie) and a gateway set. Pure. One implementation, compiled
 * twice: by bpf/fabric.bpf.c, where a line is an element of its `trie`
 * map (declare the map before including this), and in user space, where
 * the lines are an array (struct xv_lines), for the compiler's tests and
 * the tools that read an image back.
 */
#ifndef XVNET_FABRIC_LOOKUP_H
#define XVNET_FABRIC_LOOKUP_H

#include "xvnet_abi.h"

#ifdef __bpf__
#define XV_LOOKUP	static __always_inline
#define XV_UNROLL	_Pragma("unroll")
#define XV_HIDE(v)	barrier_var(v)

/* Unused: the lines are the including program's `trie` map. */
struct xv_lines;

XV_LOOKUP const struct xv_line *xv_line(const struct xv_lines *lines, const __u32 *i)
{
	return bpf_map_lookup_elem(&trie, i);
}
#else
#define XV_LOOKUP	static inline
#define XV_UNROLL
#define XV_HIDE(v)	((void)(v))

/* An image's lines, as user space holds them. */
struct xv_lines {
	const struct xv_line *line;
	__u32 n;
};

/* Line i, NULL past the end (where the program's map lookup fails). */
XV_LOOKUP const struct xv_line *xv_line(const struct xv_lines *lines, const __u32 *i)
{
	return *i < lines->n ? &lines->line[*i] : NULL;
}
#endif

/* ---- tables ------------------------------------------------------------ */

/* The entry for the next 8 address bits idx in the chunk that entry c names. */
XV_LOOKUP __u32 xv_chunk_entry(const struct xv_lines *lines, __u32 c, __u32 idx)
{
	__u32 line = c & XV_TRIE_LINE_MASK, rank;
	const struct xv_line *l;
	__u64 bits;

	if (!(c & XV_TRIE_COMPACT)) {
		line += idx >> 4;
		l = xv_line(lines, &line);
		return l ? l->e[idx & 15] : 0;
	}
	/* The caller masked idx; clang drops a second mask, 6.1's verifier the bound. */
	XV_HIDE(idx);
	idx &= 0xff;
	l = xv_line(lines, &line);
	if (!l)
		return 0;
	bits = l->c.starts[idx >> 6] & (~0ull >> (63 - (idx & 63)));
	rank = l->c.before[idx >> 6] + __builtin_popcountll(bits) - 1;
	return rank < XV_TRIE_RUNS ? l->c.run[rank] : 0;
}

/* The leaf (or 0) of the table trie rooted at entry e for addr (host order). */
XV_LOOKUP __u32 xv_trie_lookup(const struct xv_lines *lines, __u32 e, __u32 addr)
{
	XV_UNROLL
	for (int level = 0; level < 4; level++)
		if (e & XV_TRIE_CHUNK)
			e = xv_chunk_entry(lines, e, addr >> (24 - 8 * level) & 0xff);
	return e & XV_TRIE_CHUNK ? 0 : e;
}

/* The record a table's leaf names, NULL for no leaf. */
XV_LOOKUP const struct xv_route *xv_record(const struct xv_lines *lines, __u32 leaf)
{
	__u32 id = leaf & XV_TRIE_ID_MASK, line = id >> 2;
	const struct xv_line *l;

	if (!(leaf & XV_TRIE_LEAF))
		return NULL;
	l = xv_line(lines, &line);
	return l ? &l->r[id & 3] : NULL;
}

/* ---- gateway sets ------------------------------------------------------- */

/*
 * size bytes at offset off from 16-byte unit u, off a multiple of size,
 * size a power of two up to 64.
 */
XV_LOOKUP const __u8 *xv_gw_at(const struct xv_lines *lines, __u32 u, __u32 off, __u32 size)
{
	__u32 pos = (u & 3) * 16 + off, line = (u >> 2) + (pos >> 6);
	const struct xv_line *l = xv_line(lines, &line);

	return l ? &l->b[pos & (64 - size)] : NULL;
}

/* The byte of chunk e (a byte-chunk kind) for the next 8 address bits idx. */
XV_LOOKUP __u32 xv_gw_byte(const struct xv_lines *lines, __u32 e, __u32 kind, __u32 idx)
{
	__u32 u = e & XV_GW_UNIT_MASK, n = 0, line = u >> 2;
	const struct xv_gw_bitmap *bm;
	const __u8 *p;
	__u64 bits;

	if (kind == XV_GW_RUNS) {
		p = xv_gw_at(lines, u, 0, 16);
		if (!p)
			return 0;
		/* Count the starts <= idx without a branch: idx is random. */
		XV_UNROLL
		for (int i = 0; i < 7; i++)
			n += ((__u64)p[i] - idx - 1) >> 63;
		return p[8 + n];
	}
	if (kind == XV_GW_BYTES) {
		p = xv_gw_at(lines, u, idx, 1);
		return p ? *p : 0;
	}
	bm = (const struct xv_gw_bitmap *)xv_line(lines, &line);
	if (!bm)
		return 0;
	XV_HIDE(idx);	/* as in xv_chunk_entry() */
	idx &= 0xff;
	bits = bm->starts[idx >> 6] & (~0ull >> (63 - (idx & 63)));
	n = bm->before[idx >> 6] + __builtin_popcountll(bits) - 1;
	return n < XV_GW_BITMAP_RUNS ? bm->run[n] : 0;
}

/* Entry j after the body of chunk e (a kid), or entry j of a full chunk. */
XV_LOOKUP __u32 xv_gw_entry(const struct xv_lines *lines, __u32 e, __u32 kind, __u32 j)
{
	const __u8 *p = xv_gw_at(lines, e & XV_GW_UNIT_MASK, XV_GW_BODY(kind) + j * 4, 4);

	return p ? *(const __u32 *)p : 0;
}

/*
 * The leaf byte of the gateway set rooted at root for addr (host order):
 * 0, or 1 + the length of the longest learned route containing addr. The
 * wide root's entry for the top 16 bits, then at most two chunks.
 */
XV_LOOKUP __u32 xv_gw_lookup(const struct xv_lines *lines, __u32 root, __u32 addr)
{
	__u32 i = addr >> 16, line = (root & XV_TRIE_LINE_MASK) + (i >> 4), e;
	const struct xv_line *l = xv_line(lines, &line);

	if (!l)
		return 0;
	e = l->e[i & 15];
	XV_UNROLL
	for (int level = 0; level < 2; level++) {
		__u32 kind = e >> XV_GW_KIND_SHIFT, idx = addr >> (8 - 8 * level) & 0xff;
		__u32 rel, in, shift, v;

		switch (kind) {
		case XV_GW_NONE:
			return 0;
		case XV_GW_LEAF:
			return e & 0xff;
		case XV_GW_ONE:
			rel = addr << (8 * level) & 0xffff;
			in = XV_GW_ONE_IN(e);
			shift = (32 + 8 * level + 1 - in) & 31;	/* 16 - bits to compare */
			return (rel ^ XV_GW_ONE_BITS(e)) >> shift ? XV_GW_ONE_OUT(e) : in;
		case XV_GW_FULL:
			e = xv_gw_entry(lines, e, kind, idx);
			continue;
		}
		v = xv_gw_byte(lines, e, kind, idx);
		if (v < XV_GW_KID)
			return v;
		e = xv_gw_entry(lines, e, kind, v - XV_GW_KID);
	}
	return 0;
}

#endif
