/* reply.c - the ConMas API's answers: the XML writer, errors, files, and
 * what every command shows the same way (editStatus, times). */
#include "conmas/conmas.h"
#include "http/page.h"
#include "http/response.h"
#include "tenant/resolve.h"
#include "tenant/user.h"
#include "util/str.h"
#include "util/tz.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ the writer */

void cmx_escape(buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned c = *p;
        if (c < 0x80) {
            switch (c) {
            case '<': buf_adds(b, "&lt;"); break;
            case '>': buf_adds(b, "&gt;"); break;
            case '&': buf_adds(b, "&amp;"); break;
            case '"': buf_adds(b, "&quot;"); break;
            case '\r': buf_adds(b, "&#13;"); break;   /* kept through an XML parser's line-end handling */
            default:
                if (c >= 0x20 || c == '\t' || c == '\n')
                    buf_addc(b, (char)c);   /* other control characters cannot be in XML 1.0: dropped */
            }
            p++;
            continue;
        }
        /* a UTF-8 sequence: copied when valid, else U+FFFD for its first byte */
        int n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        if (n && str_utf8_valid((const char *)p, (size_t)n) && (c != 0xef || p[1] != 0xbf || (p[2] != 0xbe && p[2] != 0xbf))) {
            buf_add(b, p, (size_t)n);
            p += n;
        } else {
            buf_adds(b, "\xef\xbf\xbd");
            p++;
        }
    }
}

void cmx_init(cmx *x, arena *a)
{
    memset(x, 0, sizeof *x);
    buf_init(&x->b, a);
    buf_adds(&x->b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    cmx_open(x, "conmas");
}

void cmx_open(cmx *x, const char *tag)
{
    buf_printf(&x->b, "<%s>", tag);
    if (x->depth < CMX_DEPTH)
        x->open[x->depth] = tag;
    x->depth++;
}

void cmx_close(cmx *x)
{
    if (x->depth <= 0)
        return;
    x->depth--;
    buf_printf(&x->b, "</%s>", x->depth < CMX_DEPTH ? x->open[x->depth] : "");
    if (x->depth <= 1)
        buf_addc(&x->b, '\n');
}

void cmx_text(cmx *x, const char *tag, const char *text)
{
    buf_printf(&x->b, "<%s>", tag);
    cmx_escape(&x->b, text);
    buf_printf(&x->b, "</%s>", tag);
}

void cmx_int(cmx *x, const char *tag, long long v)
{
    buf_printf(&x->b, "<%s>%lld</%s>", tag, v, tag);
}

/* ----------------------------------------------------------- the answers */

void conmas_reply(conmas_call *c, cmx *x)
{
    while (x->depth > 0)
        cmx_close(x);
    c->code = CM_OK;
    resp_send(c->r, 200, "text/xml; charset=utf-8", x->b.data, x->b.len);
}

void conmas_details(request *r, cmx *x, const errs *e)
{
    cmx_open(x, "details");
    for (int i = 0; i < e->n; i++) {
        cmx_open(x, "detail");
        int sheet, cluster, used = 0;
        if (e->e[i].field && sscanf(e->e[i].field, "%d/%d%n", &sheet, &cluster, &used) == 2 && !e->e[i].field[used]) {
            cmx_int(x, "sheetNo", sheet);
            cmx_int(x, "clusterId", cluster);
        } else {
            cmx_text(x, "field", e->e[i].field);
        }
        if (e->e[i].line)
            cmx_int(x, "line", e->e[i].line);
        cmx_text(x, "code", e->e[i].code);
        cmx_text(x, "message", page_err_message(r->a, "en", e->e[i].code, e->e[i].arg));
        cmx_close(x);
    }
    cmx_close(x);
}

void conmas_error_details(conmas_call *c, int code, const char *message, const errs *e)
{
    request *r = c->r;
    const cm_code_info *ci = cm_code_by_number(code);
    cmx x;
    cmx_init(&x, r->a);
    cmx_open(&x, "error");
    cmx_int(&x, "code", code);
    cmx_text(&x, "name", ci ? ci->name : "error");
    cmx_text(&x, "message", message);
    if (e && e->n)
        conmas_details(r, &x, e);
    cmx_text(&x, "requestId", r->id);
    while (x.depth > 0)
        cmx_close(&x);
    c->code = code;
    resp_send(r, 200, "text/xml; charset=utf-8", x.b.data, x.b.len);
}

void conmas_error(conmas_call *c, int code, const char *message)
{
    conmas_error_details(c, code, message, NULL);
}

int conmas_outcome(request *r, op_result res, const refusal *why, const errs *e, const char **message)
{
    if (why && why->kind != REF_NONE) {
        int code = CM_FIELD_INVALID;
        switch (why->kind) {
        case REF_NOT_FOUND: code = CM_NOT_FOUND; break;
        case REF_FORBIDDEN: code = CM_FORBIDDEN; break;
        case REF_CONFLICT:
        case REF_STALE: code = CM_CONFLICT; break;
        case REF_NO_SPACE: code = CM_QUOTA; break;
        case REF_INVALID: code = e && e->n ? CM_VALIDATION : CM_FIELD_INVALID; break;
        case REF_TOO_LARGE:
        case REF_BAD_TYPE: code = CM_BAD_FILE; break;
        case REF_BAD_INPUT: code = why->code && !strcmp(why->code, "field_missing") ? CM_FIELD_MISSING : CM_FIELD_INVALID; break;
        default: break;
        }
        if (r->op.user && r->op.user->perms_failed && (code == CM_NOT_FOUND || code == CM_FORBIDDEN)) {
            res = OP_GONE;   /* not a refusal: the rights could not be read */
        } else {
            *message = arena_printf(r->a, "%s (%s)", why->message, why->code);
            return code;
        }
    }
    switch (res) {
    case OP_INVALID:
        *message = e && e->n == 1 ? "1 value is not valid" : arena_printf(r->a, "%d values are not valid", e ? e->n : 0);
        return CM_VALIDATION;
    case OP_NOT_FOUND: *message = "There is no such object."; return CM_NOT_FOUND;
    case OP_CONFLICT: *message = "This conflicts with what is stored."; return CM_CONFLICT;
    case OP_GONE:
    case OP_BUSY: *message = "The database is not reachable right now; nothing was written."; return CM_UNAVAILABLE;
    default: *message = "An internal error occurred."; return CM_INTERNAL;
    }
}

void conmas_refusal(conmas_call *c, op_result res, const refusal *why, const errs *e)
{
    request *r = c->r;
    const char *message;
    int code = conmas_outcome(r, res, why, e, &message);
    if (code == CM_UNAVAILABLE) {
        c->code = CM_UNAVAILABLE;
        return resp_unavailable(r, "database_unavailable", message);
    }
    if (code == CM_INTERNAL) {
        c->code = CM_INTERNAL;
        return resp_error(r, 500, "internal_error", message);
    }
    conmas_error_details(c, code, message, e);
}

void conmas_send_file(conmas_call *c, const char *content_type, const char *filename, const void *p, size_t n)
{
    c->code = CM_OK;
    resp_download(c->r, content_type, filename, p, n);
}

/* --------------------------------------------------------------- shared */

const char *conmas_time(conmas_call *c, const char *utc)
{
    if (!utc || !*utc)
        return "";
    const char *t = tz_show(c->r->a, tenant_zone(c->r->op.tenant), utc, TZ_SHOW_RFC3339);
    if (!t || strlen(t) < 19 || t[10] != 'T')
        return utc;
    char *s = arena_strndup(c->r->a, t, 19);   /* "2026-12-05T09:30:00" -> "2026/12/05 09:30:00" */
    s[4] = s[7] = '/';
    s[10] = ' ';
    return s;
}
