/* genbactl tenant quota CODE SIZE, genbactl usage: storage against quotas.
 *
 * Storage in use is the tenant database's size as information_schema
 * reports it (data + indexes; attachments are stored in the database, so
 * they are included).  InnoDB's figures are page-based estimates: good for
 * a quota, not byte-exact. */
#include "ctl/ctl.h"
#include "tenant/code.h"
#include "util/str.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE_WARN_PERCENT 70

static const char *const usage_sql =
    "SELECT t.code, t.status, t.quota_bytes, "
    "(SELECT COALESCE(SUM(s.data_length + s.index_length), 0) FROM information_schema.tables s "
    "  WHERE s.table_schema = t.db_name) "
    "FROM tenants t WHERE t.status IN ('active', 'suspended') AND (? IS NULL OR t.code = ?) ORDER BY t.code";

static double percent(uint64_t used, uint64_t quota)
{
    return quota ? 100.0 * (double)used / (double)quota : 0.0;
}

int cmd_tenant_quota(ctl *c, int argc, char **argv)
{
    const char *code = argc > 0 ? argv[0] : NULL, *size = argc > 1 ? argv[1] : NULL;
    uint64_t quota;
    if (!code || !size || code[0] == '-')
        return ctl_usage("usage: genbactl tenant quota CODE SIZE   (SIZE such as 40GiB or 500MiB)");
    if (!tenant_code_valid(code))
        return ctl_usage("'%s' is not a tenant code", code);
    if (!str_parse_size(size, &quota) || quota == 0)
        return ctl_usage("SIZE must be a size such as 40GiB or 500MiB");
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    char detail[200] = "";
    db_rows r;
    if (db_query(db, c->a, usage_sql, DB_ARGS(DB_STR(code), DB_STR(code)), &r, NULL) != DB_OK) {
        ctl_fail(c, "cannot read tenants: %s", db_error(db));
        goto out;
    }
    if (r.nrows == 0) {
        ctl_fail(c, "no tenant %s (or it is not active or suspended)", code);
        goto out;
    }
    uint64_t old = strtoull(db_cell(&r, 0, 2), NULL, 10), used = strtoull(db_cell(&r, 0, 3), NULL, 10);
    char o[32], n[32], u[32];
    str_format_size(old, o, sizeof o);
    str_format_size(quota, n, sizeof n);
    str_format_size(used, u, sizeof u);
    if (old == quota) {
        printf("tenant %s: quota is already %s (%s used, %.1f %%)\n", code, n, u, percent(used, quota));
        rc = 0;
        goto out;
    }
    if (db_query(db, c->a, "UPDATE tenants SET quota_bytes = ? WHERE code = ?", DB_ARGS(DB_INT(quota), DB_STR(code)),
                 NULL, NULL) != DB_OK) {
        ctl_fail(c, "cannot change the quota: %s", db_error(db));
        goto out;
    }
    snprintf(detail, sizeof detail, "quota %llu -> %llu bytes", (unsigned long long)old, (unsigned long long)quota);
    printf("tenant %s: quota %s -> %s (%s used, %.1f %%)\n", code, o, n, u, percent(used, quota));
    if (used > quota)
        fprintf(stderr, "genbactl: warning: tenant %s already uses more than the new quota; uploads will be refused "
                        "(507) until it is back under it\n", code);
    else if (percent(used, quota) >= USAGE_WARN_PERCENT)
        fprintf(stderr, "genbactl: warning: tenant %s uses %.1f %% of the new quota\n", code, percent(used, quota));
    rc = 0;
out:
    db_close(&db);
    ctl_audit(c, code, rc == 0, detail[0] ? detail : NULL);
    return rc;
}

int cmd_usage(ctl *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    db_rows r;
    if (db_query(db, c->a, usage_sql, DB_ARGS(DB_NULLARG, DB_NULLARG), &r, NULL) != DB_OK) {
        int rc = ctl_fail(c, "cannot read tenants: %s", db_error(db));
        db_close(&db);
        return rc;
    }
    db_close(&db);
    unsigned warn = 0;
    json_object *a = c->json ? json_object_new_array() : NULL;
    if (!a)
        printf("%-20s %-10s %12s %12s %7s  %s\n", "CODE", "STATUS", "USED", "QUOTA", "USE", "");
    for (size_t i = 0; i < r.nrows; i++) {
        uint64_t quota = strtoull(db_cell(&r, i, 2), NULL, 10), used = strtoull(db_cell(&r, i, 3), NULL, 10);
        double p = percent(used, quota);
        bool w = p >= USAGE_WARN_PERCENT;
        warn += w;
        if (a) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "code", json_object_new_string(db_cell(&r, i, 0)));
            json_object_object_add(o, "status", json_object_new_string(db_cell(&r, i, 1)));
            json_object_object_add(o, "used_bytes", json_object_new_int64((int64_t)used));
            json_object_object_add(o, "quota_bytes", json_object_new_int64((int64_t)quota));
            json_object_object_add(o, "percent", json_object_new_double((double)(long long)(p * 10 + 0.5) / 10));
            json_object_object_add(o, "warn", json_object_new_boolean(w));
            json_object_array_add(a, o);
            continue;
        }
        char u[32], q[32];
        str_format_size(used, u, sizeof u);
        str_format_size(quota, q, sizeof q);
        printf("%-20s %-10s %12s %12s %6.1f%%  %s\n", db_cell(&r, i, 0), db_cell(&r, i, 1), u, q, p,
               w ? (used > quota ? "OVER QUOTA" : "WARN >= 70%") : "");
    }
    if (a) {
        printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
        json_object_put(a);
    } else {
        printf("%zu tenant%s, %u at %d %% or more of their quota\n", r.nrows, r.nrows == 1 ? "" : "s", warn,
               USAGE_WARN_PERCENT);
    }
    return 0;
}
