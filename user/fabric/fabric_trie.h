/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multibit tries (8-bit strides) as they are built: plain chunks of 256
 * entries, an entry being 0 (nothing), a leaf, or XV_TRIE_CHUNK and the
 * index of the chunk below. A table is then laid out in lines, full or
 * compact chunks (bpf/xvnet_abi.h); a gateway set by fabric_gwset.h.
 * Pure: memory only. bpf/lib/fabric_lookup.h reads what is laid out.
 */
#ifndef XVNET_FABRIC_TRIE_H
#define XVNET_FABRIC_TRIE_H

#include "fabric_lines.h"
#include "ipv4.h"
#include "lib/fabric_lookup.h"

struct trie_chunks {
	__u32 *e;		/* chunk c is e[256 * c ...] */
	int n, cap;		/* chunks, and entries allocated */
};

/* A table leaf: prefix length len, record (or route) id. */
static inline __u32 trie_leaf(int len, __u32 id)
{
	return XV_TRIE_LEAF | (__u32)len << XV_TRIE_LEN_SHIFT | id;
}

/* A new trie: its root chunk's index. */
int trie_new(struct trie_chunks *c);

/*
 * Put leaf at every address of p. Insert a prefix before those nested in
 * it (shortest first, or in prefix_cmp order): the longer ones overwrite it.
 */
void trie_insert(
struct trie_chunks *c, int root, struct prefix p, __u32 leaf);

/* The leaf (or 0) trie root holds for dst so far. */
__u32 trie_find(const struct trie_chunks *c, int root, __u32 dst);

/* Lay trie root out as a table, below it first; *entry: the entry naming it. */
int trie_emit(const struct trie_chunks *c, int root, struct line_writer *w, __u32 *entry);

/* What a trie was laid out as: a table (trie_emit) or a gateway set (fabric_gwset.h). */
enum trie_layout { TRIE_TABLE, TRIE_GWSET };

/*
 * The compiler's self-check: whether what trie root was laid out as, at
 * entry in lines, reads back (bpf/lib/fabric_lookup.h, the program's own
 * lookups) as the trie holds, at both ends of every run of equal entries.
 */
bool trie_check(const struct trie_chunks *c, int root, enum trie_layout how,
		const struct xv_lines *lines, __u32 entry);

void trie_chunks_free(struct trie_chunks *c);

#endif
