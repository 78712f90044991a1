/* idem.h - idempotent writes (tablet-api.md: every write may be retried).
 *
 * A write names an Idempotency-Key.  Inside the write's own transaction,
 * idem_claim inserts the key with a fingerprint of the request (user,
 * method, path, body); idem_finish stores the answer in the same
 * transaction, so the key, the fingerprint, the answer and the write commit
 * together or not at all (a worker killed mid-write leaves nothing behind:
 * MariaDB rolls the transaction back).  A key seen again: with the same
 * fingerprint the stored answer is replayed; with another, it is refused.
 * A key whose first request is still in flight (its row is locked) is
 * reported after a short lock wait.  Keys are kept reports.idempotency_days
 * (60) and then purged.  The answers are opaque here (status, ETag, body):
 * api/write.c makes and replays them.  Operation thread only.
 */
#ifndef GENBA_IDEM_H
#define GENBA_IDEM_H

#include "db/db.h"
#include "tenant/op.h"

typedef enum idem_state {
    IDEM_NEW,        /* claimed: go on with the write in this transaction */
    IDEM_REPLAY,     /* answered before: *status, *etag, *body */
    IDEM_MISMATCH,   /* the key was used for another request */
    IDEM_IN_FLIGHT,  /* the first request holds it right now */
    IDEM_GONE,       /* the database is away */
    IDEM_ERROR,
} idem_state;

/* true when key is 1-100 printable ASCII characters. */
bool idem_key_ok(const char *key);
/* The fingerprint of a request for its key: SHA-256 of the user, method,
 * path and body, hex (65 bytes); scratch space in a. */
void idem_fingerprint(arena *a, long long user_id, const char *method, const char *path, const void *body, size_t len,
                      char out[65]);
/* Claim key inside the caller's open transaction.  Anything but IDEM_NEW
 * leaves nothing to commit (the caller rolls back). */
idem_state idem_claim(op_ctx *op, const char *key, const char *fp, int *status, const char **etag, const char **body);
/* Store the answer (inside the claiming transaction, before commit). */
db_status idem_finish(op_ctx *op, const char *key, int status, const char *etag, const char *body);

#endif
