/* SPDX-License-Identifier: GPL-2.0 */
/* A lab's name, the rule every layer checks it by (implemented with the topology's parser). */
#ifndef XVNET_LAB_NAME_H
#define XVNET_LAB_NAME_H

#include <stdbool.h>

/*
 * Is s a valid lab name (the topology's `name:`)? It prefixes kernel
 * object names and names directories: checked wherever a lab is named.
 */
bool valid_lab_name(const char *s);

#endif
