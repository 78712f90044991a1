/* account.h - the signed-in user's own account over the API:
 * GET /me and POST /account/password. */
#ifndef GENBA_API_ACCOUNT_H
#define GENBA_API_ACCOUNT_H
#include "http/request.h"
void api_me(request *r);
void api_account_password(request *r);
#endif
