// SPDX-License-Identifier: GPL-2.0
/* Shared by `xvnet stats` and `xvnet trace`: see fabric_cli.h. */
#include "fabric_cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cli.h"
#include "lab_verb.h"
#include "log.h"
#include "print.h"
#include "state.h"

static __u32 config_word(const struct fabric_view *v, __u32 key)
{
	__u32 val = 0;

	bpf_map_lookup_elem(v->config, &key, &val);
	return val;
}

int fabric_session_open(struct fabric_session *fs, const struct verb_opts *o)
{
	const struct verb *v = o->verb;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int rc;

	memset(fs, 0, sizeof(*fs));
	fs->v = (struct fabric_view){ .stats = -1, .config = -1, .events = -1, .nics = -1,
				      .hits = -1 };
	fs->reader = -1;
	fs->ring = -1;
	fs->verb = v;
	fs->format = o->format;
	fs->watch = o->watch;
	fs->count = o->count;
	/* --lab, else the one -t FILE names, else the only lab running */
	rc = lab_select(o->lab, o->topology, fs->lab);
	if (rc)
		return rc;
	if (fabric_pin_dir(fs->lab, fs->pin_dir, sizeof(fs->pin_dir)) ||
	    fabric_view_open(fs->pin_dir, &fs->v) ||
	    bpf_obj_get_info_by_fd(fs->v.config, &info, &len)) {
		pr_err("xvnet %s: no fabric is loaded at %s (is the lab up?)\n", v->name,
		       fs->pin_dir);
		return EXIT_FAIL;
	}
	fs->config_id = info.id;
	fs->gen = config_word(&fs->v, XV_CFG_GEN);
	fs->named = !state_read_names(fs->lab, fs->gen, &fs->names);
	return 0;
}

bool fabric_lab_alive(const struct fabric_session *fs)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[sizeof(fs->pin_dir) + 8];
	bool same;
	int fd;

	snprintf(path, sizeof(path), "%s/config", fs->pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	same = !bpf_obj_get_info_by_fd(fd, &info, &len) && info.id == fs->config_id;
	close(fd);
	return same;
}

/*
 * Wait (at most a second) for the names of generation gen: the apply that
 * made it current writes them right after the switch.
 */
static bool await_names(const struct fabric_session *fs, __u32 gen, struct fabric_names *n)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < 50; i++) {
		if (!state_read_names(fs->lab, gen, n))
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

/*
 * Trace readers. Each running trace holds a slot of config with its pid,
 * claimed by a compare-and-swap on the mmap'd map, and the fabric tests
 * only config[XV_CFG_TRACE]. A slot counts while its process lives, so a
 * reader killed with SIGKILL counts for nothing: it holds nothing that
 * must be released.
 */
static __u32 *config_slot(const struct fabric_session *fs, int key)
{
	return (__u32 *)((char *)fs->config + (size_t)key * fs->config_stride);
}

/* A process that has not exited (a zombie has). */
static bool reader_alive(__u32 pid)
{
	char path[32], buf[128], *p;
	size_t n;
	FILE *f;

	if (!pid)
		return false;
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* "pid (comm) S ..." */
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static bool readers_alive(const struct fabric_session *fs)
{
	for (int i = 0; i < XV_TRACE_READERS; i++)
		if (reader_alive(__atomic_load_n(config_slot(fs, XV_CFG_READER + i),
						 __ATOMIC_SEQ_CST)))
			return true;
	return false;
}

/*
 * Store the switch, then count again, until both agree. Whoever stores
 * last counted after the last slot change, so the switch ends up on
 * exactly when a live reader holds a slot, however joins and leaves
 * interleave.
 */
static void settle_switch(const struct fabric_session *fs)
{
	bool on;

	do {
		on = readers_alive(fs);
		__atomic_store_n(config_slot(fs, XV_CFG_TRACE), on, __ATOMIC_SEQ_CST);
	} while (on != readers_alive(fs));
}

/* Map config: its values are 8-byte aligned (an array map's element size). */
static int map_config(struct fabric_session *fs)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	void *m;

	if (bpf_obj_get_info_by_fd(fs->v.config, &info, &len))
		return -errno;
	/* the reader slots; a fabric older than XV_CFG_LOST has none of it */
	if (!(info.map_flags & BPF_F_MMAPABLE) || info.max_entries < XV_CFG_LOST)
		return -EPROTO;
	fs->config_entries = info.max_entries;
	fs->config_stride = (info.value_size + 7) & ~7u;
	fs->config_len = (info.max_entries * fs->config_stride + page - 1) / page * page;
	m = mmap(NULL, fs->config_len, PROT_READ | PROT_WRITE, MAP_SHARED, fs->v.config, 0);
	if (m == MAP_FAILED)
		return -errno;
	fs->config = m;
	return 0;
}

/* A ring of this reader's own in slot i (the shared one on an older lab). */
static int reader_ring(struct fabric_session *fs, __u32 i)
{
	int fd;

	if (fs->v.rings < 0) {
		fs->ring = fs->v.events;
		return 0;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "xv_trace", 0, 0, XV_TRACE_RING, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fs->v.rings, &i, &fd, BPF_ANY)) {
		int err = -errno;

		close(fd);
		return err;
	}
	fs->ring = fd;
	fs->own_ring = true;
	return 0;
}

int fabric_trace_join(struct fabric_session *fs)
{
	__u32 me = getpid(), old;
	int err = fs->config ? 0 : map_config(fs);

	if (err)
		return err;
	for (int i = 0; i < XV_TRACE_READERS; i++) {
		__u32 *slot = config_slot(fs, XV_CFG_READER + i);

		old = __atomic_load_n(slot, __ATOMIC_SEQ_CST);
		if (reader_alive(old))
			continue;
		/* a free slot, or a dead reader's */
		if (__atomic_compare_exchange_n(slot, &old, me, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			fs->reader = i;
			err = reader_ring(fs, (__u32)i);
			if (err) {
				fabric_trace_leave(fs);
				return err;
			}
			settle_switch(fs);
			return 0;
		}
	}
	return -EBUSY;
}

bool fabric_trace_others(struct fabric_session *fs)
{
	__u32 me = getpid();

	if (!fs->config && map_config(fs))
		return false;
	for (int i = 0; i < XV_TRACE_READERS; i++) {
		__u32 pid = __atomic_load_n(config_slot(fs, XV_CFG_READER + i), __ATOMIC_SEQ_CST);

		if (pid != me && reader_alive(pid))
			return true;
	}
	return false;
}

long fabric_trace_lost(const struct fabric_session *fs)
{
	int key = XV_CFG_LOST + (fs->own_ring ? fs->reader : XV_TRACE_READERS);

	if (!fs->config || fs->config_entries <= (__u32)key)
		return -1;
	return __atomic_load_n(config_slot(fs, key), __ATOMIC_SEQ_CST);
}

void fabric_trace_leave(struct fabric_session *fs)
{
	if (fs->own_ring) {
		__u32 i = (__u32)fs->reader;

		bpf_map_delete_elem(fs->v.rings, &i);
		close(fs->ring);
		fs->own_ring = false;
	}
	fs->ring = -1;
	if (fs->reader >= 0) {
		__atomic_store_n(config_slot(fs, XV_CFG_READER + fs->reader), 0,
				 __ATOMIC_SEQ_CST);
		fs->reader = -1;
		settle_switch(fs);
	}
	if (fs->config)
		munmap(fs->config, fs->config_len);
	fs->config = NULL;
}

const struct fabric_names *fabric_session_names(struct fabric_session *fs, __u32 gen)
{
	if (gen > fs->gen) {
		fabric_names_free(&fs->names);
		fs->gen = gen;
		fs->named = await_names(fs, gen, &fs->names);
		if (!fs->named)
			pr_warn("xvnet %s: routes of generation %u shown by number\n",
				fs->verb->name, gen);
	}
	if (gen == fs->gen)
		return fs->named ? &fs->names : NULL;
	if (gen != fs->older_gen) {
		fabric_names_free(&fs->older);
		fs->older_gen = gen;
		fs->older_named = !state_read_names(fs->lab, gen, &fs->older);
	}
	return fs->older_named ? &fs->older : NULL;
}

void fabric_session_close(struct fabric_session *fs)
{
	fabric_trace_leave(fs);
	fabric_view_close(&fs->v);
	fabric_names_free(&fs->names);
	fabric_names_free(&fs->older);
}

const char *fabric_nic_name(const struct fabric_session *fs, const struct fabric_names *n,
			    __u32 slot, char *buf, size_t len)
{
	if (slot == XV_NONE || slot == (__u32)fs->v.nnics)
		return "-";
	return fabric_names_nic(n, slot, buf, len);
}

/*
 * The node behind a NIC's name, as fabric_names.h writes it: "app1
 * (spoke1/app)" is VM app1 in spoke1/app, "hub-gw (hub/GatewaySubnet)"
 * gateway hub-gw, "Internet" the Internet edge. False: unnamed.
 */
struct nic_node {
	const char *kind;	/* "vm", "gateway", "internet" */
	char name[64], vnet[64], subnet[64];
};

static bool nic_node(const struct fabric_names *n, __u32 slot, struct nic_node *out)
{
	const char *s = n && slot < (__u32)n->nnics ? n->nics[slot] : NULL;

	if (!s)
		return false;
	if (!strcmp(s, "Internet")) {
		*out = (struct nic_node){ .kind = "internet", .name = "internet" };
		return true;
	}
	if (sscanf(s, "%63[^ ] (%63[^/]/%63[^)])", out->name, out->vnet, out->subnet) != 3)
		return false;
	out->kind = strcmp(out->subnet, "GatewaySubnet") ? "vm" : "gateway";
	return true;
}

bool fabric_node_of(const struct fabric_names *n, __u32 slot, char name[64])
{
	struct nic_node node;

	if (!nic_node(n, slot, &node))
		return false;
	snprintf(name, 64, "%s", node.name);
	return true;
}

void fabric_print_nic(const struct fabric_session *fs, const struct fabric_names *n,
		      const char *key, const char *fmt, __u32 slot)
{
	char name[128];
	struct nic_node node;

	print_string(PRINT_FP, key, fmt, fabric_nic_name(fs, n, slot, name, sizeof(name)));
	if (slot == XV_NONE || slot == (__u32)fs->v.nnics) {
		print_null(PRINT_JSON, key, NULL);
		return;
	}
	print_open_object(key);
	if (!nic_node(n, slot, &node)) {
		print_uint(PRINT_JSON, "nic", NULL, slot);
	} else if (!strcmp(node.kind, "internet")) {
		print_bool(PRINT_JSON, "internet", NULL, true);
	} else {
		print_string(PRINT_JSON, node.kind, NULL, node.name);
		print_string(PRINT_JSON, "vnet", NULL, node.vnet);
		print_string(PRINT_JSON, "subnet", NULL, node.subnet);
	}
	print_close_object();
}

/* A route's name, "PREFIX SOURCE TYPE [IP]" (fabric_names.h), as its fields. */
void fabric_print_route(const struct fabric_names *n, const char *key, const char *fmt,
			__u32 route_id, __u32 dst)
{
	char name[160], f[4][64] = { "", "", "", "" };
	const char *text = fabric_names_route(n, route_id, dst, name, sizeof(name));
	int k;

	if (!text) {
		print_null(PRINT_JSON, key, NULL);
		return;
	}
	print_string(PRINT_FP, key, fmt, text);
	print_open_object(key);
	k = sscanf(text, "%63s %63s %63s %63s", f[0], f[1], f[2], f[3]);
	if (k < 3 || !strcmp(f[0], "route")) {
		print_uint(PRINT_JSON, "id", NULL, route_id);
	} else {
		print_string(PRINT_JSON, "addressPrefix", NULL, f[0]);
		print_string(PRINT_JSON, "source", NULL, f[1]);
		print_string(PRINT_JSON, "nextHopType", NULL, f[2]);
		print_string(PRINT_JSON, "nextHopIpAddress", NULL, k == 4 ? f[3] : NULL);
	}
	print_close_object();
}
