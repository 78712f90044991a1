/* str.h - small string helpers.  All functions are pure and thread-safe. */
#ifndef GENBA_STR_H
#define GENBA_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

/* Parse a size such as "10M", "20GiB", "512k", "1048576" into bytes.
 * Returns false on garbage or overflow. */
bool str_parse_size(const char *s, uint64_t *out);
/* Parse a non-negative decimal integer up to max; false on garbage. */
bool str_parse_uint(const char *s, uint64_t max, uint64_t *out);
/* Format bytes as "1.5 GiB". */
void str_format_size(uint64_t n, char *out, size_t outlen);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void str_hex(const unsigned char *in, size_t n, char *out);
/* Value of one hex digit, or -1. */
int str_hexval(char c);
/* Decode 2n hex chars into n bytes; false on a bad digit. */
bool str_unhex(const char *in, unsigned char *out, size_t n);
/* Trim ASCII white space at both ends, in place; returns s. */
char *str_trim(char *s);
/* true when s starts with prefix. */
bool str_starts(const char *s, const char *prefix);
/* Constant-time comparison of two byte strings of equal length. */
bool str_ct_equal(const void *a, const void *b, size_t n);

/* Percent-encode everything but unreserved characters (RFC 3986), into a. */
char *str_urlencode(struct arena *a, const char *s);
/* Is s a UUID as text (8-4-4-4-12 hex digits, either case)? */
bool str_uuid_ok(const char *s);
/* Number of Unicode code points in valid UTF-8 s. */
size_t str_utf8_len(const char *s);
/* true when s[0..n) is valid UTF-8 without overlongs or surrogates. */
bool str_utf8_valid(const char *s, size_t n);

#endif
