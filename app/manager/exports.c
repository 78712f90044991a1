#include "manager/exports.h"
#include "auth/perm.h"
#include "http/form.h"
#include "http/page.h"
#include "http/response.h"
#include "http/router.h"
#include "jobs/exports.h"
#include "manager/view.h"
#include "server/worker.h"
#include "util/jsonx.h"

#include <string.h>

static bool control(request *r, db_conn **c)
{
    if (worker_control_db(worker_of(r), c) == DB_OK)
        return true;
    view_fail(r, OP_GONE);
    return false;
}

/* The page: the user's exports; errors of a start that was refused. */
static void render(request *r, int status, const errs *e)
{
    db_conn *c;
    if (!control(r, &c))
        return;
    op_result res;
    json_object *o = exports_list(&r->op, c, &res);
    if (!o)
        return view_fail(r, res);
    page *p = view_page(r, "exports.title");
    /* catalog keys have no "-": exports.format.pdf_zip */
    json_object *arr = json_object_object_get(o, "exports");
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *x = json_object_array_get_idx(arr, i);
        const char *f = json_object_get_string(json_object_object_get(x, "format"));
        char *k = arena_strdup(r->a, f ? f : "");
        for (char *q = k; *q; q++)
            if (*q == '-')
                *q = '_';
        jx_add_str(x, "format_key", k);
    }
    page_set_json(p, "Exports", arr);
    json_object_put(o);
    page_set(p, "Script", "exports.js");
    page_set(p, "CanFull", perm_has(&r->op, "admin", NULL) ? "1" : NULL);
    if (e)
        page_set_errors(p, r, e);
    page_render(r, status, &p, "manager/exports.cs");
}

void manager_exports(request *r)
{
    render(r, 200, NULL);
}

void manager_exports_status(request *r)
{
    db_conn *c;
    if (worker_control_db(worker_of(r), &c) != DB_OK)
        return resp_unavailable(r, "database_unavailable", "The database is not reachable right now.");
    op_result res;
    json_object *o = exports_list(&r->op, c, &res);
    if (!o)
        return resp_error(r, res == OP_GONE ? 503 : 500, "failed", "The exports could not be read.");
    resp_json(r, 200, o);
}

/* The form as the API's body: format, encoding, the list's filter, the ticked rows. */
static json_object *body_of(request *r)
{
    static const char *const keys[] = {"definition", "status", "from", "to", "creator", "label", "text"};
    json_object *b = json_object_new_object(), *f = json_object_new_object(), *ids = NULL;
    char *fmt = arena_strdup(r->a, view_field(r, "format"));   /* the catalog's pdf_zip is the API's pdf-zip */
    for (char *c = fmt; *c; c++)
        if (*c == '_')
            *c = '-';
    jx_add_str(b, "format", fmt);
    if (*view_field(r, "encoding"))
        jx_add_str(b, "encoding", view_field(r, "encoding"));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (*view_field(r, keys[i]))
            jx_add_str(f, keys[i], view_field(r, keys[i]));
    json_object_object_add(b, "filter", f);
    bool chosen = !strcmp(view_field(r, "scope"), "selected");
    for (int i = 0; chosen && r->form && i < r->form->n; i++)
        if (!strcmp(r->form->f[i].name, "ids")) {
            if (!ids)
                ids = json_object_new_array();
            json_object_array_add(ids, json_object_new_string(r->form->f[i].value));
        }
    if (chosen)
        json_object_object_add(b, "ids", ids ? ids : json_object_new_array());
    return b;
}

void manager_exports_start(request *r)
{
    db_conn *c;
    if (!control(r, &c))
        return;
    json_object *b = body_of(r);
    errs e;
    errs_init(&e, r->a);
    refusal why = {0};
    char id[37];
    op_result res = exports_start(&r->op, c, b, &e, &why, id);
    json_object_put(b);
    if (res == OP_INVALID && why.kind != REF_NONE)
        return resp_error(r, resp_refusal_status(why.kind), why.code, why.message);
    if (res == OP_INVALID)
        return render(r, 422, &e);
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, "exports", "export_started");
}

void manager_exports_full(request *r)
{
    db_conn *c;
    if (!control(r, &c))
        return;
    refusal why = {0};
    char id[37];
    op_result res = exports_start_full(&r->op, c, &why, id);
    if (res == OP_INVALID && why.kind != REF_NONE)
        return resp_error(r, resp_refusal_status(why.kind), why.code, why.message);
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, "exports", "export_started");
}

void manager_exports_cancel(request *r)
{
    db_conn *c;
    job j;
    if (!control(r, &c))
        return;
    op_result res = exports_cancel(&r->op, c, req_param(r, "id"), &j);
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, "exports", "export_cancelled");
}

void manager_exports_file(request *r)
{
    db_conn *c;
    job j;
    if (!control(r, &c))
        return;
    op_result res = exports_get(&r->op, c, req_param(r, "id"), &j);
    if (res != OP_OK)
        return view_fail(r, res);
    if (strcmp(j.status, "done"))
        return resp_error(r, 409, "not_ready", "Only a finished export can be downloaded.");
    resp_stream s = {.r = r, .content_type = j.content_type, .filename = j.file_name, .len = (uint64_t)j.bytes};
    res = exports_read(&r->op, &j, resp_stream_write, &s);
    if (s.begun)
        return;
    if (res == OP_OK)
        resp_stream_write(&s, "", 0);
    else if (res == OP_NOT_FOUND)
        resp_error(r, 410, "expired", "The export's file is no longer kept.");
    else
        view_fail(r, res == OP_CONFLICT ? OP_ERROR : res);
}
