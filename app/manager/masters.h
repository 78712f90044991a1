/* masters.h - the console's master data pages: list, upload (CSV), view. */
#ifndef GENBA_MANAGER_MASTERS_H
#define GENBA_MANAGER_MASTERS_H
#include "http/request.h"
void manager_masters(request *r);
void manager_master_upload(request *r);
void manager_master(request *r);
#endif
