#include "api/reports_flow.h"
#include "http/response.h"

/* (Being written.) */
#define TODO(f) void f(request *r) { resp_error(r, 501, "not_implemented", "Not implemented yet."); }
TODO(api_reports_lock)
TODO(api_reports_unlock)
TODO(api_reports_approvals)
TODO(api_reports_copy)
TODO(api_reports_delete)
TODO(api_reports_history)
