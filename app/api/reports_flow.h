/* reports_flow.h - the report workflow over the API: lock, approvals,
 * copy, delete, history. */
#ifndef GENBA_API_REPORTS_FLOW_H
#define GENBA_API_REPORTS_FLOW_H
#include "http/request.h"
void api_reports_lock(request *r);
void api_reports_unlock(request *r);
void api_reports_approvals(request *r);
void api_reports_copy(request *r);
void api_reports_delete(request *r);
void api_reports_history(request *r);
#endif
