/* erase.c - genbactl tenant erase (see erase.h). */
#include "ops/erase.h"
#include "ops/backup.h"
#include "ops/bkfile.h"
#include "ops/dbproc.h"
#include "ops/manifest.h"
#include "tenant/code.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/recio.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum { SCRUB_DONE, SCRUB_ABSENT, SCRUB_NOKEY, SCRUB_FAILED } scrub_status;

/* Overwrite tenant code's secrets in the control dump of generation g. */
static scrub_status scrub_one(const ops_env *e, db_conn *admin, db_conn *control, bk_gen *g, json_object *f,
                              const char *code, char *err, size_t errlen)
{
    const char *file = manifest_str(f, "file");
    if (!file || strchr(file, '/')) {
        snprintf(err, errlen, "the manifest names no usable control file");
        return SCRUB_FAILED;
    }
    char *path = arena_printf(e->a, "%s/%s", g->path, file), *newp = arena_printf(e->a, "%s/%s.new", g->path, file);
    bk_key key = {.kind = BK_CONTROL, .owner = BK_CONTROL_OWNER, .kr = e->kr};
    char scratch[65] = "", check[65] = "";
    scrub_status res = SCRUB_FAILED;
    json_object *sums = NULL, *sums2 = NULL;
    bk_status bst;
    bk_stats st;
    if (!ops_scratch_create(e, admin, "scrub", scratch, err, errlen))
        goto out;
    if (!ops_load_file(e, path, &key, g->id, scratch, &bst, NULL, err, errlen)) {
        res = bst == BK_NOKEY ? SCRUB_NOKEY : SCRUB_FAILED;
        goto out;
    }
    db_rows r;
    const char *where = arena_printf(e->a,
                                     "FROM `%s`.tenants WHERE code = ? AND (data_key_wrapped <> "
                                     "REPEAT(CHAR(0), LENGTH(data_key_wrapped)) OR db_password_wrapped <> "
                                     "REPEAT(CHAR(0), LENGTH(db_password_wrapped)))",
                                     scratch);
    if (db_query(admin, e->a, arena_printf(e->a, "SELECT COUNT(*) %s", where), DB_ARGS(DB_STR(code)), &r, NULL) !=
        DB_OK) {
        snprintf(err, errlen, "cannot read the dump's tenants: %s", db_error(admin));
        goto out;
    }
    if (atoi(db_cell(&r, 0, 0)) == 0) {
        res = SCRUB_ABSENT;
        goto out;
    }
    if (db_query(admin, e->a,
                 arena_printf(e->a,
                              "UPDATE `%s`.tenants SET data_key_wrapped = REPEAT(CHAR(0), LENGTH(data_key_wrapped)), "
                              "db_password_wrapped = REPEAT(CHAR(0), LENGTH(db_password_wrapped)), status = 'erased' "
                              "WHERE code = ?",
                              scratch),
                 DB_ARGS(DB_STR(code)), NULL, NULL) != DB_OK ||
        !(sums = ops_table_sums(e, admin, scratch, err, errlen))) {
        if (!sums)
            snprintf(err, errlen, "cannot change the dump: %s", db_error(admin));
        goto out;
    }
    unlink(newp);
    if (!ops_dump_to_file(e, scratch, newp, &key, g->id, &st, err, errlen))
        goto out;
    /* the new file loads back to the same tables */
    char why[400];
    if (!ops_scratch_create(e, admin, "check", check, err, errlen) ||
        !ops_load_file(e, newp, &key, g->id, check, &bst, NULL, err, errlen) ||
        !(sums2 = ops_table_sums(e, admin, check, err, errlen)) || !ops_sums_equal(sums, sums2, why, sizeof why)) {
        if (sums2)
            snprintf(err, errlen, "the rewritten dump does not load back the same: %s", why);
        unlink(newp);
        goto out;
    }
    if (rename(newp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s: %s", newp, strerror(errno));
        unlink(newp);
        goto out;
    }
    recio_sync_dir(g->path);
    json_object_object_add(f, "bytes", json_object_new_int64((int64_t)st.size));
    json_object_object_add(f, "sha256", json_object_new_string(st.sha256));
    json_object_object_add(f, "dump_bytes", json_object_new_int64((int64_t)st.plain));
    json_object_object_add(f, "dump_sha256", json_object_new_string(st.plain_sha256));
    json_object_object_add(f, "records", json_object_new_int64((int64_t)st.records));
    json_object_object_add(f, "key_id", json_object_new_string(st.key_id));
    json_object_object_add(f, "tables", json_object_get(sums2));
    json_object *am;
    if (!json_object_object_get_ex(g->m, "amended", &am)) {
        am = json_object_new_array();
        json_object_object_add(g->m, "amended", am);
    }
    char now[32];
    ops_format_time(time(NULL), now);
    json_object *a = json_object_new_object();
    json_object_object_add(a, "at", json_object_new_string(now));
    json_object_object_add(a, "what", json_object_new_string(arena_printf(
                                          e->a, "tenant %s erased: its wrapped keys overwritten in %s", code, file)));
    json_object_array_add(am, a);
    char msha[65];
    if (!manifest_write(g->path, g->m, msha, err, errlen))
        goto out;
    uint64_t bytes = 0;
    json_object *files = json_object_object_get(g->m, "files");
    for (size_t i = 0; i < json_object_array_length(files); i++)
        bytes += (uint64_t)manifest_int(json_object_array_get_idx(files, i), "bytes");
    db_query(control, e->a, "UPDATE backup_generations SET manifest_sha256 = ?, bytes = ? WHERE generation = ?",
             DB_ARGS(DB_STR(msha), DB_INT(bytes), DB_STR(g->id)), NULL, NULL);
    db_query(control, e->a, "UPDATE backup_files SET bytes = ?, sha256 = ? WHERE generation = ? AND tenant_code = '(control)'",
             DB_ARGS(DB_INT(st.size), DB_STR(st.sha256), DB_STR(g->id)), NULL, NULL);
    if (e->cfg->backup_copy_command[0] && !backup_copy(e, g->path, why, sizeof why))
        fprintf(stderr, "genbactl: warning: generation %s was rewritten but not copied again: %s\n", g->id, why);
    res = SCRUB_DONE;
out:
    json_object_put(sums);
    json_object_put(sums2);
    ops_scratch_drop(e, admin, scratch);
    ops_scratch_drop(e, admin, check);
    return res;
}

/* Step 5 (erase.h); adds what it did to destroyed. */
static void scrub_backups(const ops_env *e, db_conn *admin, db_conn *control, const char *code, json_object *destroyed)
{
    char err[600];
    int lock = backup_lock(e, true, err, sizeof err);
    if (lock < 0) {
        json_object_array_add(destroyed, json_object_new_string(
                                              arena_printf(e->a, "key copies in control-DB backups: NOT checked (%s)", err)));
        fprintf(stderr, "genbactl: warning: %s\n", err);
        return;
    }
    bk_gen *g;
    size_t n;
    if (!manifest_list(e, &g, &n, err, sizeof err)) {
        backup_unlock(lock);
        json_object_array_add(destroyed, json_object_new_string(
                                              arena_printf(e->a, "key copies in control-DB backups: NOT checked (%s)", err)));
        return;
    }
    buf done, nokey, failed, held;
    buf_init(&done, e->a);
    buf_init(&nokey, e->a);
    buf_init(&failed, e->a);
    buf_init(&held, e->a);
    for (size_t i = 0; i < n; i++) {
        ops_progress(e, "removing key copies from backups", (unsigned)i, (unsigned)n);
        if (manifest_file(g[i].m, code))
            buf_printf(&held, "%s%s", held.len ? ", " : "", g[i].id);
        json_object *f = manifest_file(g[i].m, NULL);
        if (!f)
            continue;
        switch (scrub_one(e, admin, control, &g[i], f, code, err, sizeof err)) {
        case SCRUB_DONE: buf_printf(&done, "%s%s", done.len ? ", " : "", g[i].id); break;
        case SCRUB_ABSENT: break;
        case SCRUB_NOKEY: buf_printf(&nokey, "%s%s (%s)", nokey.len ? "; " : "", g[i].id, err); break;
        case SCRUB_FAILED:
            buf_printf(&failed, "%s%s (%s)", failed.len ? "; " : "", g[i].id, err);
            fprintf(stderr, "genbactl: warning: generation %s: %s\n", g[i].id, err);
            break;
        }
    }
    ops_progress(e, "", 1, 1);
    manifest_list_free(&g, n);
    backup_unlock(lock);
    if (done.len)
        json_object_array_add(destroyed, json_object_new_string(arena_printf(
                                              e->a, "key copies in the control-DB backups of generations %s: overwritten "
                                                    "with zeros (dumps rewritten, manifests amended)", done.data)));
    if (nokey.len)
        json_object_array_add(destroyed,
                              json_object_new_string(arena_printf(
                                  e->a, "NOT destroyed: key copies in control-DB backups sealed with a master key that is "
                                        "not loaded: %s; destroy that retired master key", nokey.data)));
    if (failed.len)
        json_object_array_add(destroyed, json_object_new_string(arena_printf(
                                              e->a, "NOT destroyed: key copies in control-DB backups that could not be "
                                                    "rewritten: %s; run genbactl tenant erase again", failed.data)));
    if (held.len)
        json_object_array_add(destroyed, json_object_new_string(arena_printf(
                                              e->a, "the tenant's backup files in generations %s cannot be decrypted any "
                                                    "more; retention removes them", held.data)));
}

static unsigned count_files(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    unsigned n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", path, de->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            n += count_files(p);
        else
            n++;
    }
    closedir(d);
    return n;
}

/* The certificate as printed (without its own SHA-256 line). */
static char *cert_text(const ops_env *e, json_object *c)
{
    buf b;
    buf_init(&b, e->a);
    buf_printf(&b, "genba erasure certificate #%lld\n", manifest_int(c, "id"));
    buf_printf(&b, "tenant:      %s (%s)\n", manifest_str(c, "tenant"), manifest_str(c, "name"));
    buf_printf(&b, "erased at:   %s\n", manifest_str(c, "erased_at"));
    buf_printf(&b, "erased by:   %s on %s (genbactl tenant erase)\n", manifest_str(c, "os_user"),
               manifest_str(c, "host"));
    buf_adds(&b, "destroyed:\n");
    json_object *d = json_object_object_get(c, "destroyed");
    for (size_t i = 0; d && i < json_object_array_length(d); i++)
        buf_printf(&b, "  - %s\n", json_object_get_string(json_object_array_get_idx(d, i)));
    const char *bg = manifest_str(c, "last_backup_generation"), *bs = manifest_str(c, "last_backup_manifest_sha256");
    const char *xa = manifest_str(c, "last_export_at"), *xs = manifest_str(c, "last_export_manifest_sha256");
    if (bg)
        buf_printf(&b, "last backup: generation %s, manifest SHA-256 %s\n", bg, bs ? bs : "?");
    else
        buf_adds(&b, "last backup: none recorded\n");
    if (xa)
        buf_printf(&b, "last export: %s, manifest SHA-256 %s\n", xa, xs ? xs : "?");
    else
        buf_adds(&b, "last export: none recorded\n");
    return b.data;
}

static void add_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

/* The stored certificate of code, or NULL. */
static json_object *load_cert(const ops_env *e, db_conn *control, const char *code, char *stored_sha)
{
    db_rows r;
    if (db_query(control, e->a,
                 "SELECT id, tenant_code, tenant_name, DATE_FORMAT(erased_at, '%Y-%m-%dT%H:%i:%sZ'), os_user, host, "
                 "destroyed, last_backup_generation, last_backup_manifest_sha256, "
                 "DATE_FORMAT(last_export_at, '%Y-%m-%dT%H:%i:%sZ'), last_export_manifest_sha256, certificate_sha256 "
                 "FROM erasure_certificates WHERE tenant_code = ?",
                 DB_ARGS(DB_STR(code)), &r, NULL) != DB_OK ||
        r.nrows != 1)
        return NULL;
    json_object *c = json_object_new_object();
    json_object_object_add(c, "id", json_object_new_int64(atoll(db_cell(&r, 0, 0))));
    add_str(c, "tenant", db_cell(&r, 0, 1));
    add_str(c, "name", db_cell(&r, 0, 2));
    add_str(c, "erased_at", db_cell(&r, 0, 3));
    add_str(c, "os_user", db_cell(&r, 0, 4));
    add_str(c, "host", db_cell(&r, 0, 5));
    json_object *d = json_tokener_parse(db_cell(&r, 0, 6) ? db_cell(&r, 0, 6) : "[]");
    json_object_object_add(c, "destroyed", d ? d : json_object_new_array());
    add_str(c, "last_backup_generation", db_cell(&r, 0, 7));
    add_str(c, "last_backup_manifest_sha256", db_cell(&r, 0, 8));
    add_str(c, "last_export_at", db_cell(&r, 0, 9));
    add_str(c, "last_export_manifest_sha256", db_cell(&r, 0, 10));
    snprintf(stored_sha, 65, "%s", db_cell(&r, 0, 11) ? db_cell(&r, 0, 11) : "");
    return c;
}

static void finish_result(const ops_env *e, json_object *c, erase_result *r)
{
    r->text = cert_text(e, c);
    unsigned char h[32];
    crypto_sha256(r->text, strlen(r->text), h);
    str_hex(h, 32, r->sha256);
    json_object_object_add(c, "certificate_sha256", json_object_new_string(r->sha256));
    r->certificate_id = manifest_int(c, "id");
    r->json = c;
}

bool tenant_erase(const ops_env *e, const char *code, erase_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    const char *why = tenant_code_problem(code);
    if (why) {
        snprintf(err, errlen, "tenant code '%s': %s", code, why);
        return false;
    }
    db_conn *control = NULL, *admin = NULL;
    json_object *destroyed = NULL, *c = NULL;
    bool ok = false;
    if (!(control = ops_admin(e, e->cfg->control_db, err, errlen)) || !(admin = ops_admin(e, NULL, err, errlen)))
        goto out;
    db_rows t;
    if (db_query(control, e->a,
                 "SELECT id, name, status, db_name, db_user, data_key_wrapped, LENGTH(data_key_wrapped), "
                 "LENGTH(db_password_wrapped) FROM tenants WHERE code = ?",
                 DB_ARGS(DB_STR(code)), &t, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot read tenants (did you run genbactl migrate?): %s", db_error(control));
        goto out;
    }
    if (t.nrows == 0) {
        snprintf(err, errlen, "no tenant %s", code);
        goto out;
    }
    const char *name = db_cell(&t, 0, 1), *status = db_cell(&t, 0, 2), *dbname = db_cell(&t, 0, 3);
    const char *dbuser = db_cell(&t, 0, 4);
    char stored[65];
    if (!strcmp(status, "erased") && (c = load_cert(e, control, code, stored))) {
        finish_result(e, c, r);
        c = NULL;
        r->already = true;
        if (strcmp(stored, r->sha256))
            fprintf(stderr, "genbactl: warning: the stored certificate's SHA-256 (%s) does not match its text\n", stored);
        ok = true;
        goto out;
    }
    if (!strcmp(status, "provisioning")) {
        snprintf(err, errlen, "tenant %s is being provisioned; wait, or run the erase again after it failed", code);
        goto out;
    }
    if (!db_ident_ok(dbname) || !db_ident_ok(dbuser) || strpbrk(e->cfg->db_account_host, "'\\`")) {
        snprintf(err, errlen, "tenant %s has an unexpected database or account name", code);
        goto out;
    }
    destroyed = json_object_new_array();
    bool resumed = !strcmp(status, "erased");

    /* what there is to destroy, measured before */
    db_rows sz;
    if (db_query(admin, e->a,
                 "SELECT COUNT(*), COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables "
                 "WHERE table_schema = ?",
                 DB_ARGS(DB_STR(dbname)), &sz, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot measure database %s: %s", dbname, db_error(admin));
        goto out;
    }
    char size[32];
    str_format_size(strtoull(db_cell(&sz, 0, 1), NULL, 10), size, sizeof size);
    char key_id[17] = "?";
    unsigned char kid[CRYPTO_KEYID_LEN];
    if (t.len[5] >= CRYPTO_SEAL_OVERHEAD && crypto_blob_key_id((const unsigned char *)db_cell(&t, 0, 5), t.len[5], kid) &&
        db_cell(&t, 0, 5)[0] == 1)
        str_hex(kid, CRYPTO_KEYID_LEN, key_id);
    db_rows lb, lx;
    const char *bgen = NULL, *bsha = NULL, *xat = NULL, *xsha = NULL;
    if (db_query(control, e->a,
                 "SELECT g.generation, g.manifest_sha256 FROM backup_files f JOIN backup_generations g "
                 "ON g.generation = f.generation WHERE f.tenant_code = ? ORDER BY g.run_at DESC, g.generation DESC LIMIT 1",
                 DB_ARGS(DB_STR(code)), &lb, NULL) == DB_OK &&
        lb.nrows) {
        bgen = db_cell(&lb, 0, 0);
        bsha = db_cell(&lb, 0, 1);
    }
    if (db_query(control, e->a,
                 "SELECT DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%sZ'), manifest_sha256 FROM tenant_exports WHERE tenant_code = ? "
                 "ORDER BY at DESC, id DESC LIMIT 1",
                 DB_ARGS(DB_STR(code)), &lx, NULL) == DB_OK &&
        lx.nrows) {
        xat = db_cell(&lx, 0, 0);
        xsha = db_cell(&lx, 0, 1);
    }

    /* 1. stop serving */
    ops_progress(e, "erasing", 0, 5);
    if (!resumed && db_query(control, e->a,
                             "UPDATE tenants SET status = 'suspended', status_reason = 'being erased' WHERE code = ?",
                             DB_ARGS(DB_STR(code)), NULL, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot suspend tenant %s: %s", code, db_error(control));
        goto out;
    }
    /* 2. database and account */
    ops_progress(e, "erasing", 1, 5);
    if (db_exec_script(admin, arena_printf(e->a, "DROP DATABASE IF EXISTS `%s`; DROP USER IF EXISTS '%s'@'%s'", dbname,
                                           dbuser, e->cfg->db_account_host)) != DB_OK) {
        snprintf(err, errlen, "cannot drop the database or account of %s: %s (nothing else was changed; run the "
                              "erase again)", code, db_error(admin));
        goto out;
    }
    if (!resumed) {
        json_object_array_add(destroyed, json_object_new_string(arena_printf(
                                              e->a, "database %s (%s tables, %s) dropped", dbname, db_cell(&sz, 0, 0), size)));
        json_object_array_add(destroyed, json_object_new_string(arena_printf(
                                              e->a, "MariaDB account '%s'@'%s' dropped", dbuser, e->cfg->db_account_host)));
    } else {
        json_object_array_add(destroyed, json_object_new_string(arena_printf(
                                              e->a, "database %s and account '%s' (dropped by an earlier run)", dbname, dbuser)));
    }
    /* 3. files */
    ops_progress(e, "erasing", 2, 5);
    char *files = arena_printf(e->a, "%s/%s", e->cfg->data_dir, code);
    struct stat st;
    if (lstat(files, &st) == 0) {
        unsigned nf = count_files(files);
        if (!ops_rmtree(files)) {
            snprintf(err, errlen, "cannot delete %s: %s (run the erase again)", files, strerror(errno));
            goto out;
        }
        json_object_array_add(destroyed, json_object_new_string(
                                              arena_printf(e->a, "files under %s (%u) deleted", files, nf)));
    } else {
        json_object_array_add(destroyed, json_object_new_string(arena_printf(e->a, "files: none under %s", files)));
    }
    /* its background jobs (their parameters name its reports and filters) */
    uint64_t njobs = 0;
    if (db_query(control, e->a, "DELETE FROM jobs WHERE tenant_id = (SELECT id FROM tenants WHERE code = ?)",
                 DB_ARGS(DB_STR(code)), NULL, &njobs) != DB_OK) {
        snprintf(err, errlen, "cannot delete the background jobs of %s: %s (run the erase again)", code,
                 db_error(control));
        goto out;
    }
    if (njobs)
        json_object_array_add(destroyed, json_object_new_string(
                                              arena_printf(e->a, "background jobs (%llu) deleted", (unsigned long long)njobs)));
    /* 4. the keys */
    ops_progress(e, "erasing", 3, 5);
    if (db_query(control, e->a,
                 "UPDATE tenants SET data_key_wrapped = REPEAT(CHAR(0), LENGTH(data_key_wrapped)), "
                 "db_password_wrapped = REPEAT(CHAR(0), LENGTH(db_password_wrapped)), status = 'erased', "
                 "status_reason = ? WHERE code = ?",
                 DB_ARGS(DB_STR(arena_printf(e->a, "erased by %s", e->os_user ? e->os_user : "?")), DB_STR(code)), NULL,
                 NULL) != DB_OK) {
        snprintf(err, errlen, "cannot destroy the keys of %s: %s (run the erase again)", code, db_error(control));
        goto out;
    }
    json_object_array_add(destroyed, json_object_new_string(arena_printf(
                                          e->a, "data key (AES-256, wrapped by master key %s) overwritten with zeros in the "
                                                "control database",
                                          key_id)));
    json_object_array_add(destroyed, json_object_new_string(
                                          "database password overwritten with zeros in the control database"));
    /* 5. the copies of the key in control-DB backups */
    ops_progress(e, "erasing", 4, 5);
    scrub_backups(e, admin, control, code, destroyed);
    ops_progress(e, "", 5, 5);

    /* 6. the certificate */
    char host[256] = "", now[32], sqlnow[32];
    gethostname(host, sizeof host - 1);
    time_t tnow = time(NULL);
    ops_format_time(tnow, now);
    ops_sql_time(tnow, sqlnow);
    char xat_sql[32] = "";
    if (xat) {
        time_t xt;
        if (ops_parse_time(xat, &xt))
            ops_sql_time(xt, xat_sql);
    }
    if (db_query(control, e->a,
                 "INSERT INTO erasure_certificates (tenant_code, tenant_name, erased_at, os_user, host, destroyed, "
                 "last_backup_generation, last_backup_manifest_sha256, last_export_at, last_export_manifest_sha256, "
                 "certificate_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')",
                 DB_ARGS(DB_STR(code), DB_STR(name), DB_STR(sqlnow), DB_STR(e->os_user ? e->os_user : "?"),
                         DB_STR(host), DB_STR(ops_json_text(destroyed, false)), DB_STR(bgen), DB_STR(bsha),
                         DB_STR(xat ? xat_sql : NULL), DB_STR(xsha)),
                 NULL, NULL) != DB_OK) {
        snprintf(err, errlen, "the tenant is erased, but the certificate could not be stored: %s", db_error(control));
        goto out;
    }
    c = json_object_new_object();
    json_object_object_add(c, "id", json_object_new_int64((int64_t)db_insert_id(control)));
    add_str(c, "tenant", code);
    add_str(c, "name", name);
    add_str(c, "erased_at", now);
    add_str(c, "os_user", e->os_user ? e->os_user : "?");
    add_str(c, "host", host);
    json_object_object_add(c, "destroyed", destroyed);
    destroyed = NULL;
    add_str(c, "last_backup_generation", bgen);
    add_str(c, "last_backup_manifest_sha256", bsha);
    add_str(c, "last_export_at", xat);
    add_str(c, "last_export_manifest_sha256", xsha);
    finish_result(e, c, r);
    c = NULL;
    db_query(control, e->a, "UPDATE erasure_certificates SET certificate_sha256 = ? WHERE id = ?",
             DB_ARGS(DB_STR(r->sha256), DB_INT(r->certificate_id)), NULL, NULL);
    ok = true;
out:
    ops_progress(e, "", 1, 1);
    json_object_put(destroyed);
    json_object_put(c);
    db_close(&admin);
    db_close(&control);
    return ok;
}
