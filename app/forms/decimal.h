/* decimal.h - exact decimal numbers for form values and formulas.
 *
 * No binary floating point anywhere: a decimal is a sign, a magnitude held
 * as base-10 digits and a scale (digits after the point), so 0.1 + 0.2 is
 * exactly 0.3.  Values typed into a report have at most DEC_SIGNIFICANT
 * significant digits (dec_parse enforces it); results of arithmetic may be
 * longer (up to DEC_DIGITS digits, DEC_MAX_SCALE of them after the point),
 * and the caller rounds them to the places it stores.
 *
 * Rounding is always "half up" on the magnitude, i.e. half away from zero:
 * 2.5 -> 3, -2.5 -> -3 (as Excel's ROUND).
 *
 * Ownership: a decimal is a plain value (no pointers); copy it freely.
 * Thread-safety: every function is pure (no global or static mutable
 * state) and may run in any thread; dec_str allocates in the caller's arena,
 * which belongs to one thread at a time.
 */
#ifndef GENBA_DECIMAL_H
#define GENBA_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

#define DEC_DIGITS 96        /* digits a decimal holds, integer and fraction together */
#define DEC_MAX_SCALE 30     /* most digits after the point */
#define DEC_SIGNIFICANT 15   /* most significant digits of a parsed value */
#define DEC_STRLEN (DEC_DIGITS + 8)  /* room for any formatted decimal with its NUL */

typedef struct decimal {
    bool neg;                       /* never true for zero */
    int scale;                      /* digits after the point, 0..DEC_MAX_SCALE */
    int n;                          /* digits in use (0 for zero); d[n-1] != 0 */
    unsigned char d[DEC_DIGITS];    /* magnitude, least significant digit first */
} decimal;

typedef enum dec_status {
    DEC_OK = 0,
    DEC_SYNTAX,           /* dec_parse: not a decimal as written */
    DEC_TOO_MANY_DIGITS,  /* dec_parse: more than DEC_SIGNIFICANT significant digits */
    DEC_TOO_MANY_PLACES,  /* dec_parse: more than DEC_MAX_SCALE digits after the point */
    DEC_OVERFLOW,         /* a result would need more than DEC_DIGITS digits */
    DEC_DIV_ZERO,         /* dec_div by zero */
} dec_status;

/* Parse s: an optional '-', one or more ASCII digits, optionally '.' and
 * one or more digits.  Nothing else: no '+', exponent, white space,
 * leading '.', trailing '.', "NaN"/"Inf", full-width or other non-ASCII
 * digits.  Leading zeros are accepted ("007" is 7).  The scale is the
 * number of digits written after the point ("1.50" has scale 2).
 * Significant digits: from the first non-zero digit to the last digit of
 * the integer part or, when the fraction has non-zero digits, to the last
 * non-zero fraction digit; so trailing zeros of the integer part count
 * ("1000000000000000" has 16) and trailing zeros of the fraction do not
 * ("1.500" has 2).  "-0" parses as zero without a sign.
 * On failure *out is zero. */
dec_status dec_parse(const char *s, decimal *out);

/* The number of digits written after the point in s, or -1 when s is not a
 * decimal as dec_parse reads it (digit limits aside). */
int dec_places_written(const char *s);

void dec_zero(decimal *out);
void dec_from_int(decimal *out, long long v);
bool dec_is_zero(const decimal *d);
/* Significant digits as dec_parse counts them (0 for zero). */
int dec_significant(const decimal *d);
/* Drop zeros at the end of the fraction ("1.500" -> "1.5", "2.0" -> "2"). */
void dec_trim(decimal *d);

/* out = a + b, a - b, a * b.  out may be a or b.  Sums are exact; a product
 * with more than DEC_MAX_SCALE places is rounded half up to DEC_MAX_SCALE.
 * DEC_OVERFLOW when the result does not fit (out is then zero). */
dec_status dec_add(const decimal *a, const decimal *b, decimal *out);
dec_status dec_sub(const decimal *a, const decimal *b, decimal *out);
dec_status dec_mul(const decimal *a, const decimal *b, decimal *out);
/* out = a / b rounded half up to scale places (clamped to 0..DEC_MAX_SCALE).
 * DEC_DIV_ZERO when b is zero.  out may be a or b. */
dec_status dec_div(const decimal *a, const decimal *b, int scale, decimal *out);
/* out = a rounded half up to places digits after the point; the result has
 * exactly max(places, 0) places, so fewer places are padded with zeros
 * ("5" to 1 place is "5.0").  A negative places rounds to tens, hundreds,
 * ... (-2: 1250 -> 1300).  places is clamped to -(DEC_DIGITS-1)..DEC_MAX_SCALE. */
dec_status dec_round(const decimal *a, int places, decimal *out);
void dec_neg(decimal *d);
void dec_abs(decimal *d);
/* -1, 0, 1 as a < b, a == b, a > b (by value: 1.0 == 1). */
int dec_cmp(const decimal *a, const decimal *b);

/* Canonical text: '-' only for non-zero negatives, no leading zeros
 * ("0.5", never ".5"), exactly d->scale digits after the point and no point
 * when the scale is 0.  Writes at most outlen bytes including the NUL and
 * returns the length it needs (as snprintf); DEC_STRLEN is always enough. */
size_t dec_format(const decimal *d, char *out, size_t outlen);
/* The same, allocated in a. */
char *dec_str(arena *a, const decimal *d);

#endif
