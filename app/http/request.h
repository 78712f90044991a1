/* request.h - one HTTP request as the application sees it.
 *
 * A request is filled from the FastCGI environment by req_init, which copies
 * everything it keeps into the request's arena (libfcgi reuses the
 * environment on the next accept).  A request belongs to one thread.
 */
#ifndef GENBA_REQUEST_H
#define GENBA_REQUEST_H

#include <fcgiapp.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "tenant/op.h"
#include "util/arena.h"
#include "util/buf.h"

#define REQ_MAX_SEGS 16
#define REQ_MAX_PATH 2048

struct route;
struct tenant_ctx;
struct tenant_cache;
struct tenant_env;
struct genba_config;
struct auth_user;
struct form;
struct multipart_part;

/* What the thread serving requests lends each of them (server/worker.c):
 * its configuration, tenant connections, control database and keys.  The
 * request layer uses these; it never reaches into the worker itself. */
typedef struct req_host {
    const struct genba_config *cfg;
    struct tenant_cache *tcache;
    const struct tenant_env *tenv;
    void *thread;                     /* the worker_ctx, for handlers above server/ (worker_of) */
} req_host;

typedef enum req_kind { KIND_PLAIN, KIND_API, KIND_CONSOLE, KIND_CONMAS } req_kind;

typedef struct request {
    FCGX_Request *fcgx;
    arena *a;
    const req_host *host;
    struct timespec start;
    char id[33];                 /* request id: nginx's $request_id or our own */

    const char *method;          /* "GET", ... */
    const char *raw_uri;         /* REQUEST_URI as sent, for logs only (sanitised) */
    const char *query;           /* after '?', "" when none */
    const char *content_type;    /* "" when none */
    const char *remote_addr;     /* the TCP peer nginx saw ($remote_addr) */
    const char *user_agent, *accept_language, *accept, *if_none_match;
    uint64_t content_length;     /* 0 with length_unknown for a chunked body */
    bool has_body;
    bool length_unknown;         /* a body sent without Content-Length (chunked) */

    /* decoded path segments; path_error != 0 when the path was refused */
    const char *seg[REQ_MAX_SEGS];
    int nseg;
    int path_error;              /* 0, 400 or 404 */
    req_kind kind;               /* how errors are rendered */

    const struct route *route;
    int route_index;             /* -1 when no route matched */
    const char *params[REQ_MAX_SEGS];  /* values of {name} segments, by position */
    const char *tenant_code;     /* from the path when the route has {tenant} */
    op_ctx op;                   /* what the domain is handed: tenant (set by the tenant step),
                                    user (the session step), arena, ids (tenant/op.h) */
    const char *lang;            /* "en" or "ja" */
    struct form *form;           /* a console form's fields, parsed by the CSRF step */
    struct multipart_part *parts;/* a multipart form's parts (files too) */
    int nparts;

    char *body;                  /* read by req_body */
    size_t body_len;
    bool body_read;

    /* response state */
    const char *hdr_name[16], *hdr_value[16];  /* extra headers (resp_header) */
    int nhdr;
    int status;
    uint64_t bytes_out;
    bool responded;
} request;

/* Fill r from the FastCGI request.  Never fails: problems with the path are
 * recorded in r->path_error for the front line to answer. */
void req_init(request *r, FCGX_Request *f, arena *a, const req_host *host);
/* Read the whole body into r->body (NUL-terminated), at most max bytes.
 * Returns 0, 413 when it is larger than max (a chunked body, whose length
 * is only known by reading), or 400 when the client sent less than it
 * announced. */
int req_body(request *r, uint64_t max);
/* Throw away an unread body (bounded), so nginx can read our answer. */
void req_discard_body(request *r, uint64_t cap);
/* The revision of the If-Match header ("3" or "\"3\""): 0 with *rev set,
 * 428 when there is none, 412 when it is not a revision.  The one If-Match
 * parser. */
int req_if_match(request *r, int *rev);
/* Query-string parameter, percent-decoded, or NULL. */
const char *req_query(request *r, const char *name);
/* req_query with the request as an opaque pointer, for domain functions
 * that take their parameters through a callback. */
const char *req_query_of(void *r, const char *name);
/* Value of FastCGI parameter name, copied into the arena, or NULL. */
const char *req_env(request *r, const char *name);

/* Split and decode a raw path into segments (exposed for unit tests).
 * Returns 0, or 400 for a hostile path (NUL, control bytes, '.' or '..'
 * segments, encoded '/', bad escapes, invalid UTF-8, too long), or 404 for
 * one with too many segments. */
int req_split_path(arena *a, const char *raw, const char **seg, int *nseg);
/* Percent-decode s[0..n) into the arena; NULL on a bad escape. */
char *req_percent_decode(arena *a, const char *s, size_t n, bool plus_is_space, size_t *outlen);

#endif
