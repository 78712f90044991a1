/* report.h - reports: writing values through the definition's rules, and
 * reading reports back as the tablet API's JSON.
 *
 * A write (report_create, report_update) runs inside the caller's
 * transaction (which idem_claim began) and leaves it open for the caller to
 * store the idempotent answer and commit.  It checks every submitted value
 * with the value engine (forms/value.h) and answers every problem at once;
 * computes the clusters the server fills (Calculate, TimeCalculate,
 * Registrant, RegisterDate, Updater, UpdateDate, LoginUser: what a client
 * sends for them is ignored); enforces lockAfterSave, `required` when the
 * report is completed, exclusive locks held by others and the applicant
 * lock; issues the auto-number on the first save (gap-free: the counter
 * moves in the same transaction); keeps every change of a value in the
 * history; and moves `rev` on by one.  Request thread only.
 */
#ifndef GENBA_REPORT_H
#define GENBA_REPORT_H

#include <json-c/json.h>
#include "forms/model.h"
#include "tenant/op.h"
#include "util/errs.h"

typedef struct report_value_in {
    int sheet, cluster;
    const char *value, *edited_at, *gps;   /* edited_at, gps may be NULL */
} report_value_in;

/* Report remarks (remarksValue1-10 of the ConMas API; their names are the
 * definition's remarksName1-10) and system keys (systemKey1-5): free text
 * kept with the report, at most REPORT_REMARK_MAX / REPORT_SYSKEY_MAX
 * characters, no control characters (remarks may hold line breaks and
 * tabs). */
#define REPORT_REMARKS 10
#define REPORT_SYSKEYS 5
#define REPORT_REMARK_MAX 500
#define REPORT_SYSKEY_MAX 200

typedef struct report_write {
    const char *id;                 /* UUID (create) */
    long long definition_id;
    int definition_revision;
    const char *name;               /* NULL: keep / the definition's name */
    report_value_in *values;
    int nvalues;
    bool complete;                  /* action "complete" (else "save") */
    const char *remarks[REPORT_REMARKS];     /* NULL: keep (create: none); "": clear */
    const char *system_keys[REPORT_SYSKEYS]; /* the same */
    bool force;                     /* the external API's force mode: another user's exclusive lock, the
                                       applicant lock and lockAfterSave do not stop report_update */
} report_write;

/* Check w's remarks and system keys; problems into e (field "remarks.N" /
 * "system_key.N", code too_long or bad_charset).  report_create and
 * report_update call it; exported for callers that check before writing. */
bool report_extras_check(op_ctx *op, const report_write *w, errs *e);
/* Add "remarks" and "system_keys" ({"1": text} for those set) to o from
 * rows' columns col .. col + 14 (report_extra_cols' order). */
struct db_rows;
void report_extras_json(json_object *o, const struct db_rows *rows, size_t row, int col);
/* The columns in SQL, each prefixed by p ("rp."): remarks1..10 then
 * system_key1..5, comma-separated (no trailing comma). */
#define REPORT_EXTRA_SELECT(p)                                                                                        \
    p "remarks1, " p "remarks2, " p "remarks3, " p "remarks4, " p "remarks5, " p "remarks6, " p "remarks7, "   \
    p "remarks8, " p "remarks9, " p "remarks10, " p "system_key1, " p "system_key2, " p "system_key3, "          \
    p "system_key4, " p "system_key5"
/* The SQL columns in order: remarks1..10 then system_key1..5. */
extern const char *const report_extra_cols[REPORT_REMARKS + REPORT_SYSKEYS];

/* Parse {"values": [...]} items into w (400-worthy problems into e). */
bool report_values_from_json(op_ctx *op, json_object *arr, report_write *w, errs *e);
/* Create report w->id.  On OP_INVALID, e holds per-cluster details
 * (field "sheet/cluster", code, arg); other refusals in *why.  *json (when
 * json is not NULL): the new report as the API's JSON text, made from what
 * was written (no reading back). */
op_result report_create(op_ctx *op, const report_write *w, errs *e, refusal *why, const char **json);
/* Update report id from revision if_match. */
op_result report_update(op_ctx *op, const char *id, int if_match, const report_write *w, errs *e,
                        refusal *why);
/* The locks on changing report id (status: its status; d: its definition)
 * for the request's user: the applicant lock while applying or approved
 * (409 approval_pending / approved_locked) and another user's exclusive
 * lock (409 report_locked, {holder, expires_at} in why->body).  OP_OK when
 * none holds; also used for attachments (reports/attach.c). */
op_result report_check_locks(op_ctx *op, const char *id, const char *status, const definition *d, refusal *why);
/* The report as JSON (NULL with *res when not found / not visible). */
json_object *report_json(op_ctx *op, const char *id, op_result *res);
/* A sign-off value (Create, Inspect, Approve clusters): JSON text
 * {"user", "name", "at", "comment"} for the request's user, now. */
const char *report_signoff(op_ctx *op, const char *comment);

/* --- the workflow (reports/approve.c, lock.c, flow.c) ---
 * Each runs in the caller's transaction and writes the access log
 * (report.apply/approve/reject/withdraw, report.lock/unlock/lock_break,
 * report.copy, report.delete, report.purge). */
/* Approval action on stage: "apply" (the applicant, for stage 1, from
 * editing/rejected), "approve" / "reject" (members of the stage's group,
 * stages in order; approving signs the stage's Approve clusters; rejecting
 * returns the report to the applicant), "withdraw" (the applicant, while
 * applying).  if_match: the revision read.  Runs in the caller's
 * transaction.  Refusals: 400 bad_action, 404, 403 not_applicant /
 * not_in_stage_group, 412, 409 approval_pending / already_approved /
 * not_applying / stage_not_current / no_approval_stages / report_locked,
 * 422 unknown_stage (and, for "apply", validation_failed without details:
 * report_apply gives them). */
op_result report_approval(op_ctx *op, const char *id, int if_match, int stage, const char *action, const char *comment,
                          refusal *why);
/* "apply" with the values that stop it (required ones) in e, like
 * report_update with action "complete" (which it runs: applying is
 * completing), plus the comment. */
op_result report_apply(op_ctx *op, const char *id, int if_match, int stage, const char *comment, errs *e,
                       refusal *why);
/* Exclusive lock: acquire (or renew) for the user; release; force = an
 * administrator breaks another's lock.  *out: {"holder": {...},
 * "expires_at"}.  409 with the holder when another holds it. */
op_result report_lock(op_ctx *op, const char *id, bool acquire, bool force, json_object **out, refusal *why);
/* Copy report src to new_id: clusters with copyOnDuplicate and the remarks (not the system keys), a new number. */
op_result report_copy(op_ctx *op, const char *src, const char *new_id, refusal *why);
/* Soft delete (purged after reports.purge_days). */
op_result report_delete(op_ctx *op, const char *id, int if_match, refusal *why);
/* The history of the report's values and remarks: [{rev, event, sheet, cluster | remark (1-10), old, new,
 * user, device_id, at}]. */
json_object *report_history(op_ctx *op, const char *id, op_result *res);

/* The definition revision a report uses, checked visible to the user. */
definition *report_definition(op_ctx *op, long long def_id, int rev, op_result *res);

#endif
