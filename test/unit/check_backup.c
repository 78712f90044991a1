/* Backups: retention (tags, which generations stay) and the encrypted
 * backup file (round trip, corruption, truncation, wrong key or owner). */
#include "tests.h"
#include "ops/bkfile.h"
#include "ops/manifest.h"
#include "ops/retention.h"
#include "util/crypto.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static time_t utc(int y, int m, int d, int h)
{
    struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h};
    return timegm(&t);
}

static void use_utc(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
}

START_TEST(retention_tags_by_day)
{
    use_utc();
    /* 2026-03-01 is a Sunday, the first of the month */
    ck_assert_uint_eq(retention_tags(utc(2026, 3, 1, 1)), BK_DAILY | BK_WEEKLY | BK_MONTHLY);
    ck_assert_uint_eq(retention_tags(utc(2026, 3, 2, 1)), BK_DAILY);
    ck_assert_uint_eq(retention_tags(utc(2026, 3, 8, 1)), BK_DAILY | BK_WEEKLY);       /* second Sunday */
    ck_assert_uint_eq(retention_tags(utc(2026, 2, 1, 1)), BK_DAILY | BK_WEEKLY | BK_MONTHLY);
    ck_assert_uint_eq(retention_tags(utc(2026, 4, 5, 1)), BK_DAILY | BK_WEEKLY | BK_MONTHLY);  /* 5th: first Sunday */
    ck_assert_uint_eq(retention_tags(utc(2026, 4, 12, 1)), BK_DAILY | BK_WEEKLY);
    char s[40];
    retention_tags_format(BK_DAILY | BK_WEEKLY | BK_MONTHLY, s, sizeof s);
    ck_assert_str_eq(s, "daily,weekly,monthly");
    retention_tags_format(BK_DAILY, s, sizeof s);
    ck_assert_str_eq(s, "daily");
    retention_tags_format(BK_WEEKLY | BK_MONTHLY, s, sizeof s);
    ck_assert_str_eq(s, "weekly,monthly");
    ck_assert_uint_eq(retention_tags_parse("daily,monthly"), BK_DAILY | BK_MONTHLY);
    ck_assert_uint_eq(retention_tags_parse("weekly"), BK_WEEKLY);
    ck_assert_uint_eq(retention_tags_parse(""), 0);
}
END_TEST

/* 70 daily runs at 01:00 from 2026-01-05: what stays with 2/4/3. */
START_TEST(retention_seventy_days)
{
    use_utc();
    retention_gen g[70];
    unsigned kept[70];
    time_t first = utc(2026, 1, 5, 1);
    for (int i = 0; i < 70; i++) {
        time_t t = first + (time_t)(69 - i) * 86400;   /* newest first */
        g[i] = (retention_gen){.at = t, .tags = retention_tags(t), .complete = true};
    }
    retention_select(g, 70, 2, 4, 3, kept);
    /* newest: 2026-03-15 (Sunday); daily keeps 03-15 and 03-14 */
    int n = 0;
    for (int i = 0; i < 70; i++) {
        if (!kept[i])
            continue;
        n++;
        struct tm tm;
        gmtime_r(&g[i].at, &tm);
        int md = (tm.tm_mon + 1) * 100 + tm.tm_mday;
        switch (md) {
        case 315: ck_assert_uint_eq(kept[i], BK_DAILY | BK_WEEKLY); break;
        case 314: ck_assert_uint_eq(kept[i], BK_DAILY); break;
        case 308: ck_assert_uint_eq(kept[i], BK_WEEKLY); break;
        case 301: ck_assert_uint_eq(kept[i], BK_WEEKLY | BK_MONTHLY); break;
        case 222: ck_assert_uint_eq(kept[i], BK_WEEKLY); break;
        case 201: ck_assert_uint_eq(kept[i], BK_MONTHLY); break;
        default: ck_abort_msg("kept %02d-%02d (%u)", tm.tm_mon + 1, tm.tm_mday, kept[i]);
        }
    }
    /* January's first Sunday (the 4th) is before the first run: two monthly ones */
    ck_assert_int_eq(n, 6);
}
END_TEST

START_TEST(retention_skips_missing_and_incomplete)
{
    use_utc();
    /* newest first: today incomplete, a gap of two days, then two complete days */
    retention_gen g[4] = {
        {.at = utc(2026, 3, 10, 1), .tags = BK_DAILY, .complete = false},
        {.at = utc(2026, 3, 7, 13), .tags = BK_DAILY, .complete = true},
        {.at = utc(2026, 3, 7, 1), .tags = BK_DAILY, .complete = true},   /* the same day, older */
        {.at = utc(2026, 3, 6, 1), .tags = BK_DAILY, .complete = true},
    };
    unsigned kept[4];
    retention_select(g, 4, 2, 4, 3, kept);
    ck_assert_uint_eq(kept[0], 0);
    ck_assert_uint_eq(kept[1], BK_DAILY);
    ck_assert_uint_eq(kept[2], 0);
    ck_assert_uint_eq(kept[3], BK_DAILY);
}
END_TEST

START_TEST(generation_names)
{
    ck_assert(manifest_id_ok("20260301T010000Z"));
    ck_assert(manifest_id_ok("20260301T010000Z-2"));
    ck_assert(!manifest_id_ok("20260301T010000Z-"));
    ck_assert(!manifest_id_ok("../20260301T0100"));
    ck_assert(!manifest_id_ok("20260301T010000Z/.."));
    ck_assert(!manifest_id_ok(".partial-20260301T010000Z"));
    ck_assert(!manifest_id_ok(""));
}
END_TEST

/* --- the backup file --- */

static char tmpdir[64];
static unsigned char dk[CRYPTO_KEY_LEN];

static void setup_dir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/genba-bk-unit.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    crypto_random(dk, sizeof dk);
}

static void teardown_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

typedef struct collect {
    unsigned char *p;
    size_t n, cap;
} collect;

static bool sink(void *arg, const void *p, size_t n)
{
    collect *c = arg;
    if (c->n + n > c->cap) {
        c->cap = (c->n + n) * 2;
        c->p = realloc(c->p, c->cap);
    }
    memcpy(c->p + c->n, p, n);
    c->n += n;
    return true;
}

/* A dump-like input: random (incompressible) bytes and text, > 2 chunks. */
static unsigned char *make_input(size_t *n)
{
    size_t len = 3 * BK_CHUNK + 12345;
    unsigned char *b = malloc(len);
    crypto_random(b, 2 * BK_CHUNK + 1000);
    for (size_t i = 2 * BK_CHUNK + 1000; i < len; i++)
        b[i] = (unsigned char)("INSERT INTO t VALUES (1,'x');\n"[i % 30]);
    *n = len;
    return b;
}

static void write_file(const char *path, const bk_key *k, const char *gen, const unsigned char *in, size_t n,
                       bk_stats *st)
{
    char err[300];
    bk_writer *w = bk_writer_new(path, k, gen, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    for (size_t off = 0; off < n; off += 70000)
        ck_assert_msg(bk_writer_add(w, in + off, n - off < 70000 ? n - off : 70000, err, sizeof err), "%s", err);
    ck_assert_msg(bk_writer_finish(&w, st, err, sizeof err), "%s", err);
    ck_assert_ptr_null(w);
}

static void patch(const char *path, off_t at, int delta_or_truncate, bool truncate)
{
    int fd = open(path, O_RDWR);
    ck_assert_int_ge(fd, 0);
    if (truncate) {
        ck_assert_int_eq(ftruncate(fd, at), 0);
    } else {
        unsigned char c;
        ck_assert_int_eq(pread(fd, &c, 1, at), 1);
        c ^= (unsigned char)delta_or_truncate;
        ck_assert_int_eq(pwrite(fd, &c, 1, at), 1);
    }
    close(fd);
}

START_TEST(bkfile_round_trip)
{
    size_t n;
    unsigned char *in = make_input(&n);
    char path[128], err[300];
    snprintf(path, sizeof path, "%s/t.enc", tmpdir);
    bk_key k = {.kind = BK_TENANT, .owner = "bk-a", .datakey = dk};
    bk_stats st, rst;
    write_file(path, &k, "20260301T010000Z", in, n, &st);
    ck_assert_uint_eq(st.plain, n);
    ck_assert_uint_ge(st.records, 3);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_uint_eq((uint64_t)sb.st_size, st.size);
    ck_assert_uint_eq(sb.st_mode & 0777, 0600);
    collect c = {0};
    ck_assert_int_eq(bk_read(path, &k, "20260301T010000Z", sink, &c, &rst, err, sizeof err), BK_OK);
    ck_assert_uint_eq(c.n, n);
    ck_assert(memcmp(c.p, in, n) == 0);
    ck_assert_str_eq(rst.sha256, st.sha256);
    ck_assert_str_eq(rst.plain_sha256, st.plain_sha256);
    /* no plain text in the file */
    FILE *f = fopen(path, "rb");
    unsigned char *all = malloc(st.size);
    ck_assert_uint_eq(fread(all, 1, st.size, f), st.size);
    fclose(f);
    ck_assert_ptr_null(memmem(all, st.size, "INSERT INTO", 11));
    ck_assert(memcmp(all, "GENBA-BACKUP 1 tenant bk-a 20260301T010000Z zlib\n", 49) == 0);
    free(all);
    /* another tenant's name or generation does not open it */
    bk_key other = {.kind = BK_TENANT, .owner = "bk-b", .datakey = dk};
    ck_assert_int_eq(bk_read(path, &other, "20260301T010000Z", NULL, NULL, NULL, err, sizeof err), BK_HEADER);
    ck_assert_int_eq(bk_read(path, &k, "20260302T010000Z", NULL, NULL, NULL, err, sizeof err), BK_HEADER);
    /* the wrong key */
    unsigned char wrong[CRYPTO_KEY_LEN];
    crypto_random(wrong, sizeof wrong);
    bk_key wk = {.kind = BK_TENANT, .owner = "bk-a", .datakey = wrong};
    ck_assert_int_eq(bk_read(path, &wk, "20260301T010000Z", NULL, NULL, NULL, err, sizeof err), BK_CORRUPT);
    ck_assert_ptr_nonnull(strstr(err, "record 0"));
    free(c.p);
    free(in);
}
END_TEST

START_TEST(bkfile_damage_is_detected)
{
    size_t n;
    unsigned char *in = make_input(&n);
    char path[128], err[300];
    snprintf(path, sizeof path, "%s/t.enc", tmpdir);
    bk_key k = {.kind = BK_TENANT, .owner = "bk-a", .datakey = dk};
    const char *gen = "20260301T010000Z";
    bk_stats st;
    /* one flipped bit anywhere after the header */
    const off_t spots[] = {60, 1000, (off_t)BK_CHUNK, (off_t)(2 * BK_CHUNK + 77)};
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
        unlink(path);
        write_file(path, &k, gen, in, n, &st);
        patch(path, spots[i], 0x10, false);
        bk_status s = bk_read(path, &k, gen, NULL, NULL, NULL, err, sizeof err);
        ck_assert_msg(s == BK_CORRUPT || s == BK_TRUNCATED, "flip at %lld: %d", (long long)spots[i], s);
    }
    /* cut anywhere: mid-record, at a record boundary (the end record gone), one byte short */
    const uint64_t cuts[] = {200, BK_CHUNK + 100};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        unlink(path);
        write_file(path, &k, gen, in, n, &st);
        patch(path, (off_t)cuts[i], 0, true);
        ck_assert_int_eq(bk_read(path, &k, gen, NULL, NULL, NULL, err, sizeof err), BK_TRUNCATED);
        ck_assert_ptr_nonnull(strstr(err, "truncated"));
    }
    unlink(path);
    write_file(path, &k, gen, in, n, &st);
    patch(path, (off_t)st.size - 1, 0, true);
    ck_assert_int_eq(bk_read(path, &k, gen, NULL, NULL, NULL, err, sizeof err), BK_TRUNCATED);
    /* the end record dropped exactly: find the last record's start */
    {
        FILE *f = fopen(path, "rb");
        unsigned char lb[4];
        long off = 0;
        char line[256];
        ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
        off = ftell(f);
        long last = off;
        while (fread(lb, 1, 4, f) == 4) {
            size_t len = ((size_t)lb[0] << 24) | ((size_t)lb[1] << 16) | ((size_t)lb[2] << 8) | lb[3];
            last = off;
            off += 4 + (long)len;
            fseek(f, off, SEEK_SET);
        }
        fclose(f);
        unlink(path);
        write_file(path, &k, gen, in, n, &st);
        patch(path, last, 0, true);
        ck_assert_int_eq(bk_read(path, &k, gen, NULL, NULL, NULL, err, sizeof err), BK_TRUNCATED);
        ck_assert_ptr_nonnull(strstr(err, "without its end record"));
    }
    /* bytes after the end record */
    unlink(path);
    write_file(path, &k, gen, in, n, &st);
    FILE *f = fopen(path, "ab");
    fwrite("\0\0\0\5hello", 1, 9, f);
    fclose(f);
    ck_assert_int_eq(bk_read(path, &k, gen, NULL, NULL, NULL, err, sizeof err), BK_CORRUPT);
    free(in);
}
END_TEST

START_TEST(bkfile_control_needs_its_master_key)
{
    char path[128], err[300];
    snprintf(path, sizeof path, "%s/c.enc", tmpdir);
    keyring kr = {.n = 1}, other = {.n = 1};
    crypto_random(kr.keys[0], CRYPTO_KEY_LEN);
    crypto_random(other.keys[0], CRYPTO_KEY_LEN);
    bk_key k = {.kind = BK_CONTROL, .owner = BK_CONTROL_OWNER, .kr = &kr};
    bk_stats st;
    const char *sql = "CREATE TABLE tenants (id INT);\n";
    write_file(path, &k, "20260301T010000Z", (const unsigned char *)sql, strlen(sql), &st);
    collect c = {0};
    ck_assert_int_eq(bk_read(path, &k, "20260301T010000Z", sink, &c, NULL, err, sizeof err), BK_OK);
    ck_assert_uint_eq(c.n, strlen(sql));
    free(c.p);
    bk_key ko = {.kind = BK_CONTROL, .owner = BK_CONTROL_OWNER, .kr = &other};
    ck_assert_int_eq(bk_read(path, &ko, "20260301T010000Z", NULL, NULL, NULL, err, sizeof err), BK_NOKEY);
    ck_assert_ptr_nonnull(strstr(err, "not loaded"));
    /* a retired key kept in the ring (key_file.prev) still opens it */
    keyring both = {.n = 2};
    memcpy(both.keys[0], other.keys[0], CRYPTO_KEY_LEN);
    memcpy(both.keys[1], kr.keys[0], CRYPTO_KEY_LEN);
    bk_key kb = {.kind = BK_CONTROL, .owner = BK_CONTROL_OWNER, .kr = &both};
    ck_assert_int_eq(bk_read(path, &kb, "20260301T010000Z", NULL, NULL, NULL, err, sizeof err), BK_OK);
    /* a tenant's key cannot read the control dump, nor the other way round */
    bk_key kt = {.kind = BK_TENANT, .owner = "control", .datakey = dk};
    ck_assert_int_eq(bk_read(path, &kt, "20260301T010000Z", NULL, NULL, NULL, err, sizeof err), BK_HEADER);
    keyring_wipe(&kr);
    keyring_wipe(&other);
    keyring_wipe(&both);
}
END_TEST

Suite *suite_backup(void)
{
    Suite *s = suite_create("backup");
    TCase *t = tcase_create("retention");
    tcase_add_test(t, retention_tags_by_day);
    tcase_add_test(t, retention_seventy_days);
    tcase_add_test(t, retention_skips_missing_and_incomplete);
    tcase_add_test(t, generation_names);
    suite_add_tcase(s, t);
    t = tcase_create("bkfile");
    tcase_add_checked_fixture(t, setup_dir, teardown_dir);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, bkfile_round_trip);
    tcase_add_test(t, bkfile_damage_is_detected);
    tcase_add_test(t, bkfile_control_needs_its_master_key);
    suite_add_tcase(s, t);
    return s;
}
