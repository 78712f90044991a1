/* Unit tests of Calculate formulas and TimeCalculate (forms/formula.c,
 * forms/formula_eval.c, forms/formula_def.c).  Table-driven: every row is
 * a Check test of its own, named by its line in this file. */
#include "tests.h"
#include "forms/formula.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/errs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Referenced values: the row's "s,c=v;s,c=v" first, then these. */
static const struct {
    int sheet, cluster;
    const char *v;
} defaults[] = {
    {1, 1, "2"}, {1, 2, "3"}, {1, 3, ""}, {1, 4, "0"}, {1, 5, "0.1"}, {1, 6, "0.2"},
    {1, 7, "-2.5"}, {1, 8, "abc"}, {1, 9, "10"}, {2, 0, "1.5"}, {1, 10, "2024-01-01"},
};

typedef struct lctx {
    arena *a;
    const char *vals;
    int calls;
} lctx;

static const char *lookup(void *ctx, int sheet, int cluster)
{
    lctx *l = ctx;
    l->calls++;
    char key[40];
    snprintf(key, sizeof key, "%d,%d=", sheet, cluster);
    for (const char *p = l->vals; p && *p;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (!strncmp(p, key, strlen(key)))
            return arena_strndup(l->a, p + strlen(key), len - strlen(key));
        p = end ? end + 1 : p + len;
    }
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        if (defaults[i].sheet == sheet && defaults[i].cluster == cluster)
            return defaults[i].v;
    return NULL;
}

#define SAMPLE "IF(C(1,11)+C(1,12)=0, 0, ROUND(C(1,12)/(C(1,11)+C(1,12))*100, 2))"
#define NINES "999999999999999"

static const struct {
    int line;
    const char *src, *vals;
    int dp;
    const char *want, *err;
} evals[] = {
#define E(src, dp, want) {__LINE__, src, NULL, dp, want, NULL}
#define EV(src, vals, dp, want) {__LINE__, src, vals, dp, want, NULL}
#define EE(src, dp, err) {__LINE__, src, NULL, dp, NULL, err}
    E("1+2", 0, "3"),
    E("0.1+0.2", 1, "0.3"),
    E("0.1+0.2", -1, "0.3"),
    E("0.1+0.2=0.3", 0, "1"),
    E("C(1,5)+C(1,6)", -1, "0.3"),
    E("C(1,5)+C(1,6)=0.3", 0, "1"),
    E("C(1,5)*3", -1, "0.3"),
    E("1-2", 0, "-1"),
    E("2*3", 0, "6"),
    E("7/2", 1, "3.5"),
    E("7/2", 0, "4"),
    E("-7/2", 0, "-4"),
    E("1/3", 2, "0.33"),
    E("2/3", 2, "0.67"),
    E("1/3*3", 2, "1.00"),
    E("1/3*3", -1, "1"),
    E("1/3", -1, "0.3333333333"),
    E("2", 3, "2.000"),
    E("1+2*3", 0, "7"),
    E("(1+2)*3", 0, "9"),
    E("2*3-4/2", 0, "4"),
    E("10-2-3", 0, "5"),
    E("100/10/5", 0, "2"),
    E("2*-3", 0, "-6"),
    E("-2*-3", 0, "6"),
    E("--2", 0, "2"),
    E("-(1+2)", 0, "-3"),
    E("-C(1,1)", 0, "-2"),
    E("1 - -1", 0, "2"),
    E("1--1", 0, "2"),
    E("0*-1", 0, "0"),
    E("-0", 1, "0.0"),
    E("((((1))))", 0, "1"),
    E("6\xC3\x97" "7", 0, "42"),            /* × */
    E("7\xC3\xB7" "2", 1, "3.5"),        /* ÷ */
    E("5\xE2\x88\x92" "3", 0, "2"),      /* − */
    E("\xE2\x88\x92" "5", 0, "-5"),
    E("2\xC3\x97(3\xE2\x88\x92" "1)\xC3\xB7" "4", 1, "1.0"),
    E(" 1 +\n2\t", 0, "3"),
    E("C(1,1)*C(1,2)", 0, "6"),
    E("c(1,1) + C( 1 , 2 )", 0, "5"),
    E("C(2,0)*2", 1, "3.0"),
    E("C(2,0)*2", -1, "3"),
    E("C(1,9)/C(1,2)", 4, "3.3333"),
    /* empty references */
    E("C(1,3)+1", 0, ""),
    E("C(1,3)*0", 0, ""),
    E("1-C(1,3)", 2, ""),
    E("-C(1,3)", 2, ""),
    E("C(1,3)/0", 0, ""),
    E("C(9,9)+1", 0, ""),                 /* lookup gives NULL */
    E("C(1,3)", 0, ""),
    E("SUM(C(1,1),C(1,3),C(1,2))", 0, "5"),
    E("SUM(C(1,3))", 0, ""),
    E("SUM(C(1,3),C(9,9))", 0, ""),
    E("AVERAGE(C(1,1),C(1,3),C(1,2))", 1, "2.5"),
    E("AVERAGE(C(1,3))", 1, ""),
    E("MIN(C(1,3),C(1,1))", 0, "2"),
    E("MAX(C(1,3))", 0, ""),
    E("SUM(C(1,3))+1", 0, ""),
    E("IF(C(1,3)>0,1,2)", 0, ""),
    E("IF(C(1,1)>0,C(1,3),5)", 0, ""),
    E("IF(C(1,1)<0,C(1,3),5)", 0, "5"),
    E("ROUND(C(1,3),1)", 0, ""),
    E("ABS(C(1,3))", 0, ""),
    E("C(1,3)=C(1,3)", 0, ""),
    EV("C(1,1)+C(1,2)", "1,1=;1,2=4", 0, ""),
    /* functions */
    E("SUM(1,2,3)", 0, "6"),
    E("SUM(1)", 0, "1"),
    E("SUM(0.1,0.2,-0.3)", -1, "0"),
    E("AVERAGE(1,2)", 1, "1.5"),
    E("AVERAGE(1,2)", 0, "2"),
    E("AVERAGE(1,2,2)", 2, "1.67"),
    E("AVERAGE(-1,-2)", 0, "-2"),
    E("MIN(3,-1,2)", 0, "-1"),
    E("MAX(3,-1,2)", 0, "3"),
    E("MAX(1.50,1.5)", -1, "1.5"),
    E("ABS(-3.5)", 1, "3.5"),
    E("ABS(3)", 0, "3"),
    E("ABS(-0)", 0, "0"),
    E("ROUND(2.5,0)", 0, "3"),
    E("ROUND(-2.5,0)", 0, "-3"),
    E("ROUND(C(1,7),0)", 0, "-3"),
    E("ROUND(2.45,1)", 2, "2.50"),
    E("ROUND(-2.45,1)", -1, "-2.5"),
    E("ROUND(1234,-2)", 0, "1200"),
    E("ROUND(1250,-2)", 0, "1300"),
    E("ROUND(-1250,-2)", 0, "-1300"),
    E("ROUND(1/3,4)", -1, "0.3333"),
    E("ROUND(2/3,4)", 2, "0.67"),
    E("ROUND(-0.4,0)", 0, "0"),
    E("ROUND(1,10)", -1, "1"),
    E("ROUND(1, 2.0)", 3, "1.000"),
    E("SUM(MAX(1,2),MIN(3,4))", 0, "5"),
    E("sum(1,2)", 0, "3"),
    E("Round(2.5, 0)", 0, "3"),
    E("average(2,4)", 0, "3"),
    /* IF and comparisons */
    E("IF(1>0,10,20)", 0, "10"),
    E("IF(1<0,10,20)", 0, "20"),
    E("IF(0,1,2)", 0, "2"),
    E("IF(0.0001,1,2)", 0, "1"),
    E("IF(-1,1,2)", 0, "1"),
    E("IF(C(1,4)=0,0,1/C(1,4))", 0, "0"),     /* only the branch taken is evaluated */
    E("IF(C(1,4)<>0,1/C(1,4),-1)", 0, "-1"),
    E("IF(C(1,1)<>2,1,0)", 0, "0"),
    E("IF(C(1,1)<=2,1,0)", 0, "1"),
    E("IF(C(1,1)>=2.0,1,0)", 0, "1"),
    E("IF(C(1,1)<2,1,0)", 0, "0"),
    E("IF(C(1,1)>2,1,0)", 0, "0"),
    E("IF(C(1,1)=2,1,0)", 0, "1"),
    E("IF(1=1,IF(2>1,3,4),5)", 0, "3"),
    E("1<2", 0, "1"),
    E("2=2.00", 0, "1"),
    E("1<>1", 0, "0"),
    E("1+1=2", 0, "1"),
    E("(1<2)+(2<3)", 0, "2"),
    E("-1<-0.5", 0, "1"),
    /* the sample's defect rate */
    EV(SAMPLE, "1,11=97;1,12=3", 2, "3.00"),
    EV(SAMPLE, "1,11=0;1,12=0", 2, "0.00"),
    EV(SAMPLE, "1,11=1;1,12=2", 2, "66.67"),
    EV(SAMPLE, "1,11=2;1,12=1", 2, "33.33"),
    EV(SAMPLE, "1,11=;1,12=3", 2, ""),
    /* results: rounding and size */
    E("0.005", 2, "0.01"),
    E("-0.005", 2, "-0.01"),
    E("-0.004", 2, "0.00"),
    E("1.23456789012", -1, "1.2345678901"),
    E("1.23456789015", -1, "1.2345678902"),
    E("1.5", 12, "1.5000000000"),
    E("99999999999999.9+0.1", 1, "100000000000000.0"),
    E(NINES "*0.1", 1, "99999999999999.9"),
    EE(NINES "+1", 0, "too_many_digits"),
    EE(NINES "*" NINES, 0, "too_many_digits"),
    E("99999999999999.9+0.1", 2, "100000000000000.00"),   /* padding zeros are not significant */
    E("99999999999999.9+0.2", 0, "100000000000000"),
    EE("0.5+" NINES, 0, "too_many_digits"),               /* rounds up to 16 digits */
    E(NINES "*" NINES "/" NINES, 0, NINES),
    EE(NINES "*" NINES "*" NINES "*" NINES "*" NINES "*" NINES "*" NINES "/" NINES "/" NINES, 0, "too_many_digits"),
    /* errors */
    EE("1/0", 0, "division_by_zero"),
    EE("1/C(1,4)", 0, "division_by_zero"),
    EE("1/(2-2)", 0, "division_by_zero"),
    EE("1/0.000", 0, "division_by_zero"),
    EE("C(1,3)+1/0", 0, "division_by_zero"),
    EE("SUM(1,1/0)", 0, "division_by_zero"),
    EE("IF(1/0,1,2)", 0, "division_by_zero"),
    EE("IF(1,1/0,2)", 0, "division_by_zero"),
    EE("C(1,8)+1", 0, "not_a_number"),
    EE("SUM(C(1,8))", 0, "not_a_number"),
    EE("C(1,10)+1", 0, "not_a_number"),
    {__LINE__, "C(1,1)+1", "1,1=1e3", 0, NULL, "not_a_number"},
    {__LINE__, "C(1,1)+1", "1,1= 1", 0, NULL, "not_a_number"},
#undef E
#undef EV
#undef EE
};

START_TEST(formula_eval_case)
{
    arena *a = arena_new();
    formula *f;
    char err[200];
    int line = evals[_i].line;
    ck_assert_msg(formula_parse(a, evals[_i].src, &f, err, sizeof err), "line %d: %s", line, err);
    lctx l = {a, evals[_i].vals, 0};
    const char *result = "unset";
    const char *code = formula_eval(a, f, lookup, &l, evals[_i].dp, &result);
    if (evals[_i].err) {
        ck_assert_msg(code && !strcmp(code, evals[_i].err), "line %d: %s -> %s / %s", line, evals[_i].src,
                      code ? code : "ok", result ? result : "(null)");
        ck_assert_ptr_null(result);
    } else {
        ck_assert_msg(!code, "line %d: %s -> error %s", line, evals[_i].src, code);
        ck_assert_msg(result && !strcmp(result, evals[_i].want), "line %d: %s -> '%s', want '%s'", line,
                      evals[_i].src, result, evals[_i].want);
    }
    arena_free(&a);
}
END_TEST

static const struct {
    int line;
    const char *src, *err;   /* err: expected part of the message */
} bad[] = {
#define B(src, err) {__LINE__, src, err}
    B("", "empty formula"),
    B("   \n", "empty formula"),
    B("1+", "unexpected end of formula at column 3"),
    B("(1+2", "unexpected end of formula at column 5"),
    B("(1+2 3", "expected ')' at column 6"),
    B("1+2)", "unexpected ')' at column 4"),
    B("1 2", "unexpected '2' at column 3"),
    B("1e3", "unexpected 'e' at column 2"),
    B(".5", "unexpected '.' at column 1"),
    B("5.", "malformed number at column 1"),
    B("5.x", "malformed number at column 1"),
    B("+1", "unexpected '+' at column 1"),
    B("1*+1", "unexpected '+' at column 3"),
    B("\xEF\xBC\x91+1", "unexpected '\xEF\xBC\x91' at column 1"),   /* full-width 1 */
    B("1+\xEF\xBC\x92", "unexpected '\xEF\xBC\x92' at column 3"),
    B("C(1,1)\xE3\x80\x80+1", "unexpected '\xE3\x80\x80' at column 7"),  /* ideographic space */
    B("\xff", "unexpected byte 0xFF at column 1"),
    B("1\x01", "unexpected byte 0x01 at column 2"),
    B("1 & 2", "unexpected '&' at column 3"),
    B("1==2", "unexpected '=' at column 3"),
    B("1=>2", "unexpected '>' at column 3"),
    B("1<2<3", "comparisons cannot be chained at column 4"),
    B("1=1=1", "comparisons cannot be chained"),
    B("1234567890123456", "number with more than 15 significant digits at column 1"),
    B("1+0.1234567890123456", "more than 15 significant digits at column 3"),
    B("0.0000000000000000000000000000001", "more than 30 decimal places"),
    B("FOO(1)", "unknown function FOO at column 1"),
    B("1 + abc", "unknown function abc at column 5"),
    B("NaN", "unknown function NaN"),
    B("SUM", "expected '(' after SUM"),
    B("SUM()", "SUM takes 1 to 1000 arguments"),
    B("SUM(1,)", "unexpected ')' at column 7"),
    B("SUM(1;2)", "expected ',' or ')' in SUM at column 6"),
    B("SUM(1", "unexpected end of formula"),
    B("ROUND(1)", "ROUND takes 2 arguments"),
    B("ROUND(1,2,3)", "ROUND takes 2 arguments"),
    B("ABS(1,2)", "ABS takes 1 argument at column 1"),
    B("ABS()", "ABS takes 1 argument"),
    B("IF(1,2)", "IF takes 3 arguments"),
    B("IF(1,2,3,4)", "IF takes 3 arguments"),
    B("ROUND(1,0.5)", "ROUND's places must be a whole number from -14 to 10"),
    B("ROUND(1,C(1,1))", "ROUND's places"),
    B("ROUND(1,1+1)", "ROUND's places"),
    B("ROUND(1,11)", "ROUND's places"),
    B("ROUND(1,-15)", "ROUND's places"),
    B("ROUND(1,100)", "ROUND's places"),
    B("C(1)", "expected ',' in C(sheet,cluster) at column 4"),
    B("C(1,)", "expected a cluster id in C(sheet,cluster) at column 5"),
    B("C(,1)", "expected a sheet number"),
    B("C(1,2", "expected ')' after C(sheet,cluster at column 6"),
    B("C 1,2", "expected '(' after C"),
    B("C(-1,2)", "expected a sheet number"),
    B("C(1.5,2)", "expected ',' in C(sheet,cluster)"),
    B("C(1,2.5)", "expected ')' after C"),
    B("C(1234567890,1)", "expected a sheet number"),
    B("CC(1,2)", "unknown function CC"),
    B("1+()", "unexpected ')' at column 4"),
    B("()", "unexpected ')'"),
    B("-", "unexpected end of formula"),
    B("1 -", "unexpected end of formula"),
    B("日本", "unexpected '日' at column 1"),
    B("1+日本", "unexpected '日' at column 3"),
#undef B
};

START_TEST(formula_bad_case)
{
    arena *a = arena_new();
    formula *f = (formula *)1;
    char err[200];
    ck_assert_msg(!formula_parse(a, bad[_i].src, &f, err, sizeof err), "line %d accepted", bad[_i].line);
    ck_assert_ptr_null(f);
    ck_assert_msg(strstr(err, bad[_i].err), "line %d: '%s'", bad[_i].line, err);
    /* without room for a message */
    ck_assert(!formula_parse(a, bad[_i].src, &f, NULL, 0));
    arena_free(&a);
}
END_TEST

/* Nesting: 32 levels of parentheses, calls or unary minus are fine, 33 not. */
START_TEST(formula_depth)
{
    arena *a = arena_new();
    formula *f;
    char err[200];
    static const char *const open[] = {"(", "ABS(", "-", "SUM(1,", "IF(1,", "ROUND("};
    static const char *const close[] = {")", ")", "", ")", ",0)", ",0)"};
    for (int k = 0; k < 6; k++) {
        for (int depth = 31; depth <= 34; depth++) {
            buf b;
            buf_init(&b, a);
            for (int i = 0; i < depth; i++)
                buf_adds(&b, open[k]);
            buf_adds(&b, "1");
            for (int i = 0; i < depth; i++)
                buf_adds(&b, close[k]);
            bool ok = formula_parse(a, b.data, &f, err, sizeof err);
            ck_assert_msg(ok == (depth <= FORMULA_MAX_DEPTH), "%s x %d: %s", open[k], depth, ok ? "accepted" : err);
            if (!ok)
                ck_assert_msg(strstr(err, "nested deeper than 32 levels"), "%s", err);
            else {
                const char *r;
                ck_assert_ptr_null(formula_eval(a, f, lookup, &(lctx){a, NULL, 0}, 0, &r));
                int want = k == 2 ? (depth % 2 ? -1 : 1) : k == 3 ? depth + 1 : 1;
                ck_assert_int_eq(atoi(r), want);
            }
        }
    }
    /* long flat chains are not nesting */
    buf b;
    buf_init(&b, a);
    buf_adds(&b, "0");
    for (int i = 0; i < 499; i++)
        buf_adds(&b, "+0.1");       /* 1997 bytes */
    ck_assert_uint_eq(b.len, 1997);
    ck_assert(formula_parse(a, b.data, &f, err, sizeof err));
    const char *r;
    ck_assert_ptr_null(formula_eval(a, f, lookup, &(lctx){a, NULL, 0}, 1, &r));
    ck_assert_str_eq(r, "49.9");
    buf_adds(&b, "+11");            /* 2000 bytes: still fine */
    ck_assert(formula_parse(a, b.data, &f, err, sizeof err));
    buf_adds(&b, "1");              /* 2001 */
    ck_assert(!formula_parse(a, b.data, &f, err, sizeof err));
    ck_assert_str_eq(err, "formula longer than 2000 bytes");
    /* mixed nesting counts every level */
    buf_init(&b, a);
    for (int i = 0; i < 11; i++)
        buf_adds(&b, "ABS(-(");
    buf_adds(&b, "1");
    for (int i = 0; i < 11; i++)
        buf_adds(&b, "))");
    ck_assert(!formula_parse(a, b.data, &f, err, sizeof err));
    ck_assert(strstr(err, "nested deeper"));
    ck_assert(!formula_parse(a, NULL, &f, err, sizeof err));
    ck_assert_str_eq(err, "empty formula");
    arena_free(&a);
}
END_TEST

START_TEST(formula_refs_list)
{
    arena *a = arena_new();
    formula *f;
    char err[200];
    int refs[8][2];
    ck_assert(formula_parse(a, "C(1,2)+C(1,3)*SUM(C(2,0),C(1,2))-IF(C(3,4)>0,1,C(5,6))", &f, err, sizeof err));
    ck_assert_int_eq(formula_refs(f, refs, 8), 6);
    static const int want[6][2] = {{1, 2}, {1, 3}, {2, 0}, {1, 2}, {3, 4}, {5, 6}};
    for (int i = 0; i < 6; i++)
        ck_assert(refs[i][0] == want[i][0] && refs[i][1] == want[i][1]);
    refs[2][0] = -7;
    ck_assert_int_eq(formula_refs(f, refs, 2), 6);   /* only 2 written */
    ck_assert_int_eq(refs[2][0], -7);
    ck_assert_int_eq(formula_refs(f, NULL, 0), 6);
    ck_assert(formula_parse(a, "1+2", &f, err, sizeof err));
    ck_assert_int_eq(formula_refs(f, refs, 8), 0);
    ck_assert_int_eq(formula_refs(NULL, refs, 8), 0);
    /* IF evaluates only the branch taken: the lookup sees 2 references */
    ck_assert(formula_parse(a, "IF(C(1,1)>0, C(1,2), C(1,9))", &f, err, sizeof err));
    lctx l = {a, NULL, 0};
    const char *r;
    ck_assert_ptr_null(formula_eval(a, f, lookup, &l, 0, &r));
    ck_assert_str_eq(r, "3");
    ck_assert_int_eq(l.calls, 2);
    /* no lookup at all: references are empty */
    ck_assert_ptr_null(formula_eval(a, f, NULL, NULL, 0, &r));
    ck_assert_str_eq(r, "");
    arena_free(&a);
}
END_TEST

static const struct {
    int line;
    const char *start, *end;
    int brk;
    const char *want, *err;
} tcalc[] = {
    {__LINE__, "08:00", "17:00", 60, "8:00", NULL},
    {__LINE__, "08:00", "17:30", 45, "8:45", NULL},
    {__LINE__, "08:30", "12:15", 0, "3:45", NULL},
    {__LINE__, "22:00", "06:00", 0, "8:00", NULL},
    {__LINE__, "22:00", "06:00", 30, "7:30", NULL},
    {__LINE__, "23:59", "00:00", 0, "0:01", NULL},
    {__LINE__, "00:00", "23:59", 0, "23:59", NULL},
    {__LINE__, "08:00", "08:00", 0, "0:00", NULL},
    {__LINE__, "08:00", "08:05", 0, "0:05", NULL},
    {__LINE__, "08:00", "08:30", 60, "0:00", NULL},
    {__LINE__, "08:00", "17:00", -10, "9:00", NULL},
    {__LINE__, "08:00:30", "08:01:00", 0, "0:00", NULL},
    {__LINE__, "08:00:00", "09:00:59", 0, "1:00", NULL},
    {__LINE__, "08:00:59", "09:00:00", 0, "0:59", NULL},
    {__LINE__, "08:00", "17:00:00", 0, "9:00", NULL},
    {__LINE__, "", "17:00", 0, "", NULL},
    {__LINE__, "08:00", "", 0, "", NULL},
    {__LINE__, NULL, "17:00", 0, "", NULL},
    {__LINE__, "24:00", "17:00", 0, NULL, "bad_time"},
    {__LINE__, "8:00", "17:00", 0, NULL, "bad_time"},
    {__LINE__, "08:00", "17:60", 0, NULL, "bad_time"},
    {__LINE__, "08:00", "x", 0, NULL, "bad_time"},
    {__LINE__, "08:00", "17:00:60", 0, NULL, "bad_time"},
};

START_TEST(timecalc_case)
{
    arena *a = arena_new();
    const char *r = "unset";
    const char *err = timecalc_eval(a, tcalc[_i].start, tcalc[_i].end, tcalc[_i].brk, &r);
    if (tcalc[_i].err) {
        ck_assert_msg(err && !strcmp(err, tcalc[_i].err), "line %d: %s", tcalc[_i].line, err ? err : r);
        ck_assert_ptr_null(r);
    } else {
        ck_assert_msg(!err, "line %d: %s", tcalc[_i].line, err);
        ck_assert_msg(!strcmp(r, tcalc[_i].want), "line %d: got %s", tcalc[_i].line, r);
    }
    arena_free(&a);
}
END_TEST

TCase *tcase_formula(void)
{
    TCase *tc = tcase_create("formula");
    tcase_add_loop_test(tc, formula_eval_case, 0, (int)(sizeof evals / sizeof evals[0]));
    tcase_add_loop_test(tc, formula_bad_case, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, formula_depth);
    tcase_add_test(tc, formula_refs_list);
    tcase_add_loop_test(tc, timecalc_case, 0, (int)(sizeof tcalc / sizeof tcalc[0]));
    return tc;
}
