/* Time zones (util/tz.c): local dates and clocks, day boundaries, daylight
 * saving transitions, names, parsing of stored UTC times. */
#include "tests.h"
#include "util/cdate.h"
#include "util/tz.h"

#include <stdio.h>
#include <string.h>

static time_t utc(const char *s)
{
    time_t t = 0;
    ck_assert_msg(tz_parse_utc(s, &t), "cannot parse %s", s);
    return t;
}

START_TEST(test_find)
{
    ck_assert_ptr_nonnull(tz_find("Asia/Tokyo"));
    ck_assert_ptr_nonnull(tz_find("America/New_York"));
    ck_assert_ptr_nonnull(tz_find("Pacific/Kiritimati"));
    ck_assert_ptr_nonnull(tz_find("UTC"));
    ck_assert_ptr_eq(tz_find("Asia/Tokyo"), tz_find("Asia/Tokyo"));   /* loaded once */
    ck_assert_str_eq(tz_name(tz_find("Pacific/Pago_Pago")), "Pacific/Pago_Pago");
    ck_assert_str_eq(tz_name(tz_default()), "Asia/Tokyo");
    static const char *const bad[] = {"", "Bogus/Zone", "asia/tokyo", "Asia/Tokyo ", "../etc/passwd", "Mars/Olympus",
                                      "Asia/Tokyo/x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(tz_find(bad[i]) == NULL, "%s accepted", bad[i]);
    ck_assert_ptr_null(tz_find(NULL));
}
END_TEST

/* zone, UTC instant, local date, offset, formatted */
static const struct {
    const char *zone, *at, *date;
    long offset;
    const char *fmt, *iso;
} local_cases[] = {
    {"Asia/Tokyo", "2026-12-04T15:00:00Z", "2026-12-05", 32400, "2026-12-05 00:00 JST", "2026-12-05T00:00:00+09:00"},
    {"Asia/Tokyo", "2026-12-04T14:59:59Z", "2026-12-04", 32400, "2026-12-04 23:59 JST", "2026-12-04T23:59:59+09:00"},
    {"Pacific/Kiritimati", "2026-12-04T10:00:00Z", "2026-12-05", 50400, "2026-12-05 00:00 GMT+14",
     "2026-12-05T00:00:00+14:00"},
    {"Pacific/Pago_Pago", "2026-12-05T10:59:00Z", "2026-12-04", -39600, "2026-12-04 23:59 GMT-11",
     "2026-12-04T23:59:00-11:00"},
    {"UTC", "2026-12-05 00:30:00.123", "2026-12-05", 0, "2026-12-05 00:30 UTC", "2026-12-05T00:30:00+00:00"},
    /* New York: EST in winter, EDT in summer */
    {"America/New_York", "2026-01-15T12:00:00Z", "2026-01-15", -18000, "2026-01-15 07:00 EST",
     "2026-01-15T07:00:00-05:00"},
    {"America/New_York", "2026-07-15T12:00:00Z", "2026-07-15", -14400, "2026-07-15 08:00 EDT",
     "2026-07-15T08:00:00-04:00"},
    /* spring forward 2026-03-08: 01:59:59 EST is followed by 03:00:00 EDT */
    {"America/New_York", "2026-03-08T06:59:59Z", "2026-03-08", -18000, "2026-03-08 01:59 EST",
     "2026-03-08T01:59:59-05:00"},
    {"America/New_York", "2026-03-08T07:00:00Z", "2026-03-08", -14400, "2026-03-08 03:00 EDT",
     "2026-03-08T03:00:00-04:00"},
    /* fall back 2026-11-01: 01:59:59 EDT is followed by 01:00:00 EST */
    {"America/New_York", "2026-11-01T05:59:59Z", "2026-11-01", -14400, "2026-11-01 01:59 EDT",
     "2026-11-01T01:59:59-04:00"},
    {"America/New_York", "2026-11-01T06:00:00Z", "2026-11-01", -18000, "2026-11-01 01:00 EST",
     "2026-11-01T01:00:00-05:00"},
    /* late evening in New York is already tomorrow in UTC */
    {"America/New_York", "2026-12-05T04:30:00Z", "2026-12-04", -18000, "2026-12-04 23:30 EST",
     "2026-12-04T23:30:00-05:00"},
};

START_TEST(test_local)
{
    int i = _i;
    const tz_zone *z = tz_find(local_cases[i].zone);
    ck_assert_ptr_nonnull(z);
    time_t t = utc(local_cases[i].at);
    ck_assert_int_eq(tz_offset(z, t), local_cases[i].offset);
    char d[11], f[TZ_FMT_LEN], iso[TZ_RFC3339_LEN];
    cdate_format(tz_date(z, t), d);
    ck_assert_str_eq(d, local_cases[i].date);
    tz_format(z, t, f);
    ck_assert_str_eq(f, local_cases[i].fmt);
    tz_format_rfc3339(z, t, iso);
    ck_assert_str_eq(iso, local_cases[i].iso);
    /* and back: the RFC 3339 text is the same instant */
    ck_assert_int_eq((long long)utc(iso), (long long)t);
}
END_TEST

/* zone, local day, first UTC instant of it, length of the day in hours */
static const struct {
    const char *zone, *day, *start;
    int hours;
} day_cases[] = {
    {"Asia/Tokyo", "2026-12-05", "2026-12-04T15:00:00Z", 24},
    {"Pacific/Kiritimati", "2026-12-05", "2026-12-04T10:00:00Z", 24},
    {"Pacific/Pago_Pago", "2026-12-05", "2026-12-05T11:00:00Z", 24},
    {"America/New_York", "2026-03-08", "2026-03-08T05:00:00Z", 23},   /* spring forward: 23 hours */
    {"America/New_York", "2026-11-01", "2026-11-01T04:00:00Z", 25},   /* fall back: 25 hours */
    {"America/New_York", "2026-11-02", "2026-11-02T05:00:00Z", 24},
    /* Havana: midnight itself is skipped on 2026-03-08 (00:00 -> 01:00) */
    {"America/Havana", "2026-03-08", "2026-03-08T05:00:00Z", 23},
};

START_TEST(test_day_start)
{
    int i = _i;
    const tz_zone *z = tz_find(day_cases[i].zone);
    ck_assert_ptr_nonnull(z);
    cdate d, next;
    ck_assert(cdate_parse(day_cases[i].day, &d));
    next = cdate_add_days(d, 1);
    time_t s = tz_day_start(z, d);
    ck_assert_int_eq((long long)s, (long long)utc(day_cases[i].start));
    ck_assert_int_eq((long long)(tz_day_start(z, next) - s), day_cases[i].hours * 3600LL);
    /* the instant before the start belongs to the day before, the start to d */
    ck_assert_int_eq(cdate_cmp(tz_date(z, s), d), 0);
    ck_assert_int_eq(cdate_cmp(tz_date(z, s - 1), cdate_add_days(d, -1)), 0);
}
END_TEST

START_TEST(test_local_to_utc)
{
    const tz_zone *ny = tz_find("America/New_York"), *tokyo = tz_find("Asia/Tokyo");
    cdate d = {2026, 3, 8};
    /* 02:30 does not exist on the spring-forward day: after the gap */
    ck_assert_int_eq((long long)tz_local_to_utc(ny, d, 2, 30, 0), (long long)utc("2026-03-08T07:30:00Z"));
    ck_assert_int_eq((long long)tz_local_to_utc(ny, d, 1, 30, 0), (long long)utc("2026-03-08T06:30:00Z"));
    /* 01:30 happens twice on the fall-back day: the first (EDT) is taken */
    d = (cdate){2026, 11, 1};
    ck_assert_int_eq((long long)tz_local_to_utc(ny, d, 1, 30, 0), (long long)utc("2026-11-01T05:30:00Z"));
    d = (cdate){2026, 12, 5};
    ck_assert_int_eq((long long)tz_local_to_utc(tokyo, d, 9, 30, 15), (long long)utc("2026-12-05T00:30:15Z"));
    char b[20];
    ck_assert(tz_day_start_sql(tokyo, "2026-12-05", 0, b));
    ck_assert_str_eq(b, "2026-12-04 15:00:00");
    ck_assert(tz_day_start_sql(tokyo, "2026-12-31", 1, b));
    ck_assert_str_eq(b, "2026-12-31 15:00:00");
    ck_assert(tz_day_start_sql(tz_find("Pacific/Pago_Pago"), "2026-12-05", 1, b));
    ck_assert_str_eq(b, "2026-12-06 11:00:00");
    ck_assert(!tz_day_start_sql(tokyo, "2026-02-30", 0, b));
    ck_assert(!tz_day_start_sql(tokyo, "today", 0, b));
}
END_TEST

START_TEST(test_parse)
{
    time_t t;
    ck_assert(tz_parse_utc("2026-12-05 00:30:00", &t));
    ck_assert_int_eq((long long)t, (long long)utc("2026-12-05T00:30:00Z"));
    ck_assert(tz_parse_utc("2026-12-05T09:30:00+09:00", &t));
    ck_assert_int_eq((long long)t, (long long)utc("2026-12-05T00:30:00Z"));
    static const char *const bad[] = {"", "yesterday", "2026-13-01 00:00:00", "2026-12-05", "2026-12-05 25:00:00",
                                      "2026-12-05 00:30:00 junk"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!tz_parse_utc(bad[i], &t), "%s parsed", bad[i]);
    ck_assert(!tz_parse_utc(NULL, &t));
}
END_TEST

static void count(const char *id, void *ctx)
{
    int *n = ctx;
    if (!strcmp(id, "Asia/Tokyo") || !strcmp(id, "America/New_York") || !strcmp(id, "UTC"))
        n[0]++;
    n[1]++;
    ck_assert_msg(tz_find(id) != NULL, "listed zone %s is not found", id);
}

START_TEST(test_time_text)
{
    /* what "%04d-%02d-%02d %02d:%02d:%02d" gives, for the walks' own writer */
    static const int cases[][6] = {{2026, 12, 5, 0, 30, 0}, {1, 1, 1, 0, 0, 0}, {9999, 12, 31, 23, 59, 59},
                                   {0, 0, 0, 0, 0, 0}, {1970, 1, 1, 9, 5, 7}, {2024, 2, 29, 12, 0, 60}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const int *c = cases[i];
        char want[32], got[32];
        snprintf(want, sizeof want, "%04d-%02d-%02d %02d:%02d:%02d", c[0], c[1], c[2], c[3], c[4], c[5]);
        memset(got, 'x', sizeof got);
        ck_assert_uint_eq(cdate_time_text(got, c[0], c[1], c[2], c[3], c[4], c[5]), 19);
        ck_assert_str_eq(got, want);
    }
}
END_TEST

START_TEST(test_each)
{
    int n[2] = {0, 0};
    tz_each(count, n);
    ck_assert_int_eq(n[0], 3);
    ck_assert_int_gt(n[1], 300);
}
END_TEST

TCase *tcase_tz(void)
{
    TCase *tc = tcase_create("tz");
    tcase_add_test(tc, test_find);
    tcase_add_loop_test(tc, test_local, 0, (int)(sizeof local_cases / sizeof local_cases[0]));
    tcase_add_loop_test(tc, test_day_start, 0, (int)(sizeof day_cases / sizeof day_cases[0]));
    tcase_add_test(tc, test_local_to_utc);
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_each);
    tcase_add_test(tc, test_time_text);
    return tc;
}
