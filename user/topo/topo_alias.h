/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Azure's own (ARM, Bicep, `az ... -o json`) spellings in a topology file,
 * rewritten to xvnet's before the file is checked (docs/topology.md, "ARM
 * spellings"): enableIPForwarding, gatewayType, addressSpace:
 * {addressPrefixes: [...]}, localNetworkAddressSpace, routeTable: {id} or
 * {name}, location. Pure: it edits the parsed YAML document in memory.
 */
#ifndef XVNET_TOPO_ALIAS_H
#define XVNET_TOPO_ALIAS_H

#include <yaml.h>

void topo_arm_aliases(yaml_document_t *doc);

#endif
