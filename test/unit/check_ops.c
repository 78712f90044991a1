/* Operations: maintenance window rules (ops/window.c) and the mail
 * builders (ops/mail.c): RFC 2047 subjects, base64 bodies, dot-stuffing. */
#include "tests.h"
#include "util/cdate.h"
#include "ops/mail.h"
#include "ops/window.h"
#include "util/arena.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static time_t T(const char *s)
{
    time_t t = 0;
    if (!rfc3339_parse(s, &t))
        ck_abort_msg("bad test time %s", s);
    return t;
}

#define JST (9 * 3600)

START_TEST(window_rules)
{
    time_t now = T("2026-11-26T07:00:00Z");
    window_detail d;
    static const struct {
        const char *from, *to;
        window_problem want;
    } alone[] = {
        {"2026-12-05T14:00:00Z", "2026-12-05T21:00:00Z", WIN_OK},         /* 23:00-06:00 JST, 7 h */
        {"2026-12-05T14:00:00Z", "2026-12-05T21:00:01Z", WIN_TOO_LONG},
        {"2026-12-05T14:00:00Z", "2026-12-05T14:00:00Z", WIN_ORDER},
        {"2026-12-05T14:00:00Z", "2026-12-05T13:00:00Z", WIN_ORDER},
        {"2026-11-26T07:00:00Z", "2026-11-26T08:00:00Z", WIN_PAST},
        {"2026-11-20T14:00:00Z", "2026-11-20T15:00:00Z", WIN_PAST},
        {"2026-11-26T07:00:01Z", "2026-11-26T08:00:00Z", WIN_OK},
    };
    for (size_t i = 0; i < sizeof alone / sizeof alone[0]; i++)
        ck_assert_msg(window_check(T(alone[i].from), T(alone[i].to), now, NULL, 0, JST, &d) == alone[i].want,
                      "%s..%s", alone[i].from, alone[i].to);

    /* 4 h already in December (JST): 3 more fit, 3 h 1 s do not */
    maint_window others[] = {{7, T("2026-12-01T14:00:00Z"), T("2026-12-01T18:00:00Z")}};
    ck_assert_int_eq(window_check(T("2026-12-10T14:00:00Z"), T("2026-12-10T17:00:00Z"), now, others, 1, JST, &d),
                     WIN_OK);
    ck_assert_int_eq(window_check(T("2026-12-10T14:00:00Z"), T("2026-12-10T17:00:01Z"), now, others, 1, JST, &d),
                     WIN_MONTH_BUDGET);
    ck_assert_int_eq(d.y, 2026);
    ck_assert_int_eq(d.m, 12);
    ck_assert_int_eq(d.used, 4 * 3600);
    /* overlapping */
    ck_assert_int_eq(window_check(T("2026-12-01T17:00:00Z"), T("2026-12-01T19:00:00Z"), now, others, 1, JST, &d),
                     WIN_OVERLAP);
    ck_assert_int_eq(d.other_id, 7);
    /* touching is not overlapping */
    ck_assert_int_eq(window_check(T("2026-12-01T18:00:00Z"), T("2026-12-01T19:00:00Z"), now, others, 1, JST, &d),
                     WIN_OK);
    /* November 30 23:00 JST to December 1 06:00 JST: 1 h in November, 6 h in
     * December; with 4 h already in December that is 10 h: refused for December */
    ck_assert_int_eq(window_check(T("2026-11-30T14:00:00Z"), T("2026-11-30T21:00:00Z"), now, others, 1, JST, &d),
                     WIN_MONTH_BUDGET);
    ck_assert_int_eq(d.m, 12);
    /* ... while in UTC the whole window is in November */
    ck_assert_int_eq(window_check(T("2026-11-30T14:00:00Z"), T("2026-11-30T21:00:00Z"), now, others, 1, 0, &d), WIN_OK);
    ck_assert_int_eq(window_seconds_in_month(T("2026-11-30T14:00:00Z"), T("2026-11-30T21:00:00Z"), 2026, 11, JST), 3600);
    ck_assert_int_eq(window_seconds_in_month(T("2026-11-30T14:00:00Z"), T("2026-11-30T21:00:00Z"), 2026, 12, JST),
                     6 * 3600);
    /* December to January across the year */
    ck_assert_int_eq(window_seconds_in_month(T("2026-12-31T14:00:00Z"), T("2026-12-31T18:00:00Z"), 2027, 1, JST),
                     3 * 3600);
    /* a month's budget: two windows of 3.5 h fill it */
    maint_window two[] = {{1, T("2027-02-01T14:00:00Z"), T("2027-02-01T17:30:00Z")},
                          {2, T("2027-02-08T14:00:00Z"), T("2027-02-08T17:30:00Z")}};
    ck_assert_int_eq(window_check(T("2027-02-15T14:00:00Z"), T("2027-02-15T14:01:00Z"), now, two, 2, JST, &d),
                     WIN_MONTH_BUDGET);
    ck_assert_int_eq(window_check(T("2027-03-01T14:00:00Z"), T("2027-03-01T21:00:00Z"), now, two, 2, JST, &d), WIN_OK);
}
END_TEST

static char *unb64(arena *a, const char *s, size_t *n)
{
    size_t len = strlen(s);
    unsigned char *out = arena_alloc(a, len + 1);
    int k = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
    ck_assert_int_ge(k, 0);
    size_t pad = len >= 2 && s[len - 1] == '=' ? (s[len - 2] == '=' ? 2 : 1) : 0;
    *n = (size_t)k - pad;
    out[*n] = '\0';
    return (char *)out;
}

START_TEST(mail_subject_encoding)
{
    arena *a = arena_new();
    ck_assert_str_eq(mail_header_text(a, "Scheduled maintenance"), "Scheduled maintenance");
    /* Japanese: encoded words of at most 75 characters, decoding to the text, never splitting a character */
    const char *ja = "メンテナンスのお知らせ / Scheduled maintenance: 2026-12-05 23:00 – 2026-12-06 06:00 JST";
    char *h = mail_header_text(a, ja);
    char joined[1024] = "";
    char *save = NULL;
    for (char *w = strtok_r(h, "\r\n ", &save); w; w = strtok_r(NULL, "\r\n ", &save)) {
        ck_assert_uint_le(strlen(w), 75);
        ck_assert(!strncmp(w, "=?UTF-8?B?", 10));
        ck_assert(!strcmp(w + strlen(w) - 2, "?="));
        w[strlen(w) - 2] = '\0';
        size_t n;
        char *dec = unb64(a, w + 10, &n);
        ck_assert((dec[0] & 0xc0) != 0x80);   /* each word starts on a character */
        strncat(joined, dec, sizeof joined - strlen(joined) - 1);
    }
    ck_assert_str_eq(joined, ja);
    /* control characters never pass through as such */
    char *inj = mail_header_text(a, "hello\r\nBcc: x@y.example");
    ck_assert_ptr_null(strstr(inj, "Bcc:"));
    ck_assert(!strncmp(inj, "=?UTF-8?B?", 10));
    arena_free(&a);
}
END_TEST

START_TEST(mail_message_and_stuffing)
{
    arena *a = arena_new();
    const char *body = "一行目\n.dot line\n\n最後";
    char *m = mail_message(a, "ops@genba.example", "a@b.example", "件名", body, 1795676487, "x1@genba.example");
    ck_assert_ptr_nonnull(strstr(m, "Date: Thu, 26 Nov 2026 07:01:27 +0000\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "From: ops@genba.example\r\nTo: a@b.example\r\nSubject: =?UTF-8?B?"));
    ck_assert_ptr_nonnull(strstr(m, "Message-ID: <x1@genba.example>\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"));
    char *sep = strstr(m, "\r\n\r\n");
    ck_assert_ptr_nonnull(sep);
    /* the body: base64 lines of at most 76, decoding to the text with CRLF */
    char b64[4096] = "";
    for (char *line = sep + 4, *e; *line; line = e + 2) {
        e = strstr(line, "\r\n");
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_le((size_t)(e - line), 76);
        strncat(b64, line, (size_t)(e - line));
    }
    size_t n;
    ck_assert_str_eq(unb64(a, b64, &n), "一行目\r\n.dot line\r\n\r\n最後");
    /* dot-stuffing and the end of DATA */
    ck_assert_str_eq(mail_dot_stuff(a, "a\r\n.b\r\n..c\r\n"), "a\r\n..b\r\n...c\r\n.\r\n");
    ck_assert_str_eq(mail_dot_stuff(a, ".x\nlast"), "..x\r\nlast\r\n.\r\n");
    ck_assert_str_eq(mail_dot_stuff(a, ""), ".\r\n");
    /* addresses */
    ck_assert(mail_addr_ok("ops@acme.example"));
    ck_assert(mail_addr_ok("a.b+c@x.co.jp"));
    ck_assert(!mail_addr_ok("ops@acme"));
    ck_assert(!mail_addr_ok("<ops@acme.example>"));
    ck_assert(!mail_addr_ok("ops@acme.example\r\nRCPT TO:<x@y.z>"));
    ck_assert(!mail_addr_ok("a b@c.example"));
    ck_assert(!mail_addr_ok("a@b@c.example"));
    ck_assert(!mail_addr_ok("@c.example"));
    ck_assert(!mail_addr_ok(NULL));
    char d[64];
    mail_date(0, d, sizeof d);
    ck_assert_str_eq(d, "Thu, 01 Jan 1970 00:00:00 +0000");
    arena_free(&a);
}
END_TEST

START_TEST(mail_unreachable)
{
    /* a port nothing listens on: a clear error, quickly */
    mail_cfg mc = {.host = "127.0.0.1", .port = 1, .from = "ops@genba.example", .timeout = 2};
    char err[512];
    mail_session *s = mail_open(&mc, err, sizeof err);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err, "127.0.0.1:1"));
    ck_assert_ptr_nonnull(strstr(err, "cannot connect"));
    mail_cfg none = {.host = "", .from = "ops@genba.example"};
    ck_assert_ptr_null(mail_open(&none, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "smtp_host"));
    mail_cfg badfrom = {.host = "127.0.0.1", .port = 1, .from = "nobody"};
    ck_assert_ptr_null(mail_open(&badfrom, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "smtp_from"));
    mail_close(&s);
}
END_TEST

Suite *suite_ops(void)
{
    Suite *s = suite_create("ops");
    TCase *t = tcase_create("ops");
    tcase_add_test(t, window_rules);
    tcase_add_test(t, mail_subject_encoding);
    tcase_add_test(t, mail_message_and_stuffing);
    tcase_add_test(t, mail_unreachable);
    suite_add_tcase(s, t);
    suite_add_tcase(s, tcase_contract());
    return s;
}
