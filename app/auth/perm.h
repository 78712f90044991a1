/* perm.h - permissions, and the one check every handler goes through.
 *
 * Permissions are granted to groups (group_permissions); a permission held
 * by a group holds for its members and for the members of every group
 * nested below it.  A user with users.is_admin (the tenant's first
 * administrator) or the "admin" permission holds every permission.
 * Per-definition rights (def.*) carry the definition id as their scope; a
 * tenant-wide grant of the same name (scope "") covers every definition.
 *
 * The route table names the permission a route needs (http/guard.c calls
 * perm_require and answers 403); the domain checks object-level rights with
 * perm_has.
 * Denials are written to the access log.  Request thread only.
 */
#ifndef GENBA_PERM_H
#define GENBA_PERM_H

#include <stdbool.h>
#include "db/db.h"
#include "tenant/op.h"

typedef struct perm_info {
    const char *name;      /* stored in group_permissions.permission */
    const char *area;      /* grouping on the console's group page */
    bool scoped;           /* takes a definition id */
} perm_info;

extern const perm_info perm_all[];
extern const int perm_count;

/* Is name a permission genba knows? */
bool perm_known(const char *name);
/* Does the request's user hold perm (for scope, NULL = tenant-wide)?  No
 * side effects beyond loading the user's permissions once. */
bool perm_has(op_ctx *op, const char *perm, const char *scope);
/* Groups, members or grants changed (inside the change's transaction): the
 * tenant's perm_version takes a new random value, so no worker keeps rights
 * read before. */
db_status perm_changed(op_ctx *op);
/* Like perm_has, but a refusal is logged in the access log
 * (permission.denied, with where: the route's pattern). */
bool perm_require(op_ctx *op, const char *perm, const char *scope, const char *where);
/* For listing: NULL when the user holds perm for every definition
 * (tenant-wide or admin), else the comma-separated scopes it holds it for
 * ("" = none), for FIND_IN_SET in SQL. */
const char *perm_scopes(op_ctx *op, const char *perm);
/* Is the request's user a member of group_id or of a group nested below
 * it (approval stages name a group)? */
bool perm_member_of(op_ctx *op, long long group_id);

#endif
