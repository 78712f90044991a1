#include "manager/reports.h"
#include "http/response.h"

/* (Being written.) */
#define TODO(f) void f(request *r) { resp_error(r, 501, "not_implemented", "Not implemented yet."); }
TODO(manager_reports)
TODO(manager_report)
TODO(manager_report_save)
TODO(manager_report_approval)
TODO(manager_report_copy)
TODO(manager_report_delete)
TODO(manager_report_attachment)
