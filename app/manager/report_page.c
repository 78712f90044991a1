/* report_page.c - the console's report page: the report laid out like the
 * paper form (and as a table, with the form to edit its values), how values
 * read (display, sign-offs, stamps), the approval stages, the history, and
 * the attachments. */
#include "manager/reports.h"
#include "http/router.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "forms/defcache.h"
#include "forms/value.h"
#include "http/form.h"
#include "http/response.h"
#include "manager/report_view.h"
#include "reports/report.h"
#include "export/layout.h"
#include "manager/view.h"
#include "reports/attach.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"
#include "util/str.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ small helpers */

/* The report id of the path (index 3), or NULL after a 404 page. */
const char *rpt_path_id(request *r)
{
    if (str_uuid_ok(req_param(r, "id")))
        return req_param(r, "id");
    resp_error(r, 404, "not_found", "There is nothing at this address.");
    return NULL;
}

/* "2024-05-01T12:34:56Z" → "2024-05-01 12:34" (UTC, as stored). */
const char *rpt_short_time(request *r, const char *t)
{
    return tz_show(r->a, tenant_zone(r->op.tenant), t, TZ_SHOW_CONSOLE);
}

static const char *num(request *r, double v)
{
    return arena_printf(r->a, "%.2f", v);
}

/* The catalog text for key in the page's language ("" when missing). */
const char *rpt_msg(request *r, const char *key)
{
    const char *m = page_msg(r->lang, key);
    return m ? m : "";
}

/* ------------------------------------------------------------------ values as people read them */

/* The layout's view of the page: the arena, the tenant's zone, the page's
 * language and catalog. */
static layout_env env_of(request *r)
{
    return (layout_env){.a = r->a, .zone = tenant_zone(r->op.tenant), .lang = r->lang, .msg = page_msg};
}

/* The value of c as a person reads it ("" when none). */
static const char *display(request *r, const def_cluster *c, const char *v)
{
    layout_env e = env_of(r);
    return layout_display(&e, c, v);
}

/* ------------------------------------------------------------------ the report page */

void rpt_rview_free(rview *rv)
{
    json_object_put(rv->rep);
    rv->rep = NULL;
}

/* Load report id and its definition revision; false with *res. */
bool rpt_rview_load(request *r, const char *id, rview *rv, op_result *res)
{
    memset(rv, 0, sizeof *rv);
    rv->id = id;
    rv->rep = report_json(&r->op, id, res);
    if (!rv->rep)
        return false;
    long long def_id = rpt_jint(rv->rep, "definition_id");
    rv->d = defcache_get(&r->op, def_id, rpt_jint(rv->rep, "definition_revision"), &rv->v, res);
    db_rows rows;
    db_status st = rv->d ? db_query(r->op.tenant->db, r->a,
                                    "SELECT rp.created_by, rp.applicant_id, c.name, u.name FROM reports rp JOIN users c ON "
                                    "c.id = rp.created_by JOIN users u ON u.id = rp.updated_by WHERE rp.id = ?",
                                    DB_ARGS(DB_STR(id)), &rows, NULL)
                         : DB_ERR;
    if (!rv->d || st != DB_OK || !rows.nrows) {
        if (rv->d)
            *res = st != DB_OK ? txn_result(st) : OP_NOT_FOUND;
        rpt_rview_free(rv);
        return false;
    }
    rv->creator = atoll(db_cell(&rows, 0, 0));
    rv->applicant = db_cell(&rows, 0, 1) ? atoll(db_cell(&rows, 0, 1)) : 0;
    rv->creator_name = db_cell(&rows, 0, 2);
    rv->updater_name = db_cell(&rows, 0, 3);
    rv->own = rv->creator == r->op.user->id;
    /* the same rules report_update applies, so the form is only offered when saving can work */
    const char *scope = arena_printf(r->a, "%lld", def_id), *status = rpt_jstr(rv->rep, "status");
    bool usable = !strcmp(rv->v.status, "published") || !strcmp(rv->v.status, "archived") ||
                  (!strcmp(rv->v.status, "test") && perm_has(&r->op, "tester", NULL));
    bool held = !strcmp(status, "applying") || !strcmp(status, "approved");
    rv->can_edit = perm_has(&r->op, "reports.edit", NULL) && usable &&
                   ((rv->own && perm_has(&r->op, "def.reports.create", scope)) || perm_has(&r->op, "def.reports.edit", scope)) &&
                   !(rv->d->applicant_lock && held);
    return true;
}

/* The stored value of (sheet, cluster) in the report's JSON. */
json_object *rpt_stored(const rview *rv, int sheet, int cluster)
{
    json_object *vals = json_object_object_get(rv->rep, "values");
    for (size_t i = 0; i < json_object_array_length(vals); i++) {
        json_object *x = json_object_array_get_idx(vals, i);
        if (rpt_jint(x, "sheet") == sheet && rpt_jint(x, "cluster") == cluster)
            return x;
    }
    return NULL;
}

static bool attached(const rview *rv, int sheet, int cluster)
{
    json_object *atts = json_object_object_get(rv->rep, "attachments");
    for (size_t i = 0; i < json_object_array_length(atts); i++) {
        json_object *x = json_object_array_get_idx(atts, i);
        if (rpt_jint(x, "sheet") == sheet && rpt_jint(x, "cluster") == cluster)
            return true;
    }
    return false;
}

/* May the console change c's value (when the report may be edited)? */
bool rpt_editable(const def_cluster *c, const char *value)
{
    return !value_read_only(c->type) && !(c->lock_after_save && value && *value);
}

/* The form field of c. */
static const char *field_name(request *r, const def_cluster *c)
{
    return arena_printf(r->a, "v.%d.%d", c->sheet_no, c->id);
}

/* What the submitted form holds for c (check boxes: "1" or ""; multiple
 * choice: the ticked items joined by TAB, in the form's order). */
const char *rpt_typed_value(request *r, const def_cluster *c)
{
    const char *name = field_name(r, c);
    if (c->type == CT_MULTIPLE_CHOICE) {
        buf b;
        buf_init(&b, r->a);
        for (int i = 0; r->form && i < r->form->n; i++)
            if (!strcmp(r->form->f[i].name, name) && *r->form->f[i].value)
                buf_printf(&b, "%s%s", b.len ? "\t" : "", r->form->f[i].value);
        return b.data ? b.data : "";
    }
    const char *v = r->form ? form_get(r->form, name) : NULL;
    if (c->type == CT_CHECK)
        return v && !strcmp(v, "1") ? "1" : "";
    return v ? v : "";
}

/* Same text, ignoring the CR of CR LF (a browser's text areas send them). */
bool rpt_same_text(const char *a, const char *b)
{
    for (;;) {
        if (*a == '\r' && a[1] == '\n')
            a++;
        if (*b == '\r' && b[1] == '\n')
            b++;
        if (*a != *b)
            return false;
        if (!*a)
            return true;
        a++, b++;
    }
}

/* The lines of a fitted text as page data: fs, anchor, tx, tl, lines. */
static void put_lines(request *r, json_object *co, const layout_cluster *l)
{
    static const char *anchors[] = {"start", "middle", "end"};
    if (!l->t.nlines)
        return;
    jx_add_str(co, "fs", num(r, l->t.fs));
    jx_add_str(co, "anchor", anchors[l->anchor]);
    jx_add_str(co, "tx", num(r, l->tx));
    if (l->tl > 0)
        jx_add_str(co, "tl", num(r, l->tl));
    json_object *lines = json_object_new_array();
    for (int i = 0; i < l->t.nlines; i++) {
        json_object *o = json_object_new_object();
        jx_add_str(o, "y", num(r, l->t.y[i]));
        jx_add_str(o, "t", l->t.lines[i]);
        json_object_array_add(lines, o);
    }
    json_object_object_add(co, "lines", lines);
}

/* The drawing of one cluster on its sheet (export/layout.c places it). */
static void draw(request *r, const rview *rv, const def_sheet *sh, const def_cluster *c, const char *value, json_object *co)
{
    layout_env e = env_of(r);
    layout_cluster l;
    layout_cluster_place(&e, sh, c, value, attached(rv, c->sheet_no, c->id), &l);
    jx_add_str(co, "x", num(r, l.x));
    jx_add_str(co, "y", num(r, l.y));
    jx_add_str(co, "w", num(r, l.w));
    jx_add_str(co, "h", num(r, l.h));
    if (l.cap) {
        jx_add_bool(co, "cap", true);
        jx_add_str(co, "capfs", num(r, l.capfs));
        jx_add_str(co, "capx", num(r, l.capx));
        jx_add_str(co, "capy", num(r, l.capy));
        if (l.capw > 0)
            jx_add_str(co, "capw", num(r, l.capw));
    }
    switch (l.kind) {
    case LAY_NONE: break;
    case LAY_FIXED: case LAY_TEXT:
        jx_add_str(co, "kind", l.kind == LAY_FIXED ? "fixed" : "text");
        put_lines(r, co, &l);
        break;
    case LAY_IMAGE:
        jx_add_str(co, "kind", "image");
        jx_add_str(co, "href", arena_printf(r->a, "/%s/manager/reports/%s/attachments/%d/%d", r->tenant_code, rv->id,
                                            c->sheet_no, c->id));
        break;
    case LAY_CHECK:
        jx_add_str(co, "kind", "check");
        jx_add_str(co, "fs", num(r, l.mark_fs));
        jx_add_str(co, "tx", num(r, l.mark_x));
        jx_add_str(co, "ty", num(r, l.mark_y));
        break;
    case LAY_STAMP: {
        const sv_stamp *st = &l.st;
        jx_add_str(co, "kind", "stamp");
        jx_add_str(co, "cx", num(r, st->cx));
        jx_add_str(co, "cy", num(r, st->cy));
        jx_add_str(co, "r", num(r, st->r));
        jx_add_str(co, "sw", num(r, st->stroke));
        jx_add_str(co, "bx1", num(r, st->cx - st->band_hw));
        jx_add_str(co, "bx2", num(r, st->cx + st->band_hw));
        jx_add_str(co, "by1", num(r, st->band_y1));
        jx_add_str(co, "by2", num(r, st->band_y2));
        jx_add_str(co, "role", l.role);
        jx_add_str(co, "rolefs", num(r, st->role_fs));
        jx_add_str(co, "roley", num(r, st->role_y));
        jx_add_str(co, "date", l.date);
        jx_add_str(co, "datefs", num(r, st->date_fs));
        jx_add_str(co, "datey", num(r, st->date_y));
        jx_add_str(co, "signer", l.signer);
        jx_add_str(co, "namefs", num(r, st->name_fs));
        jx_add_str(co, "namey", num(r, st->name_y));
        if (st->role_squeeze)
            jx_add_str(co, "rolew", num(r, st->role_w));
        if (st->date_squeeze)
            jx_add_str(co, "datew", num(r, st->date_w));
        if (st->name_squeeze)
            jx_add_str(co, "namew", num(r, st->name_w));
        break;
    }
    case LAY_SLOT:
        jx_add_str(co, "kind", "slot");
        jx_add_str(co, "cx", num(r, l.cx));
        jx_add_str(co, "cy", num(r, l.cy));
        jx_add_str(co, "r", num(r, l.r));
        break;
    }
}

/* The form input of an editable cluster: kind, limits, choices. */
static void input(request *r, const def_cluster *c, const char *iv, json_object *co)
{
    const char *kind = "text";
    const char *lines = def_param_get(c, "lines"), *maxlen = def_param_get(c, "maxLength");
    switch (c->type) {
    case CT_KEYBOARD_TEXT: case CT_CODE_READER:
        if (lines && atoi(lines) > 1) {
            kind = "textarea";
            jx_add_int(co, "rows", atoi(lines) > 6 ? 6 : atoi(lines));
        }
        if (maxlen)
            jx_add_str(co, "maxlength", maxlen);
        break;
    case CT_NUMERIC: kind = "number"; break;
    case CT_DATE: kind = "date"; break;
    case CT_TIME: {
        const char *sec = def_param_get(c, "seconds");
        kind = "time";
        if (sec && !strcmp(sec, "true"))
            jx_add_str(co, "step", "1");
        break;
    }
    case CT_CHECK: kind = "check"; break;
    case CT_MULTIPLE_CHOICE: kind = c->nitems ? "multi" : "text"; break;
    case CT_SELECT: case CT_TOGGLE: case CT_NUMERIC_SELECT: kind = c->nitems && !def_param_get(c, "master") ? "select" : "text"; break;
    default: break;
    }
    jx_add_str(co, "input", kind);
    jx_add_str(co, "field", field_name(r, c));
    jx_add_str(co, "iv", iv);
    if (!strcmp(kind, "select") || !strcmp(kind, "multi")) {
        json_object *items = json_object_new_array();
        for (int i = 0; i < c->nitems; i++) {
            json_object *it = json_object_new_object();
            const char *v = c->items[i].value;
            bool sel = false;
            if (!strcmp(kind, "select")) {
                sel = !strcmp(iv, v);
            } else {   /* TAB-joined choices */
                size_t n = strlen(v);
                for (const char *p = iv; *p;) {
                    const char *tab = strchr(p, '\t');
                    size_t k = tab ? (size_t)(tab - p) : strlen(p);
                    if (k == n && !memcmp(p, v, n))
                        sel = true;
                    if (!tab)
                        break;
                    p = tab + 1;
                }
            }
            jx_add_str(it, "v", v);
            jx_add_str(it, "l", c->items[i].label && *c->items[i].label ? c->items[i].label : v);
            jx_add_bool(it, "sel", sel);
            json_object_array_add(items, it);
        }
        json_object_object_add(co, "items", items);
    }
    const char *unit = def_param_get(c, "unit");
    if (unit && c->type == CT_NUMERIC)
        jx_add_str(co, "unit", unit);
}

/* The sheets as page data: every cluster's drawing, and its row of the table. */
static json_object *sheets_json(request *r, const rview *rv, const outcome *oc)
{
    json_object *sheets = json_object_new_array();
    for (int s = 0; s < rv->d->nsheets; s++) {
        const def_sheet *sh = &rv->d->sheets[s];
        json_object *so = json_object_new_object(), *cl = json_object_new_array();
        jx_add_int(so, "no", sh->no);
        jx_add_str(so, "name", sh->name);
        jx_add_int(so, "width", sh->width);
        jx_add_int(so, "height", sh->height);
        jx_add_bool(so, "background", sh->background != NULL);
        for (int i = 0; i < sh->nclusters; i++) {
            const def_cluster *c = &sh->clusters[i];
            json_object *co = json_object_new_object(), *sv = rpt_stored(rv, c->sheet_no, c->id);
            const char *value = rpt_jstr(sv, "value");
            jx_add_int(co, "id", c->id);
            jx_add_str(co, "key", arena_printf(r->a, "%d-%d", c->sheet_no, c->id));
            jx_add_str(co, "name", c->name);
            jx_add_str(co, "type", cluster_type_name(c->type));
            draw(r, rv, sh, c, value, co);
            if (c->type == CT_FIXED_TEXT) {   /* a label of the form, not data: drawn, not listed */
                jx_add_bool(co, "label", true);
                json_object_array_add(cl, co);
                continue;
            }
            const char *shown = display(r, c, value);
            jx_add_str(co, "value", shown);
            jx_add_str(co, "by", rpt_jstr(sv, "edited_by"));
            jx_add_str(co, "at", rpt_short_time(r, rpt_jstr(sv, "edited_at")));
            json_object *oon;
            if (sv && json_object_object_get_ex(sv, "out_of_normal", &oon) && json_object_get_boolean(oon)) {
                const char *lo = def_param_get(c, "normalMinimum"), *hi = def_param_get(c, "normalMaximum");
                jx_add_bool(co, "oon", true);
                jx_add_str(co, "normal", lo && hi ? arena_printf(r->a, "%s – %s", lo, hi)
                                         : hi ? arena_printf(r->a, "≤ %s", hi) : lo ? arena_printf(r->a, "≥ %s", lo) : NULL);
            }
            if (layout_is_attachment(c->type) && attached(rv, c->sheet_no, c->id))
                jx_add_str(co, "href", arena_printf(r->a, "/%s/manager/reports/%s/attachments/%d/%d", r->tenant_code, rv->id,
                                                    c->sheet_no, c->id));
            if (rv->can_edit && rpt_editable(c, value)) {
                const char *typed = oc && (oc->typed || oc->stale) ? rpt_typed_value(r, c) : NULL;
                input(r, c, oc && oc->typed ? typed : value ? value : "", co);
                if (oc && oc->stale && !rpt_same_text(typed, value ? value : ""))
                    jx_add_str(co, "mine", *typed ? display(r, c, typed) : "—");
            }
            const char *f = arena_printf(r->a, "%d/%d", c->sheet_no, c->id);
            for (int k = 0; oc && oc->e && k < oc->e->n; k++)
                if (oc->e->e[k].field && !strcmp(oc->e->e[k].field, f)) {
                    jx_add_str(co, "err", page_err_message(r->a, r->lang, oc->e->e[k].code, oc->e->e[k].arg));
                    break;
                }
            json_object_array_add(cl, co);
        }
        json_object_object_add(so, "clusters", cl);
        json_object_array_add(sheets, so);
    }
    return sheets;
}

/* The history, newest first, with cluster names and values as people read
 * them. */
static json_object *history_json(request *r, const rview *rv)
{
    op_result res;
    json_object *o = report_history(&r->op, rv->id, &res), *all = json_object_object_get(o, "history");
    if (!all || !json_object_is_type(all, json_type_array)) {
        json_object_put(o);
        return NULL;
    }
    json_object *h = json_object_new_array();
    for (size_t n = json_object_array_length(all), i = n; i-- > 0;)
        json_object_array_add(h, json_object_get(json_object_array_get_idx(all, i)));
    json_object_put(o);
    for (size_t i = 0; i < json_object_array_length(h); i++) {
        json_object *x = json_object_array_get_idx(h, i);
        jx_add_str(x, "when", rpt_short_time(r, rpt_jstr(x, "at")));
        int rk = rpt_jint(x, "remark");
        if (rk >= 1 && rk <= REPORT_REMARKS) {   /* a remark: the definition's name for it */
            const char *nm = rv->d->remarks_names[rk - 1];
            jx_add_str(x, "cname", nm ? nm : arena_printf(r->a, "%s %d", rpt_msg(r, "report.remarks_n"), rk));
            jx_add_str(x, "old_shown", rpt_jstr(x, "old"));
            jx_add_str(x, "new_shown", rpt_jstr(x, "new"));
            continue;
        }
        if (!json_object_object_get_ex(x, "sheet", NULL)) {   /* an event without value changes: the creation */
            jx_add_str(x, "cname", rpt_msg(r, arena_printf(r->a, "report.event_%s", rpt_jstr(x, "event"))));
            continue;
        }
        const def_cluster *c = def_find(rv->d, rpt_jint(x, "sheet"), rpt_jint(x, "cluster"));
        jx_add_str(x, "cname", c ? c->name : arena_printf(r->a, "%d/%d", rpt_jint(x, "sheet"), rpt_jint(x, "cluster")));
        if (c) {
            jx_add_str(x, "old_shown", display(r, c, rpt_jstr(x, "old")));
            jx_add_str(x, "new_shown", display(r, c, rpt_jstr(x, "new")));
        } else {
            jx_add_str(x, "old_shown", rpt_jstr(x, "old"));
            jx_add_str(x, "new_shown", rpt_jstr(x, "new"));
        }
    }
    return h;
}

/* A remark's problem as people read it ("at most 500 characters"). */
static const char *remark_err(request *r, const char *code, const char *arg)
{
    return page_err_message(r->a, r->lang, code && !strcmp(code, "too_long") ? "remark_too_long" : code, arg);
}

/* Is the user a member of the group an approval stage names? */
static bool stage_member(request *r, const definition *d, int stage)
{
    if (stage < 1 || stage > d->nstages || !d->stages[stage - 1].group)
        return false;
    db_rows rows;
    if (db_query(r->op.tenant->db, r->a, "SELECT id FROM `groups` WHERE name = ?", DB_ARGS(DB_STR(d->stages[stage - 1].group)),
                 &rows, NULL) != DB_OK ||
        !rows.nrows)
        return false;
    return perm_member_of(&r->op, atoll(db_cell(&rows, 0, 0)));
}

void rpt_render_report(request *r, int status, const char *id, const outcome *oc)
{
    rview rv;
    op_result res;
    if (!rpt_rview_load(r, id, &rv, &res))
        return view_fail(r, res);
    page *p = view_page(r, "report.title");
    json_object *rep = rv.rep;
    const char *st = rpt_jstr(rep, "status");
    int stage = rpt_jint(rep, "stage");
    page_set(p, "R.id", id);
    page_set(p, "R.name", rpt_jstr(rep, "name"));
    page_set(p, "R.number", rpt_jstr(rep, "number"));
    page_set(p, "R.status", st);
    page_set_int(p, "R.stage", stage);
    page_set_int(p, "R.rev", rpt_jint(rep, "rev"));
    page_set_int(p, "R.definition_id", rpt_jint(rep, "definition_id"));
    page_set_int(p, "R.definition_revision", rpt_jint(rep, "definition_revision"));
    page_set(p, "R.definition_name", rv.d->name);
    page_set(p, "R.created", rpt_short_time(r, rpt_jstr(rep, "created_at")));
    page_set(p, "R.creator", rv.creator_name);
    page_set(p, "R.creator_login", rpt_jstr(rep, "created_by"));
    page_set(p, "R.updated", rpt_short_time(r, rpt_jstr(rep, "updated_at")));
    page_set(p, "R.updater", rv.updater_name);
    page_set(p, "R.updater_login", rpt_jstr(rep, "updated_by"));
    /* remarks: those set or named by the definition (remarksNameN); system keys: those set */
    json_object *rm = json_object_object_get(rep, "remarks"), *sk = json_object_object_get(rep, "system_keys");
    for (int i = 0, n = 0; i < REPORT_REMARKS; i++) {
        const char *v = rpt_jstr(rm, arena_printf(r->a, "%d", i + 1)), *name = rv.d->remarks_names[i];
        if (!v && !name)
            continue;
        page_set_int(p, arena_printf(r->a, "Remarks.%d.no", n), i + 1);
        page_set(p, arena_printf(r->a, "Remarks.%d.name", n), name);
        page_set(p, arena_printf(r->a, "Remarks.%d.value", n++), v);
    }
    /* the remarks form (every remark; what was typed again after a refusal) */
    for (int i = 0; rv.can_edit && i < REPORT_REMARKS; i++) {
        const char *k = arena_printf(r->a, "RemarkForm.%d.", i), *field = arena_printf(r->a, "remarks.%d", i + 1);
        const char *typed = oc && (oc->typed || oc->stale) && r->form ? form_get(r->form, arena_printf(r->a, "remarks%d", i + 1)) : NULL;
        page_set_int(p, arena_printf(r->a, "%sno", k), i + 1);
        page_set(p, arena_printf(r->a, "%sname", k), rv.d->remarks_names[i]);
        page_set(p, arena_printf(r->a, "%sv", k), typed && oc->typed ? typed : rpt_jstr(rm, arena_printf(r->a, "%d", i + 1)));
        for (int e = 0; oc && oc->e && e < oc->e->n; e++)
            if (oc->e->e[e].field && !strcmp(oc->e->e[e].field, field))
                page_set(p, arena_printf(r->a, "%serr", k), remark_err(r, oc->e->e[e].code, oc->e->e[e].arg));
    }
    if (rv.can_edit)
        page_set_int(p, "RemarkMax", REPORT_REMARK_MAX);
    for (int i = 0, n = 0; i < REPORT_SYSKEYS; i++) {
        const char *v = rpt_jstr(sk, arena_printf(r->a, "%d", i + 1));
        if (!v)
            continue;
        page_set_int(p, arena_printf(r->a, "SystemKeys.%d.no", n), i + 1);
        page_set(p, arena_printf(r->a, "SystemKeys.%d.value", n++), v);
    }
    for (int i = 0; i < rv.d->nstages; i++) {
        const char *k = arena_printf(r->a, "Stages.%d.", i);
        const char *state = !strcmp(st, "approved") ? "approved"
                            : !strcmp(st, "applying") ? (i + 1 < stage ? "approved" : i + 1 == stage ? "pending" : "")
                            : !strcmp(st, "rejected") && i + 1 == stage ? "rejected" : "";
        page_set_int(p, arena_printf(r->a, "%sno", k), rv.d->stages[i].no);
        page_set(p, arena_printf(r->a, "%sname", k), rv.d->stages[i].name);
        page_set(p, arena_printf(r->a, "%sgroup", k), rv.d->stages[i].group);
        page_set(p, arena_printf(r->a, "%sstate", k), state);
    }
    /* what this user may do now */
    const char *scope = arena_printf(r->a, "%d", rpt_jint(rep, "definition_id"));
    if (rv.can_edit)
        page_set(p, "Can.edit", "1");
    if (!strcmp(st, "applying") && stage_member(r, rv.d, stage)) {
        page_set(p, "Can.approve", "1");
        page_set(p, "Can.stage_name", stage <= rv.d->nstages ? rv.d->stages[stage - 1].name : "");
    }
    if (rv.d->nstages && (!strcmp(st, "editing") || !strcmp(st, "rejected")) &&
        (rv.own || rv.applicant == r->op.user->id))
        page_set(p, "Can.apply", "1");
    if (!strcmp(st, "applying") && rv.applicant == r->op.user->id)
        page_set(p, "Can.withdraw", "1");
    if (perm_has(&r->op, "reports.edit", NULL) && perm_has(&r->op, "def.reports.create", scope))
        page_set(p, "Can.copy", "1");
    if (perm_has(&r->op, "reports.delete", NULL))
        page_set(p, "Can.delete", "1");

    json_object *sheets = sheets_json(r, &rv, oc);
    page_set_json(p, "Sheets", sheets);
    json_object_put(sheets);
    json_object *apps = json_object_object_get(rep, "approvals");
    for (size_t i = 0; i < json_object_array_length(apps); i++) {
        json_object *x = json_object_array_get_idx(apps, i);
        int sn = rpt_jint(x, "stage");
        jx_add_str(x, "when", rpt_short_time(r, rpt_jstr(x, "at")));
        if (sn >= 1 && sn <= rv.d->nstages)
            jx_add_str(x, "stage_name", rv.d->stages[sn - 1].name);
    }
    page_set_json(p, "Approvals", apps);
    json_object *hist = history_json(r, &rv);
    if (hist) {
        page_set_json(p, "History", hist);
        page_set(p, "HistoryShown", "1");
        json_object_put(hist);
    }
    if (oc && oc->e && oc->e->n) {
        /* the list above the form names each cluster */
        for (int k = 0; k < oc->e->n; k++) {
            int s = 0, c = 0;
            const def_cluster *dc = oc->e->e[k].field && sscanf(oc->e->e[k].field, "%d/%d", &s, &c) == 2
                                        ? def_find(rv.d, s, c) : NULL;
            int rk = 0;
            if (oc->e->e[k].field && sscanf(oc->e->e[k].field, "remarks.%d", &rk) == 1 && rk >= 1 && rk <= REPORT_REMARKS) {
                const char *nm = rv.d->remarks_names[rk - 1];
                page_set(p, arena_printf(r->a, "ErrorList.%d", k),
                         arena_printf(r->a, "%s: %s", nm ? nm : arena_printf(r->a, "%s %d", rpt_msg(r, "report.remarks_n"), rk),
                                      remark_err(r, oc->e->e[k].code, oc->e->e[k].arg)));
                continue;
            }
            const char *m = page_err_message(r->a, r->lang, oc->e->e[k].code, oc->e->e[k].arg);
            page_set(p, arena_printf(r->a, "ErrorList.%d", k), dc ? arena_printf(r->a, "%s: %s", dc->name, m) : m);
        }
    }
    if (oc && oc->stale)
        page_set(p, "Stale", "1");
    if (oc && oc->alert)
        page_set(p, "Alert", oc->alert);
    rpt_rview_free(&rv);
    page_render(r, status, &p, "manager/report.cs");
}

void manager_report(request *r)
{
    const char *id = rpt_path_id(r);
    if (id)
        rpt_render_report(r, 200, id, NULL);
}

/* ------------------------------------------------------------------ attachments */

void manager_report_attachment(request *r)
{
    const char *id = rpt_path_id(r);
    if (!id)
        return;
    attach_target t;
    attach_meta m;
    refusal why = {0};
    const unsigned char *data = NULL;
    /* visible to its creator and to holders of def.reports.view, as the report */
    op_result res = attach_target_find(&r->op, id, req_param(r, "sheet"), req_param(r, "cluster"), false, &t, &why);
    if (res == OP_OK)
        res = attach_read(&r->op, &t, &m, &data, &why);
    if (res == OP_INVALID && why.kind && why.kind != 404) {
        json_object_put(why.body);
        return resp_error(r, why.kind, why.code, why.message);
    }
    if (res != OP_OK) {
        json_object_put(why.body);
        return view_fail(r, res == OP_INVALID ? OP_NOT_FOUND : res);
    }
    resp_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    resp_header(r, "Cache-Control", "private, no-store");
    resp_send(r, 200, m.content_type, data, (size_t)m.size);
}
