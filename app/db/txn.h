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

#endif
