/* user.h - the acting user of an operation (op_ctx.user, tenant/op.h): who is signed in,
 * through which kind of session and device, and their effective
 * permissions (loaded on first use by auth/perm.c).  Filled by the session
 * step (auth/session.h, which signs users in) or by a job for the user it runs for; belongs to
 * one operation.
 */
#ifndef GENBA_TENANT_USER_H
#define GENBA_TENANT_USER_H

#include <stdbool.h>

typedef enum sess_kind { SESS_CONSOLE, SESS_TABLET, SESS_SCRIPT, SESS_CONMAS } sess_kind;

typedef struct auth_user {
    long long id;
    const char *login, *name, *email, *lang;   /* lang NULL when unset */
    bool is_admin, must_change;
    sess_kind kind;
    const char *device_id;                       /* tablet sessions */
    unsigned char token_hash[32];
    char csrf[65];                               /* console sessions */
    long long perm_version;                      /* the tenant's settings.perm_version; 0 or less: unknown */
    /* effective permissions, loaded on first use (auth/perm.c) */
    bool perms_loaded;
    bool perms_failed;   /* the database failed while loading them: refusals become 503 */
    int nperm;
    const char **perm, **scope;
} auth_user;

/* "console", "tablet", "script" or "conmas" (the ConMas API's cookie session). */
static inline const char *user_kind_name(sess_kind k)
{
    return k == SESS_CONSOLE ? "console" : k == SESS_TABLET ? "tablet" : k == SESS_CONMAS ? "conmas" : "script";
}

#endif
