#include "ctl/ctl.h"
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ctl_fail(ctl *c, const char *fmt, ...)
{
    (void)c;
    va_list ap;
    va_start(ap, fmt);
    fputs("genbactl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int ctl_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("genbactl: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\n(genbactl help lists the commands)\n", stderr);
    va_end(ap);
    return 2;
}

db_conn *ctl_admin(ctl *c, const char *db)
{
    char err[512];
    bool gone;
    db_params p = {.socket = c->cfg.db_socket, .host = c->cfg.db_host, .port = c->cfg.db_port,
                   .user = c->cfg.admin_user, .password = c->cfg.admin_password, .database = db,
                   .multi_statements = true};
    db_conn *conn = db_open(&p, err, sizeof err, &gone);
    if (!conn) {
        ctl_fail(c, "%s", err);
        if (gone)
            fprintf(stderr, "  is MariaDB running, and is db_socket (%s) right in %s?\n", c->cfg.db_socket,
                    c->cfg.path);
    }
    return conn;
}

bool ctl_keys(ctl *c)
{
    char err[512];
    if (c->have_keys)
        return true;
    if (!keyring_load(&c->kr, c->cfg.key_file, err, sizeof err)) {
        ctl_fail(c, "%s", err);
        return false;
    }
    c->have_keys = true;
    return true;
}

void ctl_audit(ctl *c, const char *tenant, bool ok, const char *detail)
{
    db_conn *db = NULL;
    char err[512];
    bool gone;
    db_params p = {.socket = c->cfg.db_socket, .host = c->cfg.db_host, .port = c->cfg.db_port,
                   .user = c->cfg.admin_user, .password = c->cfg.admin_password, .database = c->cfg.control_db};
    db = db_open(&p, err, sizeof err, &gone);
    if (!db) {
        fprintf(stderr, "genbactl: (the action was not recorded in the operator audit log: %s)\n", err);
        return;
    }
    char cmd[200];
    snprintf(cmd, sizeof cmd, "%s", c->command_line ? c->command_line : "?");
    char det[1000];
    snprintf(det, sizeof det, "%s", detail ? detail : "");
    if (db_query(db, c->a,
                 "INSERT INTO operator_audit (os_user, command, tenant_code, result, detail) VALUES (?, ?, ?, ?, ?)",
                 DB_ARGS(DB_STR(c->os_user), DB_STR(cmd), DB_STR(tenant), DB_STR(ok ? "ok" : "failed"),
                         DB_STR(det)),
                 NULL, NULL) != DB_OK)
        fprintf(stderr, "genbactl: (the action was not recorded in the operator audit log: %s)\n", db_error(db));
    db_close(&db);
}

void ctl_progress(ctl *c, const char *label, unsigned i, unsigned n)
{
    if (!c->tty)
        return;
    if (i >= n)
        fprintf(stderr, "\r\033[K");
    else
        fprintf(stderr, "\r\033[K%s  %u/%u", label, i + 1, n);
    fflush(stderr);
}

const char *ctl_opt(int argc, char **argv, const char *name, bool *bad)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], name)) {
            if (i + 1 >= argc) {
                if (bad)
                    *bad = true;
                return NULL;
            }
            return argv[i + 1];
        }
    return NULL;
}

bool ctl_flag(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], name))
            return true;
    return false;
}
