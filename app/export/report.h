/* export/report.h - a report as the output writers see it (PDF, XLSX,
 * CSV, XML, the tenant export), loaded whole into the operation's arena,
 * and the walk over many reports that the background exports use.
 *
 * Only reports the operation's user may see are loaded or walked: its own,
 * and those of definitions it holds def.reports.view for (the system user,
 * op->user == NULL, sees every report: genbactl's tenant export).  Deleted
 * reports are never given.  Operation thread only; everything lives in
 * op->a (a walk resets nothing: the callback may use a per-report arena).
 */
#ifndef GENBA_EXPORT_REPORT_H
#define GENBA_EXPORT_REPORT_H

#include <stdbool.h>
#include "forms/model.h"
#include "reports/list.h"
#include "reports/load.h"
#include "reports/values.h"
#include "tenant/op.h"
#include "util/errs.h"

/* The report as every writer reads it (reports/load.h), under the names
 * the writers use. */
typedef report_att export_attachment;
typedef report_appr export_approval;
typedef report_full export_report;

/* Load report id.  OP_NOT_FOUND when it does not exist, is deleted or is
 * not visible to op->user; OP_ERROR (logged) when its stored values do not
 * parse; a database failure as txn_result gives it. */
static inline op_result export_report_load(op_ctx *op, const char *id, export_report *out)
{
    return report_load(op, id, out);
}

/* The plain bytes of one attachment of r (in op->a), or OP_NOT_FOUND. */
op_result export_attachment_read(op_ctx *op, const export_report *r, const export_attachment *x,
                                 const unsigned char **data, size_t *len);

#endif
