#include "http/router.h"
#include "http/guard.h"
#include "http/page.h"
#include "http/response.h"
#include "http/maint.h"
#include "util/config.h"
#include "tenant/code.h"
#include "tenant/resolve.h"
#include "util/log.h"

#include <string.h>

static bool method_fits(const char *route_method, const char *method)
{
    return !strcmp(route_method, method) || (!strcmp(route_method, "GET") && !strcmp(method, "HEAD"));
}

/* Does the pattern match r's segments?  Fills params when it does. */
static bool pattern_match(const char *pat, request *r, const char **params, const char **tenant)
{
    int i = 0;
    const char *p = pat + 1;
    *tenant = NULL;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (i >= r->nseg)
            return false;
        if (p[0] == '{') {
            params[i] = r->seg[i];
            if (n == 8 && !strncmp(p, "{tenant}", 8))
                *tenant = r->seg[i];
        } else if (strlen(r->seg[i]) != n || strncmp(r->seg[i], p, n)) {
            return false;
        }
        i++;
        if (!e)
            break;
        p = e + 1;
    }
    return i == r->nseg;
}

int router_match(request *r, const char **allow)
{
    const char *params[REQ_MAX_SEGS];
    const char *tenant;
    buf methods;
    buf_init(&methods, r->a);
    *allow = NULL;
    for (int k = 0; k < nroutes; k++) {
        memset(params, 0, sizeof params);
        if (!pattern_match(routes[k].pattern, r, params, &tenant))
            continue;
        if (method_fits(routes[k].method, r->method)) {
            r->route = &routes[k];
            r->route_index = k;
            memcpy(r->params, params, sizeof params);
            r->tenant_code = tenant;
            r->kind = routes[k].kind;
            return 0;
        }
        if (!methods.len)
            r->kind = routes[k].kind;   /* render the 405 like the route would */
        if (methods.len)
            buf_adds(&methods, ", ");
        buf_adds(&methods, routes[k].method);
        if (!strcmp(routes[k].method, "GET"))
            buf_adds(&methods, ", HEAD");
    }
    if (methods.len) {
        *allow = methods.data;
        return 405;
    }
    return 404;
}

const char *req_param(const request *r, const char *name)
{
    if (!r->route)
        return NULL;
    size_t n = strlen(name);
    int i = 0;
    for (const char *p = r->route->pattern + 1; *p; i++) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n + 2 && p[0] == '{' && !strncmp(p + 1, name, n) && p[n + 1] == '}')
            return i < REQ_MAX_SEGS ? r->params[i] : NULL;
        if (!e)
            break;
        p = e + 1;
    }
    return NULL;
}

static bool is_local(const char *addr)
{
    return !strcmp(addr, "127.0.0.1") || !strcmp(addr, "::1") || !strcmp(addr, "unix:");
}

/* want may list alternatives: "application/xml|application/zip". */
static bool content_type_is(const char *have, const char *want)
{
    while (*want) {
        const char *bar = strchr(want, '|');
        size_t n = bar ? (size_t)(bar - want) : strlen(want);
        if (!strncasecmp(have, want, n) && (have[n] == '\0' || have[n] == ';' || have[n] == ' '))
            return true;
        if (!bar)
            break;
        want = bar + 1;
    }
    return false;
}

static void answer_tenant_problem(request *r, tenant_result tr)
{
    switch (tr) {
    case TR_NOT_FOUND:
        resp_error(r, 404, "tenant_not_found", "There is no such tenant.");
        break;
    case TR_SUSPENDED:
        resp_error(r, 403, "tenant_suspended",
                   "This tenant's service is suspended. Please contact your administrator or the service provider.");
        break;
    case TR_SCHEMA_OLD:
        resp_unavailable(r, "schema_outdated",
                         "This tenant's database needs an upgrade (genbactl migrate); please try again shortly.");
        break;
    case TR_SCHEMA_NEW:
        resp_unavailable(r, "schema_unknown",
                         "This tenant's database is newer than this server knows; the server must be upgraded.");
        break;
    case TR_UNAVAILABLE:
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        break;
    default:
        resp_error(r, 500, "internal_error", "An internal error occurred.");
        break;
    }
}

void router_dispatch(request *r)
{
    const genba_config *cfg = r->op.cfg;
    const char *allow = NULL;
    r->lang = r->op.lang = page_pick_lang(r->accept_language);

    /* size: refuse a body over the limit before reading it */
    if (r->content_length > cfg->max_body) {
        req_discard_body(r, 4 * cfg->max_body);
        resp_error(r, 413, "body_too_large",
                   arena_printf(r->a, "The request body is larger than the limit of %llu bytes.",
                                (unsigned long long)cfg->max_body));
        return;
    }
    if (r->path_error) {
        resp_error(r, r->path_error, r->path_error == 400 ? "bad_path" : "not_found",
                   r->path_error == 400 ? "The request path is not valid." : "There is nothing at this address.");
        return;
    }
    /* the ConMas API answers maintenance before anything else it could say */
    if (r->kind == KIND_CONMAS && maint_refuse(r))
        return;
    /* method and route */
    int m = router_match(r, &allow);
    if (m == 405) {
        resp_header(r, "Allow", allow);
        resp_error(r, 405, "method_not_allowed", "This address does not accept that method.");
        return;
    }
    if (m != 0) {
        resp_error(r, 404, "not_found", "There is nothing at this address.");
        return;
    }
    /* content type */
    const route *rt = r->route;
    if (r->has_body) {
        if (!rt->body_type) {
            resp_error(r, 415, "unexpected_body", "This address takes no request body.");
            return;
        }
        if (!content_type_is(r->content_type, rt->body_type)) {
            resp_error(r, 415, "unsupported_media_type",
                       arena_printf(r->a, "The body must be %s.", rt->body_type));  /* "a|b": either */
            return;
        }
    }
    if (rt->auth == AUTH_LOCAL && !is_local(r->remote_addr)) {
        resp_error(r, 404, "not_found", "There is nothing at this address.");
        return;
    }
    /* maintenance: every tenant route answers 503 (health, metrics, /maintenance go on) */
    if (r->tenant_code && maint_refuse(r))
        return;
    /* tenant */
    if (r->tenant_code) {
        if (!tenant_code_valid(r->tenant_code)) {
            resp_error(r, 404, "tenant_not_found", "There is no such tenant.");
            return;
        }
        tenant_result tr = tenant_checkout(r->host->tcache, r->a, r->tenant_code, &r->op.tenant);
        if (tr != TR_OK) {
            answer_tenant_problem(r, tr);
            return;
        }
    }
    /* session, permission, CSRF */
    if (!guard_request(r))
        return;
    rt->handler(r);
    if (!r->responded) {
        log_error("req id=%s route=%s: handler gave no answer", r->id, rt->pattern);
        resp_error(r, 500, "internal_error", "An internal error occurred.");
    }
}
