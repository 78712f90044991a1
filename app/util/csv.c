#include "util/csv.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/str.h"

typedef struct {
    arena *a;
    const char *d;
    size_t len;
    size_t i;     /* next byte */
    int line;     /* physical line of d[i] */
    char *err;
    size_t errlen;
} parser;

static bool fail(parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(parser *p, int line, const char *fmt, ...)
{
    if (!p->err || !p->errlen)
        return false;
    int k = snprintf(p->err, p->errlen, "line %d: ", line);
    if (k >= 0 && (size_t)k < p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return false;
}

static void newline(parser *p)
{
    if (p->line < INT_MAX)
        p->line++;
}

/* Quoted field starting at the opening quote d[i]. */
static bool quoted_field(parser *p, const char **val)
{
    const char *d = p->d;
    int qline = p->line;
    size_t j = p->i + 1, n = 0;
    for (;;) {
        if (j >= p->len)
            return fail(p, qline, "quoted field is not closed");
        char c = d[j];
        if (c == '"') {
            if (j + 1 < p->len && d[j + 1] == '"') {
                j++;
            } else {
                break;
            }
        } else if (c == '\0') {
            return fail(p, p->line, "NUL byte");
        } else if (c == '\n' || (c == '\r' && !(j + 1 < p->len && d[j + 1] == '\n'))) {
            newline(p);
        }
        j++;
        if (++n > CSV_MAX_FIELD)
            return fail(p, qline, "field longer than %d bytes", CSV_MAX_FIELD);
    }
    char *o = arena_alloc(p->a, n + 1);
    size_t k = 0;
    for (size_t s = p->i + 1; s < j; s++) {
        o[k++] = d[s];
        if (d[s] == '"')
            s++; /* the second of a doubled quote */
    }
    o[k] = '\0';
    *val = o;
    p->i = j + 1;
    if (p->i < p->len) {
        char after = d[p->i];
        if (after == '\0')
            return fail(p, p->line, "NUL byte");
        if (after != ',' && after != '\r' && after != '\n')
            return fail(p, p->line, "text after the closing quote of a field");
    }
    return true;
}

static bool plain_field(parser *p, const char **val)
{
    const char *d = p->d;
    size_t j = p->i;
    while (j < p->len && d[j] != ',' && d[j] != '\r' && d[j] != '\n') {
        if (d[j] == '"')
            return fail(p, p->line, "quote inside an unquoted field (quote the whole field and double the quote)");
        if (d[j] == '\0')
            return fail(p, p->line, "NUL byte");
        j++;
    }
    if (j - p->i > CSV_MAX_FIELD)
        return fail(p, p->line, "field longer than %d bytes", CSV_MAX_FIELD);
    *val = arena_strndup(p->a, d + p->i, j - p->i);
    p->i = j;
    return true;
}

/* One row starting at d[i] (not at a line end); leaves i after its line end. */
static bool row(parser *p, csv_row *r)
{
    const char *f[CSV_MAX_FIELDS];
    int n = 0;
    size_t start = p->i;
    r->line = p->line;
    for (;;) {
        if (n == CSV_MAX_FIELDS)
            return fail(p, r->line, "more than %d fields in a row", CSV_MAX_FIELDS);
        const char *v = NULL;
        bool ok = p->i < p->len && p->d[p->i] == '"' ? quoted_field(p, &v) : plain_field(p, &v);
        if (!ok)
            return false;
        f[n++] = v;
        if (p->i < p->len && p->d[p->i] == ',') {
            p->i++;
            continue;
        }
        break;
    }
    /* The row's raw bytes: quotes and separators are ASCII, so checking
     * them checks the fields, and the line ends between rows are ASCII. */
    if (!str_utf8_valid(p->d + start, p->i - start))
        return fail(p, r->line, "not valid UTF-8 (save the file as UTF-8 or choose Shift_JIS)");
    if (p->i < p->len) {
        if (p->d[p->i] == '\r' && p->i + 1 < p->len && p->d[p->i + 1] == '\n')
            p->i++;
        p->i++;
        newline(p);
    }
    r->f = arena_alloc(p->a, (size_t)n * sizeof *r->f);
    memcpy(r->f, f, (size_t)n * sizeof *r->f);
    r->n = n;
    return true;
}

bool csv_parse(arena *a, const char *data, size_t len, csv_table *out, char *err, size_t errlen)
{
    parser p = {.a = a, .d = data, .len = len, .i = 0, .line = 1, .err = err, .errlen = errlen};
    out->rows = NULL;
    out->nrows = 0;
    if (err && errlen)
        err[0] = '\0';
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        p.i = 3;
    csv_row *rows = NULL;
    int n = 0, cap = 0;
    while (p.i < len) {
        char c = data[p.i];
        if (c == '\r' || c == '\n') { /* an empty line */
            if (c == '\r' && p.i + 1 < len && data[p.i + 1] == '\n')
                p.i++;
            p.i++;
            newline(&p);
            continue;
        }
        if (n == CSV_MAX_ROWS)
            return fail(&p, p.line, "more than %d rows", CSV_MAX_ROWS);
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            csv_row *nr = arena_alloc(a, (size_t)cap * sizeof *nr);
            if (n)
                memcpy(nr, rows, (size_t)n * sizeof *nr);
            rows = nr;
        }
        if (!row(&p, &rows[n]))
            return false;
        n++;
    }
    out->rows = rows;
    out->nrows = n;
    return true;
}

static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* A plain decimal number ("-12", "-0.5"): what a spreadsheet reads as
 * that number, never as a formula. */
static bool plain_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return !*s;
}

void csv_write_row(buf *b, const char *const *fields, int n)
{
    csv_write_row_ex(b, fields, n, 0);
}

void csv_write_row_ex(buf *b, const char *const *fields, int n, unsigned flags)
{
    /* one pass over each field (its length and whether it needs quotes or
     * has quotes to double), then written straight into room made once:
     * the walks over a million reports spend their time here */
    static const unsigned char special[256] = {[','] = 1, [';'] = 1, ['\r'] = 1, ['\n'] = 1, ['"'] = 3};
    for (int k = 0; k < n; k++) {
        const char *s = fields[k] ? fields[k] : "";
        size_t len = 0;
        unsigned m = 0;
        while (s[len])
            m |= special[(unsigned char)s[len++]];
        char *p = buf_reserve(b, 2 * len + 6), *start = p;   /* , " ' the text (quotes doubled) " and \r\n */
        if (k)
            *p++ = ',';
        bool quote = m || (len && (s[0] == ' ' || s[len - 1] == ' '));
        if (quote)
            *p++ = '"';
        if (formula_start(s[0]) && !((flags & CSV_KEEP_NUMBERS) && plain_number(s)))
            *p++ = '\'';
        if (m & 2) {
            for (size_t i = 0; i < len; i++)
                if ((*p++ = s[i]) == '"')
                    *p++ = '"';
        } else {
            memcpy(p, s, len);
            p += len;
        }
        if (quote)
            *p++ = '"';
        b->len += (size_t)(p - start);
    }
    buf_add(b, "\r\n", 2);
}

void csv_write_bom(buf *b)
{
    buf_add(b, "\xEF\xBB\xBF", 3);
}
