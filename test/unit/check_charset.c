#include "tests.h"
#include "util/arena.h"
#include "util/charset.h"

#include <stdlib.h>
#include <string.h>

/* Shift_JIS bytes made with `printf TEXT | iconv -f UTF-8 -t CP932 | xxd`. */
#define SJIS_SATO_SEIZOBU "\x8d\xb2\x93\xa1,\x90\xbb\x91\xa2\x95\x94" /* 佐藤,製造部 */

static const struct {
    const char *in;
    size_t len;        /* 0: strlen(in) */
    const char *out;   /* UTF-8, or NULL when refused */
} sjis[] = {
    {SJIS_SATO_SEIZOBU, 0, "佐藤,製造部"},
    {"\xb1\xb2\xb3\xdf", 0, "\xef\xbd\xb1\xef\xbd\xb2\xef\xbd\xb3\xef\xbe\x9f"}, /* ｱｲｳﾟ half-width */
    {"\x87\x40\x81\x60", 0, "\xe2\x91\xa0\xef\xbd\x9e"},  /* ① and ～ (U+FF5E, not the wave dash) */
    {"\x87\x8a\xfb\xfc\xfa\xb1", 0, "㈱髙﨑"},            /* NEC and IBM extensions */
    {"\x81\x5f\x5c~", 0, "\xef\xbc\xbc\\~"},              /* ＼, and 0x5C stays a backslash */
    {"id,name\r\n", 0, "id,name\r\n"},
    {"", 0, ""},
    {"a\0b", 3, "a\0b"},
    {"\x80", 0, NULL},
    {"\xa0", 0, NULL},
    {"\xfd\x40", 0, NULL},
    {"\xff", 0, NULL},
    {"\x8d\xb2\x93", 0, NULL},   /* lead byte cut off at the end */
    {"\x81\x20", 0, NULL},       /* invalid trail byte */
    {"\xe4\xbd\x90", 0, NULL},   /* 佐 in UTF-8 is not CP932 */
};

START_TEST(charset_sjis_table)
{
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof sjis / sizeof sjis[0]; i++) {
        size_t len = sjis[i].len ? sjis[i].len : strlen(sjis[i].in);
        size_t outlen = 12345;
        char *out = charset_sjis_to_utf8(a, sjis[i].in, len, &outlen);
        if (!sjis[i].out) {
            ck_assert_msg(out == NULL, "case %zu accepted", i);
            continue;
        }
        ck_assert_msg(out != NULL, "case %zu refused", i);
        size_t want = sjis[i].len ? sjis[i].len : strlen(sjis[i].out);
        ck_assert_uint_eq(outlen, want);
        ck_assert_mem_eq(out, sjis[i].out, want);
        ck_assert_int_eq(out[outlen], '\0');
    }
    arena_free(&a);
}
END_TEST

/* Large inputs, including the worst expansion (1 byte -> 3). */
START_TEST(charset_sjis_large)
{
    arena *a = arena_new();
    size_t n = 300000;
    char *in = malloc(n);
    memset(in, '\xb1', n);
    size_t outlen = 0;
    char *out = charset_sjis_to_utf8(a, in, n, &outlen);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(outlen, 3 * n);
    ck_assert_mem_eq(out + 3 * n - 3, "\xef\xbd\xb1", 3);
    for (size_t i = 0; i < n; i += 2)
        memcpy(in + i, "\x8d\xb2", 2);
    in[n - 2] = '\x80';  /* one bad byte in the last character */
    ck_assert_ptr_null(charset_sjis_to_utf8(a, in, n, &outlen));
    ck_assert_ptr_nonnull(charset_sjis_to_utf8(a, in, n - 2, NULL));
    free(in);
    arena_free(&a);
}
END_TEST

static const struct {
    const char *in, *enc;
    const char *out;   /* NULL: refused */
    int same;          /* 1: the input itself comes back */
    const char *err;
} conv[] = {
    {"佐藤,製造部", "utf-8", "佐藤,製造部", 1, NULL},
    {"\xEF\xBB\xBFid", "UTF-8", "\xEF\xBB\xBFid", 1, NULL},
    {SJIS_SATO_SEIZOBU, "utf-8", NULL, 0, "not valid UTF-8"},
    {"\xC0\xAF", "utf-8", NULL, 0, "not valid UTF-8"},
    {SJIS_SATO_SEIZOBU, "shift_jis", "佐藤,製造部", 0, NULL},
    {"abc", "Shift_JIS", "abc", 0, NULL},
    {"ab\x80", "shift_jis", NULL, 0, "not valid Shift_JIS: invalid byte sequence at byte 2"},
    {"佐", "shift_jis", NULL, 0, "not valid Shift_JIS: invalid byte sequence at byte 2"},
    {"佐藤", "shift_jis", "菴占陸", 0, NULL},  /* UTF-8 read as CP932: mojibake, why auto tries UTF-8 first */
    {"佐藤,製造部", "auto", "佐藤,製造部", 1, NULL},
    {SJIS_SATO_SEIZOBU "\r\n\x87\x40", "AUTO", "佐藤,製造部\r\n\xe2\x91\xa0", 0, NULL},
    {"ok\xff\xfe", "auto", NULL, 0, "neither UTF-8 nor Shift_JIS: invalid byte sequence at byte 2"},
    {"abc", "latin1", NULL, 0, "unknown encoding"},
    {"abc", "", NULL, 0, "unknown encoding"},
    {"abc", NULL, NULL, 0, "unknown encoding"},
};

START_TEST(charset_to_utf8_table)
{
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof conv / sizeof conv[0]; i++) {
        char err[200] = "junk";
        size_t outlen = 0, n = strlen(conv[i].in);
        const char *out = charset_to_utf8(a, conv[i].in, n, conv[i].enc, &outlen, err, sizeof err);
        if (!conv[i].out) {
            ck_assert_msg(out == NULL, "case %zu accepted", i);
            ck_assert_msg(strstr(err, conv[i].err), "case %zu: err '%s'", i, err);
            continue;
        }
        ck_assert_msg(out != NULL, "case %zu: %s", i, err);
        ck_assert_uint_eq(outlen, strlen(conv[i].out));
        ck_assert_mem_eq(out, conv[i].out, outlen);
        ck_assert_msg((out == conv[i].in) == (conv[i].same == 1), "case %zu: copied or not", i);
        ck_assert_str_eq(err, "");
    }
    arena_free(&a);
}
END_TEST

TCase *tcase_charset(void)
{
    TCase *t = tcase_create("charset");
    tcase_add_test(t, charset_sjis_table);
    tcase_add_test(t, charset_sjis_large);
    tcase_add_test(t, charset_to_utf8_table);
    return t;
}
