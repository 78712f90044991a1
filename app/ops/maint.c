#include "ops/maint.h"
#include "tenant/resolve.h"
#include "util/cdate.h"
#include "util/config.h"
#include "util/log.h"
#include "util/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The process's copy, refreshed by one thread at a time (the others go on
 * with the copy they have meanwhile), and each thread's own copy of it,
 * taken again when its version changes: what a thread answers is never
 * older than what the process last read, even for a thread that served no
 * request for hours (an idle thread's copy, kept while the control DB was
 * away, once said "maintenance" long after it ended). */
typedef struct state {
    maint_view v;
    char message[4096], next_message[4096];
} state;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    state s;
    struct timespec read_at;
    unsigned long version;   /* 0: never read */
    bool reading, failing;
} shared;

static _Thread_local struct {
    state s;
    unsigned long version;
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

/* Read the state into *to; false when the control DB cannot say. */
static bool reload(const tenant_env *env, arena *a, state *to, const char **why)
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
        *why = st == DB_OK ? "no maintenance_state row: run genbactl migrate" : ctl ? db_error(ctl) : "gone";
        return false;
    }
    maint_view *v = &to->v;
    v->active = db_cell(&rows, 0, 0) && !strcmp(db_cell(&rows, 0, 0), "1");
    copy(to->message, sizeof to->message, db_cell(&rows, 0, 1));
    v->until = (time_t)strtoll(db_cell(&rows, 0, 2) ? db_cell(&rows, 0, 2) : "0", NULL, 10);
    v->has_next = db_cell(&rows, 0, 3) != NULL;
    v->next_id = v->has_next ? strtoll(db_cell(&rows, 0, 3), NULL, 10) : 0;
    v->next_from = v->has_next ? (time_t)strtoll(db_cell(&rows, 0, 4), NULL, 10) : 0;
    v->next_to = v->has_next ? (time_t)strtoll(db_cell(&rows, 0, 5), NULL, 10) : 0;
    copy(to->next_message, sizeof to->next_message, v->has_next ? db_cell(&rows, 0, 6) : "");
    return true;
}

const maint_view *maint_current(const tenant_env *env)
{
    static const maint_view off = {.message = "", .next_message = ""};
    if (!env)
        return &off;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&mu);
    long long ms = (long long)(now.tv_sec - shared.read_at.tv_sec) * 1000 +
                   (now.tv_nsec - shared.read_at.tv_nsec) / 1000000;
    /* (until the first read has succeeded every thread reads for itself:
     * none may answer from an empty copy while maintenance is on) */
    bool mine = !shared.version || (!shared.reading && ms >= MAINT_CACHE_SECONDS * 1000LL);
    if (mine) {
        shared.reading = true;
        shared.read_at = now;
    }
    pthread_mutex_unlock(&mu);
    if (mine) {
        /* the query's rows go to a scratch arena: this may run before the
         * request's own arena is set up for it, and must not grow it */
        state *fresh = malloc(sizeof *fresh);
        arena *a = arena_new();
        const char *why = "out of memory";
        bool ok = fresh && a && reload(env, a, fresh, &why);
        pthread_mutex_lock(&mu);
        shared.reading = false;
        if (ok) {
            shared.s = *fresh;
            shared.version++;
            shared.failing = false;
        } else if (!shared.failing) {   /* once, not on every re-read */
            log_warn("maintenance state: cannot read the control database (%s); keeping the last state", why);
            shared.failing = true;
        }
        pthread_mutex_unlock(&mu);
        arena_free(&a);
        free(fresh);
    }
    pthread_mutex_lock(&mu);
    if (tl.version != shared.version) {
        tl.s = shared.s;
        tl.version = shared.version;
    }
    pthread_mutex_unlock(&mu);
    tl.s.v.message = tl.s.message;
    tl.s.v.next_message = tl.s.next_message;
    return &tl.s.v;
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

