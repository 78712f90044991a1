/* arena.h - per-request bump allocator.
 *
 * One arena owns every allocation made while serving one request; it is
 * reset once after FCGX_Finish_r.  Not thread-safe: an arena belongs to
 * exactly one thread at a time.
 */
#ifndef GENBA_ARENA_H
#define GENBA_ARENA_H

#include <stddef.h>
#include <stdarg.h>

typedef struct arena arena;

/* Create an empty arena.  Returns NULL when out of memory. */
arena *arena_new(void);
/* Free every block and the arena itself; *a becomes NULL.  NULL-safe. */
void arena_free(arena **a);
/* Release every allocation but keep the first block for reuse. */
void arena_reset(arena *a);
/* As arena_reset, but when the arena held more than its first block, keep
 * one block as large as all that was used (up to max bytes): an arena
 * reset after each round of a loop (a page of rows) then stops asking
 * malloc, and the kernel, for memory every round. */
void arena_reset_fit(arena *a, size_t max);
/* Allocate n bytes aligned for any type; aborts the process when memory
 * is exhausted (a worker that cannot allocate is restarted by the master). */
void *arena_alloc(arena *a, size_t n);
/* Zeroed allocation. */
void *arena_calloc(arena *a, size_t n, size_t size);
/* Copy of s (NUL-terminated); NULL stays NULL. */
char *arena_strdup(arena *a, const char *s);
/* Copy of at most the first n bytes of s (less when s ends sooner, as
 * strndup), NUL-terminated. */
char *arena_strndup(arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
/* Bytes currently held by the arena (for tests and metrics). */
size_t arena_used(const arena *a);

#endif
