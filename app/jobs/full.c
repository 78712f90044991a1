/* jobs/full.c - the customer's full export as a background job (kind
 * "tenant-export"): what genbactl tenant export writes, as one zip. */
#include "jobs/job.h"

op_result job_full_export_run(job_run *r)
{
    r->error = "The full export is not available in this build yet.";
    return OP_INVALID;
}
