/* groups.h - the console's group pages: list and create, edit (parent,
 * permissions, members), delete. */
#ifndef GENBA_MANAGER_GROUPS_H
#define GENBA_MANAGER_GROUPS_H
#include "http/request.h"
void manager_groups(request *r);
void manager_group_create(request *r);
void manager_group(request *r);
void manager_group_update(request *r);
void manager_group_delete(request *r);
#endif
