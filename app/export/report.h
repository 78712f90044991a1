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

/* The walk over many reports (export/each.c).
 *
 * Which reports: those the filter selects, with the keys of GET
 * /api/v1/reports and the console's list (reports/list.h; cursor and limit
 * are ignored; f NULL = every report), and when ids is not NULL only those
 * of the nids report ids (at most EXPORT_IDS_MAX; ids that are not UUIDs:
 * OP_INVALID; unknown, deleted or invisible ones are skipped).  Only
 * reports op->user may see (above).  Oldest first: by creation time, then
 * id.
 *
 * How: pages of up to EXPORT_PAGE reports (about 4 MiB of rows each),
 * each read with its values (and for export_each its attachments and
 * approval record, remarks and system keys) in a few statements,
 * the next page picked by key after the last report given (so reports
 * created while the walk runs come at the end, and none is given twice).
 * Each report lives in an arena of its own that the walk resets after the
 * callback, and op->a IS that arena during the callback (what fn allocates
 * in op->a goes with it): memory does not grow with the number of
 * reports.  r->def comes from the definition cache (forms/defcache.h): it
 * is valid during the callback only.
 *
 * fn returns OP_OK to go on; anything else stops the walk, which returns
 * it.  *total (when total is not NULL) is set before the first callback to
 * the number of reports selected then (one COUNT): a progress bar's end.
 * Operation thread only. */
typedef report_filter export_filter;
typedef op_result (*export_each_fn)(op_ctx *op, const export_report *r, void *ctx);

#define EXPORT_PAGE 2000
#define EXPORT_IDS_MAX 100000

op_result export_each(op_ctx *op, const export_filter *f, const char *const *ids, int nids, export_each_fn fn,
                      void *ctx, long long *total);

/* The same walk for the tables (CSV, XLSX): values only (r->att and
 * r->appr are empty), one statement a page, read ahead by other threads
 * while fn writes the current one: with ids, the next page on the same
 * connection (fn must not use the database); over a filter, after the
 * first page, on two connections of the walk's own (windows of creation
 * time, given in order: export/each.c), and then reports created after
 * the walk began are left out rather than given at the end. */
op_result export_each_values(op_ctx *op, const export_filter *f, const char *const *ids, int nids,
                             export_each_fn fn, void *ctx, long long *total);

/* What a walk would give, counted: the total, and the definition revisions
 * met (ascending by definition, then revision) with their counts, in op->a. */
typedef struct export_defrev {
    long long definition_id;
    int revision;
    long long count;
} export_defrev;
op_result export_count(op_ctx *op, const export_filter *f, const char *const *ids, int nids, long long *total,
                       export_defrev **revs, int *nrevs);

/* Parse a report's stored values (reports.vals) into *out as rvals_parse
 * does, without a JSON tree: several times faster, for the walks.  false
 * when json is not such an object. */
bool export_vals_parse(arena *a, const char *json, size_t len, rvals *out);

/* The plain bytes of one attachment of r (in op->a), or OP_NOT_FOUND. */
op_result export_attachment_read(op_ctx *op, const export_report *r, const export_attachment *x,
                                 const unsigned char **data, size_t *len);

#endif
