#include "api/definitions.h"
#include "http/router.h"
#include "api/reply.h"
#include "auth/perm.h"
#include "auth/users.h"
#include "forms/defjson.h"
#include "forms/listing.h"
#include "forms/store.h"
#include "forms/upload.h"
#include "http/response.h"
#include "server/worker.h"
#include "util/jsonx.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* "2026-11-25T08:30:00Z" → "2026-11-25 08:30:00"; NULL when malformed. */
static const char *iso_to_sql(request *r, const char *s)
{
    if (!s || strlen(s) < 19 || s[10] != 'T' || !users_date_ok(arena_strndup(r->a, s, 10)))
        return NULL;
    for (int i = 11; i < 19; i++)
        if (i == 13 || i == 16 ? s[i] != ':' : (s[i] < '0' || s[i] > '9'))
            return NULL;
    const char *tail = s + 19;
    if (*tail == '.')
        tail += 1 + strspn(tail + 1, "0123456789");
    if (*tail == 'Z')
        tail++;
    if (*tail)
        return NULL;
    char *o = arena_strndup(r->a, s, 19);
    o[10] = ' ';
    return o;
}

void api_definitions_list(request *r)
{
    def_listing_query q = {.limit = 50};
    const char *since = req_query(r, "updated_since"), *label = req_query(r, "label"), *limit = req_query(r, "limit");
    if (since && !(q.updated_since = iso_to_sql(r, since)))
        return resp_error(r, 400, "bad_updated_since", "updated_since must be an RFC 3339 UTC time.");
    if (label && !users_parse_id(label, &q.label))
        return resp_error(r, 400, "bad_label", "label must be a label id.");
    if (limit) {
        long long l;
        if (!users_parse_id(limit, &l) || l > 200)
            return resp_error(r, 400, "bad_limit", "limit must be 1 to 200.");
        q.limit = (int)l;
    }
    q.cursor = req_query(r, "cursor");
    op_result res;
    json_object *o = deflisting_page(&r->op, &q, &res);
    if (res == OP_INVALID)
        return resp_error(r, 400, "bad_cursor", "The cursor is not one this server gave.");
    if (!o)
        return api_fail(r, res, NULL);
    resp_json(r, 200, o);
}

static void upload(request *r, long long id)
{
    int st = req_body(r, worker_config()->max_body);
    if (st)
        return resp_error(r, st, st == 413 ? "body_too_large" : "bad_request", "The body could not be read.");
    errs e;
    errs_init(&e, r->a);
    long long out_id;
    int rev;
    bool new_rev;
    bool zip = defupload_is_zip(r->content_type, NULL, r->body, r->body_len);
    op_result res = defupload_process(&r->op, id, zip, r->body, r->body_len, &e, &out_id, &rev, &new_rev);
    if (res == OP_INVALID)
        return api_error_details(r, 422, "definition_invalid",
                                 e.n == 1 ? "1 problem; nothing was stored" : arena_printf(r->a, "%d problems; nothing was stored", e.n),
                                 &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    json_object *o = json_object_new_object();
    jx_add_int(o, "id", out_id);
    jx_add_int(o, "revision", rev);
    jx_add_bool(o, "new_revision", new_rev);
    resp_json(r, id ? 200 : 201, o);
}

void api_definitions_create(request *r)
{
    upload(r, 0);
}

void api_definitions_update(request *r)
{
    long long id;
    if (api_path_id(r, "id", &id))
        upload(r, id);
}

/* The user may see definition id (404 otherwise: its existence is not told). */
static bool may_view(request *r, long long id)
{
    if (perm_has(&r->op, "def.view", arena_printf(r->a, "%lld", id)))
        return true;
    resp_error(r, 404, "not_found", "There is no such object.");
    return false;
}

void api_definitions_get(request *r)
{
    long long id, rev = 0;
    if (!api_path_id(r, "id", &id) || !may_view(r, id))
        return;
    const char *rq = req_query(r, "revision");
    if (rq && !users_parse_id(rq, &rev))
        return resp_error(r, 400, "bad_revision", "revision must be a revision number.");
    def_rev v;
    op_result res;
    if (rev) {
        res = defstore_get(&r->op, id, (int)rev, &v);
        /* an older revision is readable once it was used by tablets */
        if (res == OP_OK && !strcmp(v.status, "draft") && !perm_has(&r->op, "definitions.view", NULL))
            res = OP_NOT_FOUND;
    } else {
        res = defstore_get_for_tablet(&r->op, id, perm_has(&r->op, "tester", NULL), &v);
    }
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    const char *etag = arena_printf(r->a, "\"%d-%.16s\"", v.revision, v.sha256);
    resp_header(r, "ETag", etag);
    resp_header(r, "Cache-Control", "private, no-cache");
    if (r->if_none_match && (strstr(r->if_none_match, etag) || !strcmp(r->if_none_match, "*")))
        return resp_send(r, 304, NULL, "", 0);
    definition *d = defstore_model(&r->op, &v, &res);
    if (!d)
        return api_fail(r, res, NULL);
    const char *bg = arena_printf(r->a, "/%s/api/v1/definitions/%lld/revisions/%d/sheets/", r->tenant_code, id, v.revision);
    resp_json(r, 200, defjson_build(d, id, v.revision, v.status, bg));
}

void api_definitions_status(request *r)
{
    static const char *const allowed[] = {"status", NULL};
    long long id;
    if (!api_path_id(r, "id", &id))
        return;
    json_object *b = api_body_only(r, allowed);
    if (!b)
        return;
    errs e;
    errs_init(&e, r->a);
    const char *status = api_str(r, b, "status", true, &e);
    json_object_put(b);
    op_result res = e.n ? OP_INVALID : defstore_set_status(&r->op, id, status, &e);
    if (res != OP_OK)
        return api_fail(r, res, &e);
    def_rev v;
    if ((res = defstore_get(&r->op, id, 0, &v)) != OP_OK)
        return api_fail(r, res, NULL);
    json_object *o = json_object_new_object();
    jx_add_int(o, "id", id);
    jx_add_int(o, "revision", v.revision);
    jx_add_str(o, "status", v.status);
    resp_json(r, 200, o);
}

void api_definitions_export(request *r)
{
    long long id, rev = 0;
    if (!api_path_id(r, "id", &id))
        return;
    const char *rq = req_query(r, "revision");
    if (rq && !users_parse_id(rq, &rev))
        return resp_error(r, 400, "bad_revision", "revision must be a revision number.");
    def_rev v;
    op_result res = defstore_get(&r->op, id, (int)rev, &v);
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    buf out;
    const char *ctype, *ext;
    buf_init(&out, r->a);
    if ((res = defstore_export(&r->op, &v, &out, &ctype, &ext)) != OP_OK)
        return api_fail(r, res, NULL);
    resp_header(r, "Content-Disposition",
                arena_printf(r->a, "attachment; filename=\"definition-%lld-r%d.%s\"", id, v.revision, ext));
    resp_send(r, 200, ctype, out.data, out.len);
}

void api_definitions_revisions(request *r)
{
    long long id;
    if (!api_path_id(r, "id", &id))
        return;
    op_result res;
    json_object *arr = defstore_revisions(&r->op, id, &res);
    api_send_list(r, "revisions", arr, res);
}

void api_definitions_background(request *r)
{
    long long id, rev, sheet;
    if (!api_path_id(r, "id", &id) || !api_path_id(r, "rev", &rev) || !api_path_id(r, "no", &sheet) || !may_view(r, id))
        return;
    const char *ctype;
    const void *data;
    size_t len;
    op_result res = defstore_background(&r->op, id, (int)rev, (int)sheet, &ctype, &data, &len);
    if (res != OP_OK)
        return api_fail(r, res, NULL);
    resp_header(r, "Cache-Control", "private, max-age=86400, immutable");
    resp_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    resp_send(r, 200, ctype, data, len);
}
