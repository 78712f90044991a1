#include "manager/definitions.h"
#include "http/router.h"
#include "auth/groups.h"
#include "auth/perm.h"
#include "auth/users.h"
#include "forms/labels.h"
#include "forms/store.h"
#include "forms/upload.h"
#include "http/form.h"
#include "http/multipart.h"
#include "http/response.h"
#include "manager/view.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void render_list(request *r, int status, const errs *e)
{
    long long label = 0;
    const char *ls = req_query(r, "label"), *st = req_query(r, "status"), *name = req_query(r, "name");
    if (ls && *ls)
        users_parse_id(ls, &label);
    if (st && !*st)
        st = NULL;
    if (name && !*name)
        name = NULL;
    op_result res;
    json_object *defs = defstore_list(&r->op, label, st, name, &res), *labels = defs ? labels_list(&r->op, &res) : NULL;
    if (!labels) {
        json_object_put(defs);
        return view_fail(r, res);
    }
    page *p = view_page(r, "defs.title");
    page_set_json(p, "Defs", defs);
    page_set_json(p, "Labels", labels);
    page_set(p, "Filter.label", ls);
    page_set(p, "Filter.status", st);
    page_set(p, "Filter.name", name);
    if (e)
        page_set_errors(p, r, e);
    json_object_put(defs);
    json_object_put(labels);
    page_render(r, status, &p, "manager/definitions.cs");
}

void manager_definitions(request *r)
{
    render_list(r, 200, NULL);
}

/* The uploaded file of the form, or NULL after adding an error. */
static const multipart_part *uploaded(request *r, errs *e)
{
    const multipart_part *f = multipart_get(r->parts, r->nparts, "file");
    if (!f || !f->len) {
        errs_add(e, "file", "required");
        return NULL;
    }
    return f;
}

void manager_definition_upload(request *r)
{
    errs e;
    errs_init(&e, r->a);
    const multipart_part *f = uploaded(r, &e);
    long long id;
    int rev;
    bool new_rev;
    op_result res = f ? defupload_process(&r->op, 0, defupload_is_zip(f->content_type, f->filename, f->data, f->len), f->data,
                                          f->len, &e, &id, &rev, &new_rev)
                      : OP_INVALID;
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "definitions/%lld", id), "definition_uploaded");
    if (res == OP_INVALID)
        return render_list(r, 422, &e);
    view_fail(r, res);
}

/* The model as page data: each cluster with its rectangle in points. */
static json_object *preview(request *r, const definition *d)
{
    json_object *sheets = json_object_new_array();
    for (int s = 0; s < d->nsheets; s++) {
        const def_sheet *sh = &d->sheets[s];
        json_object *so = json_object_new_object(), *cl = json_object_new_array();
        jx_add_int(so, "no", sh->no);
        jx_add_str(so, "name", sh->name);
        jx_add_int(so, "width", sh->width);
        jx_add_int(so, "height", sh->height);
        jx_add_bool(so, "background", sh->background != NULL);
        for (int i = 0; i < sh->nclusters; i++) {
            const def_cluster *c = &sh->clusters[i];
            json_object *co = json_object_new_object(), *params = json_object_new_array();
            jx_add_int(co, "id", c->id);
            jx_add_str(co, "name", c->name);
            jx_add_str(co, "type", cluster_type_name(c->type));
            jx_add_bool(co, "required", c->required);
            jx_add_str(co, "x", arena_printf(r->a, "%.2f", c->fleft * sh->width));
            jx_add_str(co, "y", arena_printf(r->a, "%.2f", c->ftop * sh->height));
            jx_add_str(co, "w", arena_printf(r->a, "%.2f", (c->fright - c->fleft) * sh->width));
            jx_add_str(co, "h", arena_printf(r->a, "%.2f", (c->fbottom - c->ftop) * sh->height));
            jx_add_str(co, "ty", arena_printf(r->a, "%.2f", c->ftop * sh->height + 9));
            for (int k = 0; k < c->nparams; k++) {
                json_object *po = json_object_new_object();
                jx_add_str(po, "name", c->params[k].name);
                jx_add_str(po, "value", c->params[k].value);
                json_object_array_add(params, po);
            }
            if (c->nitems) {
                buf items;
                buf_init(&items, r->a);
                for (int k = 0; k < c->nitems; k++)
                    buf_printf(&items, "%s%s", k ? " / " : "", c->items[k].label ? c->items[k].label : c->items[k].value);
                json_object *po = json_object_new_object();
                jx_add_str(po, "name", "items");
                jx_add_str(po, "value", items.data);
                json_object_array_add(params, po);
            }
            json_object_object_add(co, "params", params);
            json_object_array_add(cl, co);
        }
        json_object_object_add(so, "clusters", cl);
        json_object_array_add(sheets, so);
    }
    return sheets;
}

static void render_detail(request *r, int status, long long id, const errs *e)
{
    long long rev = 0;
    const char *rq = req_query(r, "revision");
    if (rq && *rq && !users_parse_id(rq, &rev))
        return view_fail(r, OP_NOT_FOUND);
    def_rev v;
    op_result res = defstore_get(&r->op, id, (int)rev, &v);
    if (res != OP_OK)
        return view_fail(r, res);
    definition *d = defstore_model(&r->op, &v, &res);
    if (!d)
        return view_fail(r, res);
    const char *scope = arena_printf(r->a, "%lld", id);
    json_object *revs = defstore_revisions(&r->op, id, &res), *labels = revs ? labels_list(&r->op, &res) : NULL;
    json_object *groups = labels ? groups_list(&r->op, &res) : NULL, *grants = groups ? groups_scoped(&r->op, scope, &res) : NULL;
    if (!grants) {
        json_object_put(revs);
        json_object_put(labels);
        json_object_put(groups);
        return view_fail(r, res);
    }
    page *p = view_page(r, "def.title");
    page_set_int(p, "Def.id", id);
    page_set_int(p, "Def.revision", v.revision);
    page_set(p, "Def.name", v.name);
    page_set(p, "Def.status", v.status);
    page_set(p, "Def.updated_at", v.updated_at);
    page_set_int(p, "Def.latest", json_object_get_int(json_object_object_get(json_object_array_get_idx(revs, 0), "revision")));
    for (int i = 0; i < d->nstages; i++) {
        page_set(p, arena_printf(r->a, "Def.stages.%d.name", i), d->stages[i].name);
        page_set(p, arena_printf(r->a, "Def.stages.%d.group", i), d->stages[i].group);
    }
    json_object *sheets = preview(r, d);
    page_set_json(p, "Sheets", sheets);
    json_object_put(sheets);
    page_set_json(p, "Revisions", revs);
    page_set_json(p, "Labels", labels);
    page_set_json(p, "Groups", groups);
    /* current labels and grants as sets for the checkboxes */
    db_rows lr;
    if (db_query(r->op.tenant->db, r->a, "SELECT label_id FROM definition_labels WHERE definition_id = ?", DB_ARGS(DB_INT(id)),
                 &lr, NULL) == DB_OK)
        for (size_t i = 0; i < lr.nrows; i++)
            page_set(p, arena_printf(r->a, "HasLabel.%s", db_cell(&lr, i, 0)), "1");
    for (size_t i = 0; i < json_object_array_length(grants); i++) {
        json_object *g = json_object_array_get_idx(grants, i);
        char *perm = arena_strdup(r->a, json_object_get_string(json_object_object_get(g, "permission")));
        for (char *c = perm; *c; c++)
            if (*c == '.')
                *c = '_';
        page_set(p, arena_printf(r->a, "Grant.%s.%s", json_object_get_string(json_object_object_get(g, "group_id")), perm), "1");
    }
    static const char *const dperms[] = {"def.view", "def.edit", "def.delete", "def.reports.view", "def.reports.create",
                                         "def.reports.edit", "def.reports.delete"};
    for (size_t i = 0; i < sizeof dperms / sizeof dperms[0]; i++) {
        char *key = arena_strdup(r->a, dperms[i]);
        for (char *c = key; *c; c++)
            if (*c == '.')
                *c = '_';
        page_set(p, arena_printf(r->a, "DefPerms.%zu.name", i), dperms[i]);
        page_set(p, arena_printf(r->a, "DefPerms.%zu.key", i), key);
    }
    if (e)
        page_set_errors(p, r, e);
    json_object_put(revs);
    json_object_put(labels);
    json_object_put(groups);
    json_object_put(grants);
    page_render(r, status, &p, "manager/definition.cs");
}

/* Answer a change of definition id: back to its page with a notice, the
 * page again with the problems (422), or the failure. */
static void after_change(request *r, long long id, op_result res, const errs *e, const char *done)
{
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "definitions/%lld", id), done);
    if (res == OP_INVALID)
        return render_detail(r, 422, id, e);
    view_fail(r, res);
}

void manager_definition(request *r)
{
    long long id;
    if (view_id(r, "id", &id))
        render_detail(r, 200, id, NULL);
}

void manager_definition_revise(request *r)
{
    long long id, out;
    if (!view_id(r, "id", &id))
        return;
    errs e;
    errs_init(&e, r->a);
    const multipart_part *f = uploaded(r, &e);
    int rev;
    bool new_rev;
    op_result res = f ? defupload_process(&r->op, id, defupload_is_zip(f->content_type, f->filename, f->data, f->len), f->data,
                                          f->len, &e, &out, &rev, &new_rev)
                      : OP_INVALID;
    after_change(r, id, res, &e, new_rev ? "definition_revised" : "definition_replaced");
}

void manager_definition_status(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    errs e;
    errs_init(&e, r->a);
    op_result res = defstore_set_status(&r->op, id, view_field(r, "status"), &e);
    after_change(r, id, res, &e, "definition_status");
}

void manager_definition_labels(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    long long *ids = arena_calloc(r->a, (size_t)r->form->n + 1, sizeof *ids);
    int n = 0;
    for (int i = 0; i < r->form->n; i++)
        if (!strcmp(r->form->f[i].name, "label") && users_parse_id(r->form->f[i].value, &ids[n]))
            n++;
    errs e;
    errs_init(&e, r->a);
    op_result res = labels_set(&r->op, id, ids, n, &e);
    after_change(r, id, res, &e, "definition_labels");
}

void manager_definition_perms(request *r)
{
    long long id;
    if (!view_id(r, "id", &id))
        return;
    def_rev v;
    op_result res = defstore_get(&r->op, id, 0, &v);
    if (res != OP_OK)
        return view_fail(r, res);
    /* fields "grant" = "<group id>:<permission>" */
    int cap = r->form->n + 1, n = 0;
    long long *groups = arena_calloc(r->a, (size_t)cap, sizeof *groups);
    const char **perms = arena_calloc(r->a, (size_t)cap, sizeof *perms);
    for (int i = 0; i < r->form->n; i++) {
        if (strcmp(r->form->f[i].name, "grant"))
            continue;
        const char *colon = strchr(r->form->f[i].value, ':');
        if (colon && users_parse_id(arena_strndup(r->a, r->form->f[i].value, (size_t)(colon - r->form->f[i].value)), &groups[n])) {
            perms[n] = colon + 1;
            n++;
        }
    }
    errs e;
    errs_init(&e, r->a);
    res = groups_set_scoped(&r->op, arena_printf(r->a, "%lld", id), groups, perms, n, &e);
    after_change(r, id, res, &e, "definition_permissions");
}

void manager_definition_export(request *r)
{
    long long id, rev = 0;
    if (!view_id(r, "id", &id))
        return;
    const char *rq = req_query(r, "revision");
    if (rq && *rq && !users_parse_id(rq, &rev))
        return view_fail(r, OP_NOT_FOUND);
    def_rev v;
    op_result res = defstore_get(&r->op, id, (int)rev, &v);
    if (res != OP_OK)
        return view_fail(r, res);
    buf out;
    const char *ctype, *ext;
    buf_init(&out, r->a);
    if ((res = defstore_export(&r->op, &v, &out, &ctype, &ext)) != OP_OK)
        return view_fail(r, res);
    resp_header(r, "Content-Disposition",
                arena_printf(r->a, "attachment; filename=\"definition-%lld-r%d.%s\"", id, v.revision, ext));
    resp_send(r, 200, ctype, out.data, out.len);
}

void manager_definition_background(request *r)
{
    long long id, rev, sheet;
    if (!view_id(r, "id", &id) || !view_id(r, "rev", &rev) || !view_id(r, "no", &sheet))
        return;
    const char *ctype;
    const void *data;
    size_t len;
    op_result res = defstore_background(&r->op, id, (int)rev, (int)sheet, &ctype, &data, &len);
    if (res != OP_OK)
        return view_fail(r, res);
    resp_header(r, "Cache-Control", "private, max-age=86400");
    resp_send(r, 200, ctype, data, len);
}

void manager_label_create(request *r)
{
    long long parent = 0, id;
    users_parse_id(view_field(r, "parent_id"), &parent);
    errs e;
    errs_init(&e, r->a);
    op_result res = labels_create(&r->op, view_field(r, "name"), parent, &e, &id);
    if (res == OP_OK)
        return view_done(r, "definitions", "label_created");
    if (res == OP_INVALID || res == OP_CONFLICT)
        return render_list(r, res == OP_INVALID ? 422 : 409, &e);
    view_fail(r, res);
}
