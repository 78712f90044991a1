/* defjson.h - a definition as the tablet API's JSON (tablet-api.md,
 * "Definitions"): the same content as the XML.  Thread-safe; the object
 * returned is the caller's (json_object_put). */
#ifndef GENBA_DEFJSON_H
#define GENBA_DEFJSON_H

#include <json-c/json.h>
#include "forms/model.h"

/* bg_base: URL prefix of the background images
 * ("/t/api/v1/definitions/7/revisions/2/sheets/"), the sheet number and
 * "/background" are appended. */
json_object *defjson_build(const definition *d, long long id, int revision, const char *status, const char *bg_base);

#endif
