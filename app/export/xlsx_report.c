/* export/xlsx_report.c - one report as an Excel workbook (libxlsxwriter):
 * a worksheet per sheet with a row per cluster (id, name, type, the value
 * as a typed cell, who entered it and when, out of normal), images in
 * their rows, and a worksheet with the report's facts and approval record.
 *
 * Typed cells: Numeric, Calculate and NumericSelect as numbers shown with
 * the definition's decimal places (else the value's own) and unit; Date as
 * a date, Time as a time of day, TimeCalculate as a duration ([h]:mm),
 * RegisterDate and UpdateDate as the local date and time they carry, Check
 * as TRUE/FALSE; choices by their labels, sign-offs as people read them,
 * everything else as text.  Times of entry in the tenant's zone. */
#include "export/layout.h"
#include "export/writer.h"
#include "export/xlsx_int.h"
#include "tenant/resolve.h"
#include "util/image.h"
#include "util/log.h"
#include "util/tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef struct xr {
    op_ctx *op;
    const export_report *r;
    layout_env env;
    lxw_workbook *wb;
    lxw_format *head, *text, *red, *date, *time, *time_s, *duration, *stamp, *wrap;
} xr;

static const char *T(xr *x, const char *key, const char *fallback)
{
    return layout_text(&x->env, key, fallback);
}

static const char *cell_text(xr *x, const char *s)
{
    return xlsx_cell_text(x->op->a, s);
}

/* A worksheet name Excel takes: the sheet's number, then its name, without
 * []:*?/\ and at most 31 characters; unique because of the number. */
static const char *sheet_name(xr *x, int no, const char *name)
{
    char *s = arena_printf(x->op->a, "%d %s", no, name ? name : "");
    for (char *p = s; *p; p++)
        if (strchr("[]:*?/\\", *p) || (unsigned char)*p < 0x20)
            *p = '_';
    size_t k = 0, chars = 0, n = strlen(s);
    while (k < n && chars < 31) {
        k++;
        while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
            k++;
        chars++;
    }
    s[k] = '\0';
    while (k && (s[k - 1] == ' ' || s[k - 1] == '\'')) /* Excel refuses a trailing apostrophe */
        s[--k] = '\0';
    return s;
}

/* lxw_datetime of a stored UTC time in the tenant's zone; false when t is not one. */
static bool local_time(xr *x, const char *utc, lxw_datetime *out)
{
    time_t t;
    if (!utc || !tz_parse_utc(utc, &t))
        return false;
    t += tz_offset(x->env.zone, t);
    struct tm tm;
    gmtime_r(&t, &tm);
    *out = (lxw_datetime){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    return true;
}

/* The number format of a numeric cluster: its decimal places (else those
 * of v) and its unit. */
static lxw_format *number_format(xr *x, const def_cluster *c, const char *v, bool red)
{
    const char *dp = def_param_get(c, "decimalPlaces"), *dot = strchr(v, '.');
    int places = dp ? atoi(dp) : dot ? (int)strlen(dot + 1) : 0;
    if (places < 0 || places > 15)
        places = places < 0 ? 0 : 15;
    char fmt[64];
    snprintf(fmt, sizeof fmt, "0%s%.*s", places ? "." : "", places, "000000000000000");
    const char *unit = def_param_get(c, "unit");
    const char *full = unit && *unit && !strpbrk(unit, "\"\\") && strlen(unit) < 20
                           ? arena_printf(x->op->a, "%s\" %s\"", fmt, unit)
                           : arena_strdup(x->op->a, fmt);
    lxw_format *f = workbook_add_format(x->wb);
    format_set_num_format(f, full);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    if (red) {
        format_set_font_color(f, 0xB3261E);
        format_set_bold(f);
    }
    return f;
}

bool xlsx_typed_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const def_cluster *c, const char *s,
                     const xlsx_fmts *f, lxw_format *(*num)(void *ctx, const def_cluster *c, const char *s), void *ctx)
{
    int y, mo, d, h, mi, sec = 0;
    char tail;
    if (!s || !*s)
        return false;
    switch (c->type) {
    case CT_NUMERIC: case CT_CALCULATE: case CT_NUMERIC_SELECT: {
        char *end;
        double n = strtod(s, &end);
        if (end == s || *end)
            return false;
        worksheet_write_number(ws, row, col, n, num(ctx, c, s));
        return true;
    }
    case CT_DATE:
        if (sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3)
            return false;
        worksheet_write_datetime(ws, row, col, &(lxw_datetime){y, mo, d, 0, 0, 0}, f->date);
        return true;
    case CT_TIME: {
        int k = sscanf(s, "%2d:%2d:%2d%c", &h, &mi, &sec, &tail);
        if (k != 2 && k != 3)
            return false;
        worksheet_write_datetime(ws, row, col, &(lxw_datetime){0, 0, 0, h, mi, k == 3 ? sec : 0},
                                 k == 3 ? f->time_s : f->time);
        return true;
    }
    case CT_TIME_CALCULATE: {
        int neg = *s == '-';
        if (sscanf(s + neg, "%d:%2d%c", &h, &mi, &tail) != 2)
            return false;
        worksheet_write_number(ws, row, col, (neg ? -1 : 1) * (h / 24.0 + mi / 1440.0), f->duration);
        return true;
    }
    case CT_REGISTER_DATE: case CT_UPDATE_DATE:   /* local time with its offset: the local clock */
        if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
            return false;
        worksheet_write_datetime(ws, row, col, &(lxw_datetime){y, mo, d, h, mi, sec}, f->stamp);
        return true;
    default:
        return false;
    }
}

typedef struct numctx {
    xr *x;
    bool red;
} numctx;

static lxw_format *report_num(void *ctx, const def_cluster *c, const char *s)
{
    numctx *n = ctx;
    return number_format(n->x, c, s, n->red);
}

/* Write the value of c (v, may be NULL) into row, col as its type asks. */
static void write_value(xr *x, lxw_worksheet *ws, int row, int col, const def_cluster *c, const rvalue *v)
{
    const char *s = v ? v->value : "";
    bool red = v && v->oon;
    if (c->type == CT_CHECK) {
        worksheet_write_boolean(ws, row, col, !strcmp(s, "1"), red ? x->red : x->text);
        return;
    }
    if (!*s)
        return;
    xlsx_fmts f = {x->date, x->time, x->time_s, x->duration, x->stamp};
    if (xlsx_typed_cell(ws, (lxw_row_t)row, (lxw_col_t)col, c, s, &f, report_num, &(numctx){x, red}))
        return;
    worksheet_write_string(ws, row, col, cell_text(x, layout_display(&x->env, c, s)), red ? x->red : x->wrap);
}

/* An image in the value's cell, at most 280 × 180 pixels; the row grows to hold it. */
static void write_image(xr *x, lxw_worksheet *ws, int row, int col, const export_attachment *att)
{
    const unsigned char *data;
    size_t len;
    image_info ii;
    if (export_attachment_read(x->op, x->r, att, &data, &len) != OP_OK || !image_probe(data, len, 0, &ii))
        return;
    double k = 280.0 / ii.width < 180.0 / ii.height ? 280.0 / ii.width : 180.0 / ii.height;
    if (k > 1)
        k = 1;
    lxw_image_options io = {.x_offset = 2, .y_offset = 2, .x_scale = k, .y_scale = k,
                            .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
    if (worksheet_insert_image_buffer_opt(ws, row, col, data, len, &io) == LXW_NO_ERROR)
        worksheet_set_row(ws, row, ii.height * k * 0.75 + 4, NULL);
}

static const export_attachment *attachment_of(const export_report *r, int sheet, int cluster)
{
    for (int i = 0; i < r->natt; i++)
        if (r->att[i].sheet == sheet && r->att[i].cluster == cluster)
            return &r->att[i];
    return NULL;
}

static void write_sheet(xr *x, const def_sheet *sh)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, sheet_name(x, sh->no, sh->name));
    if (!ws)
        return;
    const char *heads[] = {T(x, "xlsx.id", "ID"),          T(x, "report.cname", "Cluster"),
                           T(x, "report.ctype", "Type"),   T(x, "report.value", "Value"),
                           T(x, "report.edited_by", "Entered by"), T(x, "xlsx.edited_at", "Entered"),
                           T(x, "report.out_of_normal", "Out of the normal range")};
    static const double widths[] = {6, 24, 16, 40, 14, 18, 12};
    for (int k = 0; k < 7; k++) {
        worksheet_set_column(ws, k, k, widths[k], NULL);
        worksheet_write_string(ws, 0, k, heads[k], x->head);
    }
    worksheet_freeze_panes(ws, 1, 0);
    int row = 1;
    for (int i = 0; i < sh->nclusters; i++) {
        const def_cluster *c = &sh->clusters[i];
        if (c->type == CT_FIXED_TEXT)   /* a label of the form, not data */
            continue;
        const rvalue *v = rvals_get(&x->r->vals, c->sheet_no, c->id);
        worksheet_write_number(ws, row, 0, c->id, NULL);
        worksheet_write_string(ws, row, 1, cell_text(x, c->name), x->text);
        const char *tn = cluster_type_name(c->type);
        worksheet_write_string(ws, row, 2, T(x, arena_printf(x->op->a, "ctype.%s", tn), tn), x->text);
        if (layout_is_attachment(c->type)) {
            const export_attachment *att = attachment_of(x->r, c->sheet_no, c->id);
            if (att)
                write_image(x, ws, row, 3, att);
        } else {
            write_value(x, ws, row, 3, c, v);
        }
        lxw_datetime at;
        if (v && v->by && *v->by)
            worksheet_write_string(ws, row, 4, v->by, x->text);
        if (v && local_time(x, v->at, &at))
            worksheet_write_datetime(ws, row, 5, &at, x->stamp);
        if (v && v->oon)
            worksheet_write_boolean(ws, row, 6, 1, x->red);
        row++;
    }
    if (row > 1)
        worksheet_autofilter(ws, 0, 0, row - 1, 6);
}

static void write_record(xr *x)
{
    const export_report *r = x->r;
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, sheet_name(x, r->def->nsheets + 1, T(x, "report.approvals",
                                                                                           "Approval record")));
    if (!ws)
        return;
    worksheet_set_column(ws, 0, 0, 22, NULL);
    worksheet_set_column(ws, 1, 1, 24, NULL);
    worksheet_set_column(ws, 2, 3, 16, NULL);
    worksheet_set_column(ws, 4, 4, 40, NULL);
    lxw_datetime at;
    struct { const char *k, *v; const char *utc; } facts[] = {
        {T(x, "xlsx.report", "Report"), r->name, NULL},
        {T(x, "reports.number", "Number"), r->number, NULL},
        {T(x, "reports.status", "Status"), T(x, arena_printf(x->op->a, "rstatus.%s", r->status), r->status), NULL},
        {T(x, "reports.definition", "Definition"), r->def->name, NULL},
        {T(x, "defs.revision", "Revision"), arena_printf(x->op->a, "%d", r->definition_revision), NULL},
        {T(x, "report.created", "Created"), r->created_by_name, r->created_at},
        {T(x, "report.updated", "Last changed"), r->updated_by_name, r->updated_at},
        {T(x, "xlsx.id", "ID"), r->id, NULL},
    };
    int row = 0;
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++, row++) {
        worksheet_write_string(ws, row, 0, facts[i].k, x->head);
        worksheet_write_string(ws, row, 1, cell_text(x, facts[i].v), x->text);
        if (facts[i].utc && local_time(x, facts[i].utc, &at))
            worksheet_write_datetime(ws, row, 2, &at, x->stamp);
    }
    row++;
    const char *heads[] = {T(x, "pdf.at", "Time"), T(x, "report.stage", "Stage"), T(x, "report.action", "Action"),
                           T(x, "report.user", "User"), T(x, "report.comment", "Comment")};
    for (int k = 0; k < 5; k++)
        worksheet_write_string(ws, row, k, heads[k], x->head);
    row++;
    for (int i = 0; i < r->nappr; i++, row++) {
        const export_approval *a = &r->appr[i];
        if (local_time(x, a->at, &at))
            worksheet_write_datetime(ws, row, 0, &at, x->stamp);
        const char *stage = a->stage >= 1 && a->stage <= r->def->nstages && r->def->stages[a->stage - 1].name
                                ? arena_printf(x->op->a, "%d %s", a->stage, r->def->stages[a->stage - 1].name)
                                : arena_printf(x->op->a, "%d", a->stage);
        worksheet_write_string(ws, row, 1, stage, x->text);
        worksheet_write_string(ws, row, 2, T(x, arena_printf(x->op->a, "action.%s", a->action), a->action), x->text);
        worksheet_write_string(ws, row, 3, a->user_name && *a->user_name ? a->user_name : a->user, x->text);
        worksheet_write_string(ws, row, 4, cell_text(x, a->comment), x->wrap);
    }
}

static lxw_format *fmt(lxw_workbook *wb, const char *num)
{
    lxw_format *f = workbook_add_format(wb);
    if (num)
        format_set_num_format(f, num);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

op_result export_xlsx_report_write(op_ctx *op, const export_report *r, export_msg_fn msg, export_sink *out)
{
    char *path;
    const char *dir;
    int fd = xlsx_tmp_open(op, arena_printf(op->a, "report %s's XLSX", r->id), &path, &dir);
    if (fd < 0)
        return OP_ERROR;
    xr x = {.op = op, .r = r,
            .env = {.a = op->a, .zone = tenant_zone(op->tenant), .lang = op->lang ? op->lang : "ja", .msg = msg}};
    x.wb = workbook_new_opt(path, &(lxw_workbook_options){.tmpdir = (char *)dir});
    op_result res = OP_ERROR;
    if (!x.wb)
        goto done;
    x.head = fmt(x.wb, NULL);
    format_set_bold(x.head);
    format_set_bg_color(x.head, 0xEEF1F4);
    x.text = fmt(x.wb, NULL);
    x.wrap = fmt(x.wb, NULL);
    format_set_text_wrap(x.wrap);
    x.red = fmt(x.wb, NULL);
    format_set_font_color(x.red, 0xB3261E);
    format_set_bold(x.red);
    x.date = fmt(x.wb, "yyyy-mm-dd");
    x.time = fmt(x.wb, "hh:mm");
    x.time_s = fmt(x.wb, "hh:mm:ss");
    x.duration = fmt(x.wb, "[h]:mm");
    x.stamp = fmt(x.wb, "yyyy-mm-dd hh:mm:ss");
    workbook_set_properties(x.wb, &(lxw_doc_properties){.title = (char *)r->name, .author = (char *)r->created_by_name,
                                                        .company = (char *)"genba"});
    for (int s = 0; s < r->def->nsheets; s++)
        write_sheet(&x, &r->def->sheets[s]);
    write_record(&x);
    lxw_error e = workbook_close(x.wb);
    x.wb = NULL;
    if (e != LXW_NO_ERROR) {
        log_error("req id=%s tenant=%s: report %s: libxlsxwriter: %s", op->req_id, op->tenant->code, r->id,
                  lxw_strerror(e));
        goto done;
    }
    return xlsx_tmp_send(fd, path, out);
done:
    unlink(path);
    close(fd);
    return res;
}

int xlsx_tmp_open(op_ctx *op, const char *what, char **path, const char **dir)
{
    const char *d = getenv("TMPDIR");
    *dir = d && *d ? d : NULL;
    *path = arena_printf(op->a, "%s/genba-xlsx-XXXXXX", *dir ? *dir : "/tmp");
    int fd = mkstemp(*path);
    if (fd < 0)
        log_error("req id=%s tenant=%s: %s: no temporary file: %s", op->req_id, op->tenant->code, what, strerror(errno));
    return fd;
}

op_result xlsx_tmp_send(int fd, const char *path, export_sink *out)
{
    if (path)
        unlink(path);   /* read through the open descriptor */
    op_result res = lseek(fd, 0, SEEK_SET) == 0 ? OP_OK : OP_ERROR;
    char chunk[65536];
    ssize_t n = 0;
    while (res == OP_OK && (n = read(fd, chunk, sizeof chunk)) > 0)
        if (!out->write(out->ctx, chunk, (size_t)n))
            res = OP_ERROR;
    if (n < 0)
        res = OP_ERROR;
    close(fd);
    return res;
}

const char *xlsx_cell_text(arena *a, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n <= 32767)
        return s ? s : "";
    size_t k = 0, chars = 0;
    while (k < n && chars < 32767) {
        k++;
        while (k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
            k++;
        chars++;
    }
    return arena_strndup(a, s, k);
}
