#include "api/account.h"
#include "api/reply.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "auth/users.h"
#include "http/response.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"
#include "util/tz.h"

void api_me(request *r)
{
    auth_user *u = r->op.user;
    json_object *o = json_object_new_object(), *uo = json_object_new_object(), *perms = json_object_new_array();
    jx_add_int(uo, "id", u->id);
    jx_add_str(uo, "login", u->login);
    jx_add_str(uo, "name", u->name);
    jx_add_str(uo, "email", u->email);
    jx_add_str(uo, "lang", u->lang);
    jx_add_bool(uo, "is_admin", u->is_admin);
    json_object_object_add(o, "user", uo);
    jx_add_str(o, "kind", user_kind_name(u->kind));
    jx_add_str(o, "device_id", u->device_id);
    jx_add_bool(o, "must_change_password", u->must_change);
    jx_add_str(o, "time_zone", tz_name(tenant_zone(r->op.tenant)));   /* the tenant's: "today" and clocks on the tablet */
    for (int i = 0; i < perm_count; i++)
        if (!perm_all[i].scoped && perm_has(&r->op, perm_all[i].name, NULL))
            json_object_array_add(perms, json_object_new_string(perm_all[i].name));
    json_object_object_add(o, "permissions", perms);
    resp_json(r, 200, o);
}

void api_account_password(request *r)
{
    static const char *const allowed[] = {"current", "new", NULL};
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    const char *cur = NULL, *nw = NULL;
    if (jx_str(b, "current", &cur) == JX_WRONG_TYPE || jx_str(b, "new", &nw) == JX_WRONG_TYPE) {
        json_object_put(b);
        resp_error(r, 400, "bad_request", "\"current\" and \"new\" must be strings.");
        return;
    }
    cur = cur ? arena_strdup(r->a, cur) : NULL;
    nw = nw ? arena_strdup(r->a, nw) : NULL;
    json_object_put(b);
    errs e;
    errs_init(&e, r->a);
    op_result res = users_change_own_password(&r->op, cur, nw, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    resp_send(r, 204, NULL, "", 0);
}
