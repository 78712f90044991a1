#include "http/multipart.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"

static bool fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Next "; key=value" of a header value at *pp.  Returns 1 with a
 * parameter, 0 at the end, -1 when malformed. */
static int next_param(arena *a, const char **pp, const char **key, const char **val)
{
    const char *p = *pp;
    while (is_ows(*p))
        p++;
    if (!*p)
        return 0;
    if (*p++ != ';')
        return -1;
    while (is_ows(*p))
        p++;
    if (!*p)
        return 0; /* a trailing ';' */
    const char *k = p;
    while (is_tchar(*p))
        p++;
    if (p == k || *p != '=')
        return -1;
    *key = arena_strndup(a, k, (size_t)(p - k));
    const char *v = ++p;
    if (*p == '"') {
        v = ++p;
        while (*p && *p != '"')
            p++;
        if (!*p)
            return -1;
        *val = arena_strndup(a, v, (size_t)(p - v));
        p++;
    } else {
        while (*p && *p != ';' && !is_ows(*p) && *p != '"')
            p++;
        if (p == v)
            return -1;
        *val = arena_strndup(a, v, (size_t)(p - v));
    }
    *pp = p;
    return 1;
}

/* The boundary of a multipart/form-data content type, or NULL. */
static const char *boundary_of(arena *a, const char *ct, char *err, size_t errlen)
{
    static const char type[] = "multipart/form-data";
    if (!ct) {
        fail(err, errlen, "not multipart/form-data");
        return NULL;
    }
    while (is_ows(*ct))
        ct++;
    if (strncasecmp(ct, type, sizeof type - 1) || (ct[sizeof type - 1] && ct[sizeof type - 1] != ';' &&
                                                    !is_ows(ct[sizeof type - 1]))) {
        fail(err, errlen, "not multipart/form-data");
        return NULL;
    }
    const char *p = ct + sizeof type - 1, *key, *val, *b = NULL;
    int r;
    while ((r = next_param(a, &p, &key, &val)) > 0) {
        if (strcasecmp(key, "boundary"))
            continue;
        if (b) {
            fail(err, errlen, "more than one boundary parameter");
            return NULL;
        }
        b = val;
    }
    if (r < 0) {
        fail(err, errlen, "malformed Content-Type parameters");
        return NULL;
    }
    if (!b) {
        fail(err, errlen, "no boundary parameter");
        return NULL;
    }
    /* RFC 2046: 1 to 70 bchars, the last one not a space */
    static const char bchars[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";
    size_t n = strlen(b);
    if (!n || n > MULTIPART_MAX_BOUNDARY || b[n - 1] == ' ' || strspn(b, bchars) != n) {
        fail(err, errlen, "invalid boundary (1 to %d characters allowed by RFC 2046)", MULTIPART_MAX_BOUNDARY);
        return NULL;
    }
    return b;
}

/* Whether the "--boundary" that ends before body[pos] is a delimiter: it
 * is followed by "--" (the closing one) or by spaces/tabs and CR LF.
 * *next is where the following part (or the epilogue) starts. */
static bool delimiter_end(const char *body, size_t len, size_t pos, bool *closing, size_t *next)
{
    if (pos + 2 <= len && body[pos] == '-' && body[pos + 1] == '-') {
        *closing = true;
        *next = pos + 2;
        return true;
    }
    while (pos < len && is_ows(body[pos]))
        pos++;
    if (pos + 2 <= len && body[pos] == '\r' && body[pos + 1] == '\n') {
        *closing = false;
        *next = pos + 2;
        return true;
    }
    return false;
}

/* Offset of the next delimiter ("\r\n--boundary" ...) at or after from,
 * or -1. */
static long long find_delimiter(const char *body, size_t len, size_t from, const char *delim, size_t dlen,
                                bool *closing, size_t *next)
{
    while (from < len) {
        const char *p = memmem(body + from, len - from, delim, dlen);
        if (!p)
            return -1;
        size_t at = (size_t)(p - body);
        if (delimiter_end(body, len, at + dlen, closing, next))
            return (long long)at;
        from = at + 1;
    }
    return -1;
}

static bool disposition(arena *a, const char *v, multipart_part *part, int k, char *err, size_t errlen)
{
    const char *p = v;
    while (is_tchar(*p))
        p++;
    if ((size_t)(p - v) != 9 || strncasecmp(v, "form-data", 9))
        return fail(err, errlen, "part %d: Content-Disposition is not form-data", k);
    const char *key, *val;
    int r;
    while ((r = next_param(a, &p, &key, &val)) > 0) {
        const char **slot = NULL;
        if (!strcasecmp(key, "name"))
            slot = &part->name;
        else if (!strcasecmp(key, "filename"))
            slot = &part->filename;
        else
            continue; /* filename* and others */
        if (*slot)
            return fail(err, errlen, "part %d: repeated %s parameter", k, key);
        if (!str_utf8_valid(val, strlen(val)))
            return fail(err, errlen, "part %d: %s is not valid UTF-8", k, key);
        *slot = val;
    }
    if (r < 0)
        return fail(err, errlen, "part %d: malformed Content-Disposition", k);
    return true;
}

/* The header block of part k at body[pos..); sets *data_at to where its
 * content starts. */
static bool headers(arena *a, const char *body, size_t len, size_t pos, multipart_part *part, int k,
                    size_t *data_at, char *err, size_t errlen)
{
    size_t end = pos; /* the header block is body[pos..end), each line ending in CR LF */
    if (!(pos + 2 <= len && body[pos] == '\r' && body[pos + 1] == '\n')) {
        /* the block with its ending empty line fits in MULTIPART_MAX_HEADER */
        size_t window = len - pos < MULTIPART_MAX_HEADER ? len - pos : MULTIPART_MAX_HEADER;
        const char *e = memmem(body + pos, window, "\r\n\r\n", 4);
        if (!e)
            return fail(err, errlen, window == len - pos ? "part %d: headers not ended by an empty line"
                                                         : "part %d: header block over %d bytes",
                        k, MULTIPART_MAX_HEADER);
        end = (size_t)(e - body) + 2;
    }
    *data_at = end + 2;
    bool have_cd = false;
    for (size_t ls = pos; ls < end;) {
        const char *le = memmem(body + ls, end - ls, "\r\n", 2);
        size_t n = (size_t)(le - (body + ls));
        const char *line = body + ls;
        ls += n + 2;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)line[i];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                return fail(err, errlen, "part %d: control byte in a header", k);
        }
        if (is_ows(line[0]))
            return fail(err, errlen, "part %d: folded header lines are not supported", k);
        size_t nl = 0;
        while (nl < n && is_tchar(line[nl]))
            nl++;
        if (!nl || nl == n || line[nl] != ':')
            return fail(err, errlen, "part %d: malformed header line", k);
        size_t vs = nl + 1, ve = n;
        while (vs < ve && is_ows(line[vs]))
            vs++;
        while (ve > vs && is_ows(line[ve - 1]))
            ve--;
        char *value = arena_strndup(a, line + vs, ve - vs);
        if (nl == 19 && !strncasecmp(line, "Content-Disposition", nl)) {
            if (have_cd)
                return fail(err, errlen, "part %d: repeated Content-Disposition", k);
            have_cd = true;
            if (!disposition(a, value, part, k, err, errlen))
                return false;
        } else if (nl == 12 && !strncasecmp(line, "Content-Type", nl)) {
            if (part->content_type)
                return fail(err, errlen, "part %d: repeated Content-Type", k);
            part->content_type = value;
        }
    }
    if (!part->name || !*part->name)
        return fail(err, errlen, "part %d: no name", k);
    if (!part->content_type)
        part->content_type = "text/plain";
    return true;
}

bool multipart_parse(arena *a, const char *content_type, const char *body, size_t len,
                     multipart_part **parts, int *nparts, char *err, size_t errlen)
{
    *parts = NULL;
    *nparts = 0;
    if (err && errlen)
        err[0] = '\0';
    const char *b = boundary_of(a, content_type, err, errlen);
    if (!b)
        return false;
    const char *delim = arena_printf(a, "\r\n--%s", b);
    size_t dlen = strlen(delim), pos = 0;
    bool closing = false;
    /* The first delimiter may open the body without the CR LF before it. */
    bool first = len >= dlen - 2 && !memcmp(body, delim + 2, dlen - 2) &&
                 delimiter_end(body, len, dlen - 2, &closing, &pos);
    if (!first && find_delimiter(body, len, 0, delim, dlen, &closing, &pos) < 0)
        return fail(err, errlen, "no multipart boundary in the body");
    multipart_part *out = arena_calloc(a, MULTIPART_MAX_PARTS, sizeof *out);
    int n = 0;
    while (!closing) {
        if (n == MULTIPART_MAX_PARTS)
            return fail(err, errlen, "more than %d parts", MULTIPART_MAX_PARTS);
        size_t data_at = 0, next = 0;
        if (!headers(a, body, len, pos, &out[n], n + 1, &data_at, err, errlen))
            return false;
        long long end = find_delimiter(body, len, data_at, delim, dlen, &closing, &next);
        if (end < 0)
            return fail(err, errlen, "part %d: no closing boundary", n + 1);
        out[n].data = body + data_at;
        out[n].len = (size_t)end - data_at;
        n++;
        pos = next;
    }
    *parts = out;
    *nparts = n;
    return true;
}

const multipart_part *multipart_get(const multipart_part *parts, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(parts[i].name, name))
            return &parts[i];
    return NULL;
}
