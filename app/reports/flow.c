/* The report workflow: approvals, locks, copies, deletion, history.
 * (Being written: every function refuses until it is.) */
#include "reports/report.h"

op_result report_approval(request *r, const char *id, int if_match, int stage, const char *action, const char *comment,
                          report_refusal *why)
{
    (void)r, (void)id, (void)if_match, (void)stage, (void)action, (void)comment;
    why->status = 501, why->code = "not_implemented", why->message = "Not implemented yet.";
    return OP_INVALID;
}

op_result report_lock(request *r, const char *id, bool acquire, bool force, json_object **out, report_refusal *why)
{
    (void)r, (void)id, (void)acquire, (void)force, (void)out;
    why->status = 501, why->code = "not_implemented", why->message = "Not implemented yet.";
    return OP_INVALID;
}

op_result report_copy(request *r, const char *src, const char *new_id, report_refusal *why)
{
    (void)r, (void)src, (void)new_id;
    why->status = 501, why->code = "not_implemented", why->message = "Not implemented yet.";
    return OP_INVALID;
}

op_result report_delete(request *r, const char *id, int if_match, report_refusal *why)
{
    (void)r, (void)id, (void)if_match;
    why->status = 501, why->code = "not_implemented", why->message = "Not implemented yet.";
    return OP_INVALID;
}

json_object *report_history(request *r, const char *id, op_result *res)
{
    (void)r, (void)id;
    *res = OP_ERROR;
    return NULL;
}
