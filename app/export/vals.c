/* export/vals.c - reports.vals read without a JSON tree, for the walks over
 * many reports (export/each.c): one pass over a copy of the text, strings
 * ended and unescaped in place, members other
 * than v, at, by, g and o skipped.  Accepts any JSON object of the shape
 * reports/values.h describes, with or without whitespace (MariaDB's
 * JSON_OBJECTAGG writes spaces), in any key order.  What rvals_parse
 * (json-c) gives, faster: check_export compares the two. */
#include "export/report.h"

#include <stdlib.h>
#include <string.h>

typedef struct jp {
    const char *p, *end;
    arena *a;
} jp;

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

static bool lit(jp *j, char c)
{
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return true;
    }
    return false;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xE0 | (cp >> 12));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (char)(0xF0 | (cp >> 18));
        *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    return o;
}

/* A JSON string at j->p (after whitespace) into *out when out is not NULL:
 * ended (its closing quote becomes the NUL) and unescaped in place. */
static bool str(jp *j, const char **out)
{
    ws(j);
    if (j->p >= j->end || *j->p != '"')
        return false;
    const char *s = ++j->p;
    /* the closing quote: the first quote with no backslash before it (a
     * loop, not memchr: the strings here are a few bytes, a call costs more) */
    const char *q = s;
    while (q < j->end && *q != '"' && *q != '\\')
        q++;
    if (q >= j->end)
        return false;
    bool esc = *q == '\\';
    j->p = q;
    if (esc) {
        while (j->p < j->end && *j->p != '"') {
            if (*j->p == '\\' && ++j->p >= j->end)
                return false;
            j->p++;
        }
        if (j->p >= j->end)
            return false;
    }
    size_t n = (size_t)(j->p - s);
    char *o = (char *)s, *w = o;   /* the text is the parser's own copy: strings end (and unescape) in place */
    j->p++;
    if (!out)
        return true;
    if (!esc) {
        o[n] = '\0';
        *out = o;
        return true;
    }
    for (const char *p = s; p < s + n; p++) {
        if (*p != '\\') {
            *w++ = *p;
            continue;
        }
        p++;
        switch (*p) {
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'n': *w++ = '\n'; break;
        case 'r': *w++ = '\r'; break;
        case 't': *w++ = '\t'; break;
        case 'u': {
            if (s + n - p < 5)
                return false;
            int cp = hex4(p + 1);
            if (cp < 0)
                return false;
            p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && s + n - p >= 7 && p[1] == '\\' && p[2] == 'u') {
                int lo = hex4(p + 3);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000)
                cp = 0xFFFD;   /* a lone surrogate (json-c writes the same) */
            w = put_utf8(w, (unsigned)cp);
            break;
        }
        default: *w++ = *p; break;   /* \" \\ \/ */
        }
    }
    *w = '\0';
    *out = o;
    return true;
}

/* Skip one JSON value (containers with their depth bounded). */
static bool skip(jp *j, int depth)
{
    ws(j);
    if (j->p >= j->end || depth > 16)
        return false;
    char c = *j->p;
    if (c == '"')
        return str(j, NULL);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        if (lit(j, close))
            return true;
        do {
            if (c == '{' && (!str(j, NULL) || !lit(j, ':')))
                return false;
            if (!skip(j, depth + 1))
                return false;
        } while (lit(j, ','));
        return lit(j, close);
    }
    const char *s = j->p;
    while (j->p < j->end && (strchr("+-.eE", *j->p) || (*j->p >= '0' && *j->p <= '9') || (*j->p >= 'a' && *j->p <= 'z')))
        j->p++;
    return j->p > s;
}

/* A value that is not a string, as its JSON text (json-c's plain text of
 * numbers and literals is the token itself), or NULL for null. */
static const char *raw(jp *j, const char *s)
{
    size_t n = (size_t)(j->p - s);
    if (n == 4 && !memcmp(s, "null", 4))
        return NULL;
    return arena_strndup(j->a, s, n);
}

static bool member_text(jp *j, const char **out)
{
    ws(j);
    if (j->p < j->end && *j->p == '"')
        return str(j, out);
    const char *s = j->p;
    if (!skip(j, 1))
        return false;
    *out = raw(j, s);
    return true;
}

/* "S/C" (digits, at most 7 each) into sheet and cluster. */
static bool key(const char *k, int *sheet, int *cluster)
{
    int v[2] = {0, 0};
    for (int i = 0; i < 2; i++) {
        int n = 0;
        while (*k >= '0' && *k <= '9' && n < 8) {
            v[i] = v[i] * 10 + (*k++ - '0');
            n++;
        }
        if (!n || n == 8 || *k++ != (i ? '\0' : '/'))
            return false;
    }
    if (v[0] > 1000000 || v[1] > 1000000)
        return false;
    *sheet = v[0];
    *cluster = v[1];
    return true;
}

static int cmp_rv(const void *x, const void *y)
{
    const rvalue *a = x, *b = y;
    return a->sheet != b->sheet ? (a->sheet < b->sheet ? -1 : 1) : a->cluster != b->cluster ? (a->cluster < b->cluster ? -1 : 1) : 0;
}

bool export_vals_parse(arena *a, const char *json, size_t len, rvals *out)
{
    memset(out, 0, sizeof *out);
    if (!json || !len)
        return true;
    char *copy = arena_alloc(a, len + 1);
    memcpy(copy, json, len);
    copy[len] = '\0';
    jp j = {copy, copy + len, a};
    if (!lit(&j, '{'))
        return false;
    /* room: a value takes at least 8 bytes of text ("1/1":{}) */
    int cap = (int)(len / 8) + 2;
    out->v = arena_alloc(a, (size_t)cap * sizeof *out->v);
    out->cap = cap;
    bool sorted = true;
    if (!lit(&j, '}')) {
        do {
            const char *k;
            if (!str(&j, &k) || !lit(&j, ':'))
                return false;
            rvalue v = {.value = ""};
            bool ok = key(k, &v.sheet, &v.cluster);
            ws(&j);
            if (!ok || j.p >= j.end || *j.p != '{') {   /* not a value: skipped, as rvals_parse does */
                if (!skip(&j, 1))
                    return false;
                continue;
            }
            j.p++;
            if (!lit(&j, '}')) {
                do {
                    const char *m;
                    if (!str(&j, &m) || !lit(&j, ':'))
                        return false;
                    const char *t = NULL;
                    if (!strcmp(m, "v") || !strcmp(m, "at") || !strcmp(m, "by") || !strcmp(m, "g")) {
                        if (!member_text(&j, &t))
                            return false;
                        if (m[0] == 'v')
                            v.value = t ? t : "";
                        else if (m[0] == 'a')
                            v.at = t;
                        else if (m[0] == 'b')
                            v.by = t;
                        else
                            v.gps = t;
                    } else if (!strcmp(m, "o")) {
                        ws(&j);
                        const char *s = j.p;
                        if (!skip(&j, 1))
                            return false;
                        size_t n = (size_t)(j.p - s);
                        v.oon = (n == 1 && *s == '1') || (n == 4 && !memcmp(s, "true", 4)) ||
                                (n == 3 && !memcmp(s, "\"1\"", 3));
                    } else if (!skip(&j, 1)) {
                        return false;
                    }
                } while (lit(&j, ','));
                if (!lit(&j, '}'))
                    return false;
            }
            if (out->n == out->cap)
                return false;   /* cannot happen: every value takes more text than the room assumed */
            if (out->n && cmp_rv(&out->v[out->n - 1], &v) >= 0)
                sorted = false;
            out->v[out->n++] = v;
        } while (lit(&j, ','));
        if (!lit(&j, '}'))
            return false;
    }
    ws(&j);
    if (j.p != j.end)
        return false;
    if (!sorted) {   /* keys out of order, or one twice (the last one wins, as in json-c) */
        rvals in = *out;
        memset(out, 0, sizeof *out);
        for (int i = 0; i < in.n; i++)
            rvals_put(a, out, &in.v[i]);
    }
    return true;
}
