/* formula.h - Calculate formulas and TimeCalculate durations
 * (definition-xml.md, Calculate and TimeCalculate).
 *
 * Grammar (white space = ASCII space, TAB, CR, LF between tokens):
 *
 *   expr    = sum [ cmp sum ]             cmp: = <> < <= > >=  (not chained)
 *   sum     = product { (+ | - | −) product }
 *   product = unary { (* | / | × | ÷) unary }
 *   unary   = (- | −) unary | primary
 *   primary = number | "(" expr ")" | C(sheet, cluster)
 *           | SUM(expr, ...) | AVERAGE(expr, ...) | MIN(expr, ...) | MAX(expr, ...)
 *           | ROUND(expr, integer) | ABS(expr) | IF(expr, expr, expr)
 *
 * Numbers are written as dec_parse reads them (digits, optional '.' and
 * digits, at most 15 significant digits; no unary '+', no exponent).
 * Function names and C are accepted in any letter case.  ROUND's places
 * is an integer literal from -14 to 10 (negative rounds to tens, hundreds,
 * ...).  Nesting (parentheses, function calls, unary minus) deeper than
 * FORMULA_MAX_DEPTH and formulas longer than FORMULA_MAX_LEN bytes are
 * refused.
 *
 * Evaluation (exact decimals, decimal.h):
 * - A comparison is 1 when true and 0 when false; IF takes any non-zero
 *   condition as true and evaluates only the branch it takes.
 * - Division rounds half up to FORMULA_DIV_SCALE (20) places; products
 *   are exact up to 30 places; rounding is half away from zero, so
 *   ROUND(-2.5, 0) is -3 and ROUND(2.5, 0) is 3.
 * - An empty referenced value ("" or NULL from the lookup) is "no value":
 *   any arithmetic, comparison, ROUND, ABS or IF condition involving it
 *   gives no value, and the formula's result is "" (so a total stays
 *   blank until its inputs are filled in).  SUM, AVERAGE, MIN and MAX skip
 *   empty arguments, and give no value only when every argument is empty.
 *   An error (division by zero) anywhere that is evaluated still wins.
 * - The result is rounded half up to the cluster's decimalPlaces and must
 *   then have at most 15 significant digits.  Results are decimals: a
 *   date-valued Calculate (date arithmetic) is not supported here, and a
 *   referenced value that is not a decimal (a date) is not_a_number.
 *
 * Error codes of formula_eval: division_by_zero, not_a_number (a referenced
 * value is not a decimal), too_many_digits (an intermediate value does not
 * fit 96 digits, or the result has more than 15 significant digits).
 *
 * Definition codes (formula_check_definition): formula_syntax (arg: the
 * parser's message), formula_unknown_ref (arg "C(s,c)"),
 * formula_non_numeric_ref (arg "C(s,c)"), formula_cycle (arg "C(s,c)":
 * the referenced cluster through which the cycle runs), timecalc_bad_ref
 * (arg: "start" or "end").
 *
 * Ownership: a parsed formula lives in the arena given to formula_parse
 * and is read-only afterwards; results are allocated in the arena given.
 * Thread-safety: no global or static mutable state; a parsed formula may be
 * evaluated from several threads at once as long as each passes its own
 * arena (the arena it lives in must stay alive).
 */
#ifndef GENBA_FORMULA_H
#define GENBA_FORMULA_H

#include <stdbool.h>
#include <stddef.h>

#include "forms/model.h"
#include "util/arena.h"
#include "util/errs.h"

#define FORMULA_MAX_DEPTH 32
#define FORMULA_MAX_LEN 2000
#define FORMULA_DIV_SCALE 20

typedef struct formula formula;

/* Parse src into *out (allocated in a).  On failure returns false, *out is
 * NULL and err holds a message in English such as "unexpected ')' at
 * column 7" (columns count characters from 1).  err may be NULL when errlen
 * is 0. */
bool formula_parse(arena *a, const char *src, formula **out, char *err, size_t errlen);

/* The references C(sheet, cluster) of f, every occurrence in the order
 * written (duplicates included): writes at most max of them into refs
 * ({sheet, cluster}) and returns how many there are in all. */
int formula_refs(const formula *f, int (*refs)[2], int max);

/* Evaluate f.  lookup(ctx, sheet, cluster) gives the referenced cluster's
 * canonical value, "" or NULL for none (the caller evaluates Calculate
 * clusters that others reference first).  decimal_places: the cluster's
 * decimalPlaces (0-10); a negative value means absent: the result is then
 * rounded to 10 places and trailing zeros are dropped.  Returns NULL with
 * *result set (in a; "" when there is no value), or an error code with
 * *result = NULL. */
const char *formula_eval(arena *a, const formula *f, const char *(*lookup)(void *ctx, int sheet, int cluster),
                         void *ctx, int decimal_places, const char **result);

/* TimeCalculate: the duration from start to end (HH:MM or HH:MM:SS) less
 * break_minutes, as "H:MM" (hours not zero-padded, e.g. "7:45", "0:05"),
 * in a.  When end is before start the span crosses midnight (24 hours are
 * added); equal times give 0:00.  Seconds count in the span, and the result
 * is cut to whole minutes.  A negative break_minutes counts as 0, and a
 * break longer than the span gives "0:00".  Returns NULL with *result set
 * ("" when start or end is empty or NULL), or "bad_time" when either is
 * not a time.  The result is allocated in a (nothing static is kept). */
const char *timecalc_eval(arena *a, const char *start, const char *end, int break_minutes, const char **result);

/* Definition-level checks of every Calculate and TimeCalculate in d (see
 * the codes above).  Errors go into e with field "sheet S cluster C" and
 * line = the cluster's line (e->line is restored afterwards).
 * TimeCalculate's start and end name a cluster as "C(sheet,cluster)" or as
 * a bare clusterId on the same sheet.  Allocates in a. */
void formula_check_definition(arena *a, const definition *d, errs *e);

#endif
