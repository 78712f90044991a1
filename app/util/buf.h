/* buf.h - growable byte buffer backed by an arena.
 * Not thread-safe; owned by whoever owns the arena. */
#ifndef GENBA_BUF_H
#define GENBA_BUF_H

#include <stddef.h>
#include "util/arena.h"

typedef struct buf {
    arena *a;
    char *data;   /* always NUL-terminated */
    size_t len, cap;
} buf;

void buf_init(buf *b, arena *a);
void buf_add(buf *b, const void *p, size_t n);
void buf_adds(buf *b, const char *s);
void buf_addc(buf *b, char c);
/* Room for n more bytes (and the NUL after them) at b->data + b->len, for a
 * writer that fills it itself, then adds what it wrote to b->len and ends
 * the text with a NUL. */
char *buf_reserve(buf *b, size_t n);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The decimal digits of n (what "%lld" gives, without printf's cost in loops). */
void buf_addi(buf *b, long long n);

#endif
