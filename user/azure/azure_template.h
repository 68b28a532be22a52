/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exported ARM templates: their resources with the expressions that name
 * them and tie them together evaluated (azure_template.c). Pure.
 */
#ifndef XVNET_AZURE_TEMPLATE_H
#define XVNET_AZURE_TEMPLATE_H

#include <jansson.h>
#include <stdbool.h>

/* Is root an ARM deployment template ({"$schema": ...deploymentTemplate..., "resources"})? */
bool az_is_template(const json_t *root);

/*
 * A copy of the template's resources, every "[...]" string that xvnet
 * evaluates replaced by its value; resourceId() names the resource group
 * group. *left: expressions left as written. Free with json_decref().
 */
json_t *az_template_resolve(const json_t *tpl, const char *group, int *left);

#endif
