#include "manager/maintenance.h"
#include "http/page.h"
#include "http/response.h"
#include "util/cdate.h"
#include "ops/maint.h"
#include "tenant/resolve.h"
#include "util/config.h"
#include "util/str.h"
#include "util/tz.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const windows_sql =
    "SELECT id, TIMESTAMPDIFF(SECOND, '1970-01-01', starts_at), TIMESTAMPDIFF(SECOND, '1970-01-01', ends_at), "
    "message FROM maintenance_windows WHERE cancelled_at IS NULL AND ends_at > UTC_TIMESTAMP() "
    "ORDER BY starts_at LIMIT 50";

static bool wants_json(request *r)
{
    const char *acc = r->accept ? r->accept : "";
    const char *f = req_query(r, "format");
    if (f)
        return !strcmp(f, "json");
    return strstr(acc, "application/json") && !strstr(acc, "text/html");
}

void maint_page(request *r)
{
    const char *lang = req_query(r, "lang");
    if (lang && (!strcmp(lang, "ja") || !strcmp(lang, "en")))
        r->lang = !strcmp(lang, "ja") ? "ja" : "en";
    db_conn *ctl;
    db_rows rows;
    db_status st = r->host->tenv->control(r->host->tenv->ctx, &ctl);
    if (st == DB_OK) {
        st = db_query(ctl, r->a, windows_sql, DB_NOARGS, &rows, NULL);
        if (st == DB_GONE && db_reconnect(ctl) == DB_OK)
            st = db_query(ctl, r->a, windows_sql, DB_NOARGS, &rows, NULL);
    }
    if (st != DB_OK) {
        resp_unavailable(r, "database_unavailable", "The database is not reachable right now.");
        return;
    }
    const maint_view *v = maint_current(r->host->tenv);
    const genba_config *cfg = r->op.cfg;
    /* ?tz=Asia/Tokyo (the console's link carries the tenant's zone): times
     * in that zone; else in the server's local time */
    const tz_zone *z = tz_find(req_query(r, "tz"));
    time_t now = time(NULL);
    if (wants_json(r)) {
        json_object *o = json_object_new_object(), *m = json_object_new_object(), *list = json_object_new_array();
        char t[32];
        json_object_object_add(m, "active", json_object_new_boolean(v->active));
        if (v->active && *v->message)
            json_object_object_add(m, "message", json_object_new_string(v->message));
        if (v->active && v->until > now) {
            rfc3339_format(v->until, t);
            json_object_object_add(m, "until", json_object_new_string(t));
        }
        json_object_object_add(o, "maintenance", m);
        for (size_t i = 0; i < rows.nrows; i++) {
            json_object *w = json_object_new_object();
            json_object_object_add(w, "id", json_object_new_int64(strtoll(db_cell(&rows, i, 0), NULL, 10)));
            rfc3339_format((time_t)strtoll(db_cell(&rows, i, 1), NULL, 10), t);
            json_object_object_add(w, "from", json_object_new_string(t));
            rfc3339_format((time_t)strtoll(db_cell(&rows, i, 2), NULL, 10), t);
            json_object_object_add(w, "to", json_object_new_string(t));
            json_object_object_add(w, "message", json_object_new_string(db_cell(&rows, i, 3)));
            json_object_array_add(list, w);
        }
        json_object_object_add(o, "windows", list);
        resp_json(r, 200, o);
        return;
    }
    page *p = page_new(r);
    page_set(p, "Page.title", page_msg(r->lang, "maint.page.title"));
    page_set(p, "Zone", z ? tz_name(z) : cfg->local_zone_name);
    if (z)   /* for the language links' query */
        page_set(p, "TzQuery", str_urlencode(r->a, tz_name(z)));
    if (v->active) {
        page_set(p, "State.active", "1");
        page_set(p, "State.message", v->message);
        if (v->until > now) {
            char t[TZ_FMT_LEN];
            maint_local_time(cfg, z, v->until, t);
            page_set(p, "State.until", t);
        }
    }
    for (size_t i = 0; i < rows.nrows; i++) {
        time_t from = (time_t)strtoll(db_cell(&rows, i, 1), NULL, 10), to = (time_t)strtoll(db_cell(&rows, i, 2), NULL, 10);
        char key[64], t[TZ_FMT_LEN];
        snprintf(key, sizeof key, "Windows.%zu.id", i);
        page_set(p, key, db_cell(&rows, i, 0));
        maint_local_time(cfg, z, from, t);
        snprintf(key, sizeof key, "Windows.%zu.from", i);
        page_set(p, key, t);
        maint_local_time(cfg, z, to, t);
        snprintf(key, sizeof key, "Windows.%zu.to", i);
        page_set(p, key, t);
        rfc3339_format(from, t);
        snprintf(key, sizeof key, "Windows.%zu.from_utc", i);
        page_set(p, key, t);
        rfc3339_format(to, t);
        snprintf(key, sizeof key, "Windows.%zu.to_utc", i);
        page_set(p, key, t);
        snprintf(key, sizeof key, "Windows.%zu.hours", i);
        page_set(p, key, arena_printf(r->a, "%.1f", (double)(to - from) / 3600.0));
        snprintf(key, sizeof key, "Windows.%zu.message", i);
        page_set(p, key, db_cell(&rows, i, 3));
        if (from <= now) {
            snprintf(key, sizeof key, "Windows.%zu.running", i);
            page_set(p, key, "1");
        }
    }
    page_render(r, 200, &p, "maintenance.cs");
}
