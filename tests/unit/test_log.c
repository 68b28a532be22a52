// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-memory policy (log.h): an allocation that cannot be met
 * prints "xvnet: out of memory" and exits 1, never returns NULL, never
 * aborts. Each case runs in a child whose stderr is read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/libbpf.h>

#include "log.h"

/* Under ASan, an allocation it cannot meet returns NULL too (as libc's does). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

enum { XMALLOC, XCALLOC, XCALLOC_OVERFLOW, XREALLOC, FITS, LEVELS, LIBBPF, LIBBPF_QUIET };

/* What each level prints, and libbpf's own warning (a file it cannot open). */
static void print(int how)
{
	if (how == LEVELS) {
		pr_err("e\n");
		pr_warn("w\n");
		pr_info("i\n");
		pr_debug("d\n");
		_exit(0);
	}
	log_init();
	log_libs_quiet(how == LIBBPF_QUIET);
	bpf_object__open_file("/nonexistent/x.bpf.o", NULL);
	_exit(0);
}

static void allocate(int how)
{
	size_t huge = SIZE_MAX / 2;
	void *p = NULL;

	switch (how) {
	case XMALLOC: p = xmalloc(huge); break;
	case XCALLOC: p = xcalloc(1, huge); break;
	case XCALLOC_OVERFLOW: p = xcalloc(huge, 4); break;
	case XREALLOC: p = xrealloc(xmalloc(16), huge); break;
	case FITS: p = xcalloc(0, 0); break;	/* zero bytes is still memory, never NULL */
	}
	_exit(p ? 0 : 3);
}

/* Run allocate(how) in a child: its exit status, its stderr in err. */
static int run(int how, char *err, size_t len)
{
	int fds[2], status;
	size_t got;
	ssize_t n = 0;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		dup2(fds[1], STDERR_FILENO);
		if (how >= LEVELS)
			print(how);
		allocate(how);
	}
	close(fds[1]);
	for (got = 0; got < len - 1; got += (size_t)n)
		if ((n = read(fds[0], err + got, len - 1 - got)) <= 0)
			break;
	err[got] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("killed by signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

static void test_out_of_memory_exits_1(void **state)
{
	char err[1024];

	for (int how = XMALLOC; how <= XREALLOC; how++) {
		const char *msg;

		assert_int_equal(run(how, err, sizeof(err)), 1);
		/* ASan warns of the failed allocation first, on a line of its own */
		msg = strstr(err, "xvnet: out of memory\n");
		assert_non_null(msg);
		assert_string_equal(msg, "xvnet: out of memory\n");
		assert_true(msg == err || strncmp(err, "==", 2) == 0);
	}
}

static void test_zero_bytes(void **state)
{
	char err[128];

	assert_int_equal(run(FITS, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void test_levels(void **state)
{
	char err[256];

	unsetenv("XVNET_DEBUG");
	assert_int_equal(run(LEVELS, err, sizeof(err)), 0);
	assert_string_equal(err, "e\nw\ni\n");
	setenv("XVNET_DEBUG", "1", 1);
	assert_int_equal(run(LEVELS, err, sizeof(err)), 0);
	assert_string_equal(err, "e\nw\ni\nd\n");
	unsetenv("XVNET_DEBUG");
}

/* libbpf's warnings come through the logger; quiet, they are debug output. */
static void test_libbpf_routed(void **state)
{
	char err[256];

	unsetenv("XVNET_DEBUG");
	assert_int_equal(run(LIBBPF, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "libbpf: "));
	assert_non_null(strstr(err, "/nonexistent/x.bpf.o"));
	assert_int_equal(run(LIBBPF_QUIET, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	setenv("XVNET_DEBUG", "1", 1);
	assert_int_equal(run(LIBBPF_QUIET, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/x.bpf.o"));
	unsetenv("XVNET_DEBUG");
}

static void test_xasprintf(void **state)
{
	char *s = xasprintf("%s/%d", "route", 12);

	assert_string_equal(s, "route/12");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_of_memory_exits_1),
		cmocka_unit_test(test_zero_bytes),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_libbpf_routed),
		cmocka_unit_test(test_xasprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
