/* genbactl migrate [--tenant CODE]: control DB first, then each tenant. */
#include "ctl/ctl.h"
#include "db/migrate.h"
#include "tenant/code.h"
#include "tenant/provision.h"

#include <stdio.h>
#include <string.h>

/* Whether tenant code's database has migrations to apply (false when it
 * cannot tell: migrate_apply then says why).  Leaves db on that database. */
static bool pending(ctl *c, db_conn *db, const char *code)
{
    char name[64];
    tenant_db_name(code, name, sizeof name);
    int version = 0;
    return db_ident_ok(name) && db_use(db, name) == DB_OK &&
           migrate_current(db, c->a, MIGRATE_TENANT, &version) == DB_OK && version < migrate_known_version(MIGRATE_TENANT);
}

int cmd_migrate(ctl *c, int argc, char **argv)
{
    bool bad = false;
    const char *only = ctl_opt(argc, argv, "--tenant", &bad);
    if (bad)
        return ctl_usage("usage: genbactl migrate [--tenant CODE]");
    char err[512];
    int from, to, failed = 0;
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    if (!migrate_apply(db, c->a, MIGRATE_CONTROL, &from, &to, err, sizeof err)) {
        ctl_fail(c, "control database: %s", err);
        db_close(&db);
        ctl_audit(c, NULL, false, err);
        return 1;
    }
    printf("control: %s (schema %d)\n", from == to ? "up to date" : "migrated", to);
    db_rows r;
    if (db_query(db, c->a,
                 "SELECT code FROM tenants WHERE status IN ('active','suspended') AND (? IS NULL OR code = ?) "
                 "ORDER BY code",
                 DB_ARGS(DB_STR(only), DB_STR(only)), &r, NULL) != DB_OK) {
        ctl_fail(c, "cannot list tenants: %s", db_error(db));
        db_close(&db);
        return 1;
    }
    if (only && r.nrows == 0) {
        db_close(&db);
        return ctl_fail(c, "no tenant %s", only);
    }
    /* each tenant on its own; one failing does not stop the others */
    for (size_t i = 0; i < r.nrows; i++) {
        const char *code = db_cell(&r, i, 0);
        ctl_progress(c, "migrating tenants", (unsigned)i, (unsigned)r.nrows);
        /* with work to do, the tenant is marked as being upgraded first
         * (schema 0): every worker, of this build or of the one still
         * running, answers its requests 503 schema_outdated (Retry-After)
         * until the version is recorded below; after a failure it stays so */
        if (pending(c, db, code) && (db_use(db, c->cfg.control_db) != DB_OK ||
                                     db_query(db, c->a, "UPDATE tenants SET schema_version = 0 WHERE code = ?",
                                              DB_ARGS(DB_STR(code)), NULL, NULL) != DB_OK)) {
            ctl_progress(c, "", 1, 1);
            fprintf(stderr, "genbactl: tenant %s: cannot mark it as being upgraded: %s\n", code, db_error(db));
            failed++;
            continue;
        }
        if (!provision_migrate(db, c->a, code, c->cfg.db_account_host, &from, &to, err, sizeof err)) {
            ctl_progress(c, "", 1, 1);
            fprintf(stderr, "genbactl: tenant %s: %s (its requests are refused until genbactl migrate succeeds)\n",
                    code, err);
            failed++;
            continue;
        }
        if (db_use(db, c->cfg.control_db) != DB_OK ||
            db_query(db, c->a, "UPDATE tenants SET schema_version = ? WHERE code = ?",
                     DB_ARGS(DB_INT(to), DB_STR(code)), NULL, NULL) != DB_OK) {
            fprintf(stderr, "genbactl: tenant %s: cannot record schema version: %s\n", code, db_error(db));
            failed++;
            continue;
        }
        ctl_progress(c, "", 1, 1);
        if (from == to)
            printf("%s: up to date (schema %d)\n", code, to);
        else
            printf("%s: migrated %d -> %d\n", code, from, to);
    }
    ctl_progress(c, "", 1, 1);
    db_close(&db);
    printf("%zu tenant%s checked, %d failed\n", r.nrows, r.nrows == 1 ? "" : "s", failed);
    ctl_audit(c, only, failed == 0, NULL);
    return failed ? 1 : 0;
}
