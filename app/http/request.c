#include "http/request.h"
#include "util/crypto.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *req_env(request *r, const char *name)
{
    const char *v = FCGX_GetParam(name, r->fcgx->envp);
    return v ? arena_strdup(r->a, v) : NULL;
}

char *req_percent_decode(arena *a, const char *s, size_t n, bool plus_is_space, size_t *outlen)
{
    char *out = arena_alloc(a, n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n)
                return NULL;
            int h = str_hexval(s[i + 1]), l = str_hexval(s[i + 2]);
            if (h < 0 || l < 0)
                return NULL;
            *o++ = (char)(h << 4 | l);
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            *o++ = ' ';
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    if (outlen)
        *outlen = (size_t)(o - out);
    return out;
}

int req_split_path(arena *a, const char *raw, const char **seg, int *nseg)
{
    *nseg = 0;
    if (!raw || raw[0] != '/')
        return 400;
    size_t len = strlen(raw);
    if (len > REQ_MAX_PATH)
        return 400;
    const char *p = raw + 1;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) {
            if (!e)
                break;          /* trailing slash */
            return 400;         /* empty segment: "//" */
        }
        size_t dl;
        char *d = req_percent_decode(a, p, n, false, &dl);
        if (!d || memchr(d, '\0', dl) || strchr(d, '/'))
            return 400;
        for (size_t i = 0; i < dl; i++)
            if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f || d[i] == '\\')
                return 400;
        if (!strcmp(d, ".") || !strcmp(d, ".."))
            return 400;
        if (!str_utf8_valid(d, dl))
            return 400;
        if (*nseg >= REQ_MAX_SEGS)
            return 404;
        seg[(*nseg)++] = d;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

static const char *env_or_empty(request *r, const char *name)
{
    const char *v = req_env(r, name);
    return v ? v : "";
}

void req_init(request *r, FCGX_Request *f, arena *a, const req_host *host)
{
    memset(r, 0, sizeof *r);
    r->fcgx = f;
    r->a = a;
    r->host = host;
    r->route_index = -1;
    r->lang = "en";
    clock_gettime(CLOCK_MONOTONIC, &r->start);

    const char *rid = FCGX_GetParam("REQUEST_ID", f->envp);
    bool good = rid && strlen(rid) == 32;
    for (int i = 0; good && i < 32; i++)
        good = (rid[i] >= '0' && rid[i] <= '9') || (rid[i] >= 'a' && rid[i] <= 'f');
    if (good)
        memcpy(r->id, rid, 33);
    else if (!crypto_token_hex(16, r->id))
        strcpy(r->id, "00000000000000000000000000000000");

    r->method = env_or_empty(r, "REQUEST_METHOD");
    r->content_type = env_or_empty(r, "CONTENT_TYPE");
    r->remote_addr = env_or_empty(r, "REMOTE_ADDR");
    r->user_agent = env_or_empty(r, "HTTP_USER_AGENT");
    r->accept_language = env_or_empty(r, "HTTP_ACCEPT_LANGUAGE");
    r->accept = env_or_empty(r, "HTTP_ACCEPT");
    r->if_none_match = req_env(r, "HTTP_IF_NONE_MATCH");

    const char *cl = FCGX_GetParam("CONTENT_LENGTH", f->envp);
    r->content_length = 0;
    if (cl && *cl) {
        uint64_t v = 0;
        bool ok = true;
        for (const char *c = cl; *c && ok; c++) {
            if (*c < '0' || *c > '9' || v > (UINT64_MAX - 9) / 10)
                ok = false;
            else
                v = v * 10 + (uint64_t)(*c - '0');
        }
        r->content_length = ok ? v : UINT64_MAX;
        r->has_body = r->content_length > 0;
    } else {
        /* no Content-Length: a chunked body may still follow on stdin
         * (nginx ends stdin with an empty record, so this never blocks) */
        int c = FCGX_GetChar(f->in);
        if (c != EOF) {
            FCGX_UnGetChar(c, f->in);
            r->has_body = true;
            r->length_unknown = true;
        }
    }

    const char *uri = env_or_empty(r, "REQUEST_URI");
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    r->query = q ? q + 1 : "";
    /* a log-safe copy of the path: printable ASCII only, bounded */
    size_t ll = plen > 200 ? 200 : plen;
    char *safe = arena_strndup(a, uri, ll);
    for (char *s = safe; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
            *s = '?';
    r->raw_uri = safe;
    char *path = arena_strndup(a, uri, plen);
    r->path_error = req_split_path(a, path, r->seg, &r->nseg);
    /* how to render errors before a route is known */
    if (r->nseg >= 2 && !strcmp(r->seg[1], "api"))
        r->kind = KIND_API;
    else if (r->nseg >= 2 && !strcmp(r->seg[1], "ConMasAPI"))
        r->kind = KIND_CONMAS;
    else
        r->kind = KIND_CONSOLE;
    /* what the domain is handed; the tenant and user steps fill in the rest */
    r->op = (op_ctx){.a = a, .req_id = r->id, .client_addr = r->remote_addr, .user_agent = r->user_agent,
                     .lang = r->lang, .cfg = host ? host->cfg : NULL,
                     .channel = r->kind == KIND_API ? "tablet" : r->kind == KIND_CONMAS ? "conmas" : "console"};
}

int req_body(request *r, uint64_t max)
{
    if (r->body_read)
        return 0;
    r->body_read = true;
    /* with an unknown length read one byte past max to know it is too much */
    uint64_t n = r->length_unknown ? max + 1 : r->content_length;
    if (n > max + 1 || (!r->length_unknown && n > max))
        return 413;
    r->body = arena_alloc(r->a, (size_t)n + 1);
    size_t got = 0;
    while (got < n) {
        int want = (n - got) > 65536 ? 65536 : (int)(n - got);
        int k = FCGX_GetStr(r->body + got, want, r->fcgx->in);
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    r->body[got] = '\0';
    r->body_len = got;
    if (r->length_unknown)
        return got > max ? 413 : 0;
    return got == n ? 0 : 400;
}

void req_discard_body(request *r, uint64_t cap)
{
    if (r->body_read || !r->has_body)
        return;
    r->body_read = true;
    char tmp[16384];
    uint64_t left = r->content_length < cap ? r->content_length : cap;
    while (left > 0) {
        int k = FCGX_GetStr(tmp, left > sizeof tmp ? (int)sizeof tmp : (int)left, r->fcgx->in);
        if (k <= 0)
            break;
        left -= (uint64_t)k;
    }
}

const char *req_query(request *r, const char *name)
{
    size_t nl = strlen(name);
    const char *p = r->query;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t n = amp ? (size_t)(amp - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        size_t kl = eq ? (size_t)(eq - p) : n;
        if (kl == nl && !memcmp(p, name, nl)) {
            if (!eq)
                return "";
            return req_percent_decode(r->a, eq + 1, n - kl - 1, true, NULL);
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

int req_if_match(request *r, int *rev)
{
    const char *h = FCGX_GetParam("HTTP_IF_MATCH", r->fcgx->envp);
    if (!h)
        return 428;
    char *end;
    const char *p = h[0] == '"' ? h + 1 : h;
    long v = strtol(p, &end, 10);
    if (end == p || v <= 0 || v > 1000000000 || (h[0] == '"' ? strcmp(end, "\"") : *end != '\0'))
        return 412;
    *rev = (int)v;
    return 0;
}

const char *req_query_of(void *r, const char *name)
{
    return req_query(r, name);
}
