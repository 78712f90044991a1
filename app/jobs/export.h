/* jobs/export.h - the background export of many reports (job kind
 * "export"): its parameters, read the same way from a request's body and
 * from the job's stored params, and (jobs/job.h) its handler.
 *
 *     {"format": "csv" | "xlsx" | "pdf-zip" | "xml-zip",
 *      "encoding": "utf-8" | "shift_jis"        (csv only; default utf-8),
 *      "filter": {"definition", "status", "mine", "updated_since", "from",
 *                 "to", "creator", "label", "text" (or "q")},
 *      "ids": ["<report id>", ...]               (at most EXPORT_JOB_IDS_MAX)}
 *
 * The filter keys mean what they mean for GET /api/v1/reports and the
 * console's list; ids, when given, narrow to those reports.  The reports
 * a job gives are those its user may see when it runs (export/report.h).
 * Thread-safe (uses only its arguments).
 */
#ifndef GENBA_JOBS_EXPORT_H
#define GENBA_JOBS_EXPORT_H

#include <json-c/json.h>
#include <stdbool.h>
#include "reports/list.h"
#include "util/arena.h"
#include "util/errs.h"

#define EXPORT_JOB_IDS_MAX 100000

typedef enum export_format { EXPORT_CSV, EXPORT_XLSX, EXPORT_PDF_ZIP, EXPORT_XML_ZIP } export_format;

typedef struct export_params {
    export_format format;
    bool shift_jis;
    report_filter filter;
    const char **ids;       /* NULL: every report the filter selects */
    int nids;
} export_params;

/* Read o into *p (strings point into o, which must outlive p; arrays in
 * a); problems into e with fields "format", "encoding", "filter",
 * "filter.<key>", "ids".  false when there was one. */
bool export_params_read(arena *a, json_object *o, export_params *p, errs *e);
/* The parameters as the job stores them (JSON text in a), with the
 * language of the texts in the file ("ja" or "en"). */
const char *export_params_json(arena *a, const export_params *p, const char *lang);
/* "csv", "xlsx", "pdf-zip", "xml-zip". */
const char *export_format_name(export_format f);

#endif
