#include "server/pool.h"
#include "server/metrics.h"
#include "tenant/keys.h"
#include "util/config.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct wslot {
    pid_t pid;
    int ready_fd;        /* read end: the worker writes one byte when serving */
    unsigned gen;
    time_t started;
    bool stopping;       /* we asked it to stop: do not restart */
    time_t restart_at;   /* pending restart (0 = none) */
    unsigned fast_deaths;
};

/* runner processes (background jobs): restarted when they die, replaced on
 * SIGHUP, stopped with the workers */
#define RUNNERS_MAX 64
struct rslot {
    pid_t pid;
    time_t started, restart_at;
    unsigned fast_deaths;
    bool stopping;
};
static struct rslot runners[RUNNERS_MAX];

static genba_config cfg;
static keyring kr;
static char self_exe[PATH_MAX];
static char config_abs[PATH_MAX];
static int listen_fd = -1, metrics_fd = -1;
static struct wslot slots[METRICS_SLOTS];
static unsigned gen = 1;

static int make_socket(const char *path, unsigned mode, const char *owner, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen, "socket path %s is too long (at most %zu bytes)", path, sizeof sa.sun_path - 1);
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    /* non-blocking: workers poll() it and accept; a lost race is EAGAIN */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    /* a socket file left by a dead master: remove it, but never a live one */
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "%s exists and is not a socket", path);
            close(fd);
            return -1;
        }
        int probe = socket(AF_UNIX, SOCK_STREAM, 0);
        if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
            close(probe);
            snprintf(err, errlen, "%s is in use by another running genba-fcgi", path);
            close(fd);
            return -1;
        }
        if (probe >= 0)
            close(probe);
        unlink(path);
    }
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0) {
        snprintf(err, errlen, "cannot bind %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (owner && *owner) {
        char u[256], *g;
        snprintf(u, sizeof u, "%s", owner);
        g = strchr(u, ':');
        if (g)
            *g++ = '\0';
        struct passwd *pw = getpwnam(u);
        struct group *gr = g ? getgrnam(g) : NULL;
        if (!pw || (g && !gr)) {
            snprintf(err, errlen, "socket_owner %s: no such user or group", owner);
            close(fd);
            return -1;
        }
        if (chown(path, pw->pw_uid, gr ? gr->gr_gid : pw->pw_gid) != 0) {
            snprintf(err, errlen, "cannot chown %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
    }
    if (chmod(path, mode) != 0 || listen(fd, 1024) != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int spawn(unsigned idx)
{
    int kp[2], rp[2];
    if (pipe2(kp, O_CLOEXEC) != 0) {
        log_error("master: pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe2(rp, O_CLOEXEC | O_NONBLOCK) != 0) {
        log_error("master: pipe: %s", strerror(errno));
        close(kp[0]);
        close(kp[1]);
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        log_error("master: fork: %s", strerror(errno));
        close(kp[0]);
        close(kp[1]);
        close(rp[0]);
        close(rp[1]);
        return -1;
    }
    if (pid == 0) {
        /* child: hand over the listening socket, keyring and metrics by fd */
        int lfd = dup(listen_fd), kfd = dup(kp[0]), mfd = metrics_fd >= 0 ? dup(metrics_fd) : -1, rfd = dup(rp[1]);
        char a[16], b[16], c[16], d[16], e[16];
        snprintf(e, sizeof e, "%d", rfd);
        setenv("GENBA_READY_FD", e, 1);
        snprintf(a, sizeof a, "%d", lfd);
        snprintf(b, sizeof b, "%d", kfd);
        snprintf(c, sizeof c, "%d", mfd);
        snprintf(d, sizeof d, "%u", idx);
        setenv("GENBA_LISTEN_FD", a, 1);
        setenv("GENBA_KEY_FD", b, 1);
        setenv("GENBA_METRICS_FD", c, 1);
        setenv("GENBA_WORKER_SLOT", d, 1);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execl(self_exe, "genba-fcgi", "--worker", "-c", config_abs, (char *)NULL);
        _exit(127);
    }
    close(kp[0]);
    close(rp[1]);
    if (!keyring_to_fd(&kr, kp[1]))
        log_error("master: could not hand the keyring to worker %d", (int)pid);
    close(kp[1]);
    if (slots[idx].ready_fd > 0)
        close(slots[idx].ready_fd);
    slots[idx].ready_fd = rp[0];
    slots[idx].pid = pid;
    slots[idx].gen = gen;
    slots[idx].started = time(NULL);
    slots[idx].stopping = false;
    slots[idx].restart_at = 0;
    metrics_slot_set(idx, (int)pid);
    return 0;
}

static void spawn_runner(unsigned idx)
{
    int kp[2];
    if (pipe2(kp, O_CLOEXEC) != 0) {
        log_error("master: pipe: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        log_error("master: fork: %s", strerror(errno));
        close(kp[0]);
        close(kp[1]);
        return;
    }
    if (pid == 0) {
        int kfd = dup(kp[0]);
        char b[16];
        snprintf(b, sizeof b, "%d", kfd);
        setenv("GENBA_KEY_FD", b, 1);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execl(self_exe, "genba-fcgi", "--runner", "-c", config_abs, (char *)NULL);
        _exit(127);
    }
    close(kp[0]);
    if (!keyring_to_fd(&kr, kp[1]))
        log_error("master: could not hand the keyring to runner %d", (int)pid);
    close(kp[1]);
    runners[idx].pid = pid;
    runners[idx].started = time(NULL);
    runners[idx].restart_at = 0;
    runners[idx].stopping = false;
}

static void start_runners(unsigned n)
{
    for (unsigned i = 0; i < n && i < RUNNERS_MAX; i++) {
        runners[i].fast_deaths = 0;
        if (!runners[i].pid)
            spawn_runner(i);
    }
}

/* SIGTERM every runner; *wait: wait for them to go (a reload starts the new ones after). */
static void stop_runners(bool wait)
{
    for (unsigned i = 0; i < RUNNERS_MAX; i++) {
        runners[i].restart_at = 0;
        if (runners[i].pid) {
            runners[i].stopping = true;
            kill(runners[i].pid, SIGTERM);
        }
    }
    for (int t = 0; wait && t < 300; t++) {
        bool any = false;
        for (unsigned i = 0; i < RUNNERS_MAX; i++) {
            if (runners[i].pid && waitpid(runners[i].pid, NULL, WNOHANG) == runners[i].pid)
                runners[i].pid = 0;
            any |= runners[i].pid != 0;
        }
        if (!any)
            return;
        usleep(100000);
    }
}

/* A runner that died: restart it (with backoff while it keeps dying). */
static bool reap_runner(pid_t pid, int status, bool shutting_down)
{
    for (unsigned i = 0; i < RUNNERS_MAX; i++) {
        struct rslot *s = &runners[i];
        if (s->pid != pid)
            continue;
        s->pid = 0;
        time_t now = time(NULL);
        if (shutting_down || i >= cfg.runners)
            return true;
        if (s->stopping) {   /* replaced on a reload, gone after the new ones started: start it again */
            s->stopping = false;
            s->restart_at = now;
            return true;
        }
        if (WIFSIGNALED(status))
            log_error("master: runner %d died of signal %d; restarting", (int)pid, WTERMSIG(status));
        else
            log_error("master: runner %d exited with status %d; restarting", (int)pid, WEXITSTATUS(status));
        s->fast_deaths = (now - s->started < 10) ? s->fast_deaths + 1 : 0;
        unsigned delay = s->fast_deaths <= 1 ? 0 : 1u << (s->fast_deaths - 2 > 5 ? 5 : s->fast_deaths - 2);
        s->restart_at = now + (delay > 30 ? 30 : delay);
        return true;
    }
    return false;
}

static void restart_runners_due(void)
{
    time_t now = time(NULL);
    for (unsigned i = 0; i < RUNNERS_MAX && i < cfg.runners; i++)
        if (runners[i].restart_at && !runners[i].pid && runners[i].restart_at <= now) {
            runners[i].restart_at = 0;
            spawn_runner(i);
        }
}

static unsigned runners_alive(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < RUNNERS_MAX; i++)
        if (runners[i].pid)
            n++;
    return n;
}

static int free_slot(void)
{
    for (unsigned i = 0; i < METRICS_SLOTS; i++)
        if (!slots[i].pid && !slots[i].restart_at)
            return (int)i;
    return -1;
}

static void start_generation(unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        int i = free_slot();
        if (i < 0) {
            log_error("master: no free worker slot");
            return;
        }
        slots[i].fast_deaths = 0;
        spawn((unsigned)i);
    }
}

/* Wait until every worker of generation g reported ready (true), or one
 * died or timeout_s passed (false). */
static bool generation_ready(unsigned g, unsigned timeout_s)
{
    time_t end = time(NULL) + timeout_s;
    for (;;) {
        unsigned waiting = 0;
        for (unsigned i = 0; i < METRICS_SLOTS; i++) {
            struct wslot *s = &slots[i];
            if (s->gen != g || s->ready_fd <= 0)
                continue;
            char b;
            ssize_t n = read(s->ready_fd, &b, 1);
            if (n == 1) {
                close(s->ready_fd);
                s->ready_fd = 0;
            } else if (n == 0) {
                return false;   /* closed without a word: it died */
            } else {
                waiting++;
            }
        }
        if (!waiting)
            return true;
        if (time(NULL) >= end)
            return false;
        usleep(20000);
    }
}

static void stop_generation(unsigned g)
{
    for (unsigned i = 0; i < METRICS_SLOTS; i++) {
        if (slots[i].gen != g)
            continue;
        if (slots[i].pid) {
            slots[i].stopping = true;
            kill(slots[i].pid, SIGTERM);
        }
        slots[i].restart_at = 0;
    }
}

static unsigned alive(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < METRICS_SLOTS; i++)
        if (slots[i].pid)
            n++;
    return n;
}

static void reap(bool shutting_down)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (reap_runner(pid, status, shutting_down))
            continue;
        for (unsigned i = 0; i < METRICS_SLOTS; i++) {
            if (slots[i].pid != pid)
                continue;
            struct wslot *s = &slots[i];
            s->pid = 0;
            if (s->ready_fd > 0) {
                close(s->ready_fd);
                s->ready_fd = 0;
            }
            metrics_slot_clear(i);
            if (s->stopping || shutting_down || s->gen != gen) {
                s->gen = 0;
                break;
            }
            time_t now = time(NULL);
            if (WIFSIGNALED(status))
                log_error("master: worker %d died of signal %d; restarting", (int)pid, WTERMSIG(status));
            else
                log_error("master: worker %d exited with status %d; restarting", (int)pid, WEXITSTATUS(status));
            metrics_worker_restart();
            s->fast_deaths = (now - s->started < 10) ? s->fast_deaths + 1 : 0;
            /* back off while it keeps dying: 0, 1, 2, 4 ... 30 s */
            unsigned delay = s->fast_deaths <= 1 ? 0 : 1u << (s->fast_deaths - 2 > 5 ? 5 : s->fast_deaths - 2);
            if (delay > 30)
                delay = 30;
            if (delay)
                log_warn("master: worker slot %u keeps dying; next start in %us", i, delay);
            s->restart_at = now + delay;
            break;
        }
    }
}

static void restart_due(void)
{
    time_t now = time(NULL);
    for (unsigned i = 0; i < METRICS_SLOTS; i++)
        if (slots[i].restart_at && !slots[i].pid && slots[i].restart_at <= now && slots[i].gen == gen) {
            slots[i].restart_at = 0;
            spawn(i);
        }
}

static void write_pid_file(void)
{
    if (!cfg.pid_file[0])
        return;
    FILE *f = fopen(cfg.pid_file, "w");
    if (f) {
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    } else {
        log_warn("master: cannot write pid file %s: %s", cfg.pid_file, strerror(errno));
    }
}

static bool reload(void)
{
    char err[1024];
    genba_config nc;
    keyring nk;
    if (!config_load(&nc, config_abs, err, sizeof err)) {
        log_error("master: reload refused, configuration has an error: %s", err);
        config_free(&nc);
        return false;
    }
    if (!keyring_load(&nk, nc.key_file, err, sizeof err)) {
        log_error("master: reload refused: %s", err);
        config_free(&nc);
        return false;
    }
    if (strcmp(nc.socket, cfg.socket))
        log_warn("master: socket changes take effect only after a restart");
    config_free(&cfg);
    cfg = nc;
    keyring_wipe(&kr);
    kr = nk;
    log_reopen();
    return true;
}

int pool_main(const char *config_path)
{
    char err[1024];
    if (!realpath(config_path, config_abs)) {
        fprintf(stderr, "genba-fcgi: cannot find configuration %s: %s\n", config_path, strerror(errno));
        return 1;
    }
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (n <= 0) {
        fprintf(stderr, "genba-fcgi: cannot find its own executable\n");
        return 1;
    }
    self_exe[n] = '\0';
    if (!config_load(&cfg, config_abs, err, sizeof err)) {
        fprintf(stderr, "genba-fcgi: %s\n", err);
        return 1;
    }
    if (!log_open(cfg.log_file)) {
        fprintf(stderr, "genba-fcgi: cannot open log file %s: %s\n", cfg.log_file, strerror(errno));
        return 1;
    }
    if (!keyring_load(&kr, cfg.key_file, err, sizeof err)) {
        fprintf(stderr, "genba-fcgi: %s (genbactl setup creates it)\n", err);
        return 1;
    }
    metrics_fd = metrics_create();
    if (metrics_fd < 0)
        log_warn("master: no shared metrics region: %s", strerror(errno));
    listen_fd = make_socket(cfg.socket, cfg.socket_mode, cfg.socket_owner, err, sizeof err);
    if (listen_fd < 0) {
        fprintf(stderr, "genba-fcgi: %s\n", err);
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    write_pid_file();
    log_info("master started pid=%d socket=%s workers=%u threads=%u", (int)getpid(), cfg.socket, cfg.workers,
             cfg.threads);
    start_generation(cfg.workers);
    start_runners(cfg.runners);

    bool shutting = false;
    time_t deadline = 0;
    for (;;) {
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 200000000};
        int sig = sigtimedwait(&set, NULL, &ts);
        if (sig == SIGCHLD || sig < 0)
            reap(shutting);
        if (sig == SIGUSR1)
            log_reopen();
        if (sig == SIGHUP && !shutting) {
            log_info("master: SIGHUP, replacing workers");
            if (reload()) {
                unsigned old = gen++;
                start_generation(cfg.workers);
                if (generation_ready(gen, 15)) {
                    stop_generation(old);
                    stop_runners(true);
                    start_runners(cfg.runners);
                    log_info("master: reload done, generation %u serving", gen);
                } else {
                    /* keep what works: the new workers could not start */
                    log_error("master: reload failed: the new workers did not start (see above); "
                              "the running workers keep serving");
                    unsigned bad = gen;
                    gen = old;
                    stop_generation(bad);
                }
            }
        }
        if ((sig == SIGTERM || sig == SIGINT) && !shutting) {
            log_info("master: stopping, draining workers (at most %us)", cfg.drain_timeout);
            shutting = true;
            unlink(cfg.socket);
            close(listen_fd);
            listen_fd = -1;
            for (unsigned g = 0; g <= gen; g++)
                stop_generation(g);
            for (unsigned i = 0; i < METRICS_SLOTS; i++)
                if (slots[i].pid) {
                    slots[i].stopping = true;
                    kill(slots[i].pid, SIGTERM);
                }
            stop_runners(false);
            deadline = time(NULL) + cfg.drain_timeout + 2;
        }
        if (shutting) {
            reap(true);
            if (!alive() && !runners_alive())
                break;
            if (time(NULL) > deadline) {
                for (unsigned i = 0; i < METRICS_SLOTS; i++)
                    if (slots[i].pid)
                        kill(slots[i].pid, SIGKILL);
                for (unsigned i = 0; i < RUNNERS_MAX; i++)
                    if (runners[i].pid)
                        kill(runners[i].pid, SIGKILL);
                deadline = time(NULL) + 5;
            }
            continue;
        }
        restart_due();
        restart_runners_due();
    }
    if (cfg.pid_file[0])
        unlink(cfg.pid_file);
    log_info("master stopped");
    keyring_wipe(&kr);
    config_free(&cfg);
    return 0;
}
