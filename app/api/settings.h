/* settings.h - the tenant's settings over the API. */
#ifndef GENBA_API_SETTINGS_H
#define GENBA_API_SETTINGS_H
#include "http/request.h"
void api_settings_get(request *r);
void api_settings_put(request *r);
#endif
