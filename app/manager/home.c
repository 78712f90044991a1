#include "manager/home.h"
#include "http/page.h"

void manager_home(request *r)
{
    page *p = page_new(r);   /* sets Tenant.code and Tenant.name */
    page_render(r, 200, &p, "manager/home.cs");
}
