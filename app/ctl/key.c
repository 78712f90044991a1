/* genbactl key rotate-master: re-wrap every tenant secret with a new master
 * key.  Crash-safe: the new key is written to KEYFILE.new first (loaded as
 * well by every program), the database is updated in one transaction, and
 * only then is KEYFILE.new renamed over KEYFILE. */
#include "ctl/ctl.h"
#include "util/recio.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void reload_service(ctl *c)
{
    if (!c->cfg.pid_file[0])
        return;
    FILE *f = fopen(c->cfg.pid_file, "r");
    int pid = 0;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    if (pid > 1 && kill(pid, SIGHUP) == 0)
        printf("genba-fcgi (pid %d) told to reload its workers with the new key\n", pid);
    else
        printf("reload genba-fcgi (SIGHUP) so its workers use the new key\n");
}

static int rotate(ctl *c)
{
    char err[512], newpath[4096];
    if (!ctl_keys(c))
        return 1;
    snprintf(newpath, sizeof newpath, "%s.new", c->cfg.key_file);
    unsigned char nk[CRYPTO_KEY_LEN];
    keyring next = {.n = 1};
    if (!crypto_random(nk, sizeof nk))
        return ctl_fail(c, "the random number generator failed");
    memcpy(next.keys[0], nk, sizeof nk);
    crypto_wipe(nk, sizeof nk);
    db_conn *db = ctl_admin(c, c->cfg.control_db);
    if (!db)
        return 1;
    int rc = 1;
    unsigned n = 0;
    if (!keyring_write_file(newpath, next.keys[0], err, sizeof err)) {
        ctl_fail(c, "%s", err);
        goto out;
    }
    db_rows r;
    if (db_begin(db) != DB_OK ||
        db_query(db, c->a,
                 "SELECT id, code, db_password_wrapped, data_key_wrapped FROM tenants "
                 "WHERE status <> 'erased' FOR UPDATE",
                 DB_NOARGS, &r, NULL) != DB_OK) {
        ctl_fail(c, "cannot read tenants: %s", db_error(db));
        goto rollback;
    }
    for (size_t i = 0; i < r.nrows; i++) {
        const char *code = db_cell(&r, i, 1);
        const unsigned char *pw = (const unsigned char *)db_cell(&r, i, 2), *dk = (const unsigned char *)db_cell(&r, i, 3);
        size_t pwl = r.len[i * r.ncols + 2], dkl = r.len[i * r.ncols + 3];
        ctl_progress(c, "re-wrapping tenant keys", (unsigned)i, (unsigned)r.nrows);
        if (pwl < CRYPTO_SEAL_OVERHEAD || dkl < CRYPTO_SEAL_OVERHEAD || pwl > 512 || dkl > 512) {
            ctl_fail(c, "tenant %s: wrapped secrets are malformed", code);
            goto rollback;
        }
        unsigned char plain_pw[512], plain_dk[512], wpw[512 + CRYPTO_SEAL_OVERHEAD], wdk[512 + CRYPTO_SEAL_OVERHEAD];
        size_t ppl = pwl - CRYPTO_SEAL_OVERHEAD, pdl = dkl - CRYPTO_SEAL_OVERHEAD;
        bool ok = keys_unwrap(&c->kr, code, "dbpass", pw, pwl, plain_pw) &&
                  keys_unwrap(&c->kr, code, "datakey", dk, dkl, plain_dk) &&
                  keys_wrap(&next, code, "dbpass", plain_pw, ppl, wpw) &&
                  keys_wrap(&next, code, "datakey", plain_dk, pdl, wdk);
        crypto_wipe(plain_pw, sizeof plain_pw);
        crypto_wipe(plain_dk, sizeof plain_dk);
        if (!ok) {
            ctl_fail(c, "tenant %s: its keys do not unwrap with the current master key", code);
            goto rollback;
        }
        if (db_query(db, c->a, "UPDATE tenants SET db_password_wrapped = ?, data_key_wrapped = ? WHERE id = ?",
                     DB_ARGS(DB_BLOB(wpw, ppl + CRYPTO_SEAL_OVERHEAD), DB_BLOB(wdk, pdl + CRYPTO_SEAL_OVERHEAD),
                             DB_STR(db_cell(&r, i, 0))),
                     NULL, NULL) != DB_OK) {
            ctl_fail(c, "tenant %s: %s", code, db_error(db));
            goto rollback;
        }
        n++;
    }
    ctl_progress(c, "", 1, 1);
    if (db_commit(db) != DB_OK) {
        ctl_fail(c, "commit failed, nothing changed: %s", db_error(db));
        unlink(newpath);
        goto out;
    }
    if (rename(newpath, c->cfg.key_file) != 0) {
        ctl_fail(c, "the keys were re-wrapped but %s could not be renamed to %s (%s): rename it by hand; "
                    "until then both files are loaded and nothing is lost",
                 newpath, c->cfg.key_file, strerror(errno));
        goto out;
    }
    recio_sync_dir_of(c->cfg.key_file);   /* the rename survives a crash */
    printf("master key rotated: %u tenant key%s re-wrapped\n", n, n == 1 ? "" : "s");
    reload_service(c);
    rc = 0;
    goto out;
rollback:
    ctl_progress(c, "", 1, 1);
    db_rollback(db);
    unlink(newpath);
out:
    keyring_wipe(&next);
    db_close(&db);
    ctl_audit(c, NULL, rc == 0, NULL);
    return rc;
}

int cmd_key(ctl *c, int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "rotate-master"))
        return rotate(c);
    return ctl_usage("usage: genbactl key rotate-master");
}
