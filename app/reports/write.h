/* write.h - running an idempotent report write for the API: claim the
 * Idempotency-Key, do the write in the same transaction, read the report
 * back, store the answer with the key, commit, answer; retry a transaction
 * that lost a lock wait or a deadlock; turn refusals into the API's
 * answers (422 with a detail per cluster, 409, 412 with the current
 * report, 404, 403).  Request thread only. */
#ifndef GENBA_REPORT_WRITE_H
#define GENBA_REPORT_WRITE_H

#include "http/request.h"
#include "reports/report.h"

typedef op_result (*write_fn)(request *r, void *ctx, errs *e, report_refusal *why, const char **report_id);

/* Run fn and answer ok_status with the report (and its ETag). */
void write_run(request *r, write_fn fn, void *ctx, int ok_status);
/* The If-Match revision ("3" or "\"3\""); false after answering 428/412. */
bool write_if_match(request *r, int *rev);
/* Per-cluster details for 422: [{"sheet", "cluster", "code", "message"}]. */
json_object *write_details(request *r, const errs *e);

#endif
