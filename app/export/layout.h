/* export/layout.h - a report's values laid out on its sheets like the paper
 * form, the one copy the console's sheet view (manager/report_page.c, SVG)
 * and the PDF (export/pdf.c) both draw from: every value as people read it
 * (choices by their labels, numbers with their unit, checks as a mark,
 * sign-offs as a round date stamp) and where it goes in its cluster's
 * rectangle (text sized and wrapped by export/sheetview.c).
 *
 * All lengths are in the sheet's points from its top left corner; text y
 * positions are baselines.  Texts meant for people (the stamp's role, the
 * word for an image) come from the caller's message catalog in its
 * language (layout_env.msg, the console's page_msg), or an English
 * default when there is none.
 *
 * Ownership: results live in env->a.  Thread-safety: pure functions of
 * their arguments (the zone is thread-safe, util/tz.h); any thread with its
 * own arena.
 */
#ifndef GENBA_EXPORT_LAYOUT_H
#define GENBA_EXPORT_LAYOUT_H

#include <stdbool.h>
#include "export/sheetview.h"
#include "forms/model.h"
#include "util/arena.h"

struct tz_zone;

/* A message catalog: the text of key in lang, or NULL (http/page.h's
 * page_msg has this shape). */
typedef const char *(*layout_msg_fn)(const char *lang, const char *key);

typedef struct layout_env {
    arena *a;
    const struct tz_zone *zone;   /* the tenant's: dates of stamps and sign-offs */
    const char *lang;             /* "ja" or "en" */
    layout_msg_fn msg;            /* NULL: the English defaults */
} layout_env;

/* The catalog text of key, or fallback when there is none. */
const char *layout_text(const layout_env *e, const char *key, const char *fallback);

/* Kinds of cluster: sign-offs (Create, Inspect, Approve) and images
 * (Image, Handwriting, FreeDraw). */
bool layout_is_signoff(cluster_type t);
bool layout_is_attachment(cluster_type t);

/* A sign-off value {"user", "name", "at", "comment"} (name defaults to
 * user); false when v is not one. */
typedef struct layout_signoff {
    const char *user, *name, *at, *comment;
    const char *stamp;   /* the SHA-256 of a stamp image signed with it (the external API's
                            approvalSignImage, the cluster's attachment), or NULL: a drawn stamp */
} layout_signoff;
bool layout_signoff_parse(arena *a, const char *v, layout_signoff *s);

/* The value v of c as a person reads it ("" when none): a choice's label,
 * a number with its prefix, suffix and unit, a check as ✓, a sign-off as
 * "name — time — comment" (time in the zone), an image as "image 1a2b3c4d"
 * (in the history).  FixedText: its text. */
const char *layout_display(const layout_env *e, const def_cluster *c, const char *v);

/* A stamp's role ("承認" / "APPROVED") and date (the zone's day of at,
 * "2026.12.05"). */
const char *layout_stamp_role(const layout_env *e, cluster_type t);
const char *layout_stamp_date(const layout_env *e, const char *at);

typedef enum layout_kind {
    LAY_NONE,     /* nothing to draw (an empty value, an image not uploaded) */
    LAY_FIXED,    /* the form's own label (FixedText) */
    LAY_TEXT,     /* a value as text */
    LAY_CHECK,    /* a tick mark */
    LAY_IMAGE,    /* the attachment, fitted in the box keeping its proportions */
    LAY_STAMP,    /* a sign-off's round date stamp */
    LAY_SLOT      /* a sign-off not made yet: an empty dashed ring */
} layout_kind;

typedef enum layout_anchor { LAY_START, LAY_MIDDLE, LAY_END } layout_anchor;

/* One cluster on its sheet. */
typedef struct layout_cluster {
    const def_cluster *c;
    double x, y, w, h;              /* the box */
    bool cap;                       /* captioned with c->name (the sheet has no background image) */
    double capfs, capx, capy, capw; /* capw > 0: squeeze the caption to that width */
    layout_kind kind;
    /* LAY_FIXED, LAY_TEXT: t.y[] are absolute baselines; tl > 0: squeeze
     * each line to that width */
    sv_text t;
    layout_anchor anchor;
    double tx, tl;
    /* LAY_CHECK: the mark's size and its centre's x, baseline y */
    double mark_fs, mark_x, mark_y;
    /* LAY_STAMP */
    sv_stamp st;
    const char *role, *date, *signer;
    /* LAY_SLOT: the ring */
    double cx, cy, r;
} layout_cluster;

/* Lay out cluster c of sheet sh holding value (NULL or "" when none);
 * attached: an image of c is stored (images only).  A sheet without a
 * background image gets each box captioned with its cluster's name. */
void layout_cluster_place(const layout_env *e, const def_sheet *sh, const def_cluster *c, const char *value,
                          bool attached, layout_cluster *out);

#endif
