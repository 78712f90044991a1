/* maintenance.h - GET /maintenance: the public list of maintenance windows.
 *
 * No tenant, no session: anyone (customers, tablets, monitoring) can see
 * the windows that are running or still to come, and whether maintenance
 * mode is on.  A page in Japanese or English (Accept-Language, or
 * ?lang=ja|en), or JSON when the client asks for application/json.
 * Answers during maintenance too.  Called by one worker thread per request.
 */
#ifndef GENBA_MANAGER_MAINTENANCE_H
#define GENBA_MANAGER_MAINTENANCE_H

#include "http/request.h"

void maint_page(request *r);

#endif
