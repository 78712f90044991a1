/* defcheck.c - semantic checks of a definition: see defcheck.h. */
#include "forms/defcheck.h"

#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- parameters and which type may carry which ---- */

enum {
    P_DEFAULT, P_MAX_LENGTH, P_LINES, P_CHARSET, P_PATTERN, P_TEXT, P_DECIMAL_PLACES, P_MINIMUM,
    P_MAXIMUM, P_NORMAL_MINIMUM, P_NORMAL_MAXIMUM, P_UNIT, P_PREFIX, P_SUFFIX, P_ITEMS, P_FORMULA,
    P_SECONDS, P_START, P_END, P_BREAK_MINUTES, P_MARKER, P_MASTER, P_MIN_SELECTED, P_MAX_SELECTED,
    P_MAX_BYTES, P_MAX_PIXELS, P_STAGE, P_FILL, P__COUNT
};

const char *const defcheck_param_names[] = {
    "default", "maxLength", "lines", "charset", "pattern", "text", "decimalPlaces", "minimum",
    "maximum", "normalMinimum", "normalMaximum", "unit", "prefix", "suffix", "items", "formula",
    "seconds", "start", "end", "breakMinutes", "marker", "master", "minSelected", "maxSelected",
    "maxBytes", "maxPixels", "stage", "fill",
};
const int defcheck_nparams = P__COUNT;

#define B(p) (1u << (p))
#define NUMBER_LOOK (B(P_UNIT) | B(P_PREFIX) | B(P_SUFFIX))

/* Allowed parameters per type, besides the common ones (default included). */
static const uint32_t allowed[CT__COUNT] = {
    [CT_KEYBOARD_TEXT] = B(P_MAX_LENGTH) | B(P_LINES) | B(P_CHARSET) | B(P_PATTERN),
    [CT_FIXED_TEXT] = B(P_TEXT),
    [CT_NUMERIC] = B(P_DECIMAL_PLACES) | B(P_MINIMUM) | B(P_MAXIMUM) | B(P_NORMAL_MINIMUM) |
                   B(P_NORMAL_MAXIMUM) | NUMBER_LOOK,
    [CT_NUMERIC_SELECT] = B(P_ITEMS) | NUMBER_LOOK,
    [CT_CALCULATE] = B(P_FORMULA) | B(P_DECIMAL_PLACES) | NUMBER_LOOK,
    [CT_DATE] = B(P_MINIMUM) | B(P_MAXIMUM),
    [CT_TIME] = B(P_SECONDS),
    [CT_TIME_CALCULATE] = B(P_START) | B(P_END) | B(P_BREAK_MINUTES),
    [CT_CHECK] = B(P_MARKER),
    [CT_SELECT] = B(P_ITEMS) | B(P_MASTER),
    [CT_MULTIPLE_CHOICE] = B(P_ITEMS) | B(P_MIN_SELECTED) | B(P_MAX_SELECTED),
    [CT_TOGGLE] = B(P_ITEMS),
    [CT_IMAGE] = B(P_MAX_BYTES) | B(P_MAX_PIXELS),
    [CT_CREATE] = B(P_STAGE),
    [CT_INSPECT] = B(P_STAGE),
    [CT_APPROVE] = B(P_STAGE),
    [CT_CODE_READER] = B(P_MAX_LENGTH) | B(P_PATTERN),
    [CT_MASTER_SELECT] = B(P_MASTER) | B(P_FILL),
};

static int param_index(const char *name)
{
    for (int i = 0; i < P__COUNT; i++)
        if (!strcmp(defcheck_param_names[i], name))
            return i;
    return -1;
}

const char *defcheck_param_name(const char *name)
{
    int i = param_index(name);
    return i < 0 ? NULL : defcheck_param_names[i];
}

static bool is_common(const char *name)
{
    if (!strcmp(name, "required") || !strcmp(name, "copyOnDuplicate") ||
        !strcmp(name, "lockAfterSave") || !strcmp(name, "default"))
        return true;
    if (strncmp(name, "remarks", 7))
        return false;
    char *end;
    long n = strtol(name + 7, &end, 10);
    return name[7] >= '1' && name[7] <= '9' && !*end && n >= 1 && n <= 10;
}

bool defcheck_param_allowed(cluster_type t, const char *name)
{
    if (is_common(name))
        return true;
    int i = param_index(name);
    return i >= 0 && (unsigned)t < CT__COUNT && (allowed[t] & B(i));
}

/* ---- decimals, integers, dates ---- */

typedef struct dec {
    bool neg;
    const char *ip, *fp;   /* integer digits without leading zeros, fraction digits */
    size_t il, fl;         /* fl without trailing zeros */
} dec;

static bool dec_parse(const char *s, dec *d)
{
    if (!s)
        return false;
    memset(d, 0, sizeof *d);
    if (*s == '-') {
        d->neg = true;
        s++;
    }
    const char *p = s;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == s)
        return false;
    d->ip = s;
    d->il = (size_t)(p - s);
    while (d->il > 0 && *d->ip == '0') {
        d->ip++;
        d->il--;
    }
    d->fp = "";
    if (*p == '.') {
        const char *f = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == f)
            return false;
        d->fp = f;
        d->fl = (size_t)(p - f);
        while (d->fl > 0 && f[d->fl - 1] == '0')
            d->fl--;
    }
    if (*p)
        return false;
    if (d->il == 0 && d->fl == 0)
        d->neg = false;   /* -0 is 0 */
    return true;
}

bool defcheck_is_decimal(const char *s)
{
    dec d;
    return dec_parse(s, &d);
}

static int mag_cmp(const dec *a, const dec *b)
{
    if (a->il != b->il)
        return a->il < b->il ? -1 : 1;
    int c = memcmp(a->ip, b->ip, a->il);
    if (c)
        return c < 0 ? -1 : 1;
    size_t n = a->fl > b->fl ? a->fl : b->fl;
    for (size_t i = 0; i < n; i++) {
        char x = i < a->fl ? a->fp[i] : '0', y = i < b->fl ? b->fp[i] : '0';
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

int defcheck_deccmp(const char *a, const char *b)
{
    dec x, y;
    if (!dec_parse(a, &x) || !dec_parse(b, &y))
        return 0;
    if (x.neg != y.neg)
        return x.neg ? -1 : 1;
    int c = mag_cmp(&x, &y);
    return x.neg ? -c : c;
}

/* A decimal with at most DEF_MAX_SIGNIFICANT significant digits. */
static bool good_number(const char *s)
{
    dec d;
    if (!dec_parse(s, &d))
        return false;
    size_t sig = d.il + d.fl;
    if (d.il == 0) {   /* 0.00ddd: leading fraction zeros do not count */
        const char *f = d.fp;
        while (sig > 0 && *f == '0') {
            f++;
            sig--;
        }
    }
    return sig <= DEF_MAX_SIGNIFICANT;
}

/* A decimal integer without sign or leading junk, up to max. */
static bool parse_int(const char *s, long max, long *out)
{
    if (!s || !*s)
        return false;
    bool neg = *s == '-';
    if (neg)
        s++;
    if (!*s)
        return false;
    long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
        if (v > max)
            return false;
    }
    *out = neg ? -v : v;
    return true;
}

static bool valid_ymd(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= max;
}

/* A Date bound: YYYY-MM-DD (kind 1, *days unused) or today±N (kind 2,
 * *days = N with its sign); 0 when neither. */
static int date_bound(const char *s, long *days)
{
    if (!s)
        return 0;
    if (valid_ymd(s))
        return 1;
    if (strncmp(s, "today", 5))
        return 0;
    s += 5;
    *days = 0;
    if (!*s)
        return 2;
    if ((*s != '+' && *s != '-') || !s[1])
        return 0;
    long n;
    if (s[1] == '-' || !parse_int(s + 1, 36600, &n))
        return 0;
    *days = *s == '-' ? -n : n;
    return 2;
}

/* ---- small helpers ---- */

typedef struct ctx {
    const definition *d;
    errs *e;
    const char *field;
} ctx;

static void add(ctx *c, int line, const char *code, const char *arg)
{
    c->e->line = line;
    errs_add_arg(c->e, c->field, code, arg);
}

const char *defcheck_cluster_field(arena *a, int sheet_no, const def_cluster *c)
{
    return arena_printf(a, "sheet %d cluster %d (%s)", sheet_no, c->id, c->name ? c->name : "");
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcasecmp(s + n - m, suffix);
}

bool defcheck_background_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > DEF_MAX_BACKGROUND_NAME || s[0] == '.' || strstr(s, ".."))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == '/' || *p == '\\' || *p == ':' || *p < 0x20 || *p == 0x7f)
            return false;
    return ends_with_ci(s, ".png") || ends_with_ci(s, ".jpg") || ends_with_ci(s, ".jpeg");
}

/* yyyy yy MM dd (each of year, month, day at most once) and - _ . */
static bool good_an_date(const char *s)
{
    bool y = false, m = false, dd = false;
    while (*s) {
        if (!strncmp(s, "yyyy", 4) || !strncmp(s, "yy", 2)) {
            if (y)
                return false;
            y = true;
            s += strncmp(s, "yyyy", 4) ? 2 : 4;
        } else if (!strncmp(s, "MM", 2)) {
            if (m)
                return false;
            m = true;
            s += 2;
        } else if (!strncmp(s, "dd", 2)) {
            if (dd)
                return false;
            dd = true;
            s += 2;
        } else if (*s == '-' || *s == '_' || *s == '.') {
            s++;
        } else {
            return false;
        }
    }
    return true;
}

/* Pattern cost: refuse long patterns and large counted repetitions, which
 * make regcomp build huge automata. NULL when acceptable. */
static const char *pattern_cost(const char *p)
{
    if (strlen(p) > 1000)
        return "pattern too long";
    double product = 1;
    for (const char *s = p; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            continue;
        }
        if (*s != '{')
            continue;
        long hi = 0, v = 0;
        for (const char *q = s + 1; *q && *q != '}'; q++) {
            if (*q >= '0' && *q <= '9') {
                if (v <= 100000)
                    v = v * 10 + (*q - '0');
            } else {
                v = 0;
            }
            if (v > hi)
                hi = v;
        }
        if (hi > 1000)
            return "repetition too large";
        product *= hi > 1 ? (double)hi : 1;
        if (product > 10000)
            return "repetition too large";
    }
    return NULL;
}

/* ---- definition-level checks ---- */

static void check_settings(ctx *c, bool (*group_exists)(void *, const char *), void *gctx)
{
    const definition *d = c->d;
    arena *a = c->e->a;
    if (d->has_autonumber) {
        c->field = "autoNumber";
        if (d->an_digits < 1 || d->an_digits > 12)
            add(c, 0, "bad_autonumber", "digits");
        if (d->an_date && !good_an_date(d->an_date))
            add(c, 0, "bad_autonumber", "date");
        if (d->an_start < 0)
            add(c, 0, "bad_autonumber", "start");
        if (d->an_step < 1)
            add(c, 0, "bad_autonumber", "step");
    }
    for (int i = 0; i < d->nstages; i++) {
        const def_stage *st = &d->stages[i];
        c->field = arena_printf(a, "approval stage %d", i + 1);
        if (st->no != i + 1)
            add(c, 0, "stage_order", arena_printf(a, "%d", st->no));
        if (group_exists && st->group && !group_exists(gctx, st->group))
            add(c, 0, "unknown_group", st->group);
    }
    long dummy;
    bool from_ok = true, until_ok = true;
    if (d->available_from && date_bound(d->available_from, &dummy) != 1) {
        c->field = "availableFrom";
        add(c, 0, "bad_date", "availableFrom");
        from_ok = false;
    }
    if (d->available_until && date_bound(d->available_until, &dummy) != 1) {
        c->field = "availableUntil";
        add(c, 0, "bad_date", "availableUntil");
        until_ok = false;
    }
    if (d->available_from && d->available_until && from_ok && until_ok &&
        strcmp(d->available_from, d->available_until) > 0) {
        c->field = "availableFrom";
        add(c, 0, "min_above_max", "availableFrom");
    }
}

static void check_sheet(ctx *c, int si)
{
    const def_sheet *s = &c->d->sheets[si];
    arena *a = c->e->a;
    c->field = arena_printf(a, "sheet %d", s->no);
    for (int j = 0; j < si; j++)
        if (c->d->sheets[j].no == s->no) {
            add(c, s->line, "duplicate_sheet", arena_printf(a, "%d", s->no));
            break;
        }
    if (s->width < 1 || s->width > DEF_MAX_SIZE)
        add(c, s->line, "bad_size", "width");
    if (s->height < 1 || s->height > DEF_MAX_SIZE)
        add(c, s->line, "bad_size", "height");
    if (s->background && !defcheck_background_ok(s->background))
        add(c, s->line, "bad_background", s->background);
}

/* ---- cluster checks ---- */

static void check_rect(ctx *c, const def_cluster *cl)
{
    const char *side[4] = {cl->top, cl->bottom, cl->left, cl->right};
    static const char *const names[4] = {"top", "bottom", "left", "right"};
    bool ok = true;
    for (int i = 0; i < 4; i++)
        if (!defcheck_is_decimal(side[i]) || defcheck_deccmp(side[i], "0") < 0 ||
            defcheck_deccmp(side[i], "1") > 0) {
            add(c, cl->line, "rect_outside", names[i]);
            ok = false;
            break;
        }
    if (ok && (defcheck_deccmp(cl->top, cl->bottom) >= 0 || defcheck_deccmp(cl->left, cl->right) >= 0))
        add(c, cl->line, "rect_inverted", NULL);
}

/* Parameters the type does not know, and parameters given twice. */
static void check_param_names(ctx *c, const def_cluster *cl)
{
    for (int i = 0; i < cl->nparams; i++) {
        const char *n = cl->params[i].name;
        /* items and fill live in def_item/def_fill, never among params */
        if (!n || !defcheck_param_allowed(cl->type, n) || !strcmp(n, "items") || !strcmp(n, "fill")) {
            add(c, cl->line, "param_not_allowed", n ? n : "");
            continue;
        }
        for (int j = 0; j < i; j++)
            if (cl->params[j].name && !strcmp(cl->params[j].name, n)) {
                add(c, cl->line, "duplicate_param", n);
                break;
            }
    }
    if (cl->nitems > 0 && !defcheck_param_allowed(cl->type, "items"))
        add(c, cl->line, "param_not_allowed", "items");
    if (cl->nfills > 0 && !defcheck_param_allowed(cl->type, "fill"))
        add(c, cl->line, "param_not_allowed", "fill");
}

/* An allowed parameter's value, else NULL (a refused one is not checked again). */
static const char *param(const def_cluster *cl, const char *name)
{
    return defcheck_param_allowed(cl->type, name) ? def_param_get(cl, name) : NULL;
}

static bool get_int(ctx *c, const def_cluster *cl, const char *name, long max, long *out)
{
    const char *v = param(cl, name);
    if (!v)
        return false;
    if (!parse_int(v, max, out)) {
        add(c, cl->line, "bad_number", name);
        return false;
    }
    return true;
}

static void check_numeric(ctx *c, const def_cluster *cl)
{
    static const char *const names[] = {"minimum", "maximum", "normalMinimum", "normalMaximum", "default"};
    bool ok[5];
    for (int i = 0; i < 5; i++) {
        const char *v = param(cl, names[i]);
        ok[i] = v && good_number(v);
        if (v && !ok[i])
            add(c, cl->line, "bad_number", names[i]);
    }
    if (ok[0] && ok[1] && defcheck_deccmp(param(cl, "minimum"), param(cl, "maximum")) > 0)
        add(c, cl->line, "min_above_max", "minimum");
    if (ok[2] && ok[3] && defcheck_deccmp(param(cl, "normalMinimum"), param(cl, "normalMaximum")) > 0)
        add(c, cl->line, "min_above_max", "normalMinimum");
}

static void check_date(ctx *c, const def_cluster *cl)
{
    static const char *const names[] = {"minimum", "maximum", "default"};
    int kind[3];
    long days[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        const char *v = param(cl, names[i]);
        kind[i] = v ? date_bound(v, &days[i]) : -1;
        if (kind[i] == 0)
            add(c, cl->line, "bad_date", names[i]);
    }
    if (kind[0] > 0 && kind[0] == kind[1] &&
        (kind[0] == 1 ? strcmp(param(cl, "minimum"), param(cl, "maximum")) > 0 : days[0] > days[1]))
        add(c, cl->line, "min_above_max", "minimum");
}

static bool bad_item_value(const char *v)
{
    if (!v || !*v)
        return true;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return true;
    return false;
}

static void check_items(ctx *c, const def_cluster *cl)
{
    if (cl->nitems == 0) {
        if (!(cl->type == CT_SELECT && param(cl, "master")))
            add(c, cl->line, "items_missing", NULL);
        return;
    }
    int defaults = 0;
    for (int i = 0; i < cl->nitems; i++) {
        const char *v = cl->items[i].value;
        defaults += cl->items[i].is_default;
        if (bad_item_value(v)) {
            add(c, cl->line, "bad_item_value", v ? v : "");
            continue;
        }
        if (cl->type == CT_NUMERIC_SELECT && !good_number(v))
            add(c, cl->line, "item_not_numeric", v);
        for (int j = 0; j < i; j++)
            if (cl->items[j].value && !strcmp(cl->items[j].value, v)) {
                add(c, cl->line, "duplicate_item", v);
                break;
            }
    }
    long min = 0, max = -1;
    bool has_min = get_int(c, cl, "minSelected", 1000000, &min);
    bool has_max = get_int(c, cl, "maxSelected", 1000000, &max);
    if (cl->type == CT_MULTIPLE_CHOICE) {
        if (has_min && has_max && min > max)
            add(c, cl->line, "min_above_max", "minSelected");
        if (has_max && max > cl->nitems)
            add(c, cl->line, "selected_above_items", "maxSelected");
        else if (has_min && min > cl->nitems)
            add(c, cl->line, "selected_above_items", "minSelected");
        if (has_max && defaults > max)
            add(c, cl->line, "multiple_defaults", NULL);
    } else if (defaults > 1) {
        add(c, cl->line, "multiple_defaults", NULL);
    }
}

/* "C(sheet,cluster)" naming a Time cluster. */
static void check_time_ref(ctx *c, const def_cluster *cl, const char *name)
{
    const char *v = param(cl, name);
    if (!v) {
        add(c, cl->line, "param_missing", name);
        return;
    }
    int s, id, n = 0;
    const def_cluster *t = NULL;
    if (sscanf(v, "C(%d,%d)%n", &s, &id, &n) == 2 && n > 0 && !v[n])
        t = def_find(c->d, s, id);
    if (!t || t->type != CT_TIME)
        add(c, cl->line, "bad_reference", name);
}

static void check_type_params(ctx *c, const def_cluster *cl)
{
    arena *a = c->e->a;
    long n;
    const char *v;
    if (get_int(c, cl, "decimalPlaces", 1000000000, &n) && (n < 0 || n > DEF_MAX_DECIMALS))
        add(c, cl->line, "bad_decimal_places", NULL);
    if (get_int(c, cl, "maxLength", 1000000000, &n) && (n < 1 || n > DEF_MAX_TEXT_LENGTH))
        add(c, cl->line, "bad_max_length", NULL);
    if ((v = param(cl, "charset")) && strcmp(v, "any") && strcmp(v, "alphanumeric") &&
        strcmp(v, "digits") && strcmp(v, "ascii"))
        add(c, cl->line, "bad_charset", v);
    if ((v = param(cl, "pattern"))) {
        const char *why = pattern_cost(v);
        if (why) {
            add(c, cl->line, "bad_pattern", why);
        } else {
            regex_t re;
            int rc = regcomp(&re, v, REG_EXTENDED | REG_NOSUB);
            if (rc) {
                char msg[200];
                regerror(rc, &re, msg, sizeof msg);
                add(c, cl->line, "bad_pattern", arena_strdup(a, msg));
            } else {
                regfree(&re);
            }
        }
    }
    switch (cl->type) {
    case CT_NUMERIC:
        check_numeric(c, cl);
        break;
    case CT_DATE:
        check_date(c, cl);
        break;
    case CT_SELECT: case CT_MULTIPLE_CHOICE: case CT_TOGGLE: case CT_NUMERIC_SELECT:
        check_items(c, cl);
        break;
    case CT_CALCULATE:
        v = param(cl, "formula");
        if (!v || !v[strspn(v, " \t\r\n")])
            add(c, cl->line, "formula_missing", NULL);
        break;
    case CT_TIME_CALCULATE:
        check_time_ref(c, cl, "start");
        check_time_ref(c, cl, "end");
        break;
    case CT_APPROVE:
        if (!(v = param(cl, "stage"))) {
            add(c, cl->line, "param_missing", "stage");
        } else if (parse_int(v, 1000000, &n)) {
            bool found = false;
            for (int i = 0; i < c->d->nstages; i++)
                found |= c->d->stages[i].no == n;
            if (!found)
                add(c, cl->line, "unknown_stage", v);
        } else {
            add(c, cl->line, "bad_number", "stage");
        }
        break;
    case CT_MASTER_SELECT:
        if (!param(cl, "master"))
            add(c, cl->line, "param_missing", "master");
        for (int i = 0; i < cl->nfills; i++) {
            const def_cluster *t = def_find(c->d, cl->sheet_no, cl->fills[i].cluster);
            if (!t || t == cl || !cl->fills[i].field || !*cl->fills[i].field)
                add(c, cl->line, "bad_fill", arena_printf(a, "%d", cl->fills[i].cluster));
        }
        break;
    default:
        break;
    }
}

static void check_clusters(ctx *c, const def_sheet *s)
{
    arena *a = c->e->a;
    for (int i = 0; i < s->nclusters; i++) {
        const def_cluster *cl = &s->clusters[i];
        c->field = defcheck_cluster_field(a, s->no, cl);
        for (int j = 0; j < i; j++)
            if (s->clusters[j].id == cl->id) {
                add(c, cl->line, "duplicate_cluster_id", arena_printf(a, "%d", cl->id));
                break;
            }
        if (cl->sheet_no != s->no)
            add(c, cl->line, "sheet_mismatch", arena_printf(a, "%d", cl->sheet_no));
        check_rect(c, cl);
        check_param_names(c, cl);
        check_type_params(c, cl);
    }
}

void defcheck_run(const definition *d, bool (*group_exists)(void *, const char *), void *gctx, errs *e)
{
    int saved = e->line;
    ctx c = {.d = d, .e = e, .field = NULL};
    check_settings(&c, group_exists, gctx);
    for (int s = 0; s < d->nsheets; s++)
        check_sheet(&c, s);
    for (int s = 0; s < d->nsheets; s++)
        check_clusters(&c, &d->sheets[s]);
    e->line = saved;
}
