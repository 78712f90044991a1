/* settings.h - a tenant's settings (table settings: name -> value).
 * Known names and their types are listed in settings.c; the API and the
 * console change them through settings_set, which writes the access log.
 * Request thread only. */
#ifndef GENBA_SETTINGS_H
#define GENBA_SETTINGS_H

#include <json-c/json.h>
#include <stdbool.h>
#include "tenant/op.h"
#include "util/errs.h"

bool settings_bool(op_ctx *op, const char *name, bool dflt);
/* A whole-number setting (a row of table settings that operators may add,
 * such as attachments.max_bytes): dflt when absent or not a whole number
 * within [min, max]. */
long long settings_int(op_ctx *op, const char *name, long long dflt, long long min, long long max);
/* Every known setting with its value, and the read-only member "storage":
 * {"used", "quota", "percent"} (tenant/quota.h). */
json_object *settings_all(op_ctx *op, op_result *res);
/* Apply the members of o (known names, right types) in one transaction;
 * "storage" is refused as read_only. */
op_result settings_set(op_ctx *op, json_object *o, errs *e);

#endif
