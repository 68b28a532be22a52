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
#include "state.h"

/*
 * The lab: --lab, else the one -t FILE names (once loaded), else the only
 * lab running. Names come from -t, else from the file the lab's state
 * records (none: NICs and routes by number).
 */
static int pick_lab(struct fabric_session *fs, const struct verb_opts *o, const char **lab)
{
	int rc;

	*lab = o->lab;
	if (!*lab && !o->topology) {
		rc = lab_select(NULL, NULL, fs->lab);
		if (rc)
			return rc;
		*lab = fs->lab;
	}
	if (!fs->s.o.topology)
		fs->s.o.topology = fs->state_file = state_topology(*lab);
	return 0;
}

/* Route ids depend on the topology alone: compile it with no NICs. */
static int name_routes(struct fabric_session *fs)
{
	char err[256];

	if (fabric_compile(&fs->s.topo, &fs->s.eng, NULL, 0, &fs->img, err, sizeof(err))) {
		fprintf(stderr, "xvnet %s: %s\n", fs->s.verb->name, err);
		return EXIT_FAIL;
	}
	return 0;
}

/* Load the topology (when there is one), its routes and their names. */
static int load_names(struct fabric_session *fs)
{
	int rc = 0;

	if (fs->s.o.topology)
		rc = session_load(&fs->s);
	if (!rc && fs->s.loaded)
		rc = session_build(&fs->s);
	if (!rc && fs->s.built)
		rc = name_routes(fs);
	return rc;
}

/* The pid of the process that last wrote lab's state (deploy, apply); 0: no state. */
static int state_writer(const char *lab)
{
	json_t *st = state_read(lab);
	int pid = json_integer_value(json_object_get(st, "pid"));

	json_decref(st);
	return pid;
}

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
	const char *lab = NULL;
	int rc;

	memset(fs, 0, sizeof(*fs));
	fs->v = (struct fabric_view){ .stats = -1, .config = -1, .events = -1, .nics = -1,
				      .hits = -1 };
	fs->reader = -1;
	fs->s.verb = v;
	fs->s.o = *o;
	fs->format = o->format;
	fs->watch = o->watch;
	fs->count = o->count;
	rc = pick_lab(fs, o, &lab);
	if (!rc && lab)
		fs->state_pid = state_writer(lab);
	if (!rc)
		rc = load_names(fs);
	if (rc)
		return rc;
	if (lab != fs->lab)
		snprintf(fs->lab, sizeof(fs->lab), "%s", lab ? lab : fs->s.topo.name);
	if (!lab)
		fs->state_pid = state_writer(fs->lab);
	if (fabric_pin_dir(fs->lab, fs->pin_dir, sizeof(fs->pin_dir)) ||
	    fabric_view_open(fs->pin_dir, &fs->v) ||
	    bpf_obj_get_info_by_fd(fs->v.config, &info, &len)) {
		fprintf(stderr, "xvnet %s: no fabric is loaded at %s (is the lab up?)\n",
			v->name, fs->pin_dir);
		return EXIT_FAIL;
	}
	fs->config_id = info.id;
	fs->gen = config_word(&fs->v, XV_CFG_GEN);
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
 * Wait (at most a second) for the apply that made a new generation current
 * to record its file in the lab's state: it does so right after the switch.
 */
static void await_state(struct fabric_session *fs)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	int pid;

	for (int i = 0; i < 50; i++) {
		pid = state_writer(fs->lab);
		if (!pid || pid != fs->state_pid)
			break;
		nanosleep(&tick, NULL);
	}
	fs->state_pid = pid;
}

/* The current generation's NIC records, in place of the ones fs->v holds. */
static void follow_nics(struct fabric_session *fs)
{
	struct fabric_view nv;
	int nics, hits;

	if (fabric_view_open(fs->pin_dir, &nv))
		return;
	nics = fs->v.nics, hits = fs->v.hits;
	fs->v.nics = nv.nics, fs->v.hits = nv.hits, fs->v.nic_base = nv.nic_base;
	nv.nics = nics, nv.hits = hits;
	fabric_view_close(&nv);
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
	if (!(info.map_flags & BPF_F_MMAPABLE) || info.max_entries < XV_CFG__COUNT)
		return -EPROTO;
	fs->config_stride = (info.value_size + 7) & ~7u;
	fs->config_len = (info.max_entries * fs->config_stride + page - 1) / page * page;
	m = mmap(NULL, fs->config_len, PROT_READ | PROT_WRITE, MAP_SHARED, fs->v.config, 0);
	if (m == MAP_FAILED)
		return -errno;
	fs->config = m;
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
			settle_switch(fs);
			return 0;
		}
	}
	return -EBUSY;
}

void fabric_trace_leave(struct fabric_session *fs)
{
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

bool fabric_follow(struct fabric_session *fs, __u32 gen)
{
	char *file;

	if (gen == fs->gen)
		return true;
	if (gen < fs->gen)
		return false;
	fs->gen = gen;
	await_state(fs);
	/* the lab's state names the applied file; without a state, -t again */
	file = state_topology(fs->lab);
	if (file) {
		free(fs->state_file);
		fs->s.o.topology = fs->state_file = file;
	}
	session_close(&fs->s);
	fabric_image_free(&fs->img);
	follow_nics(fs);
	if (load_names(fs))
		fprintf(stderr, "xvnet %s: routes of generation %u shown by number\n",
			fs->s.verb->name, gen);
	return true;
}

void fabric_session_close(struct fabric_session *fs)
{
	fabric_trace_leave(fs);
	fabric_view_close(&fs->v);
	fabric_image_free(&fs->img);
	session_close(&fs->s);
	free(fs->state_file);
}

const char *fabric_nic_name(const struct fabric_session *fs, __u32 slot,
			    char *buf, size_t len)
{
	const struct topology *t = &fs->s.topo;
	struct xv_nic nic;

	if (slot == XV_NONE || slot == (__u32)fs->v.nnics)
		return "-";
	if (fabric_read_nic(&fs->v, slot, &nic) || !fs->s.loaded)
		snprintf(buf, len, "nic %u", slot);
	else if (nic.kind == XV_NIC_INTERNET)
		snprintf(buf, len, "Internet");
	else if (nic.kind == XV_NIC_VM && nic.index < (__u32)t->nvms)
		snprintf(buf, len, "%s (%s/%s)", t->vms[nic.index].name,
			 t->vnets[t->vms[nic.index].vnet].name,
			 t->subnets[t->vms[nic.index].subnet].name);
	else if (nic.kind == XV_NIC_GATEWAY && nic.index < (__u32)t->ngateways)
		snprintf(buf, len, "%s (%s/GatewaySubnet)", t->gateways[nic.index].name,
			 t->vnets[t->gateways[nic.index].vnet].name);
	else
		snprintf(buf, len, "nic %u", slot);
	return buf;
}

/*
 * The route a route id names: an own or shadow route's by its number, a
 * learned one (XV_ROUTE_ID_GW) from its set's counter, its length and a
 * destination in it. False: no such route.
 */
static bool route_ref(const struct fabric_session *fs, __u32 route_id, __u32 dst,
		      struct route_ref *ref)
{
	int g = (int)(route_id & XV_TRIE_ID_MASK) - fs->img.nown;

	if (!(route_id & XV_ROUTE_ID_GW)) {
		if (route_id >= (__u32)fs->img.nroutes)
			return false;
		*ref = fs->img.routes[route_id];
		return true;
	}
	if (g < 0 || g >= fs->s.topo.ngateways)
		return false;
	*ref = (struct route_ref){ -1, g, fabric_gw_row(&fs->s.eng, g, ntohl(dst),
				  route_id >> XV_TRIE_LEN_SHIFT & 0x3f) };
	return ref->row >= 0;
}

const char *fabric_route_name(const struct fabric_session *fs, __u32 route_id,
			      __u32 dst, char *buf, size_t len)
{
	char prefix[PREFIX_STRLEN], ip[IPV4_STRLEN];
	struct route_ref ref;
	struct eff_route r;
	const char *nh;

	if (route_id == XV_NONE)
		return NULL;
	if (!fs || !route_ref(fs, route_id, dst, &ref)) {
		snprintf(buf, len, "route %u", route_id);
		return buf;
	}
	fabric_route_row(&fs->s.topo, &fs->s.eng, &ref, &r);
	nh = verb_next_hop_ip(&r, ip);
	snprintf(buf, len, "%s %s %s%s%s", prefix_str(r.prefix, prefix),
		 verb_source_name(r.source), next_hop_type_name(verb_next_hop_type(&r)),
		 nh ? " " : "", nh ? nh : "");
	return buf;
}

const char *fabric_route_owner(const struct fabric_session *fs, __u32 route_id,
			       char *buf, size_t len)
{
	const struct topology *t = &fs->s.topo;
	const struct route_ref *ref;
	size_t at = 0;

	if (route_id >= (__u32)fs->img.nroutes)
		return "-";
	ref = &fs->img.routes[route_id];
	if (ref->subnet < 0)
		return t->gateways[ref->gateway].name;
	/* every subnet the table serves: "hub/app, hub/db" */
	for (int s = 0; s < t->nsubnets && at < len; s++)
		if (fs->img.table_of[s] == ref->subnet)
			at += snprintf(buf + at, len - at, "%s%s/%s", at ? ", " : "",
				       t->vnets[t->subnets[s].vnet].name, t->subnets[s].name);
	return buf;
}
