// SPDX-License-Identifier: GPL-2.0
/*
 * Load the real fabric (compiler + loader) onto namespaces that
 * scripts/bench-fabric.sh built itself, without a whole lab:
 *
 *   bench-fabric-load load TOPOLOGY PIN_DIR NIC=IFNAME,MAC...
 *   bench-fabric-load unload PIN_DIR
 *
 * NIC is a VM or gateway of TOPOLOGY, IFNAME the outer end of its veth and
 * MAC its inner end's. Run it inside the fabric namespace (nsenter --net).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "engine.h"
#include "loader.h"
#include "topo.h"

static int find(char *const *names, int n, size_t stride, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(*(char *const *)((const char *)names + i * stride), name))
			return i;
	return -1;
}

/* "NAME=IFNAME,MAC" -> one inventory entry. */
static int parse_nic(const struct topology *t, char *arg, struct fabric_nic *nic)
{
	char *ifname = strchr(arg, '='), *mac;
	unsigned int m[6];

	if (!ifname || !(mac = strchr(ifname, ',')))
		return -EINVAL;
	*ifname++ = '\0';
	*mac++ = '\0';
	nic->index = find(&t->vms[0].name, t->nvms, sizeof(t->vms[0]), arg);
	nic->kind = XV_NIC_VM;
	if (nic->index < 0) {
		nic->index = find(&t->gateways[0].name, t->ngateways, sizeof(t->gateways[0]), arg);
		nic->kind = XV_NIC_GATEWAY;
	}
	nic->ifindex = if_nametoindex(ifname);
	if (nic->index < 0 || !nic->ifindex ||
	    sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		nic->mac[i] = m[i];
	return 0;
}

static int compile_and_load(const struct topology *t, const struct engine *e,
			    const struct fabric_nic *nics, int n, const char *pin_dir)
{
	struct fabric_image img;
	char err[256];
	int ret = fabric_compile(t, e, nics, n, &img, err, sizeof(err));

	if (ret) {
		fprintf(stderr, "bench-fabric-load: %s\n", err);
		return 1;
	}
	ret = fabric_load(&img, nics, n, pin_dir, NULL);
	fabric_image_free(&img);
	return ret ? 1 : 0;
}

static int load(int argc, char **argv)
{
	struct topology t = { 0 };
	struct engine e = { 0 };
	struct diags d = { 0 };
	struct fabric_nic *nics;
	int n = argc - 3, err = 0;

	nics = calloc(n, sizeof(*nics));
	if (!nics)
		return 1;
	if (topo_load(argv[1], &t, &d)) {
		for (int i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.lines[i]);
		err = 2;
		goto out;
	}
	engine_build(&e, &t);
	for (int i = 0; !err && i < n; i++) {
		if (parse_nic(&t, argv[3 + i], &nics[i])) {
			fprintf(stderr, "bench-fabric-load: bad NIC=IFNAME,MAC: %s\n", argv[3 + i]);
			err = 2;
		}
	}
	if (!err)
		err = compile_and_load(&t, &e, nics, n, argv[2]);
	engine_free(&e);
out:
	topo_free(&t);
	diags_free(&d);
	free(nics);
	return err;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "load"))
		return load(argc - 1, argv + 1);
	if (argc == 3 && !strcmp(argv[1], "unload"))
		return fabric_unload(argv[2]) ? 1 : 0;
	fprintf(stderr, "Usage: bench-fabric-load load TOPOLOGY PIN_DIR NIC=IFNAME,MAC...\n"
			"       bench-fabric-load unload PIN_DIR\n");
	return 2;
}
