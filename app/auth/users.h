/* users.h - the tenant's users: validation, create, update, passwords.
 *
 * Shared by the JSON API and the console.  Every change runs in one
 * transaction together with its access-log row; disabling a user or
 * resetting its password ends its sessions at once.  Login ids are
 * immutable.  Objects come back as json-c objects (the API sends them, the
 * console copies them into its page).  Request thread only.
 */
#ifndef GENBA_USERS_H
#define GENBA_USERS_H

#include <json-c/json.h>
#include "tenant/op.h"
#include "util/errs.h"

/* Submitted fields; NULL = not given (kept on update), "" = cleared. */
typedef struct user_in {
    const char *login, *name, *email, *lang, *valid_from, *valid_until, *password;
    int enabled;                /* -1 not given, 0, 1 */
    bool has_groups;
    long long *groups;          /* group ids */
    int ngroups;
} user_in;

void user_in_init(user_in *in);
/* Check every field (all problems at once, into e). */
bool users_validate(op_ctx *op, const user_in *in, bool create, errs *e);
op_result users_create(op_ctx *op, const user_in *in, errs *e, long long *id);
op_result users_update(op_ctx *op, long long id, const user_in *in, errs *e);
/* An administrator sets a password the user must change at next sign-in. */
op_result users_reset_password(op_ctx *op, long long id, const char *password, errs *e);
/* The signed-in user changes its own password (current one required). */
op_result users_change_own_password(op_ctx *op, const char *current, const char *password, errs *e);
op_result users_end_sessions(op_ctx *op, long long id);
/* One user as JSON (NULL and *res = OP_NOT_FOUND/OP_GONE when not). */
json_object *users_get(op_ctx *op, long long id, op_result *res);
/* Every user, by login. */
json_object *users_list(op_ctx *op, op_result *res);
/* A user's sessions (never a token). */
json_object *users_sessions(op_ctx *op, long long id, op_result *res);
/* A real calendar date written YYYY-MM-DD. */
bool users_date_ok(const char *s);
/* Parse a path id ("12"); false when it is not a positive number. */
bool users_parse_id(const char *s, long long *id);

#endif
