#include "api/exports.h"
#include "api/reply.h"
#include "http/response.h"
#include "http/router.h"
#include "jobs/exports.h"
#include "server/worker.h"

#include <string.h>

/* This thread's control database, or false after answering 503. */
static bool control(request *r, db_conn **c)
{
    if (worker_control_db(worker_of(r), c) == DB_OK)
        return true;
    resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
    return false;
}

static void answer_started(request *r, op_result res, const errs *e, refusal *why, const char *id)
{
    if (res == OP_INVALID && why->kind != REF_NONE)
        return api_refusal(r, why);
    if (res != OP_OK)
        return api_fail(r, res, e);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "status", json_object_new_string("queued"));
    resp_header(r, "Location", arena_printf(r->a, "/%s/api/v1/exports/%s", r->tenant_code, id));
    resp_json(r, 202, o);
}

void api_exports_create(request *r)
{
    static const char *const allowed[] = {"format", "encoding", "filter", "ids", NULL};
    static const char *const allowed_tests[] = {"format", "encoding", "filter", "ids", "test_delay_ms",
                                                 "test_file_limit", NULL};
    db_conn *c;
    json_object *b = api_body_only(r, r->op.cfg->test_hooks ? allowed_tests : allowed);
    if (!b || !control(r, &c)) {
        json_object_put(b);
        return;
    }
    errs e;
    errs_init(&e, r->a);
    refusal why = {0};
    char id[37] = "";
    op_result res = exports_start(&r->op, c, b, &e, &why, id);
    answer_started(r, res, &e, &why, id);
    json_object_put(b);
}

void api_exports_full(request *r)
{
    db_conn *c;
    if (!control(r, &c))
        return;
    refusal why = {0};
    char id[37] = "";
    op_result res = exports_start_full(&r->op, c, &why, id);
    answer_started(r, res, NULL, &why, id);
}

void api_exports_list(request *r)
{
    db_conn *c;
    if (!control(r, &c))
        return;
    op_result res;
    json_object *o = exports_list(&r->op, c, &res);
    api_send(r, 200, o, res);
}

void api_exports_get(request *r)
{
    db_conn *c;
    job j;
    if (!control(r, &c))
        return;
    op_result res = exports_get(&r->op, c, req_param(r, "id"), &j);
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    resp_json(r, 200, exports_json(&r->op, &j));
}

void api_exports_cancel(request *r)
{
    db_conn *c;
    job j;
    if (!control(r, &c))
        return;
    op_result res = exports_cancel(&r->op, c, req_param(r, "id"), &j);
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    resp_json(r, 200, exports_json(&r->op, &j));
}

static void send_file(request *r, const char *id)
{
    db_conn *c;
    job j;
    if (!control(r, &c))
        return;
    op_result res = exports_get(&r->op, c, id, &j);
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    if (strcmp(j.status, "done"))
        return resp_error(r, 409, "not_ready",
                          arena_printf(r->a, "The export is %s; only a finished export can be downloaded.", j.status));
    resp_stream s = {.r = r, .content_type = j.content_type, .filename = j.file_name, .len = (uint64_t)j.bytes};
    res = exports_read(&r->op, &j, resp_stream_write, &s);
    if (s.begun)
        return;   /* sent, or cut short: the client sees fewer bytes than announced */
    if (res == OP_OK)
        resp_stream_write(&s, "", 0);
    else if (res == OP_NOT_FOUND)
        resp_error(r, 410, "expired", "The export's file is no longer kept.");
    else
        api_fail(r, res == OP_CONFLICT ? OP_ERROR : res, NULL);
}

void api_exports_file(request *r)
{
    send_file(r, req_param(r, "id"));
}
