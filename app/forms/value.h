/* value.h - checking one cluster value against its definition
 * (definition-xml.md, "Cluster types").
 *
 * A value is the canonical string a report stores and the API exchanges.
 * value_check tells whether an input is acceptable for a cluster and gives
 * the canonical string to store.  `required` is not checked here (it only
 * matters when a report is completed): see value_required_missing.
 *
 * Ownership: results are allocated in the caller's arena or point into the
 * input or the definition (which must outlive them).
 * Thread-safety: pure functions without global or static mutable state; any
 * thread may call them with its own arena.  Pattern matching switches the
 * calling thread's locale to C.UTF-8 (uselocale) for the duration of the
 * match only, and restores it.
 *
 * Error codes (static strings; people see them through the message
 * catalogs' "err.<code>", which the codes beyond definition-xml.md's list
 * - too_many_digits, bad_charset, bad_check, too_few_selected,
 * too_many_selected - still need):
 *
 * | code              | when                                                            |
 * |-------------------|-----------------------------------------------------------------|
 * | not_a_number      | Numeric, NumericSelect: not a decimal as written (dec_parse)    |
 * | too_many_digits   | Numeric: more than 15 significant digits                        |
 * | too_many_decimals | Numeric: more digits written after the point than decimalPlaces |
 * |                   | allows (10 when decimalPlaces is absent)                        |
 * | below_minimum     | Numeric: less than `minimum` (inclusive bound)                  |
 * | above_maximum     | Numeric: more than `maximum` (inclusive bound)                  |
 * | too_long          | KeyboardText, CodeReader: more than `maxLength` characters;     |
 * |                   | master Select, MasterSelect: more than 200 characters           |
 * | bad_charset       | text: invalid UTF-8, a control character, a line break where    |
 * |                   | `lines` is not > 1, or a character outside `charset`            |
 * | pattern_mismatch  | KeyboardText, CodeReader: the whole value does not match        |
 * |                   | `pattern`, or the pattern does not compile                      |
 * | not_in_items      | NumericSelect, Select, Toggle, MultipleChoice: not one of the   |
 * |                   | items (for MultipleChoice also an empty or repeated choice)     |
 * | bad_check         | Check: anything but "1" (or empty)                              |
 * | too_few_selected  | MultipleChoice: fewer choices than `minSelected`                |
 * | too_many_selected | MultipleChoice: more choices than `maxSelected`                 |
 * | bad_date          | Date: not a real calendar date written YYYY-MM-DD               |
 * | date_out_of_range | Date: before `minimum` or after `maximum`                       |
 * | bad_time          | Time: not HH:MM (or HH:MM:SS with `seconds` true), 00:00-23:59 |
 * | bad_gps           | Gps: not lat,lon[,alt] decimals with lat -90..90, lon -180..180 |
 * | read_only         | a type clients never set through values (value_read_only)       |
 *
 * Decisions:
 * - An empty string (or NULL) means "no value" and is accepted for every
 *   type, read-only ones included (canonical ""); callers store nothing
 *   sent by clients for read-only types.
 * - Malformed parameters (decimalPlaces "x", minimum "abc", an unknown
 *   charset) are ignored here: the definition checker refuses them when a
 *   definition is uploaded.  The exception is `pattern` (refuses values).
 * - Text length counts Unicode code points: a combining character is a
 *   character of its own ("e" + U+0301 is 2), an emoji is 1 (but a flag or
 *   a ZWJ sequence is several), no normalisation.  Control characters are
 *   U+0000-U+001F, U+007F and U+0080-U+009F (TAB included).  With
 *   `lines` > 1, LF is allowed and CR LF or a lone CR become LF in the
 *   canonical value (browsers send CR LF); `lines` does not limit the
 *   number of lines.  charset: any (default; also for an unknown value),
 *   alphanumeric = ASCII letters and digits, digits = 0-9, ascii = printable
 *   ASCII (U+0020-U+007E); line breaks are judged by `lines`, not charset.
 *   Without maxLength there is no length limit here (the request size
 *   bounds it).  Order of the checks: bad_charset, too_long, pattern.
 * - `pattern` is a POSIX ERE that must match the whole value; it is matched
 *   with REG_EXTENDED in the C.UTF-8 locale (so '.' is one character) and
 *   the match must span the value (rather than compiling "^(...)$", which
 *   an unbalanced ')' in the pattern could subvert).
 * - Numbers: a digit is required before '.', no '+', no exponent, no
 *   spaces, ASCII digits only; leading zeros are accepted ("007" -> "7"),
 *   "-0" is "0".  With decimalPlaces the canonical value has exactly that
 *   many places ("5" -> "5.0" for 1); without it, up to 10 places are
 *   accepted and trailing zeros are dropped ("1.50" -> "1.5").  Out of the
 *   normal range is a flag (*out_of_normal), never an error.
 * - NumericSelect: equal as decimals ("1" picks item "1.0"); the stored
 *   value is the item's value in canonical form.
 * - Date: years 0001-9999, proleptic Gregorian leap years; bounds are
 *   dates or "today", "today+N", "today-N" (N days, 0-999999) from
 *   ctx->today; a relative bound is ignored when ctx or ctx->today is
 *   missing or not a date.
 * - Time: hours 00-23 (24:00 is refused: i-Reporter's end-of-day is not a
 *   time of day), two digits each.  `seconds` true: HH:MM:SS, or HH:MM
 *   stored as HH:MM:00; otherwise HH:MM only.  Leap second :60 refused.
 * - Check: "1" only ("0", "true" refused with bad_check).
 * - Select with a `master` parameter, and MasterSelect: any value of up to
 *   200 characters without control characters is accepted here; the caller
 *   checks it against the master data.  Toggle ignores `master`.
 * - MultipleChoice: values joined by TAB; each must be an item, none empty
 *   or repeated; the canonical order is the items' order.  minSelected and
 *   maxSelected count choices of a non-empty value (an empty value is "no
 *   value"; `required` covers it).
 * - Gps: "lat,lon" or "lat,lon,alt", no spaces, decimals as above (alt any
 *   sign); canonical parts drop trailing zeros ("35.6800,139.7600" ->
 *   "35.68,139.76").
 */
#ifndef GENBA_VALUE_H
#define GENBA_VALUE_H

#include <stdbool.h>

#include "forms/model.h"
#include "util/arena.h"

#define VALUE_MASTER_MAX 200   /* characters of a master key (master Select, MasterSelect) */

typedef struct value_ctx {
    const char *today;   /* "YYYY-MM-DD" in the tenant's calendar */
} value_ctx;

/* Check input for cluster c.  Returns NULL when acceptable, with *canon set
 * to the canonical string to store (in a, in input or in the definition)
 * and *out_of_normal to whether a Numeric lies outside
 * normalMinimum..normalMaximum; otherwise an error code from the table
 * above, with *canon = NULL and *out_of_normal = false.  canon and
 * out_of_normal may be NULL.  ctx may be NULL (relative Date bounds are
 * then ignored).  Thread-safety: see the top of this file. */
const char *value_check(arena *a, const def_cluster *c, const char *input, const value_ctx *ctx,
                        const char **canon, bool *out_of_normal);

/* true when c is required and v holds no value: v NULL or "", and for
 * KeyboardText and CodeReader also a value of nothing but white space
 * (space, TAB, CR, LF, U+3000 ideographic space).  FixedText is never
 * missing.  Pure. */
bool value_required_missing(const def_cluster *c, const char *v);

/* true for the types whose value the server computes or fills in:
 * Calculate, TimeCalculate, Registrant, RegisterDate, Updater, UpdateDate,
 * LoginUser.  Pure. */
bool value_server_computed(cluster_type t);

/* true for every type value_check refuses with read_only: the server
 * computed ones, FixedText (a label), Image, Handwriting and FreeDraw (set
 * through the attachment API), Create, Inspect and Approve (set by the
 * workflow), and unknown types.  Pure. */
bool value_read_only(cluster_type t);
/* May reports be found by this type's value (the console's value filter)?
 * Not labels, attachments or sign-offs. */
bool value_searchable(cluster_type t);
/* Is this type's value in the search index (reports/values.h)?  The types
 * reports are identified by: texts, codes and choices.  Other searchable
 * values are found by reading the definition's reports. */
bool value_indexed(cluster_type t);

/* true when pattern compiles exactly as value_check compiles it (for the
 * definition checker).  Pure; see the top of this file about the locale. */
bool value_pattern_ok(const char *pattern);

/* Parse a date YYYY-MM-DD (years 0001-9999, real calendar days) into days
 * since 1970-01-01; false when it is not one.  Pure. */
bool value_parse_date(const char *s, long *days);

/* Parse a time of day HH:MM, and when with_seconds also HH:MM:SS (00:00
 * to 23:59:59), into seconds since midnight; false when it is not one.
 * Pure. */
bool value_parse_time(const char *s, bool with_seconds, long *secs);

#endif
