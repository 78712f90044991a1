#include "api/devices.h"
#include "http/router.h"
#include "api/reply.h"
#include "auth/devices.h"
#include "http/response.h"

#include <string.h>

void api_devices_list(request *r)
{
    const char *status = req_query(r, "status");
    if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "revoked"))
        return resp_error(r, 400, "bad_status", "status must be pending, approved or revoked.");
    op_result res;
    json_object *arr = devices_list(&r->op, status, &res);
    api_send_list(r, "devices", arr, res);
}

static void decide(request *r, const char *status)
{
    json_object *d;
    op_result res = devices_set_status(&r->op, req_param(r, "id"), status, &d);
    if (res != OP_OK || !d)
        return api_fail(r, res == OP_OK ? OP_ERROR : res, NULL);
    resp_json(r, 200, d);
}

void api_devices_approve(request *r)
{
    decide(r, "approved");
}

void api_devices_revoke(request *r)
{
    decide(r, "revoked");
}
