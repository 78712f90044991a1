/* export/pdf_record.c - the record pages after a report's sheets (A4
 * portrait, as many as they take): the report's facts (number, status,
 * definition, who created and last changed it, when), its approval stages
 * and approval record, and on request the history of every change, oldest
 * first.  Texts in the operation's language (layout_text), times in the
 * tenant's zone. */
#include "export/pdf_int.h"
#include "reports/report.h"
#include "util/tz.h"

#include <json-c/json.h>
#include <string.h>

#define PW 595.0
#define PH 842.0
#define MARGIN 42.0
#define FS 8.5    /* table text */
#define PAD 3.0   /* inside a cell */

typedef struct rec {
    pdf_doc *d;
    double y;     /* where the next thing goes */
} rec;

static void new_page(rec *c)
{
    pdf_page(c->d, PW, PH);
    c->y = MARGIN;
}

/* Room for h more points on this page, else a new page. */
static bool need(rec *c, double h)
{
    if (c->y + h <= PH - MARGIN)
        return false;
    new_page(c);
    return true;
}

static const char *T(rec *c, const char *key, const char *fallback)
{
    return layout_text(&c->d->env, key, fallback);
}

static const char *when(rec *c, const char *utc)
{
    return utc && *utc ? tz_show(c->d->op->a, c->d->env.zone, utc, TZ_SHOW_CONSOLE) : "";
}

/* A paragraph at the left margin, wrapped at the text width. */
static void para(rec *c, const char *s, const PangoFontDescription *f, double fs, unsigned rgb, double after)
{
    PangoLayout *l = pdf_layout(c->d, s, f, fs, PW - 2 * MARGIN);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    need(c, (double)h / PANGO_SCALE);
    pdf_rgb(c->d, rgb);
    cairo_move_to(c->d->cr, MARGIN, c->y);
    pango_cairo_update_layout(c->d->cr, l);
    pango_cairo_show_layout(c->d->cr, l);
    c->y += (double)h / PANGO_SCALE + after;
    g_object_unref(l);
}

static void heading(rec *c, const char *s)
{
    need(c, 40);   /* a heading is not left alone at the foot of a page */
    c->y += 8;
    para(c, s, c->d->bold, 12, 0x1d2733, 6);
}

/* A table: ncol columns of the given widths (fractions of the text width),
 * a head row (bold, shaded; again at the top of every page it continues
 * on) and nrows rows of cells (row-major, NULL or "" for empty). */
static void table(rec *c, int ncol, const double *frac, const char *const *head, const char *const *cells, int nrows)
{
    double tw = PW - 2 * MARGIN;
    for (int r = -1; r < nrows; r++) {
        const char *const *row = r < 0 ? head : cells + (size_t)r * (size_t)ncol;
        const PangoFontDescription *f = r < 0 ? c->d->bold : c->d->sans;
        PangoLayout *ls[8];
        double rh = 0;
        for (int k = 0; k < ncol && k < 8; k++) {
            ls[k] = pdf_layout(c->d, row[k] ? row[k] : "", f, FS, frac[k] * tw - 2 * PAD);
            int w, h;
            pango_layout_get_size(ls[k], &w, &h);
            rh = (double)h / PANGO_SCALE > rh ? (double)h / PANGO_SCALE : rh;
        }
        rh += 2 * PAD;
        /* (a row taller than a page is drawn as it is, cut at the page's foot) */
        bool fits_a_page = rh <= PH - 2 * MARGIN - 4 * (FS + 2 * PAD);
        if (fits_a_page && need(c, rh + (r < 0 ? 2 * (FS + 2 * PAD) : 0)) && r >= 0) {   /* the head again on a new page */
            for (int k = 0; k < ncol && k < 8; k++)
                g_object_unref(ls[k]);
            table(c, ncol, frac, head, NULL, 0);
            r--;
            continue;
        }
        cairo_t *cr = c->d->cr;
        if (r < 0) {
            cairo_rectangle(cr, MARGIN, c->y, tw, rh);
            pdf_rgb(c->d, 0xeef1f4);
            cairo_fill(cr);
        }
        double x = MARGIN;
        pdf_rgb(c->d, 0x1d2733);
        for (int k = 0; k < ncol && k < 8; k++) {
            cairo_move_to(cr, x + PAD, c->y + PAD);
            pango_cairo_update_layout(cr, ls[k]);
            pango_cairo_show_layout(cr, ls[k]);
            g_object_unref(ls[k]);
            x += frac[k] * tw;
        }
        c->y += rh;
        cairo_move_to(cr, MARGIN, c->y);
        cairo_line_to(cr, MARGIN + tw, c->y);
        pdf_rgb(c->d, 0xc5ced8);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
    }
    c->y += 4;
}

static const char *status_text(rec *c, const char *status)
{
    return T(c, arena_printf(c->d->op->a, "rstatus.%s", status), status);
}

static const char *stage_name(rec *c, int stage)
{
    const definition *d = c->d->r->def;
    if (stage >= 1 && stage <= d->nstages)
        return arena_printf(c->d->op->a, "%d %s", stage, d->stages[stage - 1].name ? d->stages[stage - 1].name : "");
    return stage ? arena_printf(c->d->op->a, "%d", stage) : "";
}

static void facts(rec *c)
{
    const export_report *r = c->d->r;
    arena *a = c->d->op->a;
    para(c, r->name, c->d->bold, 16, 0x1d2733, 2);
    para(c, T(c, "pdf.record", "Report record"), c->d->sans, 9, 0x5b6878, 8);
    static const double frac[] = {0.28, 0.72};
    const char *cells[] = {
        T(c, "reports.number", "Number"), *r->number ? r->number : "—",
        T(c, "reports.status", "Status"), status_text(c, r->status),
        T(c, "reports.definition", "Definition"),
        arena_printf(a, "%s (%s %d)", r->def->name, T(c, "defs.revision", "Revision"), r->definition_revision),
        T(c, "report.created", "Created"), arena_printf(a, "%s  %s", r->created_by_name, when(c, r->created_at)),
        T(c, "report.updated", "Last changed"),
        arena_printf(a, "%s  %s  (%s %d)", r->updated_by_name, when(c, r->updated_at), T(c, "report.rev", "revision"),
                     r->rev),
    };
    /* a table without a head: each fact is a row */
    for (int i = 0; i < 5; i++) {
        PangoLayout *k = pdf_layout(c->d, cells[2 * i], c->d->bold, 9, frac[0] * (PW - 2 * MARGIN) - 2 * PAD);
        PangoLayout *v = pdf_layout(c->d, cells[2 * i + 1], c->d->sans, 9, frac[1] * (PW - 2 * MARGIN) - 2 * PAD);
        int w, hk, hv;
        pango_layout_get_size(k, &w, &hk);
        pango_layout_get_size(v, &w, &hv);
        double h = (double)(hk > hv ? hk : hv) / PANGO_SCALE + 2 * PAD;
        need(c, h);
        pdf_rgb(c->d, 0x5b6878);
        cairo_move_to(c->d->cr, MARGIN + PAD, c->y + PAD);
        pango_cairo_update_layout(c->d->cr, k);
        pango_cairo_show_layout(c->d->cr, k);
        pdf_rgb(c->d, 0x1d2733);
        cairo_move_to(c->d->cr, MARGIN + frac[0] * (PW - 2 * MARGIN) + PAD, c->y + PAD);
        pango_cairo_update_layout(c->d->cr, v);
        pango_cairo_show_layout(c->d->cr, v);
        g_object_unref(k);
        g_object_unref(v);
        c->y += h;
    }
}

static void approvals(rec *c)
{
    const export_report *r = c->d->r;
    const definition *def = r->def;
    arena *a = c->d->op->a;
    heading(c, T(c, "report.approval", "Approval"));
    if (def->nstages) {
        static const double frac[] = {0.6, 0.4};
        const char *head[] = {T(c, "report.stage", "Stage"), T(c, "reports.status", "Status")};
        const char **cells = arena_calloc(a, (size_t)def->nstages * 2, sizeof *cells);
        for (int i = 0; i < def->nstages; i++) {
            const char *st = r->status;
            const char *state = !strcmp(st, "approved") ? "approved"
                                : !strcmp(st, "applying") ? (i + 1 < r->stage ? "approved" : i + 1 == r->stage ? "pending" : "")
                                : !strcmp(st, "rejected") && i + 1 == r->stage ? "rejected" : "";
            const char *group = def->stages[i].group;
            cells[2 * i] = arena_printf(a, "%s%s%s%s", stage_name(c, def->stages[i].no), group ? " (" : "",
                                        group ? group : "", group ? ")" : "");
            cells[2 * i + 1] = *state ? T(c, arena_printf(a, "stagestate.%s", state), state) : "—";
        }
        table(c, 2, frac, head, cells, def->nstages);
    }
    heading(c, T(c, "report.approvals", "Approval record"));
    if (!r->nappr) {
        para(c, T(c, "pdf.approvals_none", "No approvals recorded."), c->d->sans, 9, 0x5b6878, 4);
        return;
    }
    static const double frac[] = {0.22, 0.2, 0.13, 0.17, 0.28};
    const char *head[] = {T(c, "pdf.at", "Time"), T(c, "report.stage", "Stage"), T(c, "report.action", "Action"),
                          T(c, "report.user", "User"), T(c, "report.comment", "Comment")};
    const char **cells = arena_calloc(a, (size_t)r->nappr * 5, sizeof *cells);
    for (int i = 0; i < r->nappr; i++) {
        const export_approval *x = &r->appr[i];
        const char **row = cells + 5 * i;
        row[0] = when(c, x->at);
        row[1] = stage_name(c, x->stage);
        row[2] = T(c, arena_printf(a, "action.%s", x->action), x->action);
        row[3] = x->user_name && *x->user_name ? x->user_name : x->user;
        row[4] = x->comment;
    }
    table(c, 5, frac, head, cells, r->nappr);
}

static const char *jstr(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : NULL;
}

static void history(rec *c)
{
    heading(c, T(c, "report.history", "Change history"));
    op_result res;
    json_object *o = report_history(c->d->op, c->d->r->id, &res), *all = o ? json_object_object_get(o, "history") : NULL;
    size_t n = all && json_object_is_type(all, json_type_array) ? json_object_array_length(all) : 0;
    if (!all || !json_object_is_type(all, json_type_array)) {
        para(c, T(c, "report.history_unavailable", "The change history cannot be shown right now."), c->d->sans, 9,
             0xb3261e, 4);
        json_object_put(o);
        return;
    }
    arena *a = c->d->op->a;
    static const double frac[] = {0.2, 0.13, 0.07, 0.2, 0.2, 0.2};
    const char *head[] = {T(c, "pdf.at", "Time"),         T(c, "report.user", "User"), T(c, "report.rev_col", "Revision"),
                          T(c, "report.cname", "Cluster"), T(c, "report.old", "Before"), T(c, "report.new", "After")};
    const char **cells = arena_calloc(a, n * 6 + 1, sizeof *cells);
    for (size_t i = 0; i < n; i++) {
        json_object *x = json_object_array_get_idx(all, i);
        const char **row = cells + 6 * i;
        row[0] = when(c, jstr(x, "at"));
        row[1] = arena_strdup(a, jstr(x, "user") ? jstr(x, "user") : "");
        row[2] = arena_strdup(a, jstr(x, "rev") ? jstr(x, "rev") : "");
        json_object *sv, *cv;
        if (json_object_object_get_ex(x, "remark", &sv)) {   /* remarksValueN: the definition's name for it */
            int k = json_object_get_int(sv);
            const char *nm = k >= 1 && k <= 10 ? c->d->r->def->remarks_names[k - 1] : NULL;
            row[3] = nm ? arena_strdup(a, nm) : arena_printf(a, "%s %d", T(c, "report.remarks_n", "Remarks"), k);
            row[4] = arena_strdup(a, jstr(x, "old") ? jstr(x, "old") : "");
            row[5] = arena_strdup(a, jstr(x, "new") ? jstr(x, "new") : "");
            continue;
        }
        if (!json_object_object_get_ex(x, "sheet", &sv) || !json_object_object_get_ex(x, "cluster", &cv)) {
            const char *ev = jstr(x, "event") ? jstr(x, "event") : "create";
            row[3] = T(c, arena_printf(a, "report.event_%s", ev), ev);
            continue;
        }
        const def_cluster *cl = def_find(c->d->r->def, json_object_get_int(sv), json_object_get_int(cv));
        const char *old = jstr(x, "old"), *new = jstr(x, "new");
        row[3] = cl ? arena_strdup(a, cl->name) : arena_printf(a, "%d/%d", json_object_get_int(sv), json_object_get_int(cv));
        row[4] = cl ? layout_display(&c->d->env, cl, old) : arena_strdup(a, old ? old : "");
        row[5] = cl ? layout_display(&c->d->env, cl, new) : arena_strdup(a, new ? new : "");
    }
    json_object_put(o);
    if (!n)
        para(c, T(c, "report.history_none", "No changes recorded yet."), c->d->sans, 9, 0x5b6878, 4);
    else
        table(c, 6, frac, head, cells, (int)n);
}

int pdf_record_pages(pdf_doc *d)
{
    int start = d->page;
    rec c = {.d = d};
    new_page(&c);
    facts(&c);
    approvals(&c);
    if (d->history)
        history(&c);
    return d->page - start;
}
