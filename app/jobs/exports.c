/* jobs/exports.c - export jobs for the API and the console (see exports.h). */
#include "jobs/exports.h"
#include "jobs/export.h"
#include "jobs/file.h"
#include "jobs/run.h"
#include "tenant/audit.h"
#include "tenant/quota.h"
#include "tenant/resolve.h"
#include "tenant/user.h"
#include "util/jsonx.h"
#include "util/log.h"

#include <string.h>

const char *const exports_kinds[] = {"export", "tenant-export", NULL};

static op_result quota_ok(op_ctx *op, refusal *why)
{
    bool fits = true;
    op_result res = quota_check(op, 0, &fits);
    if (res != OP_OK)
        return res;
    if (!fits)
        return refuse(why, REF_NO_SPACE, QUOTA_CODE, QUOTA_MESSAGE);
    return OP_OK;
}

op_result exports_start(op_ctx *op, db_conn *control, json_object *body, errs *e, refusal *why, char id[37])
{
    export_params p;
    if (!export_params_read(op->a, body, &p, e))
        return OP_INVALID;
    op_result res = quota_ok(op, why);
    if (res != OP_OK)
        return res;
    const char *params = export_params_json(op->a, &p, op->lang);
    /* test stacks only: the runner waits test_delay_ms at each progress
     * step, so a test can catch an export halfway; test_file_limit sets
     * the runner's file size limit (bytes) while the job runs, so a test
     * sees its writes fail as on a full disk */
    static const struct {
        const char *name;
        int max;
    } hooks[] = {{"test_delay_ms", 10000}, {"test_file_limit", 1 << 30}};
    for (size_t i = 0; op->cfg->test_hooks && i < sizeof hooks / sizeof hooks[0]; i++) {
        json_object *v;
        if (json_object_object_get_ex(body, hooks[i].name, &v) && json_object_is_type(v, json_type_int) &&
            json_object_get_int(v) > 0 && json_object_get_int(v) <= hooks[i].max)
            params = arena_printf(op->a, "%.*s,\"%s\":%d}", (int)strlen(params) - 1, params, hooks[i].name,
                                  json_object_get_int(v));
    }
    res = job_enqueue(control, op->a, op->tenant->id, op->user->id, "export", params, id);
    if (res == OP_OK)
        audit_log(op, NULL, "export.start", "export", id, AUDIT_OK,
                  arena_printf(op->a, "%s%s%s", export_format_name(p.format), p.shift_jis ? " shift_jis" : "",
                               p.ids ? arena_printf(op->a, ", %d reports chosen", p.nids) : ""));
    return res;
}

op_result exports_start_full(op_ctx *op, db_conn *control, refusal *why, char id[37])
{
    op_result res = quota_ok(op, why);
    if (res != OP_OK)
        return res;
    res = job_enqueue(control, op->a, op->tenant->id, op->user->id, "tenant-export",
                      arena_printf(op->a, "{\"format\":\"tenant-zip\",\"lang\":\"%s\"}", op->lang), id);
    if (res == OP_OK)
        audit_log(op, NULL, "export.start", "export", id, AUDIT_OK, "full export");
    return res;
}

json_object *exports_json(op_ctx *op, const job *j)
{
    (void)op;
    json_object *o = json_object_new_object();
    jx_add_str(o, "id", j->id);
    jx_add_str(o, "kind", j->kind);
    json_object *p = json_tokener_parse(j->params ? j->params : "{}");
    json_object *fmt = p ? json_object_object_get(p, "format") : NULL, *enc = p ? json_object_object_get(p, "encoding") : NULL;
    jx_add_str(o, "format", fmt ? json_object_get_string(fmt) : NULL);
    jx_add_str(o, "encoding", enc ? json_object_get_string(enc) : NULL);
    json_object *filter = p ? json_object_object_get(p, "filter") : NULL;
    if (filter)
        json_object_object_add(o, "filter", json_object_get(filter));
    json_object *ids = p ? json_object_object_get(p, "ids") : NULL;
    if (ids)
        jx_add_int(o, "ids", (long long)json_object_array_length(ids));
    json_object_put(p);
    jx_add_str(o, "status", j->status);
    jx_add_int(o, "done", j->done);
    if (j->total >= 0)
        jx_add_int(o, "total", j->total);
    else
        jx_add_str(o, "total", NULL);
    int percent = !strcmp(j->status, "done") ? 100 : j->total > 0 ? (int)(j->done * 100 / j->total) : 0;
    jx_add_int(o, "percent", percent);
    if (!strcmp(j->status, "running") && j->done > 0 && j->total > j->done && j->seconds > 0)
        jx_add_int(o, "eta_seconds", (long long)(j->seconds * (double)(j->total - j->done) / (double)j->done + 0.5));
    if (j->bytes >= 0)
        jx_add_int(o, "bytes", j->bytes);
    jx_add_str(o, "file_name", j->file_name);
    jx_add_str(o, "created_at", j->created_at);
    jx_add_str(o, "started_at", j->started_at);
    jx_add_str(o, "finished_at", j->finished_at);
    jx_add_str(o, "expires_at", j->expires_at);
    if (j->error)
        jx_add_str(o, "error", j->error);
    return o;
}

json_object *exports_list(op_ctx *op, db_conn *control, op_result *res)
{
    job *list;
    int n;
    *res = job_list(control, op->a, op->tenant->id, op->user->id, exports_kinds, 100, &list, &n);
    if (*res != OP_OK)
        return NULL;
    json_object *arr = json_object_new_array();
    for (int i = 0; i < n; i++)
        json_object_array_add(arr, exports_json(op, &list[i]));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "exports", arr);
    return o;
}

op_result exports_get(op_ctx *op, db_conn *control, const char *id, job *out)
{
    op_result res = job_get(control, op->a, op->tenant->id, op->user->id, id, out);
    if (res == OP_OK && strcmp(out->kind, "export") && strcmp(out->kind, "tenant-export"))
        return OP_NOT_FOUND;
    return res;
}

op_result exports_cancel(op_ctx *op, db_conn *control, const char *id, job *out)
{
    const char *was;
    op_result res = exports_get(op, control, id, out);
    if (res == OP_OK)
        res = job_cancel(control, op->a, op->tenant->id, op->user->id, id, &was);
    if (res == OP_OK) {
        audit_log(op, NULL, "export.cancel", "export", id, AUDIT_OK, was);
        res = job_get(control, op->a, op->tenant->id, op->user->id, id, out);
    }
    return res;
}

op_result exports_read(op_ctx *op, const job *j, bool (*sink)(void *ctx, const void *p, size_t n), void *ctx)
{
    if (strcmp(j->status, "done") || !j->file)
        return OP_CONFLICT;
    const char *path = jobs_file_path(op->a, op->cfg, op->tenant->code, j->file);
    jobfile_key key = {.datakey = op->tenant->datakey, .tenant = op->tenant->code, .job = j->id};
    audit_log(op, NULL, "export.download", "export", j->id, AUDIT_OK, j->file_name);
    jobfile_status st = jobfile_read(path, &key, sink, ctx, NULL);
    switch (st) {
    case JF_OK:
        return OP_OK;
    case JF_SINK:
        return OP_GONE;
    case JF_IO:
        return OP_NOT_FOUND;
    default:
        log_error("req id=%s: export %s: its file %s does not open (%d)", op->req_id, j->id, path, (int)st);
        return OP_ERROR;
    }
}
