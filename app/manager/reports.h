/* reports.h - the console's report pages: list with filters, the report
 * laid out like the paper form (and as a table), editing values,
 * approve/reject, history, copy, delete. */
#ifndef GENBA_MANAGER_REPORTS_H
#define GENBA_MANAGER_REPORTS_H
#include "http/request.h"
void manager_reports(request *r);
void manager_report(request *r);
void manager_report_save(request *r);
void manager_report_remarks(request *r);
void manager_report_approval(request *r);
void manager_report_copy(request *r);
void manager_report_delete(request *r);
void manager_report_attachment(request *r);
#endif
