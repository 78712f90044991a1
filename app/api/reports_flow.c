/* The report workflow over the API: approvals, copies, deletion (each an
 * idempotent write: Idempotency-Key), locks, history.  A workflow action
 * refused with 403 is written to the access log as denied (after the
 * write's transaction was rolled back, so the row stays). */
#include "api/reports_flow.h"
#include "api/reply.h"
#include "auth/audit.h"
#include "db/txn.h"
#include "http/response.h"
#include "reports/idem.h"
#include "reports/report.h"
#include "reports/write.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"

#include <string.h>

static void denied(request *r, const char *action, const char *detail)
{
    if (r->status == 403)
        audit_log(r, NULL, action, "report", r->params[4], AUDIT_DENIED, detail);
}

/* Answer a refusal the way write_run does. */
static void refusal(request *r, report_refusal *why)
{
    json_object *o = why->body;
    if (!o)
        return resp_error(r, why->status, why->code, why->message);
    json_object *err = json_object_new_object();
    jx_add_str(err, "code", why->code);
    jx_add_str(err, "message", why->message);
    jx_add_str(err, "request_id", r->id);
    json_object_object_add(o, "error", err);
    if (why->status == 412)
        resp_header(r, "ETag", arena_printf(r->a, "\"%d\"", json_object_get_int(json_object_object_get(o, "rev"))));
    resp_json(r, why->status, o);
}

static bool need_key(request *r)
{
    if (idem_key(r))
        return true;
    resp_error(r, 400, "idempotency_key_required", "Writes need an Idempotency-Key header (a UUID).");
    return false;
}

/* ---- approvals ---- */

typedef struct approval_ctx {
    int if_match, stage;
    const char *action, *comment;
} approval_ctx;

static op_result do_approval(request *r, void *ctx, errs *e, report_refusal *why, const char **id)
{
    approval_ctx *c = ctx;
    *id = r->params[4];
    if (!strcmp(c->action, "apply"))
        return report_apply(r, r->params[4], c->if_match, c->stage, c->comment, e, why);
    return report_approval(r, r->params[4], c->if_match, c->stage, c->action, c->comment, why);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

void api_reports_approvals(request *r)
{
    static const char *const allowed[] = {"stage", "action", "comment", NULL};
    approval_ctx c = {0};
    if (!write_if_match(r, &c.if_match) || !need_key(r))
        return;
    json_object *b = api_body_only(r, allowed), *st;
    if (!b)
        return;
    const char *action = NULL, *comment = NULL;
    const char *bad = NULL;
    if (!json_object_object_get_ex(b, "stage", &st) || !json_object_is_type(st, json_type_int) ||
        json_object_get_int64(st) < 1 || json_object_get_int64(st) > 1000)
        bad = "\"stage\" must be the number of an approval stage.";
    else if (jx_str(b, "action", &action) != JX_OK ||
             (strcmp(action, "apply") && strcmp(action, "approve") && strcmp(action, "reject") && strcmp(action, "withdraw")))
        bad = "\"action\" must be \"apply\", \"approve\", \"reject\" or \"withdraw\".";
    else if (jx_str(b, "comment", &comment) == JX_WRONG_TYPE || (comment && utf8_chars(comment) > 1000))
        bad = "\"comment\" must be text of at most 1000 characters.";
    if (!bad) {
        c.stage = json_object_get_int(st);
        c.action = arena_strdup(r->a, action);
        c.comment = comment && *comment ? arena_strdup(r->a, comment) : NULL;
    }
    json_object_put(b);
    if (bad)
        return resp_error(r, 400, "bad_request", bad);
    write_run(r, do_approval, &c, 200);
    denied(r, arena_printf(r->a, "report.%s", c.action), arena_printf(r->a, "stage %d", c.stage));
}

/* ---- copy ---- */

static op_result do_copy(request *r, void *ctx, errs *e, report_refusal *why, const char **id)
{
    (void)e;
    *id = ctx;
    return report_copy(r, r->params[4], ctx, why);
}

void api_reports_copy(request *r)
{
    static const char *const allowed[] = {"id", NULL};
    if (!need_key(r))
        return;
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    const char *id = NULL;
    bool ok = jx_str(b, "id", &id) == JX_OK && *id;
    char *nid = ok ? arena_strdup(r->a, id) : NULL;
    json_object_put(b);
    if (!ok)
        return resp_error(r, 400, "bad_request", "A copy needs \"id\": the new report's UUID.");
    for (char *p = nid; *p; p++)   /* stored in lower case (report_create), answered the same */
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    write_run(r, do_copy, nid, 201);
    denied(r, "report.copy", NULL);
}

/* ---- delete ---- */

void api_reports_delete(request *r)
{
    int if_match;
    if (!write_if_match(r, &if_match) || !need_key(r))
        return;
    const char *key = idem_key(r);
    char fp[65];
    idem_fingerprint(r, fp);
    db_conn *db = r->tenant->db;
    for (int attempt = 0; attempt < 4; attempt++) {
        int status = 0;
        const char *etag = NULL, *body = NULL;
        idem_state s = idem_claim(r, key, fp, &status, &etag, &body);
        if (s != IDEM_NEW)
            return idem_answer(r, s, status, etag, body);
        report_refusal why = {0};
        op_result res = report_delete(r, r->params[4], if_match, &why);
        db_status st = DB_OK;
        if (res == OP_OK) {
            st = idem_finish(r, key, 204, NULL, "");
            if (st == DB_OK)
                st = db_commit(db);
            if (st == DB_OK)
                return resp_send(r, 204, NULL, "", 0);
            res = txn_result(st);
        }
        db_rollback(db);
        if (res == OP_BUSY)
            continue;
        if (res == OP_INVALID && why.status) {
            refusal(r, &why);
            return denied(r, "report.delete", NULL);
        }
        json_object_put(why.body);
        return api_fail(r, res, NULL);
    }
    api_fail(r, OP_BUSY, NULL);
}

/* ---- locks ---- */

static void lock_run(request *r, bool acquire, bool force)
{
    db_conn *db = r->tenant->db;
    for (int attempt = 0; attempt < 4; attempt++) {
        report_refusal why = {0};
        json_object *out = NULL;
        db_status st = db_begin(db);
        op_result res = st == DB_OK ? report_lock(r, r->params[4], acquire, force, &out, &why) : txn_result(st);
        if (res == OP_OK) {
            st = db_commit(db);
            if (st == DB_OK)
                return acquire ? resp_json(r, 200, out) : resp_send(r, 204, NULL, "", 0);
            json_object_put(out);
            res = txn_result(st);
        }
        db_rollback(db);
        if (res == OP_BUSY)
            continue;
        if (res == OP_INVALID && why.status) {
            refusal(r, &why);
            return denied(r, acquire ? "report.lock" : force ? "report.lock_break" : "report.unlock", NULL);
        }
        json_object_put(why.body);
        return api_fail(r, res, NULL);
    }
    api_fail(r, OP_BUSY, NULL);
}

void api_reports_lock(request *r)
{
    lock_run(r, true, false);
}

void api_reports_unlock(request *r)
{
    const char *f = req_query(r, "force");
    lock_run(r, false, f && !strcmp(f, "1"));
}

/* ---- history ---- */

void api_reports_history(request *r)
{
    op_result res;
    json_object *o = report_history(r, r->params[4], &res);
    api_send(r, 200, o, res);
}
