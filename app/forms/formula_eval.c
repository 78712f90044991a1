/* formula_eval.c - evaluating a parsed Calculate formula with exact
 * decimals (see formula.h for the rules on empty values and rounding). */
#include "forms/formula_ast.h"

#include <stddef.h>

typedef struct fval {
    bool empty;
    decimal v;
} fval;

typedef struct evx {
    const char *(*lookup)(void *ctx, int sheet, int cluster);
    void *ctx;
} evx;

static const char *status_code(dec_status s)
{
    switch (s) {
    case DEC_OK:
        return NULL;
    case DEC_DIV_ZERO:
        return "division_by_zero";
    case DEC_OVERFLOW:
        return "too_many_digits";
    default:
        return "not_a_number";
    }
}

static const char *ev(const formula *f, const evx *x, fval *out);

/* Apply op ('+' '-' '*' '/', or 'm' min, 'M' max) to acc and v. */
static const char *apply(char op, decimal *acc, const decimal *v)
{
    switch (op) {
    case '+':
        return status_code(dec_add(acc, v, acc));
    case '-':
        return status_code(dec_sub(acc, v, acc));
    case '*':
        return status_code(dec_mul(acc, v, acc));
    case '/':
        return status_code(dec_div(acc, v, FORMULA_DIV_SCALE, acc));
    case 'm':
        if (dec_cmp(v, acc) < 0)
            *acc = *v;
        return NULL;
    default:
        if (dec_cmp(v, acc) > 0)
            *acc = *v;
        return NULL;
    }
}

static const char *ev_aggregate(const formula *f, const evx *x, fval *out)
{
    static const char ops[] = {[F_SUM] = '+', [F_AVERAGE] = '+', [F_MIN] = 'm', [F_MAX] = 'M'};
    long long count = 0;
    out->empty = true;
    for (int i = 0; i < f->nargs; i++) {
        fval v;
        const char *err = ev(f->args[i], x, &v);
        if (err)
            return err;
        if (v.empty)
            continue;
        if (count++ == 0)
            out->v = v.v;
        else if ((err = apply(ops[f->fn], &out->v, &v.v)) != NULL)
            return err;
    }
    out->empty = count == 0;
    if (f->fn == F_AVERAGE && count > 0) {
        decimal n;
        dec_from_int(&n, count);
        return apply('/', &out->v, &n);
    }
    return NULL;
}

static const char *ev_fn(const formula *f, const evx *x, fval *out)
{
    const char *err;
    switch (f->fn) {
    case F_ROUND:
        if ((err = ev(f->args[0], x, out)) != NULL || out->empty)
            return err;
        return status_code(dec_round(&out->v, f->places, &out->v));
    case F_ABS:
        if ((err = ev(f->args[0], x, out)) == NULL)
            dec_abs(&out->v);
        return err;
    case F_IF:
        if ((err = ev(f->args[0], x, out)) != NULL || out->empty)
            return err;
        return ev(f->args[dec_is_zero(&out->v) ? 2 : 1], x, out);
    default:
        return ev_aggregate(f, x, out);
    }
}

static const char *ev(const formula *f, const evx *x, fval *out)
{
    const char *err;
    out->empty = false;
    switch (f->kind) {
    case N_NUM:
        out->v = f->num;
        return NULL;
    case N_REF: {
        const char *v = x->lookup ? x->lookup(x->ctx, f->sheet, f->cluster) : NULL;
        dec_zero(&out->v);
        if (!v || !*v) {
            out->empty = true;
            return NULL;
        }
        return dec_parse(v, &out->v) == DEC_OK ? NULL : "not_a_number";
    }
    case N_NEG:
        if ((err = ev(f->args[0], x, out)) == NULL)
            dec_neg(&out->v);
        return err;
    case N_SUM:
    case N_PRODUCT:
        if ((err = ev(f->args[0], x, out)) != NULL)
            return err;
        for (int i = 1; i < f->nargs; i++) {
            fval v;
            if ((err = ev(f->args[i], x, &v)) != NULL)
                return err;
            if (out->empty || v.empty)
                out->empty = true;
            else if ((err = apply(f->ops[i - 1], &out->v, &v.v)) != NULL)
                return err;
        }
        return NULL;
    case N_CMP: {
        fval r;
        if ((err = ev(f->args[0], x, out)) != NULL || (err = ev(f->args[1], x, &r)) != NULL)
            return err;
        if (out->empty || r.empty) {
            out->empty = true;
            return NULL;
        }
        int c = dec_cmp(&out->v, &r.v);
        bool t = f->op == C_EQ   ? c == 0
                 : f->op == C_NE ? c != 0
                 : f->op == C_LT ? c < 0
                 : f->op == C_LE ? c <= 0
                 : f->op == C_GT ? c > 0
                                 : c >= 0;
        dec_from_int(&out->v, t);
        return NULL;
    }
    default:
        return ev_fn(f, x, out);
    }
}

const char *formula_eval(arena *a, const formula *f, const char *(*lookup)(void *ctx, int sheet, int cluster),
                         void *ctx, int decimal_places, const char **result)
{
    evx x = {lookup, ctx};
    fval r;
    *result = NULL;
    const char *err = ev(f, &x, &r);
    if (err)
        return err;
    if (r.empty) {
        *result = "";
        return NULL;
    }
    if (decimal_places > 10)
        decimal_places = 10;
    if ((err = status_code(dec_round(&r.v, decimal_places < 0 ? 10 : decimal_places, &r.v))) != NULL)
        return err;
    if (decimal_places < 0)
        dec_trim(&r.v);
    if (dec_significant(&r.v) > DEC_SIGNIFICANT)
        return "too_many_digits";
    *result = dec_str(a, &r.v);
    return NULL;
}
