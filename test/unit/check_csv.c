#include "tests.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/csv.h"

#include <stdlib.h>
#include <string.h>

/* A parsed table as "line:[f1][f2]|line:[f1]" for compact expectations. */
static const char *show(arena *a, const csv_table *t)
{
    buf b;
    buf_init(&b, a);
    for (int r = 0; r < t->nrows; r++) {
        buf_printf(&b, "%s%d:", r ? "|" : "", t->rows[r].line);
        for (int k = 0; k < t->rows[r].n; k++)
            buf_printf(&b, "[%s]", t->rows[r].f[k]);
    }
    return b.data;
}

static const struct {
    const char *in;
    size_t len;          /* 0: strlen(in) */
    const char *expect;  /* show() of the table, or NULL when refused */
    const char *err;     /* expected part of the error */
} parses[] = {
    {"a,b,c\r\n1,2,3\r\n", 0, "1:[a][b][c]|2:[1][2][3]", NULL},
    {"a,b\n1,2\n", 0, "1:[a][b]|2:[1][2]", NULL},
    {"a\rb\r", 0, "1:[a]|2:[b]", NULL},
    {"a,b\nc,d", 0, "1:[a][b]|2:[c][d]", NULL},
    {"a\r\nb\nc\rd", 0, "1:[a]|2:[b]|3:[c]|4:[d]", NULL},
    {"\"x,y\",\"say \"\"hi\"\"\"\n", 0, "1:[x,y][say \"hi\"]", NULL},
    {"\"l1\r\nl2\",z\nnext\n", 0, "1:[l1\r\nl2][z]|3:[next]", NULL},
    {"\"a\rb\",c\nd", 0, "1:[a\rb][c]|3:[d]", NULL},
    {"\"\"\"\"", 0, "1:[\"]", NULL},
    {"\xEF\xBB\xBFid,名前\r\n1,佐藤\r\n", 0, "1:[id][名前]|2:[1][佐藤]", NULL},
    {"\n\r\na\n\n\nb\r\n\r\n", 0, "3:[a]|6:[b]", NULL},
    {",a,,\n", 0, "1:[][a][][]", NULL},
    {"\"\"\n", 0, "1:[]", NULL},
    {" a , b \n", 0, "1:[ a ][ b ]", NULL},
    {"a,", 0, "1:[a][]", NULL},
    {"\"a\"", 0, "1:[a]", NULL},
    {"", 0, "", NULL},
    {"\xEF\xBB\xBF", 0, "", NULL},
    {"\r\n\n\r", 0, "", NULL},
    {"a,b\nc\"d,e\n", 0, NULL, "line 2: quote inside an unquoted field"},
    {" \"a\"", 0, NULL, "line 1: quote inside"},
    {"a\n\"abc\n\ndef", 0, NULL, "line 2: quoted field is not closed"},
    {"\"", 0, NULL, "line 1: quoted field is not closed"},
    {"\"abc\"x,1\n", 0, NULL, "line 1: text after the closing quote"},
    {"x\n\"abc\" ,1", 0, NULL, "line 2: text after"},
    {"\"a\nb\"c", 0, NULL, "line 2: text after"},
    {"a,b\nc\0d\n", 8, NULL, "line 2: NUL byte"},
    {"\"a\n\0\"", 5, NULL, "line 2: NUL byte"},
    {"\"a\"\0", 4, NULL, "line 1: NUL byte"},
    {"ok\n\xff\xfe\n", 0, NULL, "line 2: not valid UTF-8"},
    {"\x8d\xb2\x93\xa1,1\n", 0, NULL, "line 1: not valid UTF-8"},  /* 佐藤 in Shift_JIS */
    {"a\n\"x\n\xC0\xAF\"", 0, NULL, "line 2: not valid UTF-8"},     /* overlong, reported at the row */
    {"\xED\xA0\x80", 0, NULL, "line 1: not valid UTF-8"},          /* surrogate */
    {"\xE7\x8F\n", 0, NULL, "line 1: not valid UTF-8"},            /* cut by the line end */
};

START_TEST(csv_parse_table)
{
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof parses / sizeof parses[0]; i++) {
        const char *in = parses[i].in;
        size_t len = parses[i].len ? parses[i].len : strlen(in);
        csv_table t = {(csv_row *)1, 99};
        char err[200] = "";
        bool ok = csv_parse(a, in, len, &t, err, sizeof err);
        if (parses[i].expect) {
            ck_assert_msg(ok, "case %zu: %s", i, err);
            ck_assert_msg(!strcmp(show(a, &t), parses[i].expect), "case %zu: got %s", i, show(a, &t));
        } else {
            ck_assert_msg(!ok, "case %zu accepted", i);
            ck_assert_msg(strstr(err, parses[i].err), "case %zu: err '%s'", i, err);
            ck_assert_ptr_null(t.rows);
            ck_assert_int_eq(t.nrows, 0);
        }
    }
    arena_free(&a);
}
END_TEST

/* Limits: exactly at each limit is accepted, one more is refused. */
START_TEST(csv_limits)
{
    arena *a = arena_new();
    csv_table t;
    char err[200];
    buf b;

    buf_init(&b, a);
    for (int k = 0; k < CSV_MAX_FIELDS; k++)
        buf_adds(&b, k ? ",x" : "x");
    ck_assert(csv_parse(a, b.data, b.len, &t, err, sizeof err));
    ck_assert_int_eq(t.rows[0].n, CSV_MAX_FIELDS);
    buf_adds(&b, ",x");
    ck_assert(!csv_parse(a, b.data, b.len, &t, err, sizeof err));
    ck_assert_str_eq(err, "line 1: more than 200 fields in a row");

    char *big = malloc(CSV_MAX_FIELD + 8);
    memset(big, 'y', CSV_MAX_FIELD + 8);
    ck_assert(csv_parse(a, big, CSV_MAX_FIELD, &t, err, sizeof err));
    ck_assert_uint_eq(strlen(t.rows[0].f[0]), CSV_MAX_FIELD);
    ck_assert(!csv_parse(a, big, CSV_MAX_FIELD + 1, &t, err, sizeof err));
    ck_assert_str_eq(err, "line 1: field longer than 65536 bytes");
    /* quoted: the limit counts unquoted bytes ("" is one) */
    big[0] = big[1] = big[2] = big[CSV_MAX_FIELD + 2] = '"';
    ck_assert(csv_parse(a, big, CSV_MAX_FIELD + 3, &t, err, sizeof err));
    ck_assert_uint_eq(strlen(t.rows[0].f[0]), CSV_MAX_FIELD);
    ck_assert_int_eq(t.rows[0].f[0][0], '"');
    big[CSV_MAX_FIELD + 2] = 'y';
    big[CSV_MAX_FIELD + 3] = '"';
    ck_assert(!csv_parse(a, big, CSV_MAX_FIELD + 4, &t, err, sizeof err));
    ck_assert_str_eq(err, "line 1: field longer than 65536 bytes");
    free(big);

    buf_init(&b, a);
    for (int r = 0; r < CSV_MAX_ROWS; r++)
        buf_add(&b, "1,2\n\n", r % 2 ? 5 : 4);  /* empty lines do not count */
    ck_assert(csv_parse(a, b.data, b.len, &t, err, sizeof err));
    ck_assert_int_eq(t.nrows, CSV_MAX_ROWS);
    ck_assert_int_eq(t.rows[CSV_MAX_ROWS - 1].line, CSV_MAX_ROWS + CSV_MAX_ROWS / 2 - 1);
    buf_adds(&b, "3,4");
    ck_assert(!csv_parse(a, b.data, b.len, &t, err, sizeof err));
    ck_assert_str_eq(err, "line 150001: more than 100000 rows");
    arena_free(&a);
}
END_TEST

static const struct {
    const char *f[4];
    int n;
    const char *out;
} writes[] = {
    {{"a", "b", "c"}, 3, "a,b,c\r\n"},
    {{"x,y"}, 1, "\"x,y\"\r\n"},
    {{"say \"hi\""}, 1, "\"say \"\"hi\"\"\"\r\n"},
    {{"l1\nl2", "a\rb"}, 2, "\"l1\nl2\",\"a\rb\"\r\n"},
    {{" lead", "trail ", "mid dle"}, 3, "\" lead\",\"trail \",mid dle\r\n"},
    {{"a;b"}, 1, "\"a;b\"\r\n"},
    {{NULL, "", "佐藤"}, 3, ",,佐藤\r\n"},
    {{0}, 0, "\r\n"},
    /* formula injection */
    {{"=1+2"}, 1, "'=1+2\r\n"},
    {{"+81", "-5", "@SUM(A1)"}, 3, "'+81,'-5,'@SUM(A1)\r\n"},
    {{"\tx"}, 1, "'\tx\r\n"},
    {{"\r=cmd"}, 1, "\"'\r=cmd\"\r\n"},
    {{"=1+2\";=1+2"}, 1, "\"'=1+2\"\";=1+2\"\r\n"},  /* OWASP's example */
    {{"=HYPERLINK(\"http://x\",\"y\")"}, 1, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n"},
    {{"a=b", "x-y", "1+1"}, 3, "a=b,x-y,1+1\r\n"},
};

START_TEST(csv_write_table)
{
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        buf b;
        buf_init(&b, a);
        csv_write_row(&b, writes[i].f, writes[i].n);
        ck_assert_msg(!strcmp(b.data, writes[i].out), "case %zu: got %s", i, b.data);
    }
    arena_free(&a);
}
END_TEST

START_TEST(csv_roundtrip)
{
    arena *a = arena_new();
    const char *row1[] = {"id", "名前", "note"};
    const char *row2[] = {"1", "佐藤, 太郎", "line 1\r\nline \"2\"\n"};
    const char *row3[] = {"", " x ", "a;b"};
    buf b;
    buf_init(&b, a);
    csv_write_bom(&b);
    ck_assert_mem_eq(b.data, "\xEF\xBB\xBF", 3);
    csv_write_row(&b, row1, 3);
    csv_write_row(&b, row2, 3);
    csv_write_row(&b, row3, 3);
    csv_table t;
    char err[200];
    ck_assert_msg(csv_parse(a, b.data, b.len, &t, err, sizeof err), "%s", err);
    ck_assert_int_eq(t.nrows, 3);
    const char *const *rows[] = {row1, row2, row3};
    for (int r = 0; r < 3; r++) {
        ck_assert_int_eq(t.rows[r].n, 3);
        for (int k = 0; k < 3; k++)
            ck_assert_str_eq(t.rows[r].f[k], rows[r][k]);
    }
    ck_assert_int_eq(t.rows[2].line, 5);  /* row 2 spans lines 2-4 */
    arena_free(&a);
}
END_TEST

Suite *suite_csv(void)
{
    Suite *s = suite_create("csv");
    TCase *t = tcase_create("csv");
    tcase_add_test(t, csv_parse_table);
    tcase_add_test(t, csv_limits);
    tcase_add_test(t, csv_write_table);
    tcase_add_test(t, csv_roundtrip);
    suite_add_tcase(s, t);
    suite_add_tcase(s, tcase_charset());
    suite_add_tcase(s, tcase_multipart());
    return s;
}
