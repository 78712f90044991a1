/* devices.h - devices over the API: list, approve, revoke. */
#ifndef GENBA_API_DEVICES_H
#define GENBA_API_DEVICES_H
#include "http/request.h"
void api_devices_list(request *r);
void api_devices_approve(request *r);
void api_devices_revoke(request *r);
#endif
