/* op.h - the operation context every domain function takes.
 *
 * A request, a background job and a genbactl command each make one and hand
 * it down: the arena everything of the operation is allocated in, the
 * tenant (its connection, data key, time zone), the acting user and device
 * (NULL for the system), what the access log records of the caller, the
 * configuration, and an id for log lines.  The domain folders (util db
 * tenant auth forms reports ops) see only this, never the HTTP request:
 * they return results and typed errors (util/errs.h), and api/, manager/
 * and the runner turn those into answers.
 *
 * An op_ctx belongs to one thread for the time of one operation; what it
 * points to lives at least as long.
 */
#ifndef GENBA_OP_H
#define GENBA_OP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

struct tenant_ctx;
struct auth_user;
struct genba_config;

typedef struct op_ctx {
    arena *a;                        /* everything the operation allocates */
    const char *req_id;              /* request or job id, for log lines */
    struct tenant_ctx *tenant;       /* tenant/resolve.h; NULL before the tenant step */
    struct auth_user *user;          /* auth/user.h; NULL: nobody signed in, or the system */
    const char *channel;             /* access-log channel while no user is known:
                                        "console", "tablet", "script", "conmas", "system" */
    const char *client_addr;         /* nginx's $remote_addr ("system" for jobs) */
    const char *user_agent;          /* "" when none */
    const char *lang;                /* "ja" or "en": messages for people */
    const struct genba_config *cfg;  /* read-only */
} op_ctx;

#endif
