#include "manager/view.h"
#include "auth/users.h"
#include "http/form.h"
#include "http/response.h"
#include "http/router.h"

#include <string.h>

bool view_id(request *r, const char *name, long long *id)
{
    if (users_parse_id(req_param(r, name), id))
        return true;
    resp_error(r, 404, "not_found", "There is nothing at this address.");
    return false;
}

void view_fail(request *r, op_result res)
{
    if (res == OP_NOT_FOUND)
        resp_error(r, 404, "not_found", "There is nothing at this address.");
    else if (res == OP_GONE || res == OP_BUSY)
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now; nothing was written.");
    else if (res == OP_CONFLICT)
        resp_error(r, 409, "conflict", "This conflicts with what is stored.");
    else
        resp_error(r, 500, "internal_error", "An internal error occurred.");
}

page *view_page(request *r, const char *title_key)
{
    page *p = page_new(r);
    const char *t = page_msg(r->lang, title_key);
    page_set(p, "Page.title", t ? t : "");
    const char *done = req_query(r, "done");
    if (done && strlen(done) < 40) {
        const char *m = page_msg(r->lang, arena_printf(r->a, "done.%s", done));
        if (m)
            page_set(p, "Notice", m);
    }
    return p;
}

void view_done(request *r, const char *path, const char *what)
{
    resp_redirect(r, arena_printf(r->a, "/%s/manager/%s?done=%s", r->tenant_code, path, what));
}

const char *view_field(request *r, const char *name)
{
    const char *v = r->form ? form_get(r->form, name) : NULL;
    return v ? v : "";
}
