/* notice.h - mail to tenants' registered contacts, each send logged.
 *
 * Used by genbactl notice send and maintenance schedule|notify|cancel.
 * Each recipient gets a message of its own (no contact sees another
 * customer's address); each attempt is one row of the control DB's
 * notice_log (when, OS user, kind, window, tenant, recipient, subject,
 * sent/failed and why).  Single-threaded (genbactl).
 */
#ifndef GENBA_NOTICE_H
#define GENBA_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include "db/db.h"
#include "ops/mail.h"
#include "util/config.h"

typedef struct notice_contact {
    const char *code, *name, *email;
    const struct tz_zone *zone;   /* the tenant's time zone (util/tz.h): mails show times in it */
} notice_contact;

typedef struct notice_mail {
    const char *tenant_code, *to, *subject, *body;
    bool sent;             /* filled by notice_deliver */
    const char *error;     /* why not, in the arena */
} notice_mail;

/* The mail settings of the configuration (strings borrowed from cfg). */
void notice_mail_cfg(const genba_config *cfg, mail_cfg *out);
/* Registered contacts, ordered by tenant and address: of every active
 * tenant when code is NULL, else of that tenant (unless erased). */
db_status notice_contacts(db_conn *db, arena *a, const char *code, notice_contact **out, size_t *n);
/* Send each of m[0..n) through one SMTP session (opened again after the
 * connection broke; after two connection failures in a row the rest fail
 * with the same reason without waiting again), log each in notice_log
 * with kind ("notice", "maintenance", "maintenance_cancel") and window_id
 * (0 = none).  progress (may be NULL) is called before each mail.
 * Returns how many failed. */
size_t notice_deliver(db_conn *db, arena *a, const mail_cfg *mc, const char *os_user, const char *kind,
                      long long window_id, notice_mail *m, size_t n, void (*progress)(void *ctx, size_t i, size_t n),
                      void *ctx);

#endif
