/* home.h - the console's entry page for a tenant. */
#ifndef GENBA_MANAGER_HOME_H
#define GENBA_MANAGER_HOME_H
#include "http/request.h"
void manager_home(request *r);
#endif
