#include "tests.h"
#include "http/page.h"
#include "http/request.h"
#include "util/str.h"
#include "http/response.h"
#include "http/router.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *path;
    int status;
    int nseg;
    const char *last;
} paths[] = {
    {"/", 0, 0, NULL},
    {"/healthz", 0, 1, "healthz"},
    {"/acme/manager/", 0, 2, "manager"},
    {"/acme/api/v1/status", 0, 4, "status"},
    {"/a%20b", 0, 1, "a b"},
    {"/%E7%8F%BE%E5%A0%B4", 0, 1, "現場"},
    {"/acme/../b", 400, 0, NULL},
    {"/acme/%2e%2e/b", 400, 0, NULL},
    {"/./x", 400, 0, NULL},
    {"/acme/x%00y", 400, 0, NULL},
    {"/acme/x%2Fy", 400, 0, NULL},
    {"/acme/x%5Cy", 400, 0, NULL},
    {"/acme/x%0ay", 400, 0, NULL},
    {"/acme/x%7f", 400, 0, NULL},
    {"/acme/%zz", 400, 0, NULL},
    {"/acme/%4", 400, 0, NULL},
    {"/acme/%", 400, 0, NULL},
    {"/acme//x", 400, 0, NULL},
    {"/%C0%AF", 400, 0, NULL},          /* overlong '/' */
    {"/%ED%A0%80", 400, 0, NULL},       /* surrogate */
    {"/%FF", 400, 0, NULL},
    {"/%E7%8F", 400, 0, NULL},          /* truncated sequence */
    {"relative", 400, 0, NULL},
    {"/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", 404, 0, NULL},
};

START_TEST(split_paths)
{
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *seg[REQ_MAX_SEGS];
        int n = -1;
        int st = req_split_path(a, paths[i].path, seg, &n);
        ck_assert_msg(st == paths[i].status, "%s: got %d", paths[i].path, st);
        if (st == 0) {
            ck_assert_int_eq(n, paths[i].nseg);
            if (paths[i].last)
                ck_assert_str_eq(seg[n - 1], paths[i].last);
        }
    }
    /* a path over the length limit */
    char longp[REQ_MAX_PATH + 10];
    longp[0] = '/';
    memset(longp + 1, 'a', sizeof longp - 2);
    longp[sizeof longp - 1] = '\0';
    const char *seg[REQ_MAX_SEGS];
    int n;
    ck_assert_int_eq(req_split_path(a, longp, seg, &n), 400);
    arena_free(&a);
}
END_TEST

START_TEST(utf8)
{
    ck_assert(str_utf8_valid("abc", 3));
    ck_assert(str_utf8_valid("日本語", strlen("日本語")));
    ck_assert(str_utf8_valid("\xf0\x9f\x98\x80", 4));
    ck_assert(!str_utf8_valid("\xf0\x9f\x98", 3));
    ck_assert(!str_utf8_valid("\xc0\x80", 2));
    ck_assert(!str_utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    ck_assert(!str_utf8_valid("\x80", 1));
}
END_TEST

START_TEST(languages)
{
    ck_assert_str_eq(page_pick_lang(NULL), "en");
    ck_assert_str_eq(page_pick_lang(""), "en");
    ck_assert_str_eq(page_pick_lang("ja"), "ja");
    ck_assert_str_eq(page_pick_lang("ja-JP,ja;q=0.9,en;q=0.8"), "ja");
    ck_assert_str_eq(page_pick_lang("en-US,en;q=0.9,ja;q=0.8"), "en");
    ck_assert_str_eq(page_pick_lang("fr,ja;q=0.5"), "ja");
    ck_assert_str_eq(page_pick_lang("de,fr"), "en");
    ck_assert_str_eq(page_pick_lang("jam"), "en");
}
END_TEST

static void route_req(request *r, arena *a, const char *method, const char *path)
{
    memset(r, 0, sizeof *r);
    r->a = a;
    r->method = method;
    ck_assert_int_eq(req_split_path(a, path, r->seg, &r->nseg), 0);
}

START_TEST(routing)
{
    arena *a = arena_new();
    request r;
    const char *allow;
    route_req(&r, a, "GET", "/healthz");
    ck_assert_int_eq(router_match(&r, &allow), 0);
    ck_assert_str_eq(r.route->pattern, "/healthz");
    ck_assert_ptr_null(r.tenant_code);

    route_req(&r, a, "HEAD", "/healthz");
    ck_assert_int_eq(router_match(&r, &allow), 0);

    route_req(&r, a, "POST", "/healthz");
    ck_assert_int_eq(router_match(&r, &allow), 405);
    ck_assert_str_eq(allow, "GET, HEAD");

    route_req(&r, a, "GET", "/acme/api/v1/status");
    ck_assert_int_eq(router_match(&r, &allow), 0);
    ck_assert_str_eq(r.tenant_code, "acme");
    ck_assert_int_eq(r.kind, KIND_API);

    route_req(&r, a, "GET", "/acme/manager/");
    ck_assert_int_eq(router_match(&r, &allow), 0);
    ck_assert_int_eq(r.kind, KIND_CONSOLE);

    route_req(&r, a, "GET", "/acme/api/v1/status/extra");
    ck_assert_int_eq(router_match(&r, &allow), 404);
    route_req(&r, a, "GET", "/nothing");
    ck_assert_int_eq(router_match(&r, &allow), 404);
    arena_free(&a);
}
END_TEST

START_TEST(route_table_sane)
{
    /* every pattern is absolute, and no two routes share method + pattern */
    for (int i = 0; i < nroutes; i++) {
        ck_assert(routes[i].pattern[0] == '/');
        ck_assert_ptr_nonnull(routes[i].handler);
        for (int j = i + 1; j < nroutes; j++)
            ck_assert_msg(strcmp(routes[i].pattern, routes[j].pattern) || strcmp(routes[i].method, routes[j].method),
                          "duplicate route %s %s", routes[i].method, routes[i].pattern);
    }
    ck_assert_ptr_nonnull(strstr(resp_csp(KIND_CONSOLE), "frame-ancestors 'none'"));
    ck_assert_ptr_null(strstr(resp_csp(KIND_CONSOLE), "unsafe-inline"));
    ck_assert_str_eq(resp_reason(413), "Content Too Large");
}
END_TEST


/* Pages borrow the thread's HDF and reuse parsed templates: nothing one
 * page set may show on the next, in either language, and a second page
 * alive at once (an error page drawn while a page is open) works too. */
static const char *render_error(request *r, const char *lang, const char *id, const char *code, const char *detail)
{
    r->lang = lang;
    snprintf(r->id, sizeof r->id, "%s", id);
    page *p = page_new(r);
    ck_assert_ptr_nonnull(p);
    page_set(p, "Error.status", "418");
    page_set(p, "Error.title", code);
    page_set(p, "Error.text", "text");
    if (detail)
        page_set(p, "Error.detail", detail);
    buf out;
    ck_assert(page_render_buf(r, &p, "error.cs", &out));
    ck_assert_ptr_null(p);
    buf_addc(&out, '\0');
    return out.data;
}

START_TEST(pages_reuse)
{
    char err[256];
    ck_assert_msg(page_thread_init(TEMPLATES_DIR, err, sizeof err), "%s", err);
    arena *a = arena_new();
    request r;
    memset(&r, 0, sizeof r);
    r.a = a;
    const char *first = render_error(&r, "en", "req-one", "first-title", "secret-of-tenant-a");
    ck_assert_ptr_nonnull(strstr(first, "secret-of-tenant-a"));
    ck_assert_ptr_nonnull(strstr(first, "req-one"));
    for (int i = 0; i < 3; i++) {   /* again and again: the cached parse, the cleaned HDF */
        const char *next = render_error(&r, "en", "req-two", "second-title", NULL);
        ck_assert_ptr_null(strstr(next, "secret-of-tenant-a"));
        ck_assert_ptr_null(strstr(next, "req-one"));
        ck_assert_ptr_null(strstr(next, "first-title"));
        ck_assert_ptr_nonnull(strstr(next, "second-title"));
        ck_assert_ptr_nonnull(strstr(next, "req-two"));
    }
    /* Japanese: its own catalog (the request-id label differs) */
    const char *ja = render_error(&r, "ja", "req-ja", "ja-title", NULL);
    const char *en = render_error(&r, "en", "req-en", "en-title", NULL);
    ck_assert_ptr_nonnull(page_msg("ja", "error.request_id"));
    ck_assert_ptr_nonnull(strstr(ja, page_msg("ja", "error.request_id")));
    ck_assert_ptr_nonnull(strstr(en, page_msg("en", "error.request_id")));
    ck_assert_str_ne(page_msg("ja", "error.request_id"), page_msg("en", "error.request_id"));
    /* two pages at once: the second gets its own HDF, both render */
    r.lang = "en";
    page *outer = page_new(&r);
    page_set(outer, "Error.title", "outer-title");
    page_set(outer, "Error.status", "400");
    const char *inner = render_error(&r, "en", "req-inner", "inner-title", NULL);
    ck_assert_ptr_null(strstr(inner, "outer-title"));
    buf out;
    ck_assert(page_render_buf(&r, &outer, "error.cs", &out));
    buf_addc(&out, '\0');
    ck_assert_ptr_nonnull(strstr(out.data, "outer-title"));
    ck_assert_ptr_null(strstr(out.data, "inner-title"));
    const char *after = render_error(&r, "en", "req-after", "after-title", NULL);
    ck_assert_ptr_null(strstr(after, "outer-title"));
    ck_assert_ptr_null(strstr(after, "inner-title"));
    /* a template that does not exist: false, and the next page still works */
    page *bad = page_new(&r);
    ck_assert(!page_render_buf(&r, &bad, "no-such-template.cs", &out));
    ck_assert_ptr_nonnull(strstr(render_error(&r, "en", "req-last", "last-title", NULL), "last-title"));
    arena_free(&a);
    page_thread_end();
}
END_TEST

Suite *suite_http(void)
{
    Suite *s = suite_create("http");
    TCase *t = tcase_create("http");
    tcase_add_test(t, split_paths);
    tcase_add_test(t, utf8);
    tcase_add_test(t, languages);
    tcase_add_test(t, routing);
    tcase_add_test(t, route_table_sane);
    tcase_add_test(t, pages_reuse);
    suite_add_tcase(s, t);
    return s;
}
