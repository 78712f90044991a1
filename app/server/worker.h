/* worker.h - a worker process: T threads accepting FastCGI requests.
 *
 * worker_main runs in a process the master started with --worker; it reads
 * its listening socket, keyring and metrics region from inherited
 * descriptors.  worker_config and worker_keyring are set before threads
 * start and are read-only afterwards (safe from any thread).  A worker_ctx
 * belongs to one thread.
 */
#ifndef GENBA_WORKER_H
#define GENBA_WORKER_H

#include "db/db.h"
#include "http/request.h"
#include "tenant/keys.h"
#include "tenant/resolve.h"
#include "util/arena.h"
#include "util/config.h"

struct tenant_cache;

typedef struct worker_ctx {
    unsigned thread_no;
    arena *a;
    db_conn *control;             /* this thread's control DB connection */
    struct tenant_cache *tcache;  /* this thread's tenant connections */
    tenant_env tenv;              /* what the tenant cache and the maintenance state use */
    req_host host;                /* what every request of this thread is lent */
} worker_ctx;

/* The worker thread serving r (for handlers above server/: health, test hooks). */
static inline worker_ctx *worker_of(const request *r)
{
    return r->host ? (worker_ctx *)r->host->thread : NULL;
}

const genba_config *worker_config(void);
const keyring *worker_keyring(void);
/* Metrics slot of this process. */
unsigned worker_slot(void);
/* This thread's control DB connection, opened or reopened as needed.
 * DB_GONE when MariaDB cannot be reached. */
db_status worker_control_db(worker_ctx *w, db_conn **out);
/* For tests and genbactl: install a configuration and keyring. */
void worker_set_globals(const genba_config *cfg, const keyring *kr);
/* Entry point of a worker process; returns the exit status. */
int worker_main(const char *config_path);

/* Become user (from the configuration) when running as root: its group
 * list, gid and uid, then not dumpable; true when there is nothing to do.
 * The workers and the job runners both start this way. */
bool worker_drop_privileges(const char *user, char *err, size_t errlen);

#endif
