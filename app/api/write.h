/* write.h - the API's idempotent writes (tablet-api.md: every write may be
 * retried).  write_run reads the Idempotency-Key, runs the domain's change
 * with reports/idem.h's claim in the same transaction (db/txn.h's txn_run,
 * which retries lock waits and deadlocks), stores the answer with the key,
 * commits, and answers: the report (with its ETag and Location) or nothing
 * (204); a replay, a reused key (422) or a key in flight (409); a refusal
 * through api_refusal; 422 with a detail per value.  Request thread only.
 */
#ifndef GENBA_API_WRITE_H
#define GENBA_API_WRITE_H

#include "http/request.h"
#include "util/errs.h"

/* One change: the domain function, inside the write's transaction.  On
 * OP_OK *report_id names the report to answer with (ignored for 204); fn
 * may set *json to the report's JSON text when it has it already (else it
 * is read back). */
typedef op_result (*write_fn)(op_ctx *op, void *ctx, errs *e, refusal *why, const char **report_id,
                              const char **json);

/* Answer 400 idempotency_key_required unless the request has a key. */
bool write_need_key(request *r);
/* The If-Match revision, or false after answering 428 / 412. */
bool write_if_match(request *r, int *rev);
/* Run fn idempotently and answer ok_status with the report (204: empty). */
void write_run(request *r, write_fn fn, void *ctx, int ok_status);

#endif
