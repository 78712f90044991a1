/* verify.c - genbactl backup verify and backup extract (see backup.h). */
#include "ops/backup.h"
#include "ops/bkfile.h"
#include "ops/dbproc.h"
#include "ops/manifest.h"
#include "util/crypto.h"
#include "util/recio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void verify_one(const ops_env *e, db_conn *admin, db_conn *control, const bk_gen *g, json_object *f,
                       bool named, verify_item *it)
{
    const char *tenant = manifest_str(f, "tenant"), *file = manifest_str(f, "file");
    it->what = arena_strdup(e->a, tenant ? tenant : "control");   /* outlives the manifest */
    if (!file || strchr(file, '/')) {
        snprintf(it->msg, sizeof it->msg, "the manifest names no usable file");
        return;
    }
    char *path = arena_printf(e->a, "%s/%s", g->path, file);
    char sha[65], err[600] = "";
    uint64_t size = 0;
    if (!ops_sha256_file(path, sha, &size)) {
        snprintf(it->msg, sizeof it->msg, "%s is missing or unreadable: %s", file, strerror(errno));
        return;
    }
    const char *want = manifest_str(f, "sha256");
    bool sha_ok = want && !strcmp(want, sha);
    char note[200] = "";
    if (!sha_ok)
        snprintf(note, sizeof note, "%s (%llu bytes) does not match its SHA-256 in the manifest (%llu bytes); ", file,
                 (unsigned long long)size, (unsigned long long)manifest_int(f, "bytes"));
    unsigned char dk[CRYPTO_KEY_LEN];
    bk_key key = {.kind = tenant ? BK_TENANT : BK_CONTROL, .owner = tenant ? tenant : BK_CONTROL_OWNER, .datakey = dk,
                  .kr = e->kr};
    if (tenant) {
        ops_key_status ks = ops_tenant_key(e, control, tenant, dk, err, sizeof err);
        if (ks == OPS_KEY_ERASED && !named && sha_ok) {
            it->skipped = true;
            it->ok = true;
            snprintf(it->msg, sizeof it->msg, "skipped: the tenant was erased, its key destroyed (the file is intact)");
            return;
        }
        if (ks != OPS_KEY_OK) {
            snprintf(it->msg, sizeof it->msg, "%s%s", note, err);
            return;
        }
    }
    char scratch[65] = "";
    if (!ops_scratch_create(e, admin, "verify", scratch, err, sizeof err)) {
        crypto_wipe(dk, sizeof dk);
        snprintf(it->msg, sizeof it->msg, "%s", err);
        return;
    }
    bk_status bst;
    bk_stats st;
    bool loaded = ops_load_file(e, path, &key, g->id, scratch, &bst, &st, err, sizeof err);
    crypto_wipe(dk, sizeof dk);
    if (!loaded) {
        snprintf(it->msg, sizeof it->msg, "%s%s%s", note, bst == BK_OK ? "the dump does not load: " : "", err);
        ops_scratch_drop(e, admin, scratch);
        return;
    }
    json_object *sums = ops_table_sums(e, admin, scratch, err, sizeof err);
    ops_scratch_drop(e, admin, scratch);
    if (!sums) {
        snprintf(it->msg, sizeof it->msg, "%s", err);
        return;
    }
    json_object *want_sums = json_object_object_get(f, "tables");
    bool same = ops_sums_equal(want_sums, sums, err, sizeof err);
    long long rows = 0;
    int ntables = 0;
    json_object_object_foreach(sums, name, v) {
        (void)name;
        rows += json_object_get_int64(json_object_object_get(v, "rows"));
        ntables++;
    }
    json_object_put(sums);
    if (!same) {
        snprintf(it->msg, sizeof it->msg, "%sthe restored tables differ from the manifest: %s", note, err);
        return;
    }
    if (!sha_ok) {
        snprintf(it->msg, sizeof it->msg, "%sits content still decrypts and matches", note);
        return;
    }
    it->ok = true;
    snprintf(it->msg, sizeof it->msg, "%d tables, %lld rows, checksums match", ntables, rows);
}

bool backup_verify(const ops_env *e, const char *gen, const char *tenant, char *gen_out, verify_item **items,
                   size_t *nitems, char *err, size_t errlen)
{
    bk_gen g;
    *items = NULL;
    *nitems = 0;
    if (!manifest_get(e, gen, &g, err, errlen))
        return false;
    snprintf(gen_out, 48, "%s", g.id);
    db_conn *admin = NULL, *control = NULL;
    bool ok = false;
    if (!(admin = ops_admin(e, NULL, err, errlen)) || !(control = ops_admin(e, e->cfg->control_db, err, errlen)))
        goto out;
    json_object *files = json_object_object_get(g.m, "files"), *failed = json_object_object_get(g.m, "failed");
    size_t nf = files ? json_object_array_length(files) : 0, nx = failed ? json_object_array_length(failed) : 0;
    verify_item *it = arena_calloc(e->a, nf + nx + 1, sizeof *it);
    size_t n = 0;
    if (tenant && !manifest_file(g.m, tenant)) {
        bool was_failed = false;
        for (size_t i = 0; i < nx; i++)
            was_failed |= !strcmp(manifest_str(json_object_array_get_idx(failed, i), "tenant"), tenant);
        snprintf(err, errlen, "generation %s holds no backup of tenant %s%s", g.id, tenant,
                 was_failed ? " (its backup failed in that run)" : "");
        goto out;
    }
    size_t todo = 0;
    for (size_t i = 0; i < nf; i++) {
        const char *t = manifest_str(json_object_array_get_idx(files, i), "tenant");
        todo += !tenant || (t && !strcmp(t, tenant));
    }
    ok = true;
    for (size_t i = 0; i < nf; i++) {
        json_object *f = json_object_array_get_idx(files, i);
        const char *t = manifest_str(f, "tenant");
        if (tenant && (!t || strcmp(t, tenant)))
            continue;
        ops_progress(e, "verifying", (unsigned)n, (unsigned)todo);
        verify_one(e, admin, control, &g, f, tenant != NULL, &it[n]);
        ok = ok && it[n].ok;
        n++;
    }
    ops_progress(e, "", 1, 1);
    for (size_t i = 0; !tenant && i < nx; i++) {
        json_object *x = json_object_array_get_idx(failed, i);
        it[n].what = arena_strdup(e->a, manifest_str(x, "tenant"));
        snprintf(it[n].msg, sizeof it[n].msg, "not in this generation: its backup failed (%s)", manifest_str(x, "error"));
        ok = false;
        n++;
    }
    *items = it;
    *nitems = n;
    if (!ok)
        snprintf(err, errlen, "generation %s did not verify", g.id);
out:
    db_close(&control);
    db_close(&admin);
    manifest_gen_free(&g);
    return ok;
}

typedef struct fd_sink {
    int fd;
} fd_sink;

static bool to_fd(void *arg, const void *p, size_t n)
{
    return recio_write_all(((fd_sink *)arg)->fd, p, n);
}

bool backup_extract(const ops_env *e, const char *gen, const char *tenant, int fd, char *err, size_t errlen)
{
    bk_gen g;
    if (!manifest_get(e, gen, &g, err, errlen))
        return false;
    bool ok = false;
    db_conn *control = NULL;
    unsigned char dk[CRYPTO_KEY_LEN];
    json_object *f = manifest_file(g.m, tenant);
    if (!f) {
        snprintf(err, errlen, "generation %s holds no backup of %s%s", g.id, tenant ? "tenant " : "the control database",
                 tenant ? tenant : "");
        goto out;
    }
    if (tenant) {
        if (!(control = ops_admin(e, e->cfg->control_db, err, errlen)) ||
            ops_tenant_key(e, control, tenant, dk, err, errlen) != OPS_KEY_OK)
            goto out;
    }
    bk_key key = {.kind = tenant ? BK_TENANT : BK_CONTROL, .owner = tenant ? tenant : BK_CONTROL_OWNER, .datakey = dk,
                  .kr = e->kr};
    fd_sink s = {.fd = fd};
    bk_status st = bk_read(arena_printf(e->a, "%s/%s", g.path, manifest_str(f, "file")), &key, g.id, to_fd, &s, NULL,
                           err, errlen);
    if (st == BK_SINK)
        snprintf(err, errlen, "cannot write the dump: %s", strerror(errno));
    ok = st == BK_OK;
out:
    crypto_wipe(dk, sizeof dk);
    db_close(&control);
    manifest_gen_free(&g);
    return ok;
}
