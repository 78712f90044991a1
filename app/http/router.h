/* router.h - the route table and the front line every request passes.
 *
 * Order (DESIGN.md): size -> method -> route -> content type -> tenant ->
 * session -> permission -> CSRF -> handler.  The table itself is in
 * http/routes.c, one line per URL.
 */
#ifndef GENBA_ROUTER_H
#define GENBA_ROUTER_H

#include "http/request.h"

typedef enum route_auth {
    AUTH_NONE,         /* public */
    AUTH_LOCAL,        /* only from the local host (metrics) */
    AUTH_SESSION,      /* console session cookie; a pending password change sends the user to change it */
    AUTH_SESSION_ANY,  /* console session, even while a password change is pending (account, logout) */
    AUTH_TOKEN,        /* tablet / script bearer token */
    AUTH_TOKEN_ANY,    /* bearer token, even while a password change is pending */
} route_auth;

typedef void (*route_handler)(request *r);

typedef struct route {
    const char *method;        /* "GET" (also answers HEAD), "POST", ... */
    const char *pattern;       /* segments; "{tenant}" and "{name}" capture */
    route_handler handler;
    req_kind kind;             /* how errors render */
    route_auth auth;
    bool csrf;                 /* state-changing console form: token required */
    const char *body_type;     /* required Content-Type of a body ("a|b": either), NULL = no body */
    const char *perm;          /* permission the route needs (auth/perm.h), NULL = none */
} route;

extern const route routes[];
extern const int nroutes;

/* Match r's path against the table.  Returns 0 (r->route, r->params,
 * r->tenant_code set), 404, or 405 with *allow listing the methods. */
int router_match(request *r, const char **allow);
/* The value of path parameter {name} of the matched route (percent-decoded
 * segment), or NULL when the route has none of that name. */
const char *req_param(const request *r, const char *name);
/* Run the front line and the handler; always answers. */
void router_dispatch(request *r);

#endif
