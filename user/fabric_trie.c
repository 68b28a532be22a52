// SPDX-License-Identifier: GPL-2.0
/*
 * Multibit tries, built and laid out as tables (fabric_trie.h). Pure:
 * memory only.
 */
#include "fabric_trie.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static __u32 *chunk(const struct trie_chunks *c, int i)
{
	return &c->e[(size_t)i * 256];
}

static int chunk_new(struct trie_chunks *c, __u32 fill)
{
	if (fabric_grow((void **)&c->e, &c->cap, (c->n + 1) * 256, sizeof(__u32)))
		return -ENOMEM;
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
	if (child >= 0)
		chunk(c, at)[i] = XV_TRIE_CHUNK | child;
	return child;
}

/* A chunk starts as a copy of the leaf it replaces. */
int trie_insert(struct trie_chunks *c, int root, struct prefix p, __u32 leaf)
{
	int at = root;

	for (int shift = 24;; shift -= 8) {
		__u32 *e = &chunk(c, at)[p.addr >> shift & 0xff];

		if (p.len <= 32 - shift) {
			for (int i = 0; i < 1 << (32 - shift - p.len); i++)
				e[i] = leaf;
			return 0;
		}
		at = chunk_descend(c, at, p.addr >> shift & 0xff);
		if (at < 0)
			return at;
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

void trie_chunks_free(struct trie_chunks *c)
{
	free(c->e);
	memset(c, 0, sizeof(*c));
}
