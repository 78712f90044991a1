/* value.c - checking one cluster value (see value.h for the rules and the
 * decisions behind them). */
#include "forms/value.h"

#include <locale.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "forms/decimal.h"
#include "util/buf.h"

/* ---- parameters ---- */

/* An integer parameter within lo..hi; false when absent or malformed. */
static bool param_long(const def_cluster *c, const char *name, long lo, long hi, long *out)
{
    const char *v = def_param_get(c, name);
    if (!v || !*v)
        return false;
    const char *p = v + (*v == '-');
    for (; *p; p++)
        if (*p < '0' || *p > '9' || p - v > 9)
            return false;
    long n = strtol(v, NULL, 10);
    if (n < lo || n > hi)
        return false;
    *out = n;
    return true;
}

static bool param_dec(const def_cluster *c, const char *name, decimal *out)
{
    const char *v = def_param_get(c, name);
    return v && dec_parse(v, out) == DEC_OK;
}

static bool param_true(const def_cluster *c, const char *name)
{
    const char *v = def_param_get(c, name);
    return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

/* ---- text ---- */

/* One code point at *pp, which moves past it; -1 on invalid UTF-8
 * (overlong forms, surrogates, above U+10FFFF, truncated sequences). */
static long utf8_next(const unsigned char **pp)
{
    static const long mins[4] = {0, 0x80, 0x800, 0x10000};
    const unsigned char *p = *pp;
    unsigned c = p[0];
    if (c < 0x80) {
        *pp = p + 1;
        return c;
    }
    int need = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (!need)
        return -1;
    long cp = c & (0x7f >> (need + 1)), min = mins[need];
    for (int k = 1; k <= need; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (p[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *pp = p + need + 1;
    return cp;
}

enum { CS_ANY, CS_ALNUM, CS_DIGITS, CS_ASCII };

static int charset_of(const def_cluster *c)
{
    const char *v = def_param_get(c, "charset");
    if (!v)
        return CS_ANY;
    if (!strcmp(v, "alphanumeric"))
        return CS_ALNUM;
    if (!strcmp(v, "digits"))
        return CS_DIGITS;
    if (!strcmp(v, "ascii"))
        return CS_ASCII;
    return CS_ANY;
}

static bool in_charset(int cs, long cp)
{
    switch (cs) {
    case CS_ALNUM:
        return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
    case CS_DIGITS:
        return cp >= '0' && cp <= '9';
    case CS_ASCII:
        return cp >= 0x20 && cp <= 0x7e;
    default:
        return true;
    }
}

/* Match pattern against the whole of s (s NULL: only compile).  *compiled
 * tells whether the pattern compiled. */
static bool pattern_match(const char *pattern, const char *s, bool *compiled)
{
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old = loc ? uselocale(loc) : (locale_t)0;
    regex_t re;
    bool ok = false;
    int rc = regcomp(&re, pattern, REG_EXTENDED);
    if (rc == 0) {
        regmatch_t m[1];
        if (s && regexec(&re, s, 1, m, 0) == 0 && m[0].rm_so == 0 && (size_t)m[0].rm_eo == strlen(s))
            ok = true;
        regfree(&re);
    }
    if (loc) {
        uselocale(old);
        freelocale(loc);
    }
    *compiled = rc == 0;
    return ok;
}

bool value_pattern_ok(const char *pattern)
{
    bool compiled;
    pattern_match(pattern ? pattern : "", NULL, &compiled);
    return pattern && compiled;
}

/* Text rules shared by KeyboardText, CodeReader and master keys.
 * maxlen < 0: no limit; pattern NULL: none. */
static const char *check_text(arena *a, const char *in, bool multiline, int cs, long maxlen, const char *pattern,
                              const char **canon)
{
    if (multiline && strchr(in, '\r')) {    /* CR LF and lone CR become LF */
        char *n = arena_strdup(a, in), *w = n;
        for (const char *p = in; *p; p++) {
            if (*p == '\r') {
                *w++ = '\n';
                if (p[1] == '\n')
                    p++;
            } else {
                *w++ = *p;
            }
        }
        *w = '\0';
        in = n;
    }
    long count = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p;) {
        long cp = utf8_next(&p);
        if (cp < 0)
            return "bad_charset";
        if (cp == '\n') {
            if (!multiline)
                return "bad_charset";
        } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || !in_charset(cs, cp)) {
            return "bad_charset";
        }
        count++;
    }
    if (maxlen >= 0 && count > maxlen)
        return "too_long";
    if (pattern) {
        bool compiled;
        if (!pattern_match(pattern, in, &compiled))
            return "pattern_mismatch";
    }
    *canon = in;
    return NULL;
}

static const char *check_keyboard(arena *a, const def_cluster *c, const char *in, const char **canon)
{
    long lines = 1, maxlen = -1;
    param_long(c, "lines", 1, 100000, &lines);
    param_long(c, "maxLength", 0, 100000000, &maxlen);
    return check_text(a, in, lines > 1, charset_of(c), maxlen, def_param_get(c, "pattern"), canon);
}

static const char *check_master(arena *a, const char *in, const char **canon)
{
    return check_text(a, in, false, CS_ANY, VALUE_MASTER_MAX, NULL, canon);
}

/* ---- numbers ---- */

static const char *check_numeric(arena *a, const def_cluster *c, const char *in, const char **canon, bool *oon)
{
    decimal v, bound;
    switch (dec_parse(in, &v)) {
    case DEC_OK:
        break;
    case DEC_TOO_MANY_DIGITS:
        return "too_many_digits";
    case DEC_TOO_MANY_PLACES:
        return "too_many_decimals";
    default:
        return "not_a_number";
    }
    long dp = -1;
    bool has_dp = param_long(c, "decimalPlaces", 0, 10, &dp);
    if (v.scale > (has_dp ? dp : 10))
        return "too_many_decimals";
    if (param_dec(c, "minimum", &bound) && dec_cmp(&v, &bound) < 0)
        return "below_minimum";
    if (param_dec(c, "maximum", &bound) && dec_cmp(&v, &bound) > 0)
        return "above_maximum";
    *oon = (param_dec(c, "normalMinimum", &bound) && dec_cmp(&v, &bound) < 0) ||
           (param_dec(c, "normalMaximum", &bound) && dec_cmp(&v, &bound) > 0);
    if (has_dp)
        dec_round(&v, (int)dp, &v);   /* only pads: v has at most dp places */
    else
        dec_trim(&v);
    *canon = dec_str(a, &v);
    return NULL;
}

static const char *check_numeric_select(arena *a, const def_cluster *c, const char *in, const char **canon)
{
    decimal v, item;
    if (dec_parse(in, &v) != DEC_OK)
        return "not_a_number";
    for (int i = 0; i < c->nitems; i++) {
        if (c->items[i].value && dec_parse(c->items[i].value, &item) == DEC_OK && dec_cmp(&v, &item) == 0) {
            *canon = dec_str(a, &item);
            return NULL;
        }
    }
    return "not_in_items";
}

static const char *check_gps(arena *a, const char *in, const char **canon)
{
    static const char *const lim[2] = {"90", "180"};
    decimal part[3];
    int n = 0;
    for (const char *p = in;; n++) {
        const char *e = strchr(p, ',');
        if (n == 3)
            return "bad_gps";
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (dec_parse(arena_strndup(a, p, len), &part[n]) != DEC_OK)
            return "bad_gps";
        if (n < 2) {
            decimal hi, lo;
            dec_parse(lim[n], &hi);
            lo = hi;
            dec_neg(&lo);
            if (dec_cmp(&part[n], &lo) < 0 || dec_cmp(&part[n], &hi) > 0)
                return "bad_gps";
        }
        if (!e) {
            n++;
            break;
        }
        p = e + 1;
    }
    if (n < 2)
        return "bad_gps";
    buf b;
    buf_init(&b, a);
    for (int i = 0; i < n; i++) {
        dec_trim(&part[i]);
        char t[DEC_STRLEN];
        dec_format(&part[i], t, sizeof t);
        buf_printf(&b, "%s%s", i ? "," : "", t);
    }
    *canon = b.data;
    return NULL;
}

/* ---- dates and times ---- */

static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* n digits at s as a number, or -1. */
static long digits(const char *s, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool value_parse_date(const char *s, long *days)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    long y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return false;
    *days = days_from_civil(y, m, d);
    return true;
}

bool value_parse_time(const char *s, bool with_seconds, long *secs)
{
    if (!s)
        return false;
    size_t len = strlen(s);
    if (!(len == 5 || (len == 8 && with_seconds)) || s[2] != ':' || (len == 8 && s[5] != ':'))
        return false;
    long h = digits(s, 2), m = digits(s + 3, 2), sec = len == 8 ? digits(s + 6, 2) : 0;
    if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59)
        return false;
    *secs = h * 3600 + m * 60 + sec;
    return true;
}

/* A Date bound: a date, or today, today+N, today-N.  false: no bound. */
static bool date_bound(const char *v, const value_ctx *ctx, long *days)
{
    if (!v)
        return false;
    if (strncmp(v, "today", 5))
        return value_parse_date(v, days);
    long today;
    if (!ctx || !value_parse_date(ctx->today, &today))
        return false;
    const char *p = v + 5;
    if (!*p) {
        *days = today;
        return true;
    }
    size_t n = strlen(p + 1);
    long k = n >= 1 && n <= 6 ? digits(p + 1, (int)n) : -1;
    if ((*p != '+' && *p != '-') || k < 0)
        return false;
    *days = *p == '+' ? today + k : today - k;
    return true;
}

static const char *check_date(const def_cluster *c, const char *in, const value_ctx *ctx, const char **canon)
{
    long d, bound;
    if (!value_parse_date(in, &d))
        return "bad_date";
    if (date_bound(def_param_get(c, "minimum"), ctx, &bound) && d < bound)
        return "date_out_of_range";
    if (date_bound(def_param_get(c, "maximum"), ctx, &bound) && d > bound)
        return "date_out_of_range";
    *canon = in;
    return NULL;
}

static const char *check_time(arena *a, const def_cluster *c, const char *in, const char **canon)
{
    bool with_seconds = param_true(c, "seconds");
    long secs;
    if (!value_parse_time(in, with_seconds, &secs))
        return "bad_time";
    *canon = with_seconds && strlen(in) == 5 ? arena_printf(a, "%s:00", in) : in;
    return NULL;
}

/* ---- choices ---- */

static const char *check_select(const def_cluster *c, const char *in, const char **canon)
{
    for (int i = 0; i < c->nitems; i++) {
        if (c->items[i].value && *c->items[i].value && !strcmp(c->items[i].value, in)) {
            *canon = c->items[i].value;
            return NULL;
        }
    }
    return "not_in_items";
}

static const char *check_multiple(arena *a, const def_cluster *c, const char *in, const char **canon)
{
    bool *sel = arena_calloc(a, (size_t)c->nitems + 1, sizeof *sel);
    long count = 0;
    for (const char *p = in;;) {
        const char *t = strchr(p, '\t');
        size_t len = t ? (size_t)(t - p) : strlen(p);
        int found = -1;
        for (int i = 0; i < c->nitems && found < 0 && len; i++) {
            const char *v = c->items[i].value;
            if (v && strlen(v) == len && !memcmp(v, p, len))
                found = i;
        }
        if (found < 0 || sel[found])
            return "not_in_items";
        sel[found] = true;
        count++;
        if (!t)
            break;
        p = t + 1;
    }
    long lim;
    if (param_long(c, "minSelected", 0, 100000, &lim) && count < lim)
        return "too_few_selected";
    if (param_long(c, "maxSelected", 0, 100000, &lim) && count > lim)
        return "too_many_selected";
    buf b;
    buf_init(&b, a);
    bool first = true;
    for (int i = 0; i < c->nitems; i++) {
        if (sel[i]) {
            buf_printf(&b, "%s%s", first ? "" : "\t", c->items[i].value);
            first = false;
        }
    }
    *canon = b.data;
    return NULL;
}

/* ---- the entry points ---- */

bool value_server_computed(cluster_type t)
{
    switch (t) {
    case CT_CALCULATE: case CT_TIME_CALCULATE: case CT_REGISTRANT: case CT_REGISTER_DATE:
    case CT_UPDATER: case CT_UPDATE_DATE: case CT_LOGIN_USER:
        return true;
    default:
        return false;
    }
}

bool value_read_only(cluster_type t)
{
    switch (t) {
    case CT_KEYBOARD_TEXT: case CT_NUMERIC: case CT_NUMERIC_SELECT: case CT_DATE: case CT_TIME:
    case CT_CHECK: case CT_SELECT: case CT_MULTIPLE_CHOICE: case CT_TOGGLE: case CT_GPS:
    case CT_CODE_READER: case CT_MASTER_SELECT:
        return false;
    default:
        return true;
    }
}

const char *value_check(arena *a, const def_cluster *c, const char *input, const value_ctx *ctx,
                        const char **canon, bool *out_of_normal)
{
    const char *cv = NULL;
    bool oon = false;
    const char *err = NULL;
    if (!input || !*input)
        cv = "";
    else if (value_read_only(c->type))
        err = "read_only";
    else {
        switch (c->type) {
        case CT_KEYBOARD_TEXT:
        case CT_CODE_READER:
            err = check_keyboard(a, c, input, &cv);
            break;
        case CT_NUMERIC:
            err = check_numeric(a, c, input, &cv, &oon);
            break;
        case CT_NUMERIC_SELECT:
            err = check_numeric_select(a, c, input, &cv);
            break;
        case CT_DATE:
            err = check_date(c, input, ctx, &cv);
            break;
        case CT_TIME:
            err = check_time(a, c, input, &cv);
            break;
        case CT_CHECK:
            if (strcmp(input, "1"))
                err = "bad_check";
            else
                cv = input;
            break;
        case CT_SELECT:
            err = def_param_get(c, "master") ? check_master(a, input, &cv) : check_select(c, input, &cv);
            break;
        case CT_TOGGLE:
            err = check_select(c, input, &cv);
            break;
        case CT_MULTIPLE_CHOICE:
            err = check_multiple(a, c, input, &cv);
            break;
        case CT_GPS:
            err = check_gps(a, input, &cv);
            break;
        case CT_MASTER_SELECT:
            err = check_master(a, input, &cv);
            break;
        default:
            err = "read_only";
            break;
        }
    }
    if (err) {
        cv = NULL;
        oon = false;
    }
    if (canon)
        *canon = cv;
    if (out_of_normal)
        *out_of_normal = oon;
    return err;
}

bool value_required_missing(const def_cluster *c, const char *v)
{
    if (!c->required || c->type == CT_FIXED_TEXT)
        return false;
    if (!v || !*v)
        return true;
    if (c->type != CT_KEYBOARD_TEXT && c->type != CT_CODE_READER)
        return false;
    for (const char *p = v; *p;) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        else if (!strncmp(p, "\xE3\x80\x80", 3))
            p += 3;
        else
            return false;
    }
    return true;
}

bool value_searchable(cluster_type t)
{
    return t != CT_FIXED_TEXT && t != CT_IMAGE && t != CT_HANDWRITING && t != CT_FREE_DRAW && t != CT_CREATE &&
           t != CT_INSPECT && t != CT_APPROVE;
}

bool value_indexed(cluster_type t)
{
    switch (t) {
    case CT_KEYBOARD_TEXT: case CT_CODE_READER: case CT_SELECT: case CT_MASTER_SELECT: case CT_NUMERIC_SELECT:
    case CT_TOGGLE:
        return true;
    default:
        return false;
    }
}
