/* cdate.h - civil calendar dates, business days and times for operations.
 *
 * A cdate is a date without a time zone (proleptic Gregorian, years
 * 1-9999).  The service's local time (the config keys local_offset and
 * local_zone_name, JST by default) is a fixed offset from UTC: Japan has no
 * daylight saving time.  Customer-facing texts show it, and business days
 * and the monthly maintenance budget count in it.
 *
 * Everything here is pure and thread-safe except holidays_load (reads a
 * file) and cdate_today (reads the clock).
 */
#ifndef GENBA_CDATE_H
#define GENBA_CDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct arena;

typedef struct cdate {
    int y, m, d;
} cdate;

/* Strict YYYY-MM-DD of a real calendar day; false otherwise. */
bool cdate_parse(const char *s, cdate *out);
/* "YYYY-MM-DD" into out (at least 11 bytes). */
void cdate_format(cdate d, char *out);
/* "YYYY-MM-DD HH:MM:SS" of its six fields (year 0-9999) into out (at least
 * 20 bytes), without printf's cost (the walks over many reports write
 * millions); returns the 19 bytes written before the NUL. */
size_t cdate_time_text(char *out, int y, int mo, int d, int h, int mi, int s);
/* <0, 0, >0 like strcmp. */
int cdate_cmp(cdate a, cdate b);
int cdate_days_in_month(int y, int m);
/* Days since 1970-01-01 (negative before), and back. */
long cdate_to_days(cdate d);
cdate cdate_from_days(long days);
cdate cdate_add_days(cdate d, long n);
/* 0 = Sunday ... 6 = Saturday. */
int cdate_weekday(cdate d);
/* First and last day of d's month. */
cdate cdate_month_first(cdate d);
cdate cdate_month_end(cdate d);
/* The last day of the month n months after d's month (n may be 0 or negative). */
cdate cdate_add_months_end(cdate d, int n);

/* Business days (Monday to Friday, not in holidays[0..n)) strictly after
 * from and strictly before to: the whole working days of notice between
 * the day a notice is given and the day the event happens.  0 when to is
 * not after from. */
int bizdays_between(cdate from, cdate to, const cdate *holidays, size_t n);
/* Read a holidays file: one YYYY-MM-DD per line, '#' starts a comment,
 * blank lines ignored.  An empty path gives no holidays.  The list lives in
 * a.  False with "file:line: why" in err. */
bool holidays_load(struct arena *a, const char *path, cdate **out, size_t *n, char *err, size_t errlen);

/* "+09:00", "-05:30", "Z" or "+00:00" into seconds east of UTC. */
bool utc_offset_parse(const char *s, long *seconds);
/* RFC 3339 date-time with seconds optional ("2026-12-05T14:00:00Z",
 * "2026-12-05T23:00+09:00"; 'T' or ' '); a zone is required.  Into UTC. */
bool rfc3339_parse(const char *s, time_t *out);
/* "YYYY-MM-DDTHH:MM:SSZ" (at least 21 bytes). */
void rfc3339_format(time_t t, char *out);
/* The civil date of UTC time t shifted by offset seconds. */
cdate cdate_of(time_t t, long offset);
/* Today in the service's local time. */
cdate cdate_today(long offset);
/* "YYYY-MM-DD HH:MM" of t shifted by offset (at least 17 bytes). */
void time_format_local(time_t t, long offset, char *out);
/* The UTC instant at which local day d (at offset) begins. */
time_t cdate_start_utc(cdate d, long offset);

#endif
