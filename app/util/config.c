#include "util/config.h"
#include "util/str.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ktype { K_STR, K_UINT, K_OCTAL, K_SIZE };

struct key {
    const char *name;
    enum ktype type;
    size_t off;
    const char *def;
    uint64_t max;
    const char *help;
};

#define O(f) offsetof(genba_config, f)
static const struct key keys[] = {
    {"socket", K_STR, O(socket), "/run/genba/genba.sock", 0, "unix socket genba-fcgi listens on (nginx fastcgi_pass)"},
    {"socket_mode", K_OCTAL, O(socket_mode), "0660", 0777, "permission bits of the socket"},
    {"socket_owner", K_STR, O(socket_owner), "", 0, "user[:group] that owns the socket (nginx's worker user), empty = unchanged"},
    {"user", K_STR, O(user), "", 0, "when started as root, workers switch to this user (the master stays root to read the key file)"},
    {"workers", K_UINT, O(workers), "2", 256, "worker processes"},
    {"threads", K_UINT, O(threads), "4", 256, "threads per worker, each accepting requests"},
    {"drain_timeout", K_UINT, O(drain_timeout), "10", 3600, "seconds a stopping worker waits for requests in flight"},
    {"pid_file", K_STR, O(pid_file), "", 0, "where the master writes its pid, empty = none"},
    {"log_file", K_STR, O(log_file), "", 0, "request and error log (appended), empty = standard error"},
    {"db_socket", K_STR, O(db_socket), "/run/mysqld/mysqld.sock", 0, "MariaDB unix socket (used when db_host is empty)"},
    {"db_host", K_STR, O(db_host), "", 0, "MariaDB host for TCP connections, empty = use db_socket"},
    {"db_port", K_UINT, O(db_port), "3306", 65535, "MariaDB TCP port"},
    {"control_db", K_STR, O(control_db), "genba_control", 0, "name of the control database"},
    {"control_user", K_STR, O(control_user), "genba_app", 0, "MariaDB account workers use for the control database"},
    {"control_password", K_STR, O(control_password), "", 0, "its password (genbactl setup creates the account with it)"},
    {"admin_user", K_STR, O(admin_user), "root", 0, "MariaDB account genbactl uses to create databases and accounts"},
    {"admin_password", K_STR, O(admin_password), "", 0, "its password, empty = unix socket authentication"},
    {"db_account_host", K_STR, O(db_account_host), "localhost", 0, "host part of the per-tenant MariaDB accounts"},
    {"tenant_cache", K_UINT, O(tenant_cache), "8", 1024, "tenant connections each thread keeps open"},
    {"key_file", K_STR, O(key_file), "/etc/genba/master.key", 0, "master key file (mode 0600, created by genbactl setup)"},
    {"templates_dir", K_STR, O(templates_dir), "/usr/local/share/genba/templates", 0, "ClearSilver templates and message catalogs"},
    {"data_dir", K_STR, O(data_dir), "/var/lib/genba", 0, "a tenant's files outside its database, under data_dir/CODE (finished exports; tenant erase removes it)"},
    {"backup_dir", K_STR, O(backup_dir), "/var/backups/genba", 0, "where genbactl backup run writes its generations (one directory each)"},
    {"backup_daily", K_UINT, O(backup_daily), "2", 366, "daily generations kept: today's and yesterday's (at least 1)"},
    {"backup_weekly", K_UINT, O(backup_weekly), "4", 520, "weekly generations kept (Sundays')"},
    {"backup_monthly", K_UINT, O(backup_monthly), "3", 240, "monthly generations kept (the first Sunday's of each month)"},
    {"backup_copy_command", K_STR, O(backup_copy_command), "", 0, "command run after a backup with the generation's directory as its last argument (copy to a second location), empty = none"},
    {"argon2_memory", K_UINT, O(argon2_memory), "19456", 4194304,
     "argon2id memory cost of new password hashes in KiB (at least 19456 = 19 MiB)"},
    {"argon2_time", K_UINT, O(argon2_time), "2", 64, "argon2id passes over that memory (at least 2)"},
    {"argon2_parallelism", K_UINT, O(argon2_parallelism), "1", 64, "argon2id lanes (threads per hash)"},
    {"max_body", K_SIZE, O(max_body), "10M", 0, "largest request body the application reads (larger: 413)"},
    {"retry_after", K_UINT, O(retry_after), "5", 86400, "seconds sent in Retry-After with a 503"},
    {"session_idle", K_UINT, O(session_idle), "1800", 86400, "seconds a console session may stay unused before it ends"},
    {"session_absolute", K_UINT, O(session_absolute), "43200", 604800, "seconds after sign-in a console session ends whatever its use"},
    {"token_lifetime", K_UINT, O(token_lifetime), "2592000", 31536000, "seconds a tablet or API token stays valid (tablets work offline for days)"},
    {"login_lock_max", K_UINT, O(login_lock_max), "900", 86400, "longest wait imposed on one login id from one address after failed sign-ins"},
    {"login_account_lock_max", K_UINT, O(login_account_lock_max), "60", 3600, "longest wait imposed on a login id from every address (kept short: an attacker must not lock a real user out)"},
    {"runners", K_UINT, O(runners), "1", 64, "background job runners (exports) the master keeps running; 0 = none here (another host runs them)"},
    {"job_stale", K_UINT, O(job_stale), "60", 86400, "seconds a running job may go without its runner's heartbeat before another runner restarts it (at least 3)"},
    {"export_keep", K_UINT, O(export_keep), "604800", 31536000, "seconds a finished export stays downloadable (then its file is removed)"},
    {"export_readers", K_UINT, O(export_readers), "2", 2, "database connections an export of many reports as a table (CSV, XLSX) reads on at once: 2, or 1 to spare the server connections"},
    {"test_hooks", K_UINT, O(test_hooks), "0", 1, "1 enables the /__test/ routes the test suite uses; never in production"},
    {"smtp_host", K_STR, O(smtp_host), "", 0, "SMTP server for notices and maintenance mail, empty = no mail"},
    {"smtp_port", K_UINT, O(smtp_port), "25", 65535, "its port"},
    {"smtp_from", K_STR, O(smtp_from), "", 0, "sender address of operator mail (envelope and From:)"},
    {"smtp_tls", K_STR, O(smtp_tls), "none", 0, "none, or starttls (required, certificate and host name verified)"},
    {"smtp_cafile", K_STR, O(smtp_cafile), "", 0, "CA certificates for the SMTP server's certificate, empty = the system's"},
    {"smtp_user", K_STR, O(smtp_user), "", 0, "SMTP AUTH PLAIN user (only with smtp_tls = starttls), empty = no AUTH"},
    {"smtp_password", K_STR, O(smtp_password), "", 0, "its password"},
    {"smtp_timeout", K_UINT, O(smtp_timeout), "30", 600, "seconds to connect to the SMTP server and for each of its replies"},
    {"local_offset", K_STR, O(local_offset), "+09:00", 0, "customer-facing local time as an offset from UTC (mails, /maintenance, business days, monthly maintenance budget)"},
    {"local_zone_name", K_STR, O(local_zone_name), "JST", 0, "the name shown with local times"},
    {"holidays_file", K_STR, O(holidays_file), "", 0, "public holidays not counted as business days (one YYYY-MM-DD a line), empty = none"},
    {"maintenance_retry_after", K_UINT, O(maintenance_retry_after), "300", 86400, "Retry-After seconds in maintenance mode when no end time is set"},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* Whole-number keys with a lower bound above 0: a cheaper password hash
 * than OWASP's argon2id minimum (19 MiB, 2 passes) is refused. */
static const struct {
    const char *name;
    uint64_t min;
} minimums[] = {{"argon2_memory", 19456}, {"argon2_time", 2}, {"argon2_parallelism", 1}, {"backup_daily", 1}, {"job_stale", 3}, {"export_readers", 1}};

static uint64_t key_min(const struct key *k)
{
    for (size_t i = 0; i < sizeof minimums / sizeof minimums[0]; i++)
        if (!strcmp(minimums[i].name, k->name))
            return minimums[i].min;
    return 0;
}

static bool set_key(genba_config *c, const struct key *k, const char *val, char *err, size_t errlen)
{
    char *base = (char *)c;
    uint64_t v;
    switch (k->type) {
    case K_STR: {
        char **slot = (char **)(base + k->off);
        free(*slot);
        *slot = strdup(val);
        return *slot != NULL;
    }
    case K_UINT:
        if (!str_parse_uint(val, k->max, &v)) {
            snprintf(err, errlen, "%s must be a whole number up to %llu", k->name, (unsigned long long)k->max);
            return false;
        }
        if (v < key_min(k)) {
            snprintf(err, errlen, "%s must be at least %llu", k->name, (unsigned long long)key_min(k));
            return false;
        }
        *(unsigned *)(base + k->off) = (unsigned)v;
        return true;
    case K_OCTAL: {
        char *end;
        errno = 0;
        unsigned long o = strtoul(val, &end, 8);
        if (errno || *end || !*val || o > k->max) {
            snprintf(err, errlen, "%s must be octal permission bits such as 0660", k->name);
            return false;
        }
        *(unsigned *)(base + k->off) = (unsigned)o;
        return true;
    }
    case K_SIZE:
        if (!str_parse_size(val, &v)) {
            snprintf(err, errlen, "%s must be a size such as 10M or 20GiB", k->name);
            return false;
        }
        *(uint64_t *)(base + k->off) = v;
        return true;
    }
    return false;
}

void config_defaults(genba_config *c)
{
    char err[160];
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NKEYS; i++)
        set_key(c, &keys[i], keys[i].def, err, sizeof err);
}

bool config_load(genba_config *c, const char *path, char *err, size_t errlen)
{
    config_defaults(c);
    c->path = strdup(path);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read configuration %s: %s", path, strerror(errno));
        return false;
    }
    char line[4096];
    unsigned lineno = 0;
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%u: line too long", path, lineno);
            ok = false;
            break;
        }
        str_trim(line);
        if (!line[0] || line[0] == '#')
            continue;
        char *eq = strchr(line, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%u: expected 'key = value'", path, lineno);
            ok = false;
            break;
        }
        *eq = '\0';
        char *k = str_trim(line), *v = str_trim(eq + 1);
        const struct key *key = NULL;
        for (size_t i = 0; i < NKEYS; i++)
            if (!strcmp(keys[i].name, k))
                key = &keys[i];
        if (!key) {
            snprintf(err, errlen, "%s:%u: unknown key '%s' (genba-fcgi --help-config lists them)", path, lineno, k);
            ok = false;
            break;
        }
        char why[200];
        if (!set_key(c, key, v, why, sizeof why)) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
            ok = false;
        }
    }
    fclose(f);
    if (ok && (c->workers == 0 || c->threads == 0)) {
        snprintf(err, errlen, "%s: workers and threads must be at least 1", path);
        ok = false;
    }
    if (ok && strcmp(c->smtp_tls, "none") && strcmp(c->smtp_tls, "starttls")) {
        snprintf(err, errlen, "%s: smtp_tls must be none or starttls", path);
        ok = false;
    }
    unsigned oh, om;
    char sign, rest;
    if (ok && strcmp(c->local_offset, "Z") &&
        (strlen(c->local_offset) != 6 || sscanf(c->local_offset, "%c%2u:%2u%c", &sign, &oh, &om, &rest) != 3 ||
         (sign != '+' && sign != '-') || oh > 23 || om > 59)) {
        snprintf(err, errlen, "%s: local_offset must look like +09:00", path);
        ok = false;
    }
    return ok;
}

void config_free(genba_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].type == K_STR) {
            char **slot = (char **)((char *)c + keys[i].off);
            free(*slot);
            *slot = NULL;
        }
    free(c->path);
    c->path = NULL;
}

void config_print_keys(void)
{
    for (size_t i = 0; i < NKEYS; i++)
        printf("%-18s default %-28s %s\n", keys[i].name, keys[i].def[0] ? keys[i].def : "(empty)", keys[i].help);
}
