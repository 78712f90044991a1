/* exports.h - background exports in the console: started from the report
 * list (its filter, or the rows ticked), the exports page (the user's
 * jobs with a progress bar that static/js/exports.js moves, cancel,
 * download) and a tenant administrator's full export. */
#ifndef GENBA_MANAGER_EXPORTS_H
#define GENBA_MANAGER_EXPORTS_H
#include "http/request.h"
void manager_exports(request *r);
void manager_exports_status(request *r);
void manager_exports_start(request *r);
void manager_exports_full(request *r);
void manager_exports_cancel(request *r);
void manager_exports_file(request *r);
#endif
