/* users.h - administration of users over the API (users.view / users.edit):
 * list, create, get, update, password reset, sessions, CSV export/import. */
#ifndef GENBA_API_USERS_H
#define GENBA_API_USERS_H
#include "http/request.h"
void api_users_list(request *r);
void api_users_create(request *r);
void api_users_get(request *r);
void api_users_update(request *r);
void api_users_reset_pw(request *r);
void api_users_sessions(request *r);
void api_users_end_sessions(request *r);
void api_users_export(request *r);
void api_users_import(request *r);
#endif
