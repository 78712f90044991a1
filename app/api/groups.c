#include "api/groups.h"
#include "http/router.h"
#include "api/reply.h"
#include "auth/groups.h"
#include "http/response.h"
#include "util/jsonx.h"

static const char *const group_fields[] = {"name", "description", "parent_id", "permissions", NULL};

static void group_from_json(request *r, json_object *o, group_in *in, errs *e)
{
    const char *v;
    jx_status st = jx_str(o, "name", &v);
    in->name = st == JX_OK ? arena_strdup(r->a, v) : NULL;
    if (st == JX_WRONG_TYPE)
        errs_add(e, "name", "wrong_type");
    st = jx_str(o, "description", &v);
    in->description = st == JX_OK ? arena_strdup(r->a, v) : NULL;
    if (st == JX_WRONG_TYPE)
        errs_add(e, "description", "wrong_type");
    json_object *p;
    if (json_object_object_get_ex(o, "parent_id", &p)) {
        in->has_parent = true;
        if (p && jx_id(o, "parent_id", &in->parent_id) != JX_OK)
            errs_add(e, "parent_id", "wrong_type");
    }
    json_object *perms;
    if (json_object_object_get_ex(o, "permissions", &perms)) {
        in->has_perms = groups_perms_from_json(&r->op, perms, &in->perms, &in->nperms, e);
        for (int i = 0; in->has_perms && i < in->nperms; i++) {   /* out of the JSON's memory */
            in->perms[i].name = arena_strdup(r->a, in->perms[i].name);
            in->perms[i].scope = arena_strdup(r->a, in->perms[i].scope);
        }
    }
}

static void send_group(request *r, int status, long long id)
{
    op_result res;
    json_object *g = groups_get(&r->op, id, &res);
    api_send(r, status, g, res);
}

void api_groups_list(request *r)
{
    op_result res;
    json_object *arr = groups_list(&r->op, &res);
    api_send_list(r, "groups", arr, res);
}

/* POST /groups (id 0) and PUT /groups/{id}: the same fields, one path. */
static void write_group(request *r, long long id)
{
    json_object *b = api_body_only(r, group_fields);
    if (!b)
        return;
    group_in in = {0};
    errs e;
    errs_init(&e, r->a);
    group_from_json(r, b, &in, &e);
    json_object_put(b);
    bool create = id == 0;
    op_result res = e.n ? OP_INVALID : create ? groups_create(&r->op, &in, &e, &id) : groups_update(&r->op, id, &in, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    send_group(r, create ? 201 : 200, id);
}

void api_groups_create(request *r)
{
    write_group(r, 0);
}

void api_groups_get(request *r)
{
    long long id;
    if (api_path_id(r, "id", &id))
        send_group(r, 200, id);
}

void api_groups_update(request *r)
{
    long long id;
    if (api_path_id(r, "id", &id))
        write_group(r, id);
}

void api_groups_delete(request *r)
{
    long long id;
    if (!api_path_id(r, "id", &id))
        return;
    errs e;
    errs_init(&e, r->a);
    op_result res = groups_delete(&r->op, id, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    resp_send(r, 204, NULL, "", 0);
}

void api_groups_members(request *r)
{
    static const char *const allowed[] = {"users", NULL};
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
    api_ids(r, b, "users", 10000, &ids, &n, &e);
    json_object_put(b);
    op_result res = e.n ? OP_INVALID : groups_set_members(&r->op, id, ids, n, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    send_group(r, 200, id);
}

void api_groups_perms(request *r)
{
    static const char *const allowed[] = {"permissions", NULL};
    long long id;
    if (!api_path_id(r, "id", &id))
        return;
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    errs e;
    errs_init(&e, r->a);
    group_in in = {0};
    group_from_json(r, b, &in, &e);
    json_object_put(b);
    if (!in.has_perms && !e.n)
        errs_add(&e, "permissions", "required");
    op_result res = e.n ? OP_INVALID : groups_set_perms(&r->op, id, in.perms, in.nperms, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    send_group(r, 200, id);
}
