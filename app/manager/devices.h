/* devices.h - the devices page: approve or revoke tablets. */
#ifndef GENBA_MANAGER_DEVICES_H
#define GENBA_MANAGER_DEVICES_H
#include "http/request.h"
void manager_devices(request *r);
void manager_device_approve(request *r);
void manager_device_revoke(request *r);
#endif
