#include "api/reports.h"
#include "http/router.h"
#include "api/reply.h"
#include "api/write.h"
#include "auth/users.h"
#include "db/txn.h"
#include "http/page.h"
#include "http/response.h"
#include "reports/list.h"
#include "reports/report.h"
#include "tenant/quota.h"
#include "tenant/resolve.h"
#include "util/jsonx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "remarks": {"1": "text", …} (keys 1..n; "" or null clears) into out. */
static bool parse_extras(request *r, json_object *b, const char *key, int n, const char **out)
{
    json_object *o;
    if (!json_object_object_get_ex(b, key, &o))
        return true;
    bool ok = o && json_object_is_type(o, json_type_object);
    if (ok) {
        json_object_object_foreach(o, k, v)
        {
            char *end;
            long i = strtol(k, &end, 10);
            if (*end || end == k || k[0] == '0' || i < 1 || i > n ||
                !(v == NULL || json_object_is_type(v, json_type_string))) {
                ok = false;
                break;
            }
            out[i - 1] = v ? arena_strdup(r->a, json_object_get_string(v)) : "";
        }
    }
    if (!ok)
        resp_error(r, 400, arena_printf(r->a, "bad_%s", key),
                   arena_printf(r->a, "\"%s\" must be an object of texts keyed \"1\" to \"%d\".", key, n));
    return ok;
}

/* Parse the common parts of a write body. */
static bool parse(request *r, json_object *b, report_write *w, bool create)
{
    errs e;
    errs_init(&e, r->a);
    json_object *vals, *x;
    const char *action = NULL;
    if (jx_str(b, "action", &action) != JX_OK || (strcmp(action, "save") && strcmp(action, "complete"))) {
        resp_error(r, 400, "bad_action", "\"action\" must be \"save\" or \"complete\".");
        return false;
    }
    w->complete = !strcmp(action, "complete");
    if (!json_object_object_get_ex(b, "values", &vals)) {
        vals = NULL;
    } else if (!report_values_from_json(&r->op, vals, w, &e)) {
        api_error_details(r, 400, "bad_values", "The values are not in the expected form.", &e);
        return false;
    }
    const char *name = NULL;
    if (jx_str(b, "name", &name) == JX_WRONG_TYPE || (name && strlen(name) > 300)) {
        resp_error(r, 400, "bad_name", "\"name\" must be text of at most 300 characters.");
        return false;
    }
    w->name = name ? arena_strdup(r->a, name) : NULL;
    if (!parse_extras(r, b, "remarks", REPORT_REMARKS, w->remarks) ||
        !parse_extras(r, b, "system_keys", REPORT_SYSKEYS, w->system_keys))
        return false;
    if (create) {
        const char *id = NULL;
        if (jx_str(b, "id", &id) != JX_OK || !json_object_object_get_ex(b, "definition_id", &x) ||
            !json_object_is_type(x, json_type_int) || !json_object_object_get_ex(b, "definition_revision", &x) ||
            !json_object_is_type(x, json_type_int)) {
            resp_error(r, 400, "bad_request", "A new report needs \"id\" (UUID), \"definition_id\" and \"definition_revision\".");
            return false;
        }
        char *lid = arena_strdup(r->a, id);   /* UUIDs are stored in lower case */
        for (char *p = lid; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        w->id = lid;
        w->definition_id = json_object_get_int64(json_object_object_get(b, "definition_id"));
        w->definition_revision = json_object_get_int(json_object_object_get(b, "definition_revision"));
    }
    return true;
}

/* The tenant's storage quota, checked inside the write's transaction once
 * the write went through (so a replay still gets its stored answer, other
 * refusals come first, and the check's consistent read does not take the
 * transaction's snapshot before report_update's row lock): the body's size
 * stands for what the write adds.  507, and write_run rolls back. */
static op_result within_quota(op_ctx *op, size_t bytes, refusal *why)
{
    bool fits;
    op_result res = quota_check(op, bytes, &fits);
    if (res != OP_OK || fits)
        return res;
    return refuse(why, REF_NO_SPACE, QUOTA_CODE, QUOTA_MESSAGE);
}

typedef struct create_ctx {
    report_write w;
    size_t bytes;
} create_ctx;

static op_result do_create(op_ctx *op, void *ctx, errs *e, refusal *why, const char **id, const char **json)
{
    create_ctx *c = ctx;
    *id = c->w.id;
    op_result res = report_create(op, &c->w, e, why, json);
    if (res == OP_OK)
        res = within_quota(op, c->bytes, why);
    return res;
}

void api_reports_create(request *r)
{
    static const char *const allowed[] = {"id", "definition_id", "definition_revision", "name", "values", "action",
                                         "remarks", "system_keys", NULL};
    if (!write_need_key(r))
        return;
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    create_ctx c = {.bytes = r->body_len};
    bool ok = parse(r, b, &c.w, true);
    json_object_put(b);
    if (ok)
        write_run(r, do_create, &c, 201);
}

typedef struct update_ctx {
    const char *id;
    int if_match;
    report_write w;
    size_t bytes;
} update_ctx;

static op_result do_update(op_ctx *op, void *ctx, errs *e, refusal *why, const char **id, const char **json)
{
    update_ctx *c = ctx;
    (void)json;   /* read back: attachments and approvals belong in the answer */
    *id = c->id;
    op_result res = report_update(op, c->id, c->if_match, &c->w, e, why);
    if (res == OP_OK)
        res = within_quota(op, c->bytes, why);
    return res;
}

void api_reports_update(request *r)
{
    static const char *const allowed[] = {"name", "values", "action", "remarks", "system_keys", NULL};
    update_ctx c = {.id = req_param(r, "id"), .bytes = r->body_len};
    if (!write_if_match(r, &c.if_match) || !write_need_key(r))
        return;
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    bool ok = parse(r, b, &c.w, false);
    json_object_put(b);
    if (ok)
        write_run(r, do_update, &c, 200);
}

void api_reports_get(request *r)
{
    op_result res;
    json_object *o = report_json(&r->op, req_param(r, "id"), &res);
    if (!o)
        return api_fail(r, res, NULL);
    const char *etag = arena_printf(r->a, "\"%d\"", json_object_get_int(json_object_object_get(o, "rev")));
    resp_header(r, "ETag", etag);
    if (r->if_none_match && !strcmp(r->if_none_match, etag)) {
        json_object_put(o);
        return resp_send(r, 304, NULL, "", 0);
    }
    resp_json(r, 200, o);
}

void api_reports_list(request *r)
{
    report_filter f = {.limit = 100};
    const char *st = req_query(r, "status"), *def = req_query(r, "definition"), *mine = req_query(r, "mine");
    const char *since = req_query(r, "updated_since"), *limit = req_query(r, "limit");
    if (st && strcmp(st, "editing") && strcmp(st, "completed") && strcmp(st, "applying") && strcmp(st, "approved") &&
        strcmp(st, "rejected"))
        return resp_error(r, 400, "bad_status", "Unknown status.");
    f.status = st;
    if (def && !users_parse_id(def, &f.definition))
        return resp_error(r, 400, "bad_definition", "definition must be a definition id.");
    f.mine = mine && !strcmp(mine, "1");
    if (since) {
        if (strlen(since) < 19 || since[10] != 'T' || !users_date_ok(arena_strndup(r->a, since, 10)))
            return resp_error(r, 400, "bad_updated_since", "updated_since must be an RFC 3339 UTC time.");
        char *s = arena_strndup(r->a, since, 23);
        s[10] = ' ';
        if (s[strlen(s) - 1] == 'Z')
            s[strlen(s) - 1] = '\0';
        f.updated_since = s;
    }
    if (limit) {
        long long l;
        if (!users_parse_id(limit, &l) || l > 500)
            return resp_error(r, 400, "bad_limit", "limit must be 1 to 500.");
        f.limit = (int)l;
    }
    for (int i = 0; i < REPORT_REMARKS + REPORT_SYSKEYS; i++) {   /* ?remarks3=…, ?system_key1=…: equal to */
        const char *col = report_extra_cols[i], *v = req_query(r, col);
        if (v && strlen(v) > (i < REPORT_REMARKS ? 4 * REPORT_REMARK_MAX : 4 * REPORT_SYSKEY_MAX))
            return resp_error(r, 400, "bad_filter", arena_printf(r->a, "%s is too long.", col));
        if (i < REPORT_REMARKS)
            f.remarks[i] = v;
        else
            f.system_keys[i - REPORT_REMARKS] = v;
    }
    f.cursor = req_query(r, "cursor");
    op_result res;
    json_object *o = reports_list(&r->op, &f, false, &res);
    if (res == OP_INVALID)
        return resp_error(r, 400, "bad_cursor", "The cursor is not one this server gave.");
    if (!o)
        return api_fail(r, res, NULL);
    resp_json(r, 200, o);
}
