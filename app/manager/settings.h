/* settings.h - the tenant settings page (settings.view / settings.edit). */
#ifndef GENBA_MANAGER_SETTINGS_H
#define GENBA_MANAGER_SETTINGS_H
#include "http/request.h"
void manager_settings(request *r);
void manager_settings_save(request *r);
#endif
