/* retention.h - which backup generations to keep (pure, thread-safe).
 *
 * Each run is tagged, when it is made, with every schedule it satisfies
 * in the local time zone (TZ): daily always; weekly on a Sunday; monthly
 * on the first Sunday of a month.  One stored copy carries all its tags.
 *
 * After a successful run, a complete generation is kept when it is
 *   daily:   the newest of its day, for the `daily` most recent days that
 *            have one (2: today's and yesterday's; a day without a backup
 *            does not use up a place),
 *   weekly:  the newest weekly one of its Sunday, for the `weekly` most
 *            recent Sundays that have one,
 *   monthly: the newest monthly one of its month, for the `monthly` most
 *            recent months that have one;
 * everything else (incomplete generations included) is pruned.
 */
#ifndef GENBA_RETENTION_H
#define GENBA_RETENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define BK_DAILY 1u
#define BK_WEEKLY 2u
#define BK_MONTHLY 4u

/* The schedules a run at time t satisfies (local time). */
unsigned retention_tags(time_t t);
/* "daily,weekly,monthly" (the tags present, in that order). */
void retention_tags_format(unsigned tags, char *out, size_t len);
/* Inverse of retention_tags_format; unknown words are ignored. */
unsigned retention_tags_parse(const char *s);

typedef struct retention_gen {
    time_t at;          /* the run's clock */
    unsigned tags;      /* as stored */
    bool complete;
} retention_gen;

/* g[0..n) sorted newest first.  kept[i] receives the rules (BK_*) that
 * keep g[i]; 0 = prune. */
void retention_select(const retention_gen *g, size_t n, unsigned daily, unsigned weekly, unsigned monthly,
                      unsigned *kept);

#endif
