/* One report as a file: page ranges, file names and their
 * Content-Disposition, and the layout the console and the PDF share. */
#include "tests.h"
#include "export/layout.h"
#include "export/writer.h"
#include "http/response.h"
#include "util/arena.h"
#include "util/tz.h"

#include <string.h>

static const struct {
    const char *in;
    bool ok;
    int first, last;
} ranges[] = {
    {"3", true, 3, 3},      {"1-3", true, 1, 3},   {"2-", true, 2, 0},     {"-4", true, 0, 4},
    {"00002", true, 2, 2},  {"99999", true, 99999, 99999},                 {"", false, 0, 0},
    {"0", false, 0, 0},     {"0-2", false, 0, 0},  {"3-1", false, 0, 0},   {"-", false, 0, 0},
    {"1--2", false, 0, 0},  {"1-2-3", false, 0, 0}, {"100000", false, 0, 0}, {" 1", false, 0, 0},
    {"1,2", false, 0, 0},   {"a", false, 0, 0},    {"1-b", false, 0, 0},   {"-0", false, 0, 0},
};

START_TEST(page_ranges)
{
    int first = -7, last = -7;
    bool ok = export_pdf_pages_parse(ranges[_i].in, &first, &last);
    ck_assert_msg(ok == ranges[_i].ok, "%s", ranges[_i].in);
    if (ok)
        ck_assert_msg(first == ranges[_i].first && last == ranges[_i].last, "%s: %d-%d", ranges[_i].in, first, last);
    ck_assert(!export_pdf_pages_parse(NULL, &first, &last));
}
END_TEST

/* Lists of ranges (the ConMas API's pageNo): "1,3,5-7". */
START_TEST(page_range_lists)
{
    arena *a = arena_new();
    export_pdf_range *r;
    int n;
    ck_assert(export_pdf_pages_parse_list(a, "1,3,5-7", &r, &n));
    ck_assert_int_eq(n, 3);
    ck_assert(r[0].first == 1 && r[0].last == 1 && r[1].first == 3 && r[1].last == 3 && r[2].first == 5 && r[2].last == 7);
    ck_assert(export_pdf_pages_parse_list(a, " 2- , -1 ", &r, &n));
    ck_assert(n == 2 && r[0].first == 2 && r[0].last == 0 && r[1].first == 1 && r[1].last == 1);
    ck_assert(export_pdf_pages_parse_list(a, "4", &r, &n) && n == 1 && r[0].first == 4);
    static const char *const bad[] = {"", ",", "1,", ",1", "1,,2", "1;2", "3-1,1", "1,x", "0", "1, 2 3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!export_pdf_pages_parse_list(a, bad[i], &r, &n), "%s", bad[i]);
    ck_assert(!export_pdf_pages_parse_list(a, NULL, &r, &n));
    char many[400] = "1";
    for (int i = 0; i < EXPORT_PDF_MAX_RANGES; i++)
        strcat(many, ",1");
    ck_assert(!export_pdf_pages_parse_list(a, many, &r, &n));
    arena_free(&a);
}
END_TEST

START_TEST(file_names)
{
    arena *a = arena_new();
    export_report r = {.id = "9f1c2d3e-0000-4000-8000-000000000001", .name = "点検 Daily", .number = "INS-0001"};
    ck_assert_str_eq(export_file_name(a, &r, "pdf"), "INS-0001 点検 Daily.pdf");
    r.name = "点検 INS-0001";   /* the name holds the number: not twice */
    ck_assert_str_eq(export_file_name(a, &r, "pdf"), "点検 INS-0001.pdf");
    r.number = "";
    r.name = "a/b\\c:d*e?f\"g<h>i|j\tk. ";
    ck_assert_str_eq(export_file_name(a, &r, "xlsx"), "a_b_c_d_e_f_g_h_i_j_k.xlsx");
    r.name = "";
    ck_assert_str_eq(export_file_name(a, &r, "pdf"), "9f1c2d3e-0000-4000-8000-000000000001.pdf");
    /* a long name is cut at a character, not inside one */
    char longname[400] = "";
    for (int i = 0; i < 100; i++)
        strcat(longname, "検");
    r.name = longname;
    const char *f = export_file_name(a, &r, "pdf");
    ck_assert_uint_eq(strlen(f), 50 * 3 + 4);
    arena_free(&a);
}
END_TEST

START_TEST(dispositions)
{
    arena *a = arena_new();
    ck_assert_str_eq(resp_disposition(a, "report-1.pdf"), "attachment; filename=\"report-1.pdf\"");
    ck_assert_str_eq(resp_disposition(a, "点検 A.pdf"),
                     "attachment; filename=\"__ A.pdf\"; filename*=UTF-8''%E7%82%B9%E6%A4%9C%20A.pdf");
    ck_assert_str_eq(resp_disposition(a, "a\"b\\c;d.pdf"),
                     "attachment; filename=\"a_b_c;d.pdf\"; filename*=UTF-8''a%22b%5Cc%3Bd.pdf");
    ck_assert_str_eq(resp_disposition(a, "日本語.xlsx"),
                     "attachment; filename=\"download.xlsx\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.xlsx");
    /* no CR or LF can reach the header */
    ck_assert_ptr_null(strpbrk(resp_disposition(a, "x\r\ny.pdf"), "\r\n"));
    arena_free(&a);
}
END_TEST

START_TEST(shared_layout)
{
    arena *a = arena_new();
    layout_env e = {.a = a, .zone = tz_find("Asia/Tokyo"), .lang = "en"};
    def_sheet sh = {.no = 1, .name = "S", .width = 595, .height = 842};
    def_cluster *num = test_cluster(a, CT_NUMERIC, "unit=MPa;decimalPlaces=1", NULL);
    num->fleft = 0.5, num->fright = 0.9, num->ftop = 0.1, num->fbottom = 0.13;
    num->name = "pressure";
    ck_assert_str_eq(layout_display(&e, num, "7.2"), "7.2 MPa");
    layout_cluster l;
    layout_cluster_place(&e, &sh, num, "7.2", false, &l);
    ck_assert_int_eq(l.kind, LAY_TEXT);
    ck_assert(l.cap && l.anchor == LAY_END && l.t.nlines == 1);
    ck_assert_str_eq(l.t.lines[0], "7.2 MPa");
    ck_assert(l.tx <= l.x + l.w && l.t.y[0] > l.y && l.t.y[0] < l.y + l.h);
    /* on a background image: no caption, the same text */
    sh.background = "form.png";
    layout_cluster_place(&e, &sh, num, "7.2", false, &l);
    ck_assert(!l.cap && l.kind == LAY_TEXT);
    sh.background = NULL;
    def_cluster *mc = test_cluster(a, CT_MULTIPLE_CHOICE, NULL, "noise,leak");
    mc->items[0].label = "異音 Noise";
    mc->items[1].label = "";   /* no label: the value */
    ck_assert_str_eq(layout_display(&e, mc, "noise\tleak"), "異音 Noise, leak");
    def_cluster *chk = test_cluster(a, CT_CHECK, NULL, NULL);
    chk->fright = chk->fbottom = 0.1;
    chk->name = "ok";
    layout_cluster_place(&e, &sh, chk, "1", false, &l);
    ck_assert_int_eq(l.kind, LAY_CHECK);
    layout_cluster_place(&e, &sh, chk, "", false, &l);
    ck_assert_int_eq(l.kind, LAY_NONE);
    /* a sign-off: the stamp's date is the tenant's day; none yet: the ring */
    def_cluster *ap = test_cluster(a, CT_APPROVE, NULL, NULL);
    ap->fright = ap->fbottom = 0.2;
    ap->name = "approval";
    layout_cluster_place(&e, &sh, ap, "{\"user\":\"sato\",\"name\":\"佐藤\",\"at\":\"2026-12-04T16:00:00Z\"}", false, &l);
    ck_assert_int_eq(l.kind, LAY_STAMP);
    ck_assert_str_eq(l.date, "2026.12.05");
    ck_assert_str_eq(l.role, "APPROVED");
    ck_assert_str_eq(l.signer, "佐藤");
    layout_cluster_place(&e, &sh, ap, NULL, false, &l);
    ck_assert_int_eq(l.kind, LAY_SLOT);
    /* an image only when one is stored */
    def_cluster *img = test_cluster(a, CT_IMAGE, NULL, NULL);
    img->fright = img->fbottom = 0.3;
    img->name = "photo";
    layout_cluster_place(&e, &sh, img, NULL, false, &l);
    ck_assert_int_eq(l.kind, LAY_NONE);
    layout_cluster_place(&e, &sh, img, NULL, true, &l);
    ck_assert_int_eq(l.kind, LAY_IMAGE);
    arena_free(&a);
}
END_TEST

TCase *tcase_export(void)
{
    TCase *tc = tcase_create("export");
    tcase_add_loop_test(tc, page_ranges, 0, (int)(sizeof ranges / sizeof ranges[0]));
    tcase_add_test(tc, page_range_lists);
    tcase_add_test(tc, file_names);
    tcase_add_test(tc, dispositions);
    tcase_add_test(tc, shared_layout);
    return tc;
}
