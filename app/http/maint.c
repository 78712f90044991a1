#include "http/maint.h"
#include "http/page.h"
#include "http/response.h"
#include "ops/maint.h"
#include "tenant/resolve.h"
#include "util/cdate.h"
#include "util/config.h"
#include "util/str.h"
#include "util/tz.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* The zone a tenant's maintenance texts are shown in: the tenant's own when
 * this thread has met the tenant (maintenance is answered before the tenant
 * step), else NULL: the server's local_offset. */
static const tz_zone *page_zone(request *r)
{
    if (r->op.tenant)
        return tenant_zone(r->op.tenant);
    return r->host ? tenant_cached_zone(r->host->tcache, r->tenant_code) : NULL;
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
    const maint_view *v = maint_current(r->host ? r->host->tenv : NULL);
    if (!v->active)
        return false;
    const genba_config *cfg = r->op.cfg;
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
    const maint_view *v = maint_current(r->host ? r->host->tenv : NULL);
    if (!v->has_next)
        return;
    const genba_config *cfg = r->op.cfg;
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
