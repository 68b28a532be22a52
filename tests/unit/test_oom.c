// SPDX-License-Identifier: GPL-2.0
/*
 * The route engine, the lab plan and the fabric compiler out of memory:
 * every allocation they make, failed in turn, ends the one way log.h says
 * ("xvnet: out of memory", exit 1), never in a crash and never in another
 * error. This binary replaces malloc(), calloc() and realloc() with
 * libc's own behind a counter: the allocation numbered fail_at from the
 * arming returns NULL. Each case runs in a child whose stderr is read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "compile.h"
#include "lab.h"
#include "topo.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#define UNDER_ASAN 1
#endif

#ifndef UNDER_ASAN
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

static long fail_at = -1;	/* allocations left before the one that fails; -1: none */
static long allocs;		/* made so far */

static int failing(void)
{
	allocs++;
	return fail_at >= 0 && fail_at-- == 0;
}

void *malloc(size_t size)
{
	return failing() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return failing() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	return failing() ? NULL : __libc_realloc(p, size);
}
#endif

/* Every NIC of t in an inventory: VMs, gateways, the Internet edge. */
static int inventory(const struct topology *t, struct fabric_nic *nics)
{
	int n = 0;

	for (int i = 0; i < t->nvms; i++)
		nics[n++] = (struct fabric_nic){ XV_NIC_VM, i, 10 + i, { 2, 0, 0, 0, 0, i } };
	for (int i = 0; i < t->ngateways; i++)
		nics[n++] = (struct fabric_nic){ XV_NIC_GATEWAY, i, 100 + i, { 2, 0, 0, 0, 1, i } };
	nics[n++] = (struct fabric_nic){ XV_NIC_INTERNET, -1, 200, { 2, 0, 0, 0, 2, 0 } };
	return n;
}

/* The engine, the plan, the image of t: 0, or 3 for an error of theirs. */
static int build_all(const struct topology *t)
{
	struct fabric_nic nics[64];
	struct fabric_image img;
	struct lab_plan p;
	struct engine e;
	char err[256];
	int n = inventory(t, nics), rc = 3;

	engine_build(&e, t);
	if (!lab_plan_build(&p, &e)) {
		if (!fabric_compile(t, &e, nics, n, &img, err, sizeof(err))) {
			fabric_image_free(&img);
			rc = 0;
		}
		lab_plan_free(&p);
	}
	engine_free(&e);
	return rc;
}

/* What a child failing allocation k of build_all() exits with; its stderr in msg. */
static int run_failing(const struct topology *t, long k, char *msg, size_t len)
{
	char path[] = "/tmp/xvnet-oom-XXXXXX";
	int fd = mkstemp(path), status;
	ssize_t got;
	pid_t pid;

	assert_true(fd >= 0);
	unlink(path);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		if (dup2(fd, STDERR_FILENO) < 0)
			_exit(4);
#ifndef UNDER_ASAN
		fail_at = k;
#endif
		_exit(build_all(t));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	got = pread(fd, msg, len - 1, 0);
	close(fd);
	msg[got > 0 ? got : 0] = '\0';
	if (!WIFEXITED(status))
		fail_msg("allocation %ld failed: killed by signal %d", k, WTERMSIG(status));
	return WEXITSTATUS(status);
}

/*
 * examples/hub-er-vpn.yaml: coexisting gateways, VPN BGP transit, a
 * circuit, a firewall NVA; each of the allocations for its routes, plan
 * and image fails in turn. One that libc makes for itself may be met
 * another way (qsort's buffer): the build then succeeds.
 */
static void test_every_allocation_fails_the_one_way(void **state)
{
	struct diags d = { 0 };
	struct topology t;
	long n = 0, oom = 0;
	char msg[128];

#ifdef UNDER_ASAN
	skip();	/* ASan's own allocator: these are not libc's to replace */
#endif
	assert_int_equal(topo_load("examples/hub-er-vpn.yaml", &t, &d), 0);
	diags_free(&d);
	assert_true(t.nvms + t.ngateways < 64);
#ifndef UNDER_ASAN
	allocs = 0;
#endif
	assert_int_equal(build_all(&t), 0);
#ifndef UNDER_ASAN
	n = allocs;
#endif
	for (long k = 0; k < n; k++) {
		int rc = run_failing(&t, k, msg, sizeof(msg));

		if (rc == 1)
			assert_string_equal(msg, "xvnet: out of memory\n");
		else if (rc)
			fail_msg("allocation %ld failed: exit %d, %s", k, rc, msg);
		oom += rc == 1;
	}
	/* the engine's, the plan's and the compiler's: some hundred */
	assert_true(oom > 50);
	topo_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_fails_the_one_way),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
