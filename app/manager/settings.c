#include "manager/settings.h"
#include "manager/view.h"
#include "tenant/settings.h"
#include "util/str.h"
#include "util/tz.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

/* "Storage: X of Y (Z %)", warned from 70 %. */
static void set_storage(page *p, json_object *s)
{
    json_object *st = json_object_object_get(s, "storage"), *q = json_object_object_get(st, "quota");
    char b[32];
    str_format_size((uint64_t)json_object_get_int64(json_object_object_get(st, "used")), b, sizeof b);
    page_set(p, "Storage.used", b);
    if (!q)
        return;
    str_format_size((uint64_t)json_object_get_int64(q), b, sizeof b);
    page_set(p, "Storage.quota", b);
    long pc = (long)json_object_get_int64(json_object_object_get(st, "percent"));
    page_set_int(p, "Storage.percent", pc);
    page_set_int(p, "Storage.meter", pc > 100 ? 100 : pc);
    if (pc >= 70)
        page_set_int(p, "Storage.warn", 1);
    if (pc >= 100)
        page_set_int(p, "Storage.full", 1);
}

static void add_zone(const char *id, void *ctx)
{
    struct zones {
        page *p;
        int n;
    } *z = ctx;
    char key[32];
    snprintf(key, sizeof key, "Zones.%d", z->n++);
    page_set(z->p, key, id);
}

/* The page, with the problems of a refused save (e) and what was sent. */
static void show(request *r, int status, const errs *e, const char *sent_zone)
{
    op_result res;
    json_object *s = settings_all(&r->op, &res);
    if (!s)
        return view_fail(r, res);
    page *p = view_page(r, "settings.title");
    page_set_json(p, "Settings", s);
    set_storage(p, s);
    json_object_put(s);
    struct {
        page *p;
        int n;
    } zones = {p, 0};
    tz_each(add_zone, &zones);   /* every IANA zone, for the time zone's select */
    if (e) {
        page_set_errors(p, r, e);
        page_set(p, "Settings.time_zone", sent_zone);
    }
    page_render(r, status, &p, "manager/settings.cs");
}

void manager_settings(request *r)
{
    show(r, 200, NULL, NULL);
}

void manager_settings_save(request *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "devices.auto_approve", json_object_new_boolean(!strcmp(view_field(r, "auto_approve"), "1")));
    const char *zone = view_field(r, "time_zone");
    if (*zone)
        json_object_object_add(o, "time_zone", json_object_new_string(zone));
    errs e;
    errs_init(&e, r->a);
    op_result res = settings_set(&r->op, o, &e);
    json_object_put(o);
    if (res == OP_INVALID)
        return show(r, 422, &e, zone);
    if (res != OP_OK)
        return view_fail(r, res);
    view_done(r, "settings", "settings");
}
