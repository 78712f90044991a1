/* ctl.h - shared context of genbactl subcommands.
 *
 * Each subcommand is a function taking (ctl *, argc, argv) and returning the
 * process exit status: 0 success, 1 failure (message on standard error),
 * 2 usage error.  Single-threaded.
 */
#ifndef GENBA_CTL_H
#define GENBA_CTL_H

#include <stdbool.h>
#include "db/db.h"
#include "tenant/keys.h"
#include "util/arena.h"
#include "util/config.h"

typedef struct ctl {
    genba_config cfg;
    keyring kr;
    bool have_keys;
    arena *a;
    bool json;          /* --json: machine-readable output */
    bool tty;           /* standard error is a terminal: show progress */
    const char *os_user;
    const char *command_line;  /* for the operator audit log */
} ctl;

/* Print "genbactl: <message>" to standard error; returns 1. */
int ctl_fail(ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Usage problem: message and hint; returns 2. */
int ctl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Administrator connection to database db (NULL = none) with
 * multi-statements; NULL after printing why. */
db_conn *ctl_admin(ctl *c, const char *db);
/* Load the master keyring; false after printing why. */
bool ctl_keys(ctl *c);
/* Record an operator action in the control DB (best effort: a failure to
 * record is reported on standard error but does not change the result). */
void ctl_audit(ctl *c, const char *tenant, bool ok, const char *detail);
/* Progress on a terminal: "label  i/n" on one line, erased at the end. */
void ctl_progress(ctl *c, const char *label, unsigned i, unsigned n);
/* Value of --name in argv (and removes nothing); NULL when absent.  A flag
 * given without a value sets *bad. */
const char *ctl_opt(int argc, char **argv, const char *name, bool *bad);
bool ctl_flag(int argc, char **argv, const char *name);

int cmd_setup(ctl *c, int argc, char **argv);
int cmd_migrate(ctl *c, int argc, char **argv);
int cmd_tenant(ctl *c, int argc, char **argv);
int cmd_key(ctl *c, int argc, char **argv);
/* operations (ctl/maintenance.c, notice.c, contracts.c, quota.c) */
int cmd_maintenance(ctl *c, int argc, char **argv);
int cmd_notice(ctl *c, int argc, char **argv);
int cmd_contracts(ctl *c, int argc, char **argv);
int cmd_usage(ctl *c, int argc, char **argv);
int cmd_tenant_contract(ctl *c, const char *sub, int argc, char **argv);   /* tenant cancel|renew */
int cmd_tenant_quota(ctl *c, int argc, char **argv);                       /* tenant quota */
/* backups, restores, exports, erasure (ctl/backup.c, ctl/export.c; app/ops/) */
int cmd_backup(ctl *c, int argc, char **argv);
int cmd_restore(ctl *c, int argc, char **argv);
int ctl_tenant_export(ctl *c, int argc, char **argv);
int ctl_tenant_erase(ctl *c, int argc, char **argv);
int ctl_tenant_report_table(ctl *c, int argc, char **argv);   /* ctl/report_table.c */
int cmd_job(ctl *c, int argc, char **argv);                   /* job list (ctl/jobs.c) */
struct ops_env;
/* The ops environment of this command (config, keyring, arena, progress). */
void ctl_ops_env(ctl *c, struct ops_env *e);
/* The (skip+1)-th argument that is neither an option nor the value of one
 * of the options listed in with_value (NULL-terminated); NULL if none. */
const char *ctl_positional(int argc, char **argv, const char *const *with_value, int skip);
/* false (after a usage message) when argv holds an option not listed. */
bool ctl_known_options(int argc, char **argv, const char *const *with_value, const char *const *flags);

#endif
