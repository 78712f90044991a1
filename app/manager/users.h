/* users.h - the console's user pages: list, create, edit (with seal
 * image), password reset, ending sessions, CSV export and import. */
#ifndef GENBA_MANAGER_USERS_H
#define GENBA_MANAGER_USERS_H
#include "http/request.h"
void manager_users(request *r);
void manager_user_new(request *r);
void manager_user_create(request *r);
void manager_user(request *r);
void manager_user_update(request *r);
void manager_user_reset_pw(request *r);
void manager_user_end_sessions(request *r);
void manager_user_seal(request *r);
void manager_users_export(request *r);
void manager_users_import_form(request *r);
void manager_users_import(request *r);
#endif
