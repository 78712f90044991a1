#include "util/tz.h"
#include "util/arena.h"
#include "util/log.h"

#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tz_zone {
    char name[64];
    char abbr_std[16], abbr_dst[16];
    pthread_mutex_t mu;      /* guards cal: a UCalendar is not thread-safe */
    UCalendar *cal;
    struct tz_zone *next;
};

static pthread_mutex_t zones_mu = PTHREAD_MUTEX_INITIALIZER;
static tz_zone *zones;       /* every zone loaded so far; never freed */

/* A short name: ICU's in English (EST, EDT, GMT), else its Japanese one when
 * that is a real abbreviation (JST), else the English offset form (GMT+14). */
static void short_name(UCalendar *cal, UCalendarDisplayNameType type, char *out, size_t n)
{
    UChar u[32];
    char en[32] = "", ja[32] = "";
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = ucal_getTimeZoneDisplayName(cal, type, "en_US", u, 32, &st);
    if (U_SUCCESS(st) && len > 0 && len < 32)
        u_austrncpy(en, u, sizeof en - 1);
    st = U_ZERO_ERROR;
    len = ucal_getTimeZoneDisplayName(cal, type, "ja", u, 32, &st);
    if (U_SUCCESS(st) && len > 0 && len < 32)
        u_austrncpy(ja, u, sizeof ja - 1);
    bool en_offset = !strncmp(en, "GMT", 3) && (en[3] == '+' || en[3] == '-');
    bool ja_alpha = ja[0] >= 'A' && ja[0] <= 'Z' && strncmp(ja, "GMT", 3) != 0;
    snprintf(out, n, "%s", en_offset && ja_alpha ? ja : en[0] ? en : "UTC");
}

static bool known_id(const UChar *id)
{
    UChar canon[128];
    UBool system = 0;
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = ucal_getCanonicalTimeZoneID(id, -1, canon, 128, &system, &st);
    return U_SUCCESS(st) && n > 0 && system;
}

static tz_zone *load(const char *name)
{
    UChar id[64];
    if (strlen(name) >= 63)
        return NULL;
    u_uastrcpy(id, name);
    if (!known_id(id))
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    UCalendar *cal = ucal_open(id, -1, "en_US", UCAL_GREGORIAN, &st);
    if (U_FAILURE(st) || !cal) {
        log_error("tz: ICU cannot open zone %s: %s", name, u_errorName(st));
        return NULL;
    }
    /* proleptic Gregorian throughout, like cdate */
    ucal_setGregorianChange(cal, -1e300, &st);
    /* a local time that happens twice (fall back) means its first instant */
    ucal_setAttribute(cal, UCAL_REPEATED_WALL_TIME, UCAL_WALLTIME_FIRST);
    tz_zone *z = calloc(1, sizeof *z);
    if (!z) {
        ucal_close(cal);
        return NULL;
    }
    snprintf(z->name, sizeof z->name, "%s", name);
    z->cal = cal;
    pthread_mutex_init(&z->mu, NULL);
    short_name(cal, UCAL_SHORT_STANDARD, z->abbr_std, sizeof z->abbr_std);
    short_name(cal, UCAL_SHORT_DST, z->abbr_dst, sizeof z->abbr_dst);
    return z;
}

const tz_zone *tz_find(const char *name)
{
    if (!name || !*name)
        return NULL;
    pthread_mutex_lock(&zones_mu);
    tz_zone *z = zones;
    while (z && strcmp(z->name, name))
        z = z->next;
    if (!z && (z = load(name)) != NULL) {
        z->next = zones;
        zones = z;
    }
    pthread_mutex_unlock(&zones_mu);
    return z;
}

const tz_zone *tz_default(void)
{
    return tz_find(TZ_DEFAULT);
}

const char *tz_name(const tz_zone *z)
{
    return z ? z->name : "UTC";
}

/* Offset and daylight flag at t (ms since the epoch). */
static long offset_at(const tz_zone *z, double ms, bool *dst)
{
    tz_zone *m = (tz_zone *)z;   /* the calendar is scratch state under the mutex */
    UErrorCode st = U_ZERO_ERROR;
    pthread_mutex_lock(&m->mu);
    ucal_setMillis(m->cal, ms, &st);
    int32_t zo = ucal_get(m->cal, UCAL_ZONE_OFFSET, &st);
    int32_t dso = ucal_get(m->cal, UCAL_DST_OFFSET, &st);
    pthread_mutex_unlock(&m->mu);
    if (U_FAILURE(st))
        return 0;
    if (dst)
        *dst = dso != 0;
    return (long)(zo + dso) / 1000;
}

long tz_offset(const tz_zone *z, time_t t)
{
    return z ? offset_at(z, (double)t * 1000.0, NULL) : 0;
}

cdate tz_date(const tz_zone *z, time_t t)
{
    return cdate_of(t, tz_offset(z, t));
}

cdate tz_today(const tz_zone *z)
{
    return tz_date(z, time(NULL));
}

time_t tz_local_to_utc(const tz_zone *z, cdate d, int hh, int mm, int ss)
{
    time_t naive = (time_t)(cdate_to_days(d) * 86400L + hh * 3600L + mm * 60L + ss);
    if (!z)
        return naive;
    tz_zone *m = (tz_zone *)z;
    UErrorCode st = U_ZERO_ERROR;
    pthread_mutex_lock(&m->mu);
    ucal_clear(m->cal);
    /* lenient: a skipped local time moves past the gap; of a repeated one
     * the first instant is taken (set in load) */
    ucal_setDateTime(m->cal, d.y, d.m - 1, d.d, hh, mm, ss, &st);
    UDate ms = ucal_getMillis(m->cal, &st);
    pthread_mutex_unlock(&m->mu);
    if (U_FAILURE(st))
        return naive - tz_offset(z, naive);
    return (time_t)(ms / 1000.0);
}

time_t tz_day_start(const tz_zone *z, cdate d)
{
    return tz_local_to_utc(z, d, 0, 0, 0);
}

bool tz_day_start_sql(const tz_zone *z, const char *day, long n, char *out)
{
    cdate d;
    if (!cdate_parse(day, &d))
        return false;
    time_t t = tz_day_start(z, cdate_add_days(d, n));
    char b[24];
    rfc3339_format(t, b);   /* "YYYY-MM-DDTHH:MM:SSZ" */
    snprintf(out, 20, "%.10s %.8s", b, b + 11);
    return true;
}

static void local_fields(const tz_zone *z, time_t t, cdate *d, long *sec_of_day, long *off, bool *dst)
{
    *dst = false;
    *off = z ? offset_at(z, (double)t * 1000.0, dst) : 0;
    time_t l = t + *off;
    long days = (long)(l >= 0 ? l / 86400 : (l - 86399) / 86400);
    *sec_of_day = (long)(l - (time_t)days * 86400);
    *d = cdate_from_days(days);
}

void tz_format(const tz_zone *z, time_t t, char *out)
{
    cdate d;
    long s, off;
    bool dst;
    local_fields(z, t, &d, &s, &off, &dst);
    snprintf(out, TZ_FMT_LEN, "%04d-%02d-%02d %02ld:%02ld %s", d.y % 10000, d.m, d.d, (s / 3600) % 24, (s / 60) % 60,
             !z ? "UTC" : dst ? z->abbr_dst : z->abbr_std);
}

void tz_format_rfc3339(const tz_zone *z, time_t t, char *out)
{
    cdate d;
    long s, off;
    bool dst;
    local_fields(z, t, &d, &s, &off, &dst);
    long a = off < 0 ? -off : off;
    snprintf(out, TZ_RFC3339_LEN, "%04d-%02d-%02dT%02ld:%02ld:%02ld%c%02ld:%02ld", d.y % 10000, d.m, d.d, (s / 3600) % 24,
             (s / 60) % 60, s % 60, off < 0 ? '-' : '+', (a / 3600) % 100, (a / 60) % 60);
}

const char *tz_show(arena *a, const tz_zone *z, const char *utc, tz_style style)
{
    time_t t;
    if (!tz_parse_utc(utc, &t))
        return utc;
    char b[TZ_FMT_LEN];
    if (style == TZ_SHOW_RFC3339)
        tz_format_rfc3339(z, t, b);
    else
        tz_format(z, t, b);
    return arena_strdup(a, b);
}

bool tz_parse_utc(const char *s, time_t *t)
{
    if (!s)
        return false;
    if (rfc3339_parse(s, t))
        return true;
    char b[48];
    if (strlen(s) > 40)
        return false;
    snprintf(b, sizeof b, "%sZ", s);   /* the database's DATETIME is UTC without a zone */
    return rfc3339_parse(b, t);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void tz_each(void (*f)(const char *id, void *ctx), void *ctx)
{
    UErrorCode st = U_ZERO_ERROR;
    UEnumeration *e = ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, NULL, NULL, &st);
    if (U_FAILURE(st) || !e)
        return;
    size_t n = 0, cap = 512;
    char **ids = malloc(cap * sizeof *ids);
    const char *id;
    int32_t len;
    while (ids && (id = uenum_next(e, &len, &st)) != NULL && U_SUCCESS(st)) {
        if (n == cap) {
            char **more = realloc(ids, (cap *= 2) * sizeof *ids);
            if (!more)
                break;
            ids = more;
        }
        ids[n] = strdup(id);
        if (ids[n])
            n++;
    }
    uenum_close(e);
    if (!ids)
        return;
    qsort(ids, n, sizeof *ids, cmp_str);
    f("UTC", ctx);
    for (size_t i = 0; i < n; i++) {
        f(ids[i], ctx);
        free(ids[i]);
    }
    free(ids);
}
