/* txn.h - ending a change's transaction and mapping database outcomes to
 * op_result (util/errs.h).  Thread-safe (uses only its arguments). */
#ifndef GENBA_TXN_H
#define GENBA_TXN_H

#include "db/db.h"
#include "util/errs.h"

/* DB_OK → OP_OK, DB_GONE → OP_GONE, DB_DUP → OP_CONFLICT, else OP_ERROR. */
op_result txn_result(db_status st);
/* Commit when st is DB_OK, else roll back; an unexpected failure is logged
 * with the request id and what was being changed. */
op_result txn_finish(db_conn *db, db_status st, const char *req_id, const char *what);

/* At most this many attempts of one transaction (txn_run). */
#define TXN_ATTEMPTS 6

/* Run fn(ctx) in a transaction of its own: begin, fn, commit.  fn returns
 * OP_OK to commit; anything else rolls back.  A lock wait timeout or a
 * deadlock (OP_BUSY, from fn or from the commit) rolls back and runs the
 * whole transaction again after a short random pause, up to TXN_ATTEMPTS
 * times, so fn must start from scratch each time (what it reports through
 * ctx is that of its last run).  The one place that retries transactions.
 * Unexpected failures are logged with req_id and what. */
op_result txn_run(db_conn *db, const char *req_id, const char *what, op_result (*fn)(void *ctx), void *ctx);

#endif
