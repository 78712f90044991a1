#include "server/worker.h"
#include "auth/password.h"
#include "forms/defcache.h"
#include "forms/defxml.h"
#include "http/page.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "server/metrics.h"
#include "tenant/resolve.h"
#include "util/log.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <fcgiapp.h>
#include <grp.h>
#include <mysql.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static genba_config cfg;
static keyring kr;
static unsigned slot;
static int listen_fd = -1;
static int stop_pipe[2] = {-1, -1};   /* written once on SIGTERM: every thread's poll wakes */
static volatile int stopping;

struct thread {
    pthread_t tid;
    worker_ctx ctx;
    volatile int done;
};

/* threads report whether they could start (catalogs, arena, cache) */
static pthread_mutex_t start_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cv = PTHREAD_COND_INITIALIZER;
static unsigned started_ok, started_failed;

static void report_start(bool ok)
{
    pthread_mutex_lock(&start_mu);
    if (ok)
        started_ok++;
    else
        started_failed++;
    pthread_cond_signal(&start_cv);
    pthread_mutex_unlock(&start_mu);
}

const genba_config *worker_config(void)
{
    return &cfg;
}

const keyring *worker_keyring(void)
{
    return &kr;
}

unsigned worker_slot(void)
{
    return slot;
}

void worker_set_globals(const genba_config *c, const keyring *k)
{
    cfg = *c;
    if (k)
        kr = *k;
}

db_status worker_control_db(worker_ctx *w, db_conn **out)
{
    *out = NULL;
    if (w->control && !db_broken(w->control)) {
        *out = w->control;
        return DB_OK;
    }
    if (w->control) {
        db_status st = db_reconnect(w->control);
        if (st != DB_OK)
            return st;
        *out = w->control;
        return DB_OK;
    }
    char err[512];
    bool gone = true;
    db_params p = {.socket = cfg.db_socket, .host = cfg.db_host, .port = cfg.db_port,
                   .user = cfg.control_user, .password = cfg.control_password, .database = cfg.control_db};
    w->control = db_open(&p, err, sizeof err, &gone);
    if (!w->control) {
        log_warn("control database: %s", err);
        return gone ? DB_GONE : DB_DENIED;
    }
    metrics_conn(slot, false, 1);
    *out = w->control;
    return DB_OK;
}

static db_status control_for_thread(void *ctx, db_conn **out)
{
    return worker_control_db(ctx, out);
}

static void count_tenant_conns(int delta)
{
    metrics_conn(slot, true, delta);
}

static void log_request(request *r, uint64_t us)
{
    const char *pattern = r->route ? r->route->pattern : "-";
    log_info("req id=%s tenant=%s method=%.10s route=%s%s%s status=%d dur_ms=%.3f bytes=%llu addr=%.64s", r->id,
             r->tenant_code ? r->tenant_code : "-", r->method, pattern, r->route ? "" : " path=",
             r->route ? "" : r->raw_uri, r->status, (double)us / 1000.0, (unsigned long long)r->bytes_out,
             r->remote_addr);
}

static void serve(worker_ctx *w, FCGX_Request *f)
{
    request r;
    metrics_busy(slot, 1);
    req_init(&r, f, w->a, &w->host);
    router_dispatch(&r);
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    uint64_t us = (uint64_t)(end.tv_sec - r.start.tv_sec) * 1000000u +
                  (uint64_t)((end.tv_nsec - r.start.tv_nsec) / 1000);
    if (end.tv_nsec < r.start.tv_nsec && us > (uint64_t)1e12)
        us = 0;
    log_request(&r, us);
    metrics_request(r.route_index, r.status, us);
    metrics_busy(slot, -1);
}

static void *thread_main(void *arg)
{
    struct thread *t = arg;
    worker_ctx *w = &t->ctx;
    char err[512];
    FCGX_Request f;
    db_thread_init();
    if (!page_thread_init(cfg.templates_dir, err, sizeof err)) {
        log_error("worker thread %u: %s", w->thread_no, err);
        t->done = 1;
        page_thread_end();
        db_thread_end();
        report_start(false);
        return NULL;
    }
    w->a = arena_new();
    w->tenv = (tenant_env){.cfg = &cfg, .keys = &kr, .control = control_for_thread, .ctx = w, .conns = count_tenant_conns};
    w->tcache = tenant_cache_new(cfg.tenant_cache, &w->tenv);
    w->host = (req_host){.cfg = &cfg, .tcache = w->tcache, .tenv = &w->tenv, .thread = w};
    if (!w->a || !w->tcache) {
        log_error("worker thread %u: out of memory", w->thread_no);
        arena_free(&w->a);
        tenant_cache_free(&w->tcache);
        page_thread_end();
        db_thread_end();
        t->done = 1;
        report_start(false);
        return NULL;
    }
    report_start(true);
    FCGX_InitRequest(&f, listen_fd, 0);
    /* The listening socket is non-blocking and shared by every worker: wait
     * until it is readable or we are told to stop, then accept.  Another
     * process may win the connection (EAGAIN): just wait again.  No signal
     * ever interrupts a request being read or answered. */
    struct pollfd pf[2] = {{.fd = listen_fd, .events = POLLIN}, {.fd = stop_pipe[0], .events = POLLIN}};
    while (!stopping) {
        if (poll(pf, 2, -1) < 0) {
            if (errno != EINTR)
                usleep(10000);
            continue;
        }
        if (pf[1].revents || stopping)
            break;
        if (!(pf[0].revents & POLLIN))
            continue;
        int rc = FCGX_Accept_r(&f);
        if (rc < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
                continue;
            log_warn("accept failed (%d): %s", rc, strerror(errno));
            usleep(100000);
            continue;
        }
        serve(w, &f);
        FCGX_Finish_r(&f);
        arena_reset(w->a);
    }
    FCGX_Free(&f, 1);
    tenant_cache_free(&w->tcache);
    if (w->control) {
        db_close(&w->control);
        metrics_conn(slot, false, -1);
    }
    arena_free(&w->a);
    page_thread_end();
    defcache_thread_end();
    db_thread_end();
    t->done = 1;
    return NULL;
}

static int env_int(const char *name, int def)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : def;
}

bool worker_drop_privileges(const char *user, char *err, size_t errlen)
{
    if (getuid() != 0 || !user || !*user)
        return true;
    struct passwd *pw = getpwnam(user);
    if (!pw) {
        snprintf(err, errlen, "user '%s' does not exist", user);
        return false;
    }
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        snprintf(err, errlen, "cannot switch to user '%s': %s", user, strerror(errno));
        return false;
    }
    prctl(PR_SET_DUMPABLE, 0);
    return true;
}

int worker_main(const char *config_path)
{
    char err[1024];
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (!config_load(&cfg, config_path, err, sizeof err)) {
        fprintf(stderr, "genba-fcgi worker: %s\n", err);
        return 1;
    }
    password_set_cost(cfg.argon2_memory, cfg.argon2_time, cfg.argon2_parallelism);   /* before any thread */
    /* Large blocks (argon2id's 19 MiB a hash, big bodies) come from mmap and
     * go back to the system when freed: a fixed threshold stops glibc from
     * raising it after the first such free, which would leave every later
     * one in the heap, 19 MiB a thread that ever signed someone in. */
    mallopt(M_MMAP_THRESHOLD, 512 * 1024);
    if (!log_open(cfg.log_file)) {
        fprintf(stderr, "genba-fcgi worker: cannot open log %s\n", cfg.log_file);
        return 1;
    }
    listen_fd = env_int("GENBA_LISTEN_FD", -1);
    int key_fd = env_int("GENBA_KEY_FD", -1), metrics_fd = env_int("GENBA_METRICS_FD", -1);
    int ready_fd = env_int("GENBA_READY_FD", -1);
    slot = (unsigned)env_int("GENBA_WORKER_SLOT", 0);
    if (listen_fd < 0 || key_fd < 0) {
        log_error("worker: started without the master's descriptors (run genba-fcgi without --worker)");
        return 1;
    }
    bool keys_ok = keyring_from_fd(&kr, key_fd);
    close(key_fd);
    if (!keys_ok) {
        log_error("worker: could not read the keyring from the master");
        return 1;
    }
    if (metrics_fd >= 0 && !metrics_attach(metrics_fd))
        log_warn("worker: metrics region unavailable");
    if (!worker_drop_privileges(cfg.user, err, sizeof err)) {
        log_error("worker: %s", err);
        return 1;
    }
    page_global_init();
    if (!defxml_init()) {   /* libxml2, the refusing entity loader and the definition schema, before threads */
        log_error("worker: cannot load the definition schema");
        return 1;
    }
    if (FCGX_Init() != 0) {
        log_error("worker: cannot initialise libfcgi");
        return 1;
    }
    if (mysql_library_init(0, NULL, NULL)) {
        log_error("worker: cannot initialise the MariaDB client library");
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (pipe2(stop_pipe, O_CLOEXEC) != 0) {
        log_error("worker: pipe: %s", strerror(errno));
        return 1;
    }

    unsigned n = cfg.threads;
    struct thread *th = calloc(n, sizeof *th);
    if (!th)
        return 1;
    for (unsigned i = 0; i < n; i++) {
        th[i].ctx.thread_no = i;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setstacksize(&at, 1024 * 1024);
        if (pthread_create(&th[i].tid, &at, thread_main, &th[i]) != 0) {
            log_error("worker: cannot start thread %u", i);
            return 1;
        }
        pthread_attr_destroy(&at);
    }
    /* every thread must come up, or this worker is of no use: exit, and let
     * the master decide (restart with backoff, or keep the old generation) */
    pthread_mutex_lock(&start_mu);
    while (started_ok + started_failed < n)
        pthread_cond_wait(&start_cv, &start_mu);
    unsigned failed_threads = started_failed;
    pthread_mutex_unlock(&start_mu);
    if (failed_threads) {
        log_error("worker: %u of %u threads could not start; exiting", failed_threads, n);
        _exit(1);
    }
    metrics_slot_set(slot, (int)getpid());
    if (ready_fd >= 0) {
        if (write(ready_fd, "R", 1) != 1)
            log_warn("worker: could not report readiness: %s", strerror(errno));
        close(ready_fd);
    }
    log_info("worker started slot=%u threads=%u", slot, n);

    sigset_t wait;
    sigemptyset(&wait);
    sigaddset(&wait, SIGTERM);
    sigaddset(&wait, SIGINT);
    sigaddset(&wait, SIGHUP);
    sigaddset(&wait, SIGUSR1);
    for (;;) {
        int sig = 0;
        if (sigwait(&wait, &sig) != 0)
            continue;
        if (sig == SIGUSR1) {
            log_reopen();
            continue;
        }
        break;
    }
    /* drain: stop accepting, let requests in flight finish, bounded */
    stopping = 1;
    if (write(stop_pipe[1], "x", 1) != 1)
        log_warn("worker: cannot wake threads: %s", strerror(errno));
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        unsigned alive = 0;
        for (unsigned i = 0; i < n; i++)
            if (!th[i].done)
                alive++;
        if (!alive)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec >= (time_t)cfg.drain_timeout) {
            log_warn("worker: %u threads still busy after %us, exiting", alive, cfg.drain_timeout);
            _exit(0);
        }
        usleep(50000);
    }
    for (unsigned i = 0; i < n; i++)
        pthread_join(th[i].tid, NULL);
    free(th);
    log_info("worker stopped slot=%u", slot);
    keyring_wipe(&kr);
    mysql_library_end();
    return 0;
}
