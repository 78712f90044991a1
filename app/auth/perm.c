#include "auth/perm.h"
#include "tenant/audit.h"
#include "auth/session.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "util/crypto.h"
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

/* Each thread keeps the rights of the last few users of a tenant (in the
 * tenant's cache slot) with the tenant's settings.perm_version they were
 * read at; a trigger moves that version on every change of groups, members
 * or grants (sql/tenant/0005), and the session's lookup reads it with the
 * session, so rights kept are used only while nothing changed. */
#define PERM_CACHED_USERS 8

typedef struct perm_entry {
    long long user_id, version;
    int n;
    char **perm, **scope;       /* malloc'd copies */
    unsigned long long used;
} perm_entry;

typedef struct perm_cache {
    perm_entry e[PERM_CACHED_USERS];
    unsigned long long tick;
} perm_cache;

static void entry_clear(perm_entry *e)
{
    for (int i = 0; i < e->n; i++) {
        free(e->perm[i]);
        free(e->scope[i]);
    }
    free(e->perm);
    free(e->scope);
    memset(e, 0, sizeof *e);
}

static void cache_free(void *p)
{
    perm_cache *c = p;
    for (int i = 0; i < PERM_CACHED_USERS; i++)
        entry_clear(&c->e[i]);
    free(c);
}

static bool from_cache(op_ctx *op, auth_user *u)
{
    perm_cache *c = op->tenant->memo ? op->tenant->memo->perms : NULL;
    for (int i = 0; c && u->perm_version > 0 && i < PERM_CACHED_USERS; i++) {
        perm_entry *e = &c->e[i];
        if (e->perm && e->user_id == u->id && e->version == u->perm_version) {
            u->nperm = e->n;
            u->perm = arena_calloc(op->a, (size_t)e->n + 1, sizeof *u->perm);
            u->scope = arena_calloc(op->a, (size_t)e->n + 1, sizeof *u->scope);
            for (int k = 0; k < e->n; k++) {
                u->perm[k] = arena_strdup(op->a, e->perm[k]);
                u->scope[k] = arena_strdup(op->a, e->scope[k]);
            }
            e->used = ++c->tick;
            return true;
        }
    }
    return false;
}

static void to_cache(op_ctx *op, const auth_user *u)
{
    tenant_memo *m = op->tenant->memo;
    if (!m || u->perm_version <= 0)
        return;
    if (!m->perms) {
        m->perms = calloc(1, sizeof(perm_cache));
        m->perms_free = cache_free;
        if (!m->perms)
            return;
    }
    perm_cache *c = m->perms;
    perm_entry *e = &c->e[0];
    for (int i = 0; i < PERM_CACHED_USERS; i++) {
        if (c->e[i].user_id == u->id || !c->e[i].perm) {
            e = &c->e[i];
            break;
        }
        if (c->e[i].used < e->used)
            e = &c->e[i];
    }
    entry_clear(e);
    e->perm = calloc((size_t)u->nperm + 1, sizeof *e->perm);
    e->scope = calloc((size_t)u->nperm + 1, sizeof *e->scope);
    if (!e->perm || !e->scope) {
        entry_clear(e);
        return;
    }
    for (int k = 0; k < u->nperm; k++) {
        e->perm[k] = strdup(u->perm[k]);
        e->scope[k] = strdup(u->scope[k] ? u->scope[k] : "");
        if (!e->perm[k] || !e->scope[k]) {
            e->n = k + 1;
            entry_clear(e);
            return;
        }
        e->n = k + 1;
    }
    e->user_id = u->id;
    e->version = u->perm_version;
    e->used = ++c->tick;
}

static bool load(op_ctx *op)
{
    auth_user *u = op->user;
    if (u->perms_loaded)
        return true;
    if (from_cache(op, u)) {
        u->perms_loaded = true;
        return true;
    }
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
    to_cache(op, u);
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

db_status perm_changed(op_ctx *op)
{
    unsigned char r[8];
    unsigned long long v = 0;
    if (!crypto_random(r, sizeof r))
        return DB_ERR;
    for (int i = 0; i < 8; i++)
        v = v << 8 | r[i];
    v = (v >> 2) + 2;   /* positive, never 0 or 1 */
    return db_query(op->tenant->db, op->a,
                    "INSERT INTO settings (name, value) VALUES ('perm_version', ?) ON DUPLICATE KEY UPDATE value = VALUES(value)",
                    DB_ARGS(DB_STR(arena_printf(op->a, "%llu", v))), NULL, NULL);
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
