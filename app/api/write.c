#include "api/write.h"
#include "api/reply.h"
#include "tenant/user.h"
#include "db/txn.h"
#include "http/response.h"
#include "reports/idem.h"
#include "reports/report.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *key_of(request *r)
{
    const char *k = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", r->fcgx->envp);
    return idem_key_ok(k) ? arena_strdup(r->a, k) : NULL;
}

bool write_need_key(request *r)
{
    if (key_of(r))
        return true;
    resp_error(r, 400, "idempotency_key_required", "Writes need an Idempotency-Key header (a UUID).");
    return false;
}

bool write_if_match(request *r, int *rev)
{
    switch (req_if_match(r, rev)) {
    case 0:
        return true;
    case 428:
        resp_error(r, 428, "if_match_required", "Updates need If-Match with the revision you read (the ETag).");
        return false;
    default:
        resp_error(r, 412, "bad_if_match", "If-Match must be the report's ETag, such as \"3\".");
        return false;
    }
}

/* One run of the write's transaction (txn_run may run it again). */
typedef struct write_txn {
    request *r;
    write_fn fn;
    void *ctx;
    int ok_status;
    const char *key, *fp;
    /* what the last run found */
    idem_state idem;
    int status;
    const char *etag, *body, *report_id;
    errs e;
    refusal why;
} write_txn;

static op_result write_once(void *arg)
{
    write_txn *w = arg;
    request *r = w->r;
    json_object_put(w->why.body);
    memset(&w->why, 0, sizeof w->why);
    errs_init(&w->e, r->a);
    w->idem = idem_claim(&r->op, w->key, w->fp, &w->status, &w->etag, &w->body);
    if (w->idem != IDEM_NEW)
        return OP_CONFLICT;   /* nothing to commit: answered from w->idem */
    const char *id = NULL, *json = NULL;
    op_result res = w->fn(&r->op, w->ctx, &w->e, &w->why, &id, &json);
    if (res != OP_OK)
        return res;
    w->status = w->ok_status;
    w->etag = NULL;
    w->body = "";
    if (w->ok_status != 204) {
        int rev = 0;
        if (!json) {
            json_object *o = report_json(&r->op, id, &res);
            if (!o)
                return res;
            json = arena_strdup(r->a, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
            rev = json_object_get_int(json_object_object_get(o, "rev"));
            json_object_put(o);
        } else {
            const char *p = strstr(json, "\"rev\":");   /* the writer's own text: {..."rev":N,...} */
            rev = p ? atoi(p + 6) : 1;
        }
        w->body = json;
        w->etag = arena_printf(r->a, "\"%d\"", rev);
        w->report_id = id;
    }
    return txn_result(idem_finish(&r->op, w->key, w->status, w->etag, w->body));
}

static void answer_key(request *r, const write_txn *w)
{
    switch (w->idem) {
    case IDEM_REPLAY:
        if (w->etag)
            resp_header(r, "ETag", w->etag);
        resp_header(r, "Idempotent-Replayed", "true");
        resp_send(r, w->status, w->status == 204 ? NULL : "application/json; charset=utf-8", w->body ? w->body : "",
                  w->body ? strlen(w->body) : 0);
        break;
    case IDEM_MISMATCH:
        resp_error(r, 422, "idempotency_key_reused",
                   "This Idempotency-Key was used for another request; use a new key for a new request.");
        break;
    case IDEM_IN_FLIGHT:
        resp_header(r, "Retry-After", "1");
        resp_error(r, 409, "idempotency_in_flight", "A request with this Idempotency-Key is still being processed.");
        break;
    case IDEM_GONE:
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
        break;
    default:
        resp_error(r, 500, "internal_error", "An internal error occurred.");
        break;
    }
}

void write_run(request *r, write_fn fn, void *ctx, int ok_status)
{
    write_txn w = {.r = r, .fn = fn, .ctx = ctx, .ok_status = ok_status, .key = key_of(r)};
    if (!w.key) {
        resp_error(r, 400, "idempotency_key_required", "Writes need an Idempotency-Key header (a UUID).");
        return;
    }
    char fp[65];
    const char *uri = req_env(r, "REQUEST_URI");
    idem_fingerprint(r->a, r->op.user ? r->op.user->id : 0, r->method, uri ? uri : "", r->body, r->body_len, fp);
    w.fp = fp;
    op_result res = txn_run(r->op.tenant->db, r->id, "report write", write_once, &w);
    if (res == OP_OK) {
        if (w.etag)
            resp_header(r, "ETag", w.etag);
        if (w.report_id)
            resp_header(r, "Location", arena_printf(r->a, "/%s/api/v1/reports/%s", r->tenant_code, w.report_id));
        resp_send(r, ok_status, ok_status == 204 ? NULL : "application/json; charset=utf-8", w.body, strlen(w.body));
    } else if (w.idem != IDEM_NEW) {
        answer_key(r, &w);
    } else if (res == OP_INVALID && w.why.kind != REF_NONE) {
        api_refusal(r, &w.why);
    } else {
        json_object_put(w.why.body);
        api_fail(r, res, &w.e);
    }
}
