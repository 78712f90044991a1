/* errs.h - a list of problems with submitted input (field + stable code,
 * and for imports the line), kept in an arena.  The text shown to people
 * comes from the message catalogs ("err.<code>"), in their language.
 * Not thread-safe; belongs to the request that fills it. */
#ifndef GENBA_ERRS_H
#define GENBA_ERRS_H

#include "util/arena.h"

typedef struct field_err {
    const char *field, *code;
    int line;                 /* 0 when not an import */
    const char *arg;          /* a detail the message names (a parameter, a value), or NULL */
} field_err;

typedef struct errs {
    arena *a;
    field_err *e;
    int n, cap;
    int line;                 /* line number stamped on errors added now */
} errs;

/* The outcome of a change to stored objects, for handlers to answer:
 * 200/201, 422 (errs), 409, 404, 503, 500; OP_BUSY: a lock wait or deadlock, retry. */
typedef enum op_result { OP_OK, OP_INVALID, OP_CONFLICT, OP_NOT_FOUND, OP_GONE, OP_ERROR, OP_BUSY } op_result;

/* Why a change was refused beyond field errors: its kind (api/reply.c maps
 * each kind to an HTTP status, in that one place), a stable code and an
 * English message; body: more JSON for the answer (the current report for
 * REF_STALE, the lock's holder for a lock), owned by the refusal's reader. */
typedef enum refusal_kind {
    REF_NONE,
    REF_BAD_INPUT,   /* malformed request: 400 */
    REF_FORBIDDEN,   /* 403 */
    REF_NOT_FOUND,   /* 404 (also what another tenant's or an invisible id gets) */
    REF_CONFLICT,    /* the stored state does not allow it: 409 */
    REF_STALE,       /* If-Match is not the current revision: 412 */
    REF_TOO_LARGE,   /* 413 */
    REF_BAD_TYPE,    /* 415 */
    REF_INVALID,     /* 422 */
    REF_NO_SPACE,    /* the tenant's quota: 507 */
} refusal_kind;

typedef struct refusal {
    refusal_kind kind;           /* REF_NONE: not refused */
    const char *code, *message;
    struct json_object *body;
} refusal;

/* Fill *why and return OP_INVALID: the refusal of a change. */
op_result refuse(refusal *why, refusal_kind kind, const char *code, const char *message);

void errs_init(errs *e, arena *a);
void errs_add(errs *e, const char *field, const char *code);
/* The same with a detail the message names ("decimalPlaces"). */
void errs_add_arg(errs *e, const char *field, const char *code, const char *arg);
/* The code of the first error about field, or NULL. */
const char *errs_for(const errs *e, const char *field);

#endif
