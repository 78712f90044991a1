#include "auth/pwpolicy.h"
#include "util/crypto.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Decode one code point at s (strict: no overlongs, surrogates or values
 * above U+10FFFF).  Returns its length in bytes, or 0 when invalid. */
static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0], min;
    size_t need;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        need = 1, min = 0x80, c &= 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        need = 2, min = 0x800, c &= 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 3, min = 0x10000, c &= 0x07;
    else
        return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xc0) != 0x80)   /* also stops at the terminating NUL */
            return 0;
        c = (c << 6) | (s[k] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return need + 1;
}

static int cmp_entry(const void *key, const void *entry)
{
    return strcmp(key, *(const char *const *)entry);
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equal_ignoring_ascii_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (ascii_lower(*a) != ascii_lower(*b))
            return false;
    return *a == *b;
}

pw_verdict pwpolicy_check(const char *password, const char *login)
{
    const unsigned char *s = (const unsigned char *)(password ? password : "");
    size_t points = 0, bytes = 0;
    while (s[bytes]) {
        unsigned cp;
        size_t n = utf8_next(s + bytes, &cp);
        if (n == 0 || cp < 0x20 || cp == 0x7f)
            return PW_BAD_CHARS;
        bytes += n;
        points++;
    }
    if (points < PWPOLICY_MIN)
        return PW_TOO_SHORT;
    if (points > PWPOLICY_MAX)
        return PW_TOO_LONG;
    if (login && *login && equal_ignoring_ascii_case(password, login))
        return PW_SAME_AS_LOGIN;
    char folded[PWPOLICY_MAX * 4 + 1];   /* at most 4 bytes a code point */
    for (size_t i = 0; i <= bytes; i++)
        folded[i] = ascii_lower(password[i]);
    bool common =
        bsearch(folded, common_passwords, common_passwords_count, sizeof common_passwords[0], cmp_entry) != NULL;
    crypto_wipe(folded, bytes);
    return common ? PW_COMMON : PW_OK;
}

const char *pwpolicy_code(pw_verdict v)
{
    switch (v) {
    case PW_OK:
        return "ok";
    case PW_TOO_SHORT:
        return "password_too_short";
    case PW_TOO_LONG:
        return "password_too_long";
    case PW_COMMON:
        return "password_common";
    case PW_BAD_CHARS:
        return "password_bad_chars";
    case PW_SAME_AS_LOGIN:
        return "password_same_as_login";
    }
    return "password_invalid";
}
