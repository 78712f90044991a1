#include "tests.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/crypto.h"
#include "util/recio.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(arena_basics)
{
    arena *a = arena_new();
    char *p = arena_alloc(a, 10);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % 16, 0);
    char *big = arena_alloc(a, 100000); /* larger than a block */
    memset(big, 1, 100000);
    ck_assert_str_eq(arena_printf(a, "%d-%s", 42, "x"), "42-x");
    ck_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
    ck_assert_str_eq(arena_strndup(a, "ab", 64), "ab"); /* stops at the end of s */
    ck_assert_ptr_null(arena_strdup(a, NULL));
    ck_assert_uint_gt(arena_used(a), 100000);
    arena_reset(a);
    ck_assert_uint_eq(arena_used(a), 0);
    arena_free(&a);
    ck_assert_ptr_null(a);
    arena_free(&a); /* NULL-safe */
}
END_TEST

START_TEST(buf_grows)
{
    arena *a = arena_new();
    buf b;
    buf_init(&b, a);
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%03d,", i);
    ck_assert_uint_eq(b.len, 4000);
    ck_assert(!strncmp(b.data + 3996, "999,", 4));
    arena_free(&a);
}
END_TEST

static const struct {
    const char *in;
    bool ok;
    uint64_t v;
} sizes[] = {
    {"0", true, 0},           {"10", true, 10},
    {"10M", true, 10485760},  {"20GiB", true, 21474836480ULL},
    {"512k", true, 524288},   {"1 MiB", true, 1048576},
    {"3TB", true, 3298534883328ULL},
    {"", false, 0},           {"M", false, 0},
    {"10X", false, 0},        {"-1", false, 0},
    {"99999999999999999999", false, 0}, {"20000000000G", false, 0},
};

START_TEST(size_parsing)
{
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint64_t v = 12345;
        bool ok = str_parse_size(sizes[i].in, &v);
        ck_assert_msg(ok == sizes[i].ok, "'%s'", sizes[i].in);
        if (ok)
            ck_assert_uint_eq(v, sizes[i].v);
    }
}
END_TEST

START_TEST(uint_parsing)
{
    /* a maximum of one digit too: "3" over 2 was taken once (max - d wrapped) */
    static const struct {
        const char *in;
        uint64_t max;
        bool ok;
        uint64_t v;
    } cases[] = {{"2", 2, true, 2},   {"3", 2, false, 0},  {"9", 2, false, 0},   {"0", 1, true, 0},
                 {"1", 1, true, 1},   {"5", 1, false, 0},  {"10", 9, false, 0},  {"86400", 86400, true, 86400},
                 {"86401", 86400, false, 0}, {"", 9, false, 0}, {"1x", 9, false, 0},
                 {"18446744073709551615", UINT64_MAX, true, UINT64_MAX}, {"18446744073709551616", UINT64_MAX, false, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t v = 12345;
        bool ok = str_parse_uint(cases[i].in, cases[i].max, &v);
        ck_assert_msg(ok == cases[i].ok, "'%s' up to %llu", cases[i].in, (unsigned long long)cases[i].max);
        if (ok)
            ck_assert_uint_eq(v, cases[i].v);
    }
}
END_TEST

START_TEST(hex_roundtrip)
{
    unsigned char in[5] = {0, 1, 0xab, 0xff, 0x10}, out[5];
    char h[11];
    str_hex(in, 5, h);
    ck_assert_str_eq(h, "0001abff10");
    ck_assert(str_unhex("0001ABff10", out, 5));
    ck_assert_mem_eq(in, out, 5);
    ck_assert(!str_unhex("0g", out, 1));
    ck_assert(str_ct_equal("abc", "abc", 3));
    ck_assert(!str_ct_equal("abc", "abd", 3));
}
END_TEST

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/genba-cfg-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

START_TEST(config_file)
{
    genba_config c;
    char err[256];
    char *p = write_tmp("# comment\nworkers = 3\n  threads=7  \nmax_body = 1M\nsocket_mode = 0600\nlog_file = /tmp/x.log\n");
    ck_assert_msg(config_load(&c, p, err, sizeof err), "%s", err);
    ck_assert_uint_eq(c.workers, 3);
    ck_assert_uint_eq(c.threads, 7);
    ck_assert_uint_eq(c.max_body, 1048576);
    ck_assert_uint_eq(c.socket_mode, 0600);
    ck_assert_str_eq(c.log_file, "/tmp/x.log");
    ck_assert_str_eq(c.control_db, "genba_control"); /* default kept */
    config_free(&c);
    unlink(p);

    p = write_tmp("workers = 2\nnonsense = 1\n");
    ck_assert(!config_load(&c, p, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, ":2: unknown key 'nonsense'"));
    config_free(&c);
    unlink(p);

    p = write_tmp("workers = many\n");
    ck_assert(!config_load(&c, p, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "whole number"));
    config_free(&c);
    unlink(p);

    p = write_tmp("just text\n");
    ck_assert(!config_load(&c, p, err, sizeof err));
    config_free(&c);
    unlink(p);

    p = write_tmp("threads = 0\n");
    ck_assert(!config_load(&c, p, err, sizeof err));
    config_free(&c);
    unlink(p);

    ck_assert(!config_load(&c, "/nonexistent/genba.conf", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "cannot read"));
    config_free(&c);
}
END_TEST

START_TEST(config_argon2)
{
    genba_config c;
    char err[256];
    config_defaults(&c);
    ck_assert_uint_eq(c.argon2_memory, 19456);
    ck_assert_uint_eq(c.argon2_time, 2);
    ck_assert_uint_eq(c.argon2_parallelism, 1);
    config_free(&c);

    char *p = write_tmp("argon2_memory = 65536\nargon2_time = 3\nargon2_parallelism = 2\n");
    ck_assert_msg(config_load(&c, p, err, sizeof err), "%s", err);
    ck_assert_uint_eq(c.argon2_memory, 65536);
    ck_assert_uint_eq(c.argon2_time, 3);
    ck_assert_uint_eq(c.argon2_parallelism, 2);
    config_free(&c);
    unlink(p);

    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"argon2_memory = 19455\n", ":1: argon2_memory must be at least 19456"},
        {"argon2_memory = 4096\n", "argon2_memory must be at least 19456"},
        {"argon2_time = 1\n", ":1: argon2_time must be at least 2"},
        {"argon2_parallelism = 0\n", "argon2_parallelism must be at least 1"},
        {"argon2_memory = 19M\n", "argon2_memory must be a whole number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = write_tmp(bad[i].text);
        ck_assert_msg(!config_load(&c, p, err, sizeof err), "%s", bad[i].text);
        ck_assert_msg(strstr(err, bad[i].msg) != NULL, "%s: %s", bad[i].text, err);
        config_free(&c);
        unlink(p);
    }
}
END_TEST

START_TEST(gcm_seal_open)
{
    unsigned char key[32], key2[32];
    crypto_random(key, 32);
    crypto_random(key2, 32);
    const char msg[] = "report 42: pressure 0.8 MPa";
    size_t n = sizeof msg;
    unsigned char sealed[sizeof msg + CRYPTO_SEAL_OVERHEAD], out[sizeof msg];
    ck_assert(crypto_seal(key, "t|purpose|1", msg, n, sealed));
    ck_assert(crypto_open(key, "t|purpose|1", sealed, sizeof sealed, out));
    ck_assert_mem_eq(out, msg, n);
    /* every single flipped bit is detected */
    for (size_t i = 0; i < sizeof sealed; i++) {
        for (int bit = 0; bit < 8; bit += 3) {
            sealed[i] ^= (unsigned char)(1 << bit);
            ck_assert_msg(!crypto_open(key, "t|purpose|1", sealed, sizeof sealed, out), "byte %zu bit %d", i, bit);
            sealed[i] ^= (unsigned char)(1 << bit);
        }
    }
    ck_assert(!crypto_open(key, "t|purpose|2", sealed, sizeof sealed, out));   /* other object */
    ck_assert(!crypto_open(key2, "t|purpose|1", sealed, sizeof sealed, out));  /* other key */
    ck_assert(!crypto_open(key, "t|purpose|1", sealed, CRYPTO_SEAL_OVERHEAD - 1, out)); /* truncated */
    ck_assert(!crypto_open(key, "t|purpose|1", sealed, sizeof sealed - 1, out));
    /* two seals of the same text differ (fresh nonce) */
    unsigned char s2[sizeof sealed];
    crypto_seal(key, "t|purpose|1", msg, n, s2);
    ck_assert(memcmp(s2, sealed, sizeof sealed) != 0);
    /* empty plaintext still authenticates */
    unsigned char e[CRYPTO_SEAL_OVERHEAD];
    ck_assert(crypto_seal(key, "x", "", 0, e));
    ck_assert(crypto_open(key, "x", e, sizeof e, out));
    e[sizeof e - 1] ^= 1;
    ck_assert(!crypto_open(key, "x", e, sizeof e, out));
}
END_TEST

START_TEST(tokens_are_random)
{
    char a[33], b[33];
    ck_assert(crypto_token_hex(16, a));
    ck_assert(crypto_token_hex(16, b));
    ck_assert_uint_eq(strlen(a), 32);
    ck_assert_str_ne(a, b);
}
END_TEST

/* util/recio: records framed by a 4-byte big-endian length; the end of
 * the file before a record, within a length, and a length read back. */
START_TEST(recio_frames)
{
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    unsigned char len4[4];
    ck_assert(recio_put(p[1], "hello", 5, len4));
    ck_assert(len4[0] == 0 && len4[1] == 0 && len4[2] == 0 && len4[3] == 5);
    ck_assert(recio_put(p[1], "", 0, NULL));
    ck_assert(recio_write_all(p[1], "\x01\x02", 2));   /* a length cut short */
    close(p[1]);
    unsigned char got4[4], data[8];
    size_t got, len;
    ck_assert_int_eq(recio_get_len(p[0], got4, &got, &len), RECIO_OK);
    ck_assert_uint_eq(len, 5);
    ck_assert(recio_read_all(p[0], data, len, &got));
    ck_assert_uint_eq(got, 5);
    ck_assert(!memcmp(data, "hello", 5));
    ck_assert_int_eq(recio_get_len(p[0], got4, &got, &len), RECIO_OK);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(recio_get_len(p[0], got4, &got, &len), RECIO_TRUNCATED);
    ck_assert_uint_eq(got, 2);
    ck_assert_int_eq(recio_get_len(p[0], got4, &got, &len), RECIO_END);
    ck_assert_uint_eq(got, 0);
    close(p[0]);
    ck_assert_int_eq(recio_get_len(p[0], got4, &got, &len), RECIO_IO);   /* a closed descriptor */
}
END_TEST

/* util/recio: a finished file made durable and closed; a descriptor that
 * cannot be synced (a pipe: EINVAL) is still closed and says so; a
 * directory synced, a missing one refused. */
START_TEST(recio_sync)
{
    char path[] = "/tmp/genba-recio-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(recio_write_all(fd, "data", 4));
    ck_assert(recio_sync_close(&fd));
    ck_assert_int_eq(fd, -1);
    ck_assert_int_eq(unlink(path), 0);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    int w = p[1];
    errno = 0;
    ck_assert(!recio_sync_close(&w));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_int_eq(w, -1);
    ck_assert_int_eq(write(p[1], "x", 1), -1);   /* closed all the same */
    ck_assert_int_eq(errno, EBADF);
    close(p[0]);
    ck_assert(recio_sync_dir("/tmp"));
    ck_assert(!recio_sync_dir("/tmp/genba-no-such-dir-for-recio"));
    ck_assert(recio_sync_dir_of("/tmp/any-file-name"));
    /* a whole file written in place of another, or an error that names it */
    char dir[] = "/tmp/genba-recio-dir-XXXXXX", file[64], err[256], back[16] = "";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/f", dir);
    ck_assert(recio_write_file(file, "first", 5, err, sizeof err));
    ck_assert(recio_write_file(file, "second", 6, err, sizeof err));
    FILE *f = fopen(file, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(back, 1, sizeof back - 1, f), 6);
    fclose(f);
    ck_assert_str_eq(back, "second");
    ck_assert_int_eq(unlink(file), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    ck_assert(!recio_write_file(file, "x", 1, err, sizeof err));   /* its directory is gone */
    ck_assert_ptr_nonnull(strstr(err, file));
    ck_assert(!recio_sync_dir_of("/tmp/genba-no-such-dir-for-recio/file"));
}
END_TEST

Suite *suite_util(void)
{
    Suite *s = suite_create("util");
    TCase *t = tcase_create("util");
    tcase_add_test(t, arena_basics);
    tcase_add_test(t, recio_frames);
    tcase_add_test(t, recio_sync);
    tcase_add_test(t, buf_grows);
    tcase_add_test(t, size_parsing);
    tcase_add_test(t, uint_parsing);
    tcase_add_test(t, hex_roundtrip);
    tcase_add_test(t, config_file);
    tcase_add_test(t, config_argon2);
    tcase_add_test(t, gcm_seal_open);
    tcase_add_test(t, tokens_are_random);
    suite_add_tcase(s, t);
    suite_add_tcase(s, tcase_tz());
    return s;
}
