/* Unit tests of the per-type value rules (forms/value.c), and the values
 * suite (decimals, values, formulas).  Table-driven: every row is a Check
 * test of its own (loop tests), named by its line in this file. */
#include "tests.h"
#include "forms/value.h"
#include "util/arena.h"

#include <string.h>

def_cluster *test_cluster(arena *a, cluster_type t, const char *params, const char *items)
{
    def_cluster *c = arena_calloc(a, 1, sizeof *c);
    c->type = t;
    c->sheet_no = 1;
    c->params = arena_calloc(a, 16, sizeof *c->params);
    c->items = arena_calloc(a, 16, sizeof *c->items);
    for (const char *p = params; p && *p;) {
        const char *end = strchr(p, ';'), *eq = strchr(p, '=');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        ck_assert_msg(eq && eq < p + len && c->nparams < 16, "bad test params '%s'", params);
        c->params[c->nparams].name = arena_strndup(a, p, (size_t)(eq - p));
        c->params[c->nparams++].value = arena_strndup(a, eq + 1, len - (size_t)(eq - p) - 1);
        p = end ? end + 1 : p + len;
    }
    for (const char *p = items; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        ck_assert_int_lt(c->nitems, 16);
        c->items[c->nitems].value = arena_strndup(a, p, len);
        c->items[c->nitems++].label = "label";
        p = end ? end + 1 : p + len;
    }
    return c;
}

/* ---- values ---- */

#define TODAY "2024-03-15"
#define KT CT_KEYBOARD_TEXT
#define NU CT_NUMERIC
#define ALNUM "charset=alphanumeric"
#define MC_ITEMS "noise,leak,vibration,heat"

static const struct vcase {
    int line;
    cluster_type t;
    const char *params, *items;
    const char *today;    /* NULL: TODAY; "-": no context */
    const char *in;
    const char *err;      /* NULL: accepted */
    const char *canon;    /* when accepted */
    bool oon;
} vcases[] = {
#define V(t, p, it, in, err, canon) {__LINE__, t, p, it, NULL, in, err, canon, false}
#define VN(t, p, in, canon) {__LINE__, t, p, NULL, NULL, in, NULL, canon, true}
#define VD(today, p, in, err) {__LINE__, CT_DATE, p, NULL, today, in, err, err ? NULL : in, false}
    /* KeyboardText: length in code points */
    V(KT, NULL, NULL, "", NULL, ""),
    V(KT, NULL, NULL, "abc", NULL, "abc"),
    V(KT, NULL, NULL, "日本語のテキスト", NULL, "日本語のテキスト"),
    V(KT, NULL, NULL, " leading and trailing ", NULL, " leading and trailing "),
    V(KT, "maxLength=3", NULL, "abc", NULL, "abc"),
    V(KT, "maxLength=3", NULL, "abcd", "too_long", NULL),
    V(KT, "maxLength=3", NULL, "日本語", NULL, "日本語"),
    V(KT, "maxLength=3", NULL, "日本語x", "too_long", NULL),
    V(KT, "maxLength=1", NULL, "e\xCC\x81", "too_long", NULL),          /* e + combining acute: 2 */
    V(KT, "maxLength=2", NULL, "e\xCC\x81", NULL, "e\xCC\x81"),
    V(KT, "maxLength=1", NULL, "\xC3\xA9", NULL, "\xC3\xA9"),           /* precomposed é: 1 */
    V(KT, "maxLength=1", NULL, "\xF0\x9F\x98\x80", NULL, "\xF0\x9F\x98\x80"),   /* emoji: 1 */
    V(KT, "maxLength=1", NULL, "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", "too_long", NULL),  /* thumbs up + skin tone: 2 */
    V(KT, "maxLength=2", NULL, "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5", NULL, "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5"),  /* flag: 2 */
    V(KT, "maxLength=0", NULL, "a", "too_long", NULL),
    V(KT, "maxLength=0", NULL, "", NULL, ""),
    V(KT, "maxLength=abc", NULL, "abcdef", NULL, "abcdef"),             /* malformed: ignored */
    /* charsets */
    V(KT, ALNUM, NULL, "AB12cd", NULL, "AB12cd"),
    V(KT, ALNUM, NULL, "AB-12", "bad_charset", NULL),
    V(KT, ALNUM, NULL, "ab cd", "bad_charset", NULL),
    V(KT, ALNUM, NULL, "\xEF\xBC\xA1\xEF\xBC\xA2", "bad_charset", NULL),   /* full-width AB */
    V(KT, ALNUM, NULL, "\xC3\xA9t\xC3\xA9", "bad_charset", NULL),
    V(KT, ALNUM ";maxLength=12", NULL, "M0123456789A", NULL, "M0123456789A"),
    V(KT, ALNUM ";maxLength=12", NULL, "M0123456789AB", "too_long", NULL),
    V(KT, "charset=digits", NULL, "0123", NULL, "0123"),
    V(KT, "charset=digits", NULL, "12a", "bad_charset", NULL),
    V(KT, "charset=digits", NULL, "-12", "bad_charset", NULL),
    V(KT, "charset=digits", NULL, "\xEF\xBC\x91\xEF\xBC\x92", "bad_charset", NULL),  /* full-width 12 */
    V(KT, "charset=ascii", NULL, "Hello, World! ~{}", NULL, "Hello, World! ~{}"),
    V(KT, "charset=ascii", NULL, " ", NULL, " "),
    V(KT, "charset=ascii", NULL, "caf\xC3\xA9", "bad_charset", NULL),
    V(KT, "charset=ascii", NULL, "\xE3\x80\x80", "bad_charset", NULL),     /* ideographic space */
    V(KT, "charset=any", NULL, "何でも OK", NULL, "何でも OK"),
    V(KT, "charset=kana", NULL, "日本", NULL, "日本"),                       /* unknown: any */
    /* control characters and line breaks */
    V(KT, NULL, NULL, "a\tb", "bad_charset", NULL),
    V(KT, NULL, NULL, "a\nb", "bad_charset", NULL),
    V(KT, NULL, NULL, "a\rb", "bad_charset", NULL),
    V(KT, "lines=1", NULL, "a\nb", "bad_charset", NULL),
    V(KT, "lines=4", NULL, "a\nb", NULL, "a\nb"),
    V(KT, "lines=2", NULL, "a\n\n\nb\n", NULL, "a\n\n\nb\n"),             /* lines does not count lines */
    V(KT, "lines=4", NULL, "a\r\nb", NULL, "a\nb"),
    V(KT, "lines=4", NULL, "a\rb", NULL, "a\nb"),
    V(KT, "lines=4", NULL, "a\r\n\r\nb\r", NULL, "a\n\nb\n"),
    V(KT, "lines=4;maxLength=3", NULL, "a\r\nb", NULL, "a\nb"),           /* CR LF counts as one */
    V(KT, "lines=4;maxLength=2", NULL, "a\r\nb", "too_long", NULL),
    V(KT, "lines=4", NULL, "a\tb", "bad_charset", NULL),
    V(KT, "lines=4;" ALNUM, NULL, "ab\ncd", NULL, "ab\ncd"),
    V(KT, NULL, NULL, "a\x01", "bad_charset", NULL),
    V(KT, NULL, NULL, "a\x1f", "bad_charset", NULL),
    V(KT, NULL, NULL, "a\x7f", "bad_charset", NULL),
    V(KT, NULL, NULL, "a\xC2\x85", "bad_charset", NULL),                  /* NEL, C1 control */
    V(KT, NULL, NULL, "a\xC2\x9F", "bad_charset", NULL),
    V(KT, NULL, NULL, "a\xC2\xA0", NULL, "a\xC2\xA0"),                    /* no-break space is text */
    V(KT, NULL, NULL, "a\x1b[31m", "bad_charset", NULL),
    /* invalid UTF-8 */
    V(KT, NULL, NULL, "\xff", "bad_charset", NULL),
    V(KT, NULL, NULL, "\xC0\xAF", "bad_charset", NULL),                   /* overlong '/' */
    V(KT, NULL, NULL, "\xE0\x80\xAF", "bad_charset", NULL),
    V(KT, NULL, NULL, "\xED\xA0\x80", "bad_charset", NULL),               /* surrogate */
    V(KT, NULL, NULL, "\xF4\x90\x80\x80", "bad_charset", NULL),           /* above U+10FFFF */
    V(KT, NULL, NULL, "\xE3\x81", "bad_charset", NULL),                   /* cut short */
    V(KT, NULL, NULL, "\x8d\xb2\x93\xa1", "bad_charset", NULL),           /* Shift_JIS */
    V(KT, NULL, NULL, "\xE3\x81\x82", NULL, "\xE3\x81\x82"),
    /* pattern: the whole value */
    V(KT, "pattern=[A-Z]{2}[0-9]{4}", NULL, "AB1234", NULL, "AB1234"),
    V(KT, "pattern=^[A-Z]{2}[0-9]{4}$", NULL, "AB1234", NULL, "AB1234"),
    V(KT, "pattern=[A-Z]{2}[0-9]{4}", NULL, "AB12345", "pattern_mismatch", NULL),
    V(KT, "pattern=[A-Z]{2}[0-9]{4}", NULL, "xAB1234", "pattern_mismatch", NULL),
    V(KT, "pattern=[A-Z]{2}[0-9]{4}", NULL, "ab1234", "pattern_mismatch", NULL),
    V(KT, "pattern=[A-Z]{2}", NULL, "ABC", "pattern_mismatch", NULL),
    V(KT, "pattern=a|ab", NULL, "ab", NULL, "ab"),
    V(KT, "pattern=a|ab", NULL, "abc", "pattern_mismatch", NULL),
    V(KT, "pattern=(a|ab)(c|bcd)", NULL, "abcd", NULL, "abcd"),
    V(KT, "pattern=x)|(y", NULL, "y", "pattern_mismatch", NULL),         /* does not compile */
    V(KT, "pattern=[", NULL, "[", "pattern_mismatch", NULL),
    V(KT, "pattern=a{2,1}", NULL, "aa", "pattern_mismatch", NULL),
    V(KT, "pattern=.{3}", NULL, "日本語", NULL, "日本語"),                 /* '.' is a character */
    V(KT, "pattern=.{3}", NULL, "日本", "pattern_mismatch", NULL),
    V(KT, "pattern=[0-9]+", NULL, "", NULL, ""),                          /* empty: no value */
    V(KT, "pattern=[0-9]+", NULL, "12\xE3\x80\x80", "pattern_mismatch", NULL),
    V(KT, "pattern=[0-9]+;maxLength=2", NULL, "123", "too_long", NULL),
    V(KT, "pattern=[0-9]+;charset=ascii", NULL, "caf\xC3\xA9", "bad_charset", NULL),
    V(KT, "lines=3;pattern=a.b", NULL, "a\nb", NULL, "a\nb"),
    /* CodeReader */
    V(CT_CODE_READER, "maxLength=5", NULL, "12345", NULL, "12345"),
    V(CT_CODE_READER, "maxLength=5", NULL, "123456", "too_long", NULL),
    V(CT_CODE_READER, "pattern=4[59][0-9]{11}", NULL, "4901234567894", NULL, "4901234567894"),
    V(CT_CODE_READER, "pattern=4[59][0-9]{11}", NULL, "490123456789", "pattern_mismatch", NULL),
    V(CT_CODE_READER, NULL, NULL, "QR\ncode", "bad_charset", NULL),
    V(CT_CODE_READER, NULL, NULL, "https://example.com/a?b=c", NULL, "https://example.com/a?b=c"),
    /* Numeric: places */
    V(NU, "decimalPlaces=1", NULL, "5", NULL, "5.0"),
    V(NU, "decimalPlaces=1", NULL, "5.0", NULL, "5.0"),
    V(NU, "decimalPlaces=1", NULL, "5.00", "too_many_decimals", NULL),
    V(NU, "decimalPlaces=1", NULL, "5.25", "too_many_decimals", NULL),
    V(NU, "decimalPlaces=2", NULL, "5.25", NULL, "5.25"),
    V(NU, "decimalPlaces=3", NULL, "-5.2", NULL, "-5.200"),
    V(NU, "decimalPlaces=0", NULL, "5", NULL, "5"),
    V(NU, "decimalPlaces=0", NULL, "5.0", "too_many_decimals", NULL),
    V(NU, "decimalPlaces=10", NULL, "0.1234567891", NULL, "0.1234567891"),
    V(NU, "decimalPlaces=10", NULL, "1", NULL, "1.0000000000"),
    V(NU, "decimalPlaces=10", NULL, "0.12345678912", "too_many_decimals", NULL),
    V(NU, NULL, NULL, "1.50", NULL, "1.5"),
    V(NU, NULL, NULL, "1.0000000000", NULL, "1"),
    V(NU, NULL, NULL, "1.00000000001", "too_many_decimals", NULL),
    V(NU, NULL, NULL, "0.0000000001", NULL, "0.0000000001"),
    V(NU, NULL, NULL, "1.00000000000000000000", "too_many_decimals", NULL),
    V(NU, NULL, NULL, "1.0000000000000000000000000000000", "too_many_decimals", NULL),
    V(NU, "decimalPlaces=abc", NULL, "1.25", NULL, "1.25"),
    V(NU, "decimalPlaces=11", NULL, "1.250", NULL, "1.25"),
    V(NU, "decimalPlaces=-1", NULL, "1.25", NULL, "1.25"),
    /* Numeric: canonical forms */
    V(NU, NULL, NULL, "0", NULL, "0"),
    V(NU, NULL, NULL, "-0", NULL, "0"),
    V(NU, NULL, NULL, "-0.00", NULL, "0"),
    V(NU, "decimalPlaces=1", NULL, "-0.0", NULL, "0.0"),
    V(NU, "decimalPlaces=2", NULL, "-0", NULL, "0.00"),
    V(NU, NULL, NULL, "007", NULL, "7"),
    V(NU, NULL, NULL, "-007.50", NULL, "-7.5"),
    V(NU, NULL, NULL, "0.5", NULL, "0.5"),
    V(NU, NULL, NULL, "-12.5", NULL, "-12.5"),
    /* Numeric: not numbers */
    V(NU, NULL, NULL, "1e3", "not_a_number", NULL),
    V(NU, NULL, NULL, "1E-2", "not_a_number", NULL),
    V(NU, NULL, NULL, "+1", "not_a_number", NULL),
    V(NU, NULL, NULL, " 1", "not_a_number", NULL),
    V(NU, NULL, NULL, "1 ", "not_a_number", NULL),
    V(NU, NULL, NULL, "\xEF\xBC\x91\xEF\xBC\x92", "not_a_number", NULL),   /* full-width 12 */
    V(NU, NULL, NULL, "\xD9\xA1\xD9\xA2", "not_a_number", NULL),            /* Arabic-Indic 12 */
    V(NU, NULL, NULL, "NaN", "not_a_number", NULL),
    V(NU, NULL, NULL, "nan", "not_a_number", NULL),
    V(NU, NULL, NULL, "Infinity", "not_a_number", NULL),
    V(NU, NULL, NULL, "-", "not_a_number", NULL),
    V(NU, NULL, NULL, ".5", "not_a_number", NULL),
    V(NU, NULL, NULL, "5.", "not_a_number", NULL),
    V(NU, NULL, NULL, "1,000", "not_a_number", NULL),
    V(NU, NULL, NULL, "1,5", "not_a_number", NULL),
    V(NU, NULL, NULL, "1.2.3", "not_a_number", NULL),
    V(NU, NULL, NULL, "0x10", "not_a_number", NULL),
    V(NU, NULL, NULL, "--1", "not_a_number", NULL),
    V(NU, NULL, NULL, "abc", "not_a_number", NULL),
    V(NU, NULL, NULL, "1\n", "not_a_number", NULL),
    /* Numeric: 15 significant digits */
    V(NU, NULL, NULL, "123456789012345", NULL, "123456789012345"),
    V(NU, NULL, NULL, "-999999999999999", NULL, "-999999999999999"),
    V(NU, NULL, NULL, "1234567890123456", "too_many_digits", NULL),
    V(NU, NULL, NULL, "1000000000000000", "too_many_digits", NULL),
    V(NU, "decimalPlaces=1", NULL, "12345678901234.5", NULL, "12345678901234.5"),
    V(NU, "decimalPlaces=1", NULL, "123456789012345.6", "too_many_digits", NULL),
    V(NU, "decimalPlaces=2", NULL, "1234567890123.4", NULL, "1234567890123.40"),
    V(NU, NULL, NULL, "0000000000000000000001", NULL, "1"),
    V(NU, NULL, NULL, "0.0000000000001", "too_many_decimals", NULL),
    /* Numeric: limits (inclusive) and the normal range (a flag) */
    V(NU, "decimalPlaces=1;minimum=0;maximum=10", NULL, "0", NULL, "0.0"),
    V(NU, "decimalPlaces=1;minimum=0;maximum=10", NULL, "10", NULL, "10.0"),
    V(NU, "decimalPlaces=1;minimum=0;maximum=10", NULL, "-0", NULL, "0.0"),
    V(NU, "decimalPlaces=1;minimum=0;maximum=10", NULL, "-0.1", "below_minimum", NULL),
    V(NU, "decimalPlaces=1;minimum=0;maximum=10", NULL, "10.1", "above_maximum", NULL),
    V(NU, "decimalPlaces=1;minimum=0;maximum=10", NULL, "100", "above_maximum", NULL),
    V(NU, "decimalPlaces=1;minimum=-40;maximum=200", NULL, "-40", NULL, "-40.0"),
    V(NU, "decimalPlaces=1;minimum=-40;maximum=200", NULL, "-40.1", "below_minimum", NULL),
    V(NU, "minimum=0.1", NULL, "0.10", NULL, "0.1"),
    V(NU, "minimum=0.1", NULL, "0.09", "below_minimum", NULL),
    V(NU, "maximum=0.3", NULL, "0.30000000", NULL, "0.3"),
    V(NU, "maximum=0.3", NULL, "0.3000000001", "above_maximum", NULL),
    V(NU, "minimum=abc;maximum=", NULL, "-5", NULL, "-5"),
    V(NU, "decimalPlaces=1;minimum=0;maximum=10;normalMinimum=2.0;normalMaximum=6.5", NULL, "2", NULL, "2.0"),
    VN(NU, "decimalPlaces=1;minimum=0;maximum=10;normalMinimum=2.0;normalMaximum=6.5", "1.9", "1.9"),
    V(NU, "decimalPlaces=1;minimum=0;maximum=10;normalMinimum=2.0;normalMaximum=6.5", NULL, "6.5", NULL, "6.5"),
    VN(NU, "decimalPlaces=1;minimum=0;maximum=10;normalMinimum=2.0;normalMaximum=6.5", "6.6", "6.6"),
    VN(NU, "decimalPlaces=1;minimum=0;maximum=10;normalMinimum=2.0;normalMaximum=6.5", "0", "0.0"),
    VN(NU, "decimalPlaces=1;minimum=0;maximum=10;normalMinimum=2.0;normalMaximum=6.5", "10", "10.0"),
    V(NU, "decimalPlaces=1;minimum=0;maximum=10;normalMinimum=2.0;normalMaximum=6.5", NULL, "11", "above_maximum", NULL),
    VN(NU, "decimalPlaces=1;normalMaximum=80", "80.1", "80.1"),
    V(NU, "decimalPlaces=1;normalMaximum=80", NULL, "-40", NULL, "-40.0"),
    VN(NU, "normalMinimum=-0.5", "-0.6", "-0.6"),
    /* NumericSelect: equal as decimals */
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "1", NULL, "1"),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "1.0", NULL, "1"),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "1.50", NULL, "1.5"),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "2", NULL, "2.0"),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "010", NULL, "10"),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "-1.00", NULL, "-1"),
    V(CT_NUMERIC_SELECT, NULL, "0,5", "-0", NULL, "0"),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "3", "not_in_items", NULL),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "1.51", "not_in_items", NULL),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "abc", "not_a_number", NULL),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "1e1", "not_a_number", NULL),
    V(CT_NUMERIC_SELECT, NULL, "1,1.5,2.0,10,-1", "\xEF\xBC\x91", "not_a_number", NULL),
    V(CT_NUMERIC_SELECT, NULL, NULL, "1", "not_in_items", NULL),
    /* Date */
    VD(NULL, NULL, "2024-02-29", NULL),
    VD(NULL, NULL, "2023-02-29", "bad_date"),
    VD(NULL, NULL, "1900-02-29", "bad_date"),
    VD(NULL, NULL, "2000-02-29", NULL),
    VD(NULL, NULL, "2100-02-29", "bad_date"),
    VD(NULL, NULL, "2024-02-30", "bad_date"),
    VD(NULL, NULL, "2024-04-30", NULL),
    VD(NULL, NULL, "2024-04-31", "bad_date"),
    VD(NULL, NULL, "2024-12-31", NULL),
    VD(NULL, NULL, "2024-12-32", "bad_date"),
    VD(NULL, NULL, "2024-13-01", "bad_date"),
    VD(NULL, NULL, "2024-00-10", "bad_date"),
    VD(NULL, NULL, "2024-01-00", "bad_date"),
    VD(NULL, NULL, "0000-01-01", "bad_date"),
    VD(NULL, NULL, "0001-01-01", NULL),
    VD(NULL, NULL, "9999-12-31", NULL),
    VD(NULL, NULL, "10000-01-01", "bad_date"),
    VD(NULL, NULL, "2024-1-05", "bad_date"),
    VD(NULL, NULL, "2024-01-5", "bad_date"),
    VD(NULL, NULL, "2024/01/05", "bad_date"),
    VD(NULL, NULL, "24-01-05", "bad_date"),
    VD(NULL, NULL, "20240105", "bad_date"),
    VD(NULL, NULL, "2024-01-05T00:00", "bad_date"),
    VD(NULL, NULL, " 2024-01-05", "bad_date"),
    VD(NULL, NULL, "-024-01-05", "bad_date"),
    VD(NULL, NULL, "2024-+1-05", "bad_date"),
    VD(NULL, NULL, "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x94-01-01", "bad_date"),
    VD(NULL, NULL, "today", "bad_date"),
    /* Date bounds, relative to today = 2024-03-15 unless said */
    VD(NULL, "minimum=today-7;maximum=today", "2024-03-08", NULL),
    VD(NULL, "minimum=today-7;maximum=today", "2024-03-07", "date_out_of_range"),
    VD(NULL, "minimum=today-7;maximum=today", "2024-03-15", NULL),
    VD(NULL, "minimum=today-7;maximum=today", "2024-03-16", "date_out_of_range"),
    VD(NULL, "minimum=today+0", "2024-03-15", NULL),
    VD(NULL, "minimum=today+1", "2024-03-15", "date_out_of_range"),
    VD("2024-03-01", "minimum=today-1", "2024-02-29", NULL),
    VD("2024-03-01", "minimum=today-1", "2024-02-28", "date_out_of_range"),
    VD("2023-03-01", "minimum=today-1", "2023-02-28", NULL),
    VD("2023-03-01", "minimum=today-1", "2023-02-27", "date_out_of_range"),
    VD("2024-12-31", "maximum=today+1", "2025-01-01", NULL),
    VD("2024-12-31", "maximum=today+1", "2025-01-02", "date_out_of_range"),
    VD("2025-01-01", "minimum=today-1", "2024-12-31", NULL),
    VD("2025-01-01", "minimum=today-1", "2024-12-30", "date_out_of_range"),
    VD("2024-01-31", "maximum=today+29", "2024-02-29", NULL),
    VD("2024-01-31", "maximum=today+29", "2024-03-01", "date_out_of_range"),
    VD("2024-02-28", "maximum=today+366", "2025-02-28", NULL),
    VD("2024-02-28", "maximum=today+366", "2025-03-01", "date_out_of_range"),
    VD("2024-03-15", "minimum=today-365", "2023-03-16", NULL),
    VD("2024-03-15", "minimum=today-365", "2023-03-15", "date_out_of_range"),
    VD(NULL, "minimum=2024-01-01;maximum=2024-12-31", "2024-06-15", NULL),
    VD(NULL, "minimum=2024-01-01;maximum=2024-12-31", "2024-01-01", NULL),
    VD(NULL, "minimum=2024-01-01;maximum=2024-12-31", "2023-12-31", "date_out_of_range"),
    VD(NULL, "minimum=2024-01-01;maximum=2024-12-31", "2025-01-01", "date_out_of_range"),
    VD(NULL, "minimum=2024-01-01;maximum=2024-12-31", "2024-02-30", "bad_date"),
    VD("-", "minimum=today-7;maximum=today", "2000-01-01", NULL),       /* no context: ignored */
    VD("-", "minimum=2024-01-01", "2000-01-01", "date_out_of_range"),
    VD("garbage", "maximum=today", "2099-01-01", NULL),
    VD(NULL, "maximum=today+x;minimum=yesterday", "2099-01-01", NULL),  /* malformed: ignored */
    VD(NULL, "maximum=today+", "2099-01-01", NULL),
    VD(NULL, "maximum=today+1234567", "2099-01-01", NULL),
    VD(NULL, "minimum=today+999999", "2024-03-15", "date_out_of_range"),
    /* Time */
    V(CT_TIME, NULL, NULL, "00:00", NULL, "00:00"),
    V(CT_TIME, NULL, NULL, "23:59", NULL, "23:59"),
    V(CT_TIME, NULL, NULL, "09:05", NULL, "09:05"),
    V(CT_TIME, NULL, NULL, "24:00", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "12:60", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "9:05", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "09:5", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "0905", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "09.05", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "09:05:00", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "09:05 ", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "12:00am", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "-1:00", "bad_time", NULL),
    V(CT_TIME, NULL, NULL, "\xEF\xBC\x90\xEF\xBC\x99:00", "bad_time", NULL),
    V(CT_TIME, "seconds=false", NULL, "09:05", NULL, "09:05"),
    V(CT_TIME, "seconds=false", NULL, "09:05:07", "bad_time", NULL),
    V(CT_TIME, "seconds=true", NULL, "09:05:07", NULL, "09:05:07"),
    V(CT_TIME, "seconds=true", NULL, "09:05", NULL, "09:05:00"),
    V(CT_TIME, "seconds=true", NULL, "23:59:59", NULL, "23:59:59"),
    V(CT_TIME, "seconds=true", NULL, "23:59:60", "bad_time", NULL),
    V(CT_TIME, "seconds=true", NULL, "24:00:00", "bad_time", NULL),
    V(CT_TIME, "seconds=true", NULL, "09:05:7", "bad_time", NULL),
    V(CT_TIME, "seconds=true", NULL, "09:05:07.5", "bad_time", NULL),
    /* Check */
    V(CT_CHECK, NULL, NULL, "1", NULL, "1"),
    V(CT_CHECK, NULL, NULL, "", NULL, ""),
    V(CT_CHECK, NULL, NULL, "0", "bad_check", NULL),
    V(CT_CHECK, NULL, NULL, "true", "bad_check", NULL),
    V(CT_CHECK, NULL, NULL, "11", "bad_check", NULL),
    V(CT_CHECK, NULL, NULL, " 1", "bad_check", NULL),
    V(CT_CHECK, NULL, NULL, "\xEF\xBC\x91", "bad_check", NULL),
    /* Select, Toggle */
    V(CT_SELECT, NULL, "day,night", "day", NULL, "day"),
    V(CT_SELECT, NULL, "day,night", "night", NULL, "night"),
    V(CT_SELECT, NULL, "day,night", "Day", "not_in_items", NULL),
    V(CT_SELECT, NULL, "day,night", "day ", "not_in_items", NULL),
    V(CT_SELECT, NULL, "day,night", "evening", "not_in_items", NULL),
    V(CT_SELECT, NULL, "day,night", "day\tnight", "not_in_items", NULL),
    V(CT_SELECT, NULL, NULL, "day", "not_in_items", NULL),
    V(CT_SELECT, NULL, "日勤,夜勤", "夜勤", NULL, "夜勤"),
    V(CT_SELECT, "master=machines", NULL, "ABC-001", NULL, "ABC-001"),
    V(CT_SELECT, "master=machines", "day", "anything at all", NULL, "anything at all"),
    V(CT_SELECT, "master=machines", NULL, "a\tb", "bad_charset", NULL),
    V(CT_SELECT, "master=machines", NULL, "\xff", "bad_charset", NULL),
    V(CT_TOGGLE, NULL, "ok,ng,na", "ok", NULL, "ok"),
    V(CT_TOGGLE, NULL, "ok,ng,na", "na", NULL, "na"),
    V(CT_TOGGLE, NULL, "ok,ng,na", "NG", "not_in_items", NULL),
    V(CT_TOGGLE, "master=x", "ok,ng", "other", "not_in_items", NULL),
    /* MultipleChoice */
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "noise", NULL, "noise"),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "leak\tnoise", NULL, "noise\tleak"),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "heat\tnoise\tleak", NULL, "noise\tleak\theat"),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "heat\tvibration\tleak\tnoise", "too_many_selected", NULL),
    V(CT_MULTIPLE_CHOICE, NULL, MC_ITEMS, "heat\tvibration\tleak\tnoise", NULL, "noise\tleak\tvibration\theat"),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "noise\tnoise", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "noise\tleak\tnoise", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "noise\t", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "\tnoise", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "noise\t\tleak", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "\t", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "smoke", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "noise,leak", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "Noise", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "noise\nleak", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "nois", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=3", MC_ITEMS, "noisee", "not_in_items", NULL),
    V(CT_MULTIPLE_CHOICE, "minSelected=2", MC_ITEMS, "noise", "too_few_selected", NULL),
    V(CT_MULTIPLE_CHOICE, "minSelected=2", MC_ITEMS, "leak\tnoise", NULL, "noise\tleak"),
    V(CT_MULTIPLE_CHOICE, "minSelected=2", MC_ITEMS, "", NULL, ""),
    V(CT_MULTIPLE_CHOICE, "minSelected=2;maxSelected=2", MC_ITEMS, "heat\tleak", NULL, "leak\theat"),
    V(CT_MULTIPLE_CHOICE, "minSelected=2;maxSelected=2", MC_ITEMS, "heat\tleak\tnoise", "too_many_selected", NULL),
    V(CT_MULTIPLE_CHOICE, "maxSelected=x", MC_ITEMS, "heat\tleak\tnoise", NULL, "noise\tleak\theat"),
    V(CT_MULTIPLE_CHOICE, NULL, NULL, "noise", "not_in_items", NULL),
    /* Gps */
    V(CT_GPS, NULL, NULL, "35.681236,139.767125", NULL, "35.681236,139.767125"),
    V(CT_GPS, NULL, NULL, "35.6800,139.7600", NULL, "35.68,139.76"),
    V(CT_GPS, NULL, NULL, "-33.8688,151.2093", NULL, "-33.8688,151.2093"),
    V(CT_GPS, NULL, NULL, "-90,-180", NULL, "-90,-180"),
    V(CT_GPS, NULL, NULL, "90,180", NULL, "90,180"),
    V(CT_GPS, NULL, NULL, "90.000,180.000", NULL, "90,180"),
    V(CT_GPS, NULL, NULL, "-0,-0.0", NULL, "0,0"),
    V(CT_GPS, NULL, NULL, "90.0000001,0", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "-90.1,0", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "0,180.5", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "0,-180.01", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "91,0", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "35,139,40.5", NULL, "35,139,40.5"),
    V(CT_GPS, NULL, NULL, "35,139,-10.00", NULL, "35,139,-10"),
    V(CT_GPS, NULL, NULL, "35,139,9000", NULL, "35,139,9000"),
    V(CT_GPS, NULL, NULL, "35,139,1,2", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "35", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "35,", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, ",139", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "35,139,", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "35, 139", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "35.1;139.2", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "N35,E139", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "1e1,2", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, "35.1234567890123456,139", "bad_gps", NULL),
    V(CT_GPS, NULL, NULL, ",", "bad_gps", NULL),
    /* MasterSelect */
    V(CT_MASTER_SELECT, "master=parts", NULL, "K-001", NULL, "K-001"),
    V(CT_MASTER_SELECT, "master=parts", NULL, "部品-１", NULL, "部品-１"),
    V(CT_MASTER_SELECT, "master=parts", NULL, "x\ny", "bad_charset", NULL),
    /* read-only types: any value refused, empty accepted */
    V(CT_FIXED_TEXT, NULL, NULL, "x", "read_only", NULL),
    V(CT_CALCULATE, NULL, NULL, "1", "read_only", NULL),
    V(CT_TIME_CALCULATE, NULL, NULL, "1:00", "read_only", NULL),
    V(CT_REGISTRANT, NULL, NULL, "admin", "read_only", NULL),
    V(CT_REGISTER_DATE, NULL, NULL, "2024-01-01", "read_only", NULL),
    V(CT_UPDATER, NULL, NULL, "admin", "read_only", NULL),
    V(CT_UPDATE_DATE, NULL, NULL, "2024-01-01", "read_only", NULL),
    V(CT_LOGIN_USER, NULL, NULL, "admin", "read_only", NULL),
    V(CT_IMAGE, NULL, NULL, "att-1", "read_only", NULL),
    V(CT_HANDWRITING, NULL, NULL, "att-1", "read_only", NULL),
    V(CT_FREE_DRAW, NULL, NULL, "att-1", "read_only", NULL),
    V(CT_CREATE, NULL, NULL, "x", "read_only", NULL),
    V(CT_INSPECT, NULL, NULL, "x", "read_only", NULL),
    V(CT_APPROVE, "stage=1", NULL, "x", "read_only", NULL),
    V((cluster_type)99, NULL, NULL, "x", "read_only", NULL),
    V(CT_FIXED_TEXT, NULL, NULL, "", NULL, ""),
    V(CT_CALCULATE, NULL, NULL, "", NULL, ""),
    V(CT_IMAGE, NULL, NULL, "", NULL, ""),
    V(CT_APPROVE, NULL, NULL, "", NULL, ""),
    /* empty is "no value" for every type, whatever the parameters */
    V(NU, "minimum=5", NULL, "", NULL, ""),
    V(CT_NUMERIC_SELECT, NULL, "1", "", NULL, ""),
    V(CT_DATE, "minimum=today", NULL, "", NULL, ""),
    V(CT_TIME, "seconds=true", NULL, "", NULL, ""),
    V(CT_SELECT, NULL, "a", "", NULL, ""),
    V(CT_TOGGLE, NULL, "a", "", NULL, ""),
    V(CT_GPS, NULL, NULL, "", NULL, ""),
    V(CT_CODE_READER, "pattern=x", NULL, "", NULL, ""),
    V(CT_MASTER_SELECT, NULL, NULL, "", NULL, ""),
#undef V
#undef VN
#undef VD
};

START_TEST(value_case)
{
    const struct vcase *vc = &vcases[_i];
    arena *a = arena_new();
    def_cluster *c = test_cluster(a, vc->t, vc->params, vc->items);
    value_ctx ctx = {vc->today ? vc->today : TODAY};
    const char *canon = "unset";
    bool oon = !vc->oon;
    const char *err = value_check(a, c, vc->in, vc->today && !strcmp(vc->today, "-") ? NULL : &ctx, &canon, &oon);
    if (vc->err) {
        ck_assert_msg(err && !strcmp(err, vc->err), "line %d: '%s' gave %s, want %s", vc->line, vc->in,
                      err ? err : "accepted", vc->err);
        ck_assert_msg(!canon && !oon, "line %d: canon/flag set on error", vc->line);
    } else {
        ck_assert_msg(!err, "line %d: '%s' refused with %s", vc->line, vc->in, err);
        ck_assert_msg(canon && !strcmp(canon, vc->canon), "line %d: canon '%s', want '%s'", vc->line, canon,
                      vc->canon);
        ck_assert_msg(oon == vc->oon, "line %d: out_of_normal %d", vc->line, oon);
    }
    arena_free(&a);
}
END_TEST

Suite *suite_values(void)
{
    Suite *s = suite_create("values");
    suite_add_tcase(s, tcase_decimal());
    TCase *tc = tcase_create("value");
    tcase_add_loop_test(tc, value_case, 0, (int)(sizeof vcases / sizeof vcases[0]));
    suite_add_tcase(s, tc);
    suite_add_tcase(s, tcase_value_api());
    suite_add_tcase(s, tcase_formula());
    suite_add_tcase(s, tcase_formula_definition());
    return s;
}
