/* formula.c - parsing Calculate formulas and listing their references (see
 * formula.h for the grammar; formula_eval.c evaluates the tree). */
#include "forms/formula.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "forms/formula_ast.h"

static const struct {
    const char *name;
    fnid id;
    int min, max;           /* arguments */
} functions[] = {
    {"SUM", F_SUM, 1, 1000}, {"AVERAGE", F_AVERAGE, 1, 1000}, {"MIN", F_MIN, 1, 1000},
    {"MAX", F_MAX, 1, 1000}, {"ROUND", F_ROUND, 2, 2}, {"ABS", F_ABS, 1, 1}, {"IF", F_IF, 3, 3},
};

/* ---- parsing ---- */

typedef struct parser {
    arena *a;
    const char *src, *p;
    int depth;
    bool failed;
    char *err;
    size_t errlen;
} parser;

/* A growable list of nodes (and operators) while a chain or call is read. */
typedef struct nodes {
    formula **v;
    char *ops;
    int n, cap;
} nodes;

static void nodes_add(arena *a, nodes *l, formula *f, char op)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 4;
        formula **v = arena_alloc(a, (size_t)cap * sizeof *v);
        char *ops = arena_alloc(a, (size_t)cap);
        if (l->n) {
            memcpy(v, l->v, (size_t)l->n * sizeof *v);
            memcpy(ops, l->ops, (size_t)l->n);
        }
        l->v = v;
        l->ops = ops;
        l->cap = cap;
    }
    l->ops[l->n] = op;
    l->v[l->n++] = f;
}

static int column(const parser *ps, const char *at)
{
    int col = 1;
    for (const char *q = ps->src; q < at; q++)
        if (((unsigned char)*q & 0xc0) != 0x80)
            col++;
    return col;
}

static formula *fail(parser *ps, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static formula *fail(parser *ps, const char *at, const char *fmt, ...)
{
    if (ps->failed)
        return NULL;
    ps->failed = true;
    if (ps->errlen) {
        char msg[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (at)
            snprintf(ps->err, ps->errlen, "%s at column %d", msg, column(ps, at));
        else
            snprintf(ps->err, ps->errlen, "%s", msg);
    }
    return NULL;
}

/* "unexpected X at column N" for whatever is at ps->p. */
static formula *unexpected(parser *ps)
{
    const unsigned char *p = (const unsigned char *)ps->p;
    if (!*p)
        return fail(ps, ps->p, "unexpected end of formula");
    if (*p >= 0x21 && *p < 0x7f)
        return fail(ps, ps->p, "unexpected '%c'", *p);
    int len = *p >= 0xf0 && *p <= 0xf4 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
    for (int k = 1; k < len; k++)
        if ((p[k] & 0xc0) != 0x80)
            len = 0;
    if (*p < 0x80 || !len)
        return fail(ps, ps->p, "unexpected byte 0x%02X", *p);
    return fail(ps, ps->p, "unexpected '%.*s'", len, ps->p);
}

static void skip_ws(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')
        ps->p++;
}

/* Consume tok after white space. */
static bool accept(parser *ps, const char *tok)
{
    skip_ws(ps);
    size_t n = strlen(tok);
    if (strncmp(ps->p, tok, n))
        return false;
    ps->p += n;
    return true;
}

static bool enter(parser *ps)
{
    if (++ps->depth > FORMULA_MAX_DEPTH) {
        fail(ps, ps->p, "nested deeper than %d levels", FORMULA_MAX_DEPTH);
        return false;
    }
    return true;
}

static formula *node(parser *ps, nkind k)
{
    formula *f = arena_calloc(ps->a, 1, sizeof *f);
    f->kind = k;
    return f;
}

static formula *parse_expr(parser *ps);

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static formula *parse_number(parser *ps)
{
    const char *s = ps->p;
    while (is_digit(*ps->p))
        ps->p++;
    if (*ps->p == '.') {
        ps->p++;
        if (!is_digit(*ps->p))
            return fail(ps, s, "malformed number");
        while (is_digit(*ps->p))
            ps->p++;
    }
    formula *f = node(ps, N_NUM);
    switch (dec_parse(arena_strndup(ps->a, s, (size_t)(ps->p - s)), &f->num)) {
    case DEC_OK:
        return f;
    case DEC_TOO_MANY_DIGITS:
        return fail(ps, s, "number with more than %d significant digits", DEC_SIGNIFICANT);
    case DEC_TOO_MANY_PLACES:
        return fail(ps, s, "number with more than %d decimal places", DEC_MAX_SCALE);
    default:
        return fail(ps, s, "malformed number");
    }
}

/* A non-negative integer of up to 9 digits after white space, or -1. */
static int parse_int(parser *ps)
{
    skip_ws(ps);
    int v = 0, n = 0;
    while (is_digit(*ps->p) && n < 9) {
        v = v * 10 + (*ps->p++ - '0');
        n++;
    }
    return n && !is_digit(*ps->p) ? v : -1;
}

static formula *parse_ref(parser *ps)
{
    formula *f = node(ps, N_REF);
    if (!accept(ps, "("))
        return fail(ps, ps->p, "expected '(' after C");
    if ((f->sheet = parse_int(ps)) < 0)
        return fail(ps, ps->p, "expected a sheet number in C(sheet,cluster)");
    if (!accept(ps, ","))
        return fail(ps, ps->p, "expected ',' in C(sheet,cluster)");
    if ((f->cluster = parse_int(ps)) < 0)
        return fail(ps, ps->p, "expected a cluster id in C(sheet,cluster)");
    if (!accept(ps, ")"))
        return fail(ps, ps->p, "expected ')' after C(sheet,cluster");
    return f;
}

/* ROUND's places: an integer literal from -14 to 10. */
static bool round_places(const formula *arg, int *places)
{
    if (arg->kind != N_NUM)
        return false;
    decimal d = arg->num;
    dec_trim(&d);
    if (d.scale != 0 || d.n > 2)
        return false;
    int v = (d.n > 0 ? d.d[0] : 0) + (d.n > 1 ? 10 * d.d[1] : 0);
    v = d.neg ? -v : v;
    if (v < -14 || v > 10)
        return false;
    *places = v;
    return true;
}

static formula *parse_call(parser *ps, const char *name_at, size_t name_len)
{
    char name[16] = "";
    for (size_t i = 0; i < name_len && i < sizeof name - 1; i++)
        name[i] = (char)(name_at[i] >= 'a' ? name_at[i] - 'a' + 'A' : name_at[i]);
    if (!strcmp(name, "C"))
        return parse_ref(ps);
    int k = -1;
    for (size_t i = 0; i < sizeof functions / sizeof functions[0] && name_len < sizeof name; i++)
        if (!strcmp(functions[i].name, name))
            k = (int)i;
    if (k < 0)
        return fail(ps, name_at, "unknown function %.*s", (int)(name_len > 40 ? 40 : name_len), name_at);
    if (!accept(ps, "("))
        return fail(ps, ps->p, "expected '(' after %s", name);
    if (!enter(ps))
        return NULL;
    nodes args = {0};
    if (!accept(ps, ")")) {
        do {
            formula *arg = parse_expr(ps);
            if (!arg)
                return NULL;
            nodes_add(ps->a, &args, arg, 0);
        } while (accept(ps, ","));
        if (!accept(ps, ")"))
            return *ps->p ? fail(ps, ps->p, "expected ',' or ')' in %s", name) : unexpected(ps);
    }
    ps->depth--;
    if (args.n < functions[k].min || args.n > functions[k].max) {
        if (functions[k].min == functions[k].max)
            return fail(ps, name_at, "%s takes %d argument%s", name, functions[k].min, functions[k].min > 1 ? "s" : "");
        return fail(ps, name_at, "%s takes 1 to %d arguments", name, functions[k].max);
    }
    formula *f = node(ps, N_FN);
    f->fn = functions[k].id;
    f->args = args.v;
    f->nargs = args.n;
    if (f->fn == F_ROUND && !round_places(f->args[1], &f->places))
        return fail(ps, name_at, "ROUND's places must be a whole number from -14 to 10");
    return f;
}

static formula *parse_primary(parser *ps)
{
    skip_ws(ps);
    if (is_digit(*ps->p))
        return parse_number(ps);
    if (*ps->p == '(') {
        ps->p++;
        if (!enter(ps))
            return NULL;
        formula *f = parse_expr(ps);
        if (!f)
            return NULL;
        if (!accept(ps, ")"))
            return *ps->p ? fail(ps, ps->p, "expected ')'") : unexpected(ps);
        ps->depth--;
        return f;
    }
    if (is_alpha(*ps->p)) {
        const char *s = ps->p;
        while (is_alpha(*ps->p))
            ps->p++;
        return parse_call(ps, s, (size_t)(ps->p - s));
    }
    return unexpected(ps);
}

static formula *parse_unary(parser *ps)
{
    if (accept(ps, "-") || accept(ps, "\xE2\x88\x92")) {   /* - or U+2212 */
        if (!enter(ps))
            return NULL;
        formula *x = parse_unary(ps);
        if (!x)
            return NULL;
        ps->depth--;
        if (x->kind == N_NUM) {
            dec_neg(&x->num);
            return x;
        }
        formula *f = node(ps, N_NEG);
        f->args = arena_alloc(ps->a, sizeof *f->args);
        f->args[0] = x;
        f->nargs = 1;
        return f;
    }
    return parse_primary(ps);
}

/* A chain of operands joined by the operators in ops (pairs of spelling
 * and meaning), one level of precedence. */
static formula *parse_chain(parser *ps, nkind kind, const char *const *ops, formula *(*operand)(parser *))
{
    formula *first = operand(ps);
    if (!first)
        return NULL;
    nodes l = {0};
    nodes_add(ps->a, &l, first, 0);
    for (;;) {
        char op = 0;
        for (int i = 0; ops[i] && !op; i += 2)
            if (accept(ps, ops[i]))
                op = ops[i + 1][0];
        if (!op)
            break;
        formula *x = operand(ps);
        if (!x)
            return NULL;
        nodes_add(ps->a, &l, x, op);
    }
    if (l.n == 1)
        return first;
    formula *f = node(ps, kind);
    f->args = l.v;
    f->nargs = l.n;
    f->ops = l.ops + 1;
    return f;
}

static formula *parse_product(parser *ps)
{
    static const char *const ops[] = {"*", "*", "/", "/", "\xC3\x97", "*", "\xC3\xB7", "/", NULL};
    return parse_chain(ps, N_PRODUCT, ops, parse_unary);
}

static formula *parse_sum(parser *ps)
{
    static const char *const ops[] = {"+", "+", "-", "-", "\xE2\x88\x92", "-", NULL};
    return parse_chain(ps, N_SUM, ops, parse_product);
}

static int cmp_op(parser *ps)
{
    static const char *const ops[] = {"<=", "<>", ">=", "<", ">", "="};
    static const int ids[] = {C_LE, C_NE, C_GE, C_LT, C_GT, C_EQ};
    for (int i = 0; i < 6; i++)
        if (accept(ps, ops[i]))
            return ids[i];
    return -1;
}

static formula *parse_expr(parser *ps)
{
    formula *l = parse_sum(ps);
    if (!l)
        return NULL;
    int op = cmp_op(ps);
    if (op < 0)
        return l;
    formula *r = parse_sum(ps);
    if (!r)
        return NULL;
    const char *at = ps->p;
    if (cmp_op(ps) >= 0)
        return fail(ps, at, "comparisons cannot be chained");
    formula *f = node(ps, N_CMP);
    f->op = op;
    f->args = arena_alloc(ps->a, 2 * sizeof *f->args);
    f->args[0] = l;
    f->args[1] = r;
    f->nargs = 2;
    return f;
}

bool formula_parse(arena *a, const char *src, formula **out, char *err, size_t errlen)
{
    parser ps = {.a = a, .src = src ? src : "", .p = src ? src : "", .err = err, .errlen = errlen};
    if (errlen)
        err[0] = '\0';
    *out = NULL;
    formula *f = NULL;
    if (strlen(ps.src) > FORMULA_MAX_LEN) {
        fail(&ps, NULL, "formula longer than %d bytes", FORMULA_MAX_LEN);
    } else {
        skip_ws(&ps);
        if (!*ps.p)
            fail(&ps, NULL, "empty formula");
        else if ((f = parse_expr(&ps)) != NULL) {
            skip_ws(&ps);
            if (*ps.p)
                f = unexpected(&ps);
        }
    }
    if (ps.failed)
        return false;
    *out = f;
    return true;
}

/* ---- references ---- */

static void refs_walk(const formula *f, int (*refs)[2], int max, int *n)
{
    if (f->kind == N_REF) {
        if (*n < max) {
            refs[*n][0] = f->sheet;
            refs[*n][1] = f->cluster;
        }
        (*n)++;
    }
    for (int i = 0; i < f->nargs; i++)
        refs_walk(f->args[i], refs, max, n);
}

int formula_refs(const formula *f, int (*refs)[2], int max)
{
    int n = 0;
    if (f)
        refs_walk(f, refs, max, &n);
    return n;
}
