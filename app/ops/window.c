#include "ops/window.h"
#include "util/cdate.h"

#include <string.h>

long window_seconds_in_month(time_t from, time_t to, int y, int m, long offset)
{
    cdate first = {y, m, 1};
    cdate next = cdate_add_days(cdate_month_end(first), 1);
    time_t a = cdate_start_utc(first, offset), b = cdate_start_utc(next, offset);
    time_t lo = from > a ? from : a, hi = to < b ? to : b;
    return hi > lo ? (long)(hi - lo) : 0;
}

window_problem window_check(time_t from, time_t to, time_t now, const maint_window *others, size_t n, long offset,
                            window_detail *d)
{
    memset(d, 0, sizeof *d);
    if (to <= from)
        return WIN_ORDER;
    if (from <= now)
        return WIN_PAST;
    if (to - from > WINDOW_MAX_SECONDS)
        return WIN_TOO_LONG;
    for (size_t i = 0; i < n; i++)
        if (others[i].from < to && from < others[i].to) {
            d->other_id = others[i].id;
            return WIN_OVERLAP;
        }
    /* every local month the new window touches (at most two: it is short) */
    cdate c = cdate_of(from, offset), last = cdate_of(to - 1, offset);
    for (;;) {
        long used = 0;
        for (size_t i = 0; i < n; i++)
            used += window_seconds_in_month(others[i].from, others[i].to, c.y, c.m, offset);
        long add = window_seconds_in_month(from, to, c.y, c.m, offset);
        if (used + add > WINDOW_MONTH_SECONDS) {
            d->y = c.y;
            d->m = c.m;
            d->used = used;
            return WIN_MONTH_BUDGET;
        }
        if (c.y == last.y && c.m == last.m)
            break;
        c = cdate_add_days(cdate_month_end(c), 1);
    }
    return WIN_OK;
}
