#include "util/cdate.h"
#include "util/arena.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cdate_days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && leap(y) ? 29 : dm[m - 1];
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool date_part(const char *s, cdate *out)
{
    cdate d;
    if (!digits(s, 4, &d.y) || s[4] != '-' || !digits(s + 5, 2, &d.m) || s[7] != '-' || !digits(s + 8, 2, &d.d))
        return false;
    if (d.y < 1 || d.m < 1 || d.m > 12 || d.d < 1 || d.d > cdate_days_in_month(d.y, d.m))
        return false;
    *out = d;
    return true;
}

bool cdate_parse(const char *s, cdate *out)
{
    if (!s || strlen(s) != 10)
        return false;
    return date_part(s, out);
}

void cdate_format(cdate d, char *out)
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u, (unsigned)d.d % 100u);
}

int cdate_cmp(cdate a, cdate b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
long cdate_to_days(cdate c)
{
    long y = c.y - (c.m <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (c.m + (c.m > 2 ? -3 : 9)) + 2) / 5 + c.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

cdate cdate_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    cdate c = {(int)(y + (m <= 2)), (int)m, (int)d};
    return c;
}

cdate cdate_add_days(cdate d, long n)
{
    return cdate_from_days(cdate_to_days(d) + n);
}

int cdate_weekday(cdate d)
{
    long w = (cdate_to_days(d) + 4) % 7;   /* 1970-01-01 was a Thursday */
    return (int)(w < 0 ? w + 7 : w);
}

cdate cdate_month_first(cdate d)
{
    d.d = 1;
    return d;
}

cdate cdate_month_end(cdate d)
{
    d.d = cdate_days_in_month(d.y, d.m);
    return d;
}

cdate cdate_add_months_end(cdate d, int n)
{
    long months = (long)d.y * 12 + (d.m - 1) + n;
    cdate r = {(int)(months / 12), (int)(months % 12) + 1, 1};
    return cdate_month_end(r);
}

static bool is_holiday(cdate d, const cdate *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!cdate_cmp(d, h[i]))
            return true;
    return false;
}

int bizdays_between(cdate from, cdate to, const cdate *holidays, size_t n)
{
    long a = cdate_to_days(from), b = cdate_to_days(to);
    int count = 0;
    for (long z = a + 1; z < b; z++) {
        cdate d = cdate_from_days(z);
        int wd = cdate_weekday(d);
        if (wd != 0 && wd != 6 && !is_holiday(d, holidays, n))
            count++;
    }
    return count;
}

bool holidays_load(arena *a, const char *path, cdate **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    if (!path || !*path)
        return true;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read holidays_file %s: %s", path, strerror(errno));
        return false;
    }
    size_t cap = 0;
    cdate *list = NULL;
    char line[256];
    unsigned lineno = 0;
    bool ok = true;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = line, *e;
        while (*s == ' ' || *s == '\t')
            s++;
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            *--e = '\0';
        if (!*s)
            continue;
        cdate d;
        if (!cdate_parse(s, &d)) {
            snprintf(err, errlen, "%s:%u: expected a date YYYY-MM-DD, found '%.40s'", path, lineno, s);
            ok = false;
            break;
        }
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            cdate *nl = arena_alloc(a, ncap * sizeof *nl);
            if (list)
                memcpy(nl, list, *n * sizeof *nl);
            list = nl;
            cap = ncap;
        }
        list[(*n)++] = d;
    }
    fclose(f);
    *out = list;
    return ok;
}

bool utc_offset_parse(const char *s, long *seconds)
{
    if (!s)
        return false;
    if (!strcmp(s, "Z") || !strcmp(s, "z")) {
        *seconds = 0;
        return true;
    }
    int h, m;
    if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || !digits(s + 1, 2, &h) || s[3] != ':' ||
        !digits(s + 4, 2, &m) || h > 23 || m > 59)
        return false;
    *seconds = (s[0] == '-' ? -1L : 1L) * (h * 3600L + m * 60L);
    return true;
}

bool rfc3339_parse(const char *s, time_t *out)
{
    cdate d;
    int hh, mm, ss = 0;
    if (!s || strlen(s) < 17 || !date_part(s, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        return false;
    const char *p = s + 11;
    if (!digits(p, 2, &hh) || p[2] != ':' || !digits(p + 3, 2, &mm))
        return false;
    p += 5;
    if (*p == ':') {
        if (!digits(p + 1, 2, &ss))
            return false;
        p += 3;
        if (*p == '.') {   /* fractions are accepted and dropped */
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
    }
    long off;
    if (hh > 23 || mm > 59 || ss > 59 || !utc_offset_parse(p, &off))
        return false;
    *out = (time_t)(cdate_to_days(d) * 86400L + hh * 3600L + mm * 60L + ss - off);
    return true;
}

void rfc3339_format(time_t t, char *out)
{
    long days = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
    long sec = (long)(t - (time_t)days * 86400);
    cdate d = cdate_from_days(days);
    unsigned long u = (unsigned long)sec;
    snprintf(out, 21, "%04u-%02u-%02uT%02lu:%02lu:%02luZ", (unsigned)d.y % 10000u, (unsigned)d.m % 100u,
             (unsigned)d.d % 100u, (u / 3600) % 24, (u / 60) % 60, u % 60);
}

cdate cdate_of(time_t t, long offset)
{
    time_t l = t + offset;
    long days = (long)(l >= 0 ? l / 86400 : (l - 86399) / 86400);
    return cdate_from_days(days);
}

cdate cdate_today(long offset)
{
    return cdate_of(time(NULL), offset);
}

void time_format_local(time_t t, long offset, char *out)
{
    time_t l = t + offset;
    long days = (long)(l >= 0 ? l / 86400 : (l - 86399) / 86400);
    long sec = (long)(l - (time_t)days * 86400);
    cdate d = cdate_from_days(days);
    unsigned long u = (unsigned long)sec;
    snprintf(out, 17, "%04u-%02u-%02u %02lu:%02lu", (unsigned)d.y % 10000u, (unsigned)d.m % 100u,
             (unsigned)d.d % 100u, (u / 3600) % 24, (u / 60) % 60);
}

time_t cdate_start_utc(cdate d, long offset)
{
    return (time_t)(cdate_to_days(d) * 86400L - offset);
}

size_t cdate_time_text(char *out, int y, int mo, int d, int h, int mi, int s)
{
    int f[6] = {y, mo, d, h, mi, s};
    static const char sep[] = "x-- ::";   /* before each field but the first */
    char *p = out;
    for (int i = 0; i < 6; i++) {
        if (i) {
            *p++ = sep[i];
        } else {
            *p++ = (char)('0' + y / 1000 % 10);
            *p++ = (char)('0' + y / 100 % 10);
        }
        *p++ = (char)('0' + f[i] / 10 % 10);
        *p++ = (char)('0' + f[i] % 10);
    }
    *p = '\0';
    return (size_t)(p - out);
}
