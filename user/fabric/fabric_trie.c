// SPDX-License-Identifier: GPL-2.0
/*
 * Multibit tries, built and laid out as tables (fabric_trie.h). Pure:
 * memory only.
 */
#include "fabric_trie.h"

#include <stdlib.h>
#include <string.h>

static __u32 *chunk(const struct trie_chunks *c, int i)
{
	return &c->e[(size_t)i * 256];
}

static int chunk_new(struct trie_chunks *c, __u32 fill)
{
	fabric_grow((void **)&c->e, &c->cap, (c->n + 1) * 256, sizeof(__u32));
	for (int i = 0; i < 256; i++)
		chunk(c, c->n)[i] = fill;
	return c->n++;
}

int trie_new(struct trie_chunks *c)
{
	return chunk_new(c, 0);
}

/* The chunk under entry i of chunk at, made from the leaf (or nothing) it held. */
static int chunk_descend(struct trie_chunks *c, int at, int i)
{
	__u32 e = chunk(c, at)[i];
	int child;

	if (e & XV_TRIE_CHUNK)
		return (int)(e & XV_TRIE_LINE_MASK);
	child = chunk_new(c, e);
	chunk(c, at)[i] = XV_TRIE_CHUNK | child;
	return child;
}

/* A chunk starts as a copy of the leaf it replaces. */
void trie_insert(struct trie_chunks *c, int root, struct prefix p, __u32 leaf)
{
	int at = root;

	for (int shift = 24;; shift -= 8) {
		__u32 *e = &chunk(c, at)[p.addr >> shift & 0xff];

		if (p.len <= 32 - shift) {
			for (int i = 0; i < 1 << (32 - shift - p.len); i++)
				e[i] = leaf;
			return;
		}
		at = chunk_descend(c, at, p.addr >> shift & 0xff);
	}

}

__u32 trie_find(const struct trie_chunks *c, int root, __u32 dst)
{
	__u32 e = XV_TRIE_CHUNK | root;

	for (int shift = 24; e & XV_TRIE_CHUNK; shift -= 8)
		e = chunk(c, (int)(e & XV_TRIE_LINE_MASK))[dst >> shift & 0xff];
	return e;
}

/* At most XV_TRIE_RUNS runs of equal entries: one line. */
static void compact_fill(struct xv_line *l, const __u32 *e)
{
	int k = 0;

	for (int i = 0; i < 256; i++) {
		if (i && e[i] == e[i - 1])
			continue;
		l->c.starts[i / 64] |= 1ull << (i % 64);
		l->c.run[k++] = e[i];
	}
	for (int w = 1; w < 4; w++)
		l->c.before[w] = l->c.before[w - 1] + __builtin_popcountll(l->c.starts[w - 1]);
}

int trie_emit(const struct trie_chunks *c, int root, struct line_writer *w, __u32 *entry)
{
	__u32 e[256];
	int runs = 0, at;

	for (int i = 0; i < 256; i++) {
		e[i] = chunk(c, root)[i];
		if (e[i] & XV_TRIE_CHUNK) {
			int err = trie_emit(c, (int)(e[i] & XV_TRIE_LINE_MASK), w, &e[i]);

			if (err)
				return err;
		}
		runs += !i || e[i] != e[i - 1];
	}
	at = lines_new(w, runs <= XV_TRIE_RUNS ? 1 : 16);
	if (at < 0)
		return at;
	if (runs > XV_TRIE_RUNS) {
		memcpy(&w->img->trie[at], e, sizeof(e));
		*entry = XV_TRIE_CHUNK | at;
		return 0;
	}
	compact_fill(&w->img->trie[at], e);
	*entry = XV_TRIE_CHUNK | XV_TRIE_COMPACT | at;
	return 0;
}

struct check {
	const struct trie_chunks *c;
	enum trie_layout how;
	const struct xv_lines *lines;
	__u32 entry;
};

/* Whether the layout gives leaf e (or nothing) at addr. */
static bool check_addr(const struct check *k, __u32 addr, __u32 e)
{
	__u32 len = e >> XV_TRIE_LEN_SHIFT & 0x3f;

	if (k->how == TRIE_GWSET)
		return xv_gw_lookup(k->lines, k->entry, addr) == (e & XV_TRIE_LEAF ? len + 1 : 0);
	return xv_trie_lookup(k->lines, k->entry, addr) == e;
}

/* Chunk at, for the addresses base + (0..255 << shift). */
static bool check_chunk(const struct check *k, int at, __u32 base, int shift)
{
	const __u32 *e = chunk(k->c, at);

	for (int i = 0; i < 256; i++) {
		__u32 a = base | (__u32)i << shift;

		if (e[i] & XV_TRIE_CHUNK) {
			if (!check_chunk(k, (int)(e[i] & XV_TRIE_LINE_MASK), a, shift - 8))
				return false;
			continue;
		}
		if ((!i || e[i] != e[i - 1]) && !check_addr(k, a, e[i]))
			return false;
		if ((i == 255 || e[i] != e[i + 1]) &&
		    !check_addr(k, a | ((1u << shift) - 1), e[i]))
			return false;
	}
	return true;
}

bool trie_check(const struct trie_chunks *c, int root, enum trie_layout how,
		const struct xv_lines *lines, __u32 entry)
{
	struct check k = { c, how, lines, entry };

	return check_chunk(&k, root, 0, 24);
}

void trie_chunks_free(struct trie_chunks *c)
{
	free(c->e);
	memset(c, 0, sizeof(*c));
}
