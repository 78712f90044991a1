/* genbactl setup: master key file, control database, application account. */
#include "ctl/ctl.h"
#include "db/migrate.h"

#include <stdio.h>
#include <string.h>

static bool safe_secret(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("._-+", *s)))
            return false;
    return true;
}

int cmd_setup(ctl *c, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char err[512];
    bool created = false;
    int from = 0, to = 0;
    if (!keyring_create_file(c->cfg.key_file, &created, err, sizeof err))
        return ctl_fail(c, "%s", err);
    if (!ctl_keys(c))
        return 1;
    if (!db_ident_ok(c->cfg.control_db))
        return ctl_fail(c, "control_db '%s' must be lowercase letters, digits and '_'", c->cfg.control_db);
    if (!safe_secret(c->cfg.control_password))
        return ctl_fail(c, "set control_password in %s (letters, digits and . _ - + only)", c->cfg.path);
    if (!db_ident_ok(c->cfg.control_user) || strpbrk(c->cfg.db_account_host, "'\\`"))
        return ctl_fail(c, "control_user or db_account_host in %s is not a safe name", c->cfg.path);
    db_conn *db = ctl_admin(c, NULL);
    if (!db)
        return 1;
    const char *host = c->cfg.db_account_host;
    char *sql = arena_printf(c->a,
                             "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                             c->cfg.control_db);
    int rc = 1;
    if (db_exec_script(db, sql) != DB_OK || db_use(db, c->cfg.control_db) != DB_OK) {
        ctl_fail(c, "cannot create the control database: %s", db_error(db));
        goto done;
    }
    if (!migrate_apply(db, c->a, MIGRATE_CONTROL, &from, &to, err, sizeof err)) {
        ctl_fail(c, "%s", err);
        goto done;
    }
    sql = arena_printf(c->a,
                       "CREATE USER IF NOT EXISTS '%s'@'%s' IDENTIFIED BY '%s';"
                       "ALTER USER '%s'@'%s' IDENTIFIED BY '%s';"
                       "GRANT SELECT ON `%s`.* TO '%s'@'%s';"
                       /* the one table the service writes: workers queue and cancel jobs, runners work them */
                       "GRANT SELECT, INSERT, UPDATE, DELETE ON `%s`.`jobs` TO '%s'@'%s'",
                       c->cfg.control_user, host, c->cfg.control_password, c->cfg.control_user, host,
                       c->cfg.control_password, c->cfg.control_db, c->cfg.control_user, host, c->cfg.control_db,
                       c->cfg.control_user, host);
    if (db_exec_script(db, sql) != DB_OK) {
        ctl_fail(c, "cannot create the application account %s: %s", c->cfg.control_user, db_error(db));
        goto done;
    }
    memset(sql, 0, strlen(sql));
    rc = 0;
    printf("setup done: key file %s %s; control database %s at schema %d%s\n", c->cfg.key_file,
           created ? "created" : "kept", c->cfg.control_db, to, from == to ? " (unchanged)" : "");
done:
    db_close(&db);
    ctl_audit(c, NULL, rc == 0, created ? "key file created" : NULL);
    return rc;
}
