/* audit.h - the customer's access log (table access_log in the tenant DB).
 *
 * Every sign-in, sign-out and failed sign-in, every change to users,
 * groups, permissions, devices and settings, and every permission denial is
 * one row: UTC time, user (or the login id attempted), device, the client
 * address nginx saw, user agent, channel, action, object, result.  The
 * tenant's MariaDB account may only SELECT and INSERT the table, so rows
 * cannot be changed afterwards.  Never pass a password, token or session id.
 *
 * Called from the request's thread; writes through op->tenant->db (inside the
 * caller's transaction when one is open, so a change and its row commit
 * together).
 */
#ifndef GENBA_AUDIT_H
#define GENBA_AUDIT_H

#include "db/db.h"
#include "tenant/op.h"

typedef enum audit_result { AUDIT_OK, AUDIT_FAILED, AUDIT_DENIED } audit_result;

/* Record action on object (type, id: may be NULL) for the request's user, or
 * for login when there is no user yet (a failed sign-in).  detail is a
 * short plain text for people (never a secret).  Returns the database
 * status; a failure is also logged. */
db_status audit_log(op_ctx *op, const char *login, const char *action, const char *object_type,
                    const char *object_id, audit_result result, const char *detail);
/* The channel a request belongs to: "console", "tablet", "script", "conmas". */
const char *audit_channel(const op_ctx *op);

#endif
