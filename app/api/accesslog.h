/* accesslog.h - GET /access-log: the customer's access log, filtered and
 * paged (logs.view). */
#ifndef GENBA_API_ACCESSLOG_H
#define GENBA_API_ACCESSLOG_H
#include "http/request.h"
void api_accesslog_list(request *r);
#endif
