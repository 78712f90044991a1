#include "tests.h"
#include "db/migrate.h"
#include "tenant/code.h"
#include "tenant/keys.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
    const char *code;
    bool ok;
} codes[] = {
    {"ab", true}, {"acme", true}, {"tenant-a", true}, {"a1-b2-c3", true},
    {"abcdefghijklmnopqrstuvwxyz012345", true},   /* 32 */
    {"abcdefghijklmnopqrstuvwxyz0123456", false}, /* 33 */
    {"a", false}, {"", false}, {"Acme", false}, {"ac_me", false}, {"ac.me", false},
    {"-ab", false}, {"ab-", false}, {"現場", false}, {"a b", false},
    {"api", false}, {"static", false}, {"healthz", false}, {"metrics", false}, {"manager", false},
};

START_TEST(tenant_codes)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        ck_assert_msg(tenant_code_valid(codes[i].code) == codes[i].ok, "'%s'", codes[i].code);
    ck_assert_ptr_null(tenant_code_problem("acme"));
    ck_assert_ptr_nonnull(strstr(tenant_code_problem("api"), "reserved"));
    char db[64];
    tenant_db_name("tenant-a", db, sizeof db);
    ck_assert_str_eq(db, "genba_t_tenant_a");
}
END_TEST

START_TEST(wrap_binds_tenant)
{
    keyring kr = {.n = 1};
    crypto_random(kr.keys[0], 32);
    unsigned char dk[32], w[32 + CRYPTO_SEAL_OVERHEAD], out[32];
    crypto_random(dk, 32);
    ck_assert(keys_wrap(&kr, "tenant-a", "datakey", dk, 32, w));
    ck_assert(keys_unwrap(&kr, "tenant-a", "datakey", w, sizeof w, out));
    ck_assert_mem_eq(out, dk, 32);
    ck_assert(!keys_unwrap(&kr, "tenant-b", "datakey", w, sizeof w, out)); /* another tenant */
    ck_assert(!keys_unwrap(&kr, "tenant-a", "dbpass", w, sizeof w, out));  /* another purpose */
    w[20] ^= 0x04;
    ck_assert(!keys_unwrap(&kr, "tenant-a", "datakey", w, sizeof w, out)); /* one flipped bit */
    w[20] ^= 0x04;
    /* a keyring holding old and new keys opens blobs of either */
    keyring k2 = {.n = 2};
    crypto_random(k2.keys[0], 32);
    memcpy(k2.keys[1], kr.keys[0], 32);
    ck_assert(keys_unwrap(&k2, "tenant-a", "datakey", w, sizeof w, out));
    keyring other = {.n = 1};
    crypto_random(other.keys[0], 32);
    ck_assert(!keys_unwrap(&other, "tenant-a", "datakey", w, sizeof w, out));
}
END_TEST

START_TEST(data_seal_binds_object)
{
    unsigned char dk[32];
    crypto_random(dk, 32);
    const char img[] = "\x89PNG fake image bytes";
    unsigned char s[sizeof img + CRYPTO_SEAL_OVERHEAD], out[sizeof img];
    ck_assert(tenant_seal(dk, "tenant-a", "attachment", "r1/1/4", img, sizeof img, s));
    ck_assert(tenant_open(dk, "tenant-a", "attachment", "r1/1/4", s, sizeof s, out));
    ck_assert(!tenant_open(dk, "tenant-b", "attachment", "r1/1/4", s, sizeof s, out));
    ck_assert(!tenant_open(dk, "tenant-a", "attachment", "r2/1/4", s, sizeof s, out));
}
END_TEST

START_TEST(key_files)
{
    char dir[] = "/tmp/genba-keys-XXXXXX", path[128], err[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/master.key", dir);
    bool created;
    ck_assert_msg(keyring_create_file(path, &created, err, sizeof err), "%s", err);
    ck_assert(created);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert(keyring_create_file(path, &created, err, sizeof err));
    ck_assert(!created); /* kept */
    keyring kr;
    ck_assert_msg(keyring_load(&kr, path, err, sizeof err), "%s", err);
    ck_assert_uint_eq(kr.n, 1);
    /* a readable-by-others key file is refused */
    chmod(path, 0644);
    ck_assert(!keyring_load(&kr, path, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
    chmod(path, 0600);
    /* hand-over through a pipe */
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    keyring back;
    ck_assert(keyring_load(&kr, path, err, sizeof err));
    ck_assert(keyring_to_fd(&kr, p[1]));
    close(p[1]);
    ck_assert(keyring_from_fd(&back, p[0]));
    close(p[0]);
    ck_assert_uint_eq(back.n, kr.n);
    ck_assert_mem_eq(back.keys[0], kr.keys[0], 32);
    /* garbage in the file */
    FILE *f = fopen(path, "w");
    fputs("not a key at all, not a key at all, not a key at all, not a key!!\n", f);
    fclose(f);
    chmod(path, 0600);
    ck_assert(!keyring_load(&kr, path, err, sizeof err));
    unlink(path);
    ck_assert(!keyring_load(&kr, path, err, sizeof err));
    rmdir(dir);
}
END_TEST

START_TEST(migrations_embedded)
{
    ck_assert_int_ge(migrate_known_version(MIGRATE_CONTROL), 1);
    ck_assert_int_ge(migrate_known_version(MIGRATE_TENANT), 1);
    int prev = 0;
    for (const migration *m = migrations_tenant; m->name; m++) {
        ck_assert_int_gt(m->version, prev); /* strictly increasing */
        prev = m->version;
        ck_assert(strstr(m->sql, "CREATE") || strstr(m->sql, "ALTER")); /* each one changes the schema */
    }
}
END_TEST

/* A number missing from the list (reserved by another branch) is no gap;
 * a migration added below one already applied holds the version back
 * until it is applied too. */
START_TEST(migrations_with_gaps)
{
    static const migration without4[] = {{1, "0001-a", "CREATE"}, {2, "0002-b", "CREATE"}, {3, "0003-c", "CREATE"},
                                         {5, "0005-e", "CREATE"}, {0, NULL, NULL}};
    static const migration with4[] = {{1, "0001-a", "CREATE"}, {2, "0002-b", "CREATE"}, {3, "0003-c", "CREATE"},
                                      {4, "0004-d", "CREATE"}, {5, "0005-e", "CREATE"}, {0, NULL, NULL}};
    int all_but4[] = {1, 2, 3, 5}, first3[] = {1, 2, 3}, all[] = {1, 2, 3, 4, 5}, from2[] = {2, 3};
    ck_assert_int_eq(migrate_version_in(without4, all_but4, 4), 5);
    ck_assert_int_eq(migrate_version_in(without4, first3, 3), 3);
    ck_assert_int_eq(migrate_version_in(without4, NULL, 0), 0);
    ck_assert_int_eq(migrate_version_in(without4, from2, 2), 0);
    /* the build that brings 0004: a database at 1,2,3,5 is at version 3 (pending) */
    ck_assert_int_eq(migrate_version_in(with4, all_but4, 4), 3);
    ck_assert_int_eq(migrate_version_in(with4, all, 5), 5);
    /* a newer build's migration: that version, so a server can refuse it */
    int newer[] = {1, 2, 3, 4, 5, 105};
    ck_assert_int_eq(migrate_version_in(with4, newer, 6), 105);
    ck_assert_int_eq(migrate_version_in(without4, newer, 6), 105);
    /* the project's own list: every known migration applied is the known version */
    int v[64];
    size_t n = 0;
    for (const migration *m = migrations_tenant; m->name && n < 64; m++)
        v[n++] = m->version;
    ck_assert_int_eq(migrate_version_of(MIGRATE_TENANT, v, n), migrate_known_version(MIGRATE_TENANT));
}
END_TEST

Suite *suite_tenant(void)
{
    Suite *s = suite_create("tenant");
    TCase *t = tcase_create("tenant");
    tcase_add_test(t, tenant_codes);
    tcase_add_test(t, wrap_binds_tenant);
    tcase_add_test(t, data_seal_binds_object);
    tcase_add_test(t, key_files);
    tcase_add_test(t, migrations_embedded);
    tcase_add_test(t, migrations_with_gaps);
    suite_add_tcase(s, t);
    return s;
}
