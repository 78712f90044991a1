/* jobs/queue.c - the queue of background jobs (see queue.h). */
#include "jobs/queue.h"
#include "db/txn.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/str.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define T(col) "DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%sZ')"
/* the columns job_row reads, in its order (params: without a long id list) */
#define COLS                                                                                                        \
    "id, tenant_id, COALESCE(user_id, 0), kind, IF(LENGTH(params) < 4096, params, JSON_REMOVE(params, '$.ids')), " \
    "status, n_done, COALESCE(n_total, -1), attempts, claimed_by, " T("created_at") ", " T("started_at") ", "       \
    T("finished_at") ", " T("expires_at") ", file, file_name, content_type, error, COALESCE(bytes, -1), "           \
    "COALESCE(stored_bytes, -1), COALESCE(TIMESTAMPDIFF(MICROSECOND, started_at, NOW(3)) / 1e6, 0) "
/* the same with the whole params (a runner needs the ids) */
#define COLS_FULL                                                                                                   \
    "id, tenant_id, COALESCE(user_id, 0), kind, params, "                                                          \
    "status, n_done, COALESCE(n_total, -1), attempts, claimed_by, " T("created_at") ", " T("started_at") ", "       \
    T("finished_at") ", " T("expires_at") ", file, file_name, content_type, error, COALESCE(bytes, -1), "           \
    "COALESCE(stored_bytes, -1), COALESCE(TIMESTAMPDIFF(MICROSECOND, started_at, NOW(3)) / 1e6, 0) "

static long long num(const db_rows *r, size_t i, int c)
{
    const char *s = db_cell(r, i, (size_t)c);
    return s ? atoll(s) : 0;
}

static void job_row(const db_rows *r, size_t i, job *j)
{
    memset(j, 0, sizeof *j);
    j->id = db_cell(r, i, 0);
    j->tenant_id = num(r, i, 1);
    j->user_id = num(r, i, 2);
    j->kind = db_cell(r, i, 3);
    j->params = db_cell(r, i, 4);
    j->status = db_cell(r, i, 5);
    j->done = num(r, i, 6);
    j->total = num(r, i, 7);
    j->attempts = (int)num(r, i, 8);
    j->claimed_by = db_cell(r, i, 9);
    j->created_at = db_cell(r, i, 10);
    j->started_at = db_cell(r, i, 11);
    j->finished_at = db_cell(r, i, 12);
    j->expires_at = db_cell(r, i, 13);
    j->file = db_cell(r, i, 14);
    j->file_name = db_cell(r, i, 15);
    j->content_type = db_cell(r, i, 16);
    j->error = db_cell(r, i, 17);
    j->bytes = num(r, i, 18);
    j->stored_bytes = num(r, i, 19);
    j->seconds = db_cell(r, i, 20) ? atof(db_cell(r, i, 20)) : 0;
}

op_result job_enqueue(db_conn *control, arena *a, long long tenant_id, long long user_id, const char *kind,
                      const char *params, char id[37])
{
    if (!crypto_uuid4(id))
        return OP_ERROR;
    db_status st = db_query(control, a,
                            "INSERT INTO jobs (id, tenant_id, user_id, kind, params) VALUES (?, ?, ?, ?, ?)",
                            DB_ARGS(DB_STR(id), DB_INT(tenant_id), user_id > 0 ? DB_INT(user_id) : DB_NULLARG,
                                    DB_STR(kind), DB_STR(params)),
                            NULL, NULL);
    if (st != DB_OK && st != DB_GONE)
        log_error("jobs: cannot queue a %s job: %s", kind, db_error(control));
    return txn_result(st);
}

op_result job_get(db_conn *control, arena *a, long long tenant_id, long long user_id, const char *id, job *out)
{
    if (!id || !str_uuid_ok(id))
        return OP_NOT_FOUND;
    db_rows rows;
    db_status st = db_query(control, a,
                            "SELECT " COLS "FROM jobs WHERE id = ? AND tenant_id = ? AND (? = 0 OR user_id = ?)",
                            DB_ARGS(DB_STR(id), DB_INT(tenant_id), DB_INT(user_id > 0 ? user_id : 0), DB_INT(user_id)),
                            &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    if (rows.nrows != 1)
        return OP_NOT_FOUND;
    job_row(&rows, 0, out);
    return OP_OK;
}

op_result job_list(db_conn *control, arena *a, long long tenant_id, long long user_id, const char *const *kinds,
                   int limit, job **out, int *n)
{
    *out = NULL;
    *n = 0;
    char set[256] = "";
    for (const char *const *k = kinds; k && *k; k++)
        snprintf(set + strlen(set), sizeof set - strlen(set), "%s%s", set[0] ? "," : "", *k);
    db_rows rows;
    db_status st = db_query(control, a,
                            "SELECT " COLS "FROM jobs WHERE tenant_id = ? AND (? = 0 OR user_id = ?) "
                            "AND FIND_IN_SET(kind, ?) ORDER BY created_at DESC, id LIMIT ?",
                            DB_ARGS(DB_INT(tenant_id), DB_INT(user_id > 0 ? user_id : 0), DB_INT(user_id),
                                    DB_STR(set), DB_INT(limit)),
                            &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    job *j = arena_calloc(a, rows.nrows + 1, sizeof *j);
    for (size_t i = 0; i < rows.nrows; i++)
        job_row(&rows, i, &j[i]);
    *out = j;
    *n = (int)rows.nrows;
    return OP_OK;
}

op_result job_cancel(db_conn *control, arena *a, long long tenant_id, long long user_id, const char *id,
                     const char **was)
{
    job j;
    *was = NULL;
    op_result res = job_get(control, a, tenant_id, user_id, id, &j);
    if (res != OP_OK)
        return res;
    *was = j.status;
    /* a finished job's file goes with the next sweep (expires now) */
    db_status st = db_query(control, a,
                            "UPDATE jobs SET status = 'cancelled', finished_at = COALESCE(finished_at, NOW(3)), "
                            "expires_at = IF(status = 'done', NOW(3), expires_at) WHERE id = ? AND tenant_id = ?",
                            DB_ARGS(DB_STR(id), DB_INT(tenant_id)), NULL, NULL);
    return txn_result(st);
}

void job_runner_name(char *out, size_t len)
{
    char host[128] = "";
    char nonce[9] = "0";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    crypto_token_hex(4, nonce);
    snprintf(out, len, "%.64s:%d:%s", host, (int)getpid(), nonce);
}

/* Jobs running here under a runner process that is gone: make them stale now. */
static void take_over_dead(db_conn *control, arena *a, const char *runner)
{
    const char *colon = strchr(runner, ':');
    if (!colon)
        return;
    char *prefix = arena_printf(a, "%.*s:%%", (int)(colon - runner), runner);
    db_rows rows;
    if (db_query(control, a, "SELECT id, claimed_by FROM jobs WHERE status = 'running' AND claimed_by LIKE ?",
                 DB_ARGS(DB_STR(prefix)), &rows, NULL) != DB_OK)
        return;
    for (size_t i = 0; i < rows.nrows; i++) {
        const char *by = db_cell(&rows, i, 1), *p = by ? strchr(by, ':') : NULL;
        int pid = p ? atoi(p + 1) : 0;
        if (pid <= 0 || !strcmp(by, runner) || kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        log_warn("jobs: job %s: its runner %s is gone; taking it over", db_cell(&rows, i, 0), by);
        db_query(control, a, "UPDATE jobs SET heartbeat_at = '2000-01-01' WHERE id = ? AND claimed_by = ? AND status = 'running'",
                 DB_ARGS(DB_STR(db_cell(&rows, i, 0)), DB_STR(by)), NULL, NULL);
    }
}

typedef struct claim_ctx {
    db_conn *db;
    arena *a;
    const char *runner;
    unsigned stale;
    job *out;
    bool got, gave_up;
} claim_ctx;

static op_result claim_tx(void *p)
{
    claim_ctx *c = p;
    c->got = c->gave_up = false;
    db_rows rows;
    db_status st = db_query(c->db, c->a,
                            "SELECT " COLS_FULL "FROM jobs WHERE status = 'queued' "
                            "OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < NOW(3) - INTERVAL ? SECOND)) "
                            "ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
                            DB_ARGS(DB_INT(c->stale)), &rows, NULL);
    if (st != DB_OK)
        return st == DB_BUSY ? OP_BUSY : txn_result(st);
    if (!rows.nrows)
        return OP_OK;
    job_row(&rows, 0, c->out);
    if (!strcmp(c->out->status, "running") && c->out->attempts >= JOB_MAX_ATTEMPTS) {
        c->gave_up = true;
        st = db_query(c->db, c->a,
                      "UPDATE jobs SET status = 'failed', finished_at = NOW(3), claimed_by = NULL, "
                      "error = 'The runner stopped each time it worked this job; it was given up.' WHERE id = ?",
                      DB_ARGS(DB_STR(c->out->id)), NULL, NULL);
        return st == DB_BUSY ? OP_BUSY : txn_result(st);
    }
    st = db_query(c->db, c->a,
                  "UPDATE jobs SET status = 'running', claimed_by = ?, attempts = attempts + 1, heartbeat_at = NOW(3), "
                  "started_at = NOW(3), n_done = 0 WHERE id = ?",
                  DB_ARGS(DB_STR(c->runner), DB_STR(c->out->id)), NULL, NULL);
    if (st != DB_OK)
        return st == DB_BUSY ? OP_BUSY : txn_result(st);
    c->out->status = "running";
    c->out->attempts++;
    c->out->claimed_by = c->runner;
    c->out->done = 0;
    c->got = true;
    return OP_OK;
}

op_result job_claim(db_conn *control, arena *a, const char *runner, unsigned stale, job *out, bool *got)
{
    *got = false;
    take_over_dead(control, a, runner);
    for (int i = 0; i < 10; i++) {
        claim_ctx c = {.db = control, .a = a, .runner = runner, .stale = stale, .out = out};
        op_result res = txn_run(control, runner, "claiming a job", claim_tx, &c);
        if (res != OP_OK)
            return res;
        if (c.gave_up) {
            log_error("jobs: job %s (%s) failed: its runner stopped %d times", out->id, out->kind, out->attempts);
            continue;
        }
        *got = c.got;
        return OP_OK;
    }
    return OP_OK;
}

op_result job_beat(db_conn *control, arena *a, const char *id, const char *runner, long long done, long long total,
                   bool *ours)
{
    uint64_t n = 0;
    *ours = true;
    db_status st = db_query(control, a,
                            "UPDATE jobs SET n_done = ?, n_total = IF(? < 0, n_total, ?), heartbeat_at = NOW(3) "
                            "WHERE id = ? AND claimed_by = ? AND status = 'running'",
                            DB_ARGS(DB_INT(done), DB_INT(total), DB_INT(total), DB_STR(id), DB_STR(runner)), NULL, &n);
    if (st == DB_OK)
        *ours = n == 1;
    return txn_result(st);
}

op_result job_finish(db_conn *control, arena *a, const char *id, const char *runner, const job_outcome *o, bool *ours)
{
    uint64_t n = 0;
    *ours = false;
    bool done = !strcmp(o->status, "done");
    db_status st = db_query(
        control, a,
        "UPDATE jobs SET status = ?, n_done = ?, n_total = IF(? < 0, n_total, ?), finished_at = NOW(3), "
        "heartbeat_at = NOW(3), expires_at = IF(? > 0, NOW(3) + INTERVAL ? SECOND, NULL), file = ?, file_name = ?, "
        "content_type = ?, bytes = ?, stored_bytes = ?, error = ? WHERE id = ? AND claimed_by = ? AND status = 'running'",
        DB_ARGS(DB_STR(o->status), DB_INT(o->done), DB_INT(o->total), DB_INT(o->total), DB_INT(done ? 1 : 0),
                DB_INT(o->keep), DB_STR(done ? o->file : NULL), DB_STR(done ? o->file_name : NULL),
                DB_STR(done ? o->content_type : NULL), done ? DB_INT(o->bytes) : DB_NULLARG,
                done ? DB_INT(o->stored_bytes) : DB_NULLARG, DB_STR(o->error), DB_STR(id), DB_STR(runner)),
        NULL, &n);
    if (st == DB_OK)
        *ours = n == 1;
    return txn_result(st);
}

op_result job_expired(db_conn *control, arena *a, unsigned keep, int limit, job **out, int *n)
{
    *out = NULL;
    *n = 0;
    db_rows rows;
    db_status st = db_query(control, a,
                            "SELECT " COLS "FROM jobs WHERE (status = 'done' AND expires_at < NOW(3)) "
                            "OR (status IN ('failed', 'cancelled') AND (expires_at < NOW(3) OR "
                            "COALESCE(finished_at, created_at) < NOW(3) - INTERVAL ? SECOND)) LIMIT ?",
                            DB_ARGS(DB_INT(keep), DB_INT(limit)), &rows, NULL);
    if (st != DB_OK)
        return txn_result(st);
    job *j = arena_calloc(a, rows.nrows + 1, sizeof *j);
    for (size_t i = 0; i < rows.nrows; i++)
        job_row(&rows, i, &j[i]);
    *out = j;
    *n = (int)rows.nrows;
    return OP_OK;
}

op_result job_delete(db_conn *control, arena *a, const char *id)
{
    return txn_result(db_query(control, a, "DELETE FROM jobs WHERE id = ?", DB_ARGS(DB_STR(id)), NULL, NULL));
}
