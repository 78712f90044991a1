#include "db/migrate.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static const migration *list(migrate_kind k)
{
    return k == MIGRATE_CONTROL ? migrations_control : migrations_tenant;
}

int migrate_known_version(migrate_kind k)
{
    int v = 0;
    for (const migration *m = list(k); m->name; m++)
        if (m->version > v)
            v = m->version;
    return v;
}

static const char *const create_table =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT NOT NULL PRIMARY KEY,"
    " name VARCHAR(200) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

db_status migrate_current(db_conn *c, arena *a, int *version)
{
    db_rows rows;
    *version = 0;
    db_status st = db_query(c, a,
                            "SELECT COUNT(*) FROM information_schema.tables "
                            "WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'",
                            DB_NOARGS, &rows, NULL);
    if (st != DB_OK)
        return st;
    if (!db_cell(&rows, 0, 0) || !strcmp(db_cell(&rows, 0, 0), "0"))
        return DB_OK;
    st = db_query(c, a, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", DB_NOARGS, &rows, NULL);
    if (st == DB_OK && db_cell(&rows, 0, 0))
        sscanf(db_cell(&rows, 0, 0), "%d", version);
    return st;
}

bool migrate_apply(db_conn *c, arena *a, migrate_kind k, int *from, int *to, char *err, size_t errlen)
{
    db_rows rows;
    bool ok = false;
    *from = *to = 0;
    if (db_query(c, a, "SELECT GET_LOCK(CONCAT('genba_migrate_', DATABASE()), 60)", DB_NOARGS, &rows, NULL) != DB_OK ||
        !db_cell(&rows, 0, 0) || strcmp(db_cell(&rows, 0, 0), "1") != 0) {
        snprintf(err, errlen, "another migration of this database is running (lock not granted): %s", db_error(c));
        return false;
    }
    if (db_exec_script(c, create_table) != DB_OK) {
        snprintf(err, errlen, "cannot create schema_migrations: %s", db_error(c));
        goto done;
    }
    if (migrate_current(c, a, from) != DB_OK) {
        snprintf(err, errlen, "cannot read schema_migrations: %s", db_error(c));
        goto done;
    }
    *to = *from;
    for (const migration *m = list(k); m->name; m++) {
        unsigned char h[32];
        char hex[65];
        crypto_sha256(m->sql, strlen(m->sql), h);
        str_hex(h, 32, hex);
        if (m->version <= *from)
            continue;
        if (db_exec_script(c, m->sql) != DB_OK) {
            snprintf(err, errlen, "migration %s failed: %s", m->name, db_error(c));
            goto done;
        }
        if (db_query(c, a, "INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
                     DB_ARGS(DB_INT(m->version), DB_STR(m->name), DB_STR(hex)), NULL, NULL) != DB_OK) {
            snprintf(err, errlen, "cannot record migration %s: %s", m->name, db_error(c));
            goto done;
        }
        *to = m->version;
    }
    ok = true;
done:
    db_query(c, a, "SELECT RELEASE_LOCK(CONCAT('genba_migrate_', DATABASE()))", DB_NOARGS, &rows, NULL);
    return ok;
}
