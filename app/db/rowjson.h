/* rowjson.h - query rows as JSON, for answers that list what a query read.
 * Pure; the JSON belongs to the caller. */
#ifndef GENBA_ROWJSON_H
#define GENBA_ROWJSON_H

#include <json-c/json.h>
#include "db/db.h"

/* Rows as an array of objects; column i is named names[i]; values are
 * strings (null for SQL NULL). */
json_object *db_rows_json(const db_rows *rows, const char *const *names, size_t ncols);

#endif
