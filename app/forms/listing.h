/* listing.h - the definitions a tablet user may use (GET /definitions):
 * published ones (and test ones for testers) inside their availability
 * window, that the user holds def.view for, newest change first, with
 * keyset paging that stays stable while definitions change.  Request
 * thread only. */
#ifndef GENBA_LISTING_H
#define GENBA_LISTING_H

#include <json-c/json.h>
#include "tenant/op.h"
#include "util/errs.h"

typedef struct def_listing_query {
    const char *updated_since;   /* SQL DATETIME text or NULL */
    long long label;             /* 0 = any */
    const char *cursor;          /* from a previous page, or NULL */
    int limit;                   /* 1..200 */
} def_listing_query;

/* {"definitions": [...], "next_cursor": "…"|null}; OP_INVALID for a bad cursor. */
json_object *deflisting_page(op_ctx *op, const def_listing_query *q, op_result *res);

#endif
