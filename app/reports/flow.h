/* flow.h - what the workflow's files (approve.c, lock.c, flow.c) share:
 * the report row locked for a change, who may do what with it, refusals.
 * Internal to app/reports/.  Request thread only; every function runs in
 * the caller's transaction.
 */
#ifndef GENBA_REPORT_FLOW_H
#define GENBA_REPORT_FLOW_H

#include "db/db.h"
#include "reports/report.h"
#include "reports/values.h"

/* The report row, read with FOR UPDATE (so concurrent workflow actions on
 * one report take turns). */
typedef struct flow_report {
    const char *id;                 /* as stored (lower case) */
    long long def_id;
    int def_rev, rev;
    const char *status;
    int stage;                      /* 0 when NULL */
    long long created_by, applicant_id;   /* applicant_id 0 when NULL */
    const char *scope;              /* the definition id as text, for def.* permissions */
    bool own;                       /* created by the request's user */
    long long seq;                  /* reports.seq (the search index's key) */
    long long created_ms;           /* its creation, ms since 1970 (the search index's order) */
    rvals vals;                     /* the stored values */
    const char *remarks[REPORT_REMARKS];   /* remarks1-10 as stored (NULL or "": none) */
} flow_report;

/* Lock and read report id.  Unknown, deleted, or not visible to the user
 * (neither the creator nor a holder of def.reports.view): 404 in *why. */
op_result flow_load(op_ctx *op, const char *id, flow_report *fr, refusal *why);
/* May the user edit the report's values (the creator holding
 * def.reports.create, or a holder of def.reports.edit)? */
bool flow_may_edit(op_ctx *op, const flow_report *fr);
/* Set *why and return OP_INVALID. */
/* 412 with the current report as the body. */
op_result flow_stale(op_ctx *op, const char *id, refusal *why);
/* The unexpired exclusive lock of report id held by a user other than the
 * request's: *body = {"holder": {"id", "login", "name"}, "expires_at"}
 * (owned by the caller), *login the holder's login; *body NULL when there
 * is none. */
db_status flow_other_holder(op_ctx *op, const char *id, json_object **body, const char **login);
/* Write the report's values as after (definition d; revision rev, the history event of
 * kind with what changed, the search index); *text the new reports.vals for
 * the caller's UPDATE of the row, NULL when nothing changed. */
db_status flow_set_values(op_ctx *op, const flow_report *fr, const definition *d, int rev, const char *kind,
                          const rvals *after, const char **text);

/* Is user u in stage s's group (or a group nested below it)?  A group the
 * tenant does not have (renamed or deleted since) has no members.  *res:
 * OP_OK unless the database failed. */
struct auth_user;
bool flow_in_stage_group(op_ctx *op, const def_stage *s, const struct auth_user *u, op_result *res);

#endif
