/* sheetview.h - laying a report's values out on its sheets like the paper
 * form: how large a text may be drawn to fit its cluster's rectangle and
 * where its lines go, and the parts of a sign-off stamp (a round date
 * stamp, "hanko": role on top, date in the middle band, name below).
 *
 * Widths are estimated from the characters (em units: CJK and full-width
 * forms 1, Latin letters and digits about 0.5-0.7, spaces 0.28) because
 * the server cannot measure the browser's font; the estimates err on the
 * wide side, so a fitted text stays inside its box.  All lengths are in
 * the sheet's points; y positions are baselines.
 *
 * Ownership: results live in the caller's arena.  Thread-safety: pure
 * functions of their arguments; any thread with its own arena.
 */
#ifndef GENBA_SHEETVIEW_H
#define GENBA_SHEETVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include "util/arena.h"

#define SV_LINE_HEIGHT 1.2   /* line pitch, in font sizes */

/* A text fitted into a box. */
typedef struct sv_text {
    double fs;              /* font size (points) */
    int nlines;
    const char **lines;     /* the lines, in the arena */
    double *y;              /* each line's baseline, from the box's top */
    bool squeezed;          /* one line still wider than the box at the smallest size: draw it
                             * with textLength = the box's width */
    bool truncated;         /* lines were left out (the last one shown ends in "…") */
} sv_text;

/* Estimated advance width of the UTF-8 text s[0..n) in ems. */
double sheetview_em_width(const char *s, size_t n);

/* Fit text into a w × h box: the largest font size from max_fs down to
 * min_fs at which the text, wrapped at spaces, between wide characters and
 * at its line breaks (a word longer than a line is broken anywhere), fits;
 * a single line is preferred while it fits.  At min_fs, what does not fit
 * is cut and marked.  Lines are centred vertically in the box.  An empty
 * text gives no lines. */
void sheetview_fit(arena *a, const char *text, double w, double h, double max_fs, double min_fs, sv_text *out);

/* A round date stamp inside the box x, y, w, h. */
typedef struct sv_stamp {
    double cx, cy, r, stroke;          /* the ring */
    double band_y1, band_y2, band_hw;  /* the middle band's two lines: y, half width */
    double role_y, role_fs;            /* top: the role ("承認") */
    double date_y, date_fs;            /* middle: the date */
    double name_y, name_fs;            /* bottom: the name */
    bool role_squeeze, date_squeeze, name_squeeze;   /* draw with textLength = *_w */
    double role_w, date_w, name_w;
} sv_stamp;

/* Lay out a stamp with these three texts in the box (the largest circle
 * that fits, a little inset). */
void sheetview_stamp(double x, double y, double w, double h, const char *role, const char *date, const char *name,
                     sv_stamp *out);

#endif
