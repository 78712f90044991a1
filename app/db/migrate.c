#include "db/migrate.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
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

int migrate_version_of(migrate_kind k, const int *applied, size_t napplied)
{
    return migrate_version_in(list(k), applied, napplied);
}

int migrate_version_in(const migration *l, const int *applied, size_t napplied)
{
    /* a version above every one this build knows: a newer build migrated
     * it, and that is what it is */
    int known = 0, newest = 0;
    for (const migration *m = l; m->name; m++)
        known = m->version > known ? m->version : known;
    for (size_t i = 0; i < napplied; i++)
        newest = applied[i] > newest ? applied[i] : newest;
    if (newest > known)
        return newest;
    int v = 0;
    for (const migration *m = l; m->name; m++) {
        bool have = false;
        for (size_t i = 0; i < napplied && !have; i++)
            have = applied[i] == m->version;
        if (!have)
            break;
        v = m->version;
    }
    return v;
}

/* The versions recorded in schema_migrations (none when it does not exist). */
static db_status applied_versions(db_conn *c, arena *a, int **out, size_t *n)
{
    db_rows rows;
    *out = NULL;
    *n = 0;
    db_status st = db_query(c, a,
                            "SELECT COUNT(*) FROM information_schema.tables "
                            "WHERE table_schema = DATABASE() AND table_name = 'schema_migrations'",
                            DB_NOARGS, &rows, NULL);
    if (st != DB_OK)
        return st;
    if (!db_cell(&rows, 0, 0) || !strcmp(db_cell(&rows, 0, 0), "0"))
        return DB_OK;
    st = db_query(c, a, "SELECT version FROM schema_migrations ORDER BY version", DB_NOARGS, &rows, NULL);
    if (st != DB_OK)
        return st;
    int *v = arena_alloc(a, (rows.nrows + 1) * sizeof *v);
    for (size_t i = 0; i < rows.nrows; i++)
        v[i] = db_cell(&rows, i, 0) ? atoi(db_cell(&rows, i, 0)) : 0;
    *out = v;
    *n = rows.nrows;
    return DB_OK;
}

db_status migrate_current(db_conn *c, arena *a, migrate_kind k, int *version)
{
    int *v;
    size_t n;
    *version = 0;
    db_status st = applied_versions(c, a, &v, &n);
    if (st == DB_OK)
        *version = migrate_version_of(k, v, n);
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
    int *have;
    size_t nhave;
    if (applied_versions(c, a, &have, &nhave) != DB_OK) {
        snprintf(err, errlen, "cannot read schema_migrations: %s", db_error(c));
        goto done;
    }
    *from = migrate_version_of(k, have, nhave);
    *to = *from;
    for (const migration *m = list(k); m->name; m++) {
        unsigned char h[32];
        char hex[65];
        crypto_sha256(m->sql, strlen(m->sql), h);
        str_hex(h, 32, hex);
        bool applied = false;
        for (size_t i = 0; i < nhave && !applied; i++)
            applied = have[i] == m->version;
        if (applied)
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
    }
    if (applied_versions(c, a, &have, &nhave) != DB_OK) {
        snprintf(err, errlen, "cannot read schema_migrations: %s", db_error(c));
        goto done;
    }
    *to = migrate_version_of(k, have, nhave);
    ok = true;
done:
    db_query(c, a, "SELECT RELEASE_LOCK(CONCAT('genba_migrate_', DATABASE()))", DB_NOARGS, &rows, NULL);
    return ok;
}
