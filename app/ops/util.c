/* util.c - shared helpers of the operator's commands (see ops.h). */
#include "ops/ops.h"
#include "tenant/code.h"
#include "util/recio.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void ops_progress(const ops_env *e, const char *label, unsigned i, unsigned n)
{
    if (e->progress)
        e->progress(e->progress_arg, label, i, n);
}

db_conn *ops_admin(const ops_env *e, const char *db, char *err, size_t errlen)
{
    bool gone = false;
    db_params p = {.socket = e->cfg->db_socket, .host = e->cfg->db_host, .port = e->cfg->db_port,
                   .user = e->cfg->admin_user, .password = e->cfg->admin_password, .database = db,
                   .multi_statements = true};
    db_conn *c = db_open(&p, err, errlen, &gone);
    if (!c && gone) {
        size_t l = strlen(err);
        snprintf(err + l, errlen - l, " (is MariaDB running, and is db_socket right in %s?)", e->cfg->path);
    }
    return c;
}

bool ops_scratch_create(const ops_env *e, db_conn *admin, const char *purpose, char name[65], char *err,
                        size_t errlen)
{
    char rnd[9];
    if (!crypto_token_hex(4, rnd)) {
        snprintf(err, errlen, "the random number generator failed");
        return false;
    }
    snprintf(name, 65, "genba_%s_%lld_%s", purpose, (long long)time(NULL), rnd);
    if (!db_ident_ok(name)) {
        snprintf(err, errlen, "bad scratch database name %s", name);
        name[0] = '\0';
        return false;
    }
    char *sql = arena_printf(e->a, "CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", name);
    if (db_exec_script(admin, sql) != DB_OK) {
        snprintf(err, errlen, "cannot create scratch database %s: %s", name, db_error(admin));
        name[0] = '\0';
        return false;
    }
    return true;
}

void ops_scratch_drop(const ops_env *e, db_conn *admin, const char *name)
{
    if (!admin || !name || !name[0] || !db_ident_ok(name))
        return;
    db_exec_script(admin, arena_printf(e->a, "DROP DATABASE IF EXISTS `%s`", name));
}

void ops_scratch_sweep(const ops_env *e, db_conn *admin, long max_age)
{
    static const char *const purposes[] = {"verify", "check", "restore", "old", "scrub", NULL};
    db_rows r;
    if (db_query(admin, e->a,
                 "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'genba\\_%\\_%\\_%'",
                 DB_NOARGS, &r, NULL) != DB_OK)
        return;
    time_t now = time(NULL);
    for (size_t i = 0; i < r.nrows; i++) {
        const char *n = db_cell(&r, i, 0);
        for (const char *const *p = purposes; *p; p++) {
            size_t pl = strlen(*p);
            if (strncmp(n + 6, *p, pl) || n[6 + pl] != '_')
                continue;
            long long t = atoll(n + 6 + pl + 1);
            if (t > 0 && now - t > max_age)
                ops_scratch_drop(e, admin, n);
        }
    }
}

const char **ops_tables(const ops_env *e, db_conn *admin, const char *db, size_t *n, char *err, size_t errlen)
{
    db_rows r;
    *n = 0;
    if (db_query(admin, e->a,
                 "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                 "AND table_type = 'BASE TABLE' ORDER BY table_name",
                 DB_ARGS(DB_STR(db)), &r, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot list the tables of %s: %s", db, db_error(admin));
        return NULL;
    }
    const char **t = arena_calloc(e->a, r.nrows + 1, sizeof *t);
    for (size_t i = 0; i < r.nrows; i++) {
        t[i] = db_cell(&r, i, 0);
        if (!t[i] || !db_ident_ok(t[i])) {
            snprintf(err, errlen, "database %s holds a table with an unexpected name", db);
            return NULL;
        }
    }
    *n = r.nrows;
    return t;
}

json_object *ops_table_sums(const ops_env *e, db_conn *admin, const char *db, char *err, size_t errlen)
{
    size_t n;
    const char **t = ops_tables(e, admin, db, &n, err, errlen);
    if (!t)
        return NULL;
    json_object *out = json_object_new_object();
    if (n == 0)
        return out;
    /* one CHECKSUM TABLE and one COUNT(*) query for every table */
    buf ck, cnt;
    buf_init(&ck, e->a);
    buf_init(&cnt, e->a);
    buf_adds(&ck, "CHECKSUM TABLE ");
    for (size_t i = 0; i < n; i++) {
        buf_printf(&ck, "%s`%s`.`%s`", i ? ", " : "", db, t[i]);
        buf_printf(&cnt, "%sSELECT %zu, COUNT(*) FROM `%s`.`%s`", i ? " UNION ALL " : "", i, db, t[i]);
    }
    db_rows rc, rn;
    if (db_query(admin, e->a, ck.data, DB_NOARGS, &rc, NULL) != DB_OK ||
        db_query(admin, e->a, cnt.data, DB_NOARGS, &rn, NULL) != DB_OK || rc.nrows != n || rn.nrows != n) {
        snprintf(err, errlen, "cannot checksum the tables of %s: %s", db, db_error(admin));
        json_object_put(out);
        return NULL;
    }
    long long *rows = arena_calloc(e->a, n, sizeof *rows);
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)atoll(db_cell(&rn, i, 0));
        if (k < n)
            rows[k] = atoll(db_cell(&rn, i, 1));
    }
    for (size_t i = 0; i < n; i++) {
        /* CHECKSUM TABLE answers "db.table" in the order asked */
        const char *name = db_cell(&rc, i, 0), *dot = name ? strchr(name, '.') : NULL;
        const char *sum = db_cell(&rc, i, 1);
        if (!dot || strcmp(dot + 1, t[i])) {
            snprintf(err, errlen, "unexpected CHECKSUM TABLE answer for %s.%s", db, t[i]);
            json_object_put(out);
            return NULL;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "rows", json_object_new_int64(rows[i]));
        json_object_object_add(o, "checksum", json_object_new_string(sum ? sum : "null"));
        json_object_object_add(out, t[i], o);
    }
    return out;
}

bool ops_sums_equal(json_object *want, json_object *got, char *err, size_t errlen)
{
    if (!want || !json_object_is_type(want, json_type_object)) {
        snprintf(err, errlen, "the manifest has no table checksums");
        return false;
    }
    json_object_object_foreach(want, name, w) {
        json_object *g;
        if (!json_object_object_get_ex(got, name, &g)) {
            snprintf(err, errlen, "table %s is missing", name);
            return false;
        }
        json_object *wr = json_object_object_get(w, "rows"), *gr = json_object_object_get(g, "rows");
        json_object *wc = json_object_object_get(w, "checksum"), *gc = json_object_object_get(g, "checksum");
        if (json_object_get_int64(wr) != json_object_get_int64(gr)) {
            snprintf(err, errlen, "table %s: %lld rows, the manifest says %lld", name,
                     (long long)json_object_get_int64(gr), (long long)json_object_get_int64(wr));
            return false;
        }
        if (strcmp(json_object_get_string(wc) ? json_object_get_string(wc) : "",
                   json_object_get_string(gc) ? json_object_get_string(gc) : "")) {
            snprintf(err, errlen, "table %s: checksum %s, the manifest says %s", name, json_object_get_string(gc),
                     json_object_get_string(wc));
            return false;
        }
    }
    json_object_object_foreach(got, gname, gv) {
        (void)gv;
        if (!json_object_object_get_ex(want, gname, NULL)) {
            snprintf(err, errlen, "table %s is not in the manifest", gname);
            return false;
        }
    }
    return true;
}

ops_key_status ops_tenant_key(const ops_env *e, db_conn *control, const char *code,
                              unsigned char key[CRYPTO_KEY_LEN], char *err, size_t errlen)
{
    db_rows r;
    if (db_query(control, e->a,
                 "SELECT t.status, t.data_key_wrapped, "
                 "(SELECT CONCAT('certificate #', c.id, ', ', DATE_FORMAT(c.erased_at, '%Y-%m-%d %H:%i:%sZ')) "
                 " FROM erasure_certificates c WHERE c.tenant_code = t.code) "
                 "FROM tenants t WHERE t.code = ?",
                 DB_ARGS(DB_STR(code)), &r, NULL) != DB_OK) {
        snprintf(err, errlen, "cannot read tenant %s from the control database: %s", code, db_error(control));
        return OPS_KEY_ERROR;
    }
    if (r.nrows == 0) {
        snprintf(err, errlen,
                 "tenant %s is not in the control database, so its data key is not available "
                 "(restore the control database first if it was lost)",
                 code);
        return OPS_KEY_MISSING;
    }
    const char *status = db_cell(&r, 0, 0), *cert = db_cell(&r, 0, 2);
    if (!strcmp(status, "erased")) {
        snprintf(err, errlen,
                 "tenant %s was erased (%s): its data key was destroyed, so its backups can no longer be read",
                 code, cert ? cert : "no certificate recorded");
        return OPS_KEY_ERASED;
    }
    size_t len = r.len[1];
    if (len != CRYPTO_KEY_LEN + CRYPTO_SEAL_OVERHEAD ||
        !keys_unwrap(e->kr, code, "datakey", (const unsigned char *)db_cell(&r, 0, 1), len, key)) {
        snprintf(err, errlen, "the data key of tenant %s does not unwrap with the master key (wrong key_file?)", code);
        return OPS_KEY_ERROR;
    }
    return OPS_KEY_OK;
}

bool ops_mkdirs(const char *path, unsigned mode, char *err, size_t errlen)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p) {
        snprintf(err, errlen, "path too long: %s", path);
        return false;
    }
    for (char *s = p + 1;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = '\0';
            if (mkdir(p, mode) != 0 && errno != EEXIST) {
                snprintf(err, errlen, "cannot create directory %s: %s", p, strerror(errno));
                return false;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s is not a directory", path);
        return false;
    }
    return true;
}

static bool rmtree_at(int dirfd, const char *name)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode))
        return unlinkat(dirfd, name, 0) == 0 || errno == ENOENT;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return false;
    }
    bool ok = true;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            ok = rmtree_at(fd, de->d_name) && ok;
    closedir(d);
    return unlinkat(dirfd, name, AT_REMOVEDIR) == 0 && ok;
}

bool ops_rmtree(const char *path)
{
    return rmtree_at(AT_FDCWD, path);
}

bool ops_sha256_file(const char *path, char hex[65], uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    unsigned char b[65536];
    uint64_t total = 0;
    ssize_t n = 0;
    while (ok && (n = read(fd, b, sizeof b)) > 0) {
        ok = EVP_DigestUpdate(md, b, (size_t)n) == 1;
        total += (uint64_t)n;
    }
    if (n < 0)
        ok = false;
    unsigned char h[32];
    unsigned hl = 32;
    ok = ok && EVP_DigestFinal_ex(md, h, &hl) == 1;
    EVP_MD_CTX_free(md);
    close(fd);
    if (ok) {
        str_hex(h, 32, hex);
        if (size)
            *size = total;
    }
    return ok;
}

bool ops_parse_time(const char *s, time_t *out)
{
    struct tm t;
    memset(&t, 0, sizeof t);
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &t);
    if (!end || (*end != 'Z' && *end != '\0') || (*end == 'Z' && end[1]))
        return false;
    *out = timegm(&t);
    return *out != (time_t)-1;
}

void ops_format_time(time_t t, char out[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ops_sql_time(time_t t, char out[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M:%S.000", &tm);
}

void ops_sql_now(char out[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char b[24];
    strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out, 32, "%.20s.%03d", b, (int)(ts.tv_nsec / 1000000) % 1000);
}

const char *ops_json_text(json_object *o, bool pretty)
{
    return json_object_to_json_string_ext(o, (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
                                                     : JSON_C_TO_STRING_PLAIN) |
                                                 JSON_C_TO_STRING_NOSLASHESCAPE);
}
