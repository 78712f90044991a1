/* throttle.h - slowing down password guessing (table login_throttle).
 *
 * Failed sign-ins are counted per login id and client address, per login
 * id from every address, and per address.  Past a few free failures each
 * further failure imposes a wait that doubles (1 s, 2 s, 4 s, ...) up to a
 * ceiling; a sign-in during the wait is answered 429 with Retry-After
 * without looking at the password.  The ceiling for a login id from every
 * address is short (login_account_lock_max), so an attacker cannot lock a
 * real user out for long; from the attacker's own address it is longer
 * (login_lock_max).  Counts start afresh an hour after the first failure.
 * Request thread only; uses op->tenant->db.
 */
#ifndef GENBA_THROTTLE_H
#define GENBA_THROTTLE_H

#include "db/db.h"
#include "tenant/op.h"

/* Seconds the caller must still wait (0 = may try), or -1 when the
 * database is away. */
long throttle_wait(op_ctx *op, const char *login);
/* Count a failed sign-in. */
db_status throttle_failed(op_ctx *op, const char *login);
/* A successful sign-in clears the count for this login id and address. */
db_status throttle_succeeded(op_ctx *op, const char *login);

#endif
