/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The topology in memory: plain structs, every cross reference resolved to
 * an index into the topology's arrays (-1 when absent). Built and validated
 * by topo_load() (topo.h); read-only for every layer after that.
 * Property names are Azure's own (docs/topology.md).
 */
#ifndef XVNET_MODEL_H
#define XVNET_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "ipv4.h"

/* Where something was written in the topology file (1-based; 0 = unknown). */
struct pos {
	int line;
	int col;
};

enum gateway_type { GW_VPN, GW_EXPRESSROUTE, GW__COUNT };

struct vnet {
	char *name;
	char *region;	      /* NULL when not given */
	struct prefix *space; /* addressSpace */
	int nspace;
	int first_subnet;     /* subnets of a VNet are contiguous in topology.subnets */
	int nsubnets;
	/* Its gateways by type, -1: none; a VNet holds one Vpn and one
	 * ExpressRoute gateway at most, both at once when they coexist. */
	int gateways[GW__COUNT];
	int remote_vnet;      /* whose gateways it uses (useRemoteGateways), -1: none */
	struct pos pos;
};

struct subnet {
	char *name;
	int vnet;
	struct prefix prefix;
	int route_table; /* -1: none */
	bool is_gateway_subnet; /* name == "GatewaySubnet" */
	struct pos pos;
};

struct peering {
	int from, to; /* vnet indices */
	bool allow_vnet_access;
	bool allow_forwarded_traffic;
	bool allow_gateway_transit;
	bool use_remote_gateways;
	int reverse;	/* index of the to->from peering, -1: not connected */
	bool global;	/* regions differ: VNetGlobalPeering */
	struct pos pos;
};

enum next_hop_type {
	NH_VNET_LOCAL,
	NH_VNET_PEERING,
	NH_VNET_GLOBAL_PEERING,
	NH_GATEWAY,	/* VirtualNetworkGateway */
	NH_INTERNET,
	NH_APPLIANCE,	/* VirtualAppliance */
	NH_NONE,
	NH__COUNT
};

struct udr {
	char *name;
	struct prefix prefix;
	enum next_hop_type type; /* never a peering type (rejected at load) */
	uint32_t next_hop_ip;	 /* VirtualAppliance only */
	struct pos pos;
};

struct route_table {
	char *name;
	char *id;	/* its Azure resource id (an imported file), NULL */
	bool disable_bgp_route_propagation;
	struct udr *routes;
	int nroutes;
	struct pos pos;
};


struct gateway {
	char *name;
	int vnet;
	int subnet;		/* the VNet's GatewaySubnet */
	enum gateway_type type;
	bool bgp;
	uint32_t ip;		/* resolved: given or first free host of GatewaySubnet */
	int default_site;	/* -1: none */
	struct pos pos;
};

struct host {
	char *name;
	uint32_t ip;
	struct pos pos;
};

struct site {
	char *name;
	struct prefix *space; /* addressSpace: advertised / declared prefixes */
	int nspace;
	struct host *hosts;
	int nhosts;
	struct pos pos;
};

struct circuit {
	char *name;
	int *sites;
	int nsites;
	struct pos pos;
};

enum connection_kind { CONN_SITE, CONN_CIRCUIT, CONN_VNET2VNET };

struct connection {
	char *name;
	int gateway;
	enum connection_kind kind;
	int peer; /* site, circuit or peer gateway index, per kind */
	struct pos pos;
};

enum fw_action { FW_ALLOW, FW_DENY };
enum fw_proto { FW_ANY, FW_TCP, FW_UDP, FW_ICMP };

struct port_range {
	uint16_t lo, hi;
};

/*
 * A firewall rule's source or destination: one prefix, Any, or a list of
 * them (Azure Firewall's address lists and IP Groups). Any is the one
 * prefix 0.0.0.0/0; a bare address is a /32. Never empty.
 */
struct addr_list {
	struct prefix *p;
	int n;
};

struct fw_rule {
	char *name;
	enum fw_action action;
	enum fw_proto protocol;
	struct addr_list source;
	struct addr_list destination;
	struct port_range *ports;  /* destinationPorts; none = any port */
	int nports;
	struct pos pos;
};

/* Source NAT of forwarded flows (Round trips): to the firewall's own address. */
enum fw_snat {
	FW_SNAT_AUTO,	/* flows to public destinations (not RFC 1918 / 6598) */
	FW_SNAT_ALWAYS,	/* every forwarded flow */
	FW_SNAT_NEVER,
};

/*
 * Where a firewall NVA filters and forwards: its namespace's nftables, or
 * the XDP fabric (docs/dataplane.md, "Firewall NVAs in XDP").
 */
enum fw_dataplane { FW_DATAPLANE_NFTABLES, FW_DATAPLANE_XDP };

struct firewall {
	enum fw_action default_action;
	enum fw_snat snat;
	enum fw_dataplane dataplane;
	struct fw_rule *rules;
	int nrules;
};

struct vm {
	char *name;
	char *nic;	/* its Azure NIC's name (an imported file), NULL; a target too */
	int subnet;
	int vnet;
	uint32_t ip; /* resolved: given or first free host */
	bool enable_ip_forwarding;
	struct firewall *firewall; /* NULL: not a firewall NVA */
	struct pos pos;
};

struct topology {
	char *file; /* as given to topo_load(), for messages */
	char *name; /* lab name */
	struct vnet *vnets;
	int nvnets;
	struct subnet *subnets;
	int nsubnets;
	struct peering *peerings;
	int npeerings;
	struct route_table *route_tables;
	int nroute_tables;
	struct gateway *gateways;
	int ngateways;
	struct site *sites;
	int nsites;
	struct circuit *circuits;
	int ncircuits;
	struct connection *connections;
	int nconnections;
	struct vm *vms;
	int nvms;
	struct host *internet_hosts;
	int ninternet_hosts;
};

/* Azure's spelling of each next hop type, as in effective routes. */
const char *next_hop_type_name(enum next_hop_type t);

/* Lookups by name; -1 when absent. "VNET/SUBNET" for subnets; a VM by its NIC's too. */
int topo_find_vnet(const struct topology *t, const char *name);
int topo_find_subnet(const struct topology *t, const char *vnet_slash_subnet);
int topo_find_vm(const struct topology *t, const char *name);
int topo_find_site(const struct topology *t, const char *name);
/* The VM owning addr inside vnet, -1: none. */
int topo_vm_by_ip(const struct topology *t, int vnet, uint32_t addr);
/* The subnet of vnet containing addr, -1: none. */
int topo_subnet_of(const struct topology *t, int vnet, uint32_t addr);
bool vnet_has(const struct vnet *v, uint32_t addr);
/* Has v a gateway of its own (of either type)? */
bool vnet_has_gateway(const struct vnet *v);
/*
 * A peering between VNet v and the VNet holding addr declared in one
 * direction only (Azure: Initiated, no traffic); its index, -1: none.
 */
int topo_half_peering(const struct topology *t, int v, uint32_t addr);
/* Is addr inside one of the list's prefixes? */
bool addr_list_has(const struct addr_list *l, uint32_t addr);
/*
 * The entries rule r takes in the XDP fabric (bpf/xvnet_abi.h: an entry
 * holds XV_FW_PREFIXES sources and destinations, XV_FW_PORTS port ranges).
 */
int fw_rule_entries(const struct fw_rule *r);
/* The prefixes of l an entry must hold: 0 when l contains Any. */
int fw_list_size(const struct addr_list *l);

void topo_free(struct topology *t);

#endif
