#include "reports/load.h"
#include "reports/report.h"
#include "auth/perm.h"
#include "db/txn.h"
#include "forms/defcache.h"
#include "tenant/resolve.h"
#include "tenant/user.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

static const char *cell(const db_rows *r, size_t row, int col)
{
    const char *s = db_cell(r, row, col);
    return s ? s : "";
}

op_result report_load(op_ctx *op, const char *id, report_full *out)
{
    return report_load_ex(op, id, 0, out);
}

op_result report_load_ex(op_ctx *op, const char *id, unsigned flags, report_full *out)
{
    /* deleted reports for the system alone (op->user NULL: genbactl, the
     * runner), never for a signed-in user, whatever the caller asks */
    bool deleted = (flags & REPORT_LOAD_DELETED) && !op->user;
    memset(out, 0, sizeof *out);
    db_conn *db = op->tenant->db;
    db_rows rows;
    db_status st = db_query(db, op->a,
                            "SELECT rp.id, rp.seq, rp.definition_id, rp.definition_revision, rp.name, rp.number, "
                            "rp.status, rp.stage, rp.rev, DATE_FORMAT(rp.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
                            "DATE_FORMAT(rp.updated_at, '%Y-%m-%dT%H:%i:%sZ'), c.login, c.name, u.login, u.name, "
                            "rp.created_by, rp.vals, " REPORT_EXTRA_SELECT("rp.") ", "
                            "DATE_FORMAT(rp.deleted_at, '%Y-%m-%dT%H:%i:%sZ') "
                            "FROM reports rp JOIN users c ON c.id = rp.created_by JOIN users u ON u.id = rp.updated_by "
                            "WHERE rp.id = ? AND (rp.deleted_at IS NULL OR ?)",
                            DB_ARGS(DB_STR(id), DB_INT(deleted)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (!rows.nrows)
        return OP_NOT_FOUND;
    if (op->user && atoll(cell(&rows, 0, 15)) != op->user->id &&
        !perm_has(op, "def.reports.view", cell(&rows, 0, 2)))
        return OP_NOT_FOUND;
    out->id = cell(&rows, 0, 0);
    out->seq = atoll(cell(&rows, 0, 1));
    out->definition_id = atoll(cell(&rows, 0, 2));
    out->definition_revision = atoi(cell(&rows, 0, 3));
    out->name = cell(&rows, 0, 4);
    out->number = cell(&rows, 0, 5);
    out->status = cell(&rows, 0, 6);
    out->stage = atoi(cell(&rows, 0, 7));
    out->rev = atoi(cell(&rows, 0, 8));
    out->created_at = cell(&rows, 0, 9);
    out->updated_at = cell(&rows, 0, 10);
    out->created_by = cell(&rows, 0, 11);
    out->created_by_name = cell(&rows, 0, 12);
    out->updated_by = cell(&rows, 0, 13);
    out->updated_by_name = cell(&rows, 0, 14);
    for (int i = 0; i < REPORT_REMARKS; i++)
        out->remarks[i] = cell(&rows, 0, 17 + i);
    for (int i = 0; i < REPORT_SYSKEYS; i++)
        out->system_keys[i] = cell(&rows, 0, 17 + REPORT_REMARKS + i);
    out->deleted_at = db_cell(&rows, 0, 17 + REPORT_REMARKS + REPORT_SYSKEYS);
    if (!rvals_parse(op->a, db_cell(&rows, 0, 16), &out->vals)) {
        log_error("req id=%s tenant=%s: the stored values of report %s do not parse", op->req_id, op->tenant->code,
                  out->id);
        return OP_ERROR;
    }
    def_rev v;
    op_result res;
    out->def = defcache_get(op, out->definition_id, out->definition_revision, &v, &res);
    if (!out->def)
        return res;

    db_rows at;
    st = db_query(db, op->a,
                  "SELECT sheet_no, cluster_id, sha256, size, content_type FROM report_attachments WHERE report_id = ? "
                  "ORDER BY sheet_no, cluster_id",
                  DB_ARGS(DB_STR(out->id)), &at, NULL);
    if (st != DB_OK)
        return txn_result(st);
    out->att = arena_calloc(op->a, at.nrows + 1, sizeof *out->att);
    for (size_t i = 0; i < at.nrows; i++) {
        report_att *x = &out->att[out->natt++];
        x->sheet = atoi(cell(&at, i, 0));
        x->cluster = atoi(cell(&at, i, 1));
        x->sha256 = cell(&at, i, 2);
        x->size = atoll(cell(&at, i, 3));
        x->content_type = cell(&at, i, 4);
    }
    db_rows ap;
    st = db_query(db, op->a,
                  "SELECT a.stage, a.action, u.login, u.name, a.comment, DATE_FORMAT(a.at, '%Y-%m-%dT%H:%i:%sZ') FROM "
                  "report_approvals a JOIN users u ON u.id = a.user_id WHERE a.report_id = ? ORDER BY a.id",
                  DB_ARGS(DB_STR(out->id)), &ap, NULL);
    if (st != DB_OK)
        return txn_result(st);
    out->appr = arena_calloc(op->a, ap.nrows + 1, sizeof *out->appr);
    for (size_t i = 0; i < ap.nrows; i++) {
        report_appr *x = &out->appr[out->nappr++];
        x->stage = atoi(cell(&ap, i, 0));
        x->action = cell(&ap, i, 1);
        x->user = cell(&ap, i, 2);
        x->user_name = cell(&ap, i, 3);
        x->comment = cell(&ap, i, 4);
        x->at = cell(&ap, i, 5);
    }
    return OP_OK;
}
