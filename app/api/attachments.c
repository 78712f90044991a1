#include "api/attachments.h"
#include "http/router.h"
#include "api/reply.h"
#include "http/response.h"
#include "reports/attach.h"
#include "util/config.h"
#include "util/jsonx.h"

#include <stdlib.h>
#include <string.h>

static void fail(request *r, op_result res, refusal *why)
{
    if (res == OP_INVALID && why->kind != REF_NONE)
        return api_refusal(r, why);
    api_fail(r, res, NULL);
}

/* The optional If-Match of a PUT: 0 when absent; -1 after answering 412. */
static int if_match(request *r)
{
    int rev = 0;
    switch (req_if_match(r, &rev)) {
    case 0:
        return rev;
    case 428:
        return 0;
    default:
        resp_error(r, 412, "bad_if_match", "If-Match must be the report's ETag, such as \"3\".");
        return -1;
    }
}

/* Does If-None-Match name etag ("*", a list, weak tags too)? */
static bool none_match_hits(const char *inm, const char *sha)
{
    if (!inm)
        return false;
    size_t n = strlen(sha);
    for (const char *p = inm; *p;) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (*p == '*')
            return true;
        if (!strncmp(p, "W/", 2))
            p += 2;
        if (*p == '"' && !strncmp(p + 1, sha, n) && p[1 + n] == '"')
            return true;
        while (*p && *p != ',')
            p++;
    }
    return false;
}

static void answer_meta(request *r, int status, const attach_target *t, const attach_meta *m)
{
    json_object *o = json_object_new_object();
    jx_add_int(o, "sheet", t->sheet);
    jx_add_int(o, "cluster", t->cluster);
    jx_add_str(o, "sha256", m->sha256);
    jx_add_int(o, "size", (long long)m->size);
    jx_add_str(o, "content_type", m->content_type);
    jx_add_int(o, "width", m->width);
    jx_add_int(o, "height", m->height);
    jx_add_int(o, "rev", m->rev);
    resp_header(r, "ETag", arena_printf(r->a, "\"%s\"", m->sha256));
    resp_header(r, "Location", arena_printf(r->a, "/%s/api/v1/reports/%s/attachments/%d/%d", r->tenant_code,
                                            t->report_id, t->sheet, t->cluster));
    resp_json(r, status, o);
}

void api_attachment_put(request *r)
{
    attach_target t;
    refusal why;
    int im = if_match(r);
    if (im < 0)
        return;
    op_result res = attach_target_find(&r->op, req_param(r, "id"), req_param(r, "sheet"), req_param(r, "cluster"), true, &t, &why);
    if (res != OP_OK) {
        req_discard_body(r, r->op.cfg->max_body);
        return fail(r, res, &why);
    }
    /* the cluster's limit, before reading a body that announces more */
    if (!r->length_unknown && r->content_length > t.max_bytes) {
        req_discard_body(r, r->op.cfg->max_body);
        return resp_error(r, 413, "attachment_too_large",
                          arena_printf(r->a, "The image is larger than this cluster's limit of %llu bytes.",
                                       (unsigned long long)t.max_bytes));
    }
    int st = req_body(r, t.max_bytes);
    if (st == 413)
        return resp_error(r, 413, "attachment_too_large",
                          arena_printf(r->a, "The image is larger than this cluster's limit of %llu bytes.",
                                       (unsigned long long)t.max_bytes));
    if (st)
        return resp_error(r, 400, "bad_body", "The body is shorter than announced.");
    attach_meta m;
    bool created;
    res = attach_put(&r->op, &t, r->body, r->body_len, r->content_type, im, &m, &created, &why);
    if (res != OP_OK)
        return fail(r, res, &why);
    answer_meta(r, created ? 201 : 200, &t, &m);
}

void api_attachment_get(request *r)
{
    attach_target t;
    refusal why;
    op_result res = attach_target_find(&r->op, req_param(r, "id"), req_param(r, "sheet"), req_param(r, "cluster"), false, &t, &why);
    attach_meta m;
    if (res == OP_OK)
        res = attach_stat(&r->op, &t, &m);
    if (res == OP_NOT_FOUND)
        return resp_error(r, 404, "not_found", "There is no such attachment.");
    if (res != OP_OK)
        return fail(r, res, &why);
    const char *etag = arena_printf(r->a, "\"%s\"", m.sha256);
    if (none_match_hits(r->if_none_match, m.sha256)) {
        resp_header(r, "ETag", etag);
        resp_header(r, "Cache-Control", "private, no-cache");
        return resp_send(r, 304, NULL, "", 0);
    }
    const unsigned char *data;
    res = attach_read(&r->op, &t, &m, &data, &why);
    if (res == OP_NOT_FOUND)
        return resp_error(r, 404, "not_found", "There is no such attachment.");
    if (res != OP_OK)
        return fail(r, res, &why);
    resp_header(r, "ETag", arena_printf(r->a, "\"%s\"", m.sha256));
    resp_header(r, "Cache-Control", "private, no-cache");
    resp_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    resp_header(r, "Content-Disposition",
                arena_printf(r->a, "attachment; filename=\"%s-%d-%d.%s\"", t.report_id, t.sheet, t.cluster,
                             !strcmp(m.content_type, "image/png") ? "png" : "jpg"));
    resp_send(r, 200, m.content_type, data, m.size);
}
