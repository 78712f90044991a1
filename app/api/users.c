#include "api/users.h"
#include "http/router.h"
#include "api/reply.h"
#include "auth/users.h"
#include "auth/userscsv.h"
#include "http/response.h"
#include "server/worker.h"
#include "util/jsonx.h"

#include <string.h>

static const char *const user_fields[] = {"login", "name", "email", "lang", "valid_from", "valid_until",
                                          "enabled", "password", "groups", NULL};

/* Fill in from a JSON body; type problems into e. */
static void user_from_json(request *r, json_object *o, user_in *in, errs *e)
{
    struct {
        const char *key;
        const char **slot;
    } s[] = {{"login", &in->login}, {"name", &in->name}, {"email", &in->email}, {"lang", &in->lang},
             {"valid_from", &in->valid_from}, {"valid_until", &in->valid_until}, {"password", &in->password}};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        const char *v = NULL;
        jx_status st = jx_str(o, s[i].key, &v);
        if (st == JX_WRONG_TYPE)
            errs_add(e, s[i].key, "wrong_type");
        *s[i].slot = st == JX_OK ? arena_strdup(r->a, v) : NULL;
    }
    bool en;
    jx_status st = jx_bool(o, "enabled", &en);
    if (st == JX_WRONG_TYPE)
        errs_add(e, "enabled", "wrong_type");
    in->enabled = st == JX_OK ? en : -1;
    json_object *g;
    if (json_object_object_get_ex(o, "groups", &g)) {
        if (!g || !json_object_is_type(g, json_type_array) || json_object_array_length(g) > 1000) {
            errs_add(e, "groups", "wrong_type");
            return;
        }
        in->has_groups = true;
        in->ngroups = (int)json_object_array_length(g);
        in->groups = arena_calloc(r->a, (size_t)in->ngroups + 1, sizeof *in->groups);
        for (int i = 0; i < in->ngroups; i++) {
            json_object *w = json_object_new_object();
            json_object_object_add(w, "v", json_object_get(json_object_array_get_idx(g, (size_t)i)));
            if (jx_id(w, "v", &in->groups[i]) != JX_OK)
                errs_add(e, "groups", "wrong_type");
            json_object_put(w);
        }
    }
}

static void send_user(request *r, int status, long long id)
{
    op_result res;
    json_object *u = users_get(&r->op, id, &res);
    api_send(r, status, u, res);
}

void api_users_list(request *r)
{
    op_result res;
    json_object *arr = users_list(&r->op, &res);
    api_send_list(r, "users", arr, res);
}

/* POST /users (id 0) and PUT /users/{id}: the same fields, one path. */
static void write_user(request *r, long long id)
{
    json_object *b = api_body_only(r, user_fields);
    if (!b)
        return;
    user_in in;
    errs e;
    user_in_init(&in);
    errs_init(&e, r->a);
    user_from_json(r, b, &in, &e);
    json_object_put(b);
    bool create = id == 0;
    if (!create && in.password)
        errs_add(&e, "password", "use_password_reset");
    op_result res = e.n ? OP_INVALID : create ? users_create(&r->op, &in, &e, &id) : users_update(&r->op, id, &in, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    send_user(r, create ? 201 : 200, id);
}

void api_users_create(request *r)
{
    write_user(r, 0);
}

void api_users_get(request *r)
{
    long long id;
    if (api_path_id(r, "id", &id))
        send_user(r, 200, id);
}

void api_users_update(request *r)
{
    long long id;
    if (api_path_id(r, "id", &id))
        write_user(r, id);
}

void api_users_reset_pw(request *r)
{
    static const char *const allowed[] = {"password", NULL};
    long long id;
    if (!api_path_id(r, "id", &id))
        return;
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    errs e;
    errs_init(&e, r->a);
    const char *pw = api_str(r, b, "password", false, &e);
    json_object_put(b);
    op_result res = e.n ? OP_INVALID : users_reset_password(&r->op, id, pw, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    resp_send(r, 204, NULL, "", 0);
}

void api_users_sessions(request *r)
{
    long long id;
    op_result res;
    if (!api_path_id(r, "id", &id))
        return;
    json_object *arr = users_sessions(&r->op, id, &res);
    api_send_list(r, "sessions", arr, res);
}

void api_users_end_sessions(request *r)
{
    long long id;
    if (!api_path_id(r, "id", &id))
        return;
    op_result res = users_end_sessions(&r->op, id);
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    resp_send(r, 204, NULL, "", 0);
}

void api_users_export(request *r)
{
    const char *kind = req_query(r, "kind");
    buf out;
    buf_init(&out, r->a);
    op_result res = userscsv_export(&r->op, kind ? kind : "users", &out);
    if (res == OP_INVALID)
        return resp_error(r, 400, "bad_kind", "kind must be users, groups or memberships.");
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    resp_header(r, "Content-Disposition",
                arena_printf(r->a, "attachment; filename=\"%s.csv\"", kind ? kind : "users"));
    resp_send(r, 200, "text/csv; charset=utf-8", out.data, out.len);
}

void api_users_import(request *r)
{
    const char *kind = req_query(r, "kind"), *enc = req_query(r, "encoding");
    int st = req_body(r, worker_config()->max_body);
    if (st)
        return resp_error(r, st, st == 413 ? "body_too_large" : "bad_request", "The CSV could not be read.");
    errs e;
    errs_init(&e, r->a);
    int count = 0;
    op_result res = userscsv_import(&r->op, kind ? kind : "users", enc ? enc : "auto", r->body, r->body_len, &e, &count);
    if (res == OP_INVALID)
        return api_error_details(r, 422, "import_failed",
                                 arena_printf(r->a, "%d problems; nothing was imported", e.n), &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    json_object *o = json_object_new_object();
    jx_add_int(o, "imported", count);
    resp_json(r, 200, o);
}
