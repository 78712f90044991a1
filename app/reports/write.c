#include "reports/write.h"
#include "api/reply.h"
#include "db/txn.h"
#include "http/page.h"
#include "http/response.h"
#include "reports/idem.h"
#include "tenant/resolve.h"
#include "util/crypto.h"
#include "util/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

json_object *write_details(request *r, const errs *e)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i < e->n; i++) {
        json_object *d = json_object_new_object();
        int s, c;
        if (e->e[i].field && sscanf(e->e[i].field, "%d/%d", &s, &c) == 2) {
            jx_add_int(d, "sheet", s);
            jx_add_int(d, "cluster", c);
        } else {
            jx_add_str(d, "field", e->e[i].field);
        }
        jx_add_str(d, "code", e->e[i].code);
        jx_add_str(d, "message", page_err_message(r->a, "en", e->e[i].code, e->e[i].arg));
        json_object_array_add(arr, d);
    }
    return arr;
}

bool write_if_match(request *r, int *rev)
{
    const char *h = FCGX_GetParam("HTTP_IF_MATCH", r->fcgx->envp);
    if (!h) {
        resp_error(r, 428, "if_match_required", "Updates need If-Match with the revision you read (the ETag).");
        return false;
    }
    char *end;
    const char *p = h[0] == '"' ? h + 1 : h;
    long v = strtol(p, &end, 10);
    if (end == p || v <= 0 || (h[0] == '"' ? strcmp(end, "\"") : *end != '\0')) {
        resp_error(r, 412, "bad_if_match", "If-Match must be the report's ETag, such as \"3\".");
        return false;
    }
    *rev = (int)v;
    return true;
}

static void refusal(request *r, const report_refusal *why)
{
    if (why->status == 412 && why->body) {
        json_object *err = json_object_new_object();
        jx_add_str(err, "code", why->code);
        jx_add_str(err, "message", why->message);
        jx_add_str(err, "request_id", r->id);
        json_object_object_add(why->body, "error", err);
        resp_header(r, "ETag",
                    arena_printf(r->a, "\"%d\"", json_object_get_int(json_object_object_get(why->body, "rev"))));
        return resp_json(r, 412, why->body);
    }
    if (why->body) {
        json_object *o = why->body, *err = json_object_new_object();
        jx_add_str(err, "code", why->code);
        jx_add_str(err, "message", why->message);
        jx_add_str(err, "request_id", r->id);
        json_object_object_add(o, "error", err);
        return resp_json(r, why->status, o);
    }
    resp_error(r, why->status, why->code, why->message);
}

void write_run(request *r, write_fn fn, void *ctx, int ok_status)
{
    const char *key = idem_key(r);
    char fp[65];
    idem_fingerprint(r, fp);
    db_conn *db = r->tenant->db;
    for (int attempt = 0; attempt < 6; attempt++) {
        int status = 0;
        const char *etag = NULL, *body = NULL;
        idem_state s = idem_claim(r, key, fp, &status, &etag, &body);
        if (s != IDEM_NEW)
            return idem_answer(r, s, status, etag, body);
        errs e;
        errs_init(&e, r->a);
        report_refusal why = {0};
        const char *id = NULL;
        op_result res = fn(r, ctx, &e, &why, &id);
        json_object *o = NULL;
        if (res == OP_OK)
            o = report_json(r, id, &res);
        if (res == OP_OK) {
            const char *text = arena_strdup(r->a, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
            const char *tag = arena_printf(r->a, "\"%d\"", json_object_get_int(json_object_object_get(o, "rev")));
            json_object_put(o);
            db_status st = idem_finish(r, key, ok_status, tag, text);
            if (st == DB_OK)
                st = db_commit(db);
            if (st == DB_OK) {
                resp_header(r, "ETag", tag);
                resp_header(r, "Location", arena_printf(r->a, "/%s/api/v1/reports/%s", r->tenant_code, id));
                return resp_send(r, ok_status, "application/json; charset=utf-8", text, strlen(text));
            }
            db_rollback(db);
            res = txn_result(st);
        } else {
            db_rollback(db);
        }
        if (res == OP_BUSY) {   /* a lock wait or deadlock: the whole transaction again, after a short pause */
            unsigned char j = 0;
            crypto_random(&j, 1);
            struct timespec ts = {0, (long)(5 + attempt * 20 + j % 20) * 1000000L};
            nanosleep(&ts, NULL);
            continue;
        }
        if (res == OP_INVALID && why.status)
            return refusal(r, &why);
        if (res == OP_INVALID) {
            json_object *out = json_object_new_object(), *err = json_object_new_object();
            jx_add_str(err, "code", "validation_failed");
            jx_add_str(err, "message", e.n == 1 ? "1 value is not valid" : arena_printf(r->a, "%d values are not valid", e.n));
            jx_add_str(err, "request_id", r->id);
            json_object_object_add(err, "details", write_details(r, &e));
            json_object_object_add(out, "error", err);
            return resp_json(r, 422, out);
        }
        return api_fail(r, res, NULL);
    }
    api_fail(r, OP_BUSY, NULL);
}
