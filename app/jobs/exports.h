/* jobs/exports.h - what the API and the console do with export jobs:
 * start one for the acting user (reports, or the tenant's full export),
 * list and read them, cancel them, and hand out a finished file.
 *
 * A user sees and cancels only its own jobs of its own tenant; another
 * tenant's or another user's id is not found.  Every start, cancel and
 * download is written to the tenant's access log.  control is the calling
 * thread's control-database connection.  Request thread only.
 */
#ifndef GENBA_JOBS_EXPORTS_H
#define GENBA_JOBS_EXPORTS_H

#include <json-c/json.h>
#include <stdbool.h>
#include "db/db.h"
#include "jobs/queue.h"
#include "tenant/op.h"
#include "util/errs.h"

/* The kinds the exports page lists. */
extern const char *const exports_kinds[];

/* Queue the export body asks for (jobs/export.h): OP_INVALID with field
 * errors in e, or with *why (507 quota_exceeded when the tenant's storage
 * is used up); *id the job's. */
op_result exports_start(op_ctx *op, db_conn *control, json_object *body, errs *e, refusal *why, char id[37]);
/* Queue the tenant's full export (what genbactl tenant export writes, as a
 * zip); the caller checked that the user is an administrator. */
op_result exports_start_full(op_ctx *op, db_conn *control, refusal *why, char id[37]);
/* The user's jobs, newest first: {"exports": [...]}. */
json_object *exports_list(op_ctx *op, db_conn *control, op_result *res);
/* One job of the user. */
op_result exports_get(op_ctx *op, db_conn *control, const char *id, job *out);
/* A job as the API shows it: {"id", "kind", "format", "encoding", "status",
 * "done", "total", "percent", "eta_seconds", "bytes", "file_name",
 * "created_at", "started_at", "finished_at", "expires_at", "error"}. */
json_object *exports_json(op_ctx *op, const job *j);
/* Cancel the user's job id; *out: the job afterwards. */
op_result exports_cancel(op_ctx *op, db_conn *control, const char *id, job *out);
/* A done job's file, decrypted while it is read, to sink (false stops:
 * OP_GONE).  OP_CONFLICT when the job is not done; OP_NOT_FOUND when its
 * file went (expired); OP_ERROR when it does not open (logged).  The
 * download is written to the access log. */
op_result exports_read(op_ctx *op, const job *j, bool (*sink)(void *ctx, const void *p, size_t n), void *ctx);

#endif
