/* formula_def.c - TimeCalculate durations and the definition-level checks
 * of Calculate and TimeCalculate clusters (see formula.h). */
#include "forms/formula.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forms/value.h"

const char *timecalc_eval(arena *a, const char *start, const char *end, int break_minutes, const char **result)
{
    *result = NULL;
    if (!start || !*start || !end || !*end) {
        *result = "";
        return NULL;
    }
    long s, e;
    if (!value_parse_time(start, true, &s) || !value_parse_time(end, true, &e))
        return "bad_time";
    if (e < s)
        e += 24 * 3600;
    long minutes = (e - s) / 60 - (break_minutes > 0 ? break_minutes : 0);
    if (minutes < 0)
        minutes = 0;
    *result = arena_printf(a, "%ld:%02ld", minutes / 60, minutes % 60);
    return NULL;
}

/* Every cluster of d in one list, with what the checks learn about it. */
typedef struct node {
    const def_cluster *c;
    formula *f;             /* Calculate with a formula that parses */
    int *succ;              /* indexes of the Calculate clusters f references */
    int nsucc;
} node;

static const char *field_of(arena *a, const def_cluster *c)
{
    return arena_printf(a, "sheet %d cluster %d", c->sheet_no, c->id);
}

static void add_err(arena *a, errs *e, const def_cluster *c, const char *code, const char *arg)
{
    int line = e->line;
    e->line = c->line;
    errs_add_arg(e, field_of(a, c), code, arg);
    e->line = line;
}

static int index_of(const node *nodes, int n, const def_cluster *c)
{
    for (int i = 0; i < n; i++)
        if (nodes[i].c == c)
            return i;
    return -1;
}

static bool is_numeric(cluster_type t)
{
    return t == CT_NUMERIC || t == CT_NUMERIC_SELECT || t == CT_CALCULATE;
}

/* Parse a Calculate's formula and resolve its references. */
static void check_calculate(arena *a, const definition *d, node *nodes, int n, node *nd, errs *e)
{
    const char *src = def_param_get(nd->c, "formula");
    char msg[200];
    formula *f;
    if (!src || !formula_parse(a, src, &f, msg, sizeof msg)) {
        add_err(a, e, nd->c, "formula_syntax", arena_strdup(a, src ? msg : "no formula"));
        return;
    }
    nd->f = f;
    int nref = formula_refs(f, NULL, 0);
    int (*refs)[2] = arena_alloc(a, (size_t)(nref + 1) * sizeof *refs);
    formula_refs(f, refs, nref);
    nd->succ = arena_alloc(a, (size_t)(nref + 1) * sizeof *nd->succ);
    for (int i = 0; i < nref; i++) {
        const def_cluster *t = def_find(d, refs[i][0], refs[i][1]);
        const char *name = arena_printf(a, "C(%d,%d)", refs[i][0], refs[i][1]);
        bool seen = false;
        for (int k = 0; k < i; k++)
            seen |= refs[k][0] == refs[i][0] && refs[k][1] == refs[i][1];
        if (seen)
            continue;
        if (!t)
            add_err(a, e, nd->c, "formula_unknown_ref", name);
        else if (!is_numeric(t->type))
            add_err(a, e, nd->c, "formula_non_numeric_ref", name);
        else if (t->type == CT_CALCULATE)
            nd->succ[nd->nsucc++] = index_of(nodes, n, t);
    }
}

/* Whether target can be reached from node from (depth-first, iterative;
 * mark[] holds stamp for the nodes visited in this search). */
static bool reaches(const node *nodes, int n, int from, int target, int *mark, int stamp, int *stack)
{
    int top = 0;
    stack[top++] = from;
    mark[from] = stamp;
    while (top > 0) {
        int v = stack[--top];
        if (v == target)
            return true;
        for (int i = 0; i < nodes[v].nsucc; i++) {
            int w = nodes[v].succ[i];
            if (w >= 0 && w < n && mark[w] != stamp) {
                mark[w] = stamp;
                stack[top++] = w;
            }
        }
    }
    return false;
}

/* A TimeCalculate's start or end: "C(s,c)" or a clusterId on its sheet. */
static const def_cluster *time_ref(const definition *d, const def_cluster *c, const char *v)
{
    int s = c->sheet_no, id = 0, k = 0;
    char tail;
    if (!v)
        return NULL;
    if (sscanf(v, "C(%d,%d)%n%c", &s, &id, &k, &tail) == 2 && k > 0 && v[k] == '\0')
        return def_find(d, s, id);
    if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 9)
        return NULL;
    return def_find(d, c->sheet_no, atoi(v));
}

void formula_check_definition(arena *a, const definition *d, errs *e)
{
    int n = 0;
    for (int s = 0; s < d->nsheets; s++)
        n += d->sheets[s].nclusters;
    node *nodes = arena_calloc(a, (size_t)n + 1, sizeof *nodes);
    n = 0;
    for (int s = 0; s < d->nsheets; s++)
        for (int i = 0; i < d->sheets[s].nclusters; i++)
            nodes[n++].c = &d->sheets[s].clusters[i];

    for (int i = 0; i < n; i++) {
        const def_cluster *c = nodes[i].c;
        if (c->type == CT_CALCULATE) {
            check_calculate(a, d, nodes, n, &nodes[i], e);
        } else if (c->type == CT_TIME_CALCULATE) {
            static const char *const ends[] = {"start", "end"};
            for (int k = 0; k < 2; k++) {
                const def_cluster *t = time_ref(d, c, def_param_get(c, ends[k]));
                if (!t || t->type != CT_TIME)
                    add_err(a, e, c, "timecalc_bad_ref", ends[k]);
            }
        }
    }

    /* A Calculate is on a cycle when it can be reached again from one of
     * the clusters it references; that one is named. */
    int *mark = arena_calloc(a, (size_t)n + 1, sizeof *mark);
    int *stack = arena_alloc(a, ((size_t)n + 1) * sizeof *stack);
    int stamp = 0;
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < nodes[i].nsucc; k++) {
            int w = nodes[i].succ[k];
            if (w >= 0 && reaches(nodes, n, w, i, mark, ++stamp, stack)) {
                const def_cluster *t = nodes[w].c;
                add_err(a, e, nodes[i].c, "formula_cycle", arena_printf(a, "C(%d,%d)", t->sheet_no, t->id));
                break;
            }
        }
    }
}
