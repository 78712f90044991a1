/* form.h - urlencoded forms, cookies and JSON request bodies.
 * All results live in the request's arena.  Not thread-safe per request. */
#ifndef GENBA_FORM_H
#define GENBA_FORM_H

#include <json-c/json.h>
#include "http/request.h"

typedef struct form_field {
    const char *name, *value;
} form_field;

typedef struct form {
    form_field *f;
    int n;
} form;

/* Parse "a=1&b=%E3%81%82" (also used for query strings).  Fields with bad
 * escapes or invalid UTF-8 make the whole form invalid (false). */
bool form_parse(arena *a, const char *s, size_t len, form *out);
/* First value of name, or NULL. */
const char *form_get(const form *f, const char *name);
/* Read and parse the request's urlencoded body (the route's body_type).
 * Returns 0, or the status to answer (400 malformed, 413 too large). */
int req_form(request *r, form *out);
/* Value of cookie name from the Cookie header, or NULL. */
const char *req_cookie(request *r, const char *name);
/* Read the body as one JSON object (depth <= 32, nothing after it).
 * Returns NULL and sets *status (400, 413) with *why on failure; the caller
 * owns the object (json_object_put). */
json_object *req_json(request *r, int *status, const char **why);

#endif
