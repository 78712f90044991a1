#include "tenant/quota.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/crypto.h"
#include "util/jsonx.h"
#include "util/log.h"

#include <stdlib.h>
#include <time.h>

static long long mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec;
}

op_result quota_read(op_ctx *op, quota_use *out)
{
    out->used = 0;
    out->quota = op->tenant->quota_bytes;
    out->percent = -1;
    db_rows rows;
    /* The tenant's account sees its own database's tables only.  InnoDB's
     * size statistics of a table of few, large rows lag far behind (a
     * report_attachments holding megabytes can show 16 KiB until ANALYZE
     * TABLE), so the attachments count with their exact sealed sizes
     * instead: storage in use = the other tables + the encrypted
     * attachments (operations.md).  The tables' part, statistics that move
     * slowly and cost a look at every table, is read at most every
     * QUOTA_TABLES_SECONDS by each thread. */
    tenant_memo *m = op->tenant->memo;
    long long now = mono_seconds();
    bool fresh = m && m->table_bytes && now - m->table_bytes_at < QUOTA_TABLES_SECONDS;
    db_status st = fresh ? db_query(op->tenant->db, op->a,
                                    "SELECT 0, CAST((SELECT COALESCE(SUM(size + ?), 0) FROM report_attachments) + "
                                    "(SELECT COALESCE(SUM(bytes), 0) FROM export_files) AS UNSIGNED)",
                                    DB_ARGS(DB_INT(CRYPTO_SEAL_OVERHEAD)), &rows, NULL)
                         : db_query(op->tenant->db, op->a,
                                    "SELECT CAST((SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables "
                                    "  WHERE table_schema = DATABASE() AND table_name <> 'report_attachments') AS UNSIGNED), "
                                    "CAST((SELECT COALESCE(SUM(size + ?), 0) FROM report_attachments) + "
                                    "(SELECT COALESCE(SUM(bytes), 0) FROM export_files) AS UNSIGNED)",
                                    DB_ARGS(DB_INT(CRYPTO_SEAL_OVERHEAD)), &rows, NULL);
    if (st != DB_OK) {
        log_error("req id=%s tenant=%s: cannot read the storage in use: %s", op->req_id, op->tenant->code,
                  db_error(op->tenant->db));
        return txn_result(st);
    }
    uint64_t tables = strtoull(db_cell(&rows, 0, 0) ? db_cell(&rows, 0, 0) : "0", NULL, 10);
    uint64_t attachments = strtoull(db_cell(&rows, 0, 1) ? db_cell(&rows, 0, 1) : "0", NULL, 10);
    if (fresh) {
        tables = m->table_bytes;
    } else if (m) {
        m->table_bytes = tables ? tables : 1;
        m->table_bytes_at = now;
    }
    if (m)
        m->attach_bytes = attachments;
    out->used = tables + attachments;
    if (out->quota) {
        double pc = (double)out->used * 100.0 / (double)out->quota;
        out->percent = pc > 100000.0 ? 100000 : (int)pc;
    }
    return OP_OK;
}

op_result quota_check(op_ctx *op, uint64_t incoming, bool *fits)
{
    *fits = true;
    uint64_t quota = op->tenant->quota_bytes;
    if (!quota)
        return OP_OK;
    /* far below the quota by what this thread counted lately (within
     * QUOTA_TABLES_SECONDS): no need to count again for a save */
    tenant_memo *m = op->tenant->memo;
    uint64_t margin = quota / 10 > QUOTA_MARGIN ? quota / 10 : QUOTA_MARGIN;
    if (m && m->table_bytes && mono_seconds() - m->table_bytes_at < QUOTA_TABLES_SECONDS &&
        m->table_bytes + m->attach_bytes + incoming + margin < quota)
        return OP_OK;
    quota_use u;
    op_result res = quota_read(op, &u);
    if (res != OP_OK)
        return res;
    *fits = u.used <= u.quota && incoming <= u.quota - u.used;
    return OP_OK;
}

json_object *quota_json(op_ctx *op, op_result *res)
{
    quota_use u;
    *res = quota_read(op, &u);
    if (*res != OP_OK)
        return NULL;
    json_object *o = json_object_new_object();
    jx_add_int(o, "used", (long long)u.used);
    if (u.quota) {
        jx_add_int(o, "quota", (long long)u.quota);
        jx_add_int(o, "percent", u.percent);
    } else {
        jx_add_str(o, "quota", NULL);
        jx_add_str(o, "percent", NULL);
    }
    return o;
}
