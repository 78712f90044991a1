/* session.h - console sessions (cookie) and tablet / script tokens (bearer).
 *
 * A session is a random 256-bit token; only its SHA-256 is stored
 * (sessions.token_hash).  Console and ConMas API sessions end after
 * session_idle seconds unused or session_absolute seconds after sign-in; tokens after
 * token_lifetime.  Ending a session, disabling its user, ending the user's
 * validity or revoking its device ends it at once, because every request
 * checks all of these in one query.
 *
 * The console cookie is "__Host-genba-<tenant>" (Secure, HttpOnly,
 * SameSite=Lax, Path=/); the CSRF token of a console session is
 * SHA-256("genba-csrf|" token), so it is bound to the session and changes
 * with it.  Functions run on the request's thread with op->tenant set.
 */
#ifndef GENBA_SESSION_H
#define GENBA_SESSION_H

#include <stdbool.h>
#include <time.h>
#include "tenant/user.h"
#include "db/db.h"
#include "tenant/op.h"


typedef enum sess_result { SESS_OK, SESS_NONE, SESS_INVALID, SESS_DB_GONE } sess_result;

/* Create a session for user_id; the token (64 hex chars) goes to token[65]
 * and its expiry (UTC) to *expires.  Runs inside the caller's transaction
 * when one is open. */
db_status session_create(op_ctx *op, long long user_id, sess_kind kind, const char *device_id, char token[65],
                         time_t *expires);
/* The session of token: a console cookie's (kind SESS_CONSOLE), a ConMas
 * API cookie's (SESS_CONMAS; idle and absolute limits as the console's),
 * else a bearer token's (tablet or script).  SESS_OK fills op->user.
 * Reading the cookie or the header is the HTTP layer's (http/cookies.h,
 * conmas/). */
sess_result session_lookup(op_ctx *op, const char *token, sess_kind kind);
/* End the request's own session. */
db_status session_end_current(op_ctx *op);
/* End every session of a user, or of a device. */
db_status session_end_user(db_conn *db, arena *a, long long user_id);
db_status session_end_device(db_conn *db, arena *a, const char *device_id);
/* The CSRF token that belongs to a session token (hex, 65 bytes). */
void session_csrf_for(const char *token, char out[65]);

#endif
