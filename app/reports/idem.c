#include "reports/idem.h"
#include "auth/session.h"
#include "http/response.h"
#include "tenant/resolve.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

const char *idem_key(request *r)
{
    const char *k = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", r->fcgx->envp);
    if (!k)
        return NULL;
    size_t n = strlen(k);
    if (n < 1 || n > 100)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e)
            return NULL;
    return arena_strdup(r->a, k);
}

void idem_fingerprint(request *r, char out[65])
{
    buf b;
    buf_init(&b, r->a);
    const char *uri = req_env(r, "REQUEST_URI");
    buf_printf(&b, "%lld\n%s\n%s\n", r->user ? r->user->id : 0LL, r->method, uri ? uri : "");
    if (r->body)
        buf_add(&b, r->body, r->body_len);
    unsigned char h[32];
    crypto_sha256(b.data, b.len, h);
    str_hex(h, 32, out);
}

/* Now and then, forget keys older than the tenant's setting. */
static void purge(request *r)
{
    unsigned char x;
    if (!crypto_random(&x, 1) || x > 2)   /* about one write in a hundred */
        return;
    db_query(r->tenant->db, r->a,
             "DELETE FROM idempotency_keys WHERE state = 'done' AND done_at < UTC_TIMESTAMP(3) - INTERVAL "
             "COALESCE((SELECT CAST(value AS UNSIGNED) FROM settings WHERE name = 'reports.idempotency_days'), 60) DAY "
             "LIMIT 500",
             DB_NOARGS, NULL, NULL);
}

idem_state idem_claim(request *r, const char *key, const char *fp, int *status, const char **etag, const char **body)
{
    db_conn *db = r->tenant->db;
    purge(r);
    db_status st = db_begin(db);
    if (st == DB_OK)   /* a short lock wait: a key in flight elsewhere answers 409 rather than waiting long */
        st = db_query(db, r->a,
                      "SET STATEMENT innodb_lock_wait_timeout = 2 FOR INSERT INTO idempotency_keys (k, user_id, "
                      "fingerprint, state, claimed_at) VALUES (?, ?, ?, 'in_flight', UTC_TIMESTAMP(3))",
                      DB_ARGS(DB_STR(key), DB_INT(r->user->id), DB_STR(fp)), NULL, NULL);
    if (st == DB_OK)
        return IDEM_NEW;
    db_rollback(db);
    if (st == DB_GONE)
        return IDEM_GONE;
    if (st == DB_BUSY)
        return IDEM_IN_FLIGHT;
    if (st != DB_DUP)
        return IDEM_ERROR;
    db_rows rows;
    st = db_query(db, r->a, "SELECT fingerprint, state, status, etag, response FROM idempotency_keys WHERE k = ?",
                  DB_ARGS(DB_STR(key)), &rows, NULL);
    if (st != DB_OK)
        return st == DB_GONE ? IDEM_GONE : IDEM_ERROR;
    if (!rows.nrows)   /* the other claim was rolled back meanwhile */
        return IDEM_IN_FLIGHT;
    if (strcmp(db_cell(&rows, 0, 0), fp))
        return IDEM_MISMATCH;
    if (strcmp(db_cell(&rows, 0, 1), "done"))
        return IDEM_IN_FLIGHT;
    *status = atoi(db_cell(&rows, 0, 2));
    *etag = db_cell(&rows, 0, 3);
    *body = db_cell(&rows, 0, 4);
    return IDEM_REPLAY;
}

db_status idem_finish(request *r, const char *key, int status, const char *etag, const char *body)
{
    return db_query(r->tenant->db, r->a,
                    "UPDATE idempotency_keys SET state = 'done', status = ?, etag = ?, response = ?, done_at = "
                    "UTC_TIMESTAMP(3) WHERE k = ?",
                    DB_ARGS(DB_INT(status), DB_STR(etag), DB_STR(body), DB_STR(key)), NULL, NULL);
}

void idem_answer(request *r, idem_state s, int status, const char *etag, const char *body)
{
    switch (s) {
    case IDEM_REPLAY:
        if (etag)
            resp_header(r, "ETag", etag);
        resp_header(r, "Idempotent-Replayed", "true");
        resp_send(r, status, "application/json; charset=utf-8", body ? body : "", body ? strlen(body) : 0);
        break;
    case IDEM_MISMATCH:
        resp_error(r, 422, "idempotency_key_reused",
                   "This Idempotency-Key was used for another request; use a new key for a new request.");
        break;
    case IDEM_IN_FLIGHT:
        resp_header(r, "Retry-After", "1");
        resp_error(r, 409, "idempotency_in_flight", "A request with this Idempotency-Key is still being processed.");
        break;
    case IDEM_GONE:
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        break;
    default:
        resp_error(r, 500, "internal_error", "An internal error occurred.");
        break;
    }
}
