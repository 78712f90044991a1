#include "manager/masters.h"
#include "http/router.h"
#include "forms/masters.h"
#include "http/multipart.h"
#include "manager/view.h"

#include <string.h>

static void render_list(request *r, int status, const errs *e)
{
    op_result res;
    json_object *arr = masters_list(&r->op, &res);
    if (!arr)
        return view_fail(r, res);
    page *p = view_page(r, "masters.title");
    page_set_json(p, "Masters", arr);
    json_object_put(arr);
    if (e) {
        page_set_errors(p, r, e);
        page_set(p, "Form.name", view_field(r, "name"));
    }
    page_render(r, status, &p, "manager/masters.cs");
}

void manager_masters(request *r)
{
    render_list(r, 200, NULL);
}

void manager_master_upload(request *r)
{
    errs e;
    errs_init(&e, r->a);
    const multipart_part *f = multipart_get(r->parts, r->nparts, "file");
    if (!f || !f->len) {
        errs_add(&e, "file", "required");
        return render_list(r, 422, &e);
    }
    long long id;
    int version;
    const char *enc = view_field(r, "encoding");
    op_result res = masters_upload(&r->op, view_field(r, "name"), *enc ? enc : "auto", f->data, f->len, &e, &id, &version);
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "masters/%lld", id), "master_uploaded");
    if (res == OP_INVALID)
        return render_list(r, 422, &e);
    view_fail(r, res);
}

void manager_master(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    op_result res;
    json_object *o = masters_records(&r->op, id, NULL, NULL, 200, &res);
    if (!o)
        return view_fail(r, res);
    page *p = view_page(r, "master.title");
    page_set_json(p, "M", o);
    /* rows as cells in field order, for the table */
    json_object *fields = json_object_object_get(json_object_object_get(o, "master"), "fields");
    json_object *recs = json_object_object_get(o, "records");
    for (size_t i = 0; i < json_object_array_length(recs); i++) {
        json_object *data = json_object_object_get(json_object_array_get_idx(recs, i), "data");
        for (size_t k = 0; k < json_object_array_length(fields); k++) {
            const char *fname = json_object_get_string(json_object_object_get(json_object_array_get_idx(fields, k), "name"));
            page_set(p, arena_printf(r->a, "Rows.%zu.%zu", i, k), json_object_get_string(json_object_object_get(data, fname)));
        }
    }
    json_object_put(o);
    page_render(r, 200, &p, "manager/master.cs");
}
