/* tz.h - IANA time zones (Asia/Tokyo, America/New_York, ...) for the
 * customer's local time, through ICU's calendar (ucal_*).
 *
 * glibc's localtime_r follows the one process-wide TZ, so a worker thread
 * serving tenants in different zones cannot use it.  Here each zone is an
 * ICU calendar of its own, loaded once per process and guarded by a mutex;
 * daylight saving and historical changes come from ICU's zone data.
 *
 * A tz_zone is immutable for its users, shared by every thread, and lives
 * until the process ends: the pointers tz_find hands out never dangle.
 * Every function here is thread-safe.  Stored times stay UTC; these
 * functions only turn them into the customer's day and clock.
 */
#ifndef GENBA_TZ_H
#define GENBA_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/cdate.h"

#define TZ_DEFAULT "Asia/Tokyo"
/* Room for tz_format's text ("2026-12-05 09:30 GMT+5:30") and tz_format_rfc3339's. */
#define TZ_FMT_LEN 40
#define TZ_RFC3339_LEN 32

typedef struct tz_zone tz_zone;

/* The zone named by an IANA id (case as in the database: "Asia/Tokyo";
 * "UTC" too), or NULL when ICU does not know the name as a system zone. */
const tz_zone *tz_find(const char *name);
/* Asia/Tokyo (never NULL unless ICU's data is missing). */
const tz_zone *tz_default(void);
/* The zone's id as it was asked for ("Asia/Tokyo"). */
const char *tz_name(const tz_zone *z);

/* Seconds east of UTC in z at UTC instant t (daylight saving included). */
long tz_offset(const tz_zone *z, time_t t);
/* The local calendar date in z at UTC instant t. */
cdate tz_date(const tz_zone *z, time_t t);
/* Today in z ("the customer's day"). */
cdate tz_today(const tz_zone *z);
/* The UTC instant of local time d hh:mm:ss in z.  A local time that a
 * transition skips (spring forward) becomes the first instant after the gap;
 * one that happens twice (fall back) is its first occurrence. */
time_t tz_local_to_utc(const tz_zone *z, cdate d, int hh, int mm, int ss);
/* The first UTC instant of local day d in z (local midnight, or the first
 * instant after it where midnight does not exist). */
time_t tz_day_start(const tz_zone *z, cdate d);
/* "YYYY-MM-DD HH:MM:SS" (UTC, as the database compares DATETIME) of the
 * start of the local day n days after day ("YYYY-MM-DD") in z: a filter on a
 * day d means [start(d), start(d + 1)).  false when day is not a date; out
 * holds 20 bytes. */
bool tz_day_start_sql(const tz_zone *z, const char *day, long n, char *out);
/* "YYYY-MM-DD HH:MM ABBR" of t in z, ABBR being the zone's short name at
 * that instant (JST, EST/EDT, or an offset like GMT+14); out holds at least
 * TZ_FMT_LEN bytes. */
void tz_format(const tz_zone *z, time_t t, char *out);
/* "YYYY-MM-DDTHH:MM:SS+09:00" of t in z (RFC 3339 with the local offset,
 * for files): out holds at least TZ_RFC3339_LEN bytes. */
void tz_format_rfc3339(const tz_zone *z, time_t t, char *out);

/* A stored UTC time text (as tz_parse_utc reads) shown in z: TZ_SHOW_CONSOLE
 * as tz_format, TZ_SHOW_RFC3339 as tz_format_rfc3339; a copy in a, or utc
 * itself when it is not a time. */
struct arena;
typedef enum tz_style { TZ_SHOW_CONSOLE, TZ_SHOW_RFC3339 } tz_style;
const char *tz_show(struct arena *a, const tz_zone *z, const char *utc, tz_style style);

/* A UTC time as the database or the API writes it ("2026-12-05 00:30:00",
 * "2026-12-05 00:30:00.123", "2026-12-05T00:30:00Z", "2026-12-05T09:30+09:00")
 * into *t; false when s is none of these. */
bool tz_parse_utc(const char *s, time_t *t);

/* Call f for every zone id a customer may choose (canonical IANA ids with a
 * region, plus UTC), in alphabetical order. */
void tz_each(void (*f)(const char *id, void *ctx), void *ctx);

#endif
