/* Background jobs: the sealed output file (jobs/file.c), the export's
 * parameters (jobs/export.c). */
#include "tests.h"
#include "jobs/export.h"
#include "jobs/file.h"
#include "util/buf.h"
#include "util/crypto.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool to_buf(void *ctx, const void *p, size_t n)
{
    buf_add(ctx, p, n);
    return true;
}

static char dir[64];

static void mkdir_tmp(void)
{
    snprintf(dir, sizeof dir, "/tmp/check-jobs.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

START_TEST(jobfile_round_trip)
{
    mkdir_tmp();
    unsigned char key[CRYPTO_KEY_LEN], other[CRYPTO_KEY_LEN];
    crypto_random(key, sizeof key);
    crypto_random(other, sizeof other);
    jobfile_key k = {.datakey = key, .tenant = "acme", .job = "11111111-2222-4333-8444-555555555555"};
    char path[128], part[140], err[256];
    snprintf(path, sizeof path, "%s/out.job", dir);
    snprintf(part, sizeof part, "%s.part", path);
    /* 2.5 chunks of a pattern, written in odd pieces */
    size_t n = JOBFILE_CHUNK * 2 + JOBFILE_CHUNK / 2;
    unsigned char *plain = malloc(n);
    for (size_t i = 0; i < n; i++)
        plain[i] = (unsigned char)(i * 7 + i / 1000);
    jobfile_w *w = jobfile_create(path, &k, err, sizeof err);
    ck_assert_ptr_nonnull(w);
    for (size_t off = 0; off < n;) {
        size_t step = off % 3 ? 12345 : 777777;
        if (step > n - off)
            step = n - off;
        ck_assert(jobfile_write(w, plain + off, step));
        off += step;
    }
    /* nothing under the final name until finished */
    ck_assert_int_eq(file_size(path), -1);
    ck_assert_int_gt(file_size(part), 0);
    uint64_t got_plain = 0, stored = 0;
    ck_assert(jobfile_finish(&w, &got_plain, &stored, err, sizeof err));
    ck_assert_ptr_null(w);
    ck_assert_int_eq(file_size(part), -1);
    ck_assert_uint_eq(got_plain, n);
    ck_assert_int_eq(file_size(path), (long)stored);
    arena *a = arena_new();
    buf b;
    buf_init(&b, a);
    uint64_t said = 0;
    ck_assert_int_eq(jobfile_read(path, &k, to_buf, &b, &said), JF_OK);
    ck_assert_uint_eq(said, n);
    ck_assert_uint_eq(b.len, n);
    ck_assert(!memcmp(b.data, plain, n));
    /* the plain bytes are nowhere in the file */
    FILE *f = fopen(path, "rb");
    unsigned char *raw = malloc((size_t)stored);
    ck_assert_uint_eq(fread(raw, 1, (size_t)stored, f), stored);
    fclose(f);
    ck_assert_ptr_null(memmem(raw, (size_t)stored, plain + 1000, 64));
    /* another tenant's key, another job, another tenant code: nothing opens */
    jobfile_key bad = k;
    bad.datakey = other;
    ck_assert_int_eq(jobfile_read(path, &bad, NULL, NULL, NULL), JF_CORRUPT);
    bad = k;
    bad.job = "11111111-2222-4333-8444-555555555556";
    ck_assert_int_eq(jobfile_read(path, &bad, NULL, NULL, NULL), JF_CORRUPT);
    bad = k;
    bad.tenant = "other";
    ck_assert_int_eq(jobfile_read(path, &bad, NULL, NULL, NULL), JF_CORRUPT);
    /* cut anywhere: truncated, never OK */
    long cuts[] = {3, 20, (long)stored / 2, (long)stored - 1, (long)stored - 40};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char cut[140];
        snprintf(cut, sizeof cut, "%s/cut.job", dir);
        int fd = open(cut, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ck_assert_int_eq(write(fd, raw, (size_t)cuts[i]), cuts[i]);
        close(fd);
        jobfile_status st = jobfile_read(cut, &k, NULL, NULL, NULL);
        ck_assert_msg(st == JF_TRUNCATED || st == JF_CORRUPT, "cut at %ld read as %d", cuts[i], (int)st);
        unlink(cut);
    }
    /* a flipped byte does not open */
    raw[stored / 2] ^= 1;
    char bent[140];
    snprintf(bent, sizeof bent, "%s/bent.job", dir);
    int fd = open(bent, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_eq(write(fd, raw, (size_t)stored), (long)stored);
    close(fd);
    ck_assert_int_eq(jobfile_read(bent, &k, NULL, NULL, NULL), JF_CORRUPT);
    unlink(bent);
    /* an aborted writer leaves nothing */
    w = jobfile_create(path, &k, err, sizeof err);
    ck_assert(jobfile_write(w, "abc", 3));
    jobfile_abort(&w);
    ck_assert_int_eq(file_size(part), -1);
    ck_assert_int_eq(file_size(path), (long)stored);   /* the finished one stays */
    unlink(path);
    rmdir(dir);
    free(raw);
    free(plain);
    arena_free(&a);
}
END_TEST

static json_object *parse(const char *s)
{
    json_object *o = json_tokener_parse(s);
    ck_assert_ptr_nonnull(o);
    return o;
}

START_TEST(export_params_checked)
{
    arena *a = arena_new();
    errs e;
    export_params p;
    errs_init(&e, a);
    json_object *o = parse("{\"format\":\"csv\",\"encoding\":\"shift_jis\",\"filter\":{\"definition\":\"3\",\"status\":\"approved\","
                           "\"from\":\"2026-01-01\",\"to\":\"2026-01-31\",\"q\":\"点検\"}}");
    ck_assert(export_params_read(a, o, &p, &e));
    ck_assert_int_eq(p.format, EXPORT_CSV);
    ck_assert(p.shift_jis);
    ck_assert_int_eq(p.filter.definition, 3);
    ck_assert_str_eq(p.filter.status, "approved");
    ck_assert_str_eq(p.filter.text, "点検");
    /* stored and read again: the same */
    const char *js = export_params_json(a, &p, "en");
    json_object *o2 = parse(js);
    export_params q;
    ck_assert(export_params_read(a, o2, &q, &e));
    ck_assert_int_eq(q.format, EXPORT_CSV);
    ck_assert(q.shift_jis);
    ck_assert_int_eq(q.filter.definition, 3);
    ck_assert_str_eq(q.filter.from, "2026-01-01");
    ck_assert_str_eq(q.filter.to, "2026-01-31");
    ck_assert_str_eq(q.filter.text, "点検");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(o2, "lang")), "en");
    json_object_put(o2);
    json_object_put(o);
    /* each problem names its field */
    static const struct {
        const char *body, *field, *code;
    } bad[] = {
        {"{}", "format", "required"},
        {"{\"format\":\"doc\"}", "format", "invalid_value"},
        {"{\"format\":1}", "format", "wrong_type"},
        {"{\"format\":\"xlsx\",\"encoding\":\"shift_jis\"}", "encoding", "csv_only"},
        {"{\"format\":\"csv\",\"encoding\":\"latin1\"}", "encoding", "invalid_value"},
        {"{\"format\":\"csv\",\"filter\":[]}", "filter", "wrong_type"},
        {"{\"format\":\"csv\",\"filter\":{\"colour\":\"red\"}}", "filter.colour", "unknown_field"},
        {"{\"format\":\"csv\",\"filter\":{\"status\":\"lost\"}}", "filter.status", "invalid_value"},
        {"{\"format\":\"csv\",\"filter\":{\"definition\":\"x\"}}", "filter.definition", "invalid_value"},
        {"{\"format\":\"csv\",\"filter\":{\"from\":\"2026-02-30\"}}", "filter.from", "invalid_date"},
        {"{\"format\":\"csv\",\"filter\":{\"from\":\"2026-02-03\",\"to\":\"2026-02-01\"}}", "filter.to", "date_order"},
        {"{\"format\":\"csv\",\"ids\":\"x\"}", "ids", "wrong_type"},
        {"{\"format\":\"csv\",\"ids\":[]}", "ids", "required"},
        {"{\"format\":\"csv\",\"ids\":[\"../etc\"]}", "ids", "invalid_value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errs_init(&e, a);
        json_object *b = parse(bad[i].body);
        ck_assert_msg(!export_params_read(a, b, &p, &e), "%s was accepted", bad[i].body);
        ck_assert_msg(errs_for(&e, bad[i].field) && !strcmp(errs_for(&e, bad[i].field), bad[i].code),
                      "%s: %s is %s, not %s", bad[i].body, bad[i].field,
                      errs_for(&e, bad[i].field) ? errs_for(&e, bad[i].field) : "(none)", bad[i].code);
        json_object_put(b);
    }
    arena_free(&a);
}
END_TEST

Suite *suite_jobs(void)
{
    Suite *s = suite_create("jobs");
    TCase *t = tcase_create("jobs");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, jobfile_round_trip);
    tcase_add_test(t, export_params_checked);
    suite_add_tcase(s, t);
    return s;
}
