// SPDX-License-Identifier: GPL-2.0
/*
 * A/B of fabric builds, per frame, under BPF_PROG_RUN: the real compiler
 * and loader load TOPOLOGY (a private network namespace, one veth per NIC,
 * as tests/bpf do), then every given object is loaded beside it on the
 * same tables (the current generation's trie, nics and hits, the shared
 * maps) and timed with the generator (bpf/pktgen.bpf.c) chained in front,
 * in turns: round r runs every variant once, so drift on a shared machine
 * spreads over all of them. Prints one JSON object: per variant the median
 * and the minimum ns per frame (generator included), the median of its
 * per-round difference from the first variant, and its size (xlated
 * instructions, JITed bytes). docs/bench.md has what it measured.
 *
 *   bench-fabric-cost [-r ROUNDS] [-n REPEAT] TOPOLOGY VM SRC_IP DST VARIANT...
 *   bench-fabric-cost swap PIN_DIR OBJ
 *
 * DST is an address or a file of addresses (sprayed in turn). A VARIANT is
 * OBJ (entered at xvnet_fabric, which tail-calls the object's own
 * xvnet_fabric_gen, as when attached) or OBJ:PROG (entered at PROG);
 * "floor" is the generator chained into XDP_DROP.
 * Objects are builds of bpf/fabric.bpf.c, or bpf/benchref.bpf.c
 * (redirect_egress is filled with the destination NIC). A build whose map
 * differs in type from the loaded fabric's gets its own, empty.
 *
 * swap: make OBJ's xvnet_fabric_gen the current generation of the fabric
 * pinned at PIN_DIR (e.g. the one scripts/bench-fabric.sh runs), on that
 * generation's tables: a live A/B of builds, one gens update each. Root.
 */
#include "../bpf/fabric_harness.h"

#include <getopt.h>
#include <bpf/btf.h>

#include "pktgen.h"

#define MAX_VARIANTS 32

struct variant {
	const char *name;
	struct bpf_object *obj;
	int prog;
	double *ns;	/* per round */
};

static int map_fd_in(int prog, const char *name)
{
	__u32 ids[32], len = sizeof(struct bpf_prog_info);
	struct bpf_prog_info info = { .nr_map_ids = 32, .map_ids = (unsigned long)ids };

	if (bpf_obj_get_info_by_fd(prog, &info, &len))
		return -errno;
	for (__u32 i = 0; i < info.nr_map_ids && i < 32; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &mi, &mlen) && !strcmp(mi.name, name))
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return -ENOENT;
}

/* Set a const volatile global of the object's .rodata by name. */
static int set_rodata(struct bpf_object *obj, const char *var, __u32 val)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *m;
	size_t size;
	char *data;

	bpf_object__for_each_map(m, obj) {
		const struct btf_var_secinfo *vs;
		const struct btf_type *sec;
		int id;

		const char *dot = strchr(bpf_map__name(m), '.');

		if (!dot || strcmp(dot, ".rodata"))
			continue;
		id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
		if (id < 0)
			return id;
		sec = btf__type_by_id(btf, id);
		vs = btf_var_secinfos(sec);
		data = (char *)bpf_map__initial_value(m, &size);
		for (int i = 0; i < btf_vlen(sec); i++, vs++)
			if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off), var)) {
				memcpy(data + vs->offset, &val, sizeof(val));
				return 0;
			}
	}
	return -ENOENT;
}

struct ctx {
	struct lab *l;
	const char *pin;	/* swap: the fabric's pin directory */
	int gen;		/* the loaded generation's program */
	int nnics;
	int src, dst;		/* NIC slots */
};

static int pinned(const struct ctx *c, const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", c->pin ? c->pin : c->l->pin, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* The maps of a fabric build: the running fabric's, so every build sees one set of tables. */
static int reuse_maps(const struct ctx *c, struct bpf_object *obj)
{
	struct bpf_map *m;
	int ret = 0;

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		int fd = -ENOENT;

		if (!strcmp(name, "trie") || !strcmp(name, "nics") || !strcmp(name, "hits"))
			fd = map_fd_in(c->gen, name);
		else if (strcmp(name, "gens") && !strchr(name, '.') && !strstr(name, "redirect") &&
			 strcmp(name, "tx_ports") && strcmp(name, "sink_stats"))
			fd = pinned(c, name);
		else
			continue;
		if (fd >= 0) {
			struct bpf_map_info mi = {};
			__u32 len = sizeof(mi);

			/* Another layout (a build to compare with): its own, empty. */
			if (bpf_obj_get_info_by_fd(fd, &mi, &len) || mi.type != bpf_map__type(m)) {
				close(fd);
				fd = -ENOENT;
				if (!strcmp(name, "hits"))
					bpf_map__set_max_entries(m, 1 << 16);
			}
		}
		if (fd == -ENOENT)	/* a map of the build's own */
			continue;
		if (fd < 0 || bpf_map__reuse_fd(m, fd)) {
			fprintf(stderr, "bench-fabric-cost: map %s: %s\n", name, strerror(errno));
			ret = -ENOENT;
		}
		if (fd >= 0)
			close(fd);
	}
	return ret;
}

/* benchref's xdp_redirect: the destination NIC, as the fabric would reach it. */
static int fill_redirect(const struct ctx *c, struct bpf_object *obj)
{
	struct { __u32 ifindex; __u8 dmac[6], smac[6]; } e = { 0 };
	struct bpf_map *re = bpf_object__find_map_by_name(obj, "redirect_egress");
	struct bpf_map *tx = bpf_object__find_map_by_name(obj, "tx_ports");
	__u32 k = 0, ifi;

	if (!re || !tx || !c->l)
		return 0;
	ifi = e.ifindex = c->l->nics[c->dst].ifindex;
	memcpy(e.dmac, c->l->nics[c->dst].mac, 6);
	memcpy(e.smac, fabric_mac, 6);
	if (bpf_map_update_elem(bpf_map__fd(re), &k, &e, 0) ||
	    bpf_map_update_elem(bpf_map__fd(tx), &ifi, &ifi, 0))
		return -errno;
	return 0;
}

static int open_variant(const struct ctx *c, struct variant *v, const char *spec)
{
	char path[512], *colon;
	struct bpf_program *p;
	struct bpf_map *gens;
	bool fabric;
	int ret;

	snprintf(path, sizeof(path), "%s", spec);
	colon = strchr(path, ':');
	if (colon)
		*colon++ = '\0';
	v->name = spec;
	v->obj = bpf_object__open_file(path, NULL);
	if (!v->obj)
		return -errno;
	fabric = bpf_object__find_map_by_name(v->obj, "trie");
	if (fabric) {
		ret = set_rodata(v->obj, "nnics", c->nnics) ?:
		      set_rodata(v->obj, "gen", 1) ?: reuse_maps(c, v->obj);
		/* Older builds keep route hits per CPU in a plain array. */
		if (!ret)
			set_rodata(v->obj, "ncpus", libbpf_num_possible_cpus());
		if (ret)
			return ret;
	}
	bpf_object__for_each_program(p, v->obj)
		bpf_program__set_type(p, BPF_PROG_TYPE_XDP);
	ret = bpf_object__load(v->obj);
	if (ret)
		return ret;
	gens = bpf_object__find_map_by_name(v->obj, "gens");
	p = bpf_object__find_program_by_name(v->obj, "xvnet_fabric_gen");
	if (gens && p) {
		__u32 k = 0;
		int fd = bpf_program__fd(p);

		if (bpf_map_update_elem(bpf_map__fd(gens), &k, &fd, 0))
			return -errno;
	}
	ret = fill_redirect(c, v->obj);
	if (ret)
		return ret;
	p = bpf_object__find_program_by_name(v->obj, colon ? colon : "xvnet_fabric");
	if (!p)
		return -ENOENT;
	v->prog = bpf_program__fd(p);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int slot_of(const struct lab *l, const char *vm)
{
	for (int i = 0; i < l->t.nvms; i++)
		if (!strcmp(l->t.vms[i].name, vm))
			return vm_slot(l, i);
	return -1;
}

static int read_dsts(const char *arg, __u32 **out)
{
	struct in_addr a;
	char line[64];
	int n = 0, cap = 0;
	FILE *f;

	if (inet_pton(AF_INET, arg, &a) == 1) {
		*out = malloc(sizeof(**out));
		**out = ntohl(a.s_addr);
		return 1;
	}
	f = fopen(arg, "r");
	if (!f)
		return -errno;
	*out = NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (inet_pton(AF_INET, line, &a) != 1)
			continue;
		if (n == cap)
			*out = realloc(*out, (cap = cap ? 2 * cap : 1024) * sizeof(**out));
		(*out)[n++] = ntohl(a.s_addr);
	}
	fclose(f);
	return n;
}

static int run(struct lab *l, int rounds, __u32 repeat, char **argv, int nv)
{
	struct pktgen_opts o = { .chained = true, .len = 64 };
	struct variant v[MAX_VARIANTS] = { 0 };
	struct pktgen_ctx *g = NULL;
	struct ctx c = { .l = l };
	struct in_addr a;
	int gens = open_pin(l, "gens"), ret = 0, drop = -1;
	__u32 key = 0, id, *dsts = NULL;

	c.nnics = l->n;
	c.src = slot_of(l, argv[1]);
	c.dst = slot_of(l, "dst");
	if (gens < 0 || bpf_map_lookup_elem(gens, &key, &id) ||
	    (c.gen = bpf_prog_get_fd_by_id(id)) < 0 || c.src < 0 ||
	    inet_pton(AF_INET, argv[2], &a) != 1 || (o.n_daddrs = read_dsts(argv[3], &dsts)) < 1) {
		fprintf(stderr, "bench-fabric-cost: bad VM, address or fabric\n");
		return 2;
	}
	o.saddr = ntohl(a.s_addr);
	o.daddrs = dsts;
	memcpy(o.smac, l->nics[c.src].mac, ETH_ALEN);
	memcpy(o.dmac, fabric_mac, ETH_ALEN);
	if (pktgen_open(&g, &o))
		return 1;
	for (int i = 0; i < nv; i++) {
		v[i].ns = calloc(rounds, sizeof(double));
		if (!strcmp(argv[4 + i], "floor")) {
			struct bpf_insn insns[] = {
				{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = XDP_DROP },
				{ .code = BPF_JMP | BPF_EXIT },
			};

			v[i].name = "floor";
			LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_XDP);

			v[i].prog = drop = bpf_prog_load(BPF_PROG_TYPE_XDP, "floor", "GPL", insns, 2, &lo);
			ret = v[i].prog < 0 ? v[i].prog : 0;
		} else if (!strcmp(argv[4 + i], "loaded")) {
			v[i].name = "loaded";
			v[i].prog = l->prog;
		} else {
			ret = open_variant(&c, &v[i], argv[4 + i]);
		}
		if (ret) {
			fprintf(stderr, "bench-fabric-cost: %s: %s\n", argv[4 + i], strerror(-ret));
			goto out;
		}
	}
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < nv; i++) {
			/* Rotate the order so that no variant always follows the same one. */
			int k = (i + r) % nv;
			__u32 ns, verdict;

			ret = pktgen_test_run(g, v[k].prog, l->nics[c.src].ifindex, repeat, &ns, &verdict);
			if (ret)
				goto out;
			if (verdict != XDP_REDIRECT && v[k].prog != drop) {
				fprintf(stderr, "bench-fabric-cost: %s: XDP action %u, not a redirect\n",
					v[k].name, verdict);
				ret = 1;
				goto out;
			}
			v[k].ns[r] = ns;
		}
	printf("{\"rounds\": %d, \"repeat\": %u, \"variants\": [", rounds, repeat);
	for (int i = 0; i < nv; i++) {
		double d[rounds], s[rounds], med;
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		for (int r = 0; r < rounds; r++) {
			d[r] = v[i].ns[r] - v[0].ns[r];
			s[r] = v[i].ns[r];
		}
		med = median(s, rounds);	/* sorts s */

		bpf_obj_get_info_by_fd(v[i].prog, &info, &len);
		printf("%s\n  {\"name\": \"%s\", \"ns\": %.1f, \"minus_first\": %.1f, \"min\": %.0f, "
		       "\"xlated_insns\": %u, \"jited_bytes\": %u}",
		       i ? "," : "", v[i].name, med, median(d, rounds), s[0],
		       info.xlated_prog_len / 8, info.jited_prog_len);
	}
	printf("\n]}\n");
out:
	for (int i = 0; i < nv; i++) {
		bpf_object__close(v[i].obj);
		free(v[i].ns);
	}
	if (drop >= 0)
		close(drop);
	pktgen_close(g);
	free(dsts);
	close(gens);
	return ret ? 1 : 0;
}

/*
 * Make OBJ's generation program current in the fabric pinned at PIN, on
 * the current generation's tables: a live A/B of builds (the program stays
 * while gens holds it).
 */
static int swap(const char *pin, const char *obj)
{
	struct ctx c = { .pin = pin };
	struct variant v = { 0 };
	struct bpf_map_info info = {};
	__u32 key = 0, id, len = sizeof(info);
	int gens = pinned(&c, "gens"), stats = pinned(&c, "stats"), fd, ret;

	if (gens < 0 || stats < 0 || bpf_map_lookup_elem(gens, &key, &id) ||
	    (c.gen = bpf_prog_get_fd_by_id(id)) < 0 || bpf_obj_get_info_by_fd(stats, &info, &len)) {
		fprintf(stderr, "bench-fabric-cost: %s: no fabric\n", pin);
		return 1;
	}
	c.nnics = info.max_entries - 1;
	ret = open_variant(&c, &v, obj);
	fd = ret ? -1 : bpf_program__fd(bpf_object__find_program_by_name(v.obj, "xvnet_fabric_gen"));
	if (!ret && bpf_map_update_elem(gens, &key, &fd, 0))
		ret = -errno;
	if (ret)
		fprintf(stderr, "bench-fabric-cost: %s: %s\n", obj, strerror(-ret));
	bpf_object__close(v.obj);
	close(c.gen);
	close(gens);
	close(stats);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rounds = 9, opt, ret;
	__u32 repeat = 1 << 20;
	struct lab l;

	if (argc == 4 && !strcmp(argv[1], "swap"))
		return swap(argv[2], argv[3]);
	while ((opt = getopt(argc, argv, "r:n:")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'n')
			repeat = strtoul(optarg, NULL, 0);
		else
			goto usage;
	}
	argc -= optind;
	argv += optind;
	if (argc < 5 || argc - 4 > MAX_VARIANTS || rounds < 1)
		goto usage;
	libbpf_set_print(NULL);
	ret = harness_init();
	if (!ret)
		ret = lab_up_file(&l, argv[0]);
	if (ret) {
		fprintf(stderr, "bench-fabric-cost: cannot load the fabric: %s\n", strerror(-ret));
		lab_down(&l);
		return 1;
	}
	ret = run(&l, rounds, repeat, argv, argc - 4);
	lab_down(&l);
	return ret;
usage:
	fprintf(stderr, "Usage: bench-fabric-cost [-r ROUNDS] [-n REPEAT] TOPOLOGY VM SRC_IP DST VARIANT...\n");
	return 2;
}
