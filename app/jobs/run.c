/* jobs/run.c - the runner (see run.h). */
#include "jobs/run.h"
#include "jobs/file.h"
#include "jobs/job.h"
#include "jobs/queue.h"
#include "auth/perm.h"
#include "db/txn.h"
#include "tenant/quota.h"
#include "tenant/resolve.h"
#include "tenant/user.h"
#include "util/log.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SWEEP_SECONDS 60

const job_kind job_kinds[] = {
    {"export", job_export_run, true},
    {"tenant-export", job_full_export_run, false},
    {NULL, NULL, false},
};

const job_kind *job_kind_find(const char *name)
{
    for (const job_kind *k = job_kinds; name && k->name; k++)
        if (!strcmp(k->name, name))
            return k;
    return NULL;
}

/* What the beating thread and the working one share. */
typedef struct beat {
    pthread_mutex_t mu;
    char id[37];              /* the job being worked, "" = none */
    long long done, total;
    bool lost;                /* cancelled or taken over */
    volatile int quit;
    const runner_env *env;
    const char *runner;
} beat;

typedef struct runner {
    const runner_env *env;
    unsigned delay_ms;            /* test stacks: a pause at each progress step (params test_delay_ms) */
    char name[160];
    db_conn *control;
    tenant_env tenv;
    tenant_cache *cache;
    beat b;
} runner;

static bool sleep_or_stop(const runner_env *env, unsigned ms)
{
    for (unsigned t = 0; t < ms && !*env->stop; t += 100)
        usleep(100000);
    return !*env->stop;
}

static db_conn *open_control(const genba_config *cfg)
{
    char err[512];
    bool gone = true;
    db_params p = {.socket = cfg->db_socket, .host = cfg->db_host, .port = cfg->db_port,
                   .user = cfg->control_user, .password = cfg->control_password, .database = cfg->control_db};
    db_conn *c = db_open(&p, err, sizeof err, &gone);
    if (!c)
        log_warn("runner: control database: %s", err);
    return c;
}

/* The control connection of a thread, (re)opened as needed. */
static db_status control_of(db_conn **c, const genba_config *cfg)
{
    if (*c && !db_broken(*c))
        return DB_OK;
    if (*c)
        return db_reconnect(*c);
    *c = open_control(cfg);
    return *c ? DB_OK : DB_GONE;
}

static db_status control_for_cache(void *ctx, db_conn **out)
{
    runner *r = ctx;
    db_status st = control_of(&r->control, r->env->cfg);
    *out = r->control;
    return st;
}

static void *beat_main(void *arg)
{
    beat *b = arg;
    db_conn *c = NULL;
    arena *a = arena_new();
    db_thread_init();
    while (!b->quit && a) {
        for (int i = 0; i < 10 && !b->quit; i++)
            usleep(100000);
        char id[37];
        long long done, total;
        pthread_mutex_lock(&b->mu);
        snprintf(id, sizeof id, "%s", b->id);
        done = b->done;
        total = b->total;
        pthread_mutex_unlock(&b->mu);
        if (!id[0] || control_of(&c, b->env->cfg) != DB_OK)
            continue;
        bool ours = true;
        if (job_beat(c, a, id, b->runner, done, total, &ours) == OP_OK && !ours) {
            pthread_mutex_lock(&b->mu);
            if (!strcmp(b->id, id))
                b->lost = true;
            pthread_mutex_unlock(&b->mu);
        }
        arena_reset(a);
    }
    db_close(&c);
    arena_free(&a);
    db_thread_end();
    return NULL;
}

static void progress(job_run *jr, long long done, long long total)
{
    runner *r = jr->runner;
    beat *b = &r->b;
    if (r->delay_ms)
        usleep(r->delay_ms * 1000u);
    pthread_mutex_lock(&b->mu);
    b->done = done;
    if (total >= 0)
        b->total = total;
    pthread_mutex_unlock(&b->mu);
}

static bool stop(job_run *jr)
{
    runner *r = jr->runner;
    pthread_mutex_lock(&r->b.mu);
    bool lost = r->b.lost;
    pthread_mutex_unlock(&r->b.mu);
    return lost || *r->env->stop;
}

const char *jobs_file_path(arena *a, const genba_config *cfg, const char *tenant, const char *file)
{
    return arena_printf(a, "%s/%s/exports/%s", cfg->data_dir, tenant, file);
}

static bool mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
                return false;
            *p = '/';
        }
    return mkdir(tmp, 0700) == 0 || errno == EEXIST;
}

/* Remove every file of job id in dir (its attempts, finished or not). */
static void remove_files(const char *dir, const char *id)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    size_t n = strlen(id);
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, id, n) && de->d_name[n] == '-') {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
            unlink(p);
        }
    closedir(d);
}

/* The tenant's code, or NULL. */
static const char *tenant_code_of(runner *r, arena *a, long long id)
{
    db_rows rows;
    if (control_of(&r->control, r->env->cfg) != DB_OK ||
        db_query(r->control, a, "SELECT code FROM tenants WHERE id = ?", DB_ARGS(DB_INT(id)), &rows, NULL) != DB_OK ||
        rows.nrows != 1)
        return NULL;
    return db_cell(&rows, 0, 0);
}

/* The user who asked, with the rights they hold now; NULL when gone or disabled. */
static auth_user *load_user(op_ctx *op, long long id, bool *db_failed)
{
    db_rows rows;
    *db_failed = false;
    if (db_query(op->tenant->db, op->a,
                 "SELECT id, login, name, email, lang, is_admin, "
                 "(SELECT value FROM settings WHERE name = 'perm_version') FROM users "
                 "WHERE id = ? AND enabled = 1", DB_ARGS(DB_INT(id)), &rows, NULL) != DB_OK) {
        *db_failed = true;
        return NULL;
    }
    if (rows.nrows != 1)
        return NULL;
    auth_user *u = arena_calloc(op->a, 1, sizeof *u);
    u->id = atoll(db_cell(&rows, 0, 0));
    u->login = db_cell(&rows, 0, 1);
    u->name = db_cell(&rows, 0, 2);
    u->email = db_cell(&rows, 0, 3);
    u->lang = db_cell(&rows, 0, 4);
    u->is_admin = !strcmp(db_cell(&rows, 0, 5), "1");
    u->kind = SESS_SCRIPT;
    u->perm_version = db_cell(&rows, 0, 6) ? atoll(db_cell(&rows, 0, 6)) : -1;
    return u;
}

static void fail(runner *r, arena *a, const job *j, const char *why)
{
    bool ours;
    job_outcome o = {.status = "failed", .done = 0, .total = -1, .error = why};
    pthread_mutex_lock(&r->b.mu);
    o.done = r->b.done;
    pthread_mutex_unlock(&r->b.mu);
    if (job_finish(r->control, a, j->id, r->name, &o, &ours) != OP_OK)
        log_error("runner: job %s: could not record its failure", j->id);
    log_warn("runner: job %s (%s) failed: %s", j->id, j->kind, why);
}

/* Give the job back to the queue (the runner is stopping, or the database is away). */
static void release(runner *r, arena *a, const job *j)
{
    if (control_of(&r->control, r->env->cfg) == DB_OK)
        db_query(r->control, a,
                 "UPDATE jobs SET status = 'queued', claimed_by = NULL, heartbeat_at = NULL, "
                 "attempts = GREATEST(attempts, 1) - 1, n_done = 0 WHERE id = ? AND claimed_by = ? AND status = 'running'",
                 DB_ARGS(DB_STR(j->id), DB_STR(r->name)), NULL, NULL);
}

static void set_current(runner *r, const char *id)
{
    pthread_mutex_lock(&r->b.mu);
    snprintf(r->b.id, sizeof r->b.id, "%s", id ? id : "");
    r->b.done = 0;
    r->b.total = -1;
    r->b.lost = false;
    pthread_mutex_unlock(&r->b.mu);
}

/* Keep the finished file: count it against the quota, record it, end the job. */
static void deliver(runner *r, op_ctx *op, const job *j, job_run *jr, const char *path, const char *file,
                    uint64_t plain, uint64_t stored)
{
    const genba_config *cfg = r->env->cfg;
    bool fits = true, ours = false;
    if (quota_check(op, stored, &fits) == OP_OK && !fits) {
        unlink(path);
        fail(r, op->a, j, "The storage quota of this tenant is used up; the export was not kept.");
        return;
    }
    if (db_query(op->tenant->db, op->a,
                 "REPLACE INTO export_files (job_id, bytes, expires_at) VALUES (?, ?, NOW(3) + INTERVAL ? SECOND)",
                 DB_ARGS(DB_STR(j->id), DB_INT((long long)stored), DB_INT(cfg->export_keep)), NULL, NULL) != DB_OK) {
        unlink(path);
        log_error("runner: job %s: cannot record its file: %s", j->id, db_error(op->tenant->db));
        release(r, op->a, j);
        return;
    }
    long long total;
    pthread_mutex_lock(&r->b.mu);
    total = r->b.total >= 0 ? r->b.total : r->b.done;
    long long done = r->b.done;
    pthread_mutex_unlock(&r->b.mu);
    job_outcome o = {.status = "done", .done = done, .total = total, .file = file, .file_name = jr->file_name,
                     .content_type = jr->content_type, .bytes = (long long)plain, .stored_bytes = (long long)stored,
                     .keep = cfg->export_keep};
    if (job_finish(r->control, op->a, j->id, r->name, &o, &ours) != OP_OK || !ours) {
        /* cancelled or taken over meanwhile: this file is nobody's */
        unlink(path);
        db_query(op->tenant->db, op->a, "DELETE FROM export_files WHERE job_id = ?", DB_ARGS(DB_STR(j->id)), NULL, NULL);
        log_info("runner: job %s: finished, but it was cancelled or taken over meanwhile; file dropped", j->id);
        return;
    }
    log_info("runner: job %s (%s) done: %lld of %lld, %llu bytes", j->id, j->kind, done, total,
             (unsigned long long)plain);
}

static void work(runner *r, arena *a, const job *j)
{
    const genba_config *cfg = r->env->cfg;
    const job_kind *kind = job_kind_find(j->kind);
    if (!kind)
        return fail(r, a, j, "This kind of job is unknown to this runner.");
    const char *code = tenant_code_of(r, a, j->tenant_id);
    if (!code) {
        release(r, a, j);
        sleep_or_stop(r->env, 2000);
        return;
    }
    tenant_ctx *t = NULL;
    tenant_result tr = tenant_checkout(r->cache, a, code, &t);
    if (tr == TR_NOT_FOUND || tr == TR_SUSPENDED || tr == TR_ERROR)
        return fail(r, a, j, "The tenant is not active.");
    if (tr != TR_OK) {   /* its database is away or being migrated: later */
        release(r, a, j);
        sleep_or_stop(r->env, 5000);
        return;
    }
    json_object *params = json_tokener_parse(j->params ? j->params : "{}");
    json_object *lang = params ? json_object_object_get(params, "lang") : NULL;
    op_ctx op = {.a = a, .req_id = j->id, .tenant = t, .channel = "system", .client_addr = "system",
                 .user_agent = "", .lang = lang && !strcmp(json_object_get_string(lang), "en") ? "en" : "ja",
                 .cfg = cfg};
    if (!params) {
        fail(r, a, j, "The job's parameters are not valid.");
        return;
    }
    json_object *delay = json_object_object_get(params, "test_delay_ms");
    r->delay_ms = cfg->test_hooks && delay ? (unsigned)json_object_get_int(delay) : 0;
    if (kind->as_user) {
        bool db_failed;
        op.user = j->user_id > 0 ? load_user(&op, j->user_id, &db_failed) : NULL;
        if (!op.user) {
            json_object_put(params);
            if (j->user_id > 0 && db_failed) {
                release(r, a, j);
                return;
            }
            return fail(r, a, j, "The user who asked for it can no longer sign in.");
        }
        /* the rights now, in the job's arena: the walks lend op->a to a
         * report's arena that they reset */
        perm_has(&op, "def.reports.view", NULL);
        if (op.user->perms_failed) {
            json_object_put(params);
            release(r, a, j);
            return;
        }
    }
    const char *dir = arena_printf(a, "%s/%s/exports", cfg->data_dir, code);
    if (!mkdirs(dir)) {
        json_object_put(params);
        log_error("runner: cannot create %s: %s", dir, strerror(errno));
        return fail(r, a, j, "The server could not write the file.");
    }
    /* what an earlier attempt left (its runner died) */
    for (int k = 1; k < j->attempts; k++)
        unlink(arena_printf(a, "%s/%s-%d.job.part", dir, j->id, k));
    const char *file = arena_printf(a, "%s-%d.job", j->id, j->attempts);
    const char *path = arena_printf(a, "%s/%s", dir, file);
    char err[512];
    jobfile_key key = {.datakey = t->datakey, .tenant = code, .job = j->id};
    jobfile_w *w = jobfile_create(path, &key, err, sizeof err);
    if (!w) {
        json_object_put(params);
        log_error("runner: job %s: %s", j->id, err);
        return fail(r, a, j, "The server could not write the file.");
    }
    job_run jr = {.op = &op, .j = j, .params = params, .out = {jobfile_write, w}, .msg = r->env->msg,
                  .progress = progress, .stop = stop, .runner = r};
    set_current(r, j->id);
    log_info("runner: job %s (%s) started, attempt %d, tenant %s", j->id, j->kind, j->attempts, code);
    /* test stacks only: a file size limit while the job runs (its writes
     * then fail with EFBIG, as with ENOSPC on a full disk; the runner
     * ignores SIGXFSZ) */
    json_object *flim = cfg->test_hooks ? json_object_object_get(params, "test_file_limit") : NULL;
    struct rlimit fsize_was;
    bool limited = flim && getrlimit(RLIMIT_FSIZE, &fsize_was) == 0 &&
                   setrlimit(RLIMIT_FSIZE, &(struct rlimit){(rlim_t)json_object_get_int(flim), fsize_was.rlim_max}) == 0;
    op_result res = kind->run(&jr);
    bool lost;
    pthread_mutex_lock(&r->b.mu);
    lost = r->b.lost;
    pthread_mutex_unlock(&r->b.mu);
    json_object_put(params);
    uint64_t plain = 0, stored = 0;
    int werr = jobfile_error(w);
    bool finished = false;
    if (!lost && res == OP_OK) {
        finished = jobfile_finish(&w, &plain, &stored, err, sizeof err);
        if (!finished) {
            werr = errno;
            log_error("runner: job %s: %s", j->id, err);
        }
    } else if (werr) {
        log_error("runner: job %s: cannot write %s.part: %s", j->id, path, strerror(werr));
    }
    jobfile_abort(&w);   /* (NULL after jobfile_finish) */
    if (limited)
        setrlimit(RLIMIT_FSIZE, &fsize_was);
    if (lost || (res != OP_OK && *r->env->stop)) {
        set_current(r, NULL);
        if (lost)
            log_info("runner: job %s stopped: cancelled or taken over", j->id);
        else
            release(r, a, j);
        return;
    }
    if (!finished) {   /* the file failed (the disk refused it), or the export did */
        fail(r, a, j, werr == ENOSPC || werr == EDQUOT || werr == EFBIG
                          ? "The server could not write the file: its disk is full. Try again later, or tell the "
                            "service's operator."
                      : werr || res == OP_OK ? "The server could not write the file."
                      : res == OP_INVALID && jr.error ? jr.error
                                                      : "The export failed; the server's log tells why.");
        set_current(r, NULL);
        return;
    }
    deliver(r, &op, j, &jr, path, file, plain, stored);
    set_current(r, NULL);
}

/* Remove what expired: files, their rows in the tenants' export_files, the jobs. */
static void sweep(runner *r, arena *a)
{
    job *list;
    int n;
    if (job_expired(r->control, a, r->env->cfg->export_keep, 200, &list, &n) != OP_OK)
        return;
    for (int i = 0; i < n; i++) {
        const char *code = tenant_code_of(r, a, list[i].tenant_id);
        if (code) {
            remove_files(arena_printf(a, "%s/%s/exports", r->env->cfg->data_dir, code), list[i].id);
            tenant_ctx *t;
            if (tenant_checkout(r->cache, a, code, &t) == TR_OK)
                db_query(t->db, a, "DELETE FROM export_files WHERE job_id = ?", DB_ARGS(DB_STR(list[i].id)), NULL,
                         NULL);
        }
        job_delete(r->control, a, list[i].id);
    }
    if (n)
        log_info("runner: %d finished jobs expired and were removed", n);
}

int jobs_runner_run(const runner_env *env)
{
    runner *r = calloc(1, sizeof *r);
    arena *a = arena_new();
    if (!r || !a) {
        free(r);
        arena_free(&a);
        return 1;
    }
    r->env = env;
    job_runner_name(r->name, sizeof r->name);
    r->tenv = (tenant_env){.cfg = env->cfg, .keys = env->kr, .control = control_for_cache, .ctx = r};
    r->cache = tenant_cache_new(4, &r->tenv);
    pthread_mutex_init(&r->b.mu, NULL);
    r->b.env = env;
    r->b.runner = r->name;
    pthread_t beater;
    if (!r->cache || pthread_create(&beater, NULL, beat_main, &r->b) != 0) {
        log_error("runner: cannot start");
        tenant_cache_free(&r->cache);
        free(r);
        arena_free(&a);
        return 1;
    }
    log_info("runner started as %s", r->name);
    time_t last_sweep = 0;
    while (!*env->stop) {
        arena_reset(a);
        if (env->reopen && *env->reopen) {
            *env->reopen = 0;
            log_reopen();
        }
        if (control_of(&r->control, env->cfg) != DB_OK) {
            sleep_or_stop(env, 2000);
            continue;
        }
        if (time(NULL) - last_sweep >= SWEEP_SECONDS) {
            sweep(r, a);
            last_sweep = time(NULL);
            arena_reset(a);
        }
        job j;
        bool got = false;
        if (job_claim(r->control, a, r->name, env->cfg->job_stale, &j, &got) != OP_OK) {
            sleep_or_stop(env, 2000);
            continue;
        }
        if (!got) {
            sleep_or_stop(env, 1000);
            continue;
        }
        work(r, a, &j);
    }
    r->b.quit = 1;
    pthread_join(beater, NULL);
    pthread_mutex_destroy(&r->b.mu);
    tenant_cache_free(&r->cache);
    db_close(&r->control);
    arena_free(&a);
    log_info("runner %s stopped", r->name);
    free(r);
    return 0;
}
