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
#include "reports/values.h"
#include "tenant/op.h"
#include "util/errs.h"

typedef struct export_attachment {
    int sheet, cluster;
    const char *sha256, *content_type;
    long long size;
} export_attachment;

typedef struct export_approval {
    int stage;
    const char *action;            /* apply, approve, reject, withdraw */
    const char *user, *user_name;  /* login and display name */
    const char *comment;           /* "" when none */
    const char *at;                /* UTC, "2026-12-05T00:30:00Z" */
} export_approval;

typedef struct export_report {
    const char *id;                /* UUID */
    long long seq;                 /* the tenant's order of creation */
    long long definition_id;
    int definition_revision;
    const definition *def;         /* that revision (forms/model.h) */
    const char *name, *number, *status;
    int stage;                     /* 0: none */
    int rev;
    const char *created_at, *updated_at;           /* UTC, as above */
    const char *created_by, *created_by_name;      /* login, display name */
    const char *updated_by, *updated_by_name;
    const char *remarks[10];       /* remarks1..10 ("" when not set) */
    const char *system_keys[5];    /* system_key1..5 */
    rvals vals;                    /* reports/values.h */
    export_attachment *att;
    int natt;
    export_approval *appr;
    int nappr;
} export_report;

/* Load report id.  OP_NOT_FOUND when it does not exist, is deleted or is
 * not visible to op->user; OP_ERROR (logged) when its stored values do not
 * parse; a database failure as txn_result gives it. */
op_result export_report_load(op_ctx *op, const char *id, export_report *out);

/* The plain bytes of one attachment of r (in op->a), or OP_NOT_FOUND. */
op_result export_attachment_read(op_ctx *op, const export_report *r, const export_attachment *x,
                                 const unsigned char **data, size_t *len);

#endif
