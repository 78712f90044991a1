/* export/pdf_int.h - what the PDF writer's two files share, internal to
 * app/export/: the document being written (pdf.c: the sheets) and its
 * record pages (pdf_record.c: the report's facts, the approval record, the
 * history), and the text primitives both draw with (pango on cairo).
 *
 * Pages outside the requested range are drawn on a scratch surface that
 * nothing reads, so page numbers and text flow stay the same whichever
 * range is asked for.  One pdf_doc per operation thread (cairo and pango
 * objects are not shared between threads); everything it allocates lives
 * in op->a or is released by pdf.c.
 */
#ifndef GENBA_EXPORT_PDF_INT_H
#define GENBA_EXPORT_PDF_INT_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include "export/layout.h"
#include "export/writer.h"

/* The fonts (fontconfig finds Debian's fonts-noto-cjk). */
#define PDF_SANS "Noto Sans CJK JP"

typedef struct pdf_doc {
    op_ctx *op;
    const export_report *r;
    int first, last;                   /* the range (last 0: to the end); with ranges, their hull */
    const export_pdf_range *ranges;    /* several ranges, or NULL */
    int nranges;
    bool history;
    layout_env env;
    cairo_surface_t *surf, *scratch;   /* the PDF; where pages out of the range go */
    cairo_t *pdf_cr, *scratch_cr;
    cairo_t *cr;                       /* the page being drawn: pdf_cr or scratch_cr */
    PangoContext *pc;
    PangoFontDescription *sans, *bold, *stamp;
    int page;                          /* the page being drawn (1-based; 0 before the first) */
    bool drawing;                      /* it is in the range (drawn into the PDF) */
    int shown;                         /* pages put into the PDF */
} pdf_doc;

/* End the page being drawn and start page d->page + 1 at w × h points. */
void pdf_page(pdf_doc *d, double w, double h);
/* Set the colour (0xRRGGBB) for what is drawn next. */
void pdf_rgb(pdf_doc *d, unsigned rgb);
/* A layout of text in font f at fs points, wrapped at width (0: one
 * paragraph per line of text, not wrapped); the caller unrefs it. */
PangoLayout *pdf_layout(pdf_doc *d, const char *text, const PangoFontDescription *f, double fs, double width);
/* One line of text with its baseline at (x, y), anchored like SVG's
 * text-anchor; squeeze > 0 scales it to exactly that width (SVG's
 * textLength with lengthAdjust=spacingAndGlyphs).  Returns its width. */
double pdf_line(pdf_doc *d, const char *s, const PangoFontDescription *f, double fs, double x, double y,
                layout_anchor anchor, double squeeze);

/* The record pages after the sheets (pdf_record.c); returns how many pages
 * they took. */
int pdf_record_pages(pdf_doc *d);

#endif
