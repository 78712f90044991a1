/* login.h - checking a login id and password, for every kind of sign-in
 * (console form, tablet and script sessions).
 *
 * The answer never tells whether the login id exists: an unknown id, a
 * wrong password, a disabled user and a user outside its validity period
 * all give LOGIN_BAD, and an unknown id still costs one argon2id
 * verification.  Throttling (auth/throttle.h) comes first: a throttled
 * attempt is not checked at all.  A hash made with a lower cost than the
 * configured one is replaced after a successful check.  Failures are
 * written to the access log; the caller logs the success once its session
 * exists.  Request thread only.
 */
#ifndef GENBA_LOGIN_H
#define GENBA_LOGIN_H

#include "tenant/op.h"

typedef enum login_result { LOGIN_OK, LOGIN_BAD, LOGIN_THROTTLED, LOGIN_DB_GONE } login_result;

typedef struct login_user {
    long long id;
    const char *login, *name, *lang;
    bool must_change, is_admin;
} login_user;

/* Check login/password.  LOGIN_OK fills *u; LOGIN_THROTTLED sets
 * *retry_after (seconds). */
login_result login_check(op_ctx *op, const char *login, const char *password, login_user *u, long *retry_after);

#endif
