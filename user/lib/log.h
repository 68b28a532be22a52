/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One logger and one out-of-memory policy for the whole program.
 *
 * Messages go to stderr through pr_err() .. pr_debug(), kernel style: the
 * caller writes the whole line, "\n" included; pr_err(), pr_warn() and
 * pr_info() always print, pr_debug() only with XVNET_DEBUG set in the
 * environment. libbpf's and libxdp's own output comes through
 * the same path (log_libs_quiet() sends it to debug while a step whose
 * noise is expected runs). A failure is reported once, by the layer that
 * knows what was being done; the layers above only pass its -errno on.
 *
 * Out of memory has one outcome everywhere: "xvnet: out of memory" on
 * stderr and exit 1 (EXIT_FAIL), like a process killed half-way: a deploy
 * writes its state before it creates anything, so that `xvnet cleanup`
 * finds whatever such an exit leaves, and the lab's lock goes with the
 * process (state.h). xmalloc() and its kin never return NULL: they call
 * oom_exit(); jansson allocates through them (log_init()), and the
 * topology loader's diags_oom() is oom_exit(). So no function returns
 * -ENOMEM for an allocation of its own: the route engine, the compiler and
 * the lab plan fail only for what they are given.
 */
#ifndef XVNET_LOG_H
#define XVNET_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_print(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...)	log_print(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	log_print(LOG_WARN, __VA_ARGS__)
#define pr_info(...)	log_print(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	log_print(LOG_DEBUG, __VA_ARGS__)

/*
 * Route libbpf's and libxdp's messages through the logger, and make
 * jansson allocate with xmalloc() (idempotent).
 */
void log_init(void);
/*
 * While quiet, their warnings count as debug output: for a step known to
 * make them complain before it succeeds (libxdp's dispatcher fallback).
 */
void log_libs_quiet(bool quiet);

/* Print "xvnet: out of memory" and exit 1. */
void oom_exit(void) __attribute__((noreturn));

void *xmalloc(size_t size) __attribute__((malloc, returns_nonnull));
/* Zeroed; n * size checked for overflow. */
void *xcalloc(size_t n, size_t size) __attribute__((malloc, returns_nonnull));
void *xrealloc(void *p, size_t size) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((malloc, returns_nonnull));
/* A formatted string, malloc'd. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2), returns_nonnull));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0), returns_nonnull));
/*
 * A stream writing into a malloc'd string (open_memstream()), and its
 * fclose(), after which *buf holds what was written: such a stream fails
 * only for want of memory.
 */
FILE *xopen_memstream(char **buf, size_t *len) __attribute__((returns_nonnull));
void xclose_memstream(FILE *f);

#endif
