/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the topology loader (topo_parse.c, topo_check.c): the parse
 * context and the YAML document helpers both phases share.
 */
#ifndef XVNET_TOPO_YAML_H
#define XVNET_TOPO_YAML_H

#include <stddef.h>
#include <yaml.h>

#include "topo.h"

struct tp_msg {
	struct pos pos;
	int seq; /* order found, to keep it among equal positions */
	char *text;
};

struct tp_ctx {
	yaml_document_t *doc;
	struct topology *t;
	/* collected here, then handed to struct diags in file order */
	struct tp_msg *msgs;
	int nmsgs;
	int cap;
	int dropped; /* beyond what flush() could show: counted only */
};

void tp_err(struct tp_ctx *c, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void *tp_alloc(size_t n, size_t size);

struct pos tp_pos(const yaml_node_t *n);
/* The scalar's text, NULL when n is not a scalar. */
const char *tp_scalar(const yaml_node_t *n);
/* The value of key in mapping map, NULL when absent (or map is no mapping). */
yaml_node_t *tp_get(struct tp_ctx *c, const yaml_node_t *map, const char *key);
/* Where key's value was written, else where map starts. */
struct pos tp_vpos(struct tp_ctx *c, const yaml_node_t *map, const char *key);
int tp_len(const yaml_node_t *seq);
yaml_node_t *tp_item(struct tp_ctx *c, const yaml_node_t *seq, int i);
/* Item i of a top-level list ("vnets", ...), or of list key inside map. */
yaml_node_t *tp_section_item(struct tp_ctx *c, const char *section, int i);
yaml_node_t *tp_list_item(struct tp_ctx *c, const yaml_node_t *map,
			  const char *key, int i);

/*
 * "Did you mean" hints: the candidate nearest to word by edit distance,
 * if near enough to be a likely typo. Candidates are read from an array of
 * records whose first member is a const char * name, ended by a NULL name
 * (n < 0) or n records long.
 */
const char *tp_nearest(const char *word, const void *base, size_t stride,
		       int n);
/* "; did you mean 'x'?" or fallback, for message tails. */
const char *tp_hint(char *buf, size_t len, const char *nearest,
		    const char *fallback);

/* Phase 2: resolve references, apply defaults, cross-object checks. */
void tp_check(struct tp_ctx *c);

#endif
