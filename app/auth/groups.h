/* groups.h - nested groups, their members and their permissions.
 *
 * A group may have a parent; permissions of a group hold for the members of
 * every group nested below it (auth/perm.h).  A parent that would make a
 * cycle is refused.  Every change runs in one transaction with its access-
 * log row.  Shared by the API and the console.  Request thread only.
 */
#ifndef GENBA_GROUPS_H
#define GENBA_GROUPS_H

#include <json-c/json.h>
#include "tenant/op.h"
#include "util/errs.h"

typedef struct group_perm {
    const char *name, *scope;   /* scope "" = tenant-wide */
} group_perm;

/* Submitted fields; NULL = not given. */
typedef struct group_in {
    const char *name, *description;
    bool has_parent;
    long long parent_id;        /* 0 = top level */
    bool has_perms;
    group_perm *perms;
    int nperms;
    bool perms_tenant_wide;     /* perms are only the tenant-wide ones: per-definition grants stay */
} group_in;

bool groups_exists(op_ctx *op, long long id);
op_result groups_create(op_ctx *op, const group_in *in, errs *e, long long *id);
op_result groups_update(op_ctx *op, long long id, const group_in *in, errs *e);
op_result groups_delete(op_ctx *op, long long id, errs *e);
/* Replace the direct members with the given user ids (only the differences
 * are written; the access log's group.members names them: "+sato -suzuki"). */
op_result groups_set_members(op_ctx *op, long long id, const long long *users, int n, errs *e);
/* Replace the permissions (all of them, per-definition ones too); the
 * access log names what was added and removed. */
op_result groups_set_perms(op_ctx *op, long long id, const group_perm *perms, int n, errs *e);
/* Per-definition rights: replace every def.* grant with this scope by the
 * given (group, permission) pairs. */
op_result groups_set_scoped(op_ctx *op, const char *scope, const long long *groups, const char *const *perms, int n,
                            errs *e);
/* The scoped grants of scope: [{"group_id", "permission"}]. */
json_object *groups_scoped(op_ctx *op, const char *scope, op_result *res);
/* Group id's per-definition rights: [{"permission", "definition_id",
 * "definition" (its name, null when the definition is gone)}]. */
json_object *groups_def_rights(op_ctx *op, long long id, op_result *res);
json_object *groups_get(op_ctx *op, long long id, op_result *res);
json_object *groups_list(op_ctx *op, op_result *res);
/* Parse "users.view" or {"name": "def.view", "scope": "12"} items of a JSON
 * array into perms (problems into e). */
bool groups_perms_from_json(op_ctx *op, json_object *arr, group_perm **perms, int *n, errs *e);

#endif
