/* jobs/run.h - the runner: claims jobs from the queue (jobs/queue.h) and
 * works them off one at a time, sharing nothing with other runners but
 * the database.
 *
 * For each job: the tenant's connection and data key (tenant/resolve.h),
 * the user who asked (with that user's rights, loaded afresh: a user
 * disabled since fails the job), the kind's handler (jobs/job.h) writing
 * into data_dir/CODE/exports/<job id>-<attempt>.job through a sealed file
 * (jobs/file.h) that is renamed into place only when complete; then, when
 * the tenant's storage quota allows it (tenant/quota.h), the file is
 * recorded in the tenant's export_files (so it counts against the quota)
 * and the job is done, kept export_keep seconds.  A second thread beats
 * every second: it writes the progress and learns when the job was
 * cancelled or taken over, and the handler stops at its next report.  A
 * runner told to stop gives its job back to the queue.  Every minute the
 * runner removes what expired (files, their rows, the jobs).
 */
#ifndef GENBA_JOBS_RUN_H
#define GENBA_JOBS_RUN_H

#include <signal.h>
#include "export/writer.h"
#include "tenant/keys.h"
#include "util/config.h"

typedef struct runner_env {
    const genba_config *cfg;
    const keyring *kr;
    export_msg_fn msg;                  /* texts in files (the console's catalog) */
    volatile sig_atomic_t *stop;        /* set by a signal: finish up and return */
    volatile sig_atomic_t *reopen;      /* set by SIGUSR1: reopen the log (may be NULL) */
} runner_env;

/* Work jobs until *env->stop; returns the process exit status. */
int jobs_runner_run(const runner_env *env);

/* The file of job id's attempt under data_dir (in a). */
const char *jobs_file_path(arena *a, const genba_config *cfg, const char *tenant, const char *file);

#endif
