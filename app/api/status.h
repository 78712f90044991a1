/* status.h - GET /{tenant}/api/v1/status: a tablet's reachability check. */
#ifndef GENBA_API_STATUS_H
#define GENBA_API_STATUS_H
#include "http/request.h"
void api_status(request *r);
#endif
