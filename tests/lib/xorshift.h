/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Marsaglia's xorshift32: the deterministic random numbers of generated
 * test and benchmark inputs (the same for a seed on every machine). Pure.
 */
#ifndef XVNET_TESTS_XORSHIFT_H
#define XVNET_TESTS_XORSHIFT_H

#include <stdint.h>

/* The next number of the sequence in *state (never 0: seed it non-zero). */
static inline uint32_t xorshift32(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

#endif
