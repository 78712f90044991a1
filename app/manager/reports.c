/* reports.c - the console's list of reports: the filters (definition,
 * status, dates, creator, label, text, remarks, system key, a cluster's
 * value) and the pages of
 * results. */
#include "manager/reports.h"
#include "auth/users.h"
#include "forms/decimal.h"
#include "forms/defcache.h"
#include "forms/labels.h"
#include "forms/store.h"
#include "forms/value.h"
#include "manager/report_view.h"
#include "manager/view.h"
#include "reports/list.h"
#include "reports/report.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_PAGE 50

static const char *const statuses[] = {"editing", "completed", "applying", "approved", "rejected"};

/* ------------------------------------------------------------------ the list */

/* A query value, NULL when absent or empty. */
static const char *qv(request *r, const char *k)
{
    const char *v = req_query(r, k);
    return v && *v ? v : NULL;
}

/* The filter as a query string (for the paging links). */
static const char *filter_query(request *r)
{
    static const char *const keys[] = {"definition", "status", "from", "to", "creator", "label", "text", "cluster", "value",
                                       "remarks", "system_key"};
    buf q;
    buf_init(&q, r->a);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = qv(r, keys[i]);
        if (v)
            buf_printf(&q, "%s%s=%s", q.len ? "&" : "", keys[i], str_urlencode(r->a, v));
    }
    return q.data ? q.data : "";
}

/* "stage 2" / "第2段階" (catalog reports.stage_n with {n}). */
static const char *stage_label(request *r, int n)
{
    const char *m = rpt_msg(r, "reports.stage_n"), *at = strstr(m, "{n}");
    return at ? arena_printf(r->a, "%.*s%d%s", (int)(at - m), m, n, at + 3) : arena_printf(r->a, "%s %d", m, n);
}

/* Clusters whose value one can look for. */
/* The value as it is stored, so that "9.50" finds 9.5 and "1" finds 1.0:
 * what the value engine accepts in its canonical form, and a number
 * (also one with more places written than the cluster keeps, or out of its
 * limits) in the form of the cluster's decimal places. */
static const char *search_value(request *r, const def_cluster *c, const char *v)
{
    const char *canon = NULL;
    if (!value_check(r->a, c, v, NULL, &canon, NULL) && canon)
        return canon;
    decimal d;
    if ((c->type != CT_NUMERIC && c->type != CT_CALCULATE && c->type != CT_NUMERIC_SELECT) || dec_parse(v, &d) != DEC_OK)
        return v;
    dec_trim(&d);
    const char *dp = def_param_get(c, "decimalPlaces");
    if (!dp)
        return dec_str(r->a, &d);
    decimal out;
    /* only when no digit is lost: 9.55 does not find 9.6 */
    if (d.scale > atoi(dp) || dec_round(&d, atoi(dp), &out) != DEC_OK)
        return v;
    return dec_str(r->a, &out);
}

/* Names for the creators' logins of a page of reports. */
static void creator_names(request *r, json_object *arr)
{
    buf logins;
    buf_init(&logins, r->a);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        const char *l = rpt_jstr(json_object_array_get_idx(arr, i), "created_by");
        if (l)
            buf_printf(&logins, "%s%s", logins.len ? "," : "", l);
    }
    if (!logins.len)
        return;
    db_rows rows;
    if (db_query(r->op.tenant->db, r->a, "SELECT login, name FROM users WHERE FIND_IN_SET(login, ?)",
                 DB_ARGS(DB_STR(logins.data)), &rows, NULL) != DB_OK)
        return;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        const char *l = rpt_jstr(o, "created_by");
        for (size_t k = 0; l && k < rows.nrows; k++)
            if (!strcmp(db_cell(&rows, k, 0), l))
                jx_add_str(o, "creator_name", db_cell(&rows, k, 1));
    }
}

void manager_reports(request *r)
{
    errs e;
    errs_init(&e, r->a);
    report_filter f = {.limit = LIST_PAGE};
    page *p = view_page(r, "reports.title");
    static const char *const keys[] = {"definition", "status", "from", "to", "creator", "label", "text", "cluster", "value",
                                       "remarks", "system_key"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        page_set(p, arena_printf(r->a, "Filter.%s", keys[i]), qv(r, keys[i]));
    const char *fq = filter_query(r);
    page_set(p, "Filter.query", fq);

    const char *st = qv(r, "status"), *def = qv(r, "definition"), *label = qv(r, "label");
    if (st) {
        bool known = false;
        for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
            known |= !strcmp(st, statuses[i]);
        if (known)
            f.status = st;
        else
            errs_add(&e, "status", "invalid_value");
    }
    if (def && !users_parse_id(def, &f.definition))
        errs_add(&e, "definition", "invalid_value");
    if (label && !users_parse_id(label, &f.label))
        errs_add(&e, "label", "invalid_value");
    f.from = qv(r, "from");
    f.to = qv(r, "to");
    if (f.from && !users_date_ok(f.from))
        errs_add(&e, "from", "invalid_date");
    if (f.to && !users_date_ok(f.to))
        errs_add(&e, "to", "invalid_date");
    if (f.from && f.to && !errs_for(&e, "from") && !errs_for(&e, "to") && strcmp(f.to, f.from) < 0)
        errs_add(&e, "to", "date_order");
    f.creator = qv(r, "creator");
    if (f.creator && strlen(f.creator) > 64)
        errs_add(&e, "creator", "too_long");
    f.text = qv(r, "text");
    if (f.text && str_utf8_len(f.text) > 100)
        errs_add(&e, "text", "too_long");
    f.remarks_text = qv(r, "remarks");
    if (f.remarks_text && str_utf8_len(f.remarks_text) > 100)
        errs_add(&e, "remarks", "too_long");
    f.system_key_any = qv(r, "system_key");
    if (f.system_key_any && str_utf8_len(f.system_key_any) > REPORT_SYSKEY_MAX)
        errs_add(&e, "system_key", "too_long");
    f.cursor = qv(r, "cursor");

    /* the clusters of the chosen definition (its latest revision), for the value filter */
    const char *cl = qv(r, "cluster"), *val = qv(r, "value");
    const def_cluster *picked = NULL;
    if (f.definition && !errs_for(&e, "definition")) {
        def_rev v;
        op_result res;
        const definition *d = defcache_get(&r->op, f.definition, 0, &v, &res);
        int n = 0, ps = -1, pc = -1;
        if (cl && sscanf(cl, "%d-%d", &ps, &pc) != 2)
            ps = pc = -1;
        for (int s = 0; d && s < d->nsheets; s++)
            for (int i = 0; i < d->sheets[s].nclusters; i++) {
                const def_cluster *c = &d->sheets[s].clusters[i];
                if (!value_searchable(c->type))
                    continue;
                page_set(p, arena_printf(r->a, "Clusters.%d.key", n), arena_printf(r->a, "%d-%d", c->sheet_no, c->id));
                page_set(p, arena_printf(r->a, "Clusters.%d.label", n),
                         d->nsheets > 1 ? arena_printf(r->a, "%d: %s", c->sheet_no, c->name) : c->name);
                n++;
                if (c->sheet_no == ps && c->id == pc)
                    picked = c;
            }
    }
    if (val) {
        if (!cl)
            errs_add(&e, "cluster", f.definition ? "value_needs_cluster" : "value_needs_definition");
        else if (!f.definition)
            errs_add(&e, "cluster", "value_needs_definition");
        else if (!picked)
            errs_add(&e, "cluster", "unknown_cluster");
        else {
            const char *canon = search_value(r, picked, val);
            f.value_sheet = picked->sheet_no;
            f.value_cluster = picked->id;
            f.value_text = canon;
            f.value_indexed = value_indexed(picked->type);
        }
    }

    op_result res;
    json_object *defs = defstore_list(&r->op, 0, NULL, NULL, &res), *labels = defs ? labels_list(&r->op, &res) : NULL;
    if (!labels) {
        json_object_put(defs);
        page_free(&p);
        return view_fail(r, res);
    }
    page_set_json(p, "Defs", defs);
    page_set_json(p, "Labels", labels);
    json_object_put(defs);
    json_object_put(labels);
    json_object *o = NULL;
    if (!e.n) {
        o = reports_list(&r->op, &f, true, &res);
        if (!o && res == OP_INVALID)
            errs_add(&e, "cursor", "bad_cursor");
        else if (!o) {
            page_free(&p);
            return view_fail(r, res);
        }
    }
    if (e.n) {
        page_set_errors(p, r, &e);
        return page_render(r, 400, &p, "manager/reports.cs");
    }
    json_object *arr = json_object_object_get(o, "reports");
    creator_names(r, arr);
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *x = json_object_array_get_idx(arr, i);
        jx_add_str(x, "updated", rpt_short_time(r, rpt_jstr(x, "updated_at")));
        if (rpt_jint(x, "stage") > 0 && !strcmp(rpt_jstr(x, "status"), "applying"))
            jx_add_str(x, "stage_label", stage_label(r, rpt_jint(x, "stage")));
    }
    page_set_json(p, "Reports", arr);
    const char *next = rpt_jstr(o, "next_cursor");
    if (next)
        page_set(p, "Next", arena_printf(r->a, "%s%scursor=%s", fq, *fq ? "&" : "", str_urlencode(r->a, next)));
    if (f.cursor)
        page_set(p, "Paged", "1");
    json_object_put(o);
    page_render(r, 200, &p, "manager/reports.cs");
}
