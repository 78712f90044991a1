#include "reports/idem.h"
#include "tenant/user.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

bool idem_key_ok(const char *k)
{
    size_t n = k ? strlen(k) : 0;
    if (n < 1 || n > 100)
        return false;
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e)
            return false;
    return true;
}

void idem_fingerprint(arena *a, long long user_id, const char *method, const char *path, const void *body, size_t len,
                      char out[65])
{
    buf b;
    buf_init(&b, a);
    buf_printf(&b, "%lld\n%s\n%s\n", user_id, method, path);
    if (body)
        buf_add(&b, body, len);
    unsigned char h[32];
    crypto_sha256(b.data, b.len, h);
    str_hex(h, 32, out);
}

/* Stored answers are zlib-compressed (a 250-value report's JSON shrinks to
 * a fifth); a stored answer that does not start with zlib's header byte
 * (0x78; JSON starts with '{') is plain text, as schema 4 kept them. */
static const unsigned char *pack(arena *a, const char *body, size_t *n)
{
    size_t len = strlen(body);
    uLongf out = compressBound((uLong)len);
    unsigned char *z = arena_alloc(a, out);
    if (len < 256 || compress2(z, &out, (const Bytef *)body, (uLong)len, 1) != Z_OK) {
        *n = len;   /* small, or not compressible here: as it is */
        return (const unsigned char *)body;
    }
    *n = out;
    return z;
}

static const char *unpack(arena *a, const char *stored, size_t n)
{
    if (!stored || !n || (unsigned char)stored[0] != 0x78)
        return stored ? stored : "";
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK)
        return NULL;
    buf b;
    buf_init(&b, a);
    unsigned char chunk[16384];
    zs.next_in = (Bytef *)stored;
    zs.avail_in = (uInt)n;
    int rc;
    do {
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END)
            break;
        buf_add(&b, chunk, sizeof chunk - zs.avail_out);
    } while (rc != Z_STREAM_END && b.len < (16u << 20));
    inflateEnd(&zs);
    return rc == Z_STREAM_END ? b.data : NULL;
}

/* Now and then, forget keys older than the tenant's setting. */
static void purge(op_ctx *op)
{
    unsigned char x;
    if (!crypto_random(&x, 1) || x > 2)   /* about one write in a hundred */
        return;
    db_query(op->tenant->db, op->a,
             "DELETE FROM idempotency_keys WHERE state = 'done' AND done_at < UTC_TIMESTAMP(3) - INTERVAL "
             "COALESCE((SELECT CAST(value AS UNSIGNED) FROM settings WHERE name = 'reports.idempotency_days'), 60) DAY "
             "LIMIT 500",
             DB_NOARGS, NULL, NULL);
}

idem_state idem_claim(op_ctx *op, const char *key, const char *fp, int *status, const char **etag, const char **body)
{
    db_conn *db = op->tenant->db;
    purge(op);
    /* a short lock wait: a key in flight elsewhere is reported rather than waited for long */
    db_status st = db_query(db, op->a,
                            "SET STATEMENT innodb_lock_wait_timeout = 2 FOR INSERT INTO idempotency_keys (k, user_id, "
                            "fingerprint, state, claimed_at) VALUES (?, ?, ?, 'in_flight', UTC_TIMESTAMP(3))",
                            DB_ARGS(DB_STR(key), DB_INT(op->user->id), DB_STR(fp)), NULL, NULL);
    if (st == DB_OK)
        return IDEM_NEW;
    if (st == DB_GONE)
        return IDEM_GONE;
    if (st == DB_BUSY)
        return IDEM_IN_FLIGHT;
    if (st != DB_DUP)
        return IDEM_ERROR;
    db_rows rows;
    st = db_query(db, op->a, "SELECT fingerprint, state, status, etag, response FROM idempotency_keys WHERE k = ?",
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
    *body = unpack(op->a, db_cell(&rows, 0, 4), rows.len[4]);
    return *body ? IDEM_REPLAY : IDEM_ERROR;
}

db_status idem_finish(op_ctx *op, const char *key, int status, const char *etag, const char *body)
{
    size_t n;
    const unsigned char *packed = pack(op->a, body ? body : "", &n);
    return db_query(op->tenant->db, op->a,
                    "UPDATE idempotency_keys SET state = 'done', status = ?, etag = ?, response = ?, done_at = "
                    "UTC_TIMESTAMP(3) WHERE k = ?",
                    DB_ARGS(DB_INT(status), DB_STR(etag), DB_BLOB(packed, n), DB_STR(key)), NULL, NULL);
}
