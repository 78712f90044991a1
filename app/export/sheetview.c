#include "export/sheetview.h"

#include <string.h>

/* Square root by Newton's method (geometry only; spares a libm dependency). */
static double root(double v)
{
    if (v <= 0)
        return 0;
    double x = v > 1 ? v : 1;
    for (int i = 0; i < 60; i++)
        x = (x + v / x) / 2;
    return x;
}

/* One code point of s (n bytes left) and its length; a malformed byte is
 * taken alone as U+FFFD. */
static unsigned decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!k || k > n) {
        *len = 1;
        return 0xFFFD;
    }
    unsigned cp = k == 1 ? c : k == 2 ? c & 0x1f : k == 3 ? c & 0x0f : c & 0x07;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        cp = cp << 6 | (s[i] & 0x3f);
    }
    *len = k;
    return cp;
}

/* East Asian wide and full-width characters: one em, and a line may break
 * before and after each. */
static bool wide(unsigned cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

static double cp_width(unsigned cp)
{
    if (cp < 0x20 || cp == 0x7f)
        return 0;
    if (cp == ' ')
        return 0.28;
    if (cp < 0x7f) {
        if (strchr("iljtfI.,:;!|'`()[]{}", (int)cp))
            return 0.34;
        if (strchr("mwMW@%", (int)cp))
            return 0.9;
        if (cp >= 'A' && cp <= 'Z')
            return 0.68;
        return 0.58;   /* digits, lower case, most signs */
    }
    if (wide(cp) || cp == 0x2713)
        return 1.0;
    if (cp >= 0xFF61 && cp <= 0xFF9F)   /* half-width katakana */
        return 0.5;
    return 0.62;
}

double sheetview_em_width(const char *s, size_t n)
{
    double w = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, len; i < n; i += len)
        w += cp_width(decode(p + i, n - i, &len));
    return w;
}

/* The lines of a text wrapped at maxw ems (appended to lines[]). */
typedef struct wrapped {
    arena *a;
    const char **lines;
    double *widths;
    int n, cap;
} wrapped;

static void add_line(wrapped *wr, const char *s, size_t len)
{
    while (len && s[len - 1] == ' ')   /* a line's trailing spaces take no room */
        len--;
    if (wr->n == wr->cap) {
        int cap = wr->cap ? wr->cap * 2 : 8;
        const char **l = arena_calloc(wr->a, (size_t)cap, sizeof *l);
        double *w = arena_calloc(wr->a, (size_t)cap, sizeof *w);
        if (wr->n) {
            memcpy(l, wr->lines, (size_t)wr->n * sizeof *l);
            memcpy(w, wr->widths, (size_t)wr->n * sizeof *w);
        }
        wr->lines = l, wr->widths = w, wr->cap = cap;
    }
    wr->lines[wr->n] = arena_strndup(wr->a, s, len);
    wr->widths[wr->n] = sheetview_em_width(s, len);
    wr->n++;
}

/* Wrap one paragraph (no line breaks); a word longer than a line is
 * broken only when split_words (else its line is too wide). */
static void wrap_para(wrapped *wr, const char *s, size_t n, double maxw, bool split_words)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t line = 0;          /* start of the current line */
    double lw = 0;            /* its width so far (with trailing spaces) */
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    line = i;
    while (i < n) {
        /* the next unit: a wide character, or a run of narrow ones up to and with the spaces after it */
        size_t len, j = i;
        unsigned cp = decode(p + j, n - j, &len);
        double uw = 0, trail = 0;
        if (wide(cp)) {
            uw = cp_width(cp);
            j += len;
        } else {
            while (j < n) {
                cp = decode(p + j, n - j, &len);
                if (wide(cp) || (cp == ' ' ? false : trail > 0))
                    break;
                if (cp == ' ')
                    trail += cp_width(cp);
                else
                    uw += cp_width(cp);
                j += len;
            }
        }
        if (lw > 0 && lw + uw > maxw) {   /* does not fit after what the line holds: a new line */
            add_line(wr, s + line, i - line);
            line = i, lw = 0;
        }
        if (lw == 0 && uw > maxw && split_words) {   /* longer than a line: break it anywhere */
            size_t k = i;
            double cw = 0;
            while (k < j) {
                cp = decode(p + k, n - k, &len);
                double w1 = cp_width(cp);
                if (cw > 0 && cw + w1 > maxw && cp != ' ') {
                    add_line(wr, s + line, k - line);
                    line = k, cw = 0;
                }
                cw += w1;
                k += len;
            }
            lw = cw;
            i = j;
            continue;
        }
        lw += uw + trail;
        i = j;
    }
    if (line < n || wr->n == 0)
        add_line(wr, s + line, n - line);
}

static void wrap(wrapped *wr, const char *text, double maxw, bool split_words)
{
    wr->n = 0;
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[len - 1] == '\r')
            len--;
        if (len)
            wrap_para(wr, p, len, maxw, split_words);
        else
            add_line(wr, p, 0);
        if (!nl)
            break;
        p = nl + 1;
    }
    while (wr->n > 1 && !*wr->lines[wr->n - 1])   /* no empty lines at the end */
        wr->n--;
}

void sheetview_fit(arena *a, const char *text, double w, double h, double max_fs, double min_fs, sv_text *out)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text || w <= 0 || h <= 0)
        return;
    if (min_fs > max_fs)
        min_fs = max_fs;
    wrapped wr = {.a = a};
    double fs = max_fs;
    bool fits = false, split = false;   /* words are kept whole while any size lets them be */
    for (;;) {
        wrap(&wr, text, w / fs, split);
        double need = wr.n == 1 ? fs : wr.n * SV_LINE_HEIGHT * fs;
        double widest = 0;
        for (int i = 0; i < wr.n; i++)
            widest = wr.widths[i] > widest ? wr.widths[i] : widest;
        if (need <= h && widest * fs <= w) {
            fits = true;
            break;
        }
        if (fs <= min_fs && split)
            break;
        if (fs <= min_fs)
            split = true, fs = max_fs;
        else
            fs = fs * 0.92 < min_fs ? min_fs : fs * 0.92;
    }
    if (!fits) {
        int keep = (int)(h / (SV_LINE_HEIGHT * fs));
        if (keep < 1)
            keep = 1;
        if (wr.n > keep) {
            out->truncated = true;
            wr.n = keep;
            /* end the last line kept with an ellipsis, dropping characters until it fits */
            const char *last = wr.lines[keep - 1];
            size_t len = strlen(last);
            for (;;) {
                const char *t = arena_printf(a, "%.*s…", (int)len, last);
                double tw = sheetview_em_width(t, strlen(t));
                if (tw * fs <= w || len == 0) {
                    wr.lines[keep - 1] = t;
                    wr.widths[keep - 1] = tw;
                    break;
                }
                do   /* back one code point */
                    len--;
                while (len && ((unsigned char)last[len] & 0xc0) == 0x80);
            }
        }
        if (wr.n == 1 && wr.widths[0] * fs > w)
            out->squeezed = true;
    }
    out->fs = fs;
    out->nlines = wr.n;
    out->lines = wr.lines;
    out->y = arena_calloc(a, (size_t)wr.n + 1, sizeof *out->y);
    double pitch = SV_LINE_HEIGHT * fs, top = (h - wr.n * pitch) / 2;
    for (int i = 0; i < wr.n; i++)   /* the middle of each line's slot, lowered to the baseline */
        out->y[i] = top + (i + 0.5) * pitch + 0.36 * fs;
}

/* The font size for text in width: at most max, at least min (then squeezed). */
static double fit_fs(const char *s, double width, double max, double min, bool *squeeze, double *w)
{
    double em = s ? sheetview_em_width(s, strlen(s)) : 0;
    double fs = em > 0 ? width / em : max;
    *squeeze = false;
    if (fs > max)
        fs = max;
    if (fs < min) {
        fs = min;
        *squeeze = true;
    }
    *w = width;
    return fs;
}

void sheetview_stamp(double x, double y, double w, double h, const char *role, const char *date, const char *name,
                     sv_stamp *out)
{
    memset(out, 0, sizeof *out);
    double r = (w < h ? w : h) / 2 * 0.9;
    out->cx = x + w / 2;
    out->cy = y + h / 2;
    out->r = r;
    out->stroke = r * 0.055 < 0.8 ? 0.8 : r * 0.055;
    double d = 0.3 * r, inner = r - out->stroke / 2;
    out->band_y1 = out->cy - d;
    out->band_y2 = out->cy + d;
    out->band_hw = root(inner * inner - d * d);
    out->role_fs = fit_fs(role, 1.2 * r, 0.3 * r, 0.12 * r, &out->role_squeeze, &out->role_w);
    out->role_y = out->cy - d - 0.14 * r;
    out->date_fs = fit_fs(date, 1.6 * r, 0.25 * r, 0.12 * r, &out->date_squeeze, &out->date_w);
    out->date_y = out->cy + 0.36 * out->date_fs;
    out->name_fs = fit_fs(name, 1.25 * r, 0.32 * r, 0.12 * r, &out->name_squeeze, &out->name_w);
    out->name_y = out->cy + d + 0.1 * r + 0.8 * out->name_fs;
}
