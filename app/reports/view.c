#include "reports/report.h"
#include "reports/load.h"
#include "reports/values.h"
#include "db/db.h"
#include "util/jsonx.h"

#include <stdio.h>

/* remarks and system keys as {"1": "…"}: only those set */
static json_object *numbered(const char *const *v, int n)
{
    json_object *x = json_object_new_object();
    for (int i = 0; i < n; i++)
        if (v[i] && *v[i]) {
            char key[4];
            snprintf(key, sizeof key, "%d", i + 1);
            jx_add_str(x, key, v[i]);
        }
    return x;
}

void report_extras_json(json_object *o, const db_rows *rows, size_t row, int col)
{
    const char *v[REPORT_REMARKS + REPORT_SYSKEYS];
    for (int i = 0; i < REPORT_REMARKS + REPORT_SYSKEYS; i++)
        v[i] = db_cell(rows, row, col + i);
    json_object_object_add(o, "remarks", numbered(v, REPORT_REMARKS));
    json_object_object_add(o, "system_keys", numbered(v + REPORT_REMARKS, REPORT_SYSKEYS));
}

/* "" as null: the loader gives "" for the columns that hold NULL (a report
 * without a number yet, an approval without a comment). */
static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

json_object *report_json(op_ctx *op, const char *id, op_result *res)
{
    report_full r;
    if ((*res = report_load(op, id, &r)) != OP_OK)
        return NULL;
    json_object *o = json_object_new_object();
    jx_add_str(o, "id", r.id);
    jx_add_int(o, "definition_id", r.definition_id);
    jx_add_int(o, "definition_revision", r.definition_revision);
    jx_add_str(o, "name", r.name);
    jx_add_str(o, "number", nz(r.number));
    jx_add_str(o, "status", r.status);
    if (r.stage)
        jx_add_int(o, "stage", r.stage);
    else
        jx_add_str(o, "stage", NULL);
    jx_add_int(o, "rev", r.rev);
    jx_add_str(o, "created_at", r.created_at);
    jx_add_str(o, "created_by", r.created_by);
    jx_add_str(o, "updated_at", r.updated_at);
    jx_add_str(o, "updated_by", r.updated_by);
    json_object_object_add(o, "remarks", numbered(r.remarks, REPORT_REMARKS));
    json_object_object_add(o, "system_keys", numbered(r.system_keys, REPORT_SYSKEYS));
    json_object_object_add(o, "values", rvals_api_json(&r.vals));
    json_object *atts = json_object_new_array();
    for (int i = 0; i < r.natt; i++) {
        json_object *x = json_object_new_object();
        jx_add_int(x, "sheet", r.att[i].sheet);
        jx_add_int(x, "cluster", r.att[i].cluster);
        jx_add_str(x, "sha256", r.att[i].sha256);
        jx_add_int(x, "size", r.att[i].size);
        jx_add_str(x, "content_type", r.att[i].content_type);
        json_object_array_add(atts, x);
    }
    json_object_object_add(o, "attachments", atts);
    json_object *apps = json_object_new_array();
    for (int i = 0; i < r.nappr; i++) {
        json_object *x = json_object_new_object();
        jx_add_int(x, "stage", r.appr[i].stage);
        jx_add_str(x, "action", r.appr[i].action);
        jx_add_str(x, "user", r.appr[i].user);
        jx_add_str(x, "user_name", r.appr[i].user_name);
        jx_add_str(x, "comment", nz(r.appr[i].comment));
        jx_add_str(x, "at", r.appr[i].at);
        json_object_array_add(apps, x);
    }
    json_object_object_add(o, "approvals", apps);
    return o;
}
