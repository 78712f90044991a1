/* idem.h - idempotent writes (tablet-api.md: every write may be retried).
 *
 * A write names an Idempotency-Key.  Inside the write's own transaction,
 * idem_claim inserts the key with a fingerprint of the request (user,
 * method, path, body); idem_finish stores the answer in the same
 * transaction, so the key, the fingerprint, the answer and the write commit
 * together or not at all (a worker killed mid-write leaves nothing behind:
 * MariaDB rolls the transaction back).  A key seen again: with the same
 * fingerprint the stored answer is replayed; with another, 422.  A key whose
 * first request is still in flight (its row is locked) answers 409 after a
 * short lock wait.  Keys are kept reports.idempotency_days (60) and then
 * purged.  Request thread only.
 */
#ifndef GENBA_IDEM_H
#define GENBA_IDEM_H

#include "db/db.h"
#include "http/request.h"

typedef enum idem_state {
    IDEM_NEW,        /* claimed: go on with the write in this transaction */
    IDEM_REPLAY,     /* answered before: *status, *etag, *body (transaction rolled back) */
    IDEM_MISMATCH,   /* the key was used for another request: 422 */
    IDEM_IN_FLIGHT,  /* the first request holds it right now: 409 */
    IDEM_GONE,       /* the database is away: 503 */
    IDEM_ERROR,
} idem_state;

/* The request's Idempotency-Key header (1-100 printable ASCII), or NULL. */
const char *idem_key(request *r);
/* The fingerprint of this request for the key: SHA-256 of user, method,
 * path and body, hex (65 bytes). */
void idem_fingerprint(request *r, char out[65]);
/* Begin the write's transaction and claim key.  Anything but IDEM_NEW has
 * ended the transaction. */
idem_state idem_claim(request *r, const char *key, const char *fp, int *status, const char **etag, const char **body);
/* Store the answer (inside the claiming transaction, before commit). */
db_status idem_finish(request *r, const char *key, int status, const char *etag, const char *body);
/* Answer a replayed, mismatched or in-flight key (not IDEM_NEW). */
void idem_answer(request *r, idem_state s, int status, const char *etag, const char *body);

#endif
