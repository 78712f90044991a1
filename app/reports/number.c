#include "reports/number.h"
#include "tenant/resolve.h"
#include "util/buf.h"
#include "util/tz.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *number_date_part(op_ctx *op, const char *p, int y, int m, int d)
{
    buf b;
    buf_init(&b, op->a);
    while (p && *p) {
        if (!strncmp(p, "yyyy", 4)) {
            buf_printf(&b, "%04d", y);
            p += 4;
        } else if (!strncmp(p, "yy", 2)) {
            buf_printf(&b, "%02d", y % 100);
            p += 2;
        } else if (!strncmp(p, "MM", 2)) {
            buf_printf(&b, "%02d", m);
            p += 2;
        } else if (!strncmp(p, "dd", 2)) {
            buf_printf(&b, "%02d", d);
            p += 2;
        } else {
            buf_addc(&b, *p++);
        }
    }
    return b.data;
}

db_status number_next(op_ctx *op, long long def_id, const definition *d, const char **out)
{
    db_conn *db = op->tenant->db;
    cdate today = tz_today(tenant_zone(op->tenant));   /* the customer's day */
    const char *period = number_date_part(op, d->an_date ? d->an_date : "", today.y, today.m, today.d);
    int start = d->an_start, step = d->an_step > 0 ? d->an_step : 1;
    /* one statement takes the counter row's exclusive lock (a shared lock
     * first and an upgrade later deadlocks concurrent saves); the row then
     * stays locked until the report's transaction ends */
    db_status st = db_query(db, op->a,
                            "INSERT INTO report_counters (definition_id, period, next_value) VALUES (?, ?, ?) "
                            "ON DUPLICATE KEY UPDATE next_value = next_value + ?",
                            DB_ARGS(DB_INT(def_id), DB_STR(period), DB_INT((long long)start + step), DB_INT(step)), NULL, NULL);
    db_rows rows;
    if (st == DB_OK)
        st = db_query(db, op->a, "SELECT next_value - ? FROM report_counters WHERE definition_id = ? AND period = ?",
                      DB_ARGS(DB_INT(step), DB_INT(def_id), DB_STR(period)), &rows, NULL);
    if (st != DB_OK)
        return st;
    long long v = atoll(db_cell(&rows, 0, 0));
    int digits = d->an_digits > 0 && d->an_digits < 20 ? d->an_digits : 1;
    *out = arena_printf(op->a, "%s%s%0*lld", d->an_prefix ? d->an_prefix : "", period, digits, v);
    return st;
}
