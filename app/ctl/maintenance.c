/* genbactl maintenance schedule|list|cancel|notify|on|off */
#include "ctl/ctl.h"
#include "util/cdate.h"
#include "ops/maint.h"
#include "ops/notice.h"
#include "ops/window.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/tz.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MESSAGE_MAX 1000   /* characters, as maintenance_windows.message */

static const char *const window_cols =
    "id, TIMESTAMPDIFF(SECOND, '1970-01-01', starts_at), TIMESTAMPDIFF(SECOND, '1970-01-01', ends_at), message, "
    "DATE_FORMAT(notified_at, '%Y-%m-%dT%H:%i:%sZ'), DATE_FORMAT(cancelled_at, '%Y-%m-%dT%H:%i:%sZ')";

static void sql_time(time_t t, char *out)
{
    char r[32];
    rfc3339_format(t, r);   /* YYYY-MM-DDTHH:MM:SSZ -> YYYY-MM-DD HH:MM:SS */
    snprintf(out, 20, "%.10s %.8s", r, r + 11);
}

static time_t cell_time(const db_rows *r, size_t i, size_t j)
{
    const char *v = db_cell(r, i, j);
    return v ? (time_t)strtoll(v, NULL, 10) : 0;
}

static bool message_ok(const char *m)
{
    if (!m || !*m || str_utf8_len(m) > MESSAGE_MAX)
        return false;
    for (const unsigned char *p = (const unsigned char *)m; *p; p++)
        if (*p < ' ' && *p != '\n')
            return false;
    return true;
}

static void progress(void *ctx, size_t i, size_t n)
{
    ctl_progress(ctx, "mailing contacts", (unsigned)i, (unsigned)n);
}

typedef struct when {
    char from_local[TZ_FMT_LEN], to_local[TZ_FMT_LEN], from_utc[24], to_utc[24];
} when;

/* The window in the contact's tenant's time zone ("2026-12-05 23:00 JST"). */
static void describe(const tz_zone *z, time_t from, time_t to, when *w)
{
    tz_format(z, from, w->from_local);
    tz_format(z, to, w->to_local);
    rfc3339_format(from, w->from_utc);
    rfc3339_format(to, w->to_utc);
}

/* The announcement (or its cancellation) for one contact, in Japanese and
 * English, with the times in the tenant's time zone. */
static void compose(ctl *c, bool cancel, long long id, time_t from, time_t to, const char *message,
                    const notice_contact *k, notice_mail *m)
{
    when wv, *w = &wv;
    describe(k->zone, from, to, w);
    const char *zone = tz_name(k->zone);
    m->tenant_code = k->code;
    m->to = k->email;
    m->subject = arena_printf(c->a, "%s: %s – %s", cancel ? "メンテナンス中止のお知らせ / Maintenance cancelled"
                                                          : "メンテナンスのお知らせ / Scheduled maintenance",
                              w->from_local, w->to_local);
    buf b;
    buf_init(&b, c->a);
    buf_printf(&b, "%s ご担当者様\n\n", k->name);
    if (cancel)
        buf_printf(&b, "下記の日時に予定していたメンテナンスは中止になりました。通常どおりご利用いただけます。\n\n");
    else
        buf_printf(&b, "下記の日時にメンテナンスを実施します。この間はサービスをご利用いただけません。\n"
                       "タブレットはオフラインで作業を続けられ、終了後に帳票を送信します。\n\n");
    buf_printf(&b, "  日時: %s 〜 %s (%s)\n  内容: %s\n\n", w->from_local, w->to_local, zone, message);
    buf_printf(&b, "予定はサービスの /maintenance ページでもご確認いただけます。\n\n");
    buf_printf(&b, "----\n\nTo the contact of %s,\n\n", k->name);
    if (cancel)
        buf_printf(&b, "The maintenance planned for the time below has been cancelled; the service runs as usual.\n\n");
    else
        buf_printf(&b, "The service will be down for maintenance at the time below and cannot be used then.\n"
                       "Tablets keep working offline and send their reports afterwards.\n\n");
    buf_printf(&b, "  When: %s to %s (%s; %s to %s)\n  Details: %s\n\n", w->from_local, w->to_local, zone,
               w->from_utc, w->to_utc, message);
    buf_printf(&b, "The /maintenance page of the service lists every planned window.\n\n"
                   "(maintenance window %lld, tenant %s)\n",
               id, k->code);
    m->body = b.data;
}

/* Mail every active tenant's contacts about window id; with only_missing,
 * only those without a sent announcement yet.  Returns the number that
 * failed (printed), or -1 when the contacts could not be read. */
static long mail_window(ctl *c, db_conn *db, bool cancel, long long id, time_t from, time_t to, const char *message,
                        bool only_missing, size_t *total)
{
    notice_contact *k;
    size_t n;
    *total = 0;
    if (notice_contacts(db, c->a, NULL, &k, &n) != DB_OK) {
        ctl_fail(c, "cannot read the contacts: %s", db_error(db));
        return -1;
    }
    db_rows sent = {0};
    if (only_missing &&
        db_query(db, c->a,
                 "SELECT DISTINCT recipient, tenant_code FROM notice_log WHERE window_id = ? AND kind = 'maintenance' "
                 "AND result = 'sent'",
                 DB_ARGS(DB_INT(id)), &sent, NULL) != DB_OK) {
        ctl_fail(c, "cannot read notice_log: %s", db_error(db));
        return -1;
    }
    notice_mail *m = arena_calloc(c->a, n ? n : 1, sizeof *m);
    size_t k2 = 0;
    for (size_t i = 0; i < n; i++) {
        bool done = false;
        for (size_t j = 0; j < sent.nrows && !done; j++)
            done = !strcmp(db_cell(&sent, j, 0), k[i].email) && !strcmp(db_cell(&sent, j, 1), k[i].code);
        if (!done)
            compose(c, cancel, id, from, to, message, &k[i], &m[k2++]);
    }
    *total = k2;
    mail_cfg mc;
    notice_mail_cfg(&c->cfg, &mc);
    size_t failed = notice_deliver(db, c->a, &mc, c->os_user, cancel ? "maintenance_cancel" : "maintenance", id, m,
                                   k2, progress, c);
    for (size_t i = 0; i < k2; i++)
        if (!m[i].sent)
            fprintf(stderr, "genbactl: mail to %s (tenant %s) failed: %s\n", m[i].to, m[i].tenant_code, m[i].error);
    return (long)failed;
}

static int load_holidays(ctl *c, cdate **h, size_t *nh)
{
    char err[512];
    if (!holidays_load(c->a, c->cfg.holidays_file, h, nh, err, sizeof err))
        return ctl_fail(c, "%s", err);
    return 0;
}

static int schedule(ctl *c, int argc, char **argv)
{
    bool bad = false;
    const char *from_s = ctl_opt(argc, argv, "--from", &bad), *to_s = ctl_opt(argc, argv, "--to", &bad);
    const char *message = ctl_opt(argc, argv, "--message", &bad);
    bool no_mail = ctl_flag(argc, argv, "--no-mail");
    time_t from, to, now = time(NULL);
    if (bad || !from_s || !to_s || !message)
        return ctl_usage("usage: genbactl maintenance schedule --from 2026-12-05T14:00:00Z --to 2026-12-05T21:00:00Z "
                         "--message TEXT [--no-mail]");
    if (!rfc3339_parse(from_s, &from) || !rfc3339_parse(to_s, &to))
        return ctl_usage("--from and --to must be RFC 3339 times with a zone, such as 2026-12-05T14:00:00Z");
    if (!message_ok(message))
        return ctl_usage("--message must be 1 to %d characters without control characters", MESSAGE_MAX);
    cdate *hol;
    size_t nhol;
    if (load_holidays(c, &hol, &nhol))
        return 1;
    long off = maint_local_offset(&c->cfg);
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    long long id = 0;
    char detail[300] = "";
    db_rows r;
    if (db_query(db, c->a, arena_printf(c->a, "SELECT %s FROM maintenance_windows WHERE cancelled_at IS NULL", window_cols),
                 DB_NOARGS, &r, NULL) != DB_OK) {
        ctl_fail(c, "cannot read maintenance windows (did you run genbactl migrate?): %s", db_error(db));
        goto out;
    }
    maint_window *ws = arena_calloc(c->a, r.nrows ? r.nrows : 1, sizeof *ws);
    for (size_t i = 0; i < r.nrows; i++) {
        ws[i].id = strtoll(db_cell(&r, i, 0), NULL, 10);
        ws[i].from = cell_time(&r, i, 1);
        ws[i].to = cell_time(&r, i, 2);
        if (ws[i].from == from && ws[i].to == to) {   /* the same window again: nothing to do */
            printf("maintenance window %lld is already scheduled for %s to %s%s\n", ws[i].id, from_s, to_s,
                   db_cell(&r, i, 4) ? "" : " (not every contact was mailed: genbactl maintenance notify ID)");
            rc = 0;
            db_close(&db);
            return 0;
        }
    }
    window_detail d;
    char a[32], b[32];
    rfc3339_format(from, a);
    rfc3339_format(to, b);
    switch (window_check(from, to, now, ws, r.nrows, off, &d)) {
    case WIN_OK:
        break;
    case WIN_ORDER:
        ctl_usage("--to must be after --from");
        rc = 2;
        goto out;
    case WIN_PAST:
        ctl_usage("the window must start in the future (%s is past)", a);
        rc = 2;
        goto out;
    case WIN_TOO_LONG:
        ctl_usage("a window may last at most %d hours (this one: %.1f)", WINDOW_MAX_SECONDS / 3600,
                  (double)(to - from) / 3600.0);
        rc = 2;
        goto out;
    case WIN_OVERLAP:
        ctl_fail(c, "the window overlaps maintenance window %lld (genbactl maintenance list)", d.other_id);
        goto out;
    case WIN_MONTH_BUDGET:
        ctl_fail(c, "%04d-%02d would pass %d hours of maintenance in the month (%.1f h already planned, %.1f h left; "
                    "months in %s)",
                 d.y, d.m, WINDOW_MONTH_SECONDS / 3600, d.used / 3600.0, (WINDOW_MONTH_SECONDS - d.used) / 3600.0,
                 c->cfg.local_zone_name);
        goto out;
    }
    /* notice: business days between today and the window's day */
    int days = bizdays_between(cdate_today(off), cdate_of(from, off), hol, nhol);
    if (days < WINDOW_NOTICE_BIZDAYS)
        fprintf(stderr,
                "genbactl: warning: only %d business day%s of notice before %s (the SLA asks for at least %d); "
                "scheduling anyway\n",
                days, days == 1 ? "" : "s", a, WINDOW_NOTICE_BIZDAYS);
    char fs[24], ts[24];
    sql_time(from, fs);
    sql_time(to, ts);
    if (db_query(db, c->a,
                 "INSERT INTO maintenance_windows (starts_at, ends_at, message, created_by) VALUES (?, ?, ?, ?)",
                 DB_ARGS(DB_STR(fs), DB_STR(ts), DB_STR(message), DB_STR(c->os_user)), NULL, NULL) != DB_OK) {
        ctl_fail(c, "cannot record the window: %s", db_error(db));
        goto out;
    }
    id = (long long)db_insert_id(db);
    snprintf(detail, sizeof detail, "window %lld %s to %s, %d business days' notice", id, a, b, days);
    printf("maintenance window %lld scheduled: %s to %s (%.1f h)\n", id, a, b, (double)(to - from) / 3600.0);
    if (no_mail) {
        printf("no mail sent (--no-mail): genbactl maintenance notify %lld mails the contacts\n", id);
        rc = 0;
        goto out;
    }
    size_t total;
    long failed = mail_window(c, db, false, id, from, to, message, false, &total);
    if (failed < 0)
        goto out;
    if (failed == 0)
        db_query(db, c->a, "UPDATE maintenance_windows SET notified_at = CURRENT_TIMESTAMP(3) WHERE id = ?",
                 DB_ARGS(DB_INT(id)), NULL, NULL);
    printf("%zu contact%s mailed, %ld failed\n", total - (size_t)failed, total - (size_t)failed == 1 ? "" : "s",
           failed);
    snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "; %zu mailed, %ld failed", total - (size_t)failed,
             failed);
    if (failed) {
        ctl_fail(c, "the window is scheduled, but %ld mail%s failed (listed above); once the mail server works: "
                    "genbactl maintenance notify %lld",
                 failed, failed == 1 ? "" : "s", id);
        goto out;
    }
    rc = 0;
out:
    db_close(&db);
    ctl_audit(c, NULL, rc == 0, detail[0] ? detail : NULL);
    return rc;
}

static bool parse_id(const char *s, long long *id)
{
    uint64_t v;
    if (!s || !str_parse_uint(s, (uint64_t)1 << 62, &v) || v == 0)
        return false;
    *id = (long long)v;
    return true;
}

/* Window id into r; false after saying why (no such window, database). */
static bool read_window(ctl *c, db_conn *db, long long id, db_rows *r)
{
    if (db_query(db, c->a, arena_printf(c->a, "SELECT %s FROM maintenance_windows WHERE id = ?", window_cols),
                 DB_ARGS(DB_INT(id)), r, NULL) != DB_OK) {
        ctl_fail(c, "cannot read maintenance windows: %s", db_error(db));
        return false;
    }
    if (r->nrows == 0) {
        ctl_fail(c, "no maintenance window %lld (genbactl maintenance list)", id);
        return false;
    }
    return true;
}

/* notify ID: mail the contacts who have not had the announcement yet. */
static int notify(ctl *c, int argc, char **argv)
{
    long long id;
    if (argc < 1 || !parse_id(argv[0], &id))
        return ctl_usage("usage: genbactl maintenance notify ID");
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    char detail[200] = "";
    db_rows r;
    if (!read_window(c, db, id, &r))
        goto out;
    if (db_cell(&r, 0, 5)) {
        ctl_fail(c, "maintenance window %lld was cancelled", id);
        goto out;
    }
    time_t from = cell_time(&r, 0, 1), to = cell_time(&r, 0, 2);
    if (to <= time(NULL)) {
        ctl_fail(c, "maintenance window %lld is over", id);
        goto out;
    }
    size_t total;
    long failed = mail_window(c, db, false, id, from, to, db_cell(&r, 0, 3), true, &total);
    if (failed < 0)
        goto out;
    if (failed == 0)
        db_query(db, c->a, "UPDATE maintenance_windows SET notified_at = CURRENT_TIMESTAMP(3) WHERE id = ?",
                 DB_ARGS(DB_INT(id)), NULL, NULL);
    snprintf(detail, sizeof detail, "window %lld: %zu mailed, %ld failed", id, total - (size_t)failed, failed);
    printf("maintenance window %lld: %zu contact%s mailed, %ld failed%s\n", id, total - (size_t)failed,
           total - (size_t)failed == 1 ? "" : "s", failed, total == 0 ? " (every contact had it already)" : "");
    if (failed) {
        ctl_fail(c, "%ld mail%s failed (listed above)", failed, failed == 1 ? "" : "s");
        goto out;
    }
    rc = 0;
out:
    db_close(&db);
    ctl_audit(c, NULL, rc == 0, detail[0] ? detail : NULL);
    return rc;
}

static const char *window_status(const db_rows *r, size_t i, time_t now)
{
    if (db_cell(r, i, 5))
        return "cancelled";
    if (cell_time(r, i, 2) <= now)
        return "past";
    if (cell_time(r, i, 1) <= now)
        return "running";
    return db_cell(r, i, 4) ? "notified" : "scheduled";
}

static int list(ctl *c, int argc, char **argv)
{
    bool all = ctl_flag(argc, argv, "--all");
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    db_rows r, s;
    if (db_query(db, c->a,
                 arena_printf(c->a,
                              "SELECT %s FROM maintenance_windows WHERE ? OR (cancelled_at IS NULL AND ends_at > "
                              "UTC_TIMESTAMP()) ORDER BY starts_at",
                              window_cols),
                 DB_ARGS(DB_INT(all)), &r, NULL) != DB_OK ||
        db_query(db, c->a,
                 "SELECT active AND (until_at IS NULL OR until_at > UTC_TIMESTAMP()), COALESCE(message, ''), "
                 "DATE_FORMAT(until_at, '%Y-%m-%dT%H:%i:%sZ') FROM maintenance_state WHERE id = 1",
                 DB_NOARGS, &s, NULL) != DB_OK) {
        int rc = ctl_fail(c, "cannot read maintenance windows (did you run genbactl migrate?): %s", db_error(db));
        db_close(&db);
        return rc;
    }
    db_close(&db);
    time_t now = time(NULL);
    bool on = s.nrows && !strcmp(db_cell(&s, 0, 0), "1");
    if (c->json) {
        json_object *o = json_object_new_object(), *m = json_object_new_object(), *a = json_object_new_array();
        json_object_object_add(m, "active", json_object_new_boolean(on));
        if (on) {
            json_object_object_add(m, "message", json_object_new_string(db_cell(&s, 0, 1)));
            json_object_object_add(m, "until", db_cell(&s, 0, 2) ? json_object_new_string(db_cell(&s, 0, 2)) : NULL);
        }
        json_object_object_add(o, "mode", m);
        for (size_t i = 0; i < r.nrows; i++) {
            json_object *w = json_object_new_object();
            char t[32];
            json_object_object_add(w, "id", json_object_new_int64(strtoll(db_cell(&r, i, 0), NULL, 10)));
            rfc3339_format(cell_time(&r, i, 1), t);
            json_object_object_add(w, "from", json_object_new_string(t));
            rfc3339_format(cell_time(&r, i, 2), t);
            json_object_object_add(w, "to", json_object_new_string(t));
            json_object_object_add(w, "message", json_object_new_string(db_cell(&r, i, 3)));
            json_object_object_add(w, "status", json_object_new_string(window_status(&r, i, now)));
            json_object_object_add(w, "notified_at",
                                   db_cell(&r, i, 4) ? json_object_new_string(db_cell(&r, i, 4)) : NULL);
            json_object_object_add(w, "cancelled_at",
                                   db_cell(&r, i, 5) ? json_object_new_string(db_cell(&r, i, 5)) : NULL);
            json_object_array_add(a, w);
        }
        json_object_object_add(o, "windows", a);
        printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
        json_object_put(o);
        return 0;
    }
    if (on)
        printf("maintenance mode: ON%s%s%s%s\n", db_cell(&s, 0, 2) ? " until " : "",
               db_cell(&s, 0, 2) ? db_cell(&s, 0, 2) : "", *db_cell(&s, 0, 1) ? ": " : "", db_cell(&s, 0, 1));
    else
        printf("maintenance mode: off\n");
    if (!r.nrows) {
        printf("no %smaintenance windows\n", all ? "" : "upcoming ");
        return 0;
    }
    printf("%-5s %-20s %-20s %-24s %-5s %-9s %s\n", "ID", "FROM (UTC)", "TO (UTC)",
           arena_printf(c->a, "LOCAL (%s)", c->cfg.local_zone_name), "HOURS", "STATUS", "MESSAGE");
    long off = maint_local_offset(&c->cfg);
    for (size_t i = 0; i < r.nrows; i++) {
        char f[32], t[32], lf[20], lt[20];
        time_t from = cell_time(&r, i, 1), to = cell_time(&r, i, 2);
        rfc3339_format(from, f);
        rfc3339_format(to, t);
        time_format_local(from, off, lf);
        time_format_local(to, off, lt);
        printf("%-5s %-20s %-20s %s-%s %5.1f %-9s %s\n", db_cell(&r, i, 0), f, t, lf, lt + 11,
               (double)(to - from) / 3600.0, window_status(&r, i, now), db_cell(&r, i, 3));
    }
    return 0;
}

static int cancel(ctl *c, int argc, char **argv)
{
    long long id;
    if (argc < 1 || !parse_id(argv[0], &id))
        return ctl_usage("usage: genbactl maintenance cancel ID [--no-mail]");
    bool no_mail = ctl_flag(argc, argv, "--no-mail");
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    char detail[200] = "";
    db_rows r;
    if (!read_window(c, db, id, &r))
        goto out;
    if (db_cell(&r, 0, 5)) {
        printf("maintenance window %lld was already cancelled\n", id);
        rc = 0;
        goto out;
    }
    time_t from = cell_time(&r, 0, 1), to = cell_time(&r, 0, 2);
    if (to <= time(NULL)) {
        ctl_fail(c, "maintenance window %lld is over; there is nothing to cancel", id);
        goto out;
    }
    if (db_query(db, c->a,
                 "UPDATE maintenance_windows SET cancelled_at = CURRENT_TIMESTAMP(3), cancelled_by = ? WHERE id = ? "
                 "AND cancelled_at IS NULL",
                 DB_ARGS(DB_STR(c->os_user), DB_INT(id)), NULL, NULL) != DB_OK) {
        ctl_fail(c, "cannot cancel the window: %s", db_error(db));
        goto out;
    }
    printf("maintenance window %lld cancelled\n", id);
    snprintf(detail, sizeof detail, "window %lld cancelled", id);
    rc = 0;
    /* the contacts who were told about it are told it is off */
    db_rows told;
    if (!no_mail && db_query(db, c->a,
                             "SELECT COUNT(*) FROM notice_log WHERE window_id = ? AND kind = 'maintenance' AND "
                             "result = 'sent'",
                             DB_ARGS(DB_INT(id)), &told, NULL) == DB_OK &&
        strcmp(db_cell(&told, 0, 0), "0") != 0) {
        size_t total;
        long failed = mail_window(c, db, true, id, from, to, db_cell(&r, 0, 3), false, &total);
        if (failed >= 0)
            printf("%zu contact%s told of the cancellation, %ld failed\n", total - (size_t)failed,
                   total - (size_t)failed == 1 ? "" : "s", failed);
        if (failed != 0) {
            rc = ctl_fail(c, "the window is cancelled, but not every contact could be told (listed above)");
            snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "; %ld cancellation mails failed",
                     failed);
        }
    }
out:
    db_close(&db);
    ctl_audit(c, NULL, rc == 0, detail[0] ? detail : NULL);
    return rc;
}

static int mode_on(ctl *c, int argc, char **argv)
{
    bool bad = false;
    const char *message = ctl_opt(argc, argv, "--message", &bad), *until_s = ctl_opt(argc, argv, "--until", &bad);
    time_t until = 0, now = time(NULL);
    if (bad)
        return ctl_usage("usage: genbactl maintenance on [--message TEXT] [--until 2026-12-05T21:00:00Z]");
    if (until_s && !rfc3339_parse(until_s, &until))
        return ctl_usage("--until must be an RFC 3339 time with a zone, such as 2026-12-05T21:00:00Z");
    if (until_s && until <= now)
        return ctl_usage("--until must be in the future");
    if (message && !message_ok(message))
        return ctl_usage("--message must be 1 to %d characters without control characters", MESSAGE_MAX);
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    char detail[300] = "";
    long long window = 0;
    /* a window running now lends its message and end */
    db_rows r;
    if (db_query(db, c->a,
                 arena_printf(c->a,
                              "SELECT %s FROM maintenance_windows WHERE cancelled_at IS NULL AND starts_at <= "
                              "UTC_TIMESTAMP() + INTERVAL 1 HOUR AND ends_at > UTC_TIMESTAMP() ORDER BY starts_at "
                              "LIMIT 1",
                              window_cols),
                 DB_NOARGS, &r, NULL) != DB_OK) {
        ctl_fail(c, "cannot read maintenance windows (did you run genbactl migrate?): %s", db_error(db));
        goto out;
    }
    if (r.nrows) {
        window = strtoll(db_cell(&r, 0, 0), NULL, 10);
        if (!message)
            message = db_cell(&r, 0, 3);
        if (!until_s)
            until = cell_time(&r, 0, 2);
    }
    char us[24] = "", ur[32] = "";
    if (until) {
        sql_time(until, us);
        rfc3339_format(until, ur);
    }
    if (db_query(db, c->a,
                 "UPDATE maintenance_state SET active = 1, message = ?, until_at = NULLIF(?, ''), window_id = ?, "
                 "changed_at = CURRENT_TIMESTAMP(3), changed_by = ? WHERE id = 1",
                 DB_ARGS(DB_STR(message), DB_STR(us), window ? DB_INT(window) : DB_NULLARG, DB_STR(c->os_user)), NULL,
                 NULL) != DB_OK) {
        ctl_fail(c, "cannot turn maintenance mode on: %s", db_error(db));
        goto out;
    }
    snprintf(detail, sizeof detail, "on%s%s%s", *ur ? " until " : "", ur,
             window ? arena_printf(c->a, " (window %lld)", window) : "");
    printf("maintenance mode on%s%s: every tenant answers 503 within %d s (/healthz, /readyz, /metrics and "
           "/maintenance keep answering)\n",
           *ur ? " until " : "", ur, MAINT_CACHE_SECONDS);
    rc = 0;
out:
    db_close(&db);
    ctl_audit(c, NULL, rc == 0, detail[0] ? detail : NULL);
    return rc;
}

static int mode_off(ctl *c)
{
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    uint64_t changed = 0;
    if (db_query(db, c->a,
                 "UPDATE maintenance_state SET active = 0, message = NULL, until_at = NULL, window_id = NULL, "
                 "changed_at = CURRENT_TIMESTAMP(3), changed_by = ? WHERE id = 1 AND active = 1",
                 DB_ARGS(DB_STR(c->os_user)), NULL, &changed) != DB_OK) {
        ctl_fail(c, "cannot turn maintenance mode off (did you run genbactl migrate?): %s", db_error(db));
        goto out;
    }
    if (changed)
        printf("maintenance mode off: tenants answer again within %d s\n", MAINT_CACHE_SECONDS);
    else
        printf("maintenance mode was already off\n");
    rc = 0;
out:
    db_close(&db);
    ctl_audit(c, NULL, rc == 0, "off");
    return rc;
}

int cmd_maintenance(ctl *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    if (!strcmp(sub, "schedule"))
        return schedule(c, argc - 1, argv + 1);
    if (!strcmp(sub, "list"))
        return list(c, argc - 1, argv + 1);
    if (!strcmp(sub, "cancel"))
        return cancel(c, argc - 1, argv + 1);
    if (!strcmp(sub, "notify"))
        return notify(c, argc - 1, argv + 1);
    if (!strcmp(sub, "on"))
        return mode_on(c, argc - 1, argv + 1);
    if (!strcmp(sub, "off"))
        return mode_off(c);
    return ctl_usage("usage: genbactl maintenance schedule|list|cancel|notify|on|off ...");
}
