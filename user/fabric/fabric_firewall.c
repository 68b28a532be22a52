// SPDX-License-Identifier: GPL-2.0
/*
 * Firewall NVAs of dataplane xdp: rules -> rule entries of a generation's
 * image (bpf/xvnet_abi.h). Pure.
 */
#include "fabric_firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "log.h"

const struct firewall *fabric_xdp_firewall(const struct topology *t, const struct fabric_nic *nic)
{
	const struct firewall *fw;

	if (nic->kind != XV_NIC_VM || nic->index < 0 || nic->index >= t->nvms)
		return NULL;
	fw = t->vms[nic->index].firewall;
	return fw && fw->dataplane == FW_DATAPLANE_XDP ? fw : NULL;
}

int fabric_firewall_ncounters(const struct firewall *fw)
{
	return XV_FW_CTR_RULES + fw->nrules + 1;
}

const char *fabric_firewall_counter_name(const struct firewall *fw, int k)
{
	if (k == XV_FW_CTR_ESTABLISHED)
		return FW_CTR_ESTABLISHED_NAME;
	if (k == XV_FW_CTR_ASYMMETRIC)
		return FW_CTR_ASYMMETRIC_NAME;
	k -= XV_FW_CTR_RULES;
	return k < fw->nrules ? fw->rules[k].name : FW_CTR_DEFAULT_NAME;
}

const char *fabric_firewall_counter_action(const struct firewall *fw, int k)
{
	if (k == XV_FW_CTR_ESTABLISHED)
		return "Allow";
	if (k == XV_FW_CTR_ASYMMETRIC)
		return "Deny";
	k -= XV_FW_CTR_RULES;
	return (k < fw->nrules ? fw->rules[k].action : fw->default_action) == FW_ALLOW ?
	       "Allow" : "Deny";
}

static __u8 ip_proto(enum fw_proto p)
{
	static const __u8 num[] = { [FW_ANY] = 0, [FW_TCP] = 6, [FW_UDP] = 17, [FW_ICMP] = 1 };

	return num[p];
}

/* Prefixes [from, from + XV_FW_PREFIXES) of l (none: any) into out; their count. */
static __u8 put_prefixes(const struct addr_list *l, int from, struct xv_fw_prefix *out)
{
	int n = fw_list_size(l), k = 0;

	for (int i = from; i < n && k < XV_FW_PREFIXES; i++, k++) {
		__u32 mask = l->p[i].len ? ~0u << (32 - l->p[i].len) : 0;

		out[k] = (struct xv_fw_prefix){ htonl(l->p[i].addr & mask), htonl(mask) };
	}
	return k;
}

/* Every combination of r's source, destination and port chunks, at out. */
static int encode_rule(const struct fw_rule *r, int counter, struct xv_fw_rule *out)
{
	int ns = fw_list_size(&r->source), nd = fw_list_size(&r->destination), k = 0;

	for (int s = 0; s == 0 || s < ns; s += XV_FW_PREFIXES)
		for (int d = 0; d == 0 || d < nd; d += XV_FW_PREFIXES)
			for (int p = 0; p == 0 || p < r->nports; p += XV_FW_PORTS) {
				struct xv_fw_rule *e = &out[k++];

				memset(e, 0, sizeof(*e));
				e->action = r->action == FW_ALLOW ? XV_FW_ALLOW : XV_FW_DENY;
				e->proto = ip_proto(r->protocol);
				e->counter = counter;
				e->nsrc = put_prefixes(&r->source, s, e->src);
				e->ndst = put_prefixes(&r->destination, d, e->dst);
				for (int i = p; i < r->nports && e->nports < XV_FW_PORTS; i++) {
					e->ports[e->nports].lo = r->ports[i].lo;
					e->ports[e->nports++].hi = r->ports[i].hi;
				}
			}
	return k;
}

static int encode_firewall(const struct firewall *fw, struct fabric_image *img,
			   struct xv_firewall *x)
{
	int entries = 0;

	for (int i = 0; i < fw->nrules; i++)
		entries += fw_rule_entries(&fw->rules[i]);
	if (entries > XV_FW_RULES)
		return -E2BIG;
	*x = (struct xv_firewall){
		.first = img->nfw_rules,
		.nrules = entries,
		.counters = img->nfw_counters,
		.default_action = fw->default_action == FW_ALLOW ? XV_FW_ALLOW : XV_FW_DENY,
		.snat = fw->snat == FW_SNAT_ALWAYS ? XV_FW_SNAT_ALWAYS :
			fw->snat == FW_SNAT_NEVER ? XV_FW_SNAT_NEVER : XV_FW_SNAT_AUTO,
		.nnamed = fw->nrules,
	};
	img->fw_rules = xrealloc(img->fw_rules,
				 (size_t)(img->nfw_rules + entries) * sizeof(*img->fw_rules));
	for (int i = 0; i < fw->nrules; i++)
		img->nfw_rules += encode_rule(&fw->rules[i], XV_FW_CTR_RULES + i,
					      &img->fw_rules[img->nfw_rules]);
	img->nfw_counters += fabric_firewall_ncounters(fw);
	return 0;
}

int fabric_firewall_compile(const struct topology *t, const struct fabric_nic *nics, int n,
			    struct fabric_image *img)
{
	for (int i = 0; i < n; i++) {
		const struct firewall *fw = fabric_xdp_firewall(t, &nics[i]);
		int ret;

		if (!fw)
			continue;
		if (!img->firewalls)
			img->firewalls = xcalloc(n, sizeof(*img->firewalls));
		ret = encode_firewall(fw, img, &img->firewalls[i]);
		if (ret)
			return ret;
		img->nics[i].flags |= XV_NIC_F_FIREWALL;
	}
	return 0;
}
