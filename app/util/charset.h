/* charset.h - converting uploaded text to UTF-8.
 *
 * Japanese Excel saves "CSV" in Windows Shift_JIS (CP932: Shift_JIS plus
 * NEC and IBM extensions such as ①, ㈱, 髙, and ～ as U+FF5E).  These
 * functions use glibc iconv, opening a descriptor per call and closing it,
 * so they keep no shared state and are thread-safe as long as each arena
 * is used by one thread at a time.
 */
#ifndef GENBA_CHARSET_H
#define GENBA_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* Convert in[0..n) from CP932 to UTF-8.  Returns a NUL-terminated copy in
 * a (*outlen = its length without the NUL; outlen may be NULL), or NULL on
 * an invalid or truncated byte sequence or when iconv cannot convert
 * CP932.  A NUL byte in the input is converted like any other (U+0000);
 * callers that want text refuse it themselves (csv_parse does).
 * Ownership: the result belongs to a; in is only read.
 * Thread-safety: as the arena. */
char *charset_sjis_to_utf8(arena *a, const char *in, size_t n, size_t *outlen);

/* Return in[0..n) as UTF-8 according to encoding (ASCII case ignored):
 *   "utf-8"      in must be valid UTF-8 (no overlongs or surrogates);
 *   "shift_jis"  in is converted from CP932;
 *   "auto"       valid UTF-8 is taken as it is, anything else is converted
 *                from CP932 (pure ASCII is both; real Shift_JIS Japanese
 *                text is practically never valid UTF-8).
 * Returns NULL with a reason in err (which may be NULL when errlen is 0)
 * on invalid input or an unknown encoding.
 * Ownership: when in is already UTF-8 the result is in itself, not copied
 * (so NUL-terminated only if in was); a converted result is a
 * NUL-terminated copy in a.  Use *outlen (required) for the length.
 * Thread-safety: as the arena. */
const char *charset_to_utf8(arena *a, const char *in, size_t n, const char *encoding, size_t *outlen,
                            char *err, size_t errlen);

/* Append in[0..n) (UTF-8) to out in CP932, for files meant for Japanese
 * Excel.  A character CP932 lacks becomes its usual look-alike when it has
 * one (WAVE DASH 〜 -> ～, MINUS SIGN − -> －, ‖, —, ¢, £, ¬: what
 * charset_sjis_to_utf8 reads back as the fullwidth forms), else '?'; so do
 * bytes that are not UTF-8.  *replaced (may be NULL) is increased by the
 * number of '?' written.  false (nothing appended) when iconv cannot
 * convert to CP932.  Thread-safety: as the buffer. */
struct buf;
bool charset_utf8_to_sjis(struct buf *out, const char *in, size_t n, size_t *replaced);

#endif
