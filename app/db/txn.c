#include "db/txn.h"
#include "util/log.h"

op_result txn_result(db_status st)
{
    return st == DB_GONE ? OP_GONE : st == DB_DUP ? OP_CONFLICT : st == DB_OK ? OP_OK : st == DB_BUSY ? OP_BUSY : OP_ERROR;
}

op_result txn_finish(db_conn *db, db_status st, const char *req_id, const char *what)
{
    if (st == DB_OK)
        st = db_commit(db);
    if (st != DB_OK) {
        if (st != DB_GONE && st != DB_DUP && st != DB_BUSY)
            log_error("req id=%s: %s: %s", req_id, what, db_error(db));
        db_rollback(db);
    }
    return txn_result(st);
}
