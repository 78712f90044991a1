/* number.h - auto-numbering of reports (settings/autoNumber): prefix, a
 * date part (yyyy, yy, MM, dd of today in the tenant's time zone) and a zero-padded sequence
 * per definition and date part.  The counter row is locked and moved in
 * the report's own transaction, so numbers are unique and gap-free: a
 * rolled-back save gives its number back.  Request thread only. */
#ifndef GENBA_NUMBER_H
#define GENBA_NUMBER_H

#include "db/db.h"
#include "forms/model.h"
#include "tenant/op.h"

/* The next number for a report of definition def_id (d: its model). */
db_status number_next(op_ctx *op, long long def_id, const definition *d, const char **out);
/* The date part of pattern for the date y-m-d ("yyyyMMdd" → "20261126"). */
const char *number_date_part(op_ctx *op, const char *pattern, int y, int m, int d);

#endif
