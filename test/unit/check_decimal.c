/* Unit tests of exact decimals (forms/decimal.c).  Table-driven: every row
 * is a Check test of its own (loop tests), named by its line in this file. */
#include "tests.h"
#include "forms/decimal.h"
#include "util/arena.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    int line;
    const char *in;
    dec_status st;
    const char *out;    /* dec_format of the parsed value (scale as written) */
    int sig;
} dparse[] = {
    {__LINE__, "0", DEC_OK, "0", 0},
    {__LINE__, "-0", DEC_OK, "0", 0},
    {__LINE__, "-0.00", DEC_OK, "0.00", 0},
    {__LINE__, "007", DEC_OK, "7", 1},
    {__LINE__, "-007.50", DEC_OK, "-7.50", 2},
    {__LINE__, "1.50", DEC_OK, "1.50", 2},
    {__LINE__, "0.05", DEC_OK, "0.05", 1},
    {__LINE__, "100", DEC_OK, "100", 3},
    {__LINE__, "123456789012345", DEC_OK, "123456789012345", 15},
    {__LINE__, "-123456789012345", DEC_OK, "-123456789012345", 15},
    {__LINE__, "1234567890123456", DEC_TOO_MANY_DIGITS, "0", 0},
    {__LINE__, "1000000000000000", DEC_TOO_MANY_DIGITS, "0", 0},
    {__LINE__, "100000000000000", DEC_OK, "100000000000000", 15},
    {__LINE__, "0.123456789012345", DEC_OK, "0.123456789012345", 15},
    {__LINE__, "0.1234567890123456", DEC_TOO_MANY_DIGITS, "0", 0},
    {__LINE__, "12345678901234.5", DEC_OK, "12345678901234.5", 15},
    {__LINE__, "12345678901234.56", DEC_TOO_MANY_DIGITS, "0", 0},
    {__LINE__, "100000000000000.0", DEC_OK, "100000000000000.0", 15},
    {__LINE__, "1.500000000000000000", DEC_OK, "1.500000000000000000", 2},
    {__LINE__, "0.000000000000000000000000000001", DEC_OK, "0.000000000000000000000000000001", 1},
    {__LINE__, "0.0000000000000000000000000000001", DEC_TOO_MANY_PLACES, "0", 0},
    {__LINE__, "000000000000000000000000000001", DEC_OK, "1", 1},
    {__LINE__, "", DEC_SYNTAX, "0", 0},
    {__LINE__, "-", DEC_SYNTAX, "0", 0},
    {__LINE__, "+1", DEC_SYNTAX, "0", 0},
    {__LINE__, "1e3", DEC_SYNTAX, "0", 0},
    {__LINE__, "1E3", DEC_SYNTAX, "0", 0},
    {__LINE__, ".5", DEC_SYNTAX, "0", 0},
    {__LINE__, "-.5", DEC_SYNTAX, "0", 0},
    {__LINE__, "5.", DEC_SYNTAX, "0", 0},
    {__LINE__, " 1", DEC_SYNTAX, "0", 0},
    {__LINE__, "1 ", DEC_SYNTAX, "0", 0},
    {__LINE__, "\xEF\xBC\x91", DEC_SYNTAX, "0", 0},        /* full-width 1 */
    {__LINE__, "1\xEF\xBC\x92", DEC_SYNTAX, "0", 0},
    {__LINE__, "NaN", DEC_SYNTAX, "0", 0},
    {__LINE__, "Infinity", DEC_SYNTAX, "0", 0},
    {__LINE__, "-inf", DEC_SYNTAX, "0", 0},
    {__LINE__, "0x10", DEC_SYNTAX, "0", 0},
    {__LINE__, "1,000", DEC_SYNTAX, "0", 0},
    {__LINE__, "1_000", DEC_SYNTAX, "0", 0},
    {__LINE__, "1.2.3", DEC_SYNTAX, "0", 0},
    {__LINE__, "--1", DEC_SYNTAX, "0", 0},
    {__LINE__, "1-", DEC_SYNTAX, "0", 0},
};

START_TEST(decimal_parse)
{
    decimal d;
    char out[DEC_STRLEN];
    dec_status st = dec_parse(dparse[_i].in, &d);
    ck_assert_msg(st == dparse[_i].st, "line %d '%s': status %d", dparse[_i].line, dparse[_i].in, st);
    dec_format(&d, out, sizeof out);
    ck_assert_msg(!strcmp(out, dparse[_i].out), "line %d: got %s", dparse[_i].line, out);
    ck_assert_msg(dec_significant(&d) == dparse[_i].sig, "line %d: sig %d", dparse[_i].line, dec_significant(&d));
}
END_TEST

/* op: + - * / (10 places), r (round to b places), c (compare: expect -1 0 1), t (trim a) */
static const struct {
    int line;
    char op;
    const char *a, *b, *want;   /* want NULL: the status below */
    dec_status st;
} darith[] = {
    {__LINE__, '+', "0.1", "0.2", "0.3", 0},
    {__LINE__, '+', "1", "-1", "0", 0},
    {__LINE__, '+', "-0.5", "0.25", "-0.25", 0},
    {__LINE__, '+', "0.25", "-0.5", "-0.25", 0},
    {__LINE__, '+', "-1", "-2", "-3", 0},
    {__LINE__, '+', "1.5", "1.5", "3.0", 0},
    {__LINE__, '+', "0", "-0.0", "0.0", 0},
    {__LINE__, '+', "999999999999999", "1", "1000000000000000", 0},
    {__LINE__, '+', "0.000000000000000000000000000001", "100000000000000", "100000000000000.000000000000000000000000000001", 0},
    {__LINE__, '-', "0.3", "0.1", "0.2", 0},
    {__LINE__, '-', "1", "2", "-1", 0},
    {__LINE__, '-', "-1", "-1", "0", 0},
    {__LINE__, '-', "0.1", "0.10", "0.00", 0},
    {__LINE__, '-', "0", "5", "-5", 0},
    {__LINE__, '-', "-2", "3", "-5", 0},
    {__LINE__, '*', "1.5", "2", "3.0", 0},
    {__LINE__, '*', "-1.5", "2", "-3.0", 0},
    {__LINE__, '*', "-1.5", "-2", "3.0", 0},
    {__LINE__, '*', "-1.5", "-2.0", "3.00", 0},
    {__LINE__, '*', "0", "-5", "0", 0},
    {__LINE__, '*', "0.1", "0.1", "0.01", 0},
    {__LINE__, '*', "123456789012345", "123456789012345", "15241578753238669120562399025", 0},
    {__LINE__, '*', "0.000000000000001", "0.000000000000001", "0.000000000000000000000000000001", 0},
    {__LINE__, '*', "0.0000000000000005", "0.000000000000001", "0.000000000000000000000000000001", 0},
    {__LINE__, '*', "0.0000000000000004", "0.000000000000001", "0.000000000000000000000000000000", 0},
    {__LINE__, '*', "-0.0000000000000004", "0.000000000000001", "0.000000000000000000000000000000", 0},
    {__LINE__, '/', "1", "3", "0.3333333333", 0},
    {__LINE__, '/', "2", "3", "0.6666666667", 0},
    {__LINE__, '/', "-2", "3", "-0.6666666667", 0},
    {__LINE__, '/', "-1", "-3", "0.3333333333", 0},
    {__LINE__, '/', "1", "8", "0.1250000000", 0},
    {__LINE__, '/', "10", "4", "2.5000000000", 0},
    {__LINE__, '/', "0", "5", "0.0000000000", 0},
    {__LINE__, '/', "0.3", "0.1", "3.0000000000", 0},
    {__LINE__, '/', "1", "0.0000000003", "3333333333.3333333333", 0},
    {__LINE__, '/', "123456789012345", "0.001", "123456789012345000.0000000000", 0},
    {__LINE__, '/', "0.00000000005", "1", "0.0000000001", 0},
    {__LINE__, '/', "-0.00000000005", "1", "-0.0000000001", 0},
    {__LINE__, '/', "0.00000000004", "1", "0.0000000000", 0},
    {__LINE__, '/', "-0.00000000004", "1", "0.0000000000", 0},
    {__LINE__, '/', "1", "0", NULL, DEC_DIV_ZERO},
    {__LINE__, '/', "0", "0.000", NULL, DEC_DIV_ZERO},
    {__LINE__, 'r', "2.5", "0", "3", 0},
    {__LINE__, 'r', "-2.5", "0", "-3", 0},
    {__LINE__, 'r', "2.4", "0", "2", 0},
    {__LINE__, 'r', "-2.4", "0", "-2", 0},
    {__LINE__, 'r', "-0.4", "0", "0", 0},
    {__LINE__, 'r', "0.5", "0", "1", 0},
    {__LINE__, 'r', "1.005", "2", "1.01", 0},
    {__LINE__, 'r', "1.004", "2", "1.00", 0},
    {__LINE__, 'r', "-1.005", "2", "-1.01", 0},
    {__LINE__, 'r', "9.99", "1", "10.0", 0},
    {__LINE__, 'r', "99999999999999.5", "0", "100000000000000", 0},
    {__LINE__, 'r', "5", "1", "5.0", 0},
    {__LINE__, 'r', "5", "3", "5.000", 0},
    {__LINE__, 'r', "1250", "-2", "1300", 0},
    {__LINE__, 'r', "-1250", "-2", "-1300", 0},
    {__LINE__, 'r', "1249", "-2", "1200", 0},
    {__LINE__, 'r', "49", "-2", "0", 0},
    {__LINE__, 'r', "50", "-2", "100", 0},
    {__LINE__, 'r', "0.05", "-1", "0", 0},
    {__LINE__, 'r', "1234.5678", "-1", "1230", 0},
    {__LINE__, 'c', "1.0", "1", "0", 0},
    {__LINE__, 'c', "-0", "0", "0", 0},
    {__LINE__, 'c', "0.1", "0.09", "1", 0},
    {__LINE__, 'c', "-1", "-2", "1", 0},
    {__LINE__, 'c', "-2", "1", "-1", 0},
    {__LINE__, 'c', "10", "9.999", "1", 0},
    {__LINE__, 'c', "0", "-0.0001", "1", 0},
    {__LINE__, 'c', "-0.0001", "0", "-1", 0},
    {__LINE__, 'c', "123456789012345", "123456789012344", "1", 0},
    {__LINE__, 'c', "12345678901234.5", "12345678901234.50", "0", 0},
    {__LINE__, 't', "1.500", "", "1.5", 0},
    {__LINE__, 't', "2.0", "", "2", 0},
    {__LINE__, 't', "0.000", "", "0", 0},
    {__LINE__, 't', "100", "", "100", 0},
    {__LINE__, 't', "-0.10", "", "-0.1", 0},
    {__LINE__, 't', "10.010", "", "10.01", 0},
};

START_TEST(decimal_arith)
{
    decimal a, b, r;
    char out[DEC_STRLEN];
    const char *want = darith[_i].want;
    int line = darith[_i].line;
    ck_assert_msg(dec_parse(darith[_i].a, &a) == DEC_OK, "line %d: a", line);
    ck_assert_msg(darith[_i].op == 't' || darith[_i].op == 'r' || dec_parse(darith[_i].b, &b) == DEC_OK, "line %d: b", line);
    dec_status st = DEC_OK;
    switch (darith[_i].op) {
    case '+': st = dec_add(&a, &b, &r); break;
    case '-': st = dec_sub(&a, &b, &r); break;
    case '*': st = dec_mul(&a, &b, &r); break;
    case '/': st = dec_div(&a, &b, 10, &r); break;
    case 'r': st = dec_round(&a, atoi(darith[_i].b), &r); break;
    case 't': r = a; dec_trim(&r); break;
    default: dec_from_int(&r, dec_cmp(&a, &b)); break;
    }
    ck_assert_msg(st == (want ? DEC_OK : darith[_i].st), "line %d: status %d", line, st);
    if (want) {
        dec_format(&r, out, sizeof out);
        ck_assert_msg(!strcmp(out, want), "line %d: got %s, want %s", line, out, want);
    }
}
END_TEST

START_TEST(decimal_misc)
{
    decimal a, b, r;
    char out[DEC_STRLEN];
    /* results may alias operands */
    dec_parse("1.25", &a);
    dec_parse("2", &b);
    ck_assert_int_eq(dec_mul(&a, &b, &a), DEC_OK);
    dec_format(&a, out, sizeof out);
    ck_assert_str_eq(out, "2.50");
    ck_assert_int_eq(dec_div(&a, &b, 3, &b), DEC_OK);
    dec_format(&b, out, sizeof out);
    ck_assert_str_eq(out, "1.250");
    /* intermediates beyond 15 digits are fine; beyond DEC_DIGITS overflow */
    dec_parse("999999999999999", &a);
    r = a;
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(dec_mul(&r, &a, &r), DEC_OK);
    ck_assert_int_eq(r.n, 90);
    ck_assert_int_eq(dec_mul(&r, &a, &r), DEC_OVERFLOW);
    ck_assert(dec_is_zero(&r));
    /* a quotient too long: 90 digits / 10^-15 with 30 places */
    dec_parse("999999999999999", &a);
    r = a;
    for (int i = 0; i < 5; i++)
        dec_mul(&r, &a, &r);
    dec_parse("0.000000000000001", &b);
    ck_assert_int_eq(dec_div(&r, &b, 30, &r), DEC_OVERFLOW);
    ck_assert(dec_is_zero(&r));
    /* integers */
    dec_from_int(&r, -1234567890123LL);
    dec_format(&r, out, sizeof out);
    ck_assert_str_eq(out, "-1234567890123");
    dec_from_int(&r, 0);
    ck_assert(dec_is_zero(&r) && !r.neg);
    dec_from_int(&r, -9223372036854775807LL - 1);
    dec_format(&r, out, sizeof out);
    ck_assert_str_eq(out, "-9223372036854775808");
    /* negation and abs never make -0 */
    dec_zero(&r);
    dec_neg(&r);
    dec_format(&r, out, sizeof out);
    ck_assert_str_eq(out, "0");
    dec_parse("-3.5", &r);
    dec_abs(&r);
    dec_format(&r, out, sizeof out);
    ck_assert_str_eq(out, "3.5");
    /* dec_format: short buffers, needed length */
    dec_parse("-123.45", &r);
    ck_assert_uint_eq(dec_format(&r, out, 4), 7);
    ck_assert_str_eq(out, "-12");
    ck_assert_uint_eq(dec_format(&r, NULL, 0), 7);
    arena *ar = arena_new();
    ck_assert_str_eq(dec_str(ar, &r), "-123.45");
    arena_free(&ar);
    /* places as written */
    ck_assert_int_eq(dec_places_written("1.50"), 2);
    ck_assert_int_eq(dec_places_written("-0.001"), 3);
    ck_assert_int_eq(dec_places_written("12"), 0);
    ck_assert_int_eq(dec_places_written("1.0000000000000000000000000000000000"), 34);
    ck_assert_int_eq(dec_places_written("1e3"), -1);
    ck_assert_int_eq(dec_places_written(NULL), -1);
    /* a very long run of leading zeros is still one digit */
    char *big = malloc(3000001);
    memset(big, '0', 3000000);
    strcpy(big + 2999999, "7");
    ck_assert_int_eq(dec_parse(big, &r), DEC_OK);
    dec_format(&r, out, sizeof out);
    ck_assert_str_eq(out, "7");
    free(big);
}
END_TEST

TCase *tcase_decimal(void)
{
    TCase *tc = tcase_create("decimal");
    tcase_add_loop_test(tc, decimal_parse, 0, (int)(sizeof dparse / sizeof dparse[0]));
    tcase_add_loop_test(tc, decimal_arith, 0, (int)(sizeof darith / sizeof darith[0]));
    tcase_add_test(tc, decimal_misc);
    return tc;
}
