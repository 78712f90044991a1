/* masters.h - master data: typed reference tables uploaded as CSV, which
 * Select (with `master`) and MasterSelect clusters draw from, and which
 * tablets download for offline use.
 *
 * CSV: the header names the fields, each optionally typed
 * ("code,name,price:number,since:date"; text by default); the first field
 * is the record key (unique, non-empty).  UTF-8 or Shift_JIS.  Each upload
 * of a master with the same name is its next version: records whose data
 * changed, and records that disappeared (marked deleted), get a new
 * updated_at, so a tablet asks only for what changed since its last sync.
 * The whole upload is checked first and stored in one transaction.
 * Request thread only.
 */
#ifndef GENBA_MASTERS_H
#define GENBA_MASTERS_H

#include <json-c/json.h>
#include "tenant/op.h"
#include "util/errs.h"

op_result masters_upload(op_ctx *op, const char *name, const char *encoding, const char *data, size_t len, errs *e,
                         long long *id, int *version);
json_object *masters_list(op_ctx *op, op_result *res);
/* One master with its fields (no records). */
json_object *masters_get(op_ctx *op, long long id, op_result *res);
/* Records changed after since (SQL DATETIME text; NULL = all live
 * records), oldest change first, paged by cursor. */
json_object *masters_records(op_ctx *op, long long id, const char *since, const char *cursor, int limit, op_result *res);
/* Field `field` of the live record `key` of the master called name: its
 * text ("" when the record lacks the field), or NULL when there is no such
 * record (*gone: the database failed). */
const char *masters_field(op_ctx *op, const char *name, const char *key, const char *field, bool *gone);
/* Is key a live record of the master called name? */
bool masters_has_key(op_ctx *op, const char *name, const char *key);

#endif
