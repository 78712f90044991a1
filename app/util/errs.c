#include "util/errs.h"

#include <string.h>

void errs_init(errs *e, arena *a)
{
    memset(e, 0, sizeof *e);
    e->a = a;
}

void errs_add(errs *e, const char *field, const char *code)
{
    errs_add_arg(e, field, code, NULL);
}

void errs_add_arg(errs *e, const char *field, const char *code, const char *arg)
{
    if (e->n == e->cap) {
        int cap = e->cap ? 2 * e->cap : 8;
        field_err *ne = arena_alloc(e->a, (size_t)cap * sizeof *ne);
        if (e->n)
            memcpy(ne, e->e, (size_t)e->n * sizeof *ne);
        e->e = ne;
        e->cap = cap;
    }
    e->e[e->n++] = (field_err){.field = field, .code = code, .line = e->line, .arg = arg};
}

const char *errs_for(const errs *e, const char *field)
{
    for (int i = 0; i < e->n; i++)
        if (e->e[i].field && !strcmp(e->e[i].field, field))
            return e->e[i].code;
    return NULL;
}

op_result refuse(refusal *why, refusal_kind kind, const char *code, const char *message)
{
    why->kind = kind;
    why->code = code;
    why->message = message;
    return OP_INVALID;
}
