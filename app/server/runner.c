/* runner.c - a runner process (see runner.h). */
#include "server/runner.h"
#include "server/worker.h"
#include "forms/defcache.h"
#include "forms/defxml.h"
#include "http/page.h"
#include "jobs/run.h"
#include "tenant/keys.h"
#include "util/config.h"
#include "util/log.h"

#include <errno.h>
#include <malloc.h>
#include <mysql.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static volatile sig_atomic_t stopping, reopen;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
}

static void on_usr1(int sig)
{
    (void)sig;
    reopen = 1;
}

int runner_main(const char *config_path)
{
    char err[1024];
    genba_config cfg;
    keyring kr;
    const char *kfd = getenv("GENBA_KEY_FD");
    /* "genba-runner" in ps, top and pgrep: told apart from the workers */
    prctl(PR_SET_NAME, "genba-runner", 0, 0, 0);
    if (kfd && *kfd)
        prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (!config_load(&cfg, config_path, err, sizeof err)) {
        fprintf(stderr, "genba-fcgi runner: %s\n", err);
        return 1;
    }
    mallopt(M_MMAP_THRESHOLD, 512 * 1024);
    if (!log_open(cfg.log_file)) {
        fprintf(stderr, "genba-fcgi runner: cannot open log %s\n", cfg.log_file);
        return 1;
    }
    bool keys_ok;
    if (kfd && *kfd) {
        int fd = atoi(kfd);
        keys_ok = keyring_from_fd(&kr, fd);
        close(fd);
    } else {
        keys_ok = keyring_load(&kr, cfg.key_file, err, sizeof err);
    }
    if (!keys_ok) {
        log_error("runner: could not read the keyring%s%s", kfd ? "" : ": ", kfd ? "" : err);
        return 1;
    }
    if (!worker_drop_privileges(cfg.user, err, sizeof err)) {
        log_error("runner: %s", err);
        return 1;
    }
    page_global_init();
    if (!defxml_init()) {
        log_error("runner: cannot load the definition schema");
        return 1;
    }
    if (mysql_library_init(0, NULL, NULL)) {
        log_error("runner: cannot initialise the MariaDB client library");
        return 1;
    }
    db_thread_init();
    if (!page_thread_init(cfg.templates_dir, err, sizeof err)) {
        log_error("runner: %s", err);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* a file size limit shows as a write error (EFBIG), as a full disk does (ENOSPC): the job fails, not the runner */
    signal(SIGXFSZ, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    runner_env env = {.cfg = &cfg, .kr = &kr, .msg = page_msg, .stop = &stopping, .reopen = &reopen};
    int rc = jobs_runner_run(&env);
    page_thread_end();
    defcache_thread_end();
    db_thread_end();
    keyring_wipe(&kr);
    mysql_library_end();
    config_free(&cfg);
    return rc;
}
