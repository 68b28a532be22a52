// SPDX-License-Identifier: GPL-2.0
/*
 * An image's line array as it is laid out (fabric_lines.h). Pure: memory
 * only.
 */
#include "fabric_lines.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fabric_grow(void **p, int *cap, int need, size_t size)
{
	int ncap = *cap ? *cap : 64;

	if (need <= *cap)
		return;
	while (ncap < need)
		ncap *= 2;
	*p = xrealloc(*p, (size_t)ncap * size);
	*cap = ncap;
}

int lines_new(struct line_writer *w, int n)
{
	struct fabric_image *img = w->img;
	int at = img->nlines;

	if ((unsigned int)(at + n) > XV_TRIE_LINE_MASK)
		return -E2BIG;
	fabric_grow((void **)&img->trie, &w->cap, at + n, sizeof(*img->trie));
	memset(&img->trie[at], 0, n * sizeof(*img->trie));
	img->nlines += n;
	return at;
}

int lines_record(struct line_writer *w, struct xv_route r)
{
	if (w->nrecs == XV_TRIE_MAX_IDS)
		return -E2BIG;
	fabric_grow((void **)&w->recs, &w->recs_cap, w->nrecs + 1, sizeof(*w->recs));
	w->recs
[w->nrecs] = r;
	return w->nrecs++;
}

int lines_put_records(struct line_writer *w)
{
	int at = lines_new(w, (w->nrecs + 3) / 4);

	if (at < 0)
		return at;
	for (int i = 0; i < w->nrecs; i++)
		w->img->trie[at + i / 4].r[i % 4] = w->recs[i];
	return 0;
}

void line_writer_free(struct line_writer *w)
{
	free(w->recs);
	w->recs = NULL;
	w->nrecs = w->recs_cap = 0;
}
