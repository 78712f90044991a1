#include "manager/accesslog.h"
#include "auth/accesslog.h"
#include "tenant/audit.h"
#include "http/response.h"
#include "manager/view.h"
#include "util/str.h"

#include <string.h>

/* The filter as a query string, for the next-page and CSV links. */
static const char *filter_query(request *r)
{
    static const char *const keys[] = {"from", "to", "user", "action", "result"};
    buf q;
    buf_init(&q, r->a);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = req_query(r, keys[i]);
        if (v && *v)
            buf_printf(&q, "%s%s=%s", q.len ? "&" : "", keys[i], str_urlencode(r->a, v));
    }
    return q.data;
}

void manager_log(request *r)
{
    accesslog_filter f;
    errs e;
    errs_init(&e, r->a);
    page *p = view_page(r, "log.title");
    static const char *const keys[] = {"from", "to", "user", "action", "result"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        page_set(p, arena_printf(r->a, "Filter.%s", keys[i]), req_query(r, keys[i]));
    page_set(p, "Filter.query", filter_query(r));
    if (!accesslog_filter_parse(&r->op, req_query_of, r, &f, 50, &e)) {
        page_set_errors(p, r, &e);
        return page_render(r, 400, &p, "manager/log.cs");
    }
    op_result res;
    json_object *o = accesslog_page(&r->op, &f, &res);
    if (!o) {
        page_free(&p);
        return view_fail(r, res);
    }
    page_set_json(p, "Log", o);
    page_set(p, "Log.first", f.before ? "0" : "1");
    json_object_put(o);
    page_render(r, 200, &p, "manager/log.cs");
}

void manager_log_csv(request *r)
{
    accesslog_filter f;
    errs e;
    errs_init(&e, r->a);
    if (!accesslog_filter_parse(&r->op, req_query_of, r, &f, 1000, &e))
        return resp_error(r, 400, "bad_filter", "The filter is not valid.");
    f.before = 0;
    buf out;
    buf_init(&out, r->a);
    op_result res = accesslog_csv(&r->op, &f, 100000, &out);
    if (res != OP_OK)
        return view_fail(r, res);
    audit_log(&r->op, NULL, "log.export", "csv", NULL, AUDIT_OK, filter_query(r));
    resp_header(r, "Content-Disposition", "attachment; filename=\"access-log.csv\"");
    resp_send(r, 200, "text/csv; charset=utf-8", out.data, out.len);
}
