#include "manager/devices.h"
#include "http/router.h"
#include "auth/devices.h"
#include "manager/view.h"

#include <string.h>

void manager_devices(request *r)
{
    const char *status = req_query(r, "status");
    if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "revoked"))
        status = NULL;
    op_result res;
    json_object *arr = devices_list(&r->op, status, &res);
    if (!arr)
        return view_fail(r, res);
    page *p = view_page(r, "devices.title");
    page_set(p, "Filter.status", status);
    page_set_json(p, "Devices", arr);
    json_object_put(arr);
    page_render(r, 200, &p, "manager/devices.cs");
}

static void decide(request *r, const char *status)
{
    json_object *d = NULL;
    op_result res = devices_set_status(&r->op, req_param(r, "id"), status, &d);
    json_object_put(d);
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, "devices", !strcmp(status, "approved") ? "device_approved" : "device_revoked");
}

void manager_device_approve(request *r)
{
    decide(r, "approved");
}

void manager_device_revoke(request *r)
{
    decide(r, "revoked");
}
