/* jobs/job.h - what a kind of background job does, and the table of kinds.
 *
 * A kind is a handler the runner (jobs/run.c) calls with a claimed job:
 * op is the job's operation context (its own arena, the tenant's
 * connection and data key, the user who asked with that user's rights, or
 * NULL for the system), params the job's parameters, out the sealed file
 * being written (jobs/file.h).  The handler reports progress and asks
 * whether to stop between units of work (a report), names the file
 * people download, and returns OP_OK (the file is complete), OP_GONE (it
 * was told to stop: the runner decides what happens), OP_INVALID with
 * j->error (the job cannot be done: it fails with that reason) or another
 * failure (it fails, logged).  Later kinds (mail, webhooks) that write no
 * file set file_name NULL.
 *
 * Runner thread only.
 */
#ifndef GENBA_JOBS_JOB_H
#define GENBA_JOBS_JOB_H

#include <json-c/json.h>
#include <stdbool.h>
#include "export/writer.h"
#include "jobs/queue.h"
#include "tenant/op.h"

typedef struct job_run job_run;

struct job_run {
    op_ctx *op;
    const job *j;
    json_object *params;          /* the job's params, parsed */
    export_sink out;              /* the sealed output file */
    export_msg_fn msg;            /* the message catalog for texts in files */
    /* set by the handler */
    const char *file_name;        /* the download's name ("reports.csv") */
    const char *content_type;
    const char *error;            /* OP_INVALID: why, for people (English) */
    /* given by the runner */
    void (*progress)(job_run *r, long long done, long long total);
    bool (*stop)(job_run *r);     /* cancelled, taken over, or the runner is stopping */
    void *runner;
};

typedef struct job_kind {
    const char *name;
    op_result (*run)(job_run *r);
    bool as_user;                 /* runs with the rights of the user who asked (else the system's) */
} job_kind;

/* The kinds this build knows, ending with a NULL name; the one named name, or NULL. */
extern const job_kind job_kinds[];
const job_kind *job_kind_find(const char *name);

/* The kinds' handlers (jobs/export.c, jobs/full.c). */
op_result job_export_run(job_run *r);
op_result job_full_export_run(job_run *r);

#endif
