/* Unit tests of the definition-level checks of Calculate and TimeCalculate
 * clusters (forms/formula_def.c).  Table-driven: every row is a Check test
 * of its own, named by its line in this file. */
#include "tests.h"
#include "forms/formula.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/errs.h"

#include <stdio.h>
#include <string.h>

#define SAMPLE "IF(C(1,11)+C(1,12)=0, 0, ROUND(C(1,12)/(C(1,11)+C(1,12))*100, 2))"
#define CALC CT_CALCULATE
#define TC CT_TIME_CALCULATE
typedef struct tcl {
    int sheet, id;
    cluster_type t;
    const char *params;
} tcl;

static const struct {
    int line;
    tcl cl[8];           /* ends at sheet 0 */
    const char *want;    /* "field:code:arg@line|..." */
} defs[] = {
    {__LINE__, {{1, 11, CT_NUMERIC, ""}, {1, 12, CT_NUMERIC, ""}, {1, 13, CALC, "formula=" SAMPLE ";decimalPlaces=2"}}, ""},
    {__LINE__, {{1, 0, CALC, "formula=1+"}}, "sheet 1 cluster 0:formula_syntax:unexpected end of formula at column 3@100"},
    {__LINE__, {{1, 0, CT_NUMERIC, ""}, {1, 4, CALC, "decimalPlaces=1"}}, "sheet 1 cluster 4:formula_syntax:no formula@101"},
    {__LINE__, {{1, 0, CALC, "formula=C(1,99)+C(3,0)+C(1,99)"}},
     "sheet 1 cluster 0:formula_unknown_ref:C(1,99)@100|sheet 1 cluster 0:formula_unknown_ref:C(3,0)@100"},
    {__LINE__, {{1, 0, CT_KEYBOARD_TEXT, ""}, {1, 1, CT_DATE, ""}, {1, 2, CT_NUMERIC_SELECT, ""},
                {1, 3, CALC, "formula=C(1,0)+C(1,1)+C(1,2)+C(1,0)"}},
     "sheet 1 cluster 3:formula_non_numeric_ref:C(1,0)@103|sheet 1 cluster 3:formula_non_numeric_ref:C(1,1)@103"},
    {__LINE__, {{1, 0, CT_TIME, ""}, {1, 1, CT_CHECK, ""}, {1, 2, CT_SELECT, ""}, {1, 3, CT_TIME_CALCULATE, ""},
                {1, 4, CALC, "formula=SUM(C(1,0),C(1,1),C(1,2),C(1,3))"}},
     "sheet 1 cluster 3:timecalc_bad_ref:start@103|sheet 1 cluster 3:timecalc_bad_ref:end@103"
     "|sheet 1 cluster 4:formula_non_numeric_ref:C(1,0)@104|sheet 1 cluster 4:formula_non_numeric_ref:C(1,1)@104"
     "|sheet 1 cluster 4:formula_non_numeric_ref:C(1,2)@104|sheet 1 cluster 4:formula_non_numeric_ref:C(1,3)@104"},
    {__LINE__, {{1, 0, CALC, "formula=C(1,1)+1"}, {1, 1, CALC, "formula=C(1,0)*2"}},
     "sheet 1 cluster 0:formula_cycle:C(1,1)@100|sheet 1 cluster 1:formula_cycle:C(1,0)@101"},
    {__LINE__, {{1, 5, CALC, "formula=C(1,5)+1"}}, "sheet 1 cluster 5:formula_cycle:C(1,5)@100"},
    {__LINE__, {{1, 0, CT_NUMERIC, ""}, {1, 1, CALC, "formula=C(1,0)"}, {1, 2, CALC, "formula=C(1,1)*2"},
                {1, 3, CALC, "formula=C(1,4)"}, {1, 4, CALC, "formula=C(1,3)"}, {1, 5, CALC, "formula=C(1,3)+C(1,2)"}},
     "sheet 1 cluster 3:formula_cycle:C(1,4)@103|sheet 1 cluster 4:formula_cycle:C(1,3)@104"},
    {__LINE__, {{1, 0, CALC, "formula=C(1,1)"}, {1, 1, CALC, "formula=C(1,2)"}, {1, 2, CALC, "formula=C(1,3)"},
                {1, 3, CALC, "formula=C(1,0)+C(1,4)"}, {1, 4, CT_NUMERIC, ""}},
     "sheet 1 cluster 0:formula_cycle:C(1,1)@100|sheet 1 cluster 1:formula_cycle:C(1,2)@101"
     "|sheet 1 cluster 2:formula_cycle:C(1,3)@102|sheet 1 cluster 3:formula_cycle:C(1,0)@103"},
    {__LINE__, {{1, 0, CALC, "formula=C(2,0)"}, {2, 0, CALC, "formula=C(1,0)"}},
     "sheet 1 cluster 0:formula_cycle:C(2,0)@100|sheet 2 cluster 0:formula_cycle:C(1,0)@101"},
    {__LINE__, {{1, 0, CALC, "formula=IF(1,C(1,1),C(1,0))"}, {1, 1, CT_NUMERIC, ""}},
     "sheet 1 cluster 0:formula_cycle:C(1,0)@100"},
    {__LINE__, {{1, 0, CALC, "formula=("}, {1, 1, CALC, "formula=C(1,0)"}},
     "sheet 1 cluster 0:formula_syntax:unexpected end of formula at column 2@100"},
    {__LINE__, {{1, 0, CT_TIME, ""}, {1, 1, CT_TIME, ""}, {1, 2, TC, "start=0;end=1;breakMinutes=60"},
                {1, 3, TC, "start=C(1,0);end=C(1,1)"}, {2, 0, TC, "start=C(1,0);end=C(1,1)"}}, ""},
    {__LINE__, {{1, 0, CT_TIME, ""}, {1, 1, CT_KEYBOARD_TEXT, ""}, {1, 2, TC, "end=1"}},
     "sheet 1 cluster 2:timecalc_bad_ref:start@102|sheet 1 cluster 2:timecalc_bad_ref:end@102"},
    {__LINE__, {{1, 0, CT_TIME, ""}, {1, 3, TC, "start=C(2,9);end=C(1,0)x"}, {1, 4, TC, "start=abc;end=-1"},
                {2, 0, TC, "start=0;end=C(1,0)"}, {1, 5, TC, "start=00;end="}},
     "sheet 1 cluster 3:timecalc_bad_ref:start@101|sheet 1 cluster 3:timecalc_bad_ref:end@101"
     "|sheet 1 cluster 4:timecalc_bad_ref:start@102|sheet 1 cluster 4:timecalc_bad_ref:end@102"
     "|sheet 1 cluster 5:timecalc_bad_ref:end@104"
     "|sheet 2 cluster 0:timecalc_bad_ref:start@103"},
    {__LINE__, {{1, 0, CT_NUMERIC, ""}, {1, 1, CT_TIME, ""}, {1, 2, CALC, "formula=C(1,1)"},
                {1, 3, TC, "start=1;end=1"}}, "sheet 1 cluster 2:formula_non_numeric_ref:C(1,1)@102"},
};

static definition *mkdef(arena *a, const tcl *cl)
{
    definition *d = arena_calloc(a, 1, sizeof *d);
    d->nsheets = 2;
    d->sheets = arena_calloc(a, 2, sizeof *d->sheets);
    for (int s = 0; s < 2; s++) {
        d->sheets[s].no = s + 1;
        d->sheets[s].clusters = arena_calloc(a, 8, sizeof(def_cluster));
    }
    for (int i = 0; i < 8 && cl[i].sheet; i++) {
        def_sheet *sh = &d->sheets[cl[i].sheet - 1];
        def_cluster *c = test_cluster(a, cl[i].t, cl[i].params, NULL);
        c->sheet_no = cl[i].sheet;
        c->id = cl[i].id;
        c->line = 100 + i;
        sh->clusters[sh->nclusters++] = *c;
    }
    return d;
}

START_TEST(formula_definition_case)
{
    arena *a = arena_new();
    definition *d = mkdef(a, defs[_i].cl);
    errs e;
    errs_init(&e, a);
    e.line = 7;
    formula_check_definition(a, d, &e);
    ck_assert_int_eq(e.line, 7);
    buf b;
    buf_init(&b, a);
    for (int i = 0; i < e.n; i++)
        buf_printf(&b, "%s%s:%s:%s@%d", i ? "|" : "", e.e[i].field, e.e[i].code, e.e[i].arg ? e.e[i].arg : "",
                   e.e[i].line);
    ck_assert_msg(!strcmp(b.data, defs[_i].want), "line %d:\n got  %s\n want %s", defs[_i].line, b.data,
                  defs[_i].want);
    arena_free(&a);
}
END_TEST

/* A long chain of Calculate clusters (no cycle), and the same closed. */
START_TEST(formula_definition_chain)
{
    arena *a = arena_new();
    enum { N = 600 };
    definition d = {0};
    def_sheet sh = {.no = 1, .nclusters = N};
    sh.clusters = arena_calloc(a, N, sizeof(def_cluster));
    for (int i = 0; i < N; i++) {
        char p[64];
        snprintf(p, sizeof p, "formula=C(1,%d)+1", i + 1);
        sh.clusters[i] = *test_cluster(a, i == N - 1 ? CT_NUMERIC : CALC, i == N - 1 ? NULL : p, NULL);
        sh.clusters[i].id = i;
    }
    d.sheets = &sh;
    d.nsheets = 1;
    errs e;
    errs_init(&e, a);
    formula_check_definition(a, &d, &e);
    ck_assert_int_eq(e.n, 0);
    sh.clusters[N - 1] = *test_cluster(a, CALC, "formula=C(1,0)", NULL);
    sh.clusters[N - 1].id = N - 1;
    formula_check_definition(a, &d, &e);
    ck_assert_int_eq(e.n, N);
    ck_assert_str_eq(e.e[0].code, "formula_cycle");
    arena_free(&a);
}
END_TEST

TCase *tcase_formula_definition(void)
{
    TCase *tc = tcase_create("formula_definition");
    tcase_add_loop_test(tc, formula_definition_case, 0, (int)(sizeof defs / sizeof defs[0]));
    tcase_add_test(tc, formula_definition_chain);
    return tc;
}
