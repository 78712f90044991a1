/* Contract dates (ops/contract.c) and the calendar under them (ops/cdate.c):
 * table-driven around the 25th, month ends, 29/28 February, December to
 * January, business days and RFC 3339 times. */
#include "tests.h"
#include "util/cdate.h"
#include "ops/contract.h"
#include "util/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static cdate D(const char *s)
{
    cdate d = {0, 0, 0};
    if (!cdate_parse(s, &d))
        ck_abort_msg("bad test date %s", s);
    return d;
}

static const char *F(cdate d)
{
    static char buf[8][11];
    static int i;
    i = (i + 1) % 8;
    cdate_format(d, buf[i]);
    return buf[i];
}

START_TEST(dates_parse_and_format)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"2026-11-26", true}, {"2024-02-29", true}, {"2025-02-29", false}, {"2100-02-29", false},
        {"2000-02-29", true}, {"2026-04-31", false}, {"2026-13-01", false}, {"2026-00-10", false},
        {"2026-1-01", false}, {"2026-01-01x", false}, {"", false}, {"20260101", false}, {"0000-01-01", false},
        {"9999-12-31", true}, {"2026-12-31", true}, {"2026-06-00", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cdate d;
        ck_assert_msg(cdate_parse(cases[i].s, &d) == cases[i].ok, "%s", cases[i].s);
        if (cases[i].ok)
            ck_assert_str_eq(F(d), cases[i].s);
    }
    ck_assert(!cdate_parse(NULL, &(cdate){0, 0, 0}));
    /* days round trip and weekdays */
    ck_assert_int_eq(cdate_to_days(D("1970-01-01")), 0);
    ck_assert_int_eq(cdate_weekday(D("1970-01-01")), 4);
    ck_assert_int_eq(cdate_weekday(D("2026-11-26")), 4);   /* a Thursday */
    ck_assert_int_eq(cdate_weekday(D("2026-11-29")), 0);   /* Sunday */
    ck_assert_int_eq(cdate_weekday(D("1969-12-31")), 3);
    ck_assert_int_eq(cdate_weekday(D("2024-02-29")), 4);
    for (long z = -800000; z < 3000000; z += 997)
        ck_assert_int_eq(cdate_to_days(cdate_from_days(z)), z);
    ck_assert_str_eq(F(cdate_add_days(D("2024-02-28"), 1)), "2024-02-29");
    ck_assert_str_eq(F(cdate_add_days(D("2025-02-28"), 1)), "2025-03-01");
    ck_assert_str_eq(F(cdate_add_days(D("2026-12-31"), 1)), "2027-01-01");
    ck_assert_str_eq(F(cdate_add_months_end(D("2026-12-10"), 2)), "2027-02-28");
    ck_assert_str_eq(F(cdate_add_months_end(D("2027-12-10"), 2)), "2028-02-29");
    ck_assert_str_eq(F(cdate_add_months_end(D("2026-01-31"), -1)), "2025-12-31");
    ck_assert_str_eq(F(cdate_add_months_end(D("2026-03-15"), 0)), "2026-03-31");
}
END_TEST

START_TEST(contract_start_and_term)
{
    static const struct {
        const char *signed_on, *start;
        int months;
        const char *end;
    } cases[] = {
        {"2026-11-26", "2026-12-01", 12, "2027-11-30"},
        {"2026-12-01", "2027-01-01", 12, "2027-12-31"},   /* December -> January */
        {"2026-12-31", "2027-01-01", 3, "2027-03-31"},
        {"2027-01-31", "2027-02-01", 1, "2027-02-28"},
        {"2028-01-15", "2028-02-01", 1, "2028-02-29"},    /* leap year */
        {"2027-11-30", "2027-12-01", 3, "2028-02-29"},
        {"2026-02-28", "2026-03-01", 6, "2026-08-31"},
        {"2024-02-29", "2024-03-01", 12, "2025-02-28"},
        {"2026-01-25", "2026-02-01", 2, "2026-03-31"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cdate s = contract_start_for(D(cases[i].signed_on));
        ck_assert_msg(!strcmp(F(s), cases[i].start), "start of %s: %s", cases[i].signed_on, F(s));
        cdate e = contract_term_end(s, cases[i].months);
        ck_assert_msg(!strcmp(F(e), cases[i].end), "end of %s + %d: %s", cases[i].start, cases[i].months, F(e));
    }
}
END_TEST

START_TEST(monthly_cancellation_25th)
{
    static const struct {
        const char *req, *end;
    } cases[] = {
        {"2026-11-01", "2026-11-30"}, {"2026-11-24", "2026-11-30"}, {"2026-11-25", "2026-11-30"},
        {"2026-11-26", "2026-12-31"}, {"2026-11-30", "2026-12-31"}, {"2026-12-25", "2026-12-31"},
        {"2026-12-26", "2027-01-31"}, {"2026-12-31", "2027-01-31"}, {"2027-01-26", "2027-02-28"},
        {"2028-01-26", "2028-02-29"}, {"2028-02-25", "2028-02-29"}, {"2028-02-26", "2028-03-31"},
        {"2027-02-28", "2027-03-31"}, {"2026-04-25", "2026-04-30"}, {"2026-04-30", "2026-05-31"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cdate e = contract_cancel_end(D(cases[i].req));
        ck_assert_msg(!strcmp(F(e), cases[i].end), "cancel on %s: %s", cases[i].req, F(e));
    }
}
END_TEST

static contract monthly(const char *signed_on)
{
    contract c = {.plan = PLAN_MONTHLY, .months = 1, .signed_on = D(signed_on)};
    c.start = contract_start_for(c.signed_on);
    return c;
}

static contract fixed(contract_plan p, int months, const char *signed_on)
{
    contract c = {.plan = p, .months = months, .signed_on = D(signed_on), .has_end = true};
    c.start = contract_start_for(c.signed_on);
    c.end = contract_term_end(c.start, months);
    return c;
}

START_TEST(monthly_cancel_and_renew)
{
    contract c = monthly("2026-10-10"), a, b;   /* runs from 2026-11-01 */
    ck_assert_int_eq(contract_cancel(&c, D("2026-10-09"), &a), CO_BEFORE_SIGNING);
    ck_assert_int_eq(contract_cancel(&c, D("2026-11-25"), &a), CO_CHANGED);
    ck_assert(a.has_end);
    ck_assert_str_eq(F(a.end), "2026-11-30");
    /* asking again later changes nothing: the earlier end stands */
    ck_assert_int_eq(contract_cancel(&a, D("2026-11-27"), &b), CO_UNCHANGED);
    ck_assert_str_eq(F(b.end), "2026-11-30");
    /* a cancellation on the 26th ends next month */
    ck_assert_int_eq(contract_cancel(&c, D("2026-11-26"), &a), CO_CHANGED);
    ck_assert_str_eq(F(a.end), "2026-12-31");
    /* ... and a second one on 1 December brings it forward to... still December */
    ck_assert_int_eq(contract_cancel(&a, D("2026-12-01"), &b), CO_UNCHANGED);
    /* withdrawn by the 25th of the month it ends in */
    ck_assert_int_eq(contract_renew(&a, D("2026-12-25"), false, &b), CO_CHANGED);
    ck_assert(!b.has_end);
    ck_assert_int_eq(contract_renew(&a, D("2026-12-26"), false, &b), CO_TOO_LATE);
    ck_assert_int_eq(contract_renew(&a, D("2027-01-01"), false, &b), CO_ENDED);
    ck_assert_int_eq(contract_renew(&a, D("2027-01-05"), true, &b), CO_CHANGED);
    ck_assert(!b.has_end);
    ck_assert_int_eq(contract_renew(&c, D("2026-12-01"), false, &b), CO_UNCHANGED);   /* renews by itself */
    /* a cancellation in the month of signing: the contract never starts */
    ck_assert_int_eq(contract_cancel(&c, D("2026-10-20"), &a), CO_CHANGED);
    ck_assert_str_eq(F(a.end), "2026-10-31");
    ck_assert(contract_ended_before(&a, D("2026-11-01")));
    ck_assert(!contract_ended_before(&a, D("2026-10-31")));
    /* after the end nothing more */
    ck_assert_int_eq(contract_cancel(&a, D("2026-11-02"), &b), CO_ENDED);
}
END_TEST

START_TEST(fixed_term_renewals)
{
    static const struct {
        const char *req;
        contract_outcome want;
        const char *end;
    } annual[] = {
        /* signed 2026-01-10: 2026-02-01 .. 2027-01-31 */
        {"2026-01-10", CO_CHANGED, "2028-01-31"}, {"2026-06-30", CO_CHANGED, "2028-01-31"},
        {"2027-01-24", CO_CHANGED, "2028-01-31"}, {"2027-01-25", CO_CHANGED, "2028-01-31"},
        {"2027-01-26", CO_TOO_LATE, "2027-01-31"}, {"2027-01-31", CO_TOO_LATE, "2027-01-31"},
        {"2027-02-01", CO_ENDED, "2027-01-31"}, {"2026-01-09", CO_BEFORE_SIGNING, "2027-01-31"},
    };
    contract c = fixed(PLAN_ANNUAL, 12, "2026-01-10"), a, b;
    ck_assert_str_eq(F(c.end), "2027-01-31");
    for (size_t i = 0; i < sizeof annual / sizeof annual[0]; i++) {
        contract_outcome o = contract_renew(&c, D(annual[i].req), false, &a);
        ck_assert_msg(o == annual[i].want, "renew on %s: %d", annual[i].req, o);
        ck_assert_msg(!strcmp(F(a.end), annual[i].end), "renew on %s: end %s", annual[i].req, F(a.end));
    }
    /* a late renewal the provider accepts extends from the term's end */
    ck_assert_int_eq(contract_renew(&c, D("2027-02-10"), true, &a), CO_CHANGED);
    ck_assert_str_eq(F(a.end), "2028-01-31");

    /* renewed once: a second renewal in the same term changes nothing */
    ck_assert_int_eq(contract_renew(&c, D("2026-12-01"), false, &a), CO_CHANGED);
    ck_assert(a.renewed);
    ck_assert_str_eq(F(a.renewed_from), "2027-01-31");
    ck_assert_int_eq(contract_renew(&a, D("2027-01-20"), false, &b), CO_UNCHANGED);
    ck_assert_str_eq(F(b.end), "2028-01-31");
    /* withdrawn by the 25th of the last month of the current term */
    ck_assert_int_eq(contract_cancel(&a, D("2027-01-25"), &b), CO_CHANGED);
    ck_assert_str_eq(F(b.end), "2027-01-31");
    ck_assert(!b.renewed);
    ck_assert_int_eq(contract_cancel(&a, D("2027-01-26"), &b), CO_TOO_LATE);
    /* once the renewed term runs, a cancellation is a no-op (it ends at its term) */
    ck_assert_int_eq(contract_cancel(&a, D("2027-03-01"), &b), CO_UNCHANGED);
    ck_assert_str_eq(F(b.end), "2028-01-31");
    /* and its own renewal is for the term after */
    ck_assert_int_eq(contract_renew(&a, D("2028-01-25"), false, &b), CO_CHANGED);
    ck_assert_str_eq(F(b.end), "2029-01-31");
    /* without a renewal, a cancellation changes nothing */
    ck_assert_int_eq(contract_cancel(&c, D("2026-05-01"), &b), CO_UNCHANGED);

    /* multi-month: 3 months from December, across the year and February */
    contract m = fixed(PLAN_MULTI, 3, "2026-11-26");
    ck_assert_str_eq(F(m.start), "2026-12-01");
    ck_assert_str_eq(F(m.end), "2027-02-28");
    ck_assert_int_eq(contract_renew(&m, D("2027-02-25"), false, &a), CO_CHANGED);
    ck_assert_str_eq(F(a.end), "2027-05-31");
    ck_assert_int_eq(contract_renew(&m, D("2027-02-26"), false, &a), CO_TOO_LATE);
    contract m2 = fixed(PLAN_MULTI, 2, "2027-11-10");   /* 2027-12-01 .. 2028-01-31 */
    ck_assert_int_eq(contract_renew(&m2, D("2028-01-25"), false, &a), CO_CHANGED);
    ck_assert_str_eq(F(a.end), "2028-03-31");
    contract m3 = fixed(PLAN_MULTI, 6, "2027-08-01");   /* 2027-09-01 .. 2028-02-29 */
    ck_assert_str_eq(F(m3.end), "2028-02-29");
    ck_assert_int_eq(contract_renew(&m3, D("2028-02-25"), false, &a), CO_CHANGED);
    ck_assert_str_eq(F(a.end), "2028-08-31");
    ck_assert_int_eq(contract_renew(&m3, D("2028-02-26"), false, &a), CO_TOO_LATE);
}
END_TEST

START_TEST(due_this_month)
{
    static const struct {
        const char *today;
        contract_due want;
        const char *when;
    } m[] = {
        /* monthly signed 2026-11-10 (from 2026-12-01), cancelled to end 2027-01-31 */
        {"2026-11-20", DUE_NOT_STARTED, "2026-12-01"}, {"2026-12-01", DUE_RENEWS, "2026-12-31"},
        {"2026-12-31", DUE_RENEWS, "2026-12-31"},     {"2027-01-01", DUE_ENDS, "2027-01-31"},
        {"2027-01-31", DUE_ENDS, "2027-01-31"},       {"2027-02-01", DUE_ENDED, "2027-01-31"},
    };
    contract c = monthly("2026-11-10"), a;
    ck_assert_int_eq(contract_cancel(&c, D("2026-12-26"), &a), CO_CHANGED);
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        cdate when;
        contract_due d = contract_due_in(&a, D(m[i].today), &when);
        ck_assert_msg(d == m[i].want, "on %s: %d", m[i].today, d);
        ck_assert_msg(!strcmp(F(when), m[i].when), "on %s: %s", m[i].today, F(when));
    }
    /* annual: nothing until the last month; renewed in it: renews */
    contract y = fixed(PLAN_ANNUAL, 12, "2026-11-10"), r;   /* 2026-12-01 .. 2027-11-30 */
    cdate when;
    ck_assert_int_eq(contract_due_in(&y, D("2027-06-15"), &when), DUE_NONE);
    ck_assert_int_eq(contract_due_in(&y, D("2027-11-01"), &when), DUE_ENDS);
    ck_assert_str_eq(F(when), "2027-11-30");
    ck_assert_int_eq(contract_renew(&y, D("2027-11-25"), false, &r), CO_CHANGED);
    ck_assert_int_eq(contract_due_in(&r, D("2027-11-26"), &when), DUE_RENEWS);
    ck_assert_int_eq(contract_due_in(&r, D("2027-12-15"), &when), DUE_NONE);
    ck_assert_int_eq(contract_due_in(&y, D("2027-12-01"), &when), DUE_ENDED);
    ck_assert(contract_ended_before(&y, D("2027-12-01")));
    ck_assert(!contract_ended_before(&y, D("2027-11-30")));
    ck_assert(!contract_ended_before(&r, D("2027-12-01")));
    contract_plan p;
    ck_assert(contract_plan_parse("multi-month", &p) && p == PLAN_MULTI);
    ck_assert(!contract_plan_parse("weekly", &p));
    ck_assert_str_eq(contract_plan_name(PLAN_ANNUAL), "annual");
}
END_TEST

START_TEST(business_days)
{
    static const struct {
        const char *from, *to;
        int want;
    } cases[] = {
        {"2026-11-23", "2026-11-30", 4},   /* Monday to next Monday: Tue..Fri */
        {"2026-11-23", "2026-12-01", 5},   /* to Tuesday: + Monday */
        {"2026-11-27", "2026-11-30", 0},   /* Friday to Monday: a weekend */
        {"2026-11-26", "2026-11-26", 0},
        {"2026-11-30", "2026-11-26", 0},
        {"2026-12-28", "2027-01-05", 5},   /* over the new year, no holidays listed */
        {"2026-11-20", "2026-12-04", 9},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(bizdays_between(D(cases[i].from), D(cases[i].to), NULL, 0) == cases[i].want, "%s..%s",
                      cases[i].from, cases[i].to);
    /* listed holidays do not count */
    cdate h[] = {D("2026-12-31"), D("2027-01-01"), D("2027-01-04"), D("2027-01-09")};
    ck_assert_int_eq(bizdays_between(D("2026-12-28"), D("2027-01-05"), h, 4), 2);
    /* the holidays file */
    arena *a = arena_new();
    char path[] = "/tmp/genba-holidays-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("# Japan 2027\n2027-01-01  # New Year's Day\n\n  2027-01-11\n", f);
    fclose(f);
    cdate *list;
    size_t n;
    char err[200];
    ck_assert(holidays_load(a, path, &list, &n, err, sizeof err));
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(F(list[1]), "2027-01-11");
    f = fopen(path, "a");
    fputs("2027-02-30\n", f);
    fclose(f);
    ck_assert(!holidays_load(a, path, &list, &n, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, ":5:"));
    unlink(path);
    ck_assert(!holidays_load(a, "/nonexistent/holidays", &list, &n, err, sizeof err));
    ck_assert(holidays_load(a, "", &list, &n, err, sizeof err));
    ck_assert_uint_eq(n, 0);
    arena_free(&a);
}
END_TEST

START_TEST(rfc3339_times)
{
    static const struct {
        const char *in, *utc;
    } ok[] = {
        {"2026-12-05T14:00:00Z", "2026-12-05T14:00:00Z"}, {"2026-12-05T23:00+09:00", "2026-12-05T14:00:00Z"},
        {"2026-12-05t14:00:00z", "2026-12-05T14:00:00Z"}, {"2026-12-05 14:00:30Z", "2026-12-05T14:00:30Z"},
        {"2027-01-01T01:00:00+09:00", "2026-12-31T16:00:00Z"}, {"2026-12-05T14:00:00.250Z", "2026-12-05T14:00:00Z"},
        {"2026-12-05T09:00:00-05:00", "2026-12-05T14:00:00Z"}, {"2028-02-29T23:59:59Z", "2028-02-29T23:59:59Z"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        time_t t;
        char out[32];
        ck_assert_msg(rfc3339_parse(ok[i].in, &t), "%s", ok[i].in);
        rfc3339_format(t, out);
        ck_assert_str_eq(out, ok[i].utc);
    }
    static const char *bad[] = {"2026-12-05T14:00:00", "2026-12-05", "2026-12-05T24:00Z", "2026-02-30T10:00Z",
                                "2026-12-05T14:00+9", "2026-12-05T14:60Z", "2026-12-05T14:00:00.Z", "tomorrow", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        time_t t;
        ck_assert_msg(!rfc3339_parse(bad[i], &t), "%s", bad[i]);
    }
    long off;
    ck_assert(utc_offset_parse("+09:00", &off) && off == 32400);
    ck_assert(utc_offset_parse("-05:30", &off) && off == -19800);
    ck_assert(!utc_offset_parse("+9", &off));
    time_t t;
    ck_assert(rfc3339_parse("2026-12-31T16:00:00Z", &t));
    char s[20];
    time_format_local(t, 32400, s);
    ck_assert_str_eq(s, "2027-01-01 01:00");
    ck_assert_str_eq(F(cdate_of(t, 32400)), "2027-01-01");
    ck_assert_str_eq(F(cdate_of(t, 0)), "2026-12-31");
    ck_assert(cdate_start_utc(D("2027-01-01"), 32400) == t - 3600);
}
END_TEST

TCase *tcase_contract(void)
{
    TCase *t = tcase_create("contract");
    tcase_add_test(t, dates_parse_and_format);
    tcase_add_test(t, contract_start_and_term);
    tcase_add_test(t, monthly_cancellation_25th);
    tcase_add_test(t, monthly_cancel_and_renew);
    tcase_add_test(t, fixed_term_renewals);
    tcase_add_test(t, due_this_month);
    tcase_add_test(t, business_days);
    tcase_add_test(t, rfc3339_times);
    return t;
}
