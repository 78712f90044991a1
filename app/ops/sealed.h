/* sealed.h - every column that holds values sealed with a tenant's data key.
 *
 * A sealed value's associated data binds the tenant code, a purpose and an
 * object id (keys.h: "genba/data|<tenant>|<purpose>|<object id>"); the
 * object id is the row's primary key values joined by '/'.  Restoring a
 * tenant under another code (restore --as) gives the copy a data key of its
 * own and re-seals every value listed here, and the export decrypts them.
 * A new sealed column must be added to this list.  Single-threaded.
 */
#ifndef GENBA_SEALED_H
#define GENBA_SEALED_H

#include <stdbool.h>
#include <stddef.h>
#include "ops/ops.h"

typedef struct sealed_column {
    const char *table, *column, *purpose;
    const char *pk[4];      /* primary key columns (object id = values joined by '/'), NULL-terminated */
} sealed_column;

extern const sealed_column sealed_columns[];

/* Re-seal every value of every sealed column in database db, from tenant
 * from (its key) to tenant to (its key).  *count gets how many.  Tables or
 * columns the database does not have (an older schema) are skipped. */
bool sealed_reseal(const ops_env *e, db_conn *admin, const char *db, const char *from, const unsigned char *from_key,
                   const char *to, const unsigned char *to_key, unsigned *count, char *err, size_t errlen);

#endif
