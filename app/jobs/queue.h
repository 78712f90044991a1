/* jobs/queue.h - the queue of background jobs (the control database's
 * table jobs, sql/control/0004-jobs.sql).
 *
 * A request queues a job for its tenant and user (job_enqueue), reads it
 * (job_get, job_list: only the tenant's, and a user's own unless asked for
 * every user's) and cancels it (job_cancel).  A runner claims the oldest
 * job that is queued, or running with a runner that stopped beating
 * (job_claim: SELECT ... FOR UPDATE SKIP LOCKED, so runners on any number
 * of hosts never take the same job), reports progress and beats
 * (job_beat), and ends it (job_finish).  Every update a runner makes is
 * conditional on its claim: a runner whose job was cancelled or taken over
 * learns it from *ours and stops, so a job is done once.
 *
 * Functions take the control-database connection of the calling thread;
 * results live in arena a.  Ids that are not UUIDs are simply not found.
 */
#ifndef GENBA_JOBS_QUEUE_H
#define GENBA_JOBS_QUEUE_H

#include <stdbool.h>
#include "db/db.h"
#include "util/arena.h"
#include "util/errs.h"

/* A job stopped this many times by its runner dying is failed, not retried. */
#define JOB_MAX_ATTEMPTS 3

typedef struct job {
    const char *id;
    long long tenant_id, user_id;     /* user_id 0: the system */
    const char *kind, *params;        /* params: JSON text */
    const char *status;               /* queued, running, done, failed, cancelled */
    long long done, total;            /* total -1: not counted yet */
    int attempts;
    const char *claimed_by;
    const char *created_at, *started_at, *finished_at, *expires_at;   /* UTC "2026-12-05T00:30:00Z" or NULL */
    const char *file, *file_name, *content_type, *error;              /* NULL when not set */
    long long bytes, stored_bytes;    /* -1 when not set */
    double seconds;                   /* running: since the attempt began */
} job;

/* Queue a job (status queued); *id gets its new UUID (37 bytes). */
op_result job_enqueue(db_conn *control, arena *a, long long tenant_id, long long user_id, const char *kind,
                      const char *params, char id[37]);
/* The tenant's job id; user_id > 0: only when it is that user's.  OP_NOT_FOUND otherwise. */
op_result job_get(db_conn *control, arena *a, long long tenant_id, long long user_id, const char *id, job *out);
/* The tenant's jobs of the kinds listed (NULL-terminated), newest first, at
 * most limit; user_id > 0: that user's only. */
op_result job_list(db_conn *control, arena *a, long long tenant_id, long long user_id, const char *const *kinds,
                   int limit, job **out, int *n);
/* Cancel job id of the tenant (user_id > 0: that user's): a queued or
 * running job becomes cancelled (its runner stops at the next report); a
 * finished one is cancelled too and its file removed by the next sweep.
 * OP_NOT_FOUND when there is no such job; *was is its status before. */
op_result job_cancel(db_conn *control, arena *a, long long tenant_id, long long user_id, const char *id,
                     const char **was);

/* A runner's name for its claims: "host:pid:nonce". */
void job_runner_name(char *out, size_t len);
/* Claim the next job for runner: *got false when there is none.  Jobs
 * running on this host under a runner process that no longer exists are
 * taken over at once; elsewhere after stale seconds without a heartbeat.
 * A job taken over JOB_MAX_ATTEMPTS times is failed instead. */
op_result job_claim(db_conn *control, arena *a, const char *runner, unsigned stale, job *out, bool *got);
/* Record progress and beat; *ours false when the job is no longer this
 * runner's (cancelled, or taken over). */
op_result job_beat(db_conn *control, arena *a, const char *id, const char *runner, long long done, long long total,
                   bool *ours);

typedef struct job_outcome {
    const char *status;                  /* done or failed */
    long long done, total;
    const char *file, *file_name, *content_type;
    long long bytes, stored_bytes;
    unsigned keep;                       /* done: seconds until it expires */
    const char *error;                   /* failed: for people */
} job_outcome;
/* End the job as o says, when it is still this runner's (*ours). */
op_result job_finish(db_conn *control, arena *a, const char *id, const char *runner, const job_outcome *o,
                     bool *ours);

/* Finished jobs whose time is up: done ones past expires_at, and cancelled
 * or failed ones finished more than keep seconds ago (at most limit). */
op_result job_expired(db_conn *control, arena *a, unsigned keep, int limit, job **out, int *n);
/* Forget a job (after its file went). */
op_result job_delete(db_conn *control, arena *a, const char *id);

#endif
