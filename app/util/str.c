#include "util/str.h"
#include "util/arena.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool str_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned d = (unsigned)(*s - '0');
        if (d > max || v > (max - d) / 10)   /* (max - d would wrap under a one-digit max) */
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool str_parse_size(const char *s, uint64_t *out)
{
    if (!s)
        return false;
    char num[32];
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9' && i < sizeof num - 1) {
        num[i] = s[i];
        i++;
    }
    num[i] = '\0';
    if (i == 0)
        return false;
    uint64_t v;
    if (!str_parse_uint(num, UINT64_MAX, &v))
        return false;
    const char *u = s + i;
    while (*u == ' ')
        u++;
    uint64_t mul = 1;
    if (*u == '\0' || !strcmp(u, "B"))
        mul = 1;
    else if (!strcasecmp(u, "k") || !strcmp(u, "KiB") || !strcasecmp(u, "KB"))
        mul = 1024ULL;
    else if (!strcasecmp(u, "m") || !strcmp(u, "MiB") || !strcasecmp(u, "MB"))
        mul = 1024ULL * 1024;
    else if (!strcasecmp(u, "g") || !strcmp(u, "GiB") || !strcasecmp(u, "GB"))
        mul = 1024ULL * 1024 * 1024;
    else if (!strcasecmp(u, "t") || !strcmp(u, "TiB") || !strcasecmp(u, "TB"))
        mul = 1024ULL * 1024 * 1024 * 1024;
    else
        return false;
    if (v > UINT64_MAX / mul)
        return false;
    *out = v * mul;
    return true;
}

void str_format_size(uint64_t n, char *out, size_t outlen)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)n;
    unsigned u = 0;
    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, outlen, "%llu B", (unsigned long long)n);
    else
        snprintf(out, outlen, "%.1f %s", v, units[u]);
}

void str_hex(const unsigned char *in, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int str_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool str_unhex(const char *in, unsigned char *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int h = str_hexval(in[2 * i]), l = h < 0 ? -1 : str_hexval(in[2 * i + 1]);
        if (h < 0 || l < 0)
            return false;
        out[i] = (unsigned char)(h << 4 | l);
    }
    return true;
}

char *str_trim(char *s)
{
    char *p = s;
    while (*p && isspace((unsigned char)*p))
        p++;
    if (p != s)
        memmove(s, p, strlen(p) + 1);
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

bool str_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ct_equal(const void *a, const void *b, size_t n)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char r = 0;
    for (size_t i = 0; i < n; i++)
        r |= x[i] ^ y[i];
    return r == 0;
}

char *str_urlencode(arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = arena_alloc(a, 3 * n + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

size_t str_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

bool str_uuid_ok(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++)
        if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' : str_hexval(s[i]) < 0)
            return false;
    return true;
}

bool str_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned min, cp;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            min = 0x80;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            min = 0x800;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            min = 0x10000;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= need)
            return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += need + 1;
    }
    return true;
}
