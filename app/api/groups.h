/* groups.h - groups over the API: list, create, get, update, delete,
 * members, permissions (users.view / users.edit / users.delete). */
#ifndef GENBA_API_GROUPS_H
#define GENBA_API_GROUPS_H
#include "http/request.h"
void api_groups_list(request *r);
void api_groups_create(request *r);
void api_groups_get(request *r);
void api_groups_update(request *r);
void api_groups_delete(request *r);
void api_groups_members(request *r);
void api_groups_perms(request *r);
#endif
