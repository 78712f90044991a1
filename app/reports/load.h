/* reports/load.h - one report loaded whole into the operation's arena: its
 * row, values, attachments and approval record, and its definition's
 * revision.  What the API's JSON (report_json), the console's report page
 * and every output writer (export/: PDF, XLSX, CSV, XML, the tenant
 * export) read a report through.
 *
 * Only a report the operation's user may see is loaded: its own, or one of
 * a definition it holds def.reports.view for (the system user, op->user ==
 * NULL, sees every report).  Deleted reports are not given, but to the
 * system when it asks for them (report_load_ex, REPORT_LOAD_DELETED: the
 * tenant export's archive).  Operation
 * thread only; everything lives in op->a.
 */
#ifndef GENBA_REPORTS_LOAD_H
#define GENBA_REPORTS_LOAD_H

#include <stdbool.h>
#include "forms/model.h"
#include "reports/values.h"
#include "tenant/op.h"
#include "util/errs.h"

typedef struct report_att {
    int sheet, cluster;
    const char *sha256, *content_type;
    long long size;
} report_att;

typedef struct report_appr {
    int stage;
    const char *action;            /* apply, approve, reject, withdraw */
    const char *user, *user_name;  /* login and display name */
    const char *comment;           /* "" when none */
    const char *at;                /* UTC, "2026-12-05T00:30:00Z" */
} report_appr;

typedef struct report_full {
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
    const char *deleted_at;        /* UTC as above; NULL: not deleted (always, but with REPORT_LOAD_DELETED) */
    rvals vals;                    /* reports/values.h */
    report_att *att;
    int natt;
    report_appr *appr;
    int nappr;
} report_full;

/* Load report id.  OP_NOT_FOUND when it does not exist, is deleted or is
 * not visible to op->user; OP_ERROR (logged) when its stored values do not
 * parse; a database failure as txn_result gives it. */
op_result report_load(op_ctx *op, const char *id, report_full *out);

/* The same, with flags.  REPORT_LOAD_DELETED: a deleted report too
 * (out->deleted_at tells), for the system alone: ignored when op->user is
 * set, so no request reaches a deleted report through it. */
#define REPORT_LOAD_DELETED 1u
op_result report_load_ex(op_ctx *op, const char *id, unsigned flags, report_full *out);

#endif
