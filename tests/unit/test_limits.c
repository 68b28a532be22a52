// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input to the topology loader: size, depth, node count, memory,
 * NUL and control characters, leading zeros, long values in messages, and
 * interface names that would collide in a lab's namespace.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lab.h"
#include "topo.h"

/* Parse yaml; the diagnostics joined by newlines in *out (malloc'd). */
static int parse(const char *yaml, size_t len, char **out)
{
	struct diags d = { 0 };
	struct topology t;
	size_t n = 1;
	int r = topo_parse("t.yaml", yaml, len, &t, &d);

	for (int i = 0; i < d.n; i++)
		n += strlen(d.lines[i]) + 1;
	*out = calloc(1, n);
	assert_non_null(*out);
	for (int i = 0; i < d.n; i++)
		strcat(strcat(*out, d.lines[i]), "\n");
	diags_free(&d);
	if (!r)
		topo_free(&t);
	return r;
}

static void assert_contains(const char *s, const char *want)
{
	if (!strstr(s, want))
		fail_msg("no '%s' in: %.2000s", want, s);
}

/* A file of len bytes of c. */
static char *file_of(size_t len, char c)
{
	static char path[64];
	char *buf = malloc(len);
	int fd;

	strcpy(path, "/tmp/xvnet-limits-XXXXXX");
	fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_non_null(buf);
	memset(buf, c, len);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	free(buf);
	return path;
}

static void test_input_limit(void **state)
{
	char *buf, *path;
	size_t len;

	topo_set_max_input(4096);
	path = file_of(4096, ' ');
	assert_int_equal(topo_read(path, &buf, &len), 0);
	assert_int_equal(len, 4096);
	free(buf);
	unlink(path);
	path = file_of(4097, ' ');
	assert_int_equal(topo_read(path, &buf, &len), -1);
	assert_int_equal(errno, EFBIG);
	assert_null(buf);
	unlink(path);
	/* endless: stops one byte past the limit */
	assert_int_equal(topo_read("/dev/zero", &buf, &len), -1);
	assert_int_equal(errno, EFBIG);
	topo_set_max_input(TOPO_MAX_INPUT);
}

static void test_read_error_names_limit(void **state)
{
	struct diags d = { 0 };

	topo_set_max_input(1 << 20);
	topo_read_error(&d, "big.yaml", EFBIG);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.lines[0], "big.yaml: error: larger than the input limit of 1 MiB; a topology is far smaller, or raise the limit with --max-input");
	diags_free(&d);
	topo_set_max_input(TOPO_MAX_INPUT);
}

/* n opening brackets after "vnets: " on line 2. */
static void test_depth(void **state)
{
	char *yaml = malloc(200100), *out;
	size_t n = 200000;
	int head = sprintf(yaml, "name: x\nvnets: ");

	memset(yaml + head, '[', n);
	assert_int_equal(parse(yaml, head + n, &out), -1);
	/* the top mapping is level 1: the 64th '[' (column 7 + 64) is level 65 */
	assert_contains(out, "t.yaml:2:71: error: lists and mappings nested deeper than 64 levels");
	free(out);
	/* 64 levels are no depth error (only malformed: unclosed) */
	assert_int_equal(parse(yaml, head + TOPO_MAX_DEPTH - 1, &out), -1);
	assert_null(strstr(out, "nested deeper"));
	free(out);
	free(yaml);
}

static void test_node_limit(void **state)
{
	size_t cap = 16 + 6 * (size_t)(TOPO_MAX_NODES + 10);
	char *yaml = malloc(cap), *out;
	size_t len = (size_t)sprintf(yaml, "name: x\nvnets:\n");

	for (int i = 0; i < TOPO_MAX_NODES + 10; i++)
		len += (size_t)sprintf(yaml + len, "- a\n");
	assert_int_equal(parse(yaml, len, &out), -1);
	/* root mapping, 2 keys, "x", the list: the 200000th node is item 199995 */
	assert_contains(out, "more than 200000 YAML nodes");
	assert_contains(out, "t.yaml:199998:3: error: ");
	free(out);
	free(yaml);
}

/* head, n times c, tail: a document with one huge value (malloc'd). */
static char *with_run(const char *head, char c, size_t n, const char *tail,
		      size_t *len)
{
	char *yaml = malloc(strlen(head) + n + strlen(tail) + 1);

	assert_non_null(yaml);
	*len = (size_t)sprintf(yaml, "%s", head);
	memset(yaml + *len, c, n);
	*len += n;
	*len += (size_t)sprintf(yaml + *len, "%s", tail);
	return yaml;
}

/* 33 MiB in one value: stopped at that value, never kept. */
static void test_text_limit(void **state)
{
	size_t len;
	char *out, *yaml = with_run("name: lab\nvnets: [", 'z',
				    TOPO_MAX_TEXT + (1 << 20), "]\n", &len);

	assert_int_equal(parse(yaml, len, &out), -1);
	assert_string_equal(out, "t.yaml:2:9: error: more than 32 MiB of text in keys and values; a topology within Azure's limits is far smaller\n");
	free(out);
	free(yaml);
}

/*
 * Out of memory anywhere in the loader ends in a message and exit 1 (log.h),
 * never abort(): the loader runs in a child under shrinking address-space
 * limits. The child exits 2 itself when the parser reported it as a
 * diagnostic.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#define UNDER_ASAN 1
#endif

static void test_out_of_memory_is_reported(void **state)
{
	size_t cap = 64 + 40 * 20000, len;
	char *yaml;
	int oom = 0;

#ifdef UNDER_ASAN
	/* ASan's allocator reports its own out-of-memory and aborts: nothing to see. */
	skip();
#endif
	yaml = malloc(cap);

	len = (size_t)sprintf(yaml, "name: x\nvnets:\n");
	for (int i = 0; i < 20000; i++)
		len += (size_t)sprintf(yaml + len, "  - {name: v%d, addressSpace: []}\n", i);
	for (long mb = 2; mb <= 64; mb *= 2) {
		pid_t pid = fork();
		int status;

		assert_true(pid >= 0);
		if (!pid) {
			struct rlimit rl;
			long pages;
			FILE *f = fopen("/proc/self/statm", "r");
			char *out;

			if (!f || fscanf(f, "%ld", &pages) != 1)
				_exit(3);
			fclose(f);
			rl.rlim_cur = rl.rlim_max =
				(rlim_t)pages * 4096 + (rlim_t)mb * 1048576;
			setrlimit(RLIMIT_AS, &rl);
			if (parse(yaml, len, &out) && strstr(out, "out of memory"))
				_exit(2);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFEXITED(status))
			fail_msg("loader killed by signal %d with %ld MB to spare",
				 WTERMSIG(status), mb);
		assert_true(WEXITSTATUS(status) <= 2);
		oom += WEXITSTATUS(status) != 0;
	}
	assert_true(oom > 0);
	free(yaml);
}

static void test_nul_and_control_characters(void **state)
{
	static const char nul[] = "name: \"rel\\0; rm -rf /\"\nvnets: []\n";
	static const char key[] = "name: lab\nvnets:\n  - {\"name\\0x\": v, addressSpace: [10.0.0.0/16]}\n";
	static const char esc[] = "name: lab\nvnets:\n  - {name: v, region: \"a\\e[2Jb\", addressSpace: [10.0.0.0/16]}\n";
	char *out;

	assert_int_equal(parse(nul, sizeof(nul) - 1, &out), -1);
	assert_contains(out, "t.yaml:1:7: error: name of the topology: 'rel' is followed by a NUL character");
	free(out);
	assert_int_equal(parse(key, sizeof(key) - 1, &out), -1);
	assert_contains(out, "t.yaml:3:6: error: a key of vnet 'v': 'name' is followed by a NUL character");
	free(out);
	assert_int_equal(parse(esc, sizeof(esc) - 1, &out), -1);
	assert_contains(out, "t.yaml:3:23: error: region of vnet 'v': 'a\\x1b[2Jb' holds a control character");
	assert_null(strchr(out, '\033'));
	free(out);
}

static void test_leading_zeros(void **state)
{
	struct prefix p;
	uint32_t a;

	assert_int_equal(ipv4_scan("10.0.0.1", &a), 0);
	assert_int_equal(ipv4_scan("0.0.0.0", &a), 0);
	assert_int_equal(ipv4_scan("010.0.0.1", &a), IPV4_LEADING_ZERO);
	assert_int_equal(a, 0x0a000001);
	assert_int_equal(ipv4_scan("10.0.00.1", &a), IPV4_LEADING_ZERO);
	assert_false(ipv4_parse("10.0.0.01", &a));
	assert_int_equal(prefix_parse("10.0.0.0/08", &p), IPV4_LEADING_ZERO);
	assert_int_equal(p.len, 8);
	assert_int_equal(prefix_parse("010.0.0.0/16", &p), IPV4_LEADING_ZERO);
	assert_int_equal(p.addr, 0x0a000000);
	assert_int_equal(prefix_parse("0.0.0.0/0", &p), 0);
	assert_int_equal(prefix_parse("10.0.0.0/8", &p), 0);
}

static void test_values_cut_and_escaped(void **state)
{
	char long_name[1000];

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	assert_int_equal(strlen(diag_value(long_name)), DIAG_VALUE_MAX + 3);
	assert_string_equal(diag_value(long_name) + DIAG_VALUE_MAX, "...");
	assert_string_equal(diag_value("a\nb\tc\033[0m\x7f"), "a\\nb\\tc\\x1b[0m\\x7f");
	assert_string_equal(diag_value(NULL), "");
}

/* A 1 MB name in a message is shown cut to DIAG_VALUE_MAX characters. */
static void test_message_with_huge_name(void **state)
{
	size_t len;
	char *out, *yaml = with_run("name: lab\nvnets:\n  - {name: ", 'y', 1 << 20,
				    ", addressSpace: [10.0.0.0/16]}\n", &len);

	assert_int_equal(parse(yaml, len, &out), -1);
	assert_true(strlen(out) < 1000);
	assert_contains(out, "is not a valid name");
	free(out);
	free(yaml);
}

/* Azure's limit on routes per table: 400 pass, 401 are refused at the list. */
static void test_routes_per_table(void **state)
{
	char *yaml = malloc(100 * 1000), *out;

	for (int n = 400; n <= 401; n++) {
		size_t len = (size_t)sprintf(yaml, "name: lab\nvnets: []\nrouteTables:\n  - name: rt\n    routes:\n");

		for (int i = 0; i < n; i++)
			len += (size_t)sprintf(yaml + len, "      - {name: r%d, addressPrefix: 10.%d.%d.0/24, nextHopType: None}\n",
					       i, i / 256, i % 256);
		if (n == 400) {
			assert_int_equal(parse(yaml, len, &out), 0);
		} else {
			assert_int_equal(parse(yaml, len, &out), -1);
			assert_string_equal(out, "t.yaml:6:7: error: route table 'rt' has 401 routes; Azure allows at most 400\n");
		}
		free(out);
	}
	free(yaml);
}

/*
 * A short VM name equal to a long one's hash would give both NICs one
 * name in the fabric namespace: deploy would fail with "File exists".
 */
static void test_ifnames_unique_after_hashing(void **state)
{
	static const char *long_name = "a-name-longer-than-ifnamsiz";
	char hashed[IF_NAMESIZE], yaml[1024];
	struct diags d = { 0 };
	struct topology t;
	struct engine e;
	struct lab_plan p;

	lab_ifname(hashed, "v-", long_name);
	snprintf(yaml, sizeof(yaml),
		 "name: lab\n"
		 "vnets:\n"
		 "  - {name: v, addressSpace: [10.0.0.0/16], subnets: [{name: a, addressPrefix: 10.0.1.0/24}]}\n"
		 "vms:\n"
		 "  - {name: %s, subnet: v/a}\n"
		 "  - {name: %s, subnet: v/a}\n"
		 "  - {name: %s-b, subnet: v/a}\n",
		 long_name, hashed + 2, hashed + 2);
	assert_int_equal(topo_parse("t.yaml", yaml, strlen(yaml), &t, &d), 0);
	engine_build(&e, &t);
	assert_int_equal(lab_plan_build(&p, &e), 0);
	for (int i = 0; i < p.nlinks; i++)
		for (int k = 0; k < 2; k++)
			for (int j = 0; j < p.nlinks; j++)
				for (int m = 0; m < 2; m++) {
					const struct lab_end *a = &p.links[i].end[k];
					const struct lab_end *b = &p.links[j].end[m];

					if ((i != j || k != m) && a->node == b->node &&
					    !strcmp(a->ifname, b->ifname))
						fail_msg("two interfaces %s in node %d",
							 a->ifname, a->node);
				}
	/* the first comer keeps the plain name; deterministic */
	assert_string_equal(p.links[p.nic_link[p.vm_node[0]]].end[0].ifname, hashed);
	lab_plan_free(&p);
	engine_free(&e);
	topo_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_limit),
		cmocka_unit_test(test_read_error_names_limit),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_out_of_memory_is_reported),
		cmocka_unit_test(test_nul_and_control_characters),
		cmocka_unit_test(test_leading_zeros),
		cmocka_unit_test(test_values_cut_and_escaped),
		cmocka_unit_test(test_message_with_huge_name),
		cmocka_unit_test(test_routes_per_table),
		cmocka_unit_test(test_ifnames_unique_after_hashing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
