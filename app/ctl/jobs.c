/* ctl/jobs.c - genbactl job list: the background jobs of every tenant (or
 * one), from the control database's jobs table (app/jobs/queue.h), for
 * operators: status, progress, age, the runner working it. */
#include "ctl/ctl.h"
#include "util/str.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {"queued", "running", "done", "failed", "cancelled", NULL};

#define JOB_LIST_USAGE "usage: genbactl job list [--tenant CODE] [--status queued|running|done|failed|cancelled] " \
                       "[--limit N] [--json]"

/* "42s", "17m", "3h", "2d": the age of a job, short. */
static void age_text(long long s, char *out, size_t len)
{
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(out, len, "%llds", s);
    else if (s < 7200)
        snprintf(out, len, "%lldm", s / 60);
    else if (s < 172800)
        snprintf(out, len, "%lldh", s / 3600);
    else
        snprintf(out, len, "%lldd", s / 86400);
}

static int job_list_cmd(ctl *c, int argc, char **argv)
{
    static const char *const wv[] = {"--tenant", "--status", "--limit", NULL}, *const fl[] = {"--json", NULL};
    if (!ctl_known_options(argc, argv, wv, fl))
        return 2;
    if (ctl_positional(argc, argv, wv, 0))
        return ctl_usage("unexpected argument '%s'; " JOB_LIST_USAGE, ctl_positional(argc, argv, wv, 0));
    bool bad = false;
    const char *code = ctl_opt(argc, argv, "--tenant", &bad), *status = ctl_opt(argc, argv, "--status", &bad),
               *limit_s = ctl_opt(argc, argv, "--limit", &bad);
    if (bad)
        return ctl_usage("an option lacks its value; " JOB_LIST_USAGE);
    uint64_t limit = 100;
    if (limit_s && (!str_parse_uint(limit_s, 100000, &limit) || limit == 0))
        return ctl_usage("--limit takes a number from 1 to 100000, not '%s'", limit_s);
    if (status) {
        int k = 0;
        while (statuses[k] && strcmp(statuses[k], status))
            k++;
        if (!statuses[k])
            return ctl_usage("unknown status '%s': one of queued, running, done, failed, cancelled", status);
    }
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    db_rows r;
    if (code) {
        if (db_query(db, c->a, "SELECT id FROM tenants WHERE code = ?", DB_ARGS(DB_STR(code)), &r, NULL) != DB_OK) {
            int rc = ctl_fail(c, "cannot read tenants: %s", db_error(db));
            db_close(&db);
            return rc;
        }
        if (!r.nrows) {
            db_close(&db);
            return ctl_fail(c, "no tenant '%s' (genbactl tenant list shows them)", code);
        }
    }
    /* newest first; the seconds since it was queued and, running, since its runner last beat */
    db_status st = db_query(db, c->a,
                            "SELECT j.id, COALESCE(t.code, CONCAT('#', j.tenant_id)), j.kind, j.status, j.n_done, "
                            "COALESCE(j.n_total, -1), TIMESTAMPDIFF(SECOND, j.created_at, NOW(3)), "
                            "COALESCE(j.claimed_by, ''), COALESCE(TIMESTAMPDIFF(SECOND, j.heartbeat_at, NOW(3)), -1), "
                            "j.attempts, DATE_FORMAT(j.created_at, '%Y-%m-%dT%H:%i:%sZ'), COALESCE(j.error, '') "
                            "FROM jobs j LEFT JOIN tenants t ON t.id = j.tenant_id "
                            "WHERE (? IS NULL OR t.code = ?) AND (? IS NULL OR j.status = ?) "
                            "ORDER BY j.created_at DESC, j.id LIMIT ?",
                            DB_ARGS(DB_STR(code), DB_STR(code), DB_STR(status), DB_STR(status), DB_INT(limit)), &r,
                            NULL);
    if (st != DB_OK) {
        int rc = ctl_fail(c, "cannot read jobs (did you run genbactl migrate?): %s", db_error(db));
        db_close(&db);
        return rc;
    }
    db_close(&db);
    json_object *a = c->json ? json_object_new_array() : NULL;
    if (!a)
        printf("%-36s %-16s %-14s %-9s %-22s %6s  %s\n", "ID", "TENANT", "KIND", "STATUS", "PROGRESS", "AGE",
               "RUNNER");
    for (size_t i = 0; i < r.nrows; i++) {
        long long done = atoll(db_cell(&r, i, 4)), total = atoll(db_cell(&r, i, 5)), age = atoll(db_cell(&r, i, 6)),
                  beat = atoll(db_cell(&r, i, 8));
        bool running = !strcmp(db_cell(&r, i, 3), "running");
        const char *runner = running ? db_cell(&r, i, 7) : "";
        if (a) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "id", json_object_new_string(db_cell(&r, i, 0)));
            json_object_object_add(o, "tenant", json_object_new_string(db_cell(&r, i, 1)));
            json_object_object_add(o, "kind", json_object_new_string(db_cell(&r, i, 2)));
            json_object_object_add(o, "status", json_object_new_string(db_cell(&r, i, 3)));
            json_object_object_add(o, "done", json_object_new_int64(done));
            json_object_object_add(o, "total", total < 0 ? NULL : json_object_new_int64(total));
            json_object_object_add(o, "age_seconds", json_object_new_int64(age));
            json_object_object_add(o, "created_at", json_object_new_string(db_cell(&r, i, 10)));
            json_object_object_add(o, "runner", *runner ? json_object_new_string(runner) : NULL);
            json_object_object_add(o, "heartbeat_seconds", running && beat >= 0 ? json_object_new_int64(beat) : NULL);
            json_object_object_add(o, "attempts", json_object_new_int(atoi(db_cell(&r, i, 9))));
            json_object_object_add(o, "error", *db_cell(&r, i, 11) ? json_object_new_string(db_cell(&r, i, 11)) : NULL);
            json_object_array_add(a, o);
            continue;
        }
        char prog[48], ag[32];
        if (total < 0)
            snprintf(prog, sizeof prog, "%lld/?", done);
        else
            snprintf(prog, sizeof prog, "%lld/%lld %d%%", done, total,
                     total ? (int)(done * 100 / total) : !strcmp(db_cell(&r, i, 3), "done") ? 100 : 0);
        age_text(age, ag, sizeof ag);
        printf("%-36s %-16s %-14s %-9s %-22s %6s  %s", db_cell(&r, i, 0), db_cell(&r, i, 1), db_cell(&r, i, 2),
               db_cell(&r, i, 3), prog, ag, *runner ? runner : "-");
        if (running && beat >= 0)
            printf(" (beat %llds ago)", beat);
        if (*db_cell(&r, i, 11))
            printf("  %s", db_cell(&r, i, 11));
        putchar('\n');
    }
    if (a) {
        printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
        json_object_put(a);
    } else {
        printf("%zu job%s%s\n", r.nrows, r.nrows == 1 ? "" : "s", r.nrows == limit ? " (the newest; --limit N for more)" : "");
    }
    return 0;
}

int cmd_job(ctl *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    if (!strcmp(sub, "list"))
        return job_list_cmd(c, argc - 1, argv + 1);
    return ctl_usage(JOB_LIST_USAGE);
}
