/* sessions.h - POST /sessions (sign in a tablet or a script) and
 * DELETE /sessions/current (tablet-api.md, "Sessions and devices"). */
#ifndef GENBA_API_SESSIONS_H
#define GENBA_API_SESSIONS_H
#include "http/request.h"
void api_session_create(request *r);
void api_session_delete(request *r);
#endif
