#include "http/response.h"
#include "auth/session.h"
#include "http/cmcodes.h"
#include "http/page.h"
#include "util/config.h"

#include <stdio.h>
#include <string.h>

const char *resp_reason(int s)
{
    switch (s) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "Unknown";
    }
}

const char *resp_csp(req_kind kind)
{
    if (kind == KIND_CONSOLE)
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
               "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'";
    return "default-src 'none'; frame-ancestors 'none'; sandbox";
}

void resp_header(request *r, const char *name, const char *value)
{
    if (r->nhdr >= (int)(sizeof r->hdr_name / sizeof r->hdr_name[0]))
        return;
    if (strpbrk(value, "\r\n"))
        return;
    r->hdr_name[r->nhdr] = name;
    r->hdr_value[r->nhdr] = value;
    r->nhdr++;
}

static bool has_header(request *r, const char *name)
{
    for (int i = 0; i < r->nhdr; i++)
        if (!strcasecmp(r->hdr_name[i], name))
            return true;
    return false;
}

bool resp_begin(request *r, int status, const char *ctype, uint64_t len)
{
    if (r->responded)
        return false;
    r->responded = true;
    r->status = status;
    buf h;
    buf_init(&h, r->a);
    buf_printf(&h, "Status: %d %s\r\n", status, resp_reason(status));
    if (ctype && status != 204 && status != 304)
        buf_printf(&h, "Content-Type: %s\r\n", ctype);
    if (status != 204 && status != 304)
        buf_printf(&h, "Content-Length: %llu\r\n", (unsigned long long)len);
    buf_printf(&h, "X-Request-Id: %s\r\n", r->id);
    buf_adds(&h, "Strict-Transport-Security: max-age=63072000; includeSubDomains\r\n");
    buf_adds(&h, "X-Content-Type-Options: nosniff\r\n");
    buf_adds(&h, "Referrer-Policy: same-origin\r\n");
    buf_adds(&h, "X-Frame-Options: DENY\r\n");
    if (!has_header(r, "Content-Security-Policy"))
        buf_printf(&h, "Content-Security-Policy: %s\r\n", resp_csp(r->kind));
    if (!has_header(r, "Cache-Control"))
        buf_adds(&h, "Cache-Control: no-store\r\n");
    for (int i = 0; i < r->nhdr; i++)
        buf_printf(&h, "%s: %s\r\n", r->hdr_name[i], r->hdr_value[i]);
    buf_adds(&h, "\r\n");
    FCGX_PutStr(h.data, (int)h.len, r->fcgx->out);
    return strcmp(r->method, "HEAD") != 0 && status != 204 && status != 304;
}

bool resp_write(request *r, const void *body, size_t len)
{
    const char *p = body;
    size_t left = len;
    while (left) {
        int n = left > 1 << 20 ? 1 << 20 : (int)left;
        if (FCGX_PutStr(p, n, r->fcgx->out) < 0)
            return false;
        p += n;
        left -= (size_t)n;
        r->bytes_out += (uint64_t)n;
    }
    return true;
}

bool resp_stream_write(void *ctx, const void *p, size_t n)
{
    resp_stream *s = ctx;
    if (!s->begun) {
        s->begun = true;
        resp_header(s->r, "Content-Disposition", resp_disposition(s->r->a, s->filename ? s->filename : "download"));
        resp_header(s->r, "Cache-Control", "private, no-store");
        s->body = resp_begin(s->r, 200, s->content_type ? s->content_type : "application/octet-stream", s->len);
    }
    return !s->body || !n || resp_write(s->r, p, n);
}

void resp_send(request *r, int status, const char *ctype, const void *body, size_t len)
{
    if (resp_begin(r, status, ctype, len) && len)
        resp_write(r, body, len);
    r->bytes_out = len;
}

void resp_json(request *r, int status, json_object *obj)
{
    size_t len = 0;
    const char *s = json_object_to_json_string_length(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    resp_send(r, status, "application/json; charset=utf-8", s, len);
    json_object_put(obj);
}

static void xml_escape(buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '&': buf_adds(b, "&amp;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        case '\'': buf_adds(b, "&apos;"); break;
        default: buf_addc(b, *s);
        }
    }
}

int resp_refusal_status(refusal_kind k)
{
    static const int status[] = {[REF_NONE] = 500, [REF_BAD_INPUT] = 400, [REF_FORBIDDEN] = 403,
                                 [REF_NOT_FOUND] = 404, [REF_CONFLICT] = 409, [REF_STALE] = 412,
                                 [REF_TOO_LARGE] = 413, [REF_BAD_TYPE] = 415, [REF_INVALID] = 422,
                                 [REF_NO_SPACE] = 507};
    return (unsigned)k < sizeof status / sizeof status[0] ? status[k] : 500;
}

void resp_error(request *r, int status, const char *code, const char *message)
{
    if (r->responded)
        return;
    /* a refusal decided while the database failed to give the user's
     * permissions is not a refusal: say the database is away */
    if ((status == 403 || status == 404) && r->op.user && r->op.user->perms_failed) {
        resp_header(r, "Retry-After", arena_printf(r->a, "%u", r->op.cfg->retry_after));
        status = 503;
        code = "database_unavailable";
        message = "The database is not reachable right now; nothing was written.";
    }
    if (r->kind == KIND_API || r->kind == KIND_PLAIN) {
        json_object *o = json_object_new_object(), *e = json_object_new_object();
        json_object_object_add(e, "code", json_object_new_string(code));
        json_object_object_add(e, "message", json_object_new_string(message));
        json_object_object_add(e, "request_id", json_object_new_string(r->id));
        json_object_object_add(o, "error", e);
        resp_json(r, status, o);
    } else if (r->kind == KIND_CONMAS) {
        buf b;
        buf_init(&b, r->a);
        /* the ConMas API's error body (http/cmcodes.h), whatever the status */
        buf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conmas><error><code>%d</code><name>",
                   cm_code_of(code));
        xml_escape(&b, code);
        buf_adds(&b, "</name><message>");
        xml_escape(&b, message);
        buf_adds(&b, "</message><requestId>");
        xml_escape(&b, r->id);
        buf_adds(&b, "</requestId></error></conmas>\n");
        resp_send(r, status, "text/xml; charset=utf-8", b.data, b.len);
    } else {
        page_error(r, status, code, message);
    }
}

void resp_unavailable(request *r, const char *code, const char *message)
{
    resp_header(r, "Retry-After", arena_printf(r->a, "%u", r->op.cfg->retry_after));
    resp_error(r, 503, code, message);
}

void resp_redirect(request *r, const char *location)
{
    resp_header(r, "Location", location);
    resp_send(r, 303, "text/plain; charset=utf-8", "", 0);
}

const char *resp_disposition(arena *a, const char *filename)
{
    buf ascii, ext;
    buf_init(&ascii, a);
    buf_init(&ext, a);
    bool plain = true, meaningful = false;   /* meaningful: a letter or digit before the extension */
    const char *ext_dot = filename ? strrchr(filename, '.') : NULL;
    for (const unsigned char *p = (const unsigned char *)(filename ? filename : ""); *p; p++) {
        unsigned c = *p;
        bool attr = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                    (c && strchr("!#$&+-.^_`|~", (int)c));
        if (attr)
            buf_addc(&ext, (char)c);
        else
            buf_printf(&ext, "%%%02X", c);
        if (c >= 0x80) {
            plain = false;
            if ((c & 0xc0) != 0x80)   /* one stand-in per code point */
                buf_addc(&ascii, '_');
        } else if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
            plain = false;   /* the stand-in differs: the real name goes in filename* */
            buf_addc(&ascii, '_');
        } else {
            buf_addc(&ascii, (char)c);
            meaningful |= (!ext_dot || (const char *)p < ext_dot) &&
                          ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
        }
    }
    const char *fallback = meaningful ? ascii.data : "download";
    if (!meaningful) {   /* nothing readable: "download", keeping the (stand-in's) extension */
        const char *dot = ascii.data ? strrchr(ascii.data, '.') : NULL;
        if (dot && strlen(dot) <= 6)
            fallback = arena_printf(a, "download%s", dot);
        plain = false;
    }
    if (plain)
        return arena_printf(a, "attachment; filename=\"%s\"", fallback);
    return arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", fallback, ext.data ? ext.data : "");
}

void resp_download(request *r, const char *content_type, const char *filename, const void *body, size_t len)
{
    resp_header(r, "Content-Disposition", resp_disposition(r->a, filename));
    resp_header(r, "Cache-Control", "private, no-store");
    resp_send(r, 200, content_type, body, len);
}
