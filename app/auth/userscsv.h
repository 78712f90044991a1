/* userscsv.h - users, groups and memberships as CSV, for bulk export and
 * import.
 *
 * users.csv        login,name,email,lang,valid_from,valid_until,enabled,password
 * groups.csv       name,parent,description,permissions   (space-separated; name:scope)
 * memberships.csv  group,login
 *
 * Import takes UTF-8 or Shift_JIS (CP932, what Japanese Excel writes), with
 * the header line first.  Existing users (by login) and groups (by name) are
 * updated, new ones created; an empty password keeps an existing user's
 * password, and an imported password must be changed at the next sign-in.
 * Every row is checked and the whole file is applied in one transaction:
 * when any row is wrong nothing is written and every problem is reported
 * with its line.  Request thread only.
 */
#ifndef GENBA_USERSCSV_H
#define GENBA_USERSCSV_H

#include "tenant/op.h"
#include "util/buf.h"
#include "util/errs.h"

/* kind: "users", "groups", "memberships"; OP_INVALID for another kind. */
op_result userscsv_export(op_ctx *op, const char *kind, buf *out);
/* encoding: "auto", "utf-8", "shift_jis".  *count = rows applied. */
op_result userscsv_import(op_ctx *op, const char *kind, const char *encoding, const char *data, size_t len, errs *e,
                          int *count);

#endif
