#include "api/masters.h"
#include "http/router.h"
#include "api/reply.h"
#include "auth/users.h"
#include "forms/labels.h"
#include "forms/masters.h"
#include "http/response.h"
#include "server/worker.h"
#include "util/jsonx.h"

#include <string.h>

void api_masters_list(request *r)
{
    op_result res;
    json_object *arr = masters_list(&r->op, &res);
    api_send_list(r, "masters", arr, res);
}

void api_masters_upload(request *r)
{
    int st = req_body(r, worker_config()->max_body);
    if (st)
        return resp_error(r, st, st == 413 ? "body_too_large" : "bad_request", "The CSV could not be read.");
    errs e;
    errs_init(&e, r->a);
    long long id;
    int version;
    op_result res = masters_upload(&r->op, req_query(r, "name"), req_query(r, "encoding"), r->body, r->body_len, &e, &id, &version);
    if (res == OP_INVALID)
        return api_error_details(r, 422, "master_invalid", arena_printf(r->a, "%d problems; nothing was stored", e.n), &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    json_object *m = masters_get(&r->op, id, &res);
    if (!m)
        return api_fail(r, res, NULL);
    resp_json(r, version == 1 ? 201 : 200, m);
}

void api_masters_records(request *r)
{
    long long id, limit = 500;
    if (!api_path_id(r, "id", &id))
        return;
    const char *since = req_query(r, "updated_since"), *l = req_query(r, "limit");
    char *sql_since = NULL;
    if (since) {
        size_t n = strlen(since);
        if (n < 19 || since[10] != 'T' || !users_date_ok(arena_strndup(r->a, since, 10)))
            return resp_error(r, 400, "bad_updated_since", "updated_since must be an RFC 3339 UTC time.");
        sql_since = arena_strndup(r->a, since, n && since[n - 1] == 'Z' ? n - 1 : n);
        sql_since[10] = ' ';
    }
    if (l && (!users_parse_id(l, &limit) || limit > 5000))
        return resp_error(r, 400, "bad_limit", "limit must be 1 to 5000.");
    op_result res;
    json_object *o = masters_records(&r->op, id, sql_since, req_query(r, "cursor"), (int)limit, &res);
    if (res == OP_INVALID)
        return resp_error(r, 400, "bad_cursor", "The cursor is not one this server gave.");
    if (!o)
        return api_fail(r, res, NULL);
    resp_json(r, 200, o);
}

void api_labels_list(request *r)
{
    op_result res;
    json_object *arr = labels_list(&r->op, &res);
    api_send_list(r, "labels", arr, res);
}

void api_labels_create(request *r)
{
    static const char *const allowed[] = {"name", "parent_id", NULL};
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    const char *name = NULL;
    long long parent = 0, id;
    errs e;
    errs_init(&e, r->a);
    if (jx_str(b, "name", &name) == JX_WRONG_TYPE)
        errs_add(&e, "name", "wrong_type");
    if (jx_id(b, "parent_id", &parent) == JX_WRONG_TYPE && json_object_object_get(b, "parent_id"))
        errs_add(&e, "parent_id", "wrong_type");
    name = name ? arena_strdup(r->a, name) : NULL;
    json_object_put(b);
    op_result res = e.n ? OP_INVALID : labels_create(&r->op, name, parent, &e, &id);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    json_object *o = json_object_new_object();
    jx_add_int(o, "id", id);
    jx_add_str(o, "name", name);
    resp_json(r, 201, o);
}

void api_definitions_labels(request *r)
{
    static const char *const allowed[] = {"labels", NULL};
    long long id;
    if (!api_path_id(r, "id", &id))
        return;
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    errs e;
    errs_init(&e, r->a);
    long long *ids;
    int n;
    api_ids(r, b, "labels", 100, &ids, &n, &e);
    json_object_put(b);
    op_result res = e.n ? OP_INVALID : labels_set(&r->op, id, ids, n, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    resp_send(r, 204, NULL, "", 0);
}
