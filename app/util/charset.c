#include "util/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/str.h"

enum { CONV_OK, CONV_BAD_INPUT, CONV_UNAVAILABLE };

/* CP932 to UTF-8; on CONV_BAD_INPUT *bad_at is the offset of the first
 * byte that could not be converted. */
static int cp932_decode(arena *a, const char *in, size_t n, char **out, size_t *outlen, size_t *bad_at)
{
    /* One CP932 byte gives at most 3 UTF-8 bytes (half-width katakana),
     * two give at most 3; E2BIG below still grows the buffer if not. */
    if (n > (SIZE_MAX - 16) / 3)
        return CONV_UNAVAILABLE;
    iconv_t cd = iconv_open("UTF-8", "CP932");
    if (cd == (iconv_t)-1)
        return CONV_UNAVAILABLE;
    size_t cap = n * 3 + 16, used = 0;
    char *o = arena_alloc(a, cap);
    char *ip = (char *)in; /* iconv does not write the input */
    size_t left = n;
    int rc = CONV_OK;
    for (;;) {
        char *op = o + used;
        size_t room = cap - 1 - used; /* keep one byte for the NUL */
        size_t r = left ? iconv(cd, &ip, &left, &op, &room) : iconv(cd, NULL, NULL, &op, &room);
        used = (size_t)(op - o);
        if (r != (size_t)-1) {
            if (!left)
                break;
            continue;
        }
        if (errno == E2BIG && cap <= SIZE_MAX / 2) {
            char *bigger = arena_alloc(a, cap * 2);
            memcpy(bigger, o, used);
            o = bigger;
            cap *= 2;
            continue;
        }
        rc = errno == EILSEQ || errno == EINVAL ? CONV_BAD_INPUT : CONV_UNAVAILABLE;
        *bad_at = (size_t)(ip - in);
        break;
    }
    iconv_close(cd);
    if (rc != CONV_OK)
        return rc;
    o[used] = '\0';
    *out = o;
    *outlen = used;
    return CONV_OK;
}

char *charset_sjis_to_utf8(arena *a, const char *in, size_t n, size_t *outlen)
{
    char *out;
    size_t len, bad;
    if (cp932_decode(a, in, n, &out, &len, &bad) != CONV_OK)
        return NULL;
    if (outlen)
        *outlen = len;
    return out;
}

const char *charset_to_utf8(arena *a, const char *in, size_t n, const char *encoding, size_t *outlen,
                            char *err, size_t errlen)
{
    bool utf8 = encoding && !strcasecmp(encoding, "utf-8");
    bool sjis = encoding && !strcasecmp(encoding, "shift_jis");
    bool guess = encoding && !strcasecmp(encoding, "auto");
    if (err && errlen)
        err[0] = '\0';
    if (!in)
        in = ""; /* so that NULL means only failure */
    if (!utf8 && !sjis && !guess) {
        if (err && errlen)
            snprintf(err, errlen, "unknown encoding (expected utf-8, shift_jis or auto)");
        return NULL;
    }
    if ((utf8 || guess) && str_utf8_valid(in, n)) {
        *outlen = n;
        return in;
    }
    if (utf8) {
        if (err && errlen)
            snprintf(err, errlen, "the text is not valid UTF-8");
        return NULL;
    }
    char *out;
    size_t bad = 0;
    switch (cp932_decode(a, in, n, &out, outlen, &bad)) {
    case CONV_OK:
        return out;
    case CONV_BAD_INPUT:
        if (err && errlen)
            snprintf(err, errlen, "%s: invalid byte sequence at byte %zu",
                     guess ? "the text is neither UTF-8 nor Shift_JIS" : "the text is not valid Shift_JIS", bad);
        return NULL;
    default:
        if (err && errlen)
            snprintf(err, errlen, "Shift_JIS conversion is not available (iconv CP932)");
        return NULL;
    }
}

/* Characters CP932 lacks whose usual Japanese look-alike it has (the
 * characters Macs and Unicode text use for what Windows writes with the
 * others): WAVE DASH, MINUS SIGN, DOUBLE VERTICAL LINE, EM DASH, CENT,
 * POUND, NOT SIGN. */
static const struct {
    uint32_t cp;
    char sjis[3];
} cp932_alike[] = {
    {0x301C, "\x81\x60"}, {0x2212, "\x81\x7C"}, {0x2016, "\x81\x61"}, {0x2014, "\x81\x5C"},
    {0x00A2, "\x81\x91"}, {0x00A3, "\x81\x92"}, {0x00AC, "\x81\xCA"},
};

/* The code point of the UTF-8 sequence at p (n bytes left) and its length;
 * 0 length for a byte that starts none. */
static uint32_t utf8_at(const unsigned char *p, size_t n, size_t *len)
{
    int k = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 : (p[0] & 0xF8) == 0xF0 ? 4 : 0;
    *len = 0;
    if (!k || (size_t)k > n)
        return 0;
    uint32_t cp = k == 1 ? p[0] : p[0] & (0x7F >> k);
    for (int i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    *len = (size_t)k;
    return cp;
}

bool charset_utf8_to_sjis(buf *out, const char *in, size_t n, size_t *replaced)
{
    iconv_t cd = iconv_open("CP932", "UTF-8");
    if (cd == (iconv_t)-1)
        return false;
    char chunk[16384];
    char *ip = (char *)in;   /* iconv does not write the input */
    size_t left = n;
    while (left) {
        char *op = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &ip, &left, &op, &room);
        buf_add(out, chunk, (size_t)(op - chunk));
        if (r != (size_t)-1 || errno == E2BIG)
            continue;
        /* a character CP932 lacks, or bytes that are not UTF-8: its look-alike, or '?' */
        size_t len;
        uint32_t cp = utf8_at((const unsigned char *)ip, left, &len);
        const char *alike = NULL;
        for (size_t i = 0; len && i < sizeof cp932_alike / sizeof *cp932_alike; i++)
            if (cp932_alike[i].cp == cp)
                alike = cp932_alike[i].sjis;
        if (alike) {
            buf_add(out, alike, 2);
        } else {
            buf_addc(out, '?');
            if (replaced)
                (*replaced)++;
        }
        len = len ? len : 1;
        ip += len;
        left -= len;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    iconv_close(cd);
    return true;
}
