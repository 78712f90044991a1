#include "manager/home.h"
#include "manager/view.h"

void manager_home(request *r)
{
    page *p = view_page(r, "home.title");   /* sets Tenant.*, User.*, Perm.* */
    page_render(r, 200, &p, "manager/home.cs");
}
