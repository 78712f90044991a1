/* export/pdf.c - a report as PDF: one page per sheet at the sheet's size,
 * drawn like the console's sheet view from the same layout
 * (export/layout.c): the background image, every value in its box, checks,
 * images and handwriting, stamps, values out of the normal range in red;
 * then the record pages (pdf_record.c).  cairo's PDF surface writes to the
 * sink as it goes; pango shapes and breaks the text (Japanese included),
 * and cairo embeds the subsets of the fonts it used, with real text. */
#include "export/pdf_int.h"
#include "forms/store.h"
#include "tenant/resolve.h"
#include "util/image.h"
#include "util/log.h"

#include <cairo-pdf.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ text */

void pdf_rgb(pdf_doc *d, unsigned rgb)
{
    cairo_set_source_rgb(d->cr, (rgb >> 16 & 0xff) / 255.0, (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

PangoLayout *pdf_layout(pdf_doc *d, const char *text, const PangoFontDescription *f, double fs, double width)
{
    pango_cairo_update_context(d->cr, d->pc);
    PangoLayout *l = pango_layout_new(d->pc);
    PangoFontDescription *fd = pango_font_description_copy_static(f);
    pango_font_description_set_absolute_size(fd, fs * PANGO_SCALE);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    } else {
        pango_layout_set_single_paragraph_mode(l, TRUE);
    }
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

double pdf_line(pdf_doc *d, const char *s, const PangoFontDescription *f, double fs, double x, double y,
                layout_anchor anchor, double squeeze)
{
    if (!s || !*s)
        return 0;
    PangoLayout *l = pdf_layout(d, s, f, fs, 0);
    PangoRectangle ink, logical;
    pango_layout_get_extents(l, &ink, &logical);
    double w = (double)logical.width / PANGO_SCALE, base = (double)pango_layout_get_baseline(l) / PANGO_SCALE;
    double sx = squeeze > 0 && w > 0 ? squeeze / w : 1, dw = w * sx;
    double left = anchor == LAY_END ? x - dw : anchor == LAY_MIDDLE ? x - dw / 2 : x;
    cairo_save(d->cr);
    cairo_translate(d->cr, left, y - base);
    cairo_scale(d->cr, sx, 1);
    pango_cairo_update_layout(d->cr, l);
    pango_cairo_show_layout(d->cr, l);
    cairo_restore(d->cr);
    g_object_unref(l);
    return dw;
}

/* ------------------------------------------------------------------ pages */

static bool in_range(const pdf_doc *d, int page)
{
    if (page < d->first || (d->last && page > d->last))
        return false;
    if (!d->nranges)
        return true;
    for (int i = 0; i < d->nranges; i++)
        if (page >= d->ranges[i].first && (!d->ranges[i].last || page <= d->ranges[i].last))
            return true;
    return false;
}

void pdf_page(pdf_doc *d, double w, double h)
{
    if (d->page && d->drawing) {
        cairo_show_page(d->pdf_cr);
        d->shown++;
    }
    d->page++;
    d->drawing = in_range(d, d->page);
    if (d->drawing)
        cairo_pdf_surface_set_size(d->surf, w, h);
    d->cr = d->drawing ? d->pdf_cr : d->scratch_cr;
    pdf_rgb(d, 0xffffff);   /* the paper */
    cairo_paint(d->cr);
}

/* ------------------------------------------------------------------ images */

typedef struct mem_reader {
    const unsigned char *p;
    size_t left;
} mem_reader;

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int length)
{
    mem_reader *m = closure;
    if (length > m->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, m->p, length);
    m->p += length, m->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

/* Paint a PNG or JPEG into the box x, y, w, h: stretched to it (fill) or
 * fitted inside keeping its proportions and centred (SVG's xMidYMid meet).
 * A JPEG goes into the PDF as it is (cairo's mime data on a 1 × 1 surface
 * stands for it), so it is never decoded here. */
static void paint_image(pdf_doc *d, const unsigned char *data, size_t len, double x, double y, double w, double h,
                        bool fill)
{
    image_info ii;
    if (!data || !image_probe(data, len, 0, &ii))
        return;
    cairo_surface_t *img;
    double iw = ii.width, ih = ii.height;   /* the image's own size, in its surface's units */
    if (ii.kind == IMAGE_JPEG) {
        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
        unsigned char *copy = g_memdup2(data, len);
        if (cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, copy, len, g_free, copy) != CAIRO_STATUS_SUCCESS)
            g_free(copy);
    } else {
        mem_reader m = {data, len};
        img = cairo_image_surface_create_from_png_stream(read_mem, &m);
    }
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return;
    }
    double sw = ii.kind == IMAGE_JPEG ? 1 : iw, sh = ii.kind == IMAGE_JPEG ? 1 : ih;   /* the surface's size */
    double bx = x, by = y, bw = w, bh = h;
    if (!fill) {
        double k = fmin(w / iw, h / ih);
        bw = iw * k, bh = ih * k;
        bx = x + (w - bw) / 2, by = y + (h - bh) / 2;
    }
    cairo_save(d->cr);
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_clip(d->cr);
    cairo_translate(d->cr, bx, by);
    cairo_scale(d->cr, bw / sw, bh / sh);
    cairo_set_source_surface(d->cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(d->cr), CAIRO_FILTER_GOOD);
    cairo_paint(d->cr);
    cairo_restore(d->cr);
    cairo_surface_destroy(img);
}

static const export_attachment *attachment_of(const export_report *r, int sheet, int cluster)
{
    for (int i = 0; i < r->natt; i++)
        if (r->att[i].sheet == sheet && r->att[i].cluster == cluster)
            return &r->att[i];
    return NULL;
}

/* ------------------------------------------------------------------ a sheet */

/* The console's colours (static/css/genba.css, svg.sheet.report). */
#define C_BOX 0xc5ced8
#define C_CAPTION 0x7a8696
#define C_VALUE 0x1b3a8a
#define C_FIXED 0x1d2733
#define C_RED 0xb3261e
#define C_STAMP 0xc8272d

static void draw_stamp(pdf_doc *d, const layout_cluster *l)
{
    const sv_stamp *s = &l->st;
    cairo_t *cr = d->cr;
    cairo_save(cr);
    cairo_push_group(cr);
    cairo_translate(cr, s->cx, s->cy);
    cairo_rotate(cr, -6 * M_PI / 180);
    cairo_translate(cr, -s->cx, -s->cy);
    cairo_new_path(cr);
    cairo_arc(cr, s->cx, s->cy, s->r, 0, 2 * M_PI);
    cairo_set_source_rgba(cr, 200 / 255.0, 39 / 255.0, 45 / 255.0, 0.04);
    cairo_fill_preserve(cr);
    pdf_rgb(d, C_STAMP);
    cairo_set_line_width(cr, s->stroke);
    cairo_stroke(cr);
    for (int i = 0; i < 2; i++) {
        double by = i ? s->band_y2 : s->band_y1;
        cairo_move_to(cr, s->cx - s->band_hw, by);
        cairo_line_to(cr, s->cx + s->band_hw, by);
    }
    cairo_stroke(cr);
    pdf_line(d, l->role, d->stamp, s->role_fs, s->cx, s->role_y, LAY_MIDDLE, s->role_squeeze ? s->role_w : 0);
    pdf_line(d, l->date, d->stamp, s->date_fs, s->cx, s->date_y, LAY_MIDDLE, s->date_squeeze ? s->date_w : 0);
    pdf_line(d, l->signer, d->stamp, s->name_fs, s->cx, s->name_y, LAY_MIDDLE, s->name_squeeze ? s->name_w : 0);
    cairo_pop_group_to_source(cr);
    cairo_paint_with_alpha(cr, 0.92);
    cairo_restore(cr);
}

static void draw_cluster(pdf_doc *d, const def_sheet *sh, const def_cluster *c)
{
    const rvalue *v = rvals_get(&d->r->vals, c->sheet_no, c->id);
    const export_attachment *att = layout_is_attachment(c->type) || layout_is_signoff(c->type)
                                       ? attachment_of(d->r, c->sheet_no, c->id) : NULL;   /* a sign-off's: its stamp image */
    layout_cluster l;
    layout_cluster_place(&d->env, sh, c, v ? v->value : NULL, att != NULL, &l);
    cairo_t *cr = d->cr;
    bool oon = v && v->oon && c->type != CT_FIXED_TEXT;
    if (oon) {   /* a red box, also on a background image */
        cairo_rectangle(cr, l.x, l.y, l.w, l.h);
        cairo_set_source_rgba(cr, 179 / 255.0, 38 / 255.0, 30 / 255.0, 0.10);
        cairo_fill_preserve(cr);
        pdf_rgb(d, C_RED);
        cairo_set_line_width(cr, 1.2);
        cairo_stroke(cr);
    } else if (!sh->background && c->type != CT_FIXED_TEXT) {
        cairo_rectangle(cr, l.x, l.y, l.w, l.h);
        pdf_rgb(d, C_BOX);
        cairo_set_line_width(cr, 0.6);
        cairo_stroke(cr);
    }
    if (l.cap) {
        pdf_rgb(d, C_CAPTION);
        pdf_line(d, c->name, d->sans, l.capfs, l.capx, l.capy, LAY_START, l.capw);
    }
    switch (l.kind) {
    case LAY_NONE: break;
    case LAY_FIXED: case LAY_TEXT:
        pdf_rgb(d, l.kind == LAY_FIXED ? C_FIXED : oon ? C_RED : C_VALUE);
        for (int i = 0; i < l.t.nlines; i++)
            pdf_line(d, l.t.lines[i], l.kind == LAY_FIXED || oon ? d->bold : d->sans, l.t.fs, l.tx, l.t.y[i], l.anchor,
                     l.tl);
        break;
    case LAY_CHECK:
        pdf_rgb(d, oon ? C_RED : C_VALUE);
        pdf_line(d, "✓", d->bold, l.mark_fs, l.mark_x, l.mark_y, LAY_MIDDLE, 0);
        break;
    case LAY_IMAGE: {
        const unsigned char *data;
        size_t len;
        if (export_attachment_read(d->op, d->r, att, &data, &len) == OP_OK)
            paint_image(d, data, len, l.x, l.y, l.w, l.h, false);
        else   /* (logged by the reader) the box stays empty */
            log_warn("req id=%s tenant=%s: report %s: the image of %d/%d is left out of its PDF", d->op->req_id,
                     d->op->tenant->code, d->r->id, c->sheet_no, c->id);
        break;
    }
    case LAY_STAMP: draw_stamp(d, &l); break;
    case LAY_SLOT: {
        static const double dash[] = {3, 2};
        cairo_new_path(cr);
        cairo_arc(cr, l.cx, l.cy, l.r, 0, 2 * M_PI);
        pdf_rgb(d, C_BOX);
        cairo_set_line_width(cr, 0.8);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        break;
    }
    }
}

static void draw_sheet(pdf_doc *d, const def_sheet *sh)
{
    pdf_page(d, sh->width, sh->height);
    if (!d->drawing)   /* nothing of a sheet's page flows onto another */
        return;
    cairo_pdf_surface_add_outline(d->surf, CAIRO_PDF_OUTLINE_ROOT, sh->name && *sh->name ? sh->name : "-",
                                  arena_printf(d->op->a, "page=%d", d->shown + 1), 0);
    if (sh->background) {
        const char *ctype;
        const void *data;
        size_t len;
        if (defstore_background(d->op, d->r->definition_id, d->r->definition_revision, sh->no, &ctype, &data, &len) == OP_OK)
            paint_image(d, data, len, 0, 0, sh->width, sh->height, true);
    }
    for (int i = 0; i < sh->nclusters; i++)
        draw_cluster(d, sh, &sh->clusters[i]);
}

/* ------------------------------------------------------------------ the document */

static cairo_status_t write_sink(void *closure, const unsigned char *data, unsigned int length)
{
    export_sink *out = closure;
    return out->write(out->ctx, data, length) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t write_nowhere(void *closure, const unsigned char *data, unsigned int length)
{
    (void)closure, (void)data, (void)length;
    return CAIRO_STATUS_SUCCESS;
}

static void doc_free(pdf_doc *d)
{
    if (d->pc)
        g_object_unref(d->pc);
    pango_font_description_free(d->sans);
    pango_font_description_free(d->bold);
    pango_font_description_free(d->stamp);
    if (d->pdf_cr)
        cairo_destroy(d->pdf_cr);
    if (d->scratch_cr)
        cairo_destroy(d->scratch_cr);
    if (d->scratch)
        cairo_surface_destroy(d->scratch);
    if (d->surf)
        cairo_surface_destroy(d->surf);
    memset(d, 0, sizeof *d);
}

/* Open a document writing to out (NULL: nowhere, for counting pages). */
static bool doc_open(pdf_doc *d, op_ctx *op, const export_report *r, const export_pdf_opts *o, export_sink *out)
{
    memset(d, 0, sizeof *d);
    d->op = op;
    d->r = r;
    d->first = o && o->first_page > 0 ? o->first_page : 1;
    d->last = o && o->last_page > 0 ? o->last_page : 0;
    d->history = o && o->history;
    d->ranges = o ? o->ranges : NULL;
    d->nranges = o && o->ranges ? o->nranges : 0;
    d->env = (layout_env){.a = op->a, .zone = tenant_zone(op->tenant), .lang = op->lang ? op->lang : "ja",
                          .msg = o ? o->msg : NULL};
    d->surf = cairo_pdf_surface_create_for_stream(out ? write_sink : write_nowhere, out, 595, 842);
    /* a recording surface: nothing is rasterised for pages that are only counted */
    d->scratch = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &(cairo_rectangle_t){0, 0, 1, 1});
    d->pdf_cr = cairo_create(d->surf);
    d->scratch_cr = cairo_create(d->scratch);
    d->cr = d->scratch_cr;
    if (cairo_surface_status(d->surf) || cairo_surface_status(d->scratch))
        return false;
    /* no document title or creator: cairo 1.16's cairo_pdf_surface_set_metadata
     * leaks about 1.5 KB a document (seen with LeakSanitizer) */
    /* the same metrics on both surfaces: unhinted, as printed */
    d->pc = pango_cairo_create_context(d->pdf_cr);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(d->pc, fo);
    cairo_font_options_destroy(fo);
    /* one face for the whole document: cairo 1.16 copies a CJK font's
     * tables (16-27 MB) twice for every face it embeds, some 30 ms a face;
     * emphasis is colour and size, not a second face */
    d->sans = pango_font_description_from_string(PDF_SANS);
    d->bold = pango_font_description_from_string(PDF_SANS);
    d->stamp = pango_font_description_from_string(PDF_SANS);
    return true;
}

/* A page number of 1 to 5 digits at *p (moved past it); 0 when none. */
static int page_number(const char **p)
{
    int n = 0, digits = 0;
    while (**p >= '0' && **p <= '9' && digits < 6)
        n = n * 10 + (*(*p)++ - '0'), digits++;
    return digits <= 5 ? n : -1;
}

bool export_pdf_pages_parse(const char *s, int *first, int *last)
{
    *first = *last = 0;
    if (!s || !*s)
        return false;
    const char *p = s;
    int a = page_number(&p), b;
    if (*p == '-') {
        p++;
        b = page_number(&p);
        if (!a && !b)
            return false;
    } else {
        b = a;
    }
    if (*p || a < 0 || b < 0 || (a == 0 && *s != '-') || (b && a > b))
        return false;
    *first = a, *last = b;
    return true;
}

bool export_pdf_pages_parse_list(arena *a, const char *s, export_pdf_range **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (!s || !*s)
        return false;
    int parts = 1;
    for (const char *p = s; *p; p++)
        parts += *p == ',';
    if (parts > EXPORT_PDF_MAX_RANGES)
        return false;
    export_pdf_range *r = arena_calloc(a, (size_t)parts, sizeof *r);
    for (const char *p = s;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (!export_pdf_pages_parse(arena_strndup(a, p, len), &r[*n].first, &r[*n].last))
            return false;
        if (!r[*n].first)
            r[*n].first = 1;
        (*n)++;
        if (!comma)
            break;
        p = comma + 1;
    }
    *out = r;
    return true;
}

op_result export_pdf_write(op_ctx *op, const export_report *r, const export_pdf_opts *o, export_sink *out)
{
    pdf_doc d;
    export_pdf_opts hull;
    if (o && o->ranges && o->nranges > 0) {   /* several ranges: their hull bounds the work, in_range picks */
        hull = *o;
        hull.first_page = INT32_MAX;
        hull.last_page = 0;
        bool open_end = false;
        for (int i = 0; i < o->nranges; i++) {
            if (o->ranges[i].first < 1 || o->ranges[i].last < 0 || (o->ranges[i].last && o->ranges[i].first > o->ranges[i].last))
                return OP_INVALID;
            if (o->ranges[i].first < hull.first_page)
                hull.first_page = o->ranges[i].first;
            if (!o->ranges[i].last)
                open_end = true;
            else if (o->ranges[i].last > hull.last_page)
                hull.last_page = o->ranges[i].last;
        }
        if (open_end)
            hull.last_page = 0;
        o = &hull;
    }
    int nsheets = r->def->nsheets;
    if (o && o->pages)
        *o->pages = 0;
    if (o) {
        if (o->first_page < 0 || o->last_page < 0 || (o->last_page && o->first_page > o->last_page))
            return OP_INVALID;
        if (o->first_page > nsheets + 1) {
            /* past the first record page: count the record pages before writing a byte */
            if (!doc_open(&d, op, r, &(export_pdf_opts){.first_page = INT32_MAX, .history = o->history, .msg = o->msg}, NULL)) {
                doc_free(&d);
                return OP_ERROR;
            }
            d.page = nsheets;
            int pages = nsheets + pdf_record_pages(&d);
            doc_free(&d);
            if (o->pages)
                *o->pages = pages;
            if (o->first_page > pages)
                return OP_INVALID;
        }
    }
    if (!doc_open(&d, op, r, o, out)) {
        log_error("req id=%s tenant=%s: report %s: cairo cannot open a PDF", op->req_id, op->tenant->code, r->id);
        doc_free(&d);
        return OP_ERROR;
    }
    for (int s = 0; s < nsheets; s++)
        draw_sheet(&d, &r->def->sheets[s]);
    /* the record pages, unless the range ends before them (then their count is not known: -1) */
    int pages = d.last && d.last <= nsheets ? -1 : nsheets + pdf_record_pages(&d);
    if (d.drawing) {
        cairo_show_page(d.pdf_cr);
        d.shown++;
    }
    if (o && o->pages)
        *o->pages = pages;
    cairo_surface_finish(d.surf);
    cairo_status_t st = cairo_surface_status(d.surf);
    int shown = d.shown;
    doc_free(&d);
    if (st == CAIRO_STATUS_WRITE_ERROR)   /* the sink stopped it */
        return OP_ERROR;
    if (st != CAIRO_STATUS_SUCCESS) {
        log_error("req id=%s tenant=%s: report %s: cairo: %s", op->req_id, op->tenant->code, r->id,
                  cairo_status_to_string(st));
        return OP_ERROR;
    }
    return shown ? OP_OK : OP_INVALID;
}
