/* export/xlsx_table.c - many reports as one worksheet (export/writer.h):
 * libxlsxwriter in constant-memory mode (each row goes to its temporary
 * file as it is written, strings inline), so memory does not grow with the
 * rows; the workbook is a temporary file, unlinked at once, copied to the
 * sink.  Excel holds at most XLSX_MAX_ROWS rows: a larger selection is
 * refused (OP_INVALID) before anything is written. */
#include "export/table.h"
#include "export/xlsx_int.h"
#include "util/log.h"
#include "tenant/resolve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_MAX_ROWS 1048575   /* below the head */
#define XLSX_MAX_COLS 16384

typedef struct xw {
    table t;
    export_progress *p;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *head, *stamp, *num[16];
    xlsx_fmts f;   /* the typed cells' */
    long long done, total;
} xw;

static lxw_format *num_format(xw *w, const def_cluster *c, const char *v)
{
    const char *dp = def_param_get(c, "decimalPlaces"), *dot = strchr(v, '.');
    int places = dp ? atoi(dp) : dot ? (int)strlen(dot + 1) : 0;
    places = places < 0 ? 0 : places > 15 ? 15 : places;
    if (!w->num[places]) {
        char fmt[32];
        snprintf(fmt, sizeof fmt, "0%s%.*s", places ? "." : "", places, "000000000000000");
        w->num[places] = workbook_add_format(w->wb);
        format_set_num_format(w->num[places], fmt);
    }
    return w->num[places];
}

static lxw_format *table_num(void *ctx, const def_cluster *c, const char *s)
{
    return num_format(ctx, c, s);
}

/* Cluster c's value v into (row, col) as its type asks; text otherwise. */
static void value_cell(xw *w, lxw_row_t row, lxw_col_t col, const def_cluster *c, const rvalue *v)
{
    const char *s = v ? v->value : "";
    if (c->type == CT_CHECK) {
        worksheet_write_boolean(w->ws, row, col, !strcmp(s, "1"), NULL);
        return;
    }
    if (!*s || xlsx_typed_cell(w->ws, row, col, c, s, &w->f, table_num, w))
        return;
    worksheet_write_string(w->ws, row, col, xlsx_cell_text(w->t.env.a, table_text(&w->t, c, v)), NULL);
}

static bool progress(xw *w)
{
    if (w->p && w->p->step)
        w->p->step(w->p->ctx, w->done, w->total);
    return !(w->p && w->p->cancelled && w->p->cancelled(w->p->ctx));
}

static op_result row(op_ctx *op, const export_report *r, void *ctx)
{
    xw *w = ctx;
    table *t = &w->t;
    if (w->done >= XLSX_MAX_ROWS)   /* reports created since the count: the sheet is full */
        return OP_OK;
    t->env.a = op->a;
    table_bind(t, r);
    lxw_row_t rn = (lxw_row_t)(w->done + 1);
    char tmp[32];
    for (int k = 0; k < TO__COUNT; k++) {
        int y, mo, d, h, mi, s;
        if ((k == TO_CREATED_AT || k == TO_UPDATED_AT) &&
            table_local(t, k == TO_CREATED_AT ? r->created_at : r->updated_at, &y, &mo, &d, &h, &mi, &s)) {
            worksheet_write_datetime(w->ws, rn, (lxw_col_t)k, &(lxw_datetime){y, mo, d, h, mi, s}, w->stamp);
            continue;
        }
        const char *v = table_own_text(t, r, k, tmp, sizeof tmp);
        if (v && *v)
            worksheet_write_string(w->ws, rn, (lxw_col_t)k, xlsx_cell_text(op->a, v), NULL);
    }
    for (int k = TO__COUNT; k < t->ncols; k++)
        if (t->map[k])
            value_cell(w, rn, (lxw_col_t)k, t->map[k], rvals_get(&r->vals, t->map[k]->sheet_no, t->map[k]->id));
    if (++w->done % EXPORT_PAGE == 0 && !progress(w))
        return OP_CONFLICT;
    return OP_OK;
}

static lxw_format *fmt(lxw_workbook *wb, const char *num)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_num_format(f, num);
    return f;
}

op_result export_xlsx_table_write(op_ctx *op, const export_filter *f, const char *const *ids, int nids,
                                  export_progress *p, export_sink *out)
{
    xw w = {.p = p};
    op_result res = table_open(op, f, ids, nids, &w.t, &w.total);
    if (res != OP_OK)
        return res;
    if (w.total > XLSX_MAX_ROWS || w.t.ncols > XLSX_MAX_COLS)
        return OP_INVALID;
    char *path;
    const char *dir;
    int fd = xlsx_tmp_open(op, "an XLSX table", &path, &dir);
    if (fd < 0)
        return OP_ERROR;
    res = OP_ERROR;
    w.wb = workbook_new_opt(path, &(lxw_workbook_options){.constant_memory = LXW_TRUE, .tmpdir = (char *)dir});
    if (!w.wb)
        goto done;
    w.ws = workbook_add_worksheet(w.wb, !strcmp(w.t.env.lang, "ja") ? "報告書" : "Reports");
    if (!w.ws) {
        workbook_close(w.wb);
        goto done;
    }
    w.head = workbook_add_format(w.wb);
    format_set_bold(w.head);
    format_set_bg_color(w.head, 0xEEF1F4);
    w.stamp = fmt(w.wb, "yyyy-mm-dd hh:mm:ss");
    w.f = (xlsx_fmts){fmt(w.wb, "yyyy-mm-dd"), fmt(w.wb, "hh:mm"), fmt(w.wb, "hh:mm:ss"), fmt(w.wb, "[h]:mm"), w.stamp};
    worksheet_freeze_panes(w.ws, 1, 0);
    worksheet_set_column(w.ws, TO_ID, TO_ID, 38, NULL);
    worksheet_set_column(w.ws, TO_NUMBER, TO__COUNT - 1, 18, NULL);
    if (w.t.ncols > TO__COUNT)
        worksheet_set_column(w.ws, TO__COUNT, (lxw_col_t)(w.t.ncols - 1), 14, NULL);
    for (int k = 0; k < w.t.ncols; k++)
        worksheet_write_string(w.ws, 0, (lxw_col_t)k, xlsx_cell_text(op->a, w.t.cols[k].head), w.head);
    op_result walked = export_each_values(op, f, ids, nids, row, &w, NULL);
    lxw_error e = workbook_close(w.wb);
    if (walked != OP_OK) {
        res = walked;
        goto done;
    }
    if (e != LXW_NO_ERROR) {
        log_error("req id=%s tenant=%s: XLSX table: libxlsxwriter: %s", op->req_id, op->tenant->code, lxw_strerror(e));
        goto done;
    }
    res = xlsx_tmp_send(fd, path, out);
    if (res == OP_OK && (w.done % EXPORT_PAGE || !w.done) && !progress(&w))
        res = OP_CONFLICT;
    return res;
done:
    unlink(path);
    close(fd);
    return res;
}
