/* settings.h - a tenant's settings (table settings: name -> value).
 * Known names and their types are listed in settings.c; the API and the
 * console change them through settings_set, which writes the access log.
 * Request thread only. */
#ifndef GENBA_SETTINGS_H
#define GENBA_SETTINGS_H

#include <json-c/json.h>
#include <stdbool.h>
#include "http/request.h"
#include "util/errs.h"

bool settings_bool(request *r, const char *name, bool dflt);
/* Every known setting with its value. */
json_object *settings_all(request *r, op_result *res);
/* Apply the members of o (known names, right types) in one transaction. */
op_result settings_set(request *r, json_object *o, errs *e);

#endif
