/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Firewall NVAs of dataplane xdp as the fabric holds them: their rules
 * encoded into a generation's image (struct xv_firewall, struct
 * xv_fw_rule of bpf/xvnet_abi.h) and the names of their counters. Pure.
 * docs/dataplane.md, "Firewall NVAs in XDP".
 */
#ifndef XVNET_FABRIC_FIREWALL_H
#define XVNET_FABRIC_FIREWALL_H

#include "image.h"
#include "model.h"

/* The counters without a rule of their own, named as the nftables ruleset names them. */
#define FW_CTR_ESTABLISHED_NAME	"established"
#define FW_CTR_ASYMMETRIC_NAME	"asymmetric"
#define FW_CTR_DEFAULT_NAME	"defaultAction"

/*
 * Encode the firewalls of dataplane xdp of the VMs among nics[0..n) into
 * img (its nics already compiled: their XV_NIC_F_FIREWALL flag is set
 * here). 0 or -E2BIG (an NVA with more than XV_FW_RULES entries: the
 * topology check refuses it first).
 */
int fabric_firewall_compile(const struct topology *t, const struct fabric_nic *nics, int n,
			    struct fabric_image *img);

/* The counters of firewall fw, and the name and action ("Allow", "Deny") of counter k. */
int fabric_firewall_ncounters(const struct firewall *fw);
const char *fabric_firewall_counter_name(const struct firewall *fw, int k);
const char *fabric_firewall_counter_action(const struct firewall *fw, int k);

/* The firewall of dataplane xdp at a NIC of the inventory, NULL: none. */
const struct firewall *fabric_xdp_firewall(const struct topology *t, const struct fabric_nic *nic);

#endif
