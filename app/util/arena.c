#include "util/arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (16 * 1024)
#define ARENA_ALIGN 16

struct block {
    struct block *next;
    size_t size, used;
    max_align_t data[];
};

struct arena {
    struct block *head;
    size_t total;
};

static struct block *block_new(size_t want)
{
    size_t size = want > ARENA_BLOCK ? want : ARENA_BLOCK;
    struct block *b = malloc(sizeof *b + size);
    if (!b) {
        fputs("genba: out of memory\n", stderr);
        abort();
    }
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

arena *arena_new(void)
{
    arena *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->head = block_new(ARENA_BLOCK);
    return a;
}

void arena_free(arena **ap)
{
    if (!ap || !*ap)
        return;
    struct block *b = (*ap)->head;
    while (b) {
        struct block *n = b->next;
        free(b);
        b = n;
    }
    free(*ap);
    *ap = NULL;
}

void arena_reset(arena *a)
{
    if (!a)
        return;
    struct block *b = a->head, *last = NULL;
    while (b) {
        struct block *n = b->next;
        if (!n)
            last = b;
        else
            free(b);
        b = n;
    }
    /* keep the oldest block (the list is newest-first) */
    a->head = last;
    if (last) {
        last->used = 0;
        last->next = NULL;
    }
    a->total = 0;
}

void *arena_alloc(arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN) {
        fputs("genba: allocation too large\n", stderr);
        abort();
    }
    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct block *b = a->head;
    if (!b || b->size - b->used < n) {
        b = block_new(n);
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    a->total += n;
    return p;
}

void *arena_calloc(arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        fputs("genba: allocation too large\n", stderr);
        abort();
    }
    void *p = arena_alloc(a, n * size);
    memset(p, 0, n * size);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    n = strnlen(s, n);   /* like strndup: never reads past the string's end */
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

size_t arena_used(const arena *a)
{
    return a ? a->total : 0;
}

void arena_reset_fit(arena *a, size_t max)
{
    if (!a)
        return;
    size_t want = a->total, held = a->head ? a->head->size : 0;
    bool one = a->head && !a->head->next;
    if (one || want <= held || want > max) {   /* it fits in one block already, or would be too large to keep */
        arena_reset(a);
        return;
    }
    struct block *b = a->head;
    while (b) {
        struct block *n = b->next;
        free(b);
        b = n;
    }
    a->head = block_new(want + want / 4);
    a->total = 0;
}
