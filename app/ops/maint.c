#include "ops/maint.h"
#include "http/page.h"
#include "http/response.h"
#include "util/cdate.h"
#include "server/worker.h"
#include "util/log.h"
#include "util/str.h"
#include "util/tz.h"
#include "tenant/resolve.h"

#include <json-c/json.h>
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

static void reload(worker_ctx *w, arena *a)
{
    db_conn *ctl;
    db_rows rows;
    db_status st = worker_control_db(w, &ctl);
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

const maint_view *maint_current(worker_ctx *w)
{
    static const maint_view off = {.message = "", .next_message = ""};
    if (!w)
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
            reload(w, a);
            arena_free(&a);
        }
    }
    return &tl.v;
}

/* The zone a tenant's maintenance texts are shown in: the tenant's own when
 * this thread has met the tenant (maintenance is answered before the tenant
 * step), else NULL: the server's local_offset. */
static const tz_zone *page_zone(request *r)
{
    if (r->tenant)
        return r->tenant->tz;
    return r->w ? tenant_cached_zone(r->w->tcache, r->tenant_code) : NULL;
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

/* A message from the catalog with "{until}" replaced. */
static const char *with_until(request *r, const char *key, const char *until)
{
    const char *m = page_msg(r->lang, key);
    if (!m)
        return "";
    const char *at = strstr(m, "{until}");
    return at ? arena_printf(r->a, "%.*s%s%s", (int)(at - m), m, until, at + 7) : m;
}

bool maint_refuse(request *r)
{
    const maint_view *v = maint_current(r->w);
    if (!v->active)
        return false;
    const genba_config *cfg = worker_config();
    time_t now = time(NULL);
    long retry = (long)cfg->maintenance_retry_after;
    if (v->until > now)
        retry = (long)(v->until - now) > 86400 ? 86400 : (long)(v->until - now);
    if (retry < 1)
        retry = 1;
    resp_header(r, "Retry-After", arena_printf(r->a, "%ld", retry));
    char until_utc[32] = "", until_local[TZ_FMT_LEN] = "";
    if (v->until > now) {
        rfc3339_format(v->until, until_utc);
        maint_local_time(cfg, page_zone(r), v->until, until_local);
    }
    const char *english = *v->message ? v->message : "The service is down for maintenance; please try again later.";
    if (r->kind == KIND_API || r->kind == KIND_PLAIN) {
        json_object *o = json_object_new_object(), *e = json_object_new_object();
        json_object_object_add(e, "code", json_object_new_string("maintenance"));
        json_object_object_add(e, "message", json_object_new_string(english));
        json_object_object_add(e, "request_id", json_object_new_string(r->id));
        if (*until_utc)
            json_object_object_add(e, "until", json_object_new_string(until_utc));
        json_object_object_add(e, "retry_after", json_object_new_int64(retry));
        json_object_object_add(o, "error", e);
        resp_json(r, 503, o);
    } else if (r->kind == KIND_CONSOLE) {
        page *p = page_new(r);
        page_set_int(p, "Error.status", 503);
        page_set(p, "Error.code", "maintenance");
        page_set(p, "Error.title", page_msg(r->lang, "maint.503.title"));
        page_set(p, "Error.text",
                 *until_local ? with_until(r, "maint.503.until", until_local) : page_msg(r->lang, "maint.503.text"));
        page_set(p, "Error.detail", v->message);
        page_render(r, 503, &p, "error.cs");
    } else {
        resp_error(r, 503, "maintenance", english);
    }
    return true;
}

void maint_banner(page *p, request *r)
{
    const maint_view *v = maint_current(r->w);
    if (!v->has_next)
        return;
    const genba_config *cfg = worker_config();
    const tz_zone *z = page_zone(r);
    char from[TZ_FMT_LEN], to[TZ_FMT_LEN], from_utc[32], to_utc[32];
    maint_local_time(cfg, z, v->next_from, from);
    maint_local_time(cfg, z, v->next_to, to);
    rfc3339_format(v->next_from, from_utc);
    rfc3339_format(v->next_to, to_utc);
    page_set(p, "Maintenance.from", from);
    page_set(p, "Maintenance.to", to);
    if (z)   /* the public page lists the windows in the tenant's zone too (its link's query) */
        page_set(p, "Maintenance.tz_query", str_urlencode(r->a, tz_name(z)));
    page_set(p, "Maintenance.from_utc", from_utc);
    page_set(p, "Maintenance.to_utc", to_utc);
    page_set(p, "Maintenance.message", v->next_message);
    if (v->next_from <= time(NULL))
        page_set(p, "Maintenance.running", "1");
}
