/* jobs/file.c - a job's output file sealed at rest (see file.h). */
#include "jobs/file.h"
#include "tenant/keys.h"
#include "util/crypto.h"
#include "util/recio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC "GENBA-JOBFILE 1\n"
#define MAGIC_LEN (sizeof MAGIC - 1)
#define PURPOSE "jobfile"

struct jobfile_w {
    int fd;
    char *path, *part;
    const jobfile_key *key;
    unsigned char *rec;        /* type byte + payload */
    size_t fill;               /* payload bytes in rec */
    unsigned char *sealed;
    uint64_t seq, plain, stored;
    bool failed;
    int err;   /* errno of the failed write */
};

static void oid(const jobfile_key *k, uint64_t seq, char *out, size_t len)
{
    snprintf(out, len, "%s/%llu", k->job, (unsigned long long)seq);
}

static void w_free(jobfile_w *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->rec)
        crypto_wipe(w->rec, 1 + JOBFILE_CHUNK);
    free(w->rec);
    free(w->sealed);
    free(w->path);
    free(w->part);
    free(w);
}

jobfile_w *jobfile_create(const char *path, const jobfile_key *key, char *err, size_t errlen)
{
    jobfile_w *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->fd = -1;
    w->key = key;
    w->path = strdup(path);
    w->part = malloc(strlen(path) + 6);
    w->rec = malloc(1 + JOBFILE_CHUNK);
    w->sealed = malloc(1 + JOBFILE_CHUNK + CRYPTO_SEAL_OVERHEAD);
    if (!w->path || !w->part || !w->rec || !w->sealed) {
        snprintf(err, errlen, "out of memory");
        w_free(w);
        return NULL;
    }
    sprintf(w->part, "%s.part", path);
    unlink(w->part);
    w->fd = open(w->part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (w->fd < 0 || !recio_write_all(w->fd, MAGIC, MAGIC_LEN)) {
        snprintf(err, errlen, "cannot create %s: %s", w->part, strerror(errno));
        if (w->fd >= 0)
            unlink(w->part);
        w_free(w);
        return NULL;
    }
    w->stored = MAGIC_LEN;
    return w;
}

/* Seal rec[0..1+n) as the next record. */
static bool emit(jobfile_w *w, size_t n)
{
    char o[128];
    oid(w->key, w->seq, o, sizeof o);
    size_t sl = 1 + n + CRYPTO_SEAL_OVERHEAD;
    if (!tenant_seal(w->key->datakey, w->key->tenant, PURPOSE, o, w->rec, 1 + n, w->sealed)) {
        errno = EIO;
        return false;
    }
    if (!recio_put(w->fd, w->sealed, sl, NULL))
        return false;
    w->stored += RECIO_LEN_BYTES + sl;
    w->seq++;
    return true;
}

bool jobfile_write(void *ctx, const void *p, size_t n)
{
    jobfile_w *w = ctx;
    const unsigned char *b = p;
    if (w->failed)
        return false;
    while (n) {
        size_t k = JOBFILE_CHUNK - w->fill < n ? JOBFILE_CHUNK - w->fill : n;
        memcpy(w->rec + 1 + w->fill, b, k);
        w->fill += k;
        w->plain += k;
        b += k;
        n -= k;
        if (w->fill == JOBFILE_CHUNK) {
            w->rec[0] = 'D';
            if (!emit(w, w->fill)) {
                w->failed = true;
                w->err = errno;
                return false;
            }
            w->fill = 0;
        }
    }
    return true;
}

int jobfile_error(const jobfile_w *w)
{
    return w && w->failed ? w->err : 0;
}

bool jobfile_finish(jobfile_w **wp, uint64_t *plain, uint64_t *stored, char *err, size_t errlen)
{
    jobfile_w *w = *wp;
    *wp = NULL;
    bool ok = !w->failed;
    int fe = w->failed ? w->err : 0;   /* the first failure's errno */
    if (ok && w->fill) {
        w->rec[0] = 'D';
        ok = emit(w, w->fill);
    }
    if (ok) {
        w->rec[0] = 'E';
        for (int i = 0; i < 8; i++)
            w->rec[1 + i] = (unsigned char)(w->plain >> (56 - 8 * i));
        ok = emit(w, 8);
    }
    if (!ok) {
        fe = fe ? fe : errno ? errno : EIO;
        snprintf(err, errlen, "cannot write %s: %s", w->part, strerror(fe));
    }
    if (ok && !recio_sync_close(&w->fd)) {
        fe = errno;
        snprintf(err, errlen, "cannot write %s: %s", w->part, strerror(fe));
        ok = false;
    }
    if (ok && rename(w->part, w->path) != 0) {
        fe = errno;
        snprintf(err, errlen, "cannot rename %s: %s", w->part, strerror(fe));
        ok = false;
    }
    if (ok) {
        recio_sync_dir_of(w->path);
        *plain = w->plain;
        *stored = w->stored;
    } else {
        unlink(w->part);
    }
    w_free(w);
    errno = fe;
    return ok;
}

void jobfile_abort(jobfile_w **wp)
{
    if (!wp || !*wp)
        return;
    close((*wp)->fd);
    (*wp)->fd = -1;
    unlink((*wp)->part);
    w_free(*wp);
    *wp = NULL;
}

jobfile_status jobfile_read(const char *path, const jobfile_key *key, bool (*sink)(void *ctx, const void *p, size_t n),
                            void *ctx, uint64_t *plain)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return JF_IO;
    jobfile_status st = JF_CORRUPT;
    size_t max = 1 + JOBFILE_CHUNK + CRYPTO_SEAL_OVERHEAD;
    unsigned char *in = malloc(max), *out = malloc(max);
    char magic[MAGIC_LEN];
    size_t got;
    uint64_t seq = 0, total = 0;
    if (!in || !out) {
        st = JF_IO;
        goto done;
    }
    if (!recio_read_all(fd, magic, MAGIC_LEN, &got) || got != MAGIC_LEN || memcmp(magic, MAGIC, MAGIC_LEN)) {
        st = got < MAGIC_LEN ? JF_TRUNCATED : JF_CORRUPT;
        goto done;
    }
    for (;;) {
        unsigned char len[RECIO_LEN_BYTES];
        size_t sl;
        recio_status rs = recio_get_len(fd, len, &got, &sl);
        if (rs != RECIO_OK) {
            st = rs == RECIO_IO ? JF_IO : JF_TRUNCATED;   /* (the end record was not met) */
            goto done;
        }
        if (sl < 1 + CRYPTO_SEAL_OVERHEAD || sl > max)
            goto done;
        if (!recio_read_all(fd, in, sl, &got)) {
            st = JF_IO;
            goto done;
        }
        if (got < sl) {
            st = JF_TRUNCATED;
            goto done;
        }
        char o[128];
        oid(key, seq, o, sizeof o);
        if (!tenant_open(key->datakey, key->tenant, PURPOSE, o, in, sl, out))
            goto done;
        seq++;
        size_t n = sl - CRYPTO_SEAL_OVERHEAD - 1;
        if (out[0] == 'D') {
            total += n;
            if (sink && n && !sink(ctx, out + 1, n)) {
                st = JF_SINK;
                goto done;
            }
        } else if (out[0] == 'E' && n == 8) {
            uint64_t said = 0;
            for (int i = 0; i < 8; i++)
                said = said << 8 | out[1 + i];
            unsigned char extra;
            if (said != total || !recio_read_all(fd, &extra, 1, &got) || got != 0)
                goto done;
            if (plain)
                *plain = total;
            st = JF_OK;
            goto done;
        } else {
            goto done;
        }
    }
done:
    if (out)
        crypto_wipe(out, max);
    free(in);
    free(out);
    close(fd);
    return st;
}
