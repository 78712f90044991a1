/* maint.h - maintenance mode at the front line (router.c): while it is on,
 * every tenant route answers 503 with Retry-After (JSON for the API, a page
 * with the operator's message for the console), and from MAINT_BANNER_DAYS
 * before a window every console page shows a banner.  Times are shown in
 * the tenant's time zone.  The state itself is ops/maint.h's.  Request
 * thread only.
 */
#ifndef GENBA_HTTP_MAINT_H
#define GENBA_HTTP_MAINT_H

#include <stdbool.h>
#include "http/request.h"

struct page;

/* The front line's maintenance step: answers 503 and returns true while
 * maintenance is on. */
bool maint_refuse(request *r);
/* The console banner: Maintenance.{from,to,tz_query,from_utc,to_utc,
 * message,running} on p for the next window within MAINT_BANNER_DAYS. */
void maint_banner(struct page *p, request *r);

#endif
