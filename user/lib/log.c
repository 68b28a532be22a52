// SPDX-License-Identifier: GPL-2.0
/* The logger and the allocators that never fail (see log.h). */
#define _GNU_SOURCE
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <jansson.h>
#include <xdp/libxdp.h>

static bool libs_quiet;

static bool enabled(enum log_level level)
{
	static int debug = -1;

	if (level <= LOG_INFO)
		return true;
	if (debug < 0)
		debug = getenv("XVNET_DEBUG") != NULL;
	return debug;
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
	if (enabled(level))
		vfprintf(stderr, fmt, ap);
}

void log_print(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

/* libbpf's and libxdp's levels: warn, info, debug (libbpf prints the first two). */
static enum log_level lib_level(int warn, int info, int level)
{
	if (libs_quiet || (level != warn && level != info))
		return LOG_DEBUG;
	return level == warn ? LOG_WARN : LOG_INFO;
}

static int from_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	vlog(lib_level(LIBBPF_WARN, LIBBPF_INFO, level), fmt, ap);
	return 0;
}

static int from_libxdp(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	vlog(lib_level(LIBXDP_WARN, LIBXDP_INFO, level), fmt, ap);
	return 0;
}

void log_init(void)
{
	json_set_alloc_funcs(xmalloc, free);
	libbpf_set_print(from_libbpf);
	libxdp_set_print(from_libxdp);
}

void log_libs_quiet(bool quiet)
{
	libs_quiet = quiet;
}

void oom_exit(void)
{
	static const char msg[] = "xvnet: out of memory\n";

	/* no stdio: it may need memory itself */
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	exit(1);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom_exit();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom_exit();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom_exit();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom_exit();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom_exit();
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

FILE *xopen_memstream(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f)
		oom_exit();
	return f;
}

void xclose_memstream(FILE *f)
{
	if (fclose(f))
		oom_exit();
}
