/* provision.h - a tenant's database, account and grants (genbactl only).
 *
 * Grants are per table: SELECT, INSERT, UPDATE, DELETE on ordinary tables,
 * SELECT and INSERT only on the append-only tables (the access log), and
 * nothing at database level, so the tenant's account can neither change its
 * schema nor reach another database.  Single-threaded.
 */
#ifndef GENBA_PROVISION_H
#define GENBA_PROVISION_H

#include <stdbool.h>
#include <stddef.h>
#include "db/db.h"

/* Tables whose rows the application may add but never change. */
extern const char *const provision_append_only[];

/* Grant the tenant account its privileges on every table of its database
 * (idempotent; run after each migration). */
bool provision_grants(db_conn *admin, arena *a, const char *code, const char *host, char *err, size_t errlen);
/* Switch the admin connection to the tenant's database, apply pending tenant
 * migrations and grants. */
bool provision_migrate(db_conn *admin, arena *a, const char *code, const char *host, int *from, int *to, char *err,
                       size_t errlen);

#endif
