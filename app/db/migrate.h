/* migrate.h - schema migrations for the control DB and each tenant DB.
 *
 * The SQL files under sql/control and sql/tenant are compiled into the
 * programs (migrations-data.c), so a binary knows exactly which schema
 * versions it can serve.  migrate_apply runs on an administrator connection
 * opened with multi_statements; it is safe to run twice and serialises
 * concurrent runs on the same database with GET_LOCK.
 */
#ifndef GENBA_MIGRATE_H
#define GENBA_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include "db/db.h"

typedef enum migrate_kind { MIGRATE_CONTROL, MIGRATE_TENANT } migrate_kind;

typedef struct migration {
    int version;
    const char *name;
    const char *sql;
} migration;

extern const migration migrations_control[];
extern const migration migrations_tenant[];

/* Highest version this build knows.  Pure, thread-safe. */
int migrate_known_version(migrate_kind k);
/* Version recorded in the connection's current database (0 when none). */
db_status migrate_current(db_conn *c, arena *a, int *version);
/* Apply what is pending in the connection's current database.  *from and
 * *to receive the versions before and after.  False with a message (which
 * names the failing migration) on failure; migrations already applied stay
 * recorded. */
bool migrate_apply(db_conn *c, arena *a, migrate_kind k, int *from, int *to, char *err, size_t errlen);

#endif
