/* retention.c - tags and the keep/prune choice (see retention.h). */
#include "ops/retention.h"

#include <stdio.h>
#include <string.h>

unsigned retention_tags(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    unsigned tags = BK_DAILY;
    if (tm.tm_wday == 0) {
        tags |= BK_WEEKLY;
        if (tm.tm_mday <= 7)
            tags |= BK_MONTHLY;
    }
    return tags;
}

void retention_tags_format(unsigned tags, char *out, size_t len)
{
    snprintf(out, len, "%s%s%s%s%s", tags & BK_DAILY ? "daily" : "",
             (tags & BK_DAILY) && (tags & (BK_WEEKLY | BK_MONTHLY)) ? "," : "", tags & BK_WEEKLY ? "weekly" : "",
             (tags & BK_WEEKLY) && (tags & BK_MONTHLY) ? "," : "", tags & BK_MONTHLY ? "monthly" : "");
}

unsigned retention_tags_parse(const char *s)
{
    unsigned t = 0;
    while (s && *s) {
        size_t n = strcspn(s, ", ");
        if (n == 5 && !strncmp(s, "daily", 5))
            t |= BK_DAILY;
        else if (n == 6 && !strncmp(s, "weekly", 6))
            t |= BK_WEEKLY;
        else if (n == 7 && !strncmp(s, "monthly", 7))
            t |= BK_MONTHLY;
        s += n;
        s += strspn(s, ", ");
    }
    return t;
}

static long day_key(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static long month_key(time_t t)
{
    return day_key(t) / 100;
}

/* Keep the newest generation (with tag) of each of the first `count`
 * distinct periods, newest first. */
static void pick(const retention_gen *g, size_t n, unsigned tag, unsigned count, long (*key)(time_t), unsigned *kept)
{
    unsigned seen = 0;
    long last = -1;
    for (size_t i = 0; i < n && count; i++) {
        if (!g[i].complete || !(g[i].tags & tag))
            continue;
        long k = key(g[i].at);
        if (k == last)
            continue;   /* an older one of a period already kept */
        last = k;
        if (++seen > count)
            break;
        kept[i] |= tag;
    }
}

void retention_select(const retention_gen *g, size_t n, unsigned daily, unsigned weekly, unsigned monthly,
                      unsigned *kept)
{
    for (size_t i = 0; i < n; i++)
        kept[i] = 0;
    pick(g, n, BK_DAILY, daily, day_key, kept);
    pick(g, n, BK_WEEKLY, weekly, day_key, kept);
    pick(g, n, BK_MONTHLY, monthly, month_key, kept);
}
