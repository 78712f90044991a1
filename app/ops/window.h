/* window.h - the rules for maintenance windows (operations.md), pure.
 *
 * A window ends after it starts, starts in the future, lasts at most 7
 * hours, overlaps no other window, and the windows of one calendar month
 * (in the service's local time; a window across a month's end counts in
 * each month for the part inside it) add up to at most 7 hours.  The SLA
 * asks for at least 5 business days' notice: fewer is a warning, not a
 * refusal.  Thread-safe.
 */
#ifndef GENBA_WINDOW_H
#define GENBA_WINDOW_H

#include <stddef.h>
#include <time.h>

#define WINDOW_MAX_SECONDS (7 * 3600)
#define WINDOW_MONTH_SECONDS (7 * 3600)
#define WINDOW_NOTICE_BIZDAYS 5

typedef struct maint_window {
    long long id;
    time_t from, to;
} maint_window;

typedef enum window_problem {
    WIN_OK,
    WIN_ORDER,         /* to is not after from */
    WIN_PAST,          /* from is not in the future */
    WIN_TOO_LONG,      /* over WINDOW_MAX_SECONDS */
    WIN_OVERLAP,       /* overlaps detail.other_id */
    WIN_MONTH_BUDGET,  /* detail.y/m would pass WINDOW_MONTH_SECONDS (detail.used already) */
} window_problem;

typedef struct window_detail {
    long long other_id;
    int y, m;
    long used;         /* seconds already planned in that month */
} window_detail;

/* Seconds of [from, to) inside local calendar month y-m. */
long window_seconds_in_month(time_t from, time_t to, int y, int m, long offset);
/* Check a new window against the rules and the existing windows
 * others[0..n) (not cancelled; past ones count for their month). */
window_problem window_check(time_t from, time_t to, time_t now, const maint_window *others, size_t n, long offset,
                            window_detail *d);

#endif
