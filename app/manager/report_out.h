/* report_out.h - the console's downloads of one report: GET
 * /manager/reports/{id}/pdf (pages=1-3, history=1) and …/xlsx, linked
 * from the report page; the same rights and files as the API's
 * (api/reports_out.c). */
#ifndef GENBA_MANAGER_REPORT_OUT_H
#define GENBA_MANAGER_REPORT_OUT_H
#include "http/request.h"
void manager_report_pdf(request *r);
void manager_report_xlsx(request *r);
void manager_report_xml(request *r);
#endif
