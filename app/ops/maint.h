/* maint.h - maintenance mode as the workers see it.
 *
 * genbactl maintenance on|off writes one row of the control DB
 * (maintenance_state); genbactl maintenance schedule adds windows
 * (maintenance_windows).  Each worker thread keeps its own copy of both,
 * read again at most every MAINT_CACHE_SECONDS, so a change reaches every
 * thread within that time without a query per request.  While a thread
 * cannot read the control DB it keeps its last copy (a tenant request then
 * fails at the tenant step anyway).
 *
 * While maintenance is on, every route with a {tenant} answers 503 with
 * Retry-After (the seconds left when an end is known, else
 * maintenance_retry_after): JSON for the API, XML for the ConMas API, a
 * page with the operator's message for the console.  /healthz, /readyz,
 * /metrics and /maintenance keep answering.
 *
 * Every function works on the calling thread's copy; none is shared.
 */
#ifndef GENBA_MAINT_H
#define GENBA_MAINT_H

#include <stdbool.h>
#include <time.h>
#include "http/request.h"

#define MAINT_CACHE_SECONDS 2
#define MAINT_BANNER_DAYS 7

typedef struct maint_view {
    bool active;               /* maintenance mode is on (and not past until) */
    const char *message;       /* the operator's message, "" when none */
    time_t until;              /* expected end, 0 when unknown */
    bool has_next;             /* a window running or starting within MAINT_BANNER_DAYS */
    long long next_id;
    time_t next_from, next_to;
    const char *next_message;
} maint_view;

struct worker_ctx;
struct genba_config;
struct page;
struct tz_zone;

/* This thread's view (never NULL; all off when w is NULL). */
const maint_view *maint_current(struct worker_ctx *w);
/* The front line's maintenance step: answers 503 and returns true while
 * maintenance is on. */
bool maint_refuse(request *r);
/* The console banner: Maintenance.{from,to,tz,from_utc,to_utc,message,
 * running} on p for the next window within MAINT_BANNER_DAYS, the times in
 * the tenant's time zone. */
void maint_banner(struct page *p, request *r);
/* "2026-12-05 23:00 JST": t in zone z, or with z NULL in the server's
 * local time (local_offset and local_zone_name: text that belongs to no
 * tenant).  out holds TZ_FMT_LEN bytes (util/tz.h). */
void maint_local_time(const struct genba_config *cfg, const struct tz_zone *z, time_t t, char *out);
/* local_offset of the configuration in seconds (0 when it does not parse). */
long maint_local_offset(const struct genba_config *cfg);

#endif
