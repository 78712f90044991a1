#include "tests.h"
#include "export/sheetview.h"
#include "util/arena.h"

#include <string.h>

/* The widest line of a fitted text, in points. */
static double widest(const sv_text *t)
{
    double w = 0;
    for (int i = 0; i < t->nlines; i++) {
        double x = sheetview_em_width(t->lines[i], strlen(t->lines[i])) * t->fs;
        w = x > w ? x : w;
    }
    return w;
}

START_TEST(em_widths)
{
    ck_assert(sheetview_em_width("", 0) == 0);
    ck_assert(sheetview_em_width("日本語", strlen("日本語")) == 3.0);
    ck_assert(sheetview_em_width("ｶﾀｶﾅ", strlen("ｶﾀｶﾅ")) == 2.0);   /* half-width katakana */
    double digits = sheetview_em_width("2024", 4), caps = sheetview_em_width("WWWW", 4), thin = sheetview_em_width("iiii", 4);
    ck_assert(thin < digits && digits < caps);
    ck_assert(sheetview_em_width("a b", 3) < sheetview_em_width("abb", 3));
    ck_assert(sheetview_em_width("\xff", 1) > 0);                     /* a stray byte still takes room */
}
END_TEST

static const struct {
    const char *text;
    double w, h, max, min;
    int lines;            /* expected line count (-1: any) */
    bool truncated, squeezed;
    const char *first;    /* expected first line, or NULL */
} fits[] = {
    {"9.5 MPa", 200, 20, 12, 4, 1, false, false, "9.5 MPa"},
    {"", 200, 20, 12, 4, 0, false, false, NULL},
    {"PRESS07", 40, 20, 12, 4, 1, false, false, "PRESS07"},                           /* smaller, one line */
    {"Belt tension checked; slight noise at start-up.", 120, 40, 12, 4, -1, false, false, NULL},
    {"ベルトの張りを確認。始動時に異音あり。", 80, 40, 12, 4, -1, false, false, NULL},   /* breaks between characters */
    {"line one\nline two\n", 300, 60, 12, 4, 2, false, false, "line one"},
    {"a\r\nb", 300, 60, 12, 4, 2, false, false, "a"},
    {"word word word word word word word word word word word word", 30, 10, 12, 4, 2, true, false, NULL},
    {"x", 1, 20, 12, 4, 1, false, true, "x"},                                          /* even a letter is wider */
    {"   leading spaces", 300, 20, 12, 4, 1, false, false, "leading spaces"},
    {"Supercalifragilisticexpialidocious", 40, 30, 12, 4, -1, false, false, NULL},    /* a long word broken */
};

START_TEST(fit_table)
{
    arena *a = arena_new();
    sv_text t;
    sheetview_fit(a, fits[_i].text, fits[_i].w, fits[_i].h, fits[_i].max, fits[_i].min, &t);
    if (fits[_i].lines >= 0)
        ck_assert_msg(t.nlines == fits[_i].lines, "case %d: %d lines", _i, t.nlines);
    else
        ck_assert_msg(t.nlines >= 2, "case %d: wrapped (%d lines)", _i, t.nlines);
    ck_assert_msg(t.truncated == fits[_i].truncated, "case %d: truncated %d", _i, t.truncated);
    ck_assert_msg(t.squeezed == fits[_i].squeezed, "case %d: squeezed %d", _i, t.squeezed);
    if (fits[_i].first)
        ck_assert_str_eq(t.lines[0], fits[_i].first);
    if (t.nlines) {
        ck_assert(t.fs <= fits[_i].max && t.fs >= fits[_i].min);
        if (!t.squeezed)   /* every line within the width */
            ck_assert_msg(widest(&t) <= fits[_i].w + 1e-9, "case %d: %.2f wide", _i, widest(&t));
        if (!t.truncated && !t.squeezed) {   /* and the block within the height */
            ck_assert_msg(t.y[0] - 0.88 * t.fs >= -1e-9, "case %d: top %.2f", _i, t.y[0] - 0.88 * t.fs);
            ck_assert_msg(t.y[t.nlines - 1] + 0.12 * t.fs <= fits[_i].h + 1e-9, "case %d: bottom", _i);
        }
        for (int k = 1; k < t.nlines; k++)
            ck_assert(t.y[k] > t.y[k - 1]);
    }
    if (t.truncated)
        ck_assert(strstr(t.lines[t.nlines - 1], "…") != NULL);
    arena_free(&a);
}
END_TEST

START_TEST(fit_prefers_large)
{
    arena *a = arena_new();
    sv_text t;
    sheetview_fit(a, "2026-11-26", 148, 21, 12, 4, &t);
    ck_assert_int_eq(t.nlines, 1);
    ck_assert(t.fs == 12);
    sheetview_fit(a, "2026-11-26", 30, 21, 12, 4, &t);   /* a narrow box: a smaller size, still one line */
    ck_assert_int_eq(t.nlines, 1);
    ck_assert(t.fs < 12 && t.fs >= 4);
    arena_free(&a);
}
END_TEST

START_TEST(stamp_geometry)
{
    sv_stamp s;
    sheetview_stamp(208.25, 631.5, 148.75, 84.2, "承認", "2026.11.26", "田中 健", &s);
    /* the ring inside the box, centred */
    ck_assert(s.cx - s.r >= 208.25 && s.cx + s.r <= 208.25 + 148.75);
    ck_assert(s.cy - s.r >= 631.5 && s.cy + s.r <= 631.5 + 84.2);
    /* the band inside the ring, the texts in their parts */
    ck_assert(s.band_y1 < s.cy && s.band_y2 > s.cy && s.band_hw < s.r);
    ck_assert(s.role_y < s.band_y1 && s.role_y - 0.88 * s.role_fs > s.cy - s.r);
    ck_assert(s.date_y > s.band_y1 && s.date_y < s.band_y2);
    ck_assert(s.name_y - 0.88 * s.name_fs > s.band_y2 && s.name_y < s.cy + s.r);
    ck_assert(!s.role_squeeze && !s.date_squeeze && !s.name_squeeze);
    ck_assert(sheetview_em_width("2026.11.26", 10) * s.date_fs <= 2 * s.band_hw);
    /* a very long name is squeezed rather than drawn past the ring */
    sheetview_stamp(0, 0, 60, 60, "APPROVED", "2026.11.26", "Maximilian Alexander von Gutenberg-Wittelsbach", &s);
    ck_assert(s.name_squeeze && s.name_w <= 2 * s.r);
}
END_TEST

Suite *suite_sheetview(void)
{
    Suite *s = suite_create("sheetview");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, em_widths);
    tcase_add_loop_test(tc, fit_table, 0, (int)(sizeof fits / sizeof fits[0]));
    tcase_add_test(tc, fit_prefers_large);
    tcase_add_test(tc, stamp_geometry);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tcase_export());
    suite_add_tcase(s, tcase_table());
    return s;
}
