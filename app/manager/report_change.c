/* report_change.c - the console's changes to a report: saving edited
 * values, apply/approve/reject/withdraw, copy and delete, each in a
 * transaction of its own; a refused change shows the report page again. */
#include "manager/reports.h"
#include "tenant/audit.h"
#include "auth/users.h"
#include "db/txn.h"
#include "http/form.h"
#include "http/response.h"
#include "manager/report_view.h"
#include "manager/view.h"
#include "reports/report.h"
#include "tenant/quota.h"
#include "tenant/resolve.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

#define COMMENT_MAX 1000   /* characters (report_approvals.comment) */

/* ------------------------------------------------------------------ changes */

typedef op_result (*change_fn)(request *r, void *ctx, errs *e, refusal *why);

typedef struct change {
    request *r;
    change_fn fn;
    void *ctx;
    errs *e;
    refusal *why;
} change;

static op_result change_once(void *arg)
{
    change *c = arg;
    errs_init(c->e, c->r->a);
    json_object_put(c->why->body);
    memset(c->why, 0, sizeof *c->why);
    return c->fn(c->r, c->ctx, c->e, c->why);
}

/* Run fn in a transaction of its own (console writes carry no idempotency
 * key): txn_run commits on success and runs it again after a lock wait or
 * deadlock. */
static op_result run_change(request *r, change_fn fn, void *ctx, errs *e, refusal *why)
{
    change c = {.r = r, .fn = fn, .ctx = ctx, .e = e, .why = why};
    return txn_run(r->op.tenant->db, r->id, "console report change", change_once, &c);
}

/* The message of a refusal in the page's language. */
static const char *refusal_text(request *r, const refusal *why)
{
    const char *m = page_msg(r->lang, arena_printf(r->a, "code.%s", why->code ? why->code : ""));
    if (m)
        return m;
    if (!strcmp(r->lang, "en") && why->message)
        return why->message;
    m = page_msg(r->lang, arena_printf(r->a, "error.%d.text", resp_refusal_status(why->kind)));
    return m ? m : why->message;
}

/* Answer a change (action, for the access log) that did not happen: the
 * report page again with why, or with the problems per cluster (typed:
 * what was typed is shown again). */
static void refused(request *r, const char *id, const char *action, op_result res, const errs *e, bool typed,
                    refusal *why)
{
    json_object_put(why->body);
    why->body = NULL;
    if (res != OP_INVALID)
        return view_fail(r, res);
    if (why->kind == REF_FORBIDDEN)   /* the refused change was rolled back with its own log row: log the denial */
        audit_log(&r->op, NULL, action, "report", id, AUDIT_DENIED, why->code);
    if (why->kind == REF_NOT_FOUND)
        return view_fail(r, OP_NOT_FOUND);
    if (why->kind == REF_STALE) {   /* changed meanwhile: the current report, with what was typed beside it */
        outcome oc = {.stale = true};
        return rpt_render_report(r, 409, id, &oc);
    }
    if (why->kind) {
        outcome oc = {.alert = refusal_text(r, why)};
        return rpt_render_report(r, why->kind, id, &oc);
    }
    outcome oc = {.e = e, .typed = typed};
    rpt_render_report(r, 422, id, &oc);
}

/* The form's "rev" (the revision the page showed), or 0. */
static int form_rev(request *r)
{
    long long v;
    return users_parse_id(view_field(r, "rev"), &v) && v < 1000000000 ? (int)v : 0;
}

typedef struct save_ctx {
    const char *id;
    int rev;
    report_write w;
} save_ctx;

static op_result do_save(request *r, void *ctx, errs *e, refusal *why)
{
    save_ctx *c = ctx;
    op_result res = report_update(&r->op, c->id, c->rev, &c->w, e, why);
    if (res != OP_OK)
        return res;
    /* the tenant's storage quota, once the write went through (as the API
     * does; the form's size stands for what it adds): 507, rolled back */
    bool fits;
    res = quota_check(&r->op, r->body_len, &fits);
    if (res == OP_OK && !fits) {
        why->kind = REF_NO_SPACE, why->code = QUOTA_CODE, why->message = QUOTA_MESSAGE;
        res = OP_INVALID;
    }
    return res;
}

/* Save what a form changed (n: how many of its fields differ from what is
 * stored) from the page's revision c->rev: 403 without the right, the
 * report again when nothing differs but the page was old, else the change
 * (done: the notice). */
static void save_typed(request *r, save_ctx *c, bool allowed, int current, int n, const char *done)
{
    if (!allowed)
        return resp_error(r, 403, "forbidden", "You may not edit this report now.");
    if (!n) {
        if (c->rev != current) {   /* nothing typed differs, but from an old page: show what changed */
            outcome oc = {.stale = true};
            return rpt_render_report(r, 409, c->id, &oc);
        }
        return view_done(r, arena_printf(r->a, "reports/%s", c->id), "report_unchanged");
    }
    errs e;
    refusal why = {0};
    op_result res = run_change(r, do_save, c, &e, &why);
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "reports/%s", c->id), done);
    refused(r, c->id, "report.update", res, &e, true, &why);
}

void manager_report_save(request *r)
{
    const char *id = rpt_path_id(r);
    if (!id)
        return;
    rview rv;
    op_result res;
    if (!rpt_rview_load(r, id, &rv, &res))
        return view_fail(r, res);
    save_ctx c = {.id = id, .rev = form_rev(r)};
    /* the values the form offered and that differ from what is stored
     * (an untouched value is not checked again: a date bound like today-7
     * moves on) */
    int total = 0;
    for (int s = 0; s < rv.d->nsheets; s++)
        total += rv.d->sheets[s].nclusters;
    c.w.values = arena_calloc(r->a, (size_t)total + 1, sizeof *c.w.values);
    for (int s = 0; rv.can_edit && s < rv.d->nsheets; s++)
        for (int i = 0; i < rv.d->sheets[s].nclusters; i++) {
            const def_cluster *dc = &rv.d->sheets[s].clusters[i];
            const char *cur = rpt_jstr(rpt_stored(&rv, dc->sheet_no, dc->id), "value");
            if (!rpt_editable(dc, cur))
                continue;
            const char *typed = rpt_typed_value(r, dc);
            if (rpt_same_text(typed, cur ? cur : ""))
                continue;
            report_value_in *v = &c.w.values[c.w.nvalues++];
            v->sheet = dc->sheet_no;
            v->cluster = dc->id;
            v->value = typed;
        }
    bool allowed = rv.can_edit;
    int current = rpt_jint(rv.rep, "rev");
    rpt_rview_free(&rv);
    save_typed(r, &c, allowed, current, c.w.nvalues, "report_saved");
}

/* The remarks form: remarks1..remarks10, each sent one saved when it
 * differs from what is stored (CR LF as LF); the report's own revision
 * rules (rev, the edit right, the applicant lock) as for values. */
void manager_report_remarks(request *r)
{
    const char *id = rpt_path_id(r);
    if (!id)
        return;
    rview rv;
    op_result res;
    if (!rpt_rview_load(r, id, &rv, &res))
        return view_fail(r, res);
    save_ctx c = {.id = id, .rev = form_rev(r)};
    json_object *stored = json_object_object_get(rv.rep, "remarks");
    int n = 0;
    for (int i = 0; i < REPORT_REMARKS; i++) {
        const char *typed = r->form ? form_get(r->form, arena_printf(r->a, "remarks%d", i + 1)) : NULL;
        if (!typed)
            continue;   /* not in the form: kept */
        char *v = arena_strdup(r->a, typed), *o = v;
        for (const char *p = typed; *p; p++)
            if (!(*p == '\r' && p[1] == '\n'))
                *o++ = *p;
        *o = 0;
        const char *cur = rpt_jstr(stored, arena_printf(r->a, "%d", i + 1));
        if (!strcmp(v, cur ? cur : ""))
            continue;
        c.w.remarks[i] = v;
        n++;
    }
    bool allowed = rv.can_edit;
    int current = rpt_jint(rv.rep, "rev");
    rpt_rview_free(&rv);
    save_typed(r, &c, allowed, current, n, "remarks_saved");
}

typedef struct approval_ctx {
    const char *id, *action, *comment;
    int rev, stage;
} approval_ctx;

static op_result do_approval(request *r, void *ctx, errs *e, refusal *why)
{
    approval_ctx *c = ctx;
    if (!strcmp(c->action, "apply"))   /* applying completes: the values that stop it come in e */
        return report_apply(&r->op, c->id, c->rev, c->stage, c->comment, e, why);
    return report_approval(&r->op, c->id, c->rev, c->stage, c->action, c->comment, why);
}

void manager_report_approval(request *r)
{
    const char *id = rpt_path_id(r);
    if (!id)
        return;
    approval_ctx c = {.id = id, .action = view_field(r, "action"), .comment = view_field(r, "comment"), .rev = form_rev(r)};
    long long stage = 0;
    static const char *const actions[] = {"approve", "reject", "apply", "withdraw"};
    static const char *const done[] = {"report_approved", "report_rejected", "report_applied", "report_withdrawn"};
    int k = -1;
    for (int i = 0; i < 4; i++)
        if (!strcmp(c.action, actions[i]))
            k = i;
    if (k < 0 || (*view_field(r, "stage") && !users_parse_id(view_field(r, "stage"), &stage)) || stage > 1000)
        return resp_error(r, 400, "bad_request", "The approval form is not valid.");
    c.stage = (int)stage;
    if (str_utf8_len(c.comment) > COMMENT_MAX) {
        outcome oc = {.alert = page_err_message(r->a, r->lang, "comment_too_long", NULL)};
        return rpt_render_report(r, 422, id, &oc);
    }
    errs e;
    refusal why = {0};
    op_result res = run_change(r, do_approval, &c, &e, &why);
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "reports/%s", id), done[k]);
    if (res == OP_INVALID && e.n)   /* apply: what stops it, per cluster */
        memset(&why, 0, sizeof why);
    refused(r, id, arena_printf(r->a, "report.%s", c.action), res, &e, false, &why);
}

typedef struct copy_ctx {
    const char *src;
    char id[37];
} copy_ctx;

static op_result do_copy(request *r, void *ctx, errs *e, refusal *why)
{
    (void)e;
    copy_ctx *c = ctx;
    return report_copy(&r->op, c->src, c->id, why);
}

void manager_report_copy(request *r)
{
    const char *id = rpt_path_id(r);
    if (!id)
        return;
    copy_ctx c = {.src = id};
    if (!crypto_uuid4(c.id))
        return view_fail(r, OP_ERROR);
    errs e;
    refusal why = {0};
    op_result res = run_change(r, do_copy, &c, &e, &why);
    if (res == OP_OK)
        return view_done(r, arena_printf(r->a, "reports/%s", c.id), "report_copied");
    refused(r, id, "report.copy", res, &e, false, &why);
}

typedef struct delete_ctx {
    const char *id;
    int rev;
} delete_ctx;

static op_result do_delete(request *r, void *ctx, errs *e, refusal *why)
{
    (void)e;
    delete_ctx *c = ctx;
    return report_delete(&r->op, c->id, c->rev, why);
}

void manager_report_delete(request *r)
{
    const char *id = rpt_path_id(r);
    if (!id)
        return;
    if (strcmp(view_field(r, "confirm"), "1")) {
        outcome oc = {.alert = page_err_message(r->a, r->lang, "confirm_delete", NULL)};
        return rpt_render_report(r, 422, id, &oc);
    }
    delete_ctx c = {.id = id, .rev = form_rev(r)};
    errs e;
    refusal why = {0};
    op_result res = run_change(r, do_delete, &c, &e, &why);
    if (res == OP_OK)
        return view_done(r, "reports", "report_deleted");
    refused(r, id, "report.delete", res, &e, false, &why);
}
