#include "tenant/provision.h"
#include "db/migrate.h"
#include "tenant/code.h"

#include <stdio.h>
#include <string.h>

const char *const provision_append_only[] = {"access_log", NULL};

static bool append_only(const char *table)
{
    for (const char *const *t = provision_append_only; *t; t++)
        if (!strcmp(*t, table))
            return true;
    return false;
}

bool provision_grants(db_conn *admin, arena *a, const char *code, const char *host, char *err, size_t errlen)
{
    char db[64], user[64];
    tenant_db_name(code, db, sizeof db);
    tenant_db_user(code, user, sizeof user);
    if (!db_ident_ok(db) || strpbrk(host, "'\\`"))
        return snprintf(err, errlen, "unsafe database name or host"), false;
    db_rows rows;
    if (db_query(admin, a, "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
                 DB_ARGS(DB_STR(db)), &rows, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot list tables of %s: %s", db, db_error(admin));
        return false;
    }
    for (size_t i = 0; i < rows.nrows; i++) {
        const char *t = db_cell(&rows, i, 0);
        if (!t || !db_ident_ok(t))
            continue;
        char *sql = arena_printf(a, "GRANT %s ON `%s`.`%s` TO '%s'@'%s'",
                                 append_only(t) ? "SELECT, INSERT" : "SELECT, INSERT, UPDATE, DELETE", db, t, user,
                                 host);
        if (db_exec_script(admin, sql) != DB_OK) {
            snprintf(err, errlen, "cannot grant on %s.%s: %s", db, t, db_error(admin));
            return false;
        }
    }
    return true;
}

bool provision_migrate(db_conn *admin, arena *a, const char *code, const char *host, int *from, int *to, char *err,
                       size_t errlen)
{
    char db[64];
    tenant_db_name(code, db, sizeof db);
    if (!db_ident_ok(db))
        return snprintf(err, errlen, "unsafe database name"), false;
    if (db_use(admin, db) != DB_OK) {
        snprintf(err, errlen, "cannot use database %s: %s", db, db_error(admin));
        return false;
    }
    if (!migrate_apply(admin, a, MIGRATE_TENANT, from, to, err, errlen))
        return false;
    return provision_grants(admin, a, code, host, err, errlen);
}
