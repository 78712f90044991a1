/* accesslog.h - reading the customer's access log (written by audit.h):
 * filters, keyset paging that stays correct while rows arrive (newest
 * first, "before" = the smallest id of the previous page), and the rows
 * as JSON or CSV.  Request thread only.
 */
#ifndef GENBA_ACCESSLOG_H
#define GENBA_ACCESSLOG_H

#include <json-c/json.h>
#include "tenant/op.h"
#include "util/buf.h"
#include "util/errs.h"

typedef struct accesslog_filter {
    const char *from, *to;       /* UTC DATETIME text (parsed from a local day, a local time or a
                                    time with Z); NULL = open */
    const char *login, *action, *result;
    long long before;            /* 0 = from the newest */
    int limit;                   /* 1..1000 */
} accesslog_filter;

/* A named parameter of the caller's (a query string's): its value, or NULL. */
typedef const char *(*accesslog_param)(void *ctx, const char *name);
/* Read the filter from the parameters from, to, user, action, result,
 * before and limit (problems into e). */
bool accesslog_filter_parse(op_ctx *op, accesslog_param get, void *ctx, accesslog_filter *f, int default_limit,
                            errs *e);
/* One page as JSON: {"entries": [...], "next_before": id|null}. */
json_object *accesslog_page(op_ctx *op, const accesslog_filter *f, op_result *res);
/* Every matching row as CSV (UTF-8 with BOM) into out, at most max rows. */
op_result accesslog_csv(op_ctx *op, const accesslog_filter *f, long max, buf *out);

#endif
