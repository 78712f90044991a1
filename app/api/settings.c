#include "api/settings.h"
#include "api/reply.h"
#include "http/response.h"
#include "tenant/settings.h"

void api_settings_get(request *r)
{
    op_result res;
    json_object *o = settings_all(&r->op, &res);
    api_send(r, 200, o, res);
}

void api_settings_put(request *r)
{
    json_object *b = api_body(r);
    if (!b)
        return;
    errs e;
    errs_init(&e, r->a);
    op_result res = settings_set(&r->op, b, &e);
    json_object_put(b);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    api_settings_get(r);
}
