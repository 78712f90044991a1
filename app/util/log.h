/* log.h - one line per event, written with a single write(2) so lines from
 * many threads and processes never interleave.  log_open is called once in
 * main before threads start; the log functions are thread-safe after that.
 * Never pass a password, token, session id or key to these functions. */
#ifndef GENBA_LOG_H
#define GENBA_LOG_H

#include <stdbool.h>

/* Append to path ("" or NULL = standard error).  False when it cannot open. */
bool log_open(const char *path);
/* Reopen the same file (after rotation). */
void log_reopen(void);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Current UTC time as 2026-11-25T08:30:00.123Z into out (>= 25 bytes). */
void log_timestamp(char *out, unsigned long outlen);

#endif
