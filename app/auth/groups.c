#include "auth/groups.h"
#include "tenant/audit.h"
#include "auth/perm.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "db/rowjson.h"
#include "util/jsonx.h"
#include "util/log.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>


static const char *group_name(op_ctx *op, long long id, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, "SELECT name FROM `groups` WHERE id = ?", DB_ARGS(DB_INT(id)), &rows, NULL);
    *res = st != DB_OK ? txn_result(st) : rows.nrows ? OP_OK : OP_NOT_FOUND;
    return *res == OP_OK ? db_cell(&rows, 0, 0) : NULL;
}

bool groups_exists(op_ctx *op, long long id)
{
    op_result res;
    return group_name(op, id, &res) != NULL;
}

/* Would id below parent make a cycle (parent is id or nested below it)? */
static bool makes_cycle(op_ctx *op, long long id, long long parent)
{
    db_rows rows;
    if (db_query(op->tenant->db, op->a,
                 "WITH RECURSIVE up (id) AS (SELECT ? UNION SELECT g.parent_id FROM `groups` g JOIN up ON g.id = up.id "
                 "WHERE g.parent_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?",
                 DB_ARGS(DB_INT(parent), DB_INT(id)), &rows, NULL) != DB_OK)
        return true;
    return rows.nrows > 0;
}

static bool validate(op_ctx *op, long long id, const group_in *in, bool create, errs *e)
{
    int before = e->n;
    if (in->name || create) {
        size_t n = in->name ? str_utf8_len(in->name) : 0;
        if (n == 0)
            errs_add(e, "name", "required");
        else if (n > 100)
            errs_add(e, "name", "too_long");
    }
    if (in->description && str_utf8_len(in->description) > 500)
        errs_add(e, "description", "too_long");
    if (in->has_parent && in->parent_id) {
        if (!groups_exists(op, in->parent_id))
            errs_add(e, "parent_id", "unknown_group");
        else if (id && makes_cycle(op, id, in->parent_id))
            errs_add(e, "parent_id", "group_cycle");
    }
    for (int i = 0; in->has_perms && i < in->nperms; i++) {
        if (!perm_known(in->perms[i].name))
            errs_add(e, "permissions", "unknown_permission");
    }
    return e->n == before;
}

static bool perm_in(const group_perm *perms, int n, const char *name, const char *scope)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(perms[i].name, name) && !strcmp(perms[i].scope ? perms[i].scope : "", scope))
            return true;
    return false;
}

static void perm_text(buf *b, char sign, const char *name, const char *scope)
{
    buf_printf(b, "%s%c%s%s%s", b->len ? " " : "", sign, name, *scope ? ":" : "", scope);
}

/* Make the group's permissions perms: only the differences are written, and
 * each is named in *changes ("+users.view -def.view:12").  With
 * tenant_wide_only, perms are the tenant-wide ones (the console's page shows
 * only those): per-definition grants are left as they are. */
static db_status write_perms(op_ctx *op, long long id, const group_perm *perms, int n, bool tenant_wide_only,
                             buf *changes)
{
    db_conn *db = op->tenant->db;
    db_rows cur;
    db_status st = db_query(db, op->a,
                            "SELECT permission, scope FROM group_permissions WHERE group_id = ? AND (? = 0 OR scope = '') "
                            "ORDER BY permission, scope FOR UPDATE",
                            DB_ARGS(DB_INT(id), DB_INT(tenant_wide_only)), &cur, NULL);
    group_perm *have = arena_calloc(op->a, cur.nrows + 1, sizeof *have);
    for (size_t i = 0; st == DB_OK && i < cur.nrows; i++) {
        have[i] = (group_perm){db_cell(&cur, i, 0), db_cell(&cur, i, 1)};
        if (perm_in(perms, n, have[i].name, have[i].scope))
            continue;
        st = db_query(db, op->a, "DELETE FROM group_permissions WHERE group_id = ? AND permission = ? AND scope = ?",
                      DB_ARGS(DB_INT(id), DB_STR(have[i].name), DB_STR(have[i].scope)), NULL, NULL);
        perm_text(changes, '-', have[i].name, have[i].scope);
    }
    for (int i = 0; st == DB_OK && i < n; i++) {
        const char *scope = perms[i].scope ? perms[i].scope : "";
        if (perm_in(have, (int)cur.nrows, perms[i].name, scope) || perm_in(perms, i, perms[i].name, scope))
            continue;   /* held already, or listed twice */
        st = db_query(db, op->a, "INSERT INTO group_permissions (group_id, permission, scope) VALUES (?, ?, ?)",
                      DB_ARGS(DB_INT(id), DB_STR(perms[i].name), DB_STR(scope)), NULL, NULL);
        perm_text(changes, '+', perms[i].name, scope);
    }
    return st;
}

op_result groups_create(op_ctx *op, const group_in *in, errs *e, long long *id)
{
    if (!validate(op, 0, in, true, e))
        return OP_INVALID;
    db_conn *db = op->tenant->db;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a, "INSERT INTO `groups` (name, description, parent_id) VALUES (?, NULLIF(?, ''), NULLIF(?, 0))",
                      DB_ARGS(DB_STR(in->name), DB_STR(in->description ? in->description : ""),
                              DB_INT(in->has_parent ? in->parent_id : 0)),
                      NULL, NULL);
    buf changes;
    buf_init(&changes, op->a);
    if (st == DB_OK) {
        *id = (long long)db_insert_id(db);
        if (in->has_perms)
            st = write_perms(op, *id, in->perms, in->nperms, false, &changes);
    }
    if (st == DB_OK)
        st = audit_log(op, NULL, "group.create", "group", in->name, AUDIT_OK,
                       changes.len ? arena_printf(op->a, "permissions: %s", changes.data) : NULL);
    if (st == DB_OK)
        st = perm_changed(op);
    op_result res = txn_finish(op->tenant->db, st, op->req_id, "group change");
    if (res == OP_CONFLICT)
        errs_add(e, "name", "name_taken");
    return res;
}

/* The access log's detail of a group update: renamed, permissions
 * added (+) and removed (-), or that neither changed. */
static const char *group_changes(op_ctx *op, const char *old_name, const group_in *in, const char *perms)
{
    buf b;
    buf_init(&b, op->a);
    if (in->name && strcmp(in->name, old_name))
        buf_printf(&b, "name: %s -> %s", old_name, in->name);
    if (*perms)
        buf_printf(&b, "%spermissions: %s", b.len ? "; " : "", perms);
    return b.len ? b.data : "no changes to name or permissions";
}

op_result groups_update(op_ctx *op, long long id, const group_in *in, errs *e)
{
    op_result res;
    const char *name = group_name(op, id, &res);
    if (!name)
        return res;
    if (!validate(op, id, in, false, e))
        return OP_INVALID;
    db_conn *db = op->tenant->db;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "UPDATE `groups` SET name = COALESCE(?, name), description = IF(? IS NULL, description, "
                      "NULLIF(?, '')), parent_id = IF(?, NULLIF(?, 0), parent_id) WHERE id = ?",
                      DB_ARGS(DB_STR(in->name), DB_STR(in->description), DB_STR(in->description),
                              DB_INT(in->has_parent), DB_INT(in->parent_id), DB_INT(id)),
                      NULL, NULL);
    buf changes;
    buf_init(&changes, op->a);
    if (st == DB_OK && in->has_perms)
        st = write_perms(op, id, in->perms, in->nperms, in->perms_tenant_wide, &changes);
    if (st == DB_OK)
        st = audit_log(op, NULL, "group.update", "group", in->name ? in->name : name, AUDIT_OK,
                       group_changes(op, name, in, changes.data));
    if (st == DB_OK)
        st = perm_changed(op);
    res = txn_finish(op->tenant->db, st, op->req_id, "group change");
    if (res == OP_CONFLICT)
        errs_add(e, "name", "name_taken");
    return res;
}

op_result groups_delete(op_ctx *op, long long id, errs *e)
{
    op_result res;
    const char *name = group_name(op, id, &res);
    if (!name)
        return res;
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a, "SELECT COUNT(*) FROM `groups` WHERE parent_id = ?", DB_ARGS(DB_INT(id)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (strcmp(db_cell(&rows, 0, 0), "0")) {
        errs_add(e, "id", "group_has_children");
        return OP_CONFLICT;
    }
    st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a, "DELETE FROM `groups` WHERE id = ?", DB_ARGS(DB_INT(id)), NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, "group.delete", "group", name, AUDIT_OK, NULL);
    if (st == DB_OK)
        st = perm_changed(op);
    return txn_finish(op->tenant->db, st, op->req_id, "group change");
}

static bool id_in(const long long *ids, int n, long long id)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

op_result groups_set_members(op_ctx *op, long long id, const long long *users, int n, errs *e)
{
    op_result res;
    const char *name = group_name(op, id, &res);
    if (!name)
        return res;
    db_conn *db = op->tenant->db;
    db_rows cur;
    buf changes;
    buf_init(&changes, op->a);
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a,
                      "SELECT m.user_id, u.login FROM group_members m JOIN users u ON u.id = m.user_id "
                      "WHERE m.group_id = ? ORDER BY u.login FOR UPDATE",
                      DB_ARGS(DB_INT(id)), &cur, NULL);
    long long *have = arena_calloc(op->a, (st == DB_OK ? cur.nrows : 0) + 1, sizeof *have);
    for (size_t i = 0; st == DB_OK && i < cur.nrows; i++) {
        have[i] = atoll(db_cell(&cur, i, 0));
        if (id_in(users, n, have[i]))
            continue;
        st = db_query(db, op->a, "DELETE FROM group_members WHERE group_id = ? AND user_id = ?",
                      DB_ARGS(DB_INT(id), DB_INT(have[i])), NULL, NULL);
        buf_printf(&changes, "%s-%s", changes.len ? " " : "", db_cell(&cur, i, 1));
    }
    for (int i = 0; st == DB_OK && i < n; i++) {
        if (id_in(have, (int)cur.nrows, users[i]) || id_in(users, i, users[i]))
            continue;
        db_rows u;
        st = db_query(db, op->a, "SELECT login FROM users WHERE id = ?", DB_ARGS(DB_INT(users[i])), &u, NULL);
        if (st == DB_OK && !u.nrows) {
            errs_add(e, "users", "unknown_user");
            db_rollback(db);
            return OP_INVALID;
        }
        if (st == DB_OK)
            st = db_query(db, op->a, "INSERT INTO group_members (group_id, user_id) VALUES (?, ?)",
                          DB_ARGS(DB_INT(id), DB_INT(users[i])), NULL, NULL);
        buf_printf(&changes, "%s+%s", changes.len ? " " : "", db_cell(&u, 0, 0));
    }
    if (st == DB_OK)
        st = audit_log(op, NULL, "group.members", "group", name, AUDIT_OK,
                       arena_printf(op->a, "members: %s", changes.len ? changes.data : "no changes"));
    if (st == DB_OK)
        st = perm_changed(op);
    return txn_finish(op->tenant->db, st, op->req_id, "group change");
}

op_result groups_set_perms(op_ctx *op, long long id, const group_perm *perms, int n, errs *e)
{
    op_result res;
    const char *name = group_name(op, id, &res);
    if (!name)
        return res;
    group_in in = {.has_perms = true, .perms = (group_perm *)perms, .nperms = n};
    if (!validate(op, id, &in, false, e))
        return OP_INVALID;
    db_conn *db = op->tenant->db;
    buf changes;
    buf_init(&changes, op->a);
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = write_perms(op, id, perms, n, false, &changes);
    if (st == DB_OK)
        st = audit_log(op, NULL, "group.permissions", "group", name, AUDIT_OK,
                       arena_printf(op->a, "permissions: %s", changes.len ? changes.data : "no changes"));
    if (st == DB_OK)
        st = perm_changed(op);
    return txn_finish(op->tenant->db, st, op->req_id, "group change");
}

bool groups_perms_from_json(op_ctx *op, json_object *arr, group_perm **perms, int *n, errs *e)
{
    if (!arr || !json_object_is_type(arr, json_type_array)) {
        errs_add(e, "permissions", "wrong_type");
        return false;
    }
    size_t len = json_object_array_length(arr);
    if (len > 500) {
        errs_add(e, "permissions", "too_many");
        return false;
    }
    *perms = arena_calloc(op->a, len + 1, sizeof **perms);
    *n = 0;
    for (size_t i = 0; i < len; i++) {
        json_object *it = json_object_array_get_idx(arr, i);
        group_perm p = {NULL, ""};
        if (it && json_object_is_type(it, json_type_string)) {
            p.name = json_object_get_string(it);
        } else if (it && json_object_is_type(it, json_type_object)) {
            if (jx_str(it, "name", &p.name) != JX_OK)
                p.name = NULL;
            if (jx_str(it, "scope", &p.scope) == JX_WRONG_TYPE)
                p.name = NULL;
        }
        if (!p.name || (p.scope && strlen(p.scope) > 64)) {
            errs_add(e, "permissions", "wrong_type");
            return false;
        }
        (*perms)[(*n)++] = p;
    }
    return true;
}

#define GROUP_COLS "SELECT id, name, parent_id, description FROM `groups` "

static json_object *fill(op_ctx *op, db_rows *rows, long long only, op_result *res)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < rows->nrows; i++) {
        json_object *o = json_object_new_object();
        jx_add_int(o, "id", atoll(db_cell(rows, i, 0)));
        jx_add_str(o, "name", db_cell(rows, i, 1));
        if (db_cell(rows, i, 2))
            jx_add_int(o, "parent_id", atoll(db_cell(rows, i, 2)));
        else
            jx_add_str(o, "parent_id", NULL);
        jx_add_str(o, "description", db_cell(rows, i, 3));
        json_object_object_add(o, "permissions", json_object_new_array());
        json_object_object_add(o, "members", json_object_new_array());
        json_object_array_add(arr, o);
    }
    db_rows p, m;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT group_id, permission, scope FROM group_permissions WHERE ? = 0 OR group_id = ? "
                            "ORDER BY permission, scope",
                            DB_ARGS(DB_INT(only), DB_INT(only)), &p, NULL);
    if (st == DB_OK)
        st = db_query(op->tenant->db, op->a,
                      "SELECT group_id, user_id FROM group_members WHERE ? = 0 OR group_id = ? ORDER BY user_id",
                      DB_ARGS(DB_INT(only), DB_INT(only)), &m, NULL);
    if (st != DB_OK) {
        json_object_put(arr);
        *res = txn_result(st);
        return NULL;
    }
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *g = json_object_array_get_idx(arr, i);
        long long gid = json_object_get_int64(json_object_object_get(g, "id"));
        for (size_t k = 0; k < p.nrows; k++)
            if (atoll(db_cell(&p, k, 0)) == gid) {
                json_object *po = json_object_new_object();
                jx_add_str(po, "name", db_cell(&p, k, 1));
                jx_add_str(po, "scope", db_cell(&p, k, 2));
                json_object_array_add(json_object_object_get(g, "permissions"), po);
            }
        for (size_t k = 0; k < m.nrows; k++)
            if (atoll(db_cell(&m, k, 0)) == gid)
                json_object_array_add(json_object_object_get(g, "members"),
                                      json_object_new_int64(atoll(db_cell(&m, k, 1))));
    }
    *res = OP_OK;
    return arr;
}

json_object *groups_get(op_ctx *op, long long id, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, GROUP_COLS "WHERE id = ?", DB_ARGS(DB_INT(id)), &rows, NULL);
    *res = st != DB_OK ? txn_result(st) : rows.nrows ? OP_OK : OP_NOT_FOUND;
    if (*res != OP_OK)
        return NULL;
    json_object *arr = fill(op, &rows, id, res);
    if (!arr)
        return NULL;
    json_object *g = json_object_get(json_object_array_get_idx(arr, 0));
    json_object_put(arr);
    return g;
}

json_object *groups_list(op_ctx *op, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, GROUP_COLS "ORDER BY name", DB_NOARGS, &rows, NULL);
    if (st != DB_OK) {
        *res = txn_result(st);
        return NULL;
    }
    return fill(op, &rows, 0, res);
}

op_result groups_set_scoped(op_ctx *op, const char *scope, const long long *groups, const char *const *perms, int n,
                            errs *e)
{
    for (int i = 0; i < n; i++)
        if (strncmp(perms[i], "def.", 4) || !perm_known(perms[i])) {
            errs_add(e, "permissions", "unknown_permission");
            return OP_INVALID;
        }
    db_conn *db = op->tenant->db;
    db_status st = db_begin(db);
    if (st == DB_OK)
        st = db_query(db, op->a, "DELETE FROM group_permissions WHERE scope = ? AND permission LIKE 'def.%'",
                      DB_ARGS(DB_STR(scope)), NULL, NULL);
    for (int i = 0; st == DB_OK && i < n; i++) {
        uint64_t added = 0;
        st = db_query(db, op->a,
                      "INSERT IGNORE INTO group_permissions (group_id, permission, scope) SELECT id, ?, ? FROM `groups` "
                      "WHERE id = ?",
                      DB_ARGS(DB_STR(perms[i]), DB_STR(scope), DB_INT(groups[i])), NULL, &added);
        if (st == DB_OK && !added && !groups_exists(op, groups[i])) {
            db_rollback(db);
            errs_add(e, "groups", "unknown_group");
            return OP_INVALID;
        }
    }
    if (st == DB_OK)
        st = audit_log(op, NULL, "definition.permissions", "definition", scope, AUDIT_OK,
                       arena_printf(op->a, "grants: %d", n));
    if (st == DB_OK)
        st = perm_changed(op);
    return txn_finish(db, st, op->req_id, "definition permissions");
}

json_object *groups_def_rights(op_ctx *op, long long id, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT p.permission, p.scope, d.name FROM group_permissions p "
                            "LEFT JOIN definitions d ON d.id = CAST(p.scope AS UNSIGNED) "
                            "WHERE p.group_id = ? AND p.scope <> '' ORDER BY d.name, p.scope, p.permission",
                            DB_ARGS(DB_INT(id)), &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    static const char *const names[] = {"permission", "definition_id", "definition"};
    return db_rows_json(&rows, names, 3);
}

json_object *groups_scoped(op_ctx *op, const char *scope, op_result *res)
{
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a,
                            "SELECT group_id, permission FROM group_permissions WHERE scope = ? ORDER BY group_id, permission",
                            DB_ARGS(DB_STR(scope)), &rows, NULL);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    static const char *const names[] = {"group_id", "permission"};
    return db_rows_json(&rows, names, 2);
}
