/* Many reports out: the CSV's neutralisation (util/csv.c CSV_KEEP_NUMBERS),
 * UTF-8 -> CP932 and back (util/charset.c), the fast reader of stored
 * values (export/vals.c) against json-c's (reports/values.c). */
#include "tests.h"
#include "export/report.h"
#include "export/writer.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/csv.h"
#include "util/zip.h"

#include <zip.h>

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

static bool to_buf(void *ctx, const void *p, size_t n)
{
    buf_add(ctx, p, n);
    return true;
}

START_TEST(zip_round_trip)
{
    arena *a = arena_new();
    buf out;
    buf_init(&out, a);
    export_sink sink = {to_buf, &out};
    export_zip *z = export_zip_new(&sink);
    ck_assert_ptr_nonnull(z);
    /* names made unique */
    ck_assert_str_eq(export_zip_unique(z, a, "report.pdf"), "report.pdf");
    ck_assert_str_eq(export_zip_unique(z, a, "report.pdf"), "report (2).pdf");
    ck_assert_str_eq(export_zip_unique(z, a, "report.pdf"), "report (3).pdf");
    ck_assert_str_eq(export_zip_unique(z, a, "noext"), "noext");
    ck_assert_str_eq(export_zip_unique(z, a, "noext"), "noext (2)");
    ck_assert(export_zip_add(z, "hello.txt", "hello", 5, true));
    ck_assert(export_zip_add(z, "点検 INS-0001.xml", "<conmas/>", 9, true));
    ck_assert(export_zip_add(z, "empty", "", 0, false));
    /* a stored entry of bytes that do not compress, in pieces */
    size_t nrand = 300000;
    unsigned char *rnd = arena_alloc(a, nrand);
    unsigned x = 12345;
    for (size_t i = 0; i < nrand; i++)
        rnd[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
    ck_assert(export_zip_begin(z, "random.bin", false));
    ck_assert(export_zip_write(z, rnd, 1000) && export_zip_write(z, rnd + 1000, 200000) &&
              export_zip_write(z, rnd + 201000, nrand - 201000));
    ck_assert(export_zip_end(z));
    /* a deflated one larger than the compressor's buffer, through the sink */
    buf big;
    buf_init(&big, a);
    for (int i = 0; i < 40000; i++)
        buf_printf(&big, "row %d,設備日常点検表\r\n", i);
    ck_assert(export_zip_begin(z, "big.csv", true));
    export_sink es = export_zip_sink(z);
    ck_assert(es.write(es.ctx, big.data, big.len / 2) && es.write(es.ctx, big.data + big.len / 2, big.len - big.len / 2));
    ck_assert(export_zip_end(z));
    ck_assert(!export_zip_begin(z, "", true));   /* no name: refused, and the archive fails from then on */
    ck_assert(!export_zip_finish(&z));
    ck_assert_ptr_null(z);

    /* again without the bad call: read back with libzip (util/zip.c) */
    buf_init(&out, a);
    z = export_zip_new(&sink);
    ck_assert(export_zip_add(z, "hello.txt", "hello", 5, true));
    ck_assert(export_zip_add(z, "点検 INS-0001.xml", "<conmas/>", 9, true));
    ck_assert(export_zip_add(z, "empty", "", 0, false));
    ck_assert(export_zip_add(z, "random.bin", rnd, nrand, false));
    ck_assert(export_zip_add(z, "big.csv", big.data, big.len, true));
    ck_assert(export_zip_finish(&z));
    ck_assert_uint_lt(out.len, nrand + big.len / 4);   /* the CSV was compressed */
    zip_entry *e;
    int n;
    char err[200];
    zip_limits lim = {.max_entries = 10, .max_entry = 10 << 20, .max_total = 20 << 20};
    ck_assert_msg(zip_read_entries(a, out.data, out.len, &e, &n, &lim, err, sizeof err), "%s", err);
    ck_assert_int_eq(n, 5);
    ck_assert_str_eq(e[0].name, "hello.txt");
    ck_assert(e[0].len == 5 && !memcmp(e[0].data, "hello", 5));
    ck_assert_str_eq(e[1].name, "点検 INS-0001.xml");
    ck_assert(e[1].len == 9 && !memcmp(e[1].data, "<conmas/>", 9));
    ck_assert_str_eq(e[2].name, "empty");
    ck_assert_uint_eq(e[2].len, 0);
    ck_assert(e[3].len == nrand && !memcmp(e[3].data, rnd, nrand));
    ck_assert(e[4].len == big.len && !memcmp(e[4].data, big.data, big.len));
    arena_free(&a);
}
END_TEST

static bool refuse_after(void *ctx, const void *p, size_t n)
{
    (void)p;
    size_t *left = ctx;
    if (n > *left)
        return false;
    *left -= n;
    return true;
}

START_TEST(zip_sink_refuses)
{
    size_t left = 100;
    export_sink sink = {refuse_after, &left};
    export_zip *z = export_zip_new(&sink);
    ck_assert(export_zip_add(z, "a.txt", "a", 1, false));
    ck_assert(!export_zip_add(z, "b.txt", "0123456789012345678901234567890123456789012345678901234567890123456789", 70, false));
    ck_assert(!export_zip_add(z, "c.txt", "c", 1, false));
    ck_assert(!export_zip_finish(&z));
}
END_TEST

START_TEST(zip64_many_entries)
{
    /* more entries than a plain zip counts (65,535): the ZIP64 end records */
    arena *a = arena_new();
    buf out;
    buf_init(&out, a);
    export_sink sink = {to_buf, &out};
    export_zip *z = export_zip_new(&sink);
    int count = 70000;
    for (int i = 0; i < count; i++) {
        char name[32];
        snprintf(name, sizeof name, "%d.xml", i);
        ck_assert(export_zip_add(z, export_zip_unique(z, a, name), name, strlen(name), false));
    }
    ck_assert(export_zip_finish(&z));
    /* libzip itself (util/zip.c's duplicate check is quadratic in the entries) */
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(out.data, out.len, 0, &ze);
    ck_assert_ptr_nonnull(src);
    zip_t *zr = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    ck_assert_msg(zr != NULL, "%s", zip_error_strerror(&ze));
    ck_assert_int_eq(zip_get_num_entries(zr, 0), count);
    for (int i = 0; i < count; i += 6999) {
        char name[32], got[32] = "";
        snprintf(name, sizeof name, "%d.xml", i);
        ck_assert_str_eq(zip_get_name(zr, (zip_uint64_t)i, 0), name);
        zip_file_t *f = zip_fopen_index(zr, (zip_uint64_t)i, 0);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(zip_fread(f, got, sizeof got - 1), (zip_int64_t)strlen(name));
        ck_assert_str_eq(got, name);
        zip_fclose(f);
    }
    zip_discard(zr);
    zip_error_fini(&ze);
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
    tcase_add_test(tc, zip_round_trip);
    tcase_add_test(tc, zip_sink_refuses);
    tcase_add_test(tc, zip64_many_entries);
    return tc;
}
