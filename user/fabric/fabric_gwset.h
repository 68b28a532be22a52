/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A gateway's learned routes laid out as a gateway set (bpf/xvnet_abi.h):
 * built as a trie (fabric_trie.h) whose leaves carry only the prefix
 * length, then laid out as a wide 16-bit root and byte chunks below it.
 * Pure: memory only. bpf/lib/fabric_lookup.h reads what is laid out.
 */
#ifndef XVNET_FABRIC_GWSET_H
#define XVNET_FABRIC_GWSET_H

#include "fabric_lines.h"
#include "fabric_trie.h"

struct gwset_writer {
	const struct trie_chunks *c;	/* the sets as built */
	struct line_writer *w;		/* where they are laid out */
	int small_line, small_free;	/* 16-byte slots left in that line */
};

/* Lay the set built at root out; *entry: its root's entry (XV_TRIE_WIDE). */
int gwset_emit(struct gwset_writer *g, int root, __u32 *entry);

#endif
