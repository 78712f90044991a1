/* Many reports out: the CSV's neutralisation (util/csv.c CSV_KEEP_NUMBERS),
 * UTF-8 -> CP932 and back (util/charset.c), the fast reader of stored
 * values (export/vals.c) against json-c's (reports/values.c). */
#include "tests.h"
#include "export/report.h"
#include "export/writer.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/csv.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *in, *keep, *plain;   /* the field, written with CSV_KEEP_NUMBERS, and without */
} cells[] = {
    {"=1+2", "'=1+2", "'=1+2"},
    {"+81-3", "'+81-3", "'+81-3"},
    {"@SUM(A1)", "'@SUM(A1)", "'@SUM(A1)"},
    {"\tx", "'\tx", "'\tx"},
    {"\rx", "\"'\rx\"", "\"'\rx\""},
    {"-5", "-5", "'-5"},
    {"-0.25", "-0.25", "'-0.25"},
    {"-12345678901234567890", "-12345678901234567890", "'-12345678901234567890"},
    {"-2+3", "'-2+3", "'-2+3"},
    {"-1e5", "'-1e5", "'-1e5"},
    {"-.5", "'-.5", "'-.5"},
    {"-5.", "'-5.", "'-5."},
    {"-", "'-", "'-"},
    {"-A1", "'-A1", "'-A1"},
    {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
    {"12.5", "12.5", "12.5"},
    {"a=b", "a=b", "a=b"},
    {"", "", ""},
};

START_TEST(csv_neutralise)
{
    arena *a = arena_new();
    for (int keep = 0; keep < 2; keep++) {
        buf b;
        buf_init(&b, a);
        const char *f[] = {cells[_i].in};
        csv_write_row_ex(&b, f, 1, keep ? CSV_KEEP_NUMBERS : 0);
        char *want = arena_printf(a, "%s\r\n", keep ? cells[_i].keep : cells[_i].plain);
        ck_assert_msg(!strcmp(b.data, want), "%s (keep %d): got [%s], want [%s]", cells[_i].in, keep, b.data, want);
    }
    arena_free(&a);
}
END_TEST

START_TEST(sjis_round_trip)
{
    arena *a = arena_new();
    /* what CP932 has comes back as it was */
    const char *same = "点検 ①髙﨑 ㈱ ｶﾀｶﾅ ～ －，ABC abc 123 \"q\"\r\n";
    buf b;
    buf_init(&b, a);
    size_t rep = 0;
    ck_assert(charset_utf8_to_sjis(&b, same, strlen(same), &rep));
    ck_assert_uint_eq(rep, 0);
    ck_assert(!memcmp(b.data, "\x93\x5f\x8c\x9f", 4));   /* 点検 */
    size_t n;
    char *back = charset_sjis_to_utf8(a, b.data, b.len, &n);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(back, same);
    /* look-alikes for what Unicode text writes differently; '?' for the rest */
    const char *other = "〜−‖—¢£¬ 😀 é\xff!";
    buf_init(&b, a);
    rep = 0;
    ck_assert(charset_utf8_to_sjis(&b, other, strlen(other), &rep));
    back = charset_sjis_to_utf8(a, b.data, b.len, &n);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(back, "～－∥―￠￡￢ ? \?\?!");
    ck_assert_uint_eq(rep, 3);
    /* larger than the converter's chunk */
    buf big;
    buf_init(&big, a);
    for (int i = 0; i < 5000; i++)
        buf_adds(&big, "設備日常点検表,");
    buf_init(&b, a);
    ck_assert(charset_utf8_to_sjis(&b, big.data, big.len, NULL));
    ck_assert_uint_eq(b.len, 5000 * 15);
    back = charset_sjis_to_utf8(a, b.data, b.len, &n);
    ck_assert_str_eq(back, big.data);
    arena_free(&a);
}
END_TEST

static const char *const stored[] = {
    "{}",
    "",
    "{\"1/1\":{\"v\":\"2026-12-04\",\"at\":\"2026-12-05T00:30:00Z\",\"by\":\"sato\"},\"1/2\":{\"v\":\"08:30\",\"at\":\"2026-12-05T00:30:00Z\",\"by\":\"sato\"}}",
    /* MariaDB's JSON_OBJECTAGG: spaces, keys out of order, null members, gps JSON, out of normal */
    "{\"2/10\": {\"v\": \"x\", \"at\": null, \"by\": \"a\", \"g\": null, \"o\": null}, \"1/3\": {\"v\": \"7.2\", \"o\": 1, "
    "\"g\": {\"lat\": 35.6, \"lon\": 139.7, \"alt\": null}}, \"1/20\": {\"v\": \"\"}}",
    /* escapes: quotes, backslash, control characters, \\u (BMP, a pair, a lone surrogate) */
    "{\"1/1\":{\"v\":\"a\\\"b\\\\c\\n\\t\\u00e9\\u70b9\\ud83d\\ude00\\ud800x\\/\"}}",
    /* members rvals_parse ignores, values that are not strings, keys that are not sheet/cluster */
    "{\"x\":{\"v\":\"1\"},\"1/x\":{\"v\":\"2\"},\"1/5\":3,\"1/6\":{\"v\":12.5,\"zz\":[1,{\"a\":[]}],\"o\":true},"
    "\"1/7\":{\"v\":true},\"1/8\":{\"v\":null}}",
    /* a key twice: the last one wins */
    "{\"1/1\":{\"v\":\"first\"},\"1/1\":{\"v\":\"second\"}}",
};

START_TEST(vals_fast_parse)
{
    arena *a = arena_new();
    rvals x, y;
    ck_assert_msg(rvals_parse(a, stored[_i], &x), "json-c: %s", stored[_i]);
    ck_assert_msg(export_vals_parse(a, stored[_i], strlen(stored[_i]), &y), "fast: %s", stored[_i]);
    ck_assert_int_eq(x.n, y.n);
    for (int i = 0; i < x.n; i++) {
        const rvalue *p = &x.v[i], *q = &y.v[i];
        ck_assert_int_eq(p->sheet, q->sheet);
        ck_assert_int_eq(p->cluster, q->cluster);
        ck_assert_str_eq(p->value, q->value);
        ck_assert_int_eq(p->oon, q->oon);
        ck_assert(!p->at == !q->at && (!p->at || !strcmp(p->at, q->at)));
        ck_assert(!p->by == !q->by && (!p->by || !strcmp(p->by, q->by)));
        ck_assert(!p->gps == !q->gps);
    }
    /* and the text rvals_text writes reads back the same */
    const char *t = rvals_text(a, &x);
    ck_assert(export_vals_parse(a, t, strlen(t), &y));
    ck_assert_str_eq(rvals_text(a, &y), t);
    arena_free(&a);
}
END_TEST

START_TEST(vals_fast_refuses)
{
    static const char *const bad[] = {"[]", "{", "{\"1/1\":{\"v\":\"x\"}", "{\"1/1\":{\"v\":\"x}}", "{\"1/1\" {}}",
                                      "{\"1/1\":{\"v\":\"x\"}} x", "{\"1/1\":{\"v\":\"\\u12\"}}", "nonsense"};
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rvals r;
        ck_assert_msg(!export_vals_parse(a, bad[i], strlen(bad[i]), &r), "%s", bad[i]);
    }
    arena_free(&a);
}
END_TEST

START_TEST(xml_escaping)
{
    static const struct {
        const char *in, *out;
    } t[] = {
        {"a<b>&c\"d'e", "a&lt;b&gt;&amp;c&quot;d'e"},
        {"line\r\nnext\ttab", "line&#13;\nnext\ttab"},
        {"ctl\x01\x08\x0b\x0c\x1f\x7f.", "ctl\x7f."},              /* C0 controls out; DEL is allowed in XML 1.0 */
        {"点検 ①😀", "点検 ①😀"},
        {"bad\xff\xfe\xc3(\xe2\x82 end", "bad( end"},         /* not UTF-8: left out */
        {"over\xc0\xaf\xe0\x80\xaf.", "over."},                /* overlong forms */
        {"sur\xed\xa0\x80.", "sur."},                          /* a surrogate */
        {"nc\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd.", "nc\xef\xbf\xbd."},   /* U+FFFE, U+FFFF out; U+FFFD kept */
        {"", ""},
    };
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        buf b;
        buf_init(&b, a);
        buf_add(&b, "", 0);
        export_xml_text(&b, t[i].in);
        ck_assert_msg(!strcmp(b.data, t[i].out), "case %zu: got [%s]", i, b.data);
    }
    ck_assert_int_eq(export_edit_status("editing", true), 0);
    ck_assert_int_eq(export_edit_status("editing", false), 1);
    ck_assert_int_eq(export_edit_status("applying", false), 2);
    ck_assert_int_eq(export_edit_status("rejected", false), 3);
    ck_assert_int_eq(export_edit_status("approved", false), 4);
    ck_assert_int_eq(export_edit_status("completed", false), 4);
    arena_free(&a);
}
END_TEST

TCase *tcase_table(void)
{
    TCase *tc = tcase_create("table");
    tcase_add_loop_test(tc, csv_neutralise, 0, (int)(sizeof cells / sizeof cells[0]));
    tcase_add_test(tc, sjis_round_trip);
    tcase_add_loop_test(tc, vals_fast_parse, 0, (int)(sizeof stored / sizeof stored[0]));
    tcase_add_test(tc, vals_fast_refuses);
    tcase_add_test(tc, xml_escaping);
    return tc;
}
