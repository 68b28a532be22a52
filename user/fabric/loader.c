// SPDX-License-Identifier: GPL-2.0
/*
 * The fabric loader: skeleton load, native attach, pins,
 * and the generation swap (docs/dataplane.md, "Updates").
 */
#include "loader.h"

#include <errno.h>
#include <stddef.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fabric.skel.h"
#include "lab_name.h"
#include "log.h"
#include "netns.h"
#include "nic_pass.skel.h"
#include "safedir.h"
#include "timings.h"

/*
 * The maps every generation shares, pinned under their own names in the pin
 * directory (with the attached program as "prog"). A generation's own
 * tables (trie, hits, nics) belong to its program, reached through gens.
 */
enum { FIX_CONFIG, FIX_IFINDEX_SLOT, FIX_EGRESS, FIX_STATS, FIX_EVENTS, FIX_GENS,
       FIX_FW_CONNS, FIX_FW_DENIED, FIX_RINGS, NFIX };

static const char *const fix_names[NFIX] = {
	"config", "ifindex_slot", "egress", "stats", "events", "gens",
	"fw_conns", "fw_denied", "rings",
};

struct fabric_fds {
	int fix[NFIX];
};

int fabric_pin_dir(const char *lab, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", FABRIC_PIN_ROOT, lab);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* What xvnet pins in a pin directory: bpffs objects (regular files) named so. */
static bool is_pin(int dir, const char *name)
{
	for (int i = 0; i < NFIX; i++)
		if (!strcmp(name, fix_names[i]))
			return safedir_type(dir, name) == S_IFREG;
	return !strcmp(name, "prog") && safedir_type(dir, name) == S_IFREG;
}

/*
 * The pin root, verified once per process: a directory on bpffs, owned by
 * root, mode 0700, not a link (docs/labs.md, "Security and concurrency").
 */
static int pin_root(bool create)
{
	static int root = -ENOENT;
	struct statfs fs;
	int fd;

	if (root != -ENOENT)
		return root;
	fd = safedir_open_path(FABRIC_PIN_ROOT, create);
	if (fd >= 0 && (fstatfs(fd, &fs) || fs.f_type != BPF_FS_MAGIC)) {
		pr_err("xvnet: %s is not on a BPF file system (bpffs)\n", FABRIC_PIN_ROOT);
		close(fd);
		fd = -ENOTDIR;
	}
	root = fd;
	return fd;
}

bool fabric_pinned(const char *lab)
{
	int root = pin_root(false);

	return root >= 0 && valid_lab_name(lab) && safedir_type(root, lab);
}

int fabric_pin_root(bool create)
{
	int fd = pin_root(create);

	return fd < 0 ? fd : 0;
}

/* The NAME of pin_dir, FABRIC_PIN_ROOT/NAME; NULL when it is not one. */
static const char *pin_dir_name(const char *pin_dir)
{
	size_t n = strlen(FABRIC_PIN_ROOT);
	const char *name = pin_dir + n + 1;

	if (strncmp(pin_dir, FABRIC_PIN_ROOT "/", n + 1) || !*name || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, "..")) {
		pr_err("xvnet: %s is not a pin directory (%s/NAME)\n", pin_dir, FABRIC_PIN_ROOT);
		return NULL;
	}
	return name;
}

/* pin_dir opened under the verified root and verified itself; -ENOENT quietly. */
static int pin_dir_open(const char *pin_dir, bool create)
{
	const char *name = pin_dir_name(pin_dir);
	int root;

	if (!name)
		return -EINVAL;
	root = pin_root(create);
	return root < 0 ? root : safedir_open(root, pin_dir, name, create);
}

/* A path to name in the directory dir that cannot leave it: bpf() takes paths. */
static int pin_path(char *buf, size_t len, int dir, const char *name)
{
	int n = snprintf(buf, len, "/proc/self/fd/%d/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void close_fds(struct fabric_fds *f)
{
	for (int i = 0; i < NFIX; i++)
		if (f->fix[i] >= 0)
			close(f->fix[i]);
}

static int open_pinned(int dir, const char *name)
{
	char path[256];
	int fd;

	if (pin_path(path, sizeof(path), dir, name))
		return -ENAMETOOLONG;
	if (!is_pin(dir, name))
		return -ENOENT;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* Open what a swap needs; a failure leaves nothing open and says why (-errno). */
static int open_fds(int dir, struct fabric_fds *f)
{
	int ret = 0;

	for (int i = 0; i < NFIX; i++)
		f->fix[i] = open_pinned(dir, fix_names[i]);
	for (int i = 0; i < NFIX && !ret; i++)
		ret = f->fix[i] < 0 ? f->fix[i] : 0;
	if (ret)
		close_fds(f);
	return ret;
}

/*
 * Fresh arrays start zeroed: write the nonzero entries only, in batches (a
 * big gateway set has millions of entries).
 */
static int fill_array(int fd, const void *values, size_t size, int n)
{
	enum { BATCH = 65536 };
	static const char zero[sizeof(struct xv_line)];	/* the largest element here */
	__u32 *keys, count = 0;
	char *vals;
	int ret = 0;

	if (size > sizeof(zero))
		return -EINVAL;
	keys = xmalloc(BATCH * sizeof(*keys));
	vals = xmalloc(BATCH * size);
	for (int k = 0; k <= n && !ret; k++) {
		const char *v = (const char *)values + (size_t)k * size;

		if (k < n && memcmp(v, zero, size)) {
			keys[count] = k;
			memcpy(vals + (size_t)count++ * size, v, size);
		}
		if (count == BATCH || (k == n && count)) {
			if (bpf_map_update_batch(fd, keys, vals, &count, NULL))
				ret = -errno;
			count = 0;
		}
	}
	free(keys);
	free(vals);
	return ret;
}

/* The generation's own maps, sized from its image. */
static int size_generation(struct fabric *skel, const struct fabric_image *img)
{
	skel->rodata->nnics = img->nnics;
	/* Empty tables still need one entry's worth of map. */
	if (bpf_map__set_max_entries(skel->maps.trie, img->nlines ? img->nlines : 1) ||
	    bpf_map__set_max_entries(skel->maps.hits, img->nhits ? img->nhits : 1) ||
	    bpf_map__set_max_entries(skel->maps.nics, img->nnics ? img->nnics : 1) ||
	    bpf_map__set_max_entries(skel->maps.firewalls, img->nnics ? img->nnics : 1) ||
	    bpf_map__set_max_entries(skel->maps.fw_rules, img->nfw_rules ? img->nfw_rules : 1) ||
	    bpf_map__set_max_entries(skel->maps.fw_counters,
				     img->nfw_counters ? img->nfw_counters : 1))
		return -EINVAL;
	return 0;
}

static int share_maps(struct fabric *skel, const struct fabric_fds *f)
{
	for (int i = 0; i < NFIX; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(skel->obj, fix_names[i]);
		int ret = map ? bpf_map__reuse_fd(map, f->fix[i]) : -ENOENT;

		if (ret)
			return ret;
	}
	return 0;
}

static int fill_generation(struct fabric *skel, const struct fabric_image *img)
{
	int ret = fill_array(bpf_map__fd(skel->maps.trie), img->trie, sizeof(*img->trie),
			     img->nlines);

	for (__u32 k = 0; !ret && k < (__u32)img->nnics; k++)
		if (bpf_map__update_elem(skel->maps.nics, &k, sizeof(k), &img->nics[k],
					 sizeof(img->nics[k]), BPF_ANY))
			ret = -errno;
	if (!ret && img->firewalls)
		ret = fill_array(bpf_map__fd(skel->maps.firewalls), img->firewalls,
				 sizeof(*img->firewalls), img->nnics);
	for (__u32 k = 0; !ret && k < (__u32)img->nfw_rules; k++)
		if (bpf_map__update_elem(skel->maps.fw_rules, &k, sizeof(k), &img->fw_rules[k],
					 sizeof(img->fw_rules[k]), BPF_ANY))
			ret = -errno;
	return ret;	/* hits and firewall counters start at zero */
}

/*
 * The update protocol: load the next generation's program with its own
 * tables, sized and filled from the image and sharing the fabric's maps,
 * then make it current with one update of gens[0]. A frame runs wholly in
 * the program it was tail-called into, with that program's tables; the old
 * program and its tables go when the last frame using them is done. Until
 * the update nothing a frame sees has changed: a failure before it leaves
 * the running generation whole. config[XV_CFG_GEN] numbers generations.
 */
static int write_generation(const struct fabric_fds *f, const struct fabric_image *img,
			    __u32 *made)
{
	__u32 key = XV_CFG_GEN, gen, zero = 0;
	struct fabric *skel;
	int ret, fd;

	if (bpf_map_lookup_elem(f->fix[FIX_CONFIG], &key, &gen))
		return -errno;
	skel = fabric__open();
	if (!skel)
		return -errno;
	skel->rodata->gen = ++gen;
	ret = size_generation(skel, img);
	if (!ret)
		ret = share_maps(skel, f);
	if (!ret)
		ret = bpf_program__set_autoload(skel->progs.xvnet_fabric, false);
	if (!ret)
		ret = fabric__load(skel);
	if (!ret)
		ret = fill_generation(skel, img);
	fd = bpf_program__fd(skel->progs.xvnet_fabric_gen);
	if (!ret && bpf_map_update_elem(f->fix[FIX_GENS], &zero, &fd, BPF_ANY))
		ret = -errno;
	if (!ret && bpf_map_update_elem(f->fix[FIX_CONFIG], &key, &gen, BPF_ANY))
		ret = -errno;
	fabric__destroy(skel);
	if (ret)
		pr_err("xvnet: fabric: cannot write generation %u: %s\n", gen, strerror(-ret));
	else if (made)
		*made = gen;
	return ret;
}

/* The inventory in the pinned maps must be the one given. */
static int check_inventory(const struct fabric_fds *f, const struct fabric_nic *nics, int n)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(f->fix[FIX_EGRESS], &info, &len))
		return -errno;
	for (int i = 0; i < n; i++) {
		__u32 key = nics[i].ifindex, slot = 0, ifindex = 0;

		bpf_map_lookup_elem(f->fix[FIX_IFINDEX_SLOT], &key, &slot);
		key = i;
		bpf_map_lookup_elem(f->fix[FIX_EGRESS], &key, &ifindex);
		if (slot != (__u32)i + 1 || ifindex != (__u32)nics[i].ifindex)
			goto changed;
	}
	if (info.max_entries == (__u32)n)
		return 0;
changed:
	pr_err("xvnet: fabric: the NICs changed since the fabric was loaded; reload it\n");
	return -EINVAL;
}

/* An image is compiled for the inventory it is loaded with. */
static int check_image(const struct fabric_image *img, int n)
{
	if (img->nnics == n)
		return 0;
	pr_err("xvnet: fabric: an image for %d NICs, loaded for %d\n", img->nnics, n);
	return -EINVAL;
}

int fabric_apply(const struct fabric_image *img, const struct fabric_nic *nics, int n,
		 const char *pin_dir, __u32 *gen)
{
	int dir, ret = check_image(img, n);
	struct fabric_fds f;

	if (ret)
		return ret;
	dir = pin_dir_open(pin_dir, false);
	ret = dir < 0 ? dir : open_fds(dir, &f);
	if (dir >= 0)
		close(dir);
	if (ret) {
		pr_err("xvnet: fabric: %s: %s (is the fabric loaded?)\n", pin_dir, strerror(-ret));
		return ret;
	}
	ret = check_inventory(&f, nics, n);
	if (!ret)
		ret = write_generation(&f, img, gen);
	close_fds(&f);
	return ret;
}

static int size_maps(struct fabric *skel, const struct fabric_nic *nics, int n)
{
	int max_ifindex = 0;

	for (int i = 0; i < n; i++)
		if (nics[i].ifindex > max_ifindex)
			max_ifindex = nics[i].ifindex;
	if (bpf_map__set_max_entries(skel->maps.ifindex_slot, max_ifindex + 1) ||
	    bpf_map__set_max_entries(skel->maps.egress, n ? n : 1) ||
	    bpf_map__set_max_entries(skel->maps.stats, n + 1))
		return -EINVAL;
	return 0;
}

static int fill_inventory(struct fabric *skel, const struct fabric_nic *nics, int n)
{
	for (int i = 0; i < n; i++) {
		__u32 key = nics[i].ifindex, val = i + 1;

		if (nics[i].ifindex <= 0)
			return -EINVAL;
		if (bpf_map__update_elem(skel->maps.ifindex_slot, &key, sizeof(key),
					 &val, sizeof(val), BPF_ANY))
			return -errno;
		key = i;
		val = nics[i].ifindex;
		if (bpf_map__update_elem(skel->maps.egress, &key, sizeof(key),
					 &val, sizeof(val), BPF_ANY))
			return -errno;
	}
	return 0;
}

static int pin_all(struct fabric *skel, int dir)
{
	struct bpf_map *map;
	char path[256];
	int ret;

	for (int i = 0; i < NFIX; i++) {
		map = bpf_object__find_map_by_name(skel->obj, fix_names[i]);
		ret = map ? pin_path(path, sizeof(path), dir, fix_names[i]) : -ENOENT;
		if (!ret)
			ret = bpf_map__pin(map, path);
		if (ret)
			return ret;
	}
	ret = pin_path(path, sizeof(path), dir, "prog");
	return ret ? ret : bpf_program__pin(skel->progs.xvnet_fabric, path);
}

/*
 * Native mode, through one netlink request, never over a program already
 * there. Not through libxdp: its multi-program dispatcher needs freplace
 * (EPERM on this kernel), and each of its attaches loads that dispatcher
 * and queries the link with a dump of every link of the namespace, which
 * in a fabric namespace of N NICs made a deploy grow as N squared.
 */
static int attach_native(int prog_fd, int ifindex)
{
	enum deploy_step was = timing_enter(STEP_XDP_ATTACH);
	int ret = bpf_xdp_attach(ifindex, prog_fd,
				 XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);

	timing_resume(was);
	if (ret)
		pr_err("xvnet: cannot attach XDP to ifindex %d: %s\n", ifindex, strerror(-ret));
	return ret;
}

int fabric_load(const struct fabric_image *img, const struct fabric_nic *nics, int n,
		const char *pin_dir, __u32 *gen)
{
	int dir, ret = check_image(img, n);
	struct fabric_fds f;
	struct fabric *skel;

	if (ret)
		return ret;
	dir = pin_dir_open(pin_dir, true);
	if (dir < 0)
		return dir;
	if (safedir_type(dir, "config")) {
		pr_err("xvnet: fabric: %s is already loaded\n", pin_dir);
		close(dir);
		return -EEXIST;
	}
	/* The attached program and the shared maps; generations come next. */
	skel = fabric__open();
	ret = skel ? size_maps(skel, nics, n) : -errno;
	if (!ret)
		ret = bpf_program__set_autoload(skel->progs.xvnet_fabric_gen, false);
	if (!ret)
		ret = fabric__load(skel);
	if (!ret)
		ret = fill_inventory(skel, nics, n);
	if (!ret)
		ret = pin_all(skel, dir);
	if (ret) {
		pr_err("xvnet: fabric: cannot load: %s\n", strerror(-ret));
		goto out;
	}
	ret = open_fds(dir, &f);
	if (ret) {
		pr_err("xvnet: fabric: %s: %s\n", pin_dir, strerror(-ret));
		goto out;
	}
	ret = write_generation(&f, img, gen);
	close_fds(&f);
	for (int i = 0; !ret && i < n; i++)
		ret = attach_native(bpf_program__fd(skel->progs.xvnet_fabric), nics[i].ifindex);
out:
	fabric__destroy(skel);
	close(dir);
	if (ret)
		fabric_unload(pin_dir);
	return ret;
}

/* Detach the pinned program from every NIC it is still attached to. */
static void detach_all(int dir)
{
	int prog = open_pinned(dir, "prog"), map = open_pinned(dir, "ifindex_slot");
	/* Only where prog is the one attached (XDP_FLAGS_REPLACE): no query per NIC. */
	LIBBPF_OPTS(bpf_xdp_attach_opts, ours, .old_prog_fd = prog);
	__u32 slot;

	/* ifindex_slot is an array indexed by ifindex: a NIC where slot != 0. */
	if (prog >= 0 && map >= 0)
		for (__u32 ifindex = 0; !bpf_map_lookup_elem(map, &ifindex, &slot); ifindex++)
			if (slot)
				bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, &ours);
	if (prog >= 0)
		close(prog);
	if (map >= 0)
		close(map);
}

/*
 * Remove the fabric's pins (is_pin) and the directory; anything else in it
 * is reported and left, and so is the directory then.
 */
int fabric_unload(const char *pin_dir)
{
	int dir = pin_dir_open(pin_dir, false), err, ret;

	if (dir == -ENOENT)
		return 0;
	if (dir < 0)
		return dir;
	detach_all(dir);
	err = safedir_clear(dir, pin_dir, is_pin);
	close(dir);
	ret = safedir_remove(pin_root(false), FABRIC_PIN_ROOT, pin_dir_name(pin_dir),
			     S_IFDIR);
	return ret ? ret : err;
}

char **fabric_pinned_labs(void)
{
	int root = pin_root(false);
	char **names = root < 0 ? xcalloc(1, sizeof(char *)) : dir_names_at(root, "");
	size_t k = 0;

	for (char **n = names; *n; n++) {
		if (valid_lab_name(*n)) {
			names[k++] = *n;
			continue;
		}
		safedir_foreign(root, FABRIC_PIN_ROOT, *n);
		free(*n);
	}
	names[k] = NULL;
	return names;
}

int fabric_attach_pass(int ifindex)
{
	/* Loaded once per process: every NIC's inner end attaches the same program. */
	static struct nic_pass *skel;

	if (!skel && !(skel = nic_pass__open_and_load()))
		return -errno;
	return attach_native(bpf_program__fd(skel->progs.xvnet_nic_pass), ifindex);
}

/* The current generation's own maps (NIC records, route hits, NVA counters), in one look. */
static int current_maps(int dir, int *nics, int *hits, int *fw_counters)
{
	static const char *const names[] = { "nics", "hits", "fw_counters" };
	int *fds[] = { nics, hits, fw_counters };
	__u32 key = 0, id, ids[16], len = sizeof(struct bpf_prog_info);
	struct bpf_prog_info info = {
		.nr_map_ids = sizeof(ids) / sizeof(ids[0]),
		.map_ids = (unsigned long)ids,
	};
	int gens = open_pinned(dir, "gens"), prog = -1;

	*nics = *hits = *fw_counters = -1;
	if (gens >= 0 && !bpf_map_lookup_elem(gens, &key, &id))
		prog = bpf_prog_get_fd_by_id(id);
	if (prog >= 0 && !bpf_obj_get_info_by_fd(prog, &info, &len)) {
		for (__u32 i = 0; i < info.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]); i++) {
			struct bpf_map_info mi = {};
			__u32 mlen = sizeof(mi);
			int fd = bpf_map_get_fd_by_id(ids[i]), k = 3;

			if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &mi, &mlen))
				for (k = 0; k < 3 && strcmp(mi.name, names[k]); k++)
					;
			if (k < 3 && *fds[k] < 0)
				*fds[k] = fd;
			else if (fd >= 0)
				close(fd);
		}
	}
	if (prog >= 0)
		close(prog);
	if (gens >= 0)
		close(gens);
	return *nics >= 0 && *hits >= 0 ? 0 : -ENOENT;
}

int fabric_view_open(const char *pin_dir, struct fabric_view *v)
{
	int dir = pin_dir_open(pin_dir, false);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	memset(v, 0xff, sizeof(*v));
	if (dir < 0)
		return dir;
	v->ncpus = libbpf_num_possible_cpus();
	v->stats = open_pinned(dir, "stats");
	v->config = open_pinned(dir, "config");
	v->events = open_pinned(dir, "events");
	if (v->stats < 0 || v->config < 0 || v->events < 0 || v->ncpus <= 0 ||
	    bpf_obj_get_info_by_fd(v->stats, &info, &len))
		goto err;
	v->nnics = info.max_entries - 1;
	v->rings = open_pinned(dir, "rings");	/* trace readers' rings; older labs: none */
	v->fw_conns = open_pinned(dir, "fw_conns");
	v->fw_denied = open_pinned(dir, "fw_denied");
	if (!current_maps(dir, &v->nics, &v->hits, &v->fw_counters)) {
		v->nic_base = 0;
		close(dir);
		return 0;
	}
err:
	close(dir);
	fabric_view_close(v);
	return -ENOENT;
}

void fabric_view_close(struct fabric_view *v)
{
	int fds[] = { v->stats, v->config, v->events, v->nics, v->hits, v->fw_counters,
		      v->fw_conns, v->fw_denied, v->rings };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	memset(v, 0xff, sizeof(*v));
}

int fabric_read_nic(const struct fabric_view *v, __u32 slot, struct xv_nic *out)
{
	__u32 key = v->nic_base + slot;

	if (slot >= (__u32)v->nnics)
		return -ENOENT;
	return bpf_map_lookup_elem(v->nics, &key, out) ? -errno : 0;
}

int fabric_read_stats(const struct fabric_view *v, int slot, struct xv_nic_stats *out)
{
	struct xv_nic_stats per[v->ncpus];
	__u32 key = slot;

	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(v->stats, &key, per))
		return -errno;
	for (int c = 0; c < v->ncpus; c++) {
		const __u64 *from = (const __u64 *)&per[c];
		__u64 *to = (__u64 *)out;

		for (size_t i = 0; i < sizeof(*out) / sizeof(__u64); i++)
			to[i] += from[i];
	}
	return 0;
}

int fabric_read_hits(const struct fabric_view *v, __u32 counter, __u64 *out)
{
	__u64 per[v->ncpus];

	*out = 0;
	if (bpf_map_lookup_elem(v->hits, &counter, per))
		return -errno;
	for (int c = 0; c < v->ncpus; c++)
		*out += per[c];
	return 0;
}

int fabric_read_gen(const struct fabric_view *v, __u32 *gen)
{
	__u32 key = XV_CFG_GEN;

	return bpf_map_lookup_elem(v->config, &key, gen) ? -errno : 0;
}

int fabric_read_fw_counter(const struct fabric_view *v, __u32 i, struct xv_fw_counter *out)
{
	struct xv_fw_counter per[v->ncpus];

	memset(out, 0, sizeof(*out));
	if (v->fw_counters < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(v->fw_counters, &i, per))
		return -errno;
	for (int c = 0; c < v->ncpus; c++) {
		out->packets += per[c].packets;
		out->bytes += per[c].bytes;
	}
	return 0;
}

/*
 * Every entry of hash map fd (keys of ksize), as records of rec bytes in
 * *out: the key first, the value at voff; their count or -errno. A walk of
 * a live LRU map: entries come and go meanwhile, which is fine for a view.
 */
static int read_hash(int fd, size_t ksize, size_t rec, size_t voff, void **out)
{
	char key[64], next[64];
	int n = 0, cap = 0;
	char *v = NULL;
	void *prev = NULL;

	*out = NULL;
	if (fd < 0)
		return -ENOENT;
	while (n < XV_FW_CONNS && !bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, ksize);
		prev = key;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xrealloc(v, (size_t)cap * rec);
		}
		memcpy(v + (size_t)n * rec, key, ksize);
		if (!bpf_map_lookup_elem(fd, key, v + (size_t)n * rec + voff))
			n++;
	}
	*out = v;
	return n;
}

int fabric_read_denied(const struct fabric_view *v, struct fabric_denied **out)
{
	return read_hash(v->fw_denied, sizeof(struct xv_fw_denied), sizeof(**out),
			 offsetof(struct fabric_denied, packets), (void **)out);
}

int fabric_read_conns(const struct fabric_view *v, struct fabric_conn **out)
{
	struct timespec ts;
	__u64 now;
	int n, k = 0;

	n = read_hash(v->fw_conns, sizeof(struct xv_ct_key), sizeof(**out),
		      offsetof(struct fabric_conn, ct), (void **)out);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	for (int i = 0; i < n; i++)
		if ((*out)[i].ct.expires > now)
			(*out)[k++] = (*out)[i];
	return n < 0 ? n : k;
}
