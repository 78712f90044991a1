#include "manager/settings.h"
#include "manager/view.h"
#include "tenant/settings.h"

#include <json-c/json.h>
#include <string.h>

void manager_settings(request *r)
{
    op_result res;
    json_object *s = settings_all(r, &res);
    if (!s)
        return view_fail(r, res);
    page *p = view_page(r, "settings.title");
    page_set_json(p, "Settings", s);
    json_object_put(s);
    page_render(r, 200, &p, "manager/settings.cs");
}

void manager_settings_save(request *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "devices.auto_approve", json_object_new_boolean(!strcmp(view_field(r, "auto_approve"), "1")));
    errs e;
    errs_init(&e, r->a);
    op_result res = settings_set(r, o, &e);
    json_object_put(o);
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, "settings", "settings");
}
