/* This file includes ClearSilver, whose cs_config.h redefines PACKAGE_* and
 * HAVE_*: it must not include config.h. */
#include <ClearSilver.h>

#include "http/page.h"
#include "auth/perm.h"
#include "auth/session.h"
#include "util/errs.h"
#include <json-c/json.h>
#include "http/response.h"
#include "http/maint.h"
#include "tenant/resolve.h"
#include "util/log.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct page {
    HDF *hdf;
    int reused;      /* 1 + the index of the thread's HDF it borrows; 0: its own */
};

static _Thread_local HDF *cat_en, *cat_ja;
static _Thread_local char tdir[1024];

/* A page costs mostly what ClearSilver does before it writes a byte: the
 * message catalog copied into a new HDF (hundreds of nodes and their hash
 * tables) and the template read and parsed again.  Each thread keeps, per
 * language, one HDF that holds the catalog under "L" and lends it to one
 * page at a time; page_free removes every other top-level node, so
 * nothing of one request is left for the next (a second page alive at
 * the same time gets its own HDF, as before).  Templates parsed against a
 * lent HDF are kept per thread and rendered again: cs_render reads its
 * parse tree and writes only to the HDF and the output.  Templates are
 * read once per worker thread; a changed template needs a restart
 * (SIGHUP restarts the workers). */
enum { LANGS = 2, TMPL_CACHE = 48 };
typedef struct tmpl_slot {
    char name[64];
    CSPARSE *cs;
} tmpl_slot;
static _Thread_local HDF *lent[LANGS];
static _Thread_local bool lent_busy[LANGS];
static _Thread_local tmpl_slot tcache[LANGS][TMPL_CACHE];

static void log_nerr(const char *what, NEOERR *err)
{
    STRING s;
    string_init(&s);
    nerr_error_string(err, &s);
    log_error("%s: %s", what, s.buf ? s.buf : "?");
    string_clear(&s);
    nerr_ignore(&err);
}

void page_global_init(void)
{
    NEOERR *e = nerr_init();
    if (e)
        log_nerr("nerr_init", e);
}

static HDF *load_catalog(const char *dir, const char *lang, char *err, size_t errlen)
{
    HDF *h = NULL;
    char path[1200];
    snprintf(path, sizeof path, "%s/lang/%s.hdf", dir, lang);
    NEOERR *e = hdf_init(&h);
    if (!e)
        e = hdf_read_file(h, path);
    if (e) {
        STRING s;
        string_init(&s);
        nerr_error_string(e, &s);
        snprintf(err, errlen, "cannot load message catalog %s: %s", path, s.buf ? s.buf : "?");
        string_clear(&s);
        nerr_ignore(&e);
        hdf_destroy(&h);
        return NULL;
    }
    return h;
}

bool page_thread_init(const char *templates_dir, char *err, size_t errlen)
{
    snprintf(tdir, sizeof tdir, "%s", templates_dir);
    cat_en = load_catalog(templates_dir, "en", err, errlen);
    cat_ja = cat_en ? load_catalog(templates_dir, "ja", err, errlen) : NULL;
    return cat_en && cat_ja;
}

void page_thread_end(void)
{
    for (int l = 0; l < LANGS; l++) {
        for (int i = 0; i < TMPL_CACHE; i++)
            if (tcache[l][i].cs)
                cs_destroy(&tcache[l][i].cs);
        memset(tcache[l], 0, sizeof tcache[l]);
        hdf_destroy(&lent[l]);
        lent_busy[l] = false;
    }
    hdf_destroy(&cat_en);
    hdf_destroy(&cat_ja);
}

const char *page_pick_lang(const char *al)
{
    double best_q = -1;
    const char *best = "en";
    if (!al)
        return best;
    const char *p = al;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char item[64];
        if (n < sizeof item) {
            memcpy(item, p, n);
            item[n] = '\0';
            double q = 1.0;
            char *semi = strchr(item, ';');
            if (semi) {
                *semi = '\0';
                char *qs = strstr(semi + 1, "q=");
                if (qs)
                    q = atof(qs + 2);
            }
            for (char *c = item; *c; c++)
                if (*c == ' ')
                    *c = '\0';
            const char *lang = NULL;
            if (!strncasecmp(item, "ja", 2) && (item[2] == '\0' || item[2] == '-'))
                lang = "ja";
            else if (!strncasecmp(item, "en", 2) && (item[2] == '\0' || item[2] == '-'))
                lang = "en";
            if (lang && q > best_q) {
                best_q = q;
                best = lang;
            }
        }
        if (!end)
            break;
        p = end + 1;
    }
    return best;
}

const char *page_msg(const char *lang, const char *key)
{
    HDF *c = !strcmp(lang, "ja") ? cat_ja : cat_en;
    return c ? hdf_get_value(c, key, NULL) : NULL;
}

/* A new HDF holding cat under "L". */
static HDF *hdf_with_catalog(HDF *cat)
{
    HDF *h = NULL;
    NEOERR *e = hdf_init(&h);
    if (e) {
        log_nerr("hdf_init", e);
        return NULL;
    }
    if (cat && (e = hdf_copy(h, "L", cat)))
        log_nerr("hdf_copy", e);
    return h;
}

page *page_new(request *r)
{
    page *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    int l = !strcmp(r->lang, "ja") ? 1 : 0;
    HDF *cat = l ? cat_ja : cat_en;
    if (cat && !lent_busy[l] && (lent[l] || (lent[l] = hdf_with_catalog(cat)))) {
        lent_busy[l] = true;
        p->hdf = lent[l];
        p->reused = l + 1;
    } else if (!(p->hdf = hdf_with_catalog(cat))) {
        free(p);
        return NULL;
    }
    page_set(p, "Config.VarEscapeMode", "html");
    page_set(p, "hdf.loadpaths.0", tdir);
    page_set(p, "Lang", r->lang);
    page_set(p, "RequestId", r->id);
    if (r->op.tenant) {   /* only a tenant that exists: links must lead somewhere */
        page_set(p, "Tenant.code", r->tenant_code);
        page_set(p, "Tenant.name", r->op.tenant->name);
        page_set(p, "Tenant.time_zone", tz_name(tenant_zone(r->op.tenant)));
    }
    if (r->tenant_code)   /* console pages of a tenant: the maintenance banner */
        maint_banner(p, r);
    if (r->op.user) {
        page_set(p, "User.login", r->op.user->login);
        page_set(p, "User.name", r->op.user->name);
        page_set(p, "CSRF", r->op.user->csrf);
        if (r->op.user->must_change)
            page_set(p, "User.must_change", "1");
        for (int i = 0; i < perm_count; i++) {
            if (perm_all[i].scoped || !perm_has(&r->op, perm_all[i].name, NULL))
                continue;
            char key[80];
            snprintf(key, sizeof key, "Perm.%s", perm_all[i].name);
            for (char *c = key + 5; *c; c++)
                if (*c == '.')
                    *c = '_';
            page_set(p, key, "1");
        }
    }
    return p;
}

void page_set(page *p, const char *name, const char *value)
{
    if (!p)
        return;
    NEOERR *e = hdf_set_value(p->hdf, name, value ? value : "");
    if (e)
        log_nerr("hdf_set_value", e);
}

void page_set_int(page *p, const char *name, long v)
{
    char s[32];
    snprintf(s, sizeof s, "%ld", v);
    page_set(p, name, s);
}

/* v's members under node's child named name: each level looked up once,
 * not every leaf's whole path from the root. */
static void hdf_set_json(HDF *node, const char *name, json_object *v)
{
    NEOERR *e = STATUS_OK;
    HDF *child;
    switch (json_object_get_type(v)) {
    case json_type_null:
        return;
    case json_type_object:
    case json_type_array:
        if ((e = hdf_get_node(node, name, &child)))
            break;
        if (json_object_get_type(v) == json_type_object) {
            json_object_object_foreach(v, k, m)
                hdf_set_json(child, k, m);
        } else {
            char idx[24];
            for (size_t i = 0; i < json_object_array_length(v); i++) {
                snprintf(idx, sizeof idx, "%zu", i);
                hdf_set_json(child, idx, json_object_array_get_idx(v, i));
            }
        }
        return;
    case json_type_boolean:
        e = hdf_set_value(node, name, json_object_get_boolean(v) ? "1" : "0");
        break;
    default:
        e = hdf_set_value(node, name, json_object_get_string(v));
        break;
    }
    if (e)
        log_nerr("hdf_set_json", e);
}

void page_set_json(page *p, const char *name, json_object *v)
{
    if (p)
        hdf_set_json(p->hdf, name, v);
}

const char *page_err_message(arena *a, const char *lang, const char *code, const char *arg)
{
    char key[160];
    snprintf(key, sizeof key, "err.%s", code);
    const char *m = page_msg(lang, key);
    if (!m)
        m = code;
    const char *at = strstr(m, "{arg}");
    if (at)
        return arena_printf(a, "%.*s%s%s", (int)(at - m), m, arg ? arg : "", at + 5);
    return arg && *arg ? arena_printf(a, "%s (%s)", m, arg) : m;
}

void page_set_errors(page *p, request *r, const errs *e)
{
    char key[160];
    for (int i = 0; i < e->n; i++) {
        const char *m = page_err_message(r->a, r->lang, e->e[i].code, e->e[i].arg);
        if (e->e[i].line)
            m = arena_printf(r->a, "%s %d%s%s: %s", page_msg(r->lang, "err.line") ? page_msg(r->lang, "err.line") : "line",
                             e->e[i].line, e->e[i].field ? ", " : "", e->e[i].field ? e->e[i].field : "", m);
        const char *f = e->e[i].field ? e->e[i].field : "form";
        bool plain = strlen(f) < 64 && strspn(f, "abcdefghijklmnopqrstuvwxyz_") == strlen(f);
        snprintf(key, sizeof key, "Errors.%s", f);
        if (plain && !hdf_get_value(p->hdf, key, NULL))   /* beside its form field */
            page_set(p, key, m);
        snprintf(key, sizeof key, "ErrorList.%d", i);
        page_set(p, key, m);
    }
}

/* Give a lent HDF back with nothing but the catalog in it. */
static void hdf_return(int l)
{
    HDF *h = lent[l], *c = hdf_obj_child(h), *next;
    for (; c; c = next) {
        next = hdf_obj_next(c);
        const char *name = hdf_obj_name(c);
        if (name && strcmp(name, "L")) {
            NEOERR *e = hdf_remove_tree(h, name);
            if (e) {   /* cannot be cleaned: never lend it again */
                log_nerr("hdf_remove_tree", e);
                for (int i = 0; i < TMPL_CACHE; i++)
                    if (tcache[l][i].cs)
                        cs_destroy(&tcache[l][i].cs);
                memset(tcache[l], 0, sizeof tcache[l]);
                hdf_destroy(&lent[l]);
                break;
            }
        }
    }
    lent_busy[l] = false;
}

void page_free(page **p)
{
    if (!p || !*p)
        return;
    if ((*p)->reused)
        hdf_return((*p)->reused - 1);
    else
        hdf_destroy(&(*p)->hdf);
    free(*p);
    *p = NULL;
}

static NEOERR *render_out(void *ctx, char *s)
{
    buf_adds((buf *)ctx, s);
    return STATUS_OK;
}

/* when(t): a stored UTC time ("2026-12-05 00:30:00", "…T…Z") in the page's
 * time zone (Tenant.time_zone, else the server's default), as
 * "2026-12-05 09:30 JST"; anything else is shown as it is.  Every time the
 * console shows goes through this one function. */
static NEOERR *cs_when(CSPARSE *parse, CS_FUNCTION *csf, CSARG *args, CSARG *result)
{
    (void)csf;
    char *s = NULL;
    result->op_type = CS_TYPE_STRING;
    result->s = "";
    result->alloc = 0;
    NEOERR *e = cs_arg_parse(parse, args, "s", &s);
    if (e)
        return nerr_pass(e);
    if (!s)
        return STATUS_OK;
    time_t t;
    if (tz_parse_utc(s, &t)) {
        const tz_zone *z = tz_find(hdf_get_value(parse->hdf, "Tenant.time_zone", NULL));
        char b[TZ_FMT_LEN];
        tz_format(z ? z : tz_default(), t, b);
        free(s);
        s = strdup(b);
        if (!s)
            return nerr_raise(NERR_NOMEM, "when()");
    }
    result->s = s;
    result->alloc = 1;
    return STATUS_OK;
}

bool page_render_buf(request *r, page **pp, const char *tmpl, buf *out)
{
    page *p = pp ? *pp : NULL;
    CSPARSE *cs = NULL;
    char path[1200];
    buf_init(out, r->a);
    if (!p)
        return false;
    snprintf(path, sizeof path, "%s/%s", tdir, tmpl);
    tmpl_slot *slot = NULL;
    if (p->reused && strlen(tmpl) < sizeof slot->name) {
        tmpl_slot *row = tcache[p->reused - 1];
        for (int i = 0; i < TMPL_CACHE && !slot; i++)
            if (row[i].cs && !strcmp(row[i].name, tmpl))
                slot = &row[i];
        for (int i = 0; i < TMPL_CACHE && !slot; i++)
            if (!row[i].cs)
                slot = &row[i];
    }
    NEOERR *e = STATUS_OK;
    if (slot && slot->cs) {
        cs = slot->cs;
    } else {
        e = cs_init(&cs, p->hdf);
        if (!e)
            e = cs_register_function(cs, "when", 1, cs_when);
        if (!e)
            e = cs_parse_file(cs, path);
    }
    if (!e)
        e = cs_render(cs, out, render_out);
    if (slot && !e && !slot->cs) {
        snprintf(slot->name, sizeof slot->name, "%s", tmpl);
        slot->cs = cs;
    } else if (!slot || cs != slot->cs) {
        cs_destroy(&cs);
    } else if (e) {   /* a parse that failed to render is not kept */
        cs_destroy(&slot->cs);
        slot->name[0] = '\0';
    }
    page_free(pp);
    if (e) {
        log_nerr(tmpl, e);
        return false;
    }
    return true;
}

void page_render(request *r, int status, page **pp, const char *tmpl)
{
    buf out;
    if (page_render_buf(r, pp, tmpl, &out))
        resp_send(r, status, "text/html; charset=utf-8", out.data, out.len);
    else
        resp_send(r, 500, "text/plain; charset=utf-8", "internal error: the page could not be rendered\n", 47);
}

void page_error(request *r, int status, const char *code, const char *message)
{
    page *p = page_new(r);
    char key[64];
    snprintf(key, sizeof key, "error.%d.title", status);
    const char *title = page_msg(r->lang, key);
    snprintf(key, sizeof key, "error.%d.text", status);
    const char *text = page_msg(r->lang, key);
    page_set_int(p, "Error.status", status);
    page_set(p, "Error.code", code);
    page_set(p, "Error.title", title ? title : resp_reason(status));
    page_set(p, "Error.text", text ? text : "");
    /* the detail in the page's language when the catalog has the code;
     * English text only on English pages; never a repeat of the text */
    snprintf(key, sizeof key, "code.%s", code);
    const char *detail = page_msg(r->lang, key);
    if (!detail && !strcmp(r->lang, "en"))
        detail = message;
    if (detail && text && strstr(text, detail))
        detail = NULL;
    page_set(p, "Error.detail", detail);
    buf out;
    if (page_render_buf(r, &p, "error.cs", &out)) {
        resp_send(r, status, "text/html; charset=utf-8", out.data, out.len);
    } else {
        /* keep the status even when the page itself cannot be drawn */
        const char *t = arena_printf(r->a, "%d %s\n%s\n", status, resp_reason(status), message);
        resp_send(r, status, "text/plain; charset=utf-8", t, strlen(t));
    }
}
