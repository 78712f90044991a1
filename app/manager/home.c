#include "manager/home.h"
#include "http/page.h"
#include "tenant/resolve.h"

void manager_home(request *r)
{
    page *p = page_new(r);
    page_set(p, "Tenant.name", r->tenant->name);
    page_render(r, 200, &p, "manager/home.cs");
}
