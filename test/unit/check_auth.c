#include "tests.h"
#include "auth/password.h"
#include "auth/pwpolicy.h"

#include <stdio.h>
#include <string.h>

/* password = unit repeated times (boundaries in code points, not bytes) */
static const struct {
    const char *unit;
    int times;
    const char *login;
    pw_verdict want;
} rules[] = {
    {"", 1, NULL, PW_TOO_SHORT},
    {"Zq8!vR2", 1, NULL, PW_TOO_SHORT},              /* 7 */
    {"Zq8!vR2m", 1, NULL, PW_OK},                    /* 8 */
    {"x", 128, NULL, PW_OK},
    {"x", 129, NULL, PW_TOO_LONG},
    {"パスワード", 1, NULL, PW_TOO_SHORT},           /* 5 code points, 15 bytes */
    {"パスワードです", 1, NULL, PW_TOO_SHORT},       /* 7 code points, 21 bytes */
    {"パスワードですよ", 1, NULL, PW_OK},             /* 8 */
    {"現", 128, NULL, PW_OK},                        /* 384 bytes */
    {"現", 129, NULL, PW_TOO_LONG},
    {"\xf0\x9f\x94\x91", 7, NULL, PW_TOO_SHORT},     /* U+1F511, 4 bytes each */
    {"\xf0\x9f\x94\x91", 8, NULL, PW_OK},
    {"\xf0\x9f\x94\x91", 128, NULL, PW_OK},
    {"e\xcc\x81", 4, NULL, PW_OK},                   /* e + combining acute: 8 code points */
    {"e\xcc\x81", 3, NULL, PW_TOO_SHORT},            /* 6 */
    {"correct horse battery staple", 1, NULL, PW_OK}, /* spaces allowed */
    /* the list, whatever the case */
    {"password", 1, NULL, PW_COMMON},
    {"PASSWORD", 1, NULL, PW_COMMON},
    {"PassW0rd", 1, NULL, PW_COMMON},
    {"P@ssw0rd", 1, NULL, PW_COMMON},
    {"iLoveYou", 1, NULL, PW_COMMON},
    {"12345678", 1, NULL, PW_COMMON},
    {"1234567890", 1, NULL, PW_COMMON},
    {"87654321", 1, NULL, PW_COMMON},
    {"QwertyUI", 1, NULL, PW_COMMON},
    {"asdfghjk", 1, NULL, PW_COMMON},
    {"zxcvbnm1", 1, NULL, PW_COMMON},
    {"abcdefgh", 1, NULL, PW_COMMON},
    {"a", 8, NULL, PW_COMMON},
    {"A", 12, NULL, PW_COMMON},
    {"1", 10, NULL, PW_COMMON},
    {"Sakura123", 1, NULL, PW_COMMON},
    {"DORAEMON", 1, NULL, PW_COMMON},
    {"password1!", 1, NULL, PW_COMMON},
    {"password ", 1, NULL, PW_OK},                   /* not trimmed, not in the list */
    {"パスワード123", 1, NULL, PW_OK},               /* only ASCII is folded and listed */
    /* the login */
    {"tanaka.hiroshi", 1, "tanaka.hiroshi", PW_SAME_AS_LOGIN},
    {"Tanaka.Hiroshi", 1, "TANAKA.hiroshi", PW_SAME_AS_LOGIN},
    {"password", 1, "Password", PW_SAME_AS_LOGIN},   /* the login is checked first */
    {"tanaka.hiroshi", 1, "tanaka.hiroshi2", PW_OK},
    {"tanaka.hiroshi", 1, "", PW_OK},
    {"現場監督の田中です", 1, "現場監督の田中です", PW_SAME_AS_LOGIN},
    /* control characters */
    {"abc\tdefgh", 1, NULL, PW_BAD_CHARS},
    {"abcdefgh\n", 1, NULL, PW_BAD_CHARS},
    {"abcdefgh\r", 1, NULL, PW_BAD_CHARS},
    {"\x1b[31mabcdef", 1, NULL, PW_BAD_CHARS},
    {"abcdefgh\x7f", 1, NULL, PW_BAD_CHARS},
    {"\x01", 1, NULL, PW_BAD_CHARS},                 /* before the length */
    /* invalid UTF-8 */
    {"abcdefgh\xff", 1, NULL, PW_BAD_CHARS},
    {"abcdefgh\xc3", 1, NULL, PW_BAD_CHARS},         /* truncated */
    {"abcdefgh\xe3\x82", 1, NULL, PW_BAD_CHARS},     /* truncated */
    {"\x80" "abcdefgh", 1, NULL, PW_BAD_CHARS},       /* lone continuation byte */
    {"\xc0\xaf" "abcdefgh", 1, NULL, PW_BAD_CHARS},   /* overlong '/' */
    {"\xc0\x80" "abcdefgh", 1, NULL, PW_BAD_CHARS},   /* overlong NUL */
    {"\xe0\x80\xaf" "abcdefgh", 1, NULL, PW_BAD_CHARS},
    {"\xed\xa0\x80" "abcdefgh", 1, NULL, PW_BAD_CHARS}, /* surrogate U+D800 */
    {"\xf4\x90\x80\x80" "abcdefgh", 1, NULL, PW_BAD_CHARS}, /* above U+10FFFF */
    {"\xf8\x88\x80\x80\x80" "abcdefgh", 1, NULL, PW_BAD_CHARS},
};

START_TEST(pwpolicy_rules)
{
    char pw[1024];
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        size_t n = strlen(rules[i].unit), len = 0;
        for (int k = 0; k < rules[i].times; k++, len += n)
            memcpy(pw + len, rules[i].unit, n);
        pw[len] = '\0';
        pw_verdict got = pwpolicy_check(pw, rules[i].login);
        ck_assert_msg(got == rules[i].want, "case %zu ('%s' x %d): got %s, want %s", i, rules[i].unit,
                      rules[i].times, pwpolicy_code(got), pwpolicy_code(rules[i].want));
    }
    ck_assert_int_eq(pwpolicy_check(NULL, "admin"), PW_TOO_SHORT);
    ck_assert_int_eq(pwpolicy_check("Zq8!vR2m", NULL), PW_OK);
}
END_TEST

START_TEST(pwpolicy_codes)
{
    ck_assert_str_eq(pwpolicy_code(PW_OK), "ok");
    ck_assert_str_eq(pwpolicy_code(PW_TOO_SHORT), "password_too_short");
    ck_assert_str_eq(pwpolicy_code(PW_TOO_LONG), "password_too_long");
    ck_assert_str_eq(pwpolicy_code(PW_COMMON), "password_common");
    ck_assert_str_eq(pwpolicy_code(PW_BAD_CHARS), "password_bad_chars");
    ck_assert_str_eq(pwpolicy_code(PW_SAME_AS_LOGIN), "password_same_as_login");
}
END_TEST

START_TEST(common_list_sorted)
{
    ck_assert_uint_ge(common_passwords_count, 2000);
    for (size_t i = 0; i < common_passwords_count; i++) {
        const char *w = common_passwords[i];
        ck_assert_msg(strlen(w) >= PWPOLICY_MIN, "'%s' is shorter than the minimum", w);
        for (const char *c = w; *c; c++)
            ck_assert_msg(*c < 'A' || *c > 'Z', "'%s' is not lower case", w);
        if (i)
            ck_assert_msg(strcmp(common_passwords[i - 1], w) < 0, "'%s' before '%s'", common_passwords[i - 1], w);
    }
    /* every entry is found by the check itself (first, last, all) */
    for (size_t i = 0; i < common_passwords_count; i++)
        ck_assert_msg(pwpolicy_check(common_passwords[i], NULL) == PW_COMMON, "'%s'", common_passwords[i]);
}
END_TEST

#define CUR_SALT_HASH "$c2FsdHNhbHRzYWx0c2FsdA$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY"

static const struct {
    const char *encoded;
    bool rehash;
} rehash[] = {
    {"$argon2id$v=19$m=19456,t=2,p=1" CUR_SALT_HASH, false},    /* equal */
    {"$argon2id$v=19$m=65536,t=2,p=1" CUR_SALT_HASH, false},    /* more memory */
    {"$argon2id$v=19$m=19456,t=3,p=1" CUR_SALT_HASH, false},    /* more passes */
    {"$argon2id$v=19$m=1048576,t=10,p=1" CUR_SALT_HASH, false},
    {"$argon2id$v=19$m=19455,t=2,p=1" CUR_SALT_HASH, true},     /* less memory */
    {"$argon2id$v=19$m=4096,t=3,p=1" CUR_SALT_HASH, true},
    {"$argon2id$v=19$m=65536,t=1,p=1" CUR_SALT_HASH, true},     /* fewer passes */
    {"$argon2id$v=19$m=19456,t=2,p=2" CUR_SALT_HASH, true},     /* other lanes */
    {"$argon2i$v=19$m=19456,t=2,p=1" CUR_SALT_HASH, true},
    {"$argon2d$v=19$m=19456,t=2,p=1" CUR_SALT_HASH, true},
    {"$argon2id$v=16$m=19456,t=2,p=1" CUR_SALT_HASH, true},     /* old version */
    {"$argon2id$m=19456,t=2,p=1" CUR_SALT_HASH, true},          /* no version */
    {"$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234", true}, /* bcrypt */
    {"$argon2id$v=19$m=19456,t=2,p=1", true},                      /* no salt or hash */
    {"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA", true},
    {"$argon2id$v=19$m=,t=2,p=1" CUR_SALT_HASH, true},
    {"$argon2id$v=19$m=019456,t=2,p=1" CUR_SALT_HASH, true},
    {"$argon2id$v=19$m=-19456,t=2,p=1" CUR_SALT_HASH, true},
    {"$argon2id$v=19$m=99999999999999999999,t=2,p=1" CUR_SALT_HASH, true},
    {"$argon2id$v=19$t=2,m=19456,p=1" CUR_SALT_HASH, true},
    {"$argon2id$v=19$m=19456;t=2;p=1" CUR_SALT_HASH, true},
    {"$ARGON2ID$v=19$m=19456,t=2,p=1" CUR_SALT_HASH, true},
    {"", true},
    {"garbage", true},
    {"$argon2id$", true},
};

START_TEST(needs_rehash)
{
    password_set_cost(PASSWORD_DEFAULT_MEMORY, PASSWORD_DEFAULT_TIME, PASSWORD_DEFAULT_PARALLELISM);
    for (size_t i = 0; i < sizeof rehash / sizeof rehash[0]; i++)
        ck_assert_msg(password_needs_rehash(rehash[i].encoded) == rehash[i].rehash, "'%s'", rehash[i].encoded);
    ck_assert(password_needs_rehash(NULL));
    /* raising the cost makes the old hashes due */
    password_set_cost(65536, 3, 1);
    ck_assert(password_needs_rehash(rehash[0].encoded));
    ck_assert(!password_needs_rehash("$argon2id$v=19$m=65536,t=3,p=1" CUR_SALT_HASH));
    password_set_cost(PASSWORD_DEFAULT_MEMORY, PASSWORD_DEFAULT_TIME, PASSWORD_DEFAULT_PARALLELISM);
}
END_TEST

/* argon2 at 19 MiB takes ~50-100 ms per hash (more under ASan): few hashes */
START_TEST(hash_raised_cost)
{
    char old[PASSWORD_HASH_MAX], fresh[PASSWORD_HASH_MAX];
    password_set_cost(PASSWORD_DEFAULT_MEMORY, PASSWORD_DEFAULT_TIME, PASSWORD_DEFAULT_PARALLELISM);
    ck_assert(password_hash("genba パスワード 1", old, sizeof old));
    ck_assert_ptr_nonnull(strstr(old, "$argon2id$v=19$m=19456,t=2,p=1$"));
    ck_assert(!password_needs_rehash(old));

    password_set_cost(24576, 3, 1);
    ck_assert(password_needs_rehash(old));
    ck_assert(password_verify(old, "genba パスワード 1"));   /* older cost still verifies */
    ck_assert(password_hash("genba パスワード 1", fresh, sizeof fresh));
    ck_assert_ptr_nonnull(strstr(fresh, "$argon2id$v=19$m=24576,t=3,p=1$"));
    ck_assert(!password_needs_rehash(fresh));
    ck_assert(password_verify(fresh, "genba パスワード 1"));
    ck_assert(!password_verify(fresh, "genba パスワード 2"));

    password_set_cost(PASSWORD_DEFAULT_MEMORY, PASSWORD_DEFAULT_TIME, PASSWORD_DEFAULT_PARALLELISM);
    ck_assert(!password_needs_rehash(fresh));   /* higher than the current cost */
    ck_assert(password_verify(fresh, "genba パスワード 1"));
}
END_TEST

Suite *suite_auth(void)
{
    Suite *s = suite_create("auth");
    TCase *t = tcase_create("pwpolicy");
    tcase_add_test(t, pwpolicy_rules);
    tcase_add_test(t, pwpolicy_codes);
    tcase_add_test(t, common_list_sorted);
    suite_add_tcase(s, t);
    TCase *h = tcase_create("password");
    tcase_set_timeout(h, 60);   /* argon2 under the sanitizers */
    tcase_add_test(h, needs_rehash);
    tcase_add_test(h, hash_raised_cost);
    suite_add_tcase(s, h);
    return s;
}
