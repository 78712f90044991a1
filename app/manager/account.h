/* account.h - "my account": password and language of the signed-in user. */
#ifndef GENBA_MANAGER_ACCOUNT_H
#define GENBA_MANAGER_ACCOUNT_H
#include "http/request.h"
void manager_account(request *r);
void manager_account_password(request *r);
void manager_account_language(request *r);
#endif
