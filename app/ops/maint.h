/* maint.h - maintenance mode as the workers see it.
 *
 * genbactl maintenance on|off writes one row of the control DB
 * (maintenance_state); genbactl maintenance schedule adds windows
 * (maintenance_windows).  Each worker process keeps one copy of both, read
 * again by one of its threads at most every MAINT_CACHE_SECONDS, so a
 * change reaches every thread of a process that serves requests within that
 * time without a query per request; a thread that was idle answers with the
 * process's copy, never an older one of its own.  While the control DB
 * cannot be read the process keeps its last copy (a tenant request then
 * fails at the tenant step anyway).
 *
 * While maintenance is on, every route with a {tenant} answers 503 with
 * Retry-After (the seconds left when an end is known, else
 * maintenance_retry_after): JSON for the API, XML for the ConMas API, a
 * page with the operator's message for the console.  /healthz, /readyz,
 * /metrics and /maintenance keep answering.
 *
 * maint_current returns the calling thread's snapshot of the process's copy.
 */
#ifndef GENBA_MAINT_H
#define GENBA_MAINT_H

#include <stdbool.h>
#include <time.h>

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

struct tenant_env;
struct genba_config;
struct tz_zone;

/* This thread's view, read through env's control connection (never NULL;
 * all off when env is NULL).  The front line's 503 and the console's banner
 * are http/maint.h's. */
const maint_view *maint_current(const struct tenant_env *env);
/* "2026-12-05 23:00 JST": t in zone z, or with z NULL in the server's
 * local time (local_offset and local_zone_name: text that belongs to no
 * tenant).  out holds TZ_FMT_LEN bytes (util/tz.h). */
void maint_local_time(const struct genba_config *cfg, const struct tz_zone *z, time_t t, char *out);
/* local_offset of the configuration in seconds (0 when it does not parse). */
long maint_local_offset(const struct genba_config *cfg);

#endif
