/* restore.c - genbactl restore --tenant CODE GENERATION [--as NEWCODE].
 *
 * One tenant is restored without touching the others.  The tenant's file
 * is checked against the manifest (SHA-256), decrypted with the tenant's
 * data key (from the control DB: an erased tenant's backups cannot be
 * read) and loaded into a scratch database, whose tables must match the
 * manifest's row counts and checksums.  Only then:
 *
 *  - in place (the tenant must be suspended, or --force): one RENAME TABLE
 *    statement swaps every table of the tenant's database with the scratch
 *    database's (atomic: requests see the old tables or the new ones), the
 *    old tables are dropped;
 *  - --as NEWCODE: a new tenant (own database, own MariaDB account and
 *    grants, own data key and password; name, plan, quota, contract and
 *    contacts copied) receives the tables, and every sealed value
 *    (sealed.h: seal images, attachments) is re-encrypted from the old
 *    code and key to the new ones, because their associated data binds the
 *    tenant code.  The copy does not depend on the original's key, so
 *    erasing the original later does not affect it.
 *
 * Either way sessions and exclusive locks are cleared (a session ended
 * after the backup must not come back; everyone signs in again), pending
 * migrations are applied (a backup from an older schema) and grants are
 * renewed.
 */
#include "ops/backup.h"
#include "db/migrate.h"
#include "ops/bkfile.h"
#include "ops/dbproc.h"
#include "ops/manifest.h"
#include "ops/sealed.h"
#include "tenant/code.h"
#include "tenant/provision.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "`from`.`t` TO `to`.`t`" for each table, comma-separated, appended to b. */
static void rename_list(buf *b, const char *from, const char *to, const char **tables, size_t n, bool *first)
{
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "%s`%s`.`%s` TO `%s`.`%s`", *first ? "" : ", ", from, tables[i], to, tables[i]);
        *first = false;
    }
}

static void clear_sessions(const ops_env *e, db_conn *admin, const char *db)
{
    static const char *const tables[] = {"sessions", "report_locks", NULL};
    for (const char *const *t = tables; *t; t++) {
        db_rows r;
        if (db_query(admin, e->a,
                     "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                     DB_ARGS(DB_STR(db), DB_STR(*t)), &r, NULL) == DB_OK &&
            r.nrows)
            db_exec_script(admin, arena_printf(e->a, "DELETE FROM `%s`.`%s`", db, *t));
    }
}

/* The new tenant's control row, database and account (status provisioning). */
static bool create_target(const ops_env *e, db_conn *control, db_conn *admin, const char *src, const char *as,
                          const char *gen, unsigned char newkey[CRYPTO_KEY_LEN], long long *tid, char *err,
                          size_t errlen)
{
    char dbname[64], dbuser[64], dbpass[49];
    unsigned char pwraw[24];
    unsigned char dk_w[CRYPTO_KEY_LEN + CRYPTO_SEAL_OVERHEAD], pw_w[48 + CRYPTO_SEAL_OVERHEAD];
    tenant_db_name(as, dbname, sizeof dbname);
    tenant_db_user(as, dbuser, sizeof dbuser);
    if (!crypto_random(newkey, CRYPTO_KEY_LEN) || !crypto_random(pwraw, sizeof pwraw)) {
        snprintf(err, errlen, "the random number generator failed");
        return false;
    }
    str_hex(pwraw, sizeof pwraw, dbpass);
    crypto_wipe(pwraw, sizeof pwraw);
    if (!keys_wrap(e->kr, as, "datakey", newkey, CRYPTO_KEY_LEN, dk_w) ||
        !keys_wrap(e->kr, as, "dbpass", dbpass, 48, pw_w)) {
        snprintf(err, errlen, "could not wrap the new tenant's keys");
        crypto_wipe(dbpass, sizeof dbpass);
        return false;
    }
    db_rows r;
    if (db_query(control, e->a,
                 "SELECT id, LEFT(CONCAT(name, ' (restored from ', ?, ')'), 200), plan, quota_bytes, max_users, "
                 "contract_signed, contract_start, contract_end FROM tenants WHERE code = ?",
                 DB_ARGS(DB_STR(gen), DB_STR(src)), &r, NULL) != DB_OK ||
        r.nrows != 1) {
        snprintf(err, errlen, "cannot read tenant %s: %s", src, db_error(control));
        crypto_wipe(dbpass, sizeof dbpass);
        return false;
    }
    if (db_query(control, e->a,
                 "INSERT INTO tenants (code, name, status, status_reason, plan, quota_bytes, max_users, contract_signed, "
                 "contract_start, contract_end, db_name, db_user, db_password_wrapped, data_key_wrapped) "
                 "VALUES (?, ?, 'provisioning', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DB_STR(as), DB_STR(db_cell(&r, 0, 1)),
                         DB_STR(arena_printf(e->a, "restored from %s generation %s", src, gen)),
                         DB_STR(db_cell(&r, 0, 2)), DB_STR(db_cell(&r, 0, 3)), DB_STR(db_cell(&r, 0, 4)),
                         DB_STR(db_cell(&r, 0, 5)), DB_STR(db_cell(&r, 0, 6)), DB_STR(db_cell(&r, 0, 7)),
                         DB_STR(dbname), DB_STR(dbuser), DB_BLOB(pw_w, sizeof pw_w), DB_BLOB(dk_w, sizeof dk_w)),
                 NULL, NULL) != DB_OK) {
        snprintf(err, errlen, db_errno(control) == 1062 ? "tenant %s already exists" : "cannot register tenant %s: %s",
                 as, db_error(control));
        crypto_wipe(dbpass, sizeof dbpass);
        return false;
    }
    *tid = (long long)db_insert_id(control);
    db_query(control, e->a,
             "INSERT INTO tenant_contacts (tenant_id, email, name, role) "
             "SELECT ?, email, name, role FROM tenant_contacts WHERE tenant_id = ?",
             DB_ARGS(DB_INT(*tid), DB_STR(db_cell(&r, 0, 0))), NULL, NULL);
    char *sql = arena_printf(e->a,
                             "CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
                             "CREATE USER '%s'@'%s' IDENTIFIED BY '%s'",
                             dbname, dbuser, e->cfg->db_account_host, dbpass);
    db_status st = db_exec_script(admin, sql);
    memset(sql, 0, strlen(sql));
    crypto_wipe(dbpass, sizeof dbpass);
    if (st != DB_OK) {
        snprintf(err, errlen, "cannot create the database or account of %s: %s", as, db_error(admin));
        return false;
    }
    return true;
}

static void undo_target(const ops_env *e, db_conn *control, db_conn *admin, const char *as, long long tid)
{
    char dbname[64], dbuser[64];
    tenant_db_name(as, dbname, sizeof dbname);
    tenant_db_user(as, dbuser, sizeof dbuser);
    db_exec_script(admin, arena_printf(e->a, "DROP DATABASE IF EXISTS `%s`; DROP USER IF EXISTS '%s'@'%s'", dbname,
                                       dbuser, e->cfg->db_account_host));
    if (tid > 0) {
        db_query(control, e->a, "DELETE FROM tenant_contacts WHERE tenant_id = ?", DB_ARGS(DB_INT(tid)), NULL, NULL);
        db_query(control, e->a, "DELETE FROM tenants WHERE id = ? AND status = 'provisioning'", DB_ARGS(DB_INT(tid)),
                 NULL, NULL);
    }
}

bool backup_restore(const ops_env *e, const restore_opts *o, restore_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    const char *why;
    if ((why = tenant_code_problem(o->tenant))) {
        snprintf(err, errlen, "tenant code '%s': %s", o->tenant, why);
        return false;
    }
    if (o->as && (why = tenant_code_problem(o->as))) {
        snprintf(err, errlen, "tenant code '%s' refused: %s", o->as, why);
        return false;
    }
    if (o->as && !strcmp(o->as, o->tenant)) {
        snprintf(err, errlen, "--as names the same tenant: leave it out to restore in place");
        return false;
    }
    bk_gen g;
    if (!manifest_get(e, o->gen, &g, err, errlen))
        return false;
    db_conn *admin = NULL, *control = NULL;
    unsigned char dk[CRYPTO_KEY_LEN], newkey[CRYPTO_KEY_LEN];
    char scratch[65] = "", aside[65] = "";
    json_object *sums = NULL;
    long long tid = 0;
    bool ok = false, target_made = false;
    int lock = -1;
    r->code = o->as ? o->as : o->tenant;
    json_object *f = manifest_file(g.m, o->tenant);
    if (!f) {
        snprintf(err, errlen, "generation %s holds no backup of tenant %s", g.id, o->tenant);
        goto out;
    }
    /* the generation must not be pruned meanwhile */
    if ((lock = backup_lock(e, false, err, errlen)) < 0)
        goto out;
    char *path = arena_printf(e->a, "%s/%s", g.path, manifest_str(f, "file"));
    char sha[65];
    if (!ops_sha256_file(path, sha, NULL) || !manifest_str(f, "sha256") || strcmp(sha, manifest_str(f, "sha256"))) {
        snprintf(err, errlen,
                 "%s is missing or does not match its SHA-256 in the manifest (corrupted?): genbactl backup verify "
                 "--tenant %s %s says more; restore from another generation",
                 path, o->tenant, g.id);
        goto out;
    }
    if (!(admin = ops_admin(e, NULL, err, errlen)) || !(control = ops_admin(e, e->cfg->control_db, err, errlen)))
        goto out;
    if (ops_tenant_key(e, control, o->tenant, dk, err, errlen) != OPS_KEY_OK)
        goto out;
    db_rows t;
    if (db_query(control, e->a, "SELECT status, db_name FROM tenants WHERE code = ?", DB_ARGS(DB_STR(o->tenant)), &t,
                 NULL) != DB_OK ||
        t.nrows != 1) {
        snprintf(err, errlen, "cannot read tenant %s: %s", o->tenant, db_error(control));
        goto out;
    }
    if (!o->as && strcmp(db_cell(&t, 0, 0), "suspended") && !o->force) {
        snprintf(err, errlen,
                 "tenant %s is %s: suspend it first (genbactl tenant suspend %s), or pass --force to replace its data "
                 "while it serves; or restore it beside the original with --as NEWCODE",
                 o->tenant, db_cell(&t, 0, 0), o->tenant);
        goto out;
    }
    if (o->as) {
        db_rows x;
        if (db_query(control, e->a, "SELECT status FROM tenants WHERE code = ?", DB_ARGS(DB_STR(o->as)), &x, NULL) !=
                DB_OK ||
            x.nrows) {
            snprintf(err, errlen, "tenant %s already exists%s: choose another code", o->as,
                     x.nrows ? arena_printf(e->a, " (status %s)", db_cell(&x, 0, 0)) : "");
            goto out;
        }
    }

    /* load and check */
    ops_progress(e, "restoring: loading the dump", 0, 3);
    if (!ops_scratch_create(e, admin, "restore", scratch, err, errlen))
        goto out;
    bk_key key = {.kind = BK_TENANT, .owner = o->tenant, .datakey = dk};
    bk_status bst;
    bk_stats st;
    if (!ops_load_file(e, path, &key, g.id, scratch, &bst, &st, err, errlen))
        goto out;
    ops_progress(e, "restoring: checking the tables", 1, 3);
    if (!(sums = ops_table_sums(e, admin, scratch, err, errlen)))
        goto out;
    char diff[400];
    if (!ops_sums_equal(json_object_object_get(f, "tables"), sums, diff, sizeof diff)) {
        snprintf(err, errlen, "the restored tables do not match the manifest (%s); nothing was changed", diff);
        goto out;
    }
    json_object_object_foreach(sums, tname, tv) {
        (void)tname;
        r->tables++;
        r->rows += json_object_get_int64(json_object_object_get(tv, "rows"));
    }
    db_rows v;
    if (db_query(admin, e->a, arena_printf(e->a, "SELECT COALESCE(MAX(version), 0) FROM `%s`.schema_migrations", scratch),
                 DB_NOARGS, &v, NULL) == DB_OK && v.nrows)
        r->schema_from = atoi(db_cell(&v, 0, 0));
    if (r->schema_from > migrate_known_version(MIGRATE_TENANT)) {
        snprintf(err, errlen, "the backup's schema (%d) is newer than this genbactl knows (%d): restore it with the genba "
                 "version that made it; nothing was changed", r->schema_from, migrate_known_version(MIGRATE_TENANT));
        goto out;
    }
    size_t nnew, ncur = 0;
    const char **tnew = ops_tables(e, admin, scratch, &nnew, err, errlen);
    if (!tnew)
        goto out;

    ops_progress(e, "restoring: switching the tables", 2, 3);
    char target[64];
    tenant_db_name(r->code, target, sizeof target);
    if (o->as) {
        if (!create_target(e, control, admin, o->tenant, o->as, g.id, newkey, &tid, err, errlen)) {
            target_made = tid > 0;
            goto out;
        }
        target_made = true;
        r->created = true;
        buf b;
        buf_init(&b, e->a);
        bool first = true;
        buf_adds(&b, "RENAME TABLE ");
        rename_list(&b, scratch, target, tnew, nnew, &first);
        if (nnew && db_exec_script(admin, b.data) != DB_OK) {
            snprintf(err, errlen, "cannot move the restored tables into %s: %s", target, db_error(admin));
            goto out;
        }
        if (!sealed_reseal(e, admin, target, o->tenant, dk, o->as, newkey, &r->resealed, err, errlen))
            goto out;
    } else {
        const char *cur_db = db_cell(&t, 0, 1);
        if (!db_ident_ok(cur_db) || strcmp(cur_db, target)) {
            snprintf(err, errlen, "tenant %s's database is not %s", o->tenant, target);
            goto out;
        }
        const char **tcur = ops_tables(e, admin, target, &ncur, err, errlen);
        if (!tcur || !ops_scratch_create(e, admin, "old", aside, err, errlen))
            goto out;
        /* one statement: every current table aside, every restored one in */
        buf b;
        buf_init(&b, e->a);
        bool first = true;
        buf_adds(&b, "RENAME TABLE ");
        rename_list(&b, target, aside, tcur, ncur, &first);
        rename_list(&b, scratch, target, tnew, nnew, &first);
        if (!first && db_exec_script(admin, b.data) != DB_OK) {
            snprintf(err, errlen, "cannot switch the tables of %s (nothing was changed): %s", target, db_error(admin));
            goto out;
        }
    }
    clear_sessions(e, admin, target);
    int from = 0;
    char merr[512];
    if (!provision_migrate(admin, e->a, r->code, e->cfg->db_account_host, &from, &r->schema_to, merr, sizeof merr)) {
        snprintf(err, errlen, "%s: %s (then run genbactl migrate --tenant %s)",
                 o->as ? "the new tenant was not made" : "the data is restored, but", merr, r->code);
        goto out;
    }
    if (db_query(control, e->a,
                 o->as ? "UPDATE tenants SET status = 'active', schema_version = ? WHERE code = ?"
                       : "UPDATE tenants SET schema_version = ? WHERE code = ?",
                 DB_ARGS(DB_INT(r->schema_to), DB_STR(r->code)), NULL, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot update tenant %s in the control database: %s", r->code, db_error(control));
        goto out;
    }
    ops_progress(e, "", 3, 3);
    ok = true;
out:
    ops_progress(e, "", 1, 1);
    if (!ok && target_made)
        undo_target(e, control, admin, o->as, tid);
    json_object_put(sums);
    if (admin) {
        ops_scratch_drop(e, admin, scratch);
        ops_scratch_drop(e, admin, aside);
    }
    crypto_wipe(dk, sizeof dk);
    crypto_wipe(newkey, sizeof newkey);
    db_close(&control);
    db_close(&admin);
    backup_unlock(lock);
    manifest_gen_free(&g);
    return ok;
}
