/* session.h - console sessions (cookie) and tablet / script tokens (bearer).
 *
 * A session is a random 256-bit token; only its SHA-256 is stored
 * (sessions.token_hash).  Console sessions end after session_idle seconds
 * unused or session_absolute seconds after sign-in; tokens after
 * token_lifetime.  Ending a session, disabling its user, ending the user's
 * validity or revoking its device ends it at once, because every request
 * checks all of these in one query.
 *
 * The console cookie is "__Host-genba-<tenant>" (Secure, HttpOnly,
 * SameSite=Lax, Path=/); the CSRF token of a console session is
 * SHA-256("genba-csrf|" token), so it is bound to the session and changes
 * with it.  Functions run on the request's thread with r->tenant set.
 */
#ifndef GENBA_SESSION_H
#define GENBA_SESSION_H

#include <stdbool.h>
#include <time.h>
#include "db/db.h"
#include "http/request.h"

typedef enum sess_kind { SESS_CONSOLE, SESS_TABLET, SESS_SCRIPT } sess_kind;

typedef struct auth_user {
    long long id;
    const char *login, *name, *email, *lang;   /* lang NULL when unset */
    bool is_admin, must_change;
    sess_kind kind;
    const char *device_id;                       /* tablet sessions */
    unsigned char token_hash[32];
    char csrf[65];                               /* console sessions */
    /* effective permissions, loaded on first use (auth/perm.c) */
    bool perms_loaded;
    bool perms_failed;   /* the database failed while loading them: refusals become 503 */
    int nperm;
    const char **perm, **scope;
} auth_user;

typedef enum sess_result { SESS_OK, SESS_NONE, SESS_INVALID, SESS_DB_GONE } sess_result;

const char *session_kind_name(sess_kind k);
/* Create a session for user_id; the token (64 hex chars) goes to token[65]
 * and its expiry (UTC) to *expires.  Runs inside the caller's transaction
 * when one is open. */
db_status session_create(request *r, long long user_id, sess_kind kind, const char *device_id, char token[65],
                         time_t *expires);
/* The console session of the request's cookie: SESS_OK fills r->user. */
sess_result session_from_cookie(request *r);
/* The bearer token of the Authorization header: SESS_OK fills r->user. */
sess_result session_from_bearer(request *r);
/* End the request's own session. */
db_status session_end_current(request *r);
/* End every session of a user, or of a device. */
db_status session_end_user(db_conn *db, arena *a, long long user_id);
db_status session_end_device(db_conn *db, arena *a, const char *device_id);
/* Set-Cookie for a new console session, or to clear it. */
void session_set_cookie(request *r, const char *token);
void session_clear_cookie(request *r);
/* The CSRF token that belongs to a session token (hex, 65 bytes). */
void session_csrf_for(const char *token, char out[65]);

#endif
