/* guard.h - the front line's session, permission and CSRF steps
 * (router_dispatch calls guard_request after the tenant step).
 *
 * Console routes: no or an ended session → GET is sent to the sign-in page
 * (303, with the page to come back to), anything else 401; a pending
 * password change → the account page.  Token routes: 401 with
 * WWW-Authenticate: Bearer.  Then the route's permission (403, logged).
 * Then, for state-changing console forms: the Origin (when sent) must be
 * this host, the form is parsed (urlencoded or multipart, into r->form and
 * r->parts) and its _csrf field (or the X-CSRF-Token header) must be the
 * session's token (403 csrf_failed).  The sign-in form, which has no
 * session yet, carries a pre-session token instead: SHA-256 of the random
 * value of the cookie __Host-genba-login-<tenant> that the form's page set
 * (http/cookies.h),
 * so a login POST made from another site (or by a forged form) is refused
 * like any other.  Request thread only.
 */
#ifndef GENBA_GUARD_H
#define GENBA_GUARD_H

#include <stdbool.h>
#include "http/request.h"

/* True when the request may go on to its handler; otherwise it has been
 * answered. */
bool guard_request(request *r);

#endif
