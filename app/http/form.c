#include "http/form.h"
#include "util/config.h"
#include "util/str.h"

#include <string.h>

bool form_parse(arena *a, const char *s, size_t len, form *out)
{
    out->n = 0;
    int cap = 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '&')
            cap++;
    if (cap > 1000)
        return false;
    out->f = arena_calloc(a, (size_t)cap, sizeof *out->f);
    size_t i = 0;
    while (i < len) {
        const char *p = s + i;
        const char *amp = memchr(p, '&', len - i);
        size_t n = amp ? (size_t)(amp - p) : len - i;
        if (n) {
            const char *eq = memchr(p, '=', n);
            size_t kl = eq ? (size_t)(eq - p) : n, vl = eq ? n - kl - 1 : 0, klen, vlen;
            char *k = req_percent_decode(a, p, kl, true, &klen);
            char *v = eq ? req_percent_decode(a, eq + 1, vl, true, &vlen) : arena_strdup(a, "");
            if (!k || !v || memchr(k, 0, klen) || !str_utf8_valid(k, klen) || (eq && (memchr(v, 0, vlen) || !str_utf8_valid(v, vlen))))
                return false;
            out->f[out->n].name = k;
            out->f[out->n].value = v;
            out->n++;
        }
        i += n + 1;
    }
    return true;
}

const char *form_get(const form *f, const char *name)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->f[i].name, name))
            return f->f[i].value;
    return NULL;
}

int req_form(request *r, form *out)
{
    memset(out, 0, sizeof *out);
    int st = req_body(r, r->op.cfg->max_body);
    if (st)
        return st;
    return form_parse(r->a, r->body, r->body_len, out) ? 0 : 400;
}

const char *req_cookie(request *r, const char *name)
{
    const char *h = FCGX_GetParam("HTTP_COOKIE", r->fcgx->envp);
    if (!h)
        return NULL;
    size_t nl = strlen(name);
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > nl && p[nl] == '=' && !strncmp(p, name, nl))
            return arena_strndup(r->a, p + nl + 1, n - nl - 1);
        if (!end)
            break;
        p = end + 1;
    }
    return NULL;
}

json_object *req_json(request *r, int *status, const char **why)
{
    int st = req_body(r, r->op.cfg->max_body);
    if (st) {
        *status = st;
        *why = st == 413 ? "The request body is too large." : "The request body is incomplete.";
        return NULL;
    }
    *status = 400;
    if (!str_utf8_valid(r->body, r->body_len)) {
        *why = "The body is not valid UTF-8.";
        return NULL;
    }
    json_tokener *tok = json_tokener_new_ex(32);
    if (!tok) {
        *status = 500;
        *why = "out of memory";
        return NULL;
    }
    json_object *o = json_tokener_parse_ex(tok, r->body, (int)r->body_len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || err != json_tokener_success) {
        json_object_put(o);
        *why = err == json_tokener_error_depth ? "The JSON nests too deeply." : "The body is not valid JSON.";
        return NULL;
    }
    for (size_t i = used; i < r->body_len; i++)
        if (!strchr(" \t\r\n", r->body[i])) {
            json_object_put(o);
            *why = "There is something after the JSON value.";
            return NULL;
        }
    if (!json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        *why = "The body must be a JSON object.";
        return NULL;
    }
    return o;
}
