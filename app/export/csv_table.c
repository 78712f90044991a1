/* export/csv_table.c - many reports as one CSV table (export/writer.h):
 * a row a report, written into a buffer handed to the sink every 64 KiB
 * (converted to CP932 first when asked). */
#include "export/table.h"
#include "util/charset.h"
#include "util/csv.h"
#include "util/log.h"
#include "tenant/resolve.h"

#include <string.h>

#define FLUSH_AT 65536

typedef struct csvw {
    table t;
    bool sjis;
    export_progress *p;
    export_sink *out;
    buf b, conv;
    const char **fields;
    long long done, total;
    size_t replaced;
    bool sink_failed;
} csvw;

static bool flush(csvw *w)
{
    if (!w->b.len)
        return true;
    bool ok;
    if (w->sjis) {
        w->conv.len = 0;
        ok = charset_utf8_to_sjis(&w->conv, w->b.data, w->b.len, &w->replaced) &&
             w->out->write(w->out->ctx, w->conv.data, w->conv.len);
    } else {
        ok = w->out->write(w->out->ctx, w->b.data, w->b.len);
    }
    w->b.len = 0;
    w->b.data[0] = '\0';
    if (!ok)
        w->sink_failed = true;
    return ok;
}

static bool progress(csvw *w)
{
    if (w->p && w->p->step)
        w->p->step(w->p->ctx, w->done, w->total);
    return !(w->p && w->p->cancelled && w->p->cancelled(w->p->ctx));
}

static op_result row(op_ctx *op, const export_report *r, void *ctx)
{
    csvw *w = ctx;
    table *t = &w->t;
    t->env.a = op->a;   /* the report's own arena */
    table_bind(t, r);
    char t1[32], t2[32];
    for (int k = 0; k < TO__COUNT; k++)
        w->fields[k] = table_own_text(t, r, k, k == TO_CREATED_AT ? t1 : t2, sizeof t1);
    for (int k = TO__COUNT; k < t->ncols; k++) {
        const def_cluster *c = t->map[k];
        w->fields[k] = table_text(t, c, c ? rvals_get(&r->vals, c->sheet_no, c->id) : NULL);
    }
    csv_write_row_ex(&w->b, w->fields, t->ncols, CSV_KEEP_NUMBERS);
    if (w->b.len >= FLUSH_AT && !flush(w))
        return OP_ERROR;
    if (++w->done % EXPORT_PAGE == 0 && !progress(w))
        return OP_CONFLICT;
    return OP_OK;
}

op_result export_csv_table_write(op_ctx *op, const export_filter *f, const char *const *ids, int nids, bool shift_jis,
                                 export_progress *p, export_sink *out)
{
    csvw w = {.sjis = shift_jis, .p = p, .out = out};
    op_result res = table_open(op, f, ids, nids, &w.t, &w.total);
    if (res != OP_OK)
        return res;
    arena *ba = arena_new();   /* the buffers: reused, never more than a flush's worth */
    buf_init(&w.b, ba);
    buf_init(&w.conv, ba);
    buf_add(&w.b, "", 0);
    w.fields = arena_calloc(op->a, (size_t)w.t.ncols + 1, sizeof *w.fields);
    if (!shift_jis)
        csv_write_bom(&w.b);
    const char **heads = arena_calloc(op->a, (size_t)w.t.ncols + 1, sizeof *heads);
    for (int k = 0; k < w.t.ncols; k++)
        heads[k] = w.t.cols[k].head;
    csv_write_row_ex(&w.b, heads, w.t.ncols, CSV_KEEP_NUMBERS);
    res = export_each_values(op, f, ids, nids, row, &w, NULL);
    if (res == OP_OK && !flush(&w))
        res = OP_ERROR;
    if (res == OP_OK && (w.done % EXPORT_PAGE || !w.done) && !progress(&w))
        res = OP_CONFLICT;
    if (w.replaced)
        log_info("req id=%s tenant=%s: CSV in Shift_JIS: %zu characters CP932 lacks written as '?'", op->req_id,
                 op->tenant->code, w.replaced);
    arena_free(&ba);
    return res;
}
