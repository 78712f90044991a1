/* config.h - the configuration file (key = value lines, '#' comments).
 *
 * Every key, its default and its meaning is in the table in config.c and in
 * README.md.  The configuration is loaded once in main() before any thread
 * starts and is read-only afterwards, so it may be read from any thread.
 */
#ifndef GENBA_CONFIG_H
#define GENBA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct genba_config {
    char *path;               /* the file it was read from */
    /* FastCGI pool */
    char *socket;             /* unix socket path */
    unsigned socket_mode;     /* octal permission bits */
    char *socket_owner;       /* user[:group] for the socket, or "" */
    char *user;               /* worker user when started as root, or "" */
    unsigned workers, threads;
    unsigned drain_timeout;   /* seconds SIGTERM waits for in-flight requests */
    char *pid_file, *log_file;
    /* database */
    char *db_socket, *db_host;
    unsigned db_port;
    char *control_db, *control_user, *control_password;
    char *admin_user, *admin_password;   /* genbactl only */
    char *db_account_host;               /* host part of tenant accounts */
    unsigned tenant_cache;               /* cached tenant connections per thread */
    /* keys and files */
    char *key_file;
    char *templates_dir;
    char *data_dir;
    /* backups (genbactl backup; see ops/backup.h) */
    char *backup_dir;                     /* generations, one directory each */
    unsigned backup_daily;                /* days kept (today's, yesterday's, ...), at least 1 */
    unsigned backup_weekly;               /* Sundays kept */
    unsigned backup_monthly;              /* first Sundays of a month kept */
    char *backup_copy_command;            /* run with a new generation's directory, or "" */
    /* password hashes (argon2id cost of new hashes, see auth/password.h) */
    unsigned argon2_memory;       /* KiB, at least 19456 */
    unsigned argon2_time;         /* passes, at least 2 */
    unsigned argon2_parallelism;  /* lanes */
    /* limits */
    uint64_t max_body;
    unsigned retry_after;
    /* sessions and sign-in */
    unsigned session_idle, session_absolute;  /* console session limits, seconds */
    unsigned token_lifetime;                  /* tablet / API tokens, seconds */
    unsigned login_lock_max;                  /* per login id and address, seconds */
    unsigned login_account_lock_max;          /* per login id, every address, seconds */
    unsigned test_hooks;      /* 1 enables /__test/... routes (test stacks only) */
    /* operations: mail, local time, maintenance (ops/) */
    char *smtp_host, *smtp_from, *smtp_user, *smtp_password, *smtp_tls, *smtp_cafile;
    unsigned smtp_port, smtp_timeout;
    char *local_offset, *local_zone_name;   /* customer-facing time: "+09:00", "JST" */
    char *holidays_file;                    /* public holidays (YYYY-MM-DD lines), "" = none */
    unsigned maintenance_retry_after;       /* Retry-After in maintenance when no end is known */
    /* background jobs (app/jobs/, the runner) */
    unsigned runners;                       /* runner processes the master keeps */
    unsigned job_stale;                     /* seconds without a heartbeat before a job is claimed again */
    unsigned export_keep;                   /* seconds a finished export's file is kept */
    unsigned export_readers;                /* connections a table export reads on (1 or 2) */
} genba_config;

/* Load the file at path over the defaults.  On failure returns false and
 * writes a message naming the file and line into err.  The returned strings
 * live until config_free. */
bool config_load(genba_config *c, const char *path, char *err, size_t errlen);
/* Defaults only (for tests). */
void config_defaults(genba_config *c);
void config_free(genba_config *c);
/* Print every key with its default and help text (genba-fcgi --help-config). */
void config_print_keys(void);

#endif
