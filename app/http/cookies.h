/* cookies.h - the console's cookies and the bearer header: reading them
 * from the request and setting them on the answer.  What a session is (and
 * its lookup) is auth/session.h's; this file only carries tokens between
 * HTTP and the domain.  Request thread only.
 *
 * Cookies (all Secure, HttpOnly, Path=/):
 *   __Host-genba-<tenant>        the console session (SameSite=Lax)
 *   __Host-genba-login-<tenant>  the sign-in form's pre-session value: the
 *                                form carries SHA-256("genba-login|" value)
 *                                as its _csrf (SameSite=Strict, 12 h)
 */
#ifndef GENBA_COOKIES_H
#define GENBA_COOKIES_H

#include "auth/session.h"
#include "http/request.h"

/* The console session of the request's cookie: SESS_OK fills r->op.user. */
sess_result cookie_session(request *r);
/* The bearer token of the Authorization header: SESS_OK fills r->op.user. */
sess_result bearer_session(request *r);
/* Set-Cookie for a new console session, or to clear it. */
void cookie_set_session(request *r, const char *token);
void cookie_clear_session(request *r);
/* The sign-in form's token for its _csrf field; sets the cookie it is
 * bound to when the browser has none (or a malformed one). */
const char *cookie_login_token(request *r);
/* The token a sign-in form posted now must carry, or NULL when the browser
 * sent no (well-formed) pre-session cookie. */
const char *cookie_login_expected(request *r);

#endif
