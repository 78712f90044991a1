#include "auth/accesslog.h"
#include "auth/users.h"
#include "db/txn.h"
#include "tenant/resolve.h"
#include "util/csv.h"
#include "db/rowjson.h"
#include "util/jsonx.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const cols[] = {"id", "at", "login", "user_id", "device_id", "client_addr", "user_agent",
                                   "channel", "action", "object_type", "object_id", "result", "detail"};
#define NCOLS 13

/* SQL DATETIME text (UTC, as stored) of t with a fraction. */
static const char *sql_time(op_ctx *op, time_t t, const char *frac)
{
    char b[24];
    rfc3339_format(t, b);
    return arena_printf(op->a, "%.10s %.8s%s%s", b, b + 11, *frac ? "." : "", frac);
}

/* "2026-11-25", "2026-11-25T08:30", "2026-11-25T08:30:00", with an optional
 * fraction of up to 6 digits and an optional final "Z" → SQL DATETIME text
 * in UTC; NULL when malformed.  A time with "Z" (the entries' own "at") is
 * UTC; without it, and a plain date, it is the tenant's local time: a plain
 * date means that local day, from its start, or as "to" to its end. */
static const char *parse_time(op_ctx *op, const char *s, bool end_of_day)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
    cdate day;
    if (strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10 ||
        !cdate_parse(arena_strndup(op->a, s, 10), &day))
        return NULL;
    const tz_zone *z = tenant_zone(op->tenant);
    const char *p = s + 10;
    if (!*p)
        return end_of_day ? sql_time(op, tz_day_start(z, cdate_add_days(day, 1)) - 1, "999999")
                          : sql_time(op, tz_day_start(z, day), "");
    if (*p != 'T' || sscanf(p + 1, "%2d:%2d%n", &h, &mi, &used) != 2 || used != 5)
        return NULL;
    p += 6;
    if (*p == ':') {
        if (sscanf(p + 1, "%2d%n", &sec, &used) != 1 || used != 2)
            return NULL;
        p += 3;
    }
    char frac[7] = "";
    if (*p == '.') {
        size_t n = strspn(p + 1, "0123456789");
        if (n < 1 || n > 6)
            return NULL;
        memcpy(frac, p + 1, n);
        frac[n] = '\0';
        p += 1 + n;
    }
    bool utc = *p == 'Z';
    if (utc)
        p++;
    if (*p || h > 23 || mi > 59 || sec > 59)
        return NULL;
    time_t t = utc ? tz_day_start(NULL, day) + h * 3600L + mi * 60L + sec : tz_local_to_utc(z, day, h, mi, sec);
    return sql_time(op, t, frac);
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

bool accesslog_filter_parse(op_ctx *op, accesslog_param get, void *ctx, accesslog_filter *f, int default_limit, errs *e)
{
    memset(f, 0, sizeof *f);
    f->limit = default_limit;
    const char *from = nonempty(get(ctx, "from")), *to = nonempty(get(ctx, "to"));
    if (from && !(f->from = parse_time(op, from, false)))
        errs_add(e, "from", "invalid_date");
    if (to && !(f->to = parse_time(op, to, true)))
        errs_add(e, "to", "invalid_date");
    f->login = nonempty(get(ctx, "user"));
    f->action = nonempty(get(ctx, "action"));
    f->result = nonempty(get(ctx, "result"));
    if (f->result && strcmp(f->result, "ok") && strcmp(f->result, "failed") && strcmp(f->result, "denied"))
        errs_add(e, "result", "invalid_value");
    const char *b = nonempty(get(ctx, "before")), *l = nonempty(get(ctx, "limit"));
    char *end;
    if (b) {
        f->before = strtoll(b, &end, 10);
        if (*end || f->before <= 0)
            errs_add(e, "before", "invalid_value");
    }
    if (l) {
        long v = strtol(l, &end, 10);
        if (*end || v < 1 || v > 1000)
            errs_add(e, "limit", "invalid_value");
        else
            f->limit = (int)v;
    }
    return e->n == 0;
}

static db_status query(op_ctx *op, const accesslog_filter *f, long limit, db_rows *rows)
{
    return db_query(op->tenant->db, op->a,
                    "SELECT id, CONCAT(DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.'), LPAD(MICROSECOND(at) DIV 1000, 3, '0'), 'Z'), login, user_id, device_id, client_addr, "
                    "user_agent, channel, action, object_type, object_id, result, detail FROM access_log "
                    "WHERE (? = 0 OR id < ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at <= ?) "
                    "AND (? IS NULL OR login = ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR result = ?) "
                    "ORDER BY id DESC LIMIT ?",
                    DB_ARGS(DB_INT(f->before), DB_INT(f->before), DB_STR(f->from), DB_STR(f->from), DB_STR(f->to),
                            DB_STR(f->to), DB_STR(f->login), DB_STR(f->login), DB_STR(f->action),
                            DB_STR(f->action), DB_STR(f->result), DB_STR(f->result), DB_INT(limit)),
                    rows, NULL);
}

json_object *accesslog_page(op_ctx *op, const accesslog_filter *f, op_result *res)
{
    db_rows rows;
    /* one row more than asked tells whether another page follows */
    db_status st = query(op, f, f->limit + 1, &rows);
    *res = txn_result(st);
    if (st != DB_OK)
        return NULL;
    bool more = rows.nrows > (size_t)f->limit;
    if (more)
        rows.nrows = (size_t)f->limit;
    json_object *o = json_object_new_object();
    json_object *arr = db_rows_json(&rows, cols, NCOLS);
    for (size_t i = 0; i < rows.nrows; i++) {   /* ids as numbers */
        json_object *e = json_object_array_get_idx(arr, i);
        json_object_object_add(e, "id", json_object_new_int64(atoll(db_cell(&rows, i, 0))));
        if (db_cell(&rows, i, 3))
            json_object_object_add(e, "user_id", json_object_new_int64(atoll(db_cell(&rows, i, 3))));
    }
    json_object_object_add(o, "entries", arr);
    if (more)
        jx_add_int(o, "next_before", atoll(db_cell(&rows, rows.nrows - 1, 0)));
    else
        jx_add_str(o, "next_before", NULL);
    return o;
}

op_result accesslog_csv(op_ctx *op, const accesslog_filter *f, long max, buf *out)
{
    db_rows rows;
    db_status st = query(op, f, max, &rows);
    if (st != DB_OK)
        return txn_result(st);
    csv_write_bom(out);
    csv_write_row(out, cols, NCOLS);
    const char *fields[NCOLS];
    char at[TZ_RFC3339_LEN];
    for (size_t i = 0; i < rows.nrows; i++) {
        for (int c = 0; c < NCOLS; c++) {
            const char *v = db_cell(&rows, i, (size_t)c);
            fields[c] = v ? v : "";
        }
        /* the time in the tenant's zone, with its offset ("2026-12-05T09:30:00+09:00") */
        time_t t;
        if (tz_parse_utc(fields[1], &t)) {
            tz_format_rfc3339(tenant_zone(op->tenant), t, at);
            fields[1] = at;
        }
        csv_write_row(out, fields, NCOLS);
    }
    return OP_OK;
}
