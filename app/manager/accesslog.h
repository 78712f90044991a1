/* accesslog.h - the access log page and its CSV download (logs.view). */
#ifndef GENBA_MANAGER_ACCESSLOG_H
#define GENBA_MANAGER_ACCESSLOG_H
#include "http/request.h"
void manager_log(request *r);
void manager_log_csv(request *r);
#endif
