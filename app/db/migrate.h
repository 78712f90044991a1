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
/* The schema version of a database: the highest version v of list (kind
 * k's) such that every migration of list up to v is among the applied
 * versions (0 when the first is not).  A number missing from the list (a
 * migration another branch reserved) is no gap; a migration of the list
 * that was skipped (applied later than one above it) holds the version
 * below it until it is applied.  A version above every one of the list
 * (a newer build's) is the version.  Pure, thread-safe. */
int migrate_version_of(migrate_kind k, const int *applied, size_t napplied);
/* The same over any list (ending with a NULL name), for tests. */
int migrate_version_in(const migration *list, const int *applied, size_t napplied);
/* The version of the connection's current database (migrate_version_of
 * its schema_migrations; 0 when none). */
db_status migrate_current(db_conn *c, arena *a, migrate_kind k, int *version);
/* Apply what is pending in the connection's current database: every
 * migration of the list not recorded in schema_migrations, in order (one
 * with a lower number than some applied one too).  *from and
 * *to receive the versions before and after.  False with a message (which
 * names the failing migration) on failure; migrations already applied stay
 * recorded. */
bool migrate_apply(db_conn *c, arena *a, migrate_kind k, int *from, int *to, char *err, size_t errlen);

#endif
