/* login.h - console sign-in and sign-out. */
#ifndef GENBA_MANAGER_LOGIN_H
#define GENBA_MANAGER_LOGIN_H
#include "http/request.h"
void manager_login_form(request *r);
void manager_login(request *r);
void manager_logout(request *r);
#endif
