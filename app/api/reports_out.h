/* reports_out.h - one report as a file over the API: GET
 * /reports/{id}/pdf (query pages=1-3, history=1), /reports/{id}/xlsx and
 * /reports/{id}/xml (export/xml.c),
 * with the rights of reading the report (export/report.h). */
#ifndef GENBA_API_REPORTS_OUT_H
#define GENBA_API_REPORTS_OUT_H
#include "http/request.h"
void api_reports_pdf(request *r);
void api_reports_xlsx(request *r);
void api_reports_xml(request *r);
#endif
