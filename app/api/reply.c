#include "api/reply.h"
#include "auth/users.h"
#include "http/form.h"
#include "http/page.h"
#include "http/response.h"
#include "http/router.h"
#include "util/jsonx.h"

#include <stdio.h>
#include <string.h>

json_object *api_body(request *r)
{
    int status;
    const char *why;
    json_object *o = req_json(r, &status, &why);
    if (!o)
        resp_error(r, status, status == 413 ? "body_too_large" : "bad_json", why);
    return o;
}

json_object *api_body_only(request *r, const char *const *allowed)
{
    json_object *o = api_body(r);
    const char *unknown;
    if (o && !jx_only(o, allowed, &unknown)) {
        resp_error(r, 400, "unknown_field", arena_printf(r->a, "Unknown field \"%.64s\".", unknown));
        json_object_put(o);
        return NULL;
    }
    return o;
}

bool api_path_id(request *r, const char *name, long long *id)
{
    if (users_parse_id(req_param(r, name), id))
        return true;
    resp_error(r, 404, "not_found", "There is no such object.");
    return false;
}

json_object *api_details(request *r, const errs *e)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < e->n; i++) {
        json_object *d = json_object_new_object();
        int sheet, cluster, used = 0;
        if (e->e[i].line)
            jx_add_int(d, "line", e->e[i].line);
        if (e->e[i].field && sscanf(e->e[i].field, "%d/%d%n", &sheet, &cluster, &used) == 2 && !e->e[i].field[used]) {
            jx_add_int(d, "sheet", sheet);   /* a report's value: "sheet/cluster" */
            jx_add_int(d, "cluster", cluster);
        } else {
            jx_add_str(d, "field", e->e[i].field);
        }
        jx_add_str(d, "code", e->e[i].code);
        if (e->e[i].arg)
            jx_add_str(d, "arg", e->e[i].arg);
        jx_add_str(d, "message", page_err_message(r->a, "en", e->e[i].code, e->e[i].arg));
        json_object_array_add(arr, d);
    }
    return arr;
}

void api_error_details(request *r, int status, const char *code, const char *message, const errs *e)
{
    json_object *o = json_object_new_object(), *err = json_object_new_object();
    jx_add_str(err, "code", code);
    jx_add_str(err, "message", message);
    jx_add_str(err, "request_id", r->id);
    json_object_object_add(err, "details", api_details(r, e));
    json_object_object_add(o, "error", err);
    resp_json(r, status, o);
}

void api_refusal(request *r, refusal *why)
{
    int status = resp_refusal_status(why->kind);
    if ((status == 403 || status == 404) && !why->body) {   /* resp_error says 503 when the rights could not be read */
        resp_error(r, status, why->code, why->message);
        return;
    }
    json_object *o = why->body ? why->body : json_object_new_object(), *err = json_object_new_object();
    why->body = NULL;
    jx_add_str(err, "code", why->code);
    jx_add_str(err, "message", why->message);
    jx_add_str(err, "request_id", r->id);
    json_object_object_add(o, "error", err);
    json_object *rev;
    if (why->kind == REF_STALE && json_object_object_get_ex(o, "rev", &rev))   /* the current report's ETag */
        resp_header(r, "ETag", arena_printf(r->a, "\"%d\"", json_object_get_int(rev)));
    resp_json(r, status, o);
}

void api_invalid(request *r, const errs *e)
{
    api_error_details(r, 422, "validation_failed",
                      e->n == 1 ? "1 value is not valid" : arena_printf(r->a, "%d values are not valid", e->n), e);
}

void api_fail(request *r, op_result res, const errs *e)
{
    switch (res) {
    case OP_INVALID:
        api_invalid(r, e);
        break;
    case OP_CONFLICT:
        if (e && e->n)
            api_error_details(r, 409, e->e[0].code, "This conflicts with what is stored.", e);
        else
            resp_error(r, 409, "conflict", "This conflicts with what is stored.");
        break;
    case OP_NOT_FOUND:
        resp_error(r, 404, "not_found", "There is no such object.");
        break;
    case OP_GONE:
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        break;
    case OP_BUSY:
        resp_unavailable(r, "busy", "Too many changes to the same data at once; nothing was written. Please retry.");
        break;
    default:
        resp_error(r, 500, "internal_error", "An internal error occurred.");
        break;
    }
}

void api_send(request *r, int status, json_object *o, op_result res)
{
    if (!o)
        return api_fail(r, res, NULL);
    resp_json(r, status, o);
}

void api_send_list(request *r, const char *key, json_object *arr, op_result res)
{
    if (!arr)
        return api_fail(r, res, NULL);
    json_object *o = json_object_new_object();
    json_object_object_add(o, key, arr);
    resp_json(r, 200, o);
}

bool api_ids(request *r, json_object *b, const char *key, int max, long long **ids, int *n, errs *e)
{
    json_object *arr;
    *ids = NULL;
    *n = 0;
    if (!json_object_object_get_ex(b, key, &arr) || !arr || !json_object_is_type(arr, json_type_array) ||
        json_object_array_length(arr) > (size_t)max) {
        errs_add(e, key, "wrong_type");
        return false;
    }
    *n = (int)json_object_array_length(arr);
    *ids = arena_calloc(r->a, (size_t)*n + 1, sizeof **ids);
    for (int i = 0; i < *n; i++) {
        json_object *it = json_object_array_get_idx(arr, (size_t)i);
        if (!it || !json_object_is_type(it, json_type_int) || ((*ids)[i] = json_object_get_int64(it)) <= 0) {
            errs_add(e, key, "wrong_type");
            return false;
        }
    }
    return true;
}

const char *api_str(request *r, json_object *b, const char *key, bool required, errs *e)
{
    const char *v = NULL;
    jx_status st = jx_str(b, key, &v);
    if (st == JX_WRONG_TYPE)
        errs_add(e, key, "wrong_type");
    else if (st == JX_ABSENT && required)
        errs_add(e, key, "required");
    return st == JX_OK ? arena_strdup(r->a, v) : NULL;
}
