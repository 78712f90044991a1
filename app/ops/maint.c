#include "ops/maint.h"
#include "tenant/resolve.h"
#include "util/cdate.h"
#include "util/config.h"
#include "util/log.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local struct {
    maint_view v;
    char message[4096], next_message[4096];
    struct timespec read_at;
    bool loaded, failing;
} tl;

static const char *const state_sql =
    "SELECT s.active AND (s.until_at IS NULL OR s.until_at > UTC_TIMESTAMP()), COALESCE(s.message, ''), "
    "COALESCE(TIMESTAMPDIFF(SECOND, '1970-01-01', s.until_at), 0), "
    "w.id, TIMESTAMPDIFF(SECOND, '1970-01-01', w.starts_at), TIMESTAMPDIFF(SECOND, '1970-01-01', w.ends_at), "
    "w.message "
    "FROM maintenance_state s LEFT JOIN maintenance_windows w ON w.id = ("
    "  SELECT id FROM maintenance_windows WHERE cancelled_at IS NULL AND ends_at > UTC_TIMESTAMP() "
    "  AND starts_at <= UTC_TIMESTAMP() + INTERVAL 7 DAY ORDER BY starts_at LIMIT 1) "
    "WHERE s.id = 1";

long maint_local_offset(const genba_config *cfg)
{
    long off = 0;
    if (!cfg || !utc_offset_parse(cfg->local_offset, &off))
        return 0;
    return off;
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static void reload(const tenant_env *env, arena *a)
{
    db_conn *ctl = NULL;
    db_rows rows;
    db_status st = env->control(env->ctx, &ctl);
    if (st == DB_OK) {
        st = db_query(ctl, a, state_sql, DB_NOARGS, &rows, NULL);
        if (st == DB_GONE && db_reconnect(ctl) == DB_OK)
            st = db_query(ctl, a, state_sql, DB_NOARGS, &rows, NULL);
    }
    if (st != DB_OK || rows.nrows != 1) {
        if (!tl.failing)   /* once, not on every re-read */
            log_warn("maintenance state: cannot read the control database (%s); keeping the last state",
                     st == DB_OK ? "no maintenance_state row: run genbactl migrate" : ctl ? db_error(ctl) : "gone");
        tl.failing = true;
        return;
    }
    tl.failing = false;
    maint_view *v = &tl.v;
    v->active = db_cell(&rows, 0, 0) && !strcmp(db_cell(&rows, 0, 0), "1");
    copy(tl.message, sizeof tl.message, db_cell(&rows, 0, 1));
    v->message = tl.message;
    v->until = (time_t)strtoll(db_cell(&rows, 0, 2) ? db_cell(&rows, 0, 2) : "0", NULL, 10);
    v->has_next = db_cell(&rows, 0, 3) != NULL;
    v->next_id = v->has_next ? strtoll(db_cell(&rows, 0, 3), NULL, 10) : 0;
    v->next_from = v->has_next ? (time_t)strtoll(db_cell(&rows, 0, 4), NULL, 10) : 0;
    v->next_to = v->has_next ? (time_t)strtoll(db_cell(&rows, 0, 5), NULL, 10) : 0;
    copy(tl.next_message, sizeof tl.next_message, v->has_next ? db_cell(&rows, 0, 6) : "");
    v->next_message = tl.next_message;
}

const maint_view *maint_current(const tenant_env *env)
{
    static const maint_view off = {.message = "", .next_message = ""};
    if (!env)
        return &off;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(now.tv_sec - tl.read_at.tv_sec) * 1000 + (now.tv_nsec - tl.read_at.tv_nsec) / 1000000;
    if (!tl.loaded || ms >= MAINT_CACHE_SECONDS * 1000LL) {
        if (!tl.loaded) {
            tl.v.message = tl.message;
            tl.v.next_message = tl.next_message;
        }
        tl.loaded = true;
        tl.read_at = now;
        /* the query's rows go to a scratch arena: this may run before the
         * request's own arena is set up for it, and must not grow it */
        arena *a = arena_new();
        if (a) {
            reload(env, a);
            arena_free(&a);
        }
    }
    return &tl.v;
}

void maint_local_time(const genba_config *cfg, const tz_zone *z, time_t t, char *out)
{
    if (z) {
        tz_format(z, t, out);
        return;
    }
    char b[20];
    time_format_local(t, maint_local_offset(cfg), b);
    snprintf(out, TZ_FMT_LEN, "%s %s", b, cfg->local_zone_name);
}

