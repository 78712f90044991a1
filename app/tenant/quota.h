/* quota.h - a tenant's storage quota (operations.md "tenant quota").
 *
 * Storage in use = the database size + the encrypted attachments
 * (operations.md) + the sealed files of finished exports kept in
 * data_dir (export_files, jobs/run.h): data and indexes of the tenant's tables as
 * information_schema reports them, except report_attachments, whose sealed
 * blobs count with their exact sizes (SUM(size) + the sealing overhead per
 * row: InnoDB's size statistics of a table of few, large rows lag by
 * nearly everything in it until ANALYZE TABLE).  The other tables'
 * figures are InnoDB statistics, refreshed after a tenth of a table's rows
 * changed, so they may lag a little behind the latest writes: a quota is a
 * contract limit that a burst of small writes may pass by that much, not a
 * disk limit.  The use is read afresh for each write checked (one query:
 * information_schema and a scan of the attachments' rows, not their
 * blobs).  tenants.quota_bytes = 0 means no limit.
 *
 * A write that would pass the quota (use + incoming bytes > quota) is
 * refused with 507 quota_exceeded before anything is written.
 * Request thread only (reads through op->tenant->db).
 */
#ifndef GENBA_QUOTA_H
#define GENBA_QUOTA_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include "tenant/op.h"
#include "util/errs.h"

typedef struct quota_use {
    uint64_t used;      /* bytes */
    uint64_t quota;     /* bytes, 0 = no limit */
    int percent;        /* used / quota, whole per cent (may pass 100); -1 without a limit */
} quota_use;

/* The tenant's storage in use and its quota.  OP_OK, OP_GONE, OP_ERROR. */
op_result quota_read(op_ctx *op, quota_use *out);
/* Does writing incoming more bytes stay within the quota?  *fits is set
 * when OP_OK; another result when the use could not be read. */
op_result quota_check(op_ctx *op, uint64_t incoming, bool *fits);
/* {"used", "quota", "percent"} (quota and percent null without a limit);
 * NULL when the use could not be read (*res says why). */
json_object *quota_json(op_ctx *op, op_result *res);

/* The tables' size is read again after this many seconds (per thread). */
#define QUOTA_TABLES_SECONDS 10
/* quota_check counts anew when what it counted lately is within this much
 * (or a tenth of the quota, the larger) of the quota. */
#define QUOTA_MARGIN (64ULL << 20)
#define QUOTA_CODE "quota_exceeded"
#define QUOTA_MESSAGE "The storage quota of this tenant is used up; nothing was written. Please ask your administrator."

#endif
