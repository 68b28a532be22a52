/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Laying out an image's line array (struct fabric_image: trie, nlines;
 * bpf/xvnet_abi.h): the route records first, four a line, then every
 * table (fabric_trie.h) and gateway set (fabric_gwset.h), each taking the
 * lines it needs. Pure: memory only.
 */
#ifndef XVNET_FABRIC_LINES_H
#define XVNET_FABRIC_LINES_H

#include <stddef.h>

#include "image.h"

struct line_writer {
	struct fabric_image *img;	/* its trie and nlines grow */
	int cap;			/* lines allocated in img->trie */
	struct xv_route *recs;		/* the records so far, numbered in order */
	int nrecs, recs_cap;
};

/* Grow *p (of *cap elements of size) to hold need. */
void fabric_grow(void **p, int *cap, int need, size_t size);

/* n more zeroed lines: the first one's index, or -E2BIG. */
int lines_new(struct line_writer *w, int n);

/* A new record r: its id (records are numbered in order), or -E2BIG. */

int lines_record(struct line_writer *w, struct xv_route r);

/* Lay the records out, first in the array: before any trie. */
int lines_put_records(struct line_writer *w);

/* Free what the writer holds besides the image. */
void line_writer_free(struct line_writer *w);

#endif
