#include "auth/userscsv.h"
#include "tenant/audit.h"
#include "auth/password.h"
#include "auth/perm.h"
#include "auth/pwpolicy.h"
#include "auth/users.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/charset.h"
#include "util/csv.h"

#include <stdlib.h>
#include <string.h>

static const char *const user_cols[] = {"login", "name", "email", "lang", "valid_from", "valid_until", "enabled", "password"};
static const char *const group_cols[] = {"name", "parent", "description", "permissions"};
static const char *const member_cols[] = {"group", "login"};

op_result userscsv_export(op_ctx *op, const char *kind, buf *out)
{
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st;
    int ncols;
    const char *const *head;
    if (!strcmp(kind, "users")) {
        st = db_query(db, op->a,
                      "SELECT login, name, COALESCE(email, ''), COALESCE(lang, ''), COALESCE(valid_from, ''), "
                      "COALESCE(valid_until, ''), enabled, '' FROM users ORDER BY login",
                      DB_NOARGS, &rows, NULL);
        head = user_cols;
        ncols = 8;
    } else if (!strcmp(kind, "groups")) {
        st = db_query(db, op->a,
                      "SELECT g.name, COALESCE(p.name, ''), COALESCE(g.description, ''), COALESCE((SELECT "
                      "GROUP_CONCAT(IF(gp.scope = '', gp.permission, CONCAT(gp.permission, ':', gp.scope)) "
                      "ORDER BY gp.permission, gp.scope SEPARATOR ' ') FROM group_permissions gp WHERE "
                      "gp.group_id = g.id), '') FROM `groups` g LEFT JOIN `groups` p ON p.id = g.parent_id "
                      "ORDER BY g.parent_id IS NOT NULL, g.id",
                      DB_NOARGS, &rows, NULL);
        head = group_cols;
        ncols = 4;
    } else if (!strcmp(kind, "memberships")) {
        st = db_query(db, op->a,
                      "SELECT g.name, u.login FROM group_members m JOIN `groups` g ON g.id = m.group_id "
                      "JOIN users u ON u.id = m.user_id ORDER BY g.name, u.login",
                      DB_NOARGS, &rows, NULL);
        head = member_cols;
        ncols = 2;
    } else {
        return OP_INVALID;
    }
    if (st != DB_OK)
        return txn_result(st);
    csv_write_bom(out);
    csv_write_row(out, head, ncols);
    const char *f[8];
    for (size_t i = 0; i < rows.nrows; i++) {
        for (int c = 0; c < ncols; c++)
            f[c] = db_cell(&rows, i, (size_t)c) ? db_cell(&rows, i, (size_t)c) : "";
        csv_write_row(out, f, ncols);
    }
    return OP_OK;
}

/* Check the header line against the expected columns. */
static bool header_ok(const csv_row *h, const char *const *cols, int n, errs *e)
{
    bool ok = h->n == n;
    for (int i = 0; ok && i < n; i++)
        ok = !strcasecmp(h->f[i], cols[i]);
    if (!ok)
        errs_add(e, "header", "csv_header");
    return ok;
}

static int parse_bool(const char *s)
{
    if (!*s || !strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"))
        return 1;
    if (!strcmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))
        return 0;
    return -1;
}

static db_status import_user(op_ctx *op, const csv_row *row, errs *e)
{
    db_conn *db = op->tenant->db;
    user_in in;
    user_in_init(&in);
    in.login = row->f[0];
    in.name = row->f[1];
    in.email = row->f[2];
    in.lang = row->f[3];
    in.valid_from = row->f[4];
    in.valid_until = row->f[5];
    in.enabled = parse_bool(row->f[6]);
    const char *pw = row->f[7];
    if (in.enabled < 0)
        errs_add(e, "enabled", "invalid_value");
    db_rows ex;
    db_status st = db_query(db, op->a, "SELECT id FROM users WHERE login = ?", DB_ARGS(DB_STR(in.login)), &ex, NULL);
    if (st != DB_OK)
        return st;
    bool create = ex.nrows == 0;
    in.password = pw;
    int before = e->n;
    users_validate(op, &in, create, e);
    if (!create && *pw) {
        pw_verdict v = pwpolicy_check(pw, in.login);
        if (v != PW_OK)
            errs_add(e, "password", pwpolicy_code(v));
    }
    if (e->n > before)
        return DB_OK;   /* reported; keep checking the other rows */
    char hash[PASSWORD_HASH_MAX] = "";
    if (*pw && !password_hash(pw, hash, sizeof hash))
        return DB_ERR;
    if (create)
        return db_query(db, op->a,
                        "INSERT INTO users (login, name, email, lang, valid_from, valid_until, enabled, password_hash, "
                        "must_change_password, password_changed_at) VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), "
                        "NULLIF(?, ''), NULLIF(?, ''), ?, ?, 1, UTC_TIMESTAMP(3))",
                        DB_ARGS(DB_STR(in.login), DB_STR(in.name), DB_STR(in.email), DB_STR(in.lang),
                                DB_STR(in.valid_from), DB_STR(in.valid_until), DB_INT(in.enabled), DB_STR(hash)),
                        NULL, NULL);
    long long id = atoll(db_cell(&ex, 0, 0));
    st = db_query(db, op->a,
                  "UPDATE users SET name = ?, email = NULLIF(?, ''), lang = NULLIF(?, ''), valid_from = NULLIF(?, ''), "
                  "valid_until = NULLIF(?, ''), enabled = ?, password_hash = IF(? = '', password_hash, ?), "
                  "must_change_password = IF(? = '', must_change_password, 1) WHERE id = ?",
                  DB_ARGS(DB_STR(in.name), DB_STR(in.email), DB_STR(in.lang), DB_STR(in.valid_from),
                          DB_STR(in.valid_until), DB_INT(in.enabled), DB_STR(hash), DB_STR(hash), DB_STR(hash),
                          DB_INT(id)),
                  NULL, NULL);
    if (st == DB_OK && (!in.enabled || *pw))
        st = db_query(db, op->a, "DELETE FROM sessions WHERE user_id = ?", DB_ARGS(DB_INT(id)), NULL, NULL);
    return st;
}

/* The id of group name, or 0. */
static long long group_id(op_ctx *op, const char *name, db_status *st)
{
    db_rows g;
    *st = db_query(op->tenant->db, op->a, "SELECT id FROM `groups` WHERE name = ?", DB_ARGS(DB_STR(name)), &g, NULL);
    return *st == DB_OK && g.nrows ? atoll(db_cell(&g, 0, 0)) : 0;
}

static db_status import_group(op_ctx *op, const csv_row *row, errs *e)
{
    db_conn *db = op->tenant->db;
    const char *name = row->f[0], *parent = row->f[1], *desc = row->f[2];
    db_status st;
    int before = e->n;
    if (!*name)
        errs_add(e, "name", "required");
    else if (strlen(name) > 300)
        errs_add(e, "name", "too_long");
    long long pid = 0;
    if (*parent && !(pid = group_id(op, parent, &st)))
        errs_add(e, "parent", st == DB_OK ? "unknown_group" : "database");
    /* permissions: "a b def.view:12" */
    char *perms = arena_strdup(op->a, row->f[3]), *save = NULL;
    const char *pn[64], *ps[64];
    int np = 0;
    for (char *t = strtok_r(perms, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(t, ':');
        if (colon)
            *colon = '\0';
        if (!perm_known(t) || np == 64)
            errs_add(e, "permissions", "unknown_permission");
        else {
            pn[np] = t;
            ps[np++] = colon ? colon + 1 : "";
        }
    }
    if (e->n > before)
        return DB_OK;
    long long id = group_id(op, name, &st);
    if (st != DB_OK)
        return st;
    if (id) {
        if (pid == id) {
            errs_add(e, "parent", "group_cycle");
            return DB_OK;
        }
        st = db_query(db, op->a, "UPDATE `groups` SET parent_id = NULLIF(?, 0), description = NULLIF(?, '') WHERE id = ?",
                      DB_ARGS(DB_INT(pid), DB_STR(desc), DB_INT(id)), NULL, NULL);
    } else {
        st = db_query(db, op->a, "INSERT INTO `groups` (name, parent_id, description) VALUES (?, NULLIF(?, 0), NULLIF(?, ''))",
                      DB_ARGS(DB_STR(name), DB_INT(pid), DB_STR(desc)), NULL, NULL);
        id = (long long)db_insert_id(db);
    }
    if (st == DB_OK)
        st = db_query(db, op->a, "DELETE FROM group_permissions WHERE group_id = ?", DB_ARGS(DB_INT(id)), NULL, NULL);
    for (int i = 0; st == DB_OK && i < np; i++)
        st = db_query(db, op->a, "INSERT IGNORE INTO group_permissions (group_id, permission, scope) VALUES (?, ?, ?)",
                      DB_ARGS(DB_INT(id), DB_STR(pn[i]), DB_STR(ps[i])), NULL, NULL);
    return st;
}

static db_status import_member(op_ctx *op, const csv_row *row, errs *e)
{
    db_status st;
    long long gid = group_id(op, row->f[0], &st);
    if (st != DB_OK)
        return st;
    if (!gid)
        errs_add(e, "group", "unknown_group");
    db_rows u;
    st = db_query(op->tenant->db, op->a, "SELECT id FROM users WHERE login = ?", DB_ARGS(DB_STR(row->f[1])), &u, NULL);
    if (st != DB_OK)
        return st;
    if (!u.nrows)
        errs_add(e, "login", "unknown_user");
    if (!gid || !u.nrows)
        return DB_OK;
    return db_query(op->tenant->db, op->a, "INSERT IGNORE INTO group_members (group_id, user_id) VALUES (?, ?)",
                    DB_ARGS(DB_INT(gid), DB_STR(db_cell(&u, 0, 0))), NULL, NULL);
}

op_result userscsv_import(op_ctx *op, const char *kind, const char *encoding, const char *data, size_t len, errs *e,
                          int *count)
{
    const char *const *cols;
    int ncols;
    db_status (*apply)(op_ctx *, const csv_row *, errs *);
    *count = 0;
    if (!strcmp(kind, "users"))
        cols = user_cols, ncols = 8, apply = import_user;
    else if (!strcmp(kind, "groups"))
        cols = group_cols, ncols = 4, apply = import_group;
    else if (!strcmp(kind, "memberships"))
        cols = member_cols, ncols = 2, apply = import_member;
    else {
        errs_add(e, "kind", "invalid_value");
        return OP_INVALID;
    }
    char err[200];
    size_t ulen;
    const char *text = charset_to_utf8(op->a, data, len, encoding, &ulen, err, sizeof err);
    if (!text) {
        errs_add(e, "file", "csv_encoding");
        return OP_INVALID;
    }
    csv_table t;
    if (!csv_parse(op->a, text, ulen, &t, err, sizeof err)) {
        errs_add_arg(e, "file", "csv_malformed", arena_strdup(op->a, err));
        return OP_INVALID;
    }
    if (t.nrows == 0) {
        errs_add(e, "file", "csv_empty");
        return OP_INVALID;
    }
    if (!header_ok(&t.rows[0], cols, ncols, e))
        return OP_INVALID;
    db_conn *db = op->tenant->db;
    db_status st = db_begin(db);
    for (int i = 1; st == DB_OK && i < t.nrows; i++) {
        e->line = t.rows[i].line;
        if (t.rows[i].n != ncols) {
            errs_add(e, "row", "csv_columns");
            continue;
        }
        st = apply(op, &t.rows[i], e);
        (*count)++;
    }
    e->line = 0;
    if (st == DB_OK && e->n) {
        db_rollback(db);
        *count = 0;
        return OP_INVALID;
    }
    if (st == DB_OK && strcmp(kind, "users"))   /* groups and memberships are rights */
        st = perm_changed(op);
    if (st == DB_OK)
        st = audit_log(op, NULL, arena_printf(op->a, "%s.import", kind), "csv", NULL, AUDIT_OK,
                       arena_printf(op->a, "%d rows", *count));
    op_result res = txn_finish(db, st, op->req_id, "CSV import");
    if (res != OP_OK)
        *count = 0;
    return res;
}
