/* formula_ast.h - the parsed form of a formula, shared by the parser
 * (formula.c) and the evaluator (formula_eval.c); not for other callers.
 * A tree lives in the arena it was parsed into and is read-only. */
#ifndef GENBA_FORMULA_AST_H
#define GENBA_FORMULA_AST_H

#include "forms/decimal.h"
#include "forms/formula.h"

typedef enum nkind { N_NUM, N_REF, N_NEG, N_SUM, N_PRODUCT, N_CMP, N_FN } nkind;
typedef enum fnid { F_SUM, F_AVERAGE, F_MIN, F_MAX, F_ROUND, F_ABS, F_IF } fnid;
enum { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

struct formula {
    nkind kind;
    int fn;                 /* N_FN: fnid */
    int op;                 /* N_CMP: C_* */
    int sheet, cluster;     /* N_REF */
    int places;             /* F_ROUND */
    decimal num;            /* N_NUM */
    const char *ops;        /* N_SUM, N_PRODUCT: ops[i] ('+' '-' '*' '/') joins args[i] and args[i + 1] */
    formula **args;
    int nargs;
};

#endif
