/* report_view.h - what the console's report pages share, internal to
 * app/manager/: the list (reports.c), the report page and how values read
 * (report_page.c), and the changes (report_change.c).  Small helpers, a
 * report as the page sees it (rview), and drawing the report page again
 * after a refused change (outcome, rpt_render_report).
 *
 * Ownership: strings and values returned live in the request's arena,
 * except rview.rep, which the rview owns (rpt_rview_free releases it), and
 * rview.d, which the thread's definition cache owns (read only).
 * Thread-safety: request thread only (the request, its arena and the
 * tenant's connection are the thread's own).
 */
#ifndef GENBA_MANAGER_REPORT_VIEW_H
#define GENBA_MANAGER_REPORT_VIEW_H

#include <json-c/json.h>
#include <stdbool.h>
#include "forms/model.h"
#include "forms/store.h"
#include "http/request.h"
#include "util/errs.h"

/* Member k of object o as a string (NULL when o, or k, is missing); the
 * string belongs to o. */
static inline const char *rpt_jstr(json_object *o, const char *k)
{
    json_object *v;
    return o && json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : NULL;
}

/* Member k of object o as an int (0 when o, or k, is missing). */
static inline int rpt_jint(json_object *o, const char *k)
{
    json_object *v;
    return o && json_object_object_get_ex(o, k, &v) && v ? json_object_get_int(v) : 0;
}

/* The report id of the path (index 3), or NULL after a 404 page. */
const char *rpt_path_id(request *r);
/* A stored UTC time ("2024-05-01T12:34:56Z") in the tenant's time zone, in
 * the console's one format ("2024-05-01 21:34 JST", util/tz.h); t itself
 * when it is not a time. */
const char *rpt_short_time(request *r, const char *t);
/* The catalog text for key in the page's language ("" when missing). */
const char *rpt_msg(request *r, const char *key);

/* What the page knows of a report besides its JSON. */
typedef struct rview {
    const char *id;
    json_object *rep;            /* report_json (owned) */
    def_rev v;
    const definition *d;         /* shared with the thread's definition cache: read only */
    long long creator, applicant;
    const char *creator_name, *updater_name;
    bool own, can_edit;
} rview;

/* Load report id and its definition revision; false with *res (then
 * nothing is to be freed). */
bool rpt_rview_load(request *r, const char *id, rview *rv, op_result *res);
/* Release what rpt_rview_load took (rv->rep). */
void rpt_rview_free(rview *rv);
/* The stored value of (sheet, cluster) in the report's JSON (owned by
 * rv->rep), or NULL. */
json_object *rpt_stored(const rview *rv, int sheet, int cluster);
/* May the console change c's value (when the report may be edited)? */
bool rpt_editable(const def_cluster *c, const char *value);
/* What the submitted form holds for c (check boxes: "1" or ""; multiple
 * choice: the ticked items joined by TAB, in the form's order). */
const char *rpt_typed_value(request *r, const def_cluster *c);
/* Same text, ignoring the CR of CR LF (a browser's text areas send them). */
bool rpt_same_text(const char *a, const char *b);

/* How a refused change is shown: the page again, with this alert. */
typedef struct outcome {
    const errs *e;              /* per-cluster problems */
    bool typed;                 /* the values typed into the form are shown again (with e) */
    bool stale;                 /* the report changed meanwhile (the typed values beside the current ones) */
    const char *alert;          /* a refusal's message */
} outcome;

/* Answer with the report page of id, with HTTP status; oc (may be NULL)
 * says what a refused change shows on it. */
void rpt_render_report(request *r, int status, const char *id, const outcome *oc);

#endif
