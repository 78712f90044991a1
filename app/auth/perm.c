#include "auth/perm.h"
#include "tenant/audit.h"
#include "auth/session.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

const perm_info perm_all[] = {
    {"admin", "tenant", false},
    {"definitions.view", "definitions", false},
    {"definitions.edit", "definitions", false},
    {"definitions.delete", "definitions", false},
    {"design", "definitions", false},
    {"reports.view", "reports", false},
    {"reports.edit", "reports", false},
    {"reports.delete", "reports", false},
    {"users.view", "users", false},
    {"users.edit", "users", false},
    {"users.delete", "users", false},
    {"logs.view", "logs", false},
    {"settings.view", "settings", false},
    {"settings.edit", "settings", false},
    {"api", "api", false},
    {"tester", "definitions", false},
    {"def.view", "definition", true},
    {"def.edit", "definition", true},
    {"def.delete", "definition", true},
    {"def.reports.view", "definition", true},
    {"def.reports.create", "definition", true},
    {"def.reports.edit", "definition", true},
    {"def.reports.delete", "definition", true},
};
const int perm_count = (int)(sizeof perm_all / sizeof perm_all[0]);

bool perm_known(const char *name)
{
    for (int i = 0; i < perm_count; i++)
        if (!strcmp(perm_all[i].name, name))
            return true;
    return false;
}

/* The groups the user is in, directly or through nesting: the groups it is
 * a member of and every group above them. */
#define USER_GROUPS                                                                                              \
    "WITH RECURSIVE g (id) AS (SELECT group_id FROM group_members WHERE user_id = ? "                            \
    "UNION SELECT p.parent_id FROM `groups` p JOIN g ON p.id = g.id WHERE p.parent_id IS NOT NULL) "

static bool load(op_ctx *op)
{
    auth_user *u = op->user;
    if (u->perms_loaded)
        return true;
    db_rows rows;
    if (db_query(op->tenant->db, op->a,
                 USER_GROUPS "SELECT DISTINCT permission, scope FROM group_permissions WHERE group_id IN "
                             "(SELECT id FROM g)",
                 DB_ARGS(DB_INT(u->id)), &rows, NULL) != DB_OK) {
        log_error("req id=%s: permissions of user %lld: %s", op->req_id, u->id, db_error(op->tenant->db));
        u->perms_failed = true;
        return false;
    }
    u->nperm = (int)rows.nrows;
    u->perm = arena_calloc(op->a, rows.nrows + 1, sizeof *u->perm);
    u->scope = arena_calloc(op->a, rows.nrows + 1, sizeof *u->scope);
    for (size_t i = 0; i < rows.nrows; i++) {
        u->perm[i] = db_cell(&rows, i, 0);
        u->scope[i] = db_cell(&rows, i, 1);
    }
    u->perms_loaded = true;
    return true;
}

bool perm_has(op_ctx *op, const char *perm, const char *scope)
{
    if (!op->user)
        return false;
    if (op->user->is_admin)
        return true;
    if (!load(op))
        return false;
    for (int i = 0; i < op->user->nperm; i++) {
        if (!strcmp(op->user->perm[i], "admin"))
            return true;
        if (strcmp(op->user->perm[i], perm))
            continue;
        if (!op->user->scope[i][0] || (scope && !strcmp(op->user->scope[i], scope)))
            return true;
    }
    return false;
}

bool perm_require(op_ctx *op, const char *perm, const char *scope, const char *where)
{
    if (perm_has(op, perm, scope))
        return true;
    audit_log(op, NULL, "permission.denied", "permission", perm, AUDIT_DENIED,
              scope ? arena_printf(op->a, "%s on %s", where ? where : "-", scope) : where);
    return false;
}

const char *perm_scopes(op_ctx *op, const char *perm)
{
    if (perm_has(op, perm, NULL))
        return NULL;
    buf b;
    buf_init(&b, op->a);
    for (int i = 0; op->user && i < op->user->nperm; i++)
        if (!strcmp(op->user->perm[i], perm) && op->user->scope[i][0])
            buf_printf(&b, "%s%s", b.len ? "," : "", op->user->scope[i]);
    return b.data;
}

bool perm_member_of(op_ctx *op, long long group_id)
{
    if (!op->user)
        return false;
    db_rows rows;
    if (db_query(op->tenant->db, op->a, USER_GROUPS "SELECT 1 FROM g WHERE id = ?",
                 DB_ARGS(DB_INT(op->user->id), DB_INT(group_id)), &rows, NULL) != DB_OK)
        return false;
    return rows.nrows > 0;
}
