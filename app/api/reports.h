/* reports.h - reports over the tablet API (tablet-api.md "Reports"):
 * create, list, read, update; every write idempotent (Idempotency-Key)
 * and every update conditional (If-Match). */
#ifndef GENBA_API_REPORTS_H
#define GENBA_API_REPORTS_H
#include "http/request.h"
void api_reports_create(request *r);
void api_reports_list(request *r);
void api_reports_get(request *r);
void api_reports_update(request *r);
#endif
