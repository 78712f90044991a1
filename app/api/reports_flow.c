/* The report workflow over the API: approvals, copies, deletion (each an
 * idempotent write: Idempotency-Key), locks, history.  A workflow action
 * refused with 403 is written to the access log as denied (after the
 * write's transaction was rolled back, so the row stays). */
#include "api/reports_flow.h"
#include "http/router.h"
#include "api/reply.h"
#include "tenant/audit.h"
#include "db/txn.h"
#include "http/response.h"
#include "reports/report.h"
#include "api/write.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"

#include <string.h>

static void denied(request *r, const char *action, const char *detail)
{
    if (r->status == 403)   /* the refused change was rolled back: its denial is logged on its own */
        audit_log(&r->op, NULL, action, "report", req_param(r, "id"), AUDIT_DENIED, detail);
}

/* ---- approvals ---- */

typedef struct approval_ctx {
    const char *id;
    int if_match, stage;
    const char *action, *comment;
} approval_ctx;

static op_result do_approval(op_ctx *op, void *ctx, errs *e, refusal *why, const char **id, const char **json)
{
    approval_ctx *c = ctx;
    (void)json;
    *id = c->id;
    if (!strcmp(c->action, "apply"))
        return report_apply(op, c->id, c->if_match, c->stage, c->comment, e, why);
    return report_approval(op, c->id, c->if_match, c->stage, c->action, c->comment, why);
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
    approval_ctx c = {.id = req_param(r, "id")};
    if (!write_if_match(r, &c.if_match) || !write_need_key(r))
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

typedef struct copy_ctx {
    const char *from, *to;
} copy_ctx;

static op_result do_copy(op_ctx *op, void *ctx, errs *e, refusal *why, const char **id, const char **json)
{
    copy_ctx *c = ctx;
    (void)e, (void)json;
    *id = c->to;
    return report_copy(op, c->from, c->to, why);
}

void api_reports_copy(request *r)
{
    static const char *const allowed[] = {"id", NULL};
    if (!write_need_key(r))
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
    copy_ctx c = {.from = req_param(r, "id"), .to = nid};
    write_run(r, do_copy, &c, 201);
    denied(r, "report.copy", NULL);
}

/* ---- delete ---- */

typedef struct delete_ctx {
    const char *id;
    int if_match;
} delete_ctx;

static op_result do_delete(op_ctx *op, void *ctx, errs *e, refusal *why, const char **id, const char **json)
{
    delete_ctx *c = ctx;
    (void)e, (void)json;
    *id = c->id;
    return report_delete(op, c->id, c->if_match, why);
}

void api_reports_delete(request *r)
{
    delete_ctx c = {.id = req_param(r, "id")};
    if (!write_if_match(r, &c.if_match) || !write_need_key(r))
        return;
    write_run(r, do_delete, &c, 204);
    denied(r, "report.delete", NULL);
}

/* ---- locks ---- */

typedef struct lock_ctx {
    op_ctx *op;
    const char *id;
    bool acquire, force;
    json_object *out;
    refusal why;
} lock_ctx;

static op_result lock_once(void *arg)
{
    lock_ctx *c = arg;
    json_object_put(c->out);
    json_object_put(c->why.body);
    c->out = NULL;
    memset(&c->why, 0, sizeof c->why);
    return report_lock(c->op, c->id, c->acquire, c->force, &c->out, &c->why);
}

static void lock_run(request *r, bool acquire, bool force)
{
    lock_ctx c = {.op = &r->op, .id = req_param(r, "id"), .acquire = acquire, .force = force};
    op_result res = txn_run(r->op.tenant->db, r->id, "report lock", lock_once, &c);
    if (res == OP_OK)
        return acquire ? resp_json(r, 200, c.out) : (json_object_put(c.out), resp_send(r, 204, NULL, "", 0));
    json_object_put(c.out);
    if (res == OP_INVALID && c.why.kind != REF_NONE) {
        api_refusal(r, &c.why);
        return denied(r, acquire ? "report.lock" : force ? "report.lock_break" : "report.unlock", NULL);
    }
    json_object_put(c.why.body);
    api_fail(r, res, NULL);
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
    json_object *o = report_history(&r->op, req_param(r, "id"), &res);
    api_send(r, 200, o, res);
}
