/* devices.h - tablets registered by their sign-ins, approved or revoked
 * by an administrator.  A device seen for the first time is "pending"
 * (or "approved" at once when the tenant setting devices.auto_approve is
 * on); revoking a device ends every session on it at once.  Request thread
 * only; changes are written with their access-log row in one transaction.
 */
#ifndef GENBA_DEVICES_H
#define GENBA_DEVICES_H

#include <json-c/json.h>
#include "tenant/op.h"
#include "util/errs.h"

/* Is s a UUID (8-4-4-4-12 hex)? */
bool devices_id_ok(const char *s);
/* The status of device id ("pending", "approved", "revoked"), registering
 * it first when it is new.  NULL on a database failure (*res says). */
const char *devices_register(op_ctx *op, const char *id, const char *name, const char *platform, op_result *res);
/* status "approved" or "revoked". */
op_result devices_set_status(op_ctx *op, const char *id, const char *status, json_object **out);
/* Devices with that status (NULL = all), newest first. */
json_object *devices_list(op_ctx *op, const char *status, op_result *res);

#endif
