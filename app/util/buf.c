#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void buf_init(buf *b, arena *a)
{
    b->a = a;
    b->cap = 256;
    b->len = 0;
    b->data = arena_alloc(a, b->cap);
    b->data[0] = '\0';
}

static void buf_grow(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap;
    while (b->len + extra + 1 > cap)
        cap *= 2;
    char *d = arena_alloc(b->a, cap);
    memcpy(d, b->data, b->len + 1);
    b->data = d;
    b->cap = cap;
}

char *buf_reserve(buf *b, size_t n)
{
    buf_grow(b, n);
    return b->data + b->len;
}

void buf_add(buf *b, const void *p, size_t n)
{
    buf_grow(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_adds(buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addi(buf *b, long long n)
{
    char d[24];
    int i = sizeof d;
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    do {
        d[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0)
        d[--i] = '-';
    buf_add(b, d + i, sizeof d - (size_t)i);
}

void buf_addc(buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(b->a, fmt, ap);
    va_end(ap);
    buf_adds(b, s);
}
