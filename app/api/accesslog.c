#include "api/accesslog.h"
#include "api/reply.h"
#include "auth/accesslog.h"
#include "http/response.h"

void api_accesslog_list(request *r)
{
    accesslog_filter f;
    errs e;
    errs_init(&e, r->a);
    if (!accesslog_filter_parse(&r->op, req_query_of, r, &f, 100, &e))
        return api_error_details(r, 400, "bad_filter", "The filter is not valid.", &e);
    op_result res;
    json_object *o = accesslog_page(&r->op, &f, &res);
    api_send(r, 200, o, res);
}
