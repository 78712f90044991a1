/* Approvals: applying, approving and rejecting stage by stage, withdrawing.
 *
 * The stages are the report's definition revision's (1..n, in order).
 * While a report is `applying`, reports.stage is the stage pending; once
 * `approved` it is the last stage; once `rejected` it is the stage that
 * rejected; `editing` (after a withdrawal) has none.  Approving signs the
 * stage's Approve clusters (parameter stage = N) with report_signoff.
 * Whenever the report goes back to its applicant (reject, withdraw) every
 * Approve sign-off is cleared: the applicant may change the values, so
 * every stage approves again from stage 1 after the next application.
 * Every action is one report_approvals row, rev + 1, and an access-log row.
 */
#include "reports/flow.h"
#include "tenant/audit.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "db/txn.h"
#include "tenant/resolve.h"

#include <stdlib.h>
#include <string.h>

static const def_stage *find_stage(const definition *d, int no)
{
    for (int i = 0; i < d->nstages; i++)
        if (d->stages[i].no == no)
            return &d->stages[i];
    return NULL;
}

bool flow_in_stage_group(op_ctx *op, const def_stage *s, const struct auth_user *u, op_result *res)
{
    *res = OP_OK;
    if (!s->group || !u)
        return false;
    db_rows rows;
    db_status st = db_query(op->tenant->db, op->a, "SELECT id FROM `groups` WHERE name = ?", DB_ARGS(DB_STR(s->group)),
                            &rows, NULL);
    if (st != DB_OK) {
        *res = txn_result(st);
        return false;
    }
    op_ctx as = *op;   /* membership is asked of the acting user: u acts for the question */
    as.user = (struct auth_user *)u;
    return rows.nrows && perm_member_of(&as, atoll(db_cell(&rows, 0, 0)));
}

static bool in_stage_group(op_ctx *op, const def_stage *s, op_result *res)
{
    return flow_in_stage_group(op, s, op->user, res);
}

/* The report and its definition, with the checks common to every action:
 * 404, definition gone (409), no stages (409), unknown stage (422). */
static op_result begin(op_ctx *op, const char *id, int stage, flow_report *fr, const definition **d,
                       refusal *why)
{
    op_result res = flow_load(op, id, fr, why);
    if (res != OP_OK)
        return res;
    *d = report_definition(op, fr->def_id, fr->def_rev, &res);
    if (!*d)
        return res == OP_NOT_FOUND ? refuse(why, REF_CONFLICT, "definition_gone", "The report's definition revision is not available.")
                                   : res;
    if (!(*d)->nstages)
        return refuse(why, REF_CONFLICT, "no_approval_stages", "This report's definition has no approval stages.");
    if (!find_stage(*d, stage))
        return refuse(why, REF_INVALID, "unknown_stage",
                           arena_printf(op->a, "The definition has approval stages 1 to %d.", (*d)->nstages));
    return OP_OK;
}

static db_status record(op_ctx *op, const flow_report *fr, int stage, const char *action, const char *comment)
{
    db_status st = db_query(op->tenant->db, op->a,
                            "INSERT INTO report_approvals (report_id, stage, action, user_id, comment, at) VALUES (?, ?, ?, "
                            "?, ?, UTC_TIMESTAMP(3))",
                            DB_ARGS(DB_STR(fr->id), DB_INT(stage), DB_STR(action), DB_INT(op->user->id),
                                    DB_STR(comment && *comment ? comment : NULL)),
                            NULL, NULL);
    if (st == DB_OK)
        st = audit_log(op, NULL, arena_printf(op->a, "report.%s", action), "report", fr->id, AUDIT_OK,
                       arena_printf(op->a, "stage %d", stage));
    return st;
}

/* Set the Approve clusters of stage (0: of every stage) to value (history
 * at revision rev); *vals the new reports.vals, NULL when nothing changed. */
static db_status sign(op_ctx *op, const flow_report *fr, const definition *d, int stage, const char *value, int rev,
                      const char **vals)
{
    rvals after = {.n = fr->vals.n, .cap = fr->vals.n};
    after.v = arena_calloc(op->a, (size_t)fr->vals.n + 1, sizeof *after.v);
    if (fr->vals.n)
        memcpy(after.v, fr->vals.v, (size_t)fr->vals.n * sizeof *after.v);
    const char *now = rvals_now(op->a);
    for (int s = 0; s < d->nsheets; s++)
        for (int i = 0; i < d->sheets[s].nclusters; i++) {
            const def_cluster *c = &d->sheets[s].clusters[i];
            const char *p = def_param_get(c, "stage");
            if (c->type != CT_APPROVE || (stage && (!p || atoi(p) != stage)))
                continue;
            const rvalue *old = rvals_get(&after, c->sheet_no, c->id);
            if (!strcmp(old ? old->value : "", value))
                continue;
            rvalue v = {.sheet = c->sheet_no, .cluster = c->id, .value = value, .at = now, .by = op->user->login};
            rvals_put(op->a, &after, &v);
        }
    return flow_set_values(op, fr, d, rev, "sign", &after, vals);
}

static db_status move(op_ctx *op, const flow_report *fr, const char *status, int stage, const char *vals)
{
    return db_query(op->tenant->db, op->a,
                    "UPDATE reports SET rev = rev + 1, status = ?, stage = ?, updated_by = ?, updated_at = UTC_TIMESTAMP(3), "
                    "vals = COALESCE(?, vals) WHERE id = ?",
                    DB_ARGS(DB_STR(status), stage ? DB_INT(stage) : DB_NULLARG, DB_INT(op->user->id), DB_STR(vals),
                            DB_STR(fr->id)),
                    NULL, NULL);
}

op_result report_apply(op_ctx *op, const char *id, int if_match, int stage, const char *comment, errs *e,
                       refusal *why)
{
    memset(why, 0, sizeof *why);
    flow_report fr;
    const definition *d;
    op_result res = begin(op, id, stage, &fr, &d, why);
    if (res != OP_OK)
        return res;
    if (!flow_may_edit(op, &fr))
        return refuse(why, REF_FORBIDDEN, "not_applicant", "Only the report's creator or an editor of its reports may apply.");
    if (fr.rev != if_match)
        return flow_stale(op, fr.id, why);
    if (!strcmp(fr.status, "applying"))
        return refuse(why, REF_CONFLICT, "approval_pending", "The report is under approval already.");
    if (!strcmp(fr.status, "approved"))
        return refuse(why, REF_CONFLICT, "already_approved", "The report is approved already.");
    if (stage != 1)
        return refuse(why, REF_CONFLICT, "stage_not_current", "An application is for stage 1.");
    /* applying is completing: `required` is enforced, the server's
     * clusters are filled, the report moves to stage 1 (report_update
     * writes the 'apply' row) */
    report_write w = {.complete = true};
    res = report_update(op, fr.id, if_match, &w, e, why);
    if (res != OP_OK)
        return res;
    db_status st = DB_OK;
    if (comment && *comment)
        st = db_query(op->tenant->db, op->a,
                      "UPDATE report_approvals SET comment = ? WHERE report_id = ? AND action = 'apply' ORDER BY id DESC "
                      "LIMIT 1",
                      DB_ARGS(DB_STR(comment), DB_STR(fr.id)), NULL, NULL);
    return txn_result(st);   /* report_update logged the application */
}

op_result report_approval(op_ctx *op, const char *id, int if_match, int stage, const char *action, const char *comment,
                          refusal *why)
{
    memset(why, 0, sizeof *why);
    if (!action)
        action = "";
    if (!strcmp(action, "apply")) {
        errs e;
        errs_init(&e, op->a);
        op_result res = report_apply(op, id, if_match, stage, comment, &e, why);
        if (res == OP_INVALID && !why->kind)
            return refuse(why, REF_INVALID, "validation_failed",
                               arena_printf(op->a, "%d value%s missing or not valid.", e.n, e.n == 1 ? " is" : "s are"));
        return res;
    }
    bool approve = !strcmp(action, "approve"), reject = !strcmp(action, "reject"), withdraw = !strcmp(action, "withdraw");
    if (!approve && !reject && !withdraw)
        return refuse(why, REF_BAD_INPUT, "bad_action", "\"action\" must be \"apply\", \"approve\", \"reject\" or \"withdraw\".");
    flow_report fr;
    const definition *d;
    op_result res = begin(op, id, stage, &fr, &d, why);
    if (res != OP_OK)
        return res;
    const def_stage *s = find_stage(d, stage);
    if (withdraw) {
        if (fr.applicant_id != op->user->id && !flow_may_edit(op, &fr))
            return refuse(why, REF_FORBIDDEN, "not_applicant", "Only the applicant may withdraw the application.");
    } else if (!in_stage_group(op, s, &res)) {
        if (res != OP_OK)
            return res;
        return refuse(why, REF_FORBIDDEN, "not_in_stage_group",
                           arena_printf(op->a, "Only members of the group \"%s\" may approve or reject stage %d.",
                                        s->group ? s->group : "", stage));
    }
    if (fr.rev != if_match)
        return flow_stale(op, fr.id, why);
    if (strcmp(fr.status, "applying"))
        return refuse(why, REF_CONFLICT, "not_applying", arena_printf(op->a, "The report is not waiting for approval (it is %s).", fr.status));
    if (fr.stage != stage)
        return refuse(why, REF_CONFLICT, "stage_not_current",
                           arena_printf(op->a, "Stage %d is the one pending, not stage %d.", fr.stage, stage));
    int rev = fr.rev + 1;
    db_status st;
    if (approve) {
        bool last = stage == d->stages[d->nstages - 1].no;
        const char *vals;
        st = sign(op, &fr, d, stage, report_signoff(op, comment), rev, &vals);
        if (st == DB_OK)
            st = move(op, &fr, last ? "approved" : "applying", last ? stage : stage + 1, vals);
        if (st == DB_OK)
            st = record(op, &fr, stage, "approve", comment);
    } else {
        /* back to the applicant: every sign-off goes */
        const char *vals;
        st = sign(op, &fr, d, 0, "", rev, &vals);
        if (st == DB_OK)
            st = move(op, &fr, reject ? "rejected" : "editing", reject ? stage : 0, vals);
        if (st == DB_OK)
            st = record(op, &fr, stage, reject ? "reject" : "withdraw", comment);
    }
    return txn_result(st);
}
