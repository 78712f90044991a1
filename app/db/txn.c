#include "db/txn.h"
#include "util/crypto.h"
#include "util/log.h"

#include <time.h>

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

/* A pause before attempt n+1: 5 ms growing by 20 ms an attempt, plus up to
 * 20 ms of chance, so transactions that deadlocked do not meet again. */
static void backoff(int attempt)
{
    unsigned char j = 0;
    crypto_random(&j, 1);
    struct timespec ts = {0, (long)(5 + attempt * 20 + j % 20) * 1000000L};
    nanosleep(&ts, NULL);
}

op_result txn_run(db_conn *db, const char *req_id, const char *what, op_result (*fn)(void *ctx), void *ctx)
{
    op_result res = OP_BUSY;
    for (int attempt = 0; attempt < TXN_ATTEMPTS; attempt++) {
        if (attempt)
            backoff(attempt);
        db_status st = db_begin(db);
        res = st == DB_OK ? fn(ctx) : txn_result(st);
        if (res == OP_OK) {
            st = db_commit(db);
            if (st == DB_OK)
                return OP_OK;
            res = txn_result(st);
            if (st != DB_GONE && st != DB_BUSY && st != DB_DUP)
                log_error("req id=%s: %s: commit failed: %s", req_id, what, db_error(db));
        }
        db_rollback(db);
        if (res != OP_BUSY)
            return res;
    }
    log_warn("req id=%s: %s: still meeting lock waits or deadlocks after %d attempts", req_id, what, TXN_ATTEMPTS);
    return res;
}
