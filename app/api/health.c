#include "api/health.h"
#include "db/migrate.h"
#include "http/response.h"
#include "tenant/code.h"
#include "http/router.h"
#include "ops/maint.h"
#include "server/metrics.h"
#include "server/worker.h"
#include "util/log.h"

#include <string.h>

void health_live(request *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ok"));
    resp_json(r, 200, o);
}

void health_ready(request *r)
{
    db_conn *ctl;
    int version = 0;
    db_status st = worker_control_db(worker_of(r), &ctl);
    if (st == DB_OK) {
        st = migrate_current(ctl, r->a, MIGRATE_CONTROL, &version);
        if (st == DB_GONE && db_reconnect(ctl) == DB_OK)
            st = migrate_current(ctl, r->a, MIGRATE_CONTROL, &version);
    }
    if (st != DB_OK) {
        resp_unavailable(r, "database_unavailable", "The control database is not reachable.");
        return;
    }
    int want = migrate_known_version(MIGRATE_CONTROL);
    if (version != want) {
        resp_unavailable(r, "schema_mismatch",
                         arena_printf(r->a, "The control database schema is at version %d; this server needs %d.",
                                      version, want));
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string("ready"));
    json_object_object_add(o, "control_schema", json_object_new_int(version));
    json_object_object_add(o, "tenant_schema", json_object_new_int(migrate_known_version(MIGRATE_TENANT)));
    /* maintenance mode does not make the server unready: it answers (503
     * with Retry-After) and must stay behind the load balancer */
    json_object_object_add(o, "maintenance", json_object_new_boolean(maint_current(r->host->tenv)->active));
    resp_json(r, 200, o);
}

static const char *route_name(int i)
{
    return i < nroutes ? routes[i].pattern : NULL;
}

void health_metrics(request *r)
{
    buf b;
    buf_init(&b, r->a);
    metrics_render(&b, route_name);
    buf_printf(&b, "# HELP genba_maintenance_active 1 while maintenance mode is on (this worker thread's view)\n"
                   "# TYPE genba_maintenance_active gauge\ngenba_maintenance_active %d\n",
               maint_current(r->host->tenv)->active ? 1 : 0);
    /* the age of each tenant's newest kept backup (from the control DB) */
    db_conn *c;
    db_rows rows;
    if (worker_control_db(worker_of(r), &c) == DB_OK &&
        db_query(c, r->a,
                 "SELECT f.tenant_code, TIMESTAMPDIFF(SECOND, MAX(f.snapshot_at), UTC_TIMESTAMP(3)) FROM backup_files f "
                 "JOIN backup_generations g ON g.generation = f.generation WHERE g.pruned_at IS NULL AND g.complete = 1 "
                 "GROUP BY f.tenant_code ORDER BY f.tenant_code",
                 DB_NOARGS, &rows, NULL) == DB_OK) {
        buf_adds(&b, "# HELP genba_backup_age_seconds Seconds since the snapshot of the newest complete backup kept, per tenant\n"
                     "# TYPE genba_backup_age_seconds gauge\n");
        for (size_t i = 0; i < rows.nrows; i++)
            if (tenant_code_valid(db_cell(&rows, i, 0)) || !strcmp(db_cell(&rows, i, 0), "(control)"))
                buf_printf(&b, "genba_backup_age_seconds{tenant=\"%s\"} %s\n", db_cell(&rows, i, 0), db_cell(&rows, i, 1));
    }
    /* the background job queue (the control DB's jobs, by the index jobs_claim) */
    if (worker_control_db(worker_of(r), &c) == DB_OK &&
        db_query(c, r->a,
                 "SELECT status, COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, MIN(created_at), NOW(3)), 0) FROM jobs "
                 "WHERE status IN ('queued', 'running') GROUP BY status",
                 DB_NOARGS, &rows, NULL) == DB_OK) {
        const char *queued = "0", *running = "0", *oldest = "0";
        for (size_t i = 0; i < rows.nrows; i++)
            if (!strcmp(db_cell(&rows, i, 0), "queued"))
                queued = db_cell(&rows, i, 1), oldest = db_cell(&rows, i, 2);
            else if (!strcmp(db_cell(&rows, i, 0), "running"))
                running = db_cell(&rows, i, 1);
        buf_printf(&b, "# HELP genba_jobs Background jobs (exports) waiting for a runner or being worked, all tenants\n"
                       "# TYPE genba_jobs gauge\ngenba_jobs{status=\"queued\"} %s\ngenba_jobs{status=\"running\"} %s\n"
                       "# HELP genba_jobs_oldest_queued_seconds Seconds the oldest queued job has waited (0: none)\n"
                       "# TYPE genba_jobs_oldest_queued_seconds gauge\ngenba_jobs_oldest_queued_seconds %s\n",
                   queued, running, oldest);
    }
    resp_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
}
