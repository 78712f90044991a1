/* backup.c - genbactl backup run: a generation of encrypted dumps, checked,
 * renamed into place, recorded, copied, and only then pruning (backup.h). */
#include "ops/backup.h"
#include "config.h"
#include "ops/bkfile.h"
#include "ops/dbproc.h"
#include "ops/manifest.h"
#include "ops/retention.h"
#include "tenant/code.h"
#include "util/crypto.h"
#include "util/recio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int backup_lock(const ops_env *e, bool wait, char *err, size_t errlen)
{
    if (!ops_mkdirs(e->cfg->backup_dir, 0700, err, errlen))
        return -1;
    char path[4200];
    snprintf(path, sizeof path, "%s/.lock", e->cfg->backup_dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    int r;
    while ((r = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) != 0 && errno == EINTR)
        ;
    if (r != 0) {
        snprintf(err, errlen, "another genbactl (backup run or tenant erase) is working in %s; try again later",
                 e->cfg->backup_dir);
        close(fd);
        return -1;
    }
    return fd;
}

void backup_unlock(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}

/* Remove what killed runs left: ".partial-*" directories and stray
 * "*.tmp" files (under the lock, nobody else is writing). */
static void sweep_partial(const ops_env *e)
{
    DIR *d = opendir(e->cfg->backup_dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, ".partial-", 9)) {
            char *p = arena_printf(e->a, "%s/%s", e->cfg->backup_dir, de->d_name);
            if (!ops_rmtree(p))
                fprintf(stderr, "genbactl: cannot remove %s left by an interrupted run\n", p);
        }
    closedir(d);
}

static void now_iso_ms(char out[40])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char b[24];
    strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%.20s.%03dZ", b, (int)(ts.tv_nsec / 1000000) % 1000);
}

static void iso_to_sql(const char *iso, char out[40])
{
    /* "2026-03-01T01:00:00.123Z" -> "2026-03-01 01:00:00.123" */
    snprintf(out, 40, "%s", iso);
    if (strlen(out) > 10)
        out[10] = ' ';
    size_t l = strlen(out);
    if (l && out[l - 1] == 'Z')
        out[l - 1] = '\0';
}

/* Dump one database into dir/file, check it, rename it into place; the
 * manifest entry on success, NULL with err on failure. */
static json_object *backup_one(const ops_env *e, db_conn *admin, const char *dir, const char *gen, const char *db,
                               const char *tenant, const bk_key *key, char *err, size_t errlen)
{
    const char *file = manifest_file_name(e, tenant);
    char *tmp = arena_printf(e->a, "%s/%s.tmp", dir, file), *final = arena_printf(e->a, "%s/%s", dir, file);
    char t0[40], t1[40], scratch[65] = "";
    bk_stats st;
    now_iso_ms(t0);
    if (!ops_dump_to_file(e, db, tmp, key, gen, &st, err, errlen))
        return NULL;
    now_iso_ms(t1);
    /* check: the file decrypts to its end and MariaDB loads it */
    bk_status bst;
    bk_stats rst;
    json_object *sums = NULL;
    int schema = 0;
    if (!ops_scratch_create(e, admin, "check", scratch, err, errlen))
        goto fail;
    if (!ops_load_file(e, tmp, key, gen, scratch, &bst, &rst, err, errlen)) {
        char why[700];
        snprintf(why, sizeof why, "the file written does not load back: %s", err);
        snprintf(err, errlen, "%s", why);
        goto fail;
    }
    if (strcmp(rst.sha256, st.sha256)) {
        snprintf(err, errlen, "the file read back differs from the file written (storage problem?)");
        goto fail;
    }
    if (!(sums = ops_table_sums(e, admin, scratch, err, errlen)))
        goto fail;
    db_rows r;
    if (db_query(admin, e->a, arena_printf(e->a, "SELECT COALESCE(MAX(version), 0) FROM `%s`.schema_migrations", scratch),
                 DB_NOARGS, &r, NULL) == DB_OK && r.nrows)
        schema = atoi(db_cell(&r, 0, 0));
    ops_scratch_drop(e, admin, scratch);
    scratch[0] = '\0';
    if (rename(tmp, final) != 0) {
        snprintf(err, errlen, "cannot rename %s into place: %s", tmp, strerror(errno));
        goto fail;
    }
    recio_sync_dir(dir);
    json_object *f = json_object_new_object();
    json_object_object_add(f, "kind", json_object_new_string(tenant ? "tenant" : "control"));
    if (tenant)
        json_object_object_add(f, "tenant", json_object_new_string(tenant));
    json_object_object_add(f, "database", json_object_new_string(db));
    json_object_object_add(f, "file", json_object_new_string(file));
    json_object_object_add(f, "bytes", json_object_new_int64((int64_t)st.size));
    json_object_object_add(f, "sha256", json_object_new_string(st.sha256));
    json_object_object_add(f, "dump_bytes", json_object_new_int64((int64_t)st.plain));
    json_object_object_add(f, "dump_sha256", json_object_new_string(st.plain_sha256));
    json_object_object_add(f, "records", json_object_new_int64((int64_t)st.records));
    json_object_object_add(f, "key", json_object_new_string(tenant ? "tenant data key" : "master key"));
    json_object_object_add(f, "key_id", json_object_new_string(st.key_id));
    json_object_object_add(f, "schema_version", json_object_new_int(schema));
    json_object_object_add(f, "snapshot_not_before", json_object_new_string(t0));
    json_object_object_add(f, "snapshot_not_after", json_object_new_string(t1));
    json_object_object_add(f, "tables", sums);
    return f;
fail:
    json_object_put(sums);
    ops_scratch_drop(e, admin, scratch);
    unlink(tmp);
    return NULL;
}

static void add_problem(backup_result *r, const char *what, const char *why)
{
    size_t l = strlen(r->problems);
    snprintf(r->problems + l, sizeof r->problems - l, "%s%s: %s", l ? "\n" : "", what, why);
    r->failed++;
}

/* Record the generation in the control DB (best effort: a warning). */
static void record_run(const ops_env *e, db_conn *control, json_object *m, const backup_result *r, time_t now)
{
    char run_at[32];
    ops_sql_time(now, run_at);
    bool ok = db_begin(control) == DB_OK &&
              db_query(control, e->a,
                       "INSERT INTO backup_generations (generation, run_at, tags, complete, bytes, manifest_sha256, os_user) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE run_at = VALUES(run_at), tags = VALUES(tags), "
                       "complete = VALUES(complete), bytes = VALUES(bytes), manifest_sha256 = VALUES(manifest_sha256), "
                       "pruned_at = NULL",
                       DB_ARGS(DB_STR(r->gen), DB_STR(run_at), DB_STR(r->tags), DB_INT(r->complete ? 1 : 0),
                               DB_INT(r->bytes), DB_STR(r->manifest_sha256), DB_STR(e->os_user)),
                       NULL, NULL) == DB_OK;
    json_object *files = json_object_object_get(m, "files");
    for (size_t i = 0; ok && i < json_object_array_length(files); i++) {
        json_object *f = json_object_array_get_idx(files, i);
        const char *t = manifest_str(f, "tenant");
        char snap[40];
        iso_to_sql(manifest_str(f, "snapshot_not_before"), snap);
        ok = db_query(control, e->a,
                      "REPLACE INTO backup_files (generation, tenant_code, file, bytes, sha256, snapshot_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)",
                      DB_ARGS(DB_STR(r->gen), DB_STR(t ? t : "(control)"), DB_STR(manifest_str(f, "file")),
                              DB_INT(manifest_int(f, "bytes")), DB_STR(manifest_str(f, "sha256")), DB_STR(snap)),
                      NULL, NULL) == DB_OK;
    }
    if (ok && db_commit(control) == DB_OK)
        return;
    fprintf(stderr, "genbactl: warning: the run was not recorded in the control database (%s); run genbactl migrate\n",
            db_error(control));
    db_rollback(control);
}

bool backup_copy(const ops_env *e, const char *dir, char *err, size_t errlen)
{
    const char *cmd = e->cfg->backup_copy_command;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start backup_copy_command: %s", strerror(errno));
        return false;
    }
    if (pid == 0) {
        /* its output goes to our standard error: standard output is the run's result line */
        dup2(2, 1);
        char *script = arena_printf(e->a, "%s \"$1\"", cmd);
        execl("/bin/sh", "sh", "-c", script, "sh", dir, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    if (WIFSIGNALED(status))
        snprintf(err, errlen, "backup_copy_command was killed by signal %d", WTERMSIG(status));
    else
        snprintf(err, errlen, "backup_copy_command failed with exit status %d", WEXITSTATUS(status));
    return false;
}

static bool prune_locked(const ops_env *e, db_conn *control, const char *keep_gen, unsigned *kept, unsigned *pruned,
                         char *err, size_t errlen)
{
    bk_gen *g;
    size_t n;
    *kept = *pruned = 0;
    if (!manifest_list(e, &g, &n, err, errlen))
        return false;
    retention_gen *rg = arena_calloc(e->a, n + 1, sizeof *rg);
    unsigned *k = arena_calloc(e->a, n + 1, sizeof *k);
    for (size_t i = 0; i < n; i++)
        rg[i] = (retention_gen){.at = g[i].at, .tags = g[i].tags, .complete = g[i].complete};
    retention_select(rg, n, e->cfg->backup_daily, e->cfg->backup_weekly, e->cfg->backup_monthly, k);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        if (k[i] || (keep_gen && !strcmp(g[i].id, keep_gen))) {
            (*kept)++;
            continue;
        }
        if (!ops_rmtree(g[i].path)) {
            snprintf(err, errlen, "cannot remove %s: %s", g[i].path, strerror(errno));
            ok = false;
            continue;
        }
        (*pruned)++;
        if (control)
            db_query(control, e->a, "UPDATE backup_generations SET pruned_at = CURRENT_TIMESTAMP(3) WHERE generation = ?",
                     DB_ARGS(DB_STR(g[i].id)), NULL, NULL);
    }
    if (*pruned)
        recio_sync_dir(e->cfg->backup_dir);
    manifest_list_free(&g, n);
    return ok;
}

bool backup_prune(const ops_env *e, unsigned *kept, unsigned *pruned, char *err, size_t errlen)
{
    int lock = backup_lock(e, false, err, errlen);
    if (lock < 0)
        return false;
    char why[300];
    db_conn *control = ops_admin(e, e->cfg->control_db, why, sizeof why);
    bool ok = prune_locked(e, control, NULL, kept, pruned, err, errlen);
    db_close(&control);
    backup_unlock(lock);
    return ok;
}

bool backup_run(const ops_env *e, time_t now, backup_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    tzset();   /* days and Sundays are the local time zone's (TZ) */
    int lock = -1;
    db_conn *admin = NULL, *control = NULL;
    json_object *m = NULL;
    char *partial = NULL;
    bool ok = false;
    if ((lock = backup_lock(e, false, err, errlen)) < 0)
        return false;
    sweep_partial(e);
    if (!(admin = ops_admin(e, NULL, err, errlen)) || !(control = ops_admin(e, e->cfg->control_db, err, errlen)))
        goto out;
    ops_scratch_sweep(e, admin, 6 * 3600);

    /* the generation: the run's UTC time, made unique */
    struct tm tm;
    gmtime_r(&now, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y%m%dT%H%M%SZ", &tm);
    for (int i = 1; i < 1000; i++) {
        if (i == 1)
            snprintf(r->gen, sizeof r->gen, "%s", base);
        else
            snprintf(r->gen, sizeof r->gen, "%s-%d", base, i);
        struct stat st;
        if (stat(arena_printf(e->a, "%s/%s", e->cfg->backup_dir, r->gen), &st) != 0 && errno == ENOENT)
            break;
    }
    partial = arena_printf(e->a, "%s/.partial-%s", e->cfg->backup_dir, r->gen);
    if (mkdir(partial, 0700) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", partial, strerror(errno));
        partial = NULL;
        goto out;
    }
    unsigned tags = retention_tags(now);
    retention_tags_format(tags, r->tags, sizeof r->tags);

    db_rows t;
    if (db_query(control, e->a,
                 "SELECT code, db_name FROM tenants WHERE status IN ('active', 'suspended') ORDER BY code", DB_NOARGS,
                 &t, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot list tenants (did you run genbactl setup?): %s", db_error(control));
        goto out;
    }
    char started[40], iso_now[32];
    now_iso_ms(started);
    ops_format_time(now, iso_now);
    m = json_object_new_object();
    json_object_object_add(m, "format", json_object_new_string(MANIFEST_FORMAT));
    json_object_object_add(m, "generation", json_object_new_string(r->gen));
    json_object_object_add(m, "run_at", json_object_new_string(iso_now));
    json_object_object_add(m, "started_at", json_object_new_string(started));
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    json_object_object_add(m, "host", json_object_new_string(host));
    json_object_object_add(m, "os_user", json_object_new_string(e->os_user ? e->os_user : "?"));
    json_object_object_add(m, "genba_version", json_object_new_string(PACKAGE_VERSION));
    json_object *jt = json_object_new_array();
    if (tags & BK_DAILY)
        json_object_array_add(jt, json_object_new_string("daily"));
    if (tags & BK_WEEKLY)
        json_object_array_add(jt, json_object_new_string("weekly"));
    if (tags & BK_MONTHLY)
        json_object_array_add(jt, json_object_new_string("monthly"));
    json_object_object_add(m, "tags", jt);
    json_object_object_add(m, "compression", json_object_new_string("zlib"));
    json_object_object_add(m, "cipher", json_object_new_string("AES-256-GCM"));
    json_object_object_add(m, "chunk_bytes", json_object_new_int(BK_CHUNK));
    json_object *files = json_object_new_array(), *failed = json_object_new_array();
    json_object_object_add(m, "files", files);
    json_object_object_add(m, "failed", failed);

    unsigned total = (unsigned)t.nrows + 1;
    for (unsigned i = 0; i < total; i++) {
        const char *code = i ? db_cell(&t, i - 1, 0) : NULL;
        const char *db = i ? db_cell(&t, i - 1, 1) : e->cfg->control_db;
        ops_progress(e, "backing up databases", i, total);
        char why[1024] = "";
        unsigned char dk[CRYPTO_KEY_LEN];
        bk_key key = {.kind = code ? BK_TENANT : BK_CONTROL, .owner = code ? code : BK_CONTROL_OWNER, .datakey = dk,
                      .kr = e->kr};
        json_object *f = NULL;
        if (code && (!tenant_code_valid(code) || !db_ident_ok(db)))
            snprintf(why, sizeof why, "unexpected tenant code or database name");
        else if (code && ops_tenant_key(e, control, code, dk, why, sizeof why) != OPS_KEY_OK)
            ;
        else if (!(f = backup_one(e, admin, partial, r->gen, db, code, &key, why, sizeof why)) && !why[0])
            snprintf(why, sizeof why, "failed");
        crypto_wipe(dk, sizeof dk);
        if (!f) {
            add_problem(r, code ? code : "control database", why);
            json_object *x = json_object_new_object();
            json_object_object_add(x, "tenant", json_object_new_string(code ? code : "(control)"));
            json_object_object_add(x, "error", json_object_new_string(why));
            json_object_array_add(failed, x);
            continue;
        }
        r->files++;
        r->bytes += (uint64_t)manifest_int(f, "bytes");
        json_object_array_add(files, f);
    }
    ops_progress(e, "", total, total);
    if (r->files == 0) {
        snprintf(err, errlen, "no database could be backed up");
        goto out;
    }
    r->complete = r->failed == 0;
    char finished[40];
    now_iso_ms(finished);
    json_object_object_add(m, "finished_at", json_object_new_string(finished));
    json_object_object_add(m, "complete", json_object_new_boolean(r->complete));
    if (!manifest_write(partial, m, r->manifest_sha256, err, errlen))
        goto out;
    recio_sync_dir(partial);
    char *final = arena_printf(e->a, "%s/%s", e->cfg->backup_dir, r->gen);
    if (rename(partial, final) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", partial, final, strerror(errno));
        goto out;
    }
    partial = NULL;
    recio_sync_dir(e->cfg->backup_dir);
    record_run(e, control, m, r, now);
    ok = true;

    /* a second location, then (only after complete success) pruning */
    if (e->cfg->backup_copy_command[0]) {
        r->copy_ran = true;
        char why[400];
        r->copy_ok = backup_copy(e, final, why, sizeof why);
        if (!r->copy_ok)
            add_problem(r, "copy to the second location", why);
    }
    if (r->failed == 0) {
        char why[400];
        if (!prune_locked(e, control, r->gen, &r->kept, &r->pruned, why, sizeof why))
            add_problem(r, "pruning", why);
    }
out:
    if (partial)
        ops_rmtree(partial);
    json_object_put(m);
    db_close(&control);
    db_close(&admin);
    backup_unlock(lock);
    return ok;
}
