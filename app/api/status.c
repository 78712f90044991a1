#include "api/status.h"
#include "http/response.h"
#include "tenant/resolve.h"
#include "util/tz.h"

/* Answers once the tenant's own database was reached with its own account,
 * so a tablet (or a probe) can tell "server up, my tenant usable". */
void api_status(request *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "tenant", json_object_new_string(r->op.tenant->code));
    json_object_object_add(o, "name", json_object_new_string(r->op.tenant->name));
    json_object_object_add(o, "api_version", json_object_new_int(1));
    json_object_object_add(o, "schema_version", json_object_new_int(r->op.tenant->schema_version));
    json_object_object_add(o, "time_zone", json_object_new_string(tz_name(tenant_zone(r->op.tenant))));
    resp_json(r, 200, o);
}
