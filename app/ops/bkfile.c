/* bkfile.c - the encrypted backup file (see bkfile.h). */
#include "ops/bkfile.h"
#include "util/crypto.h"
#include "util/recio.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define MAGIC "GENBA-BACKUP 1 "
#define REC_MAX (1 + BK_CHUNK + CRYPTO_SEAL_OVERHEAD)

struct bk_writer {
    int fd;
    char *path;
    const bk_key *key;
    const char *gen;
    z_stream z;
    bool z_open;
    unsigned char *chunk;      /* 'D' + compressed bytes */
    size_t fill;               /* bytes in chunk after the type byte */
    unsigned char *sealed;
    uint64_t seq, size, plain;
    EVP_MD_CTX *md, *plain_md;
};

static void hexdigest(EVP_MD_CTX *md, char out[65])
{
    unsigned char h[32];
    unsigned l = 32;
    EVP_DigestFinal_ex(md, h, &l);
    str_hex(h, 32, out);
}

static void record_ad(const bk_key *k, const char *gen, uint64_t seq, char *oid, size_t len)
{
    if (k->kind == BK_TENANT)
        snprintf(oid, len, "%s/%llu", gen, (unsigned long long)seq);
    else
        snprintf(oid, len, "backup|%s/%llu", gen, (unsigned long long)seq);
}

static bool seal_record(const bk_key *k, const char *gen, uint64_t seq, const unsigned char *in, size_t n,
                        unsigned char *out)
{
    char oid[128];
    record_ad(k, gen, seq, oid, sizeof oid);
    if (k->kind == BK_TENANT)
        return tenant_seal(k->datakey, k->owner, "backup", oid, in, n, out);
    return keys_wrap(k->kr, BK_CONTROL_OWNER, oid, in, n, out);
}

static bool open_record(const bk_key *k, const char *gen, uint64_t seq, const unsigned char *in, size_t n,
                        unsigned char *out)
{
    char oid[128];
    record_ad(k, gen, seq, oid, sizeof oid);
    if (k->kind == BK_TENANT)
        return tenant_open(k->datakey, k->owner, "backup", oid, in, n, out);
    return keys_unwrap(k->kr, BK_CONTROL_OWNER, oid, in, n, out);
}

static const char *kind_name(bk_kind k)
{
    return k == BK_TENANT ? "tenant" : "control";
}

static const char *owner_of(const bk_key *k)
{
    return k->kind == BK_TENANT ? k->owner : BK_CONTROL_OWNER;
}

/* Seal and write plaintext rec[0..n) as the next record. */
static bool emit(bk_writer *w, const unsigned char *rec, size_t n, char *err, size_t errlen)
{
    size_t sl = n + CRYPTO_SEAL_OVERHEAD;
    unsigned char len[RECIO_LEN_BYTES];
    if (!seal_record(w->key, w->gen, w->seq, rec, n, w->sealed)) {
        snprintf(err, errlen, "cannot encrypt record %llu", (unsigned long long)w->seq);
        return false;
    }
    if (!recio_put(w->fd, w->sealed, sl, len)) {
        snprintf(err, errlen, "cannot write %s: %s", w->path, strerror(errno));
        return false;
    }
    EVP_DigestUpdate(w->md, len, RECIO_LEN_BYTES);
    EVP_DigestUpdate(w->md, w->sealed, sl);
    w->size += RECIO_LEN_BYTES + sl;
    w->seq++;
    return true;
}

static void writer_free(bk_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->z_open)
        deflateEnd(&w->z);
    if (w->chunk)
        crypto_wipe(w->chunk, 1 + BK_CHUNK);
    free(w->chunk);
    free(w->sealed);
    EVP_MD_CTX_free(w->md);
    EVP_MD_CTX_free(w->plain_md);
    free(w->path);
    free(w);
}

bk_writer *bk_writer_new(const char *path, const bk_key *key, const char *gen, char *err, size_t errlen)
{
    bk_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->fd = -1;
    w->key = key;
    w->gen = gen;
    w->path = strdup(path);
    w->chunk = malloc(1 + BK_CHUNK);
    w->sealed = malloc(REC_MAX);
    w->md = EVP_MD_CTX_new();
    w->plain_md = EVP_MD_CTX_new();
    if (!w->path || !w->chunk || !w->sealed || !w->md || !w->plain_md ||
        EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1 || EVP_DigestInit_ex(w->plain_md, EVP_sha256(), NULL) != 1) {
        snprintf(err, errlen, "out of memory");
        writer_free(w);
        return NULL;
    }
    if (deflateInit(&w->z, 6) != Z_OK) {
        snprintf(err, errlen, "zlib failed to start");
        writer_free(w);
        return NULL;
    }
    w->z_open = true;
    w->chunk[0] = 'D';
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (w->fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        writer_free(w);
        return NULL;
    }
    char head[256];
    int hl = snprintf(head, sizeof head, MAGIC "%s %s %s zlib\n", kind_name(key->kind), owner_of(key), gen);
    if (hl <= 0 || hl >= (int)sizeof head || !recio_write_all(w->fd, head, (size_t)hl)) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        bk_writer_abort(&w);
        return NULL;
    }
    EVP_DigestUpdate(w->md, head, (size_t)hl);
    w->size = (uint64_t)hl;
    return w;
}

/* Run deflate over the input with flush mode f, emitting full chunks. */
static bool pump(bk_writer *w, int f, char *err, size_t errlen)
{
    for (;;) {
        w->z.next_out = w->chunk + 1 + w->fill;
        w->z.avail_out = (uInt)(BK_CHUNK - w->fill);
        int zr = deflate(&w->z, f);
        if (zr == Z_STREAM_ERROR) {
            snprintf(err, errlen, "zlib failed");
            return false;
        }
        w->fill = BK_CHUNK - w->z.avail_out;
        if (w->fill == BK_CHUNK) {
            if (!emit(w, w->chunk, 1 + w->fill, err, errlen))
                return false;
            w->fill = 0;
            continue;
        }
        if (f == Z_FINISH ? zr == Z_STREAM_END : w->z.avail_in == 0)
            return true;
    }
}

bool bk_writer_add(bk_writer *w, const void *p, size_t n, char *err, size_t errlen)
{
    const unsigned char *b = p;
    EVP_DigestUpdate(w->plain_md, p, n);
    w->plain += n;
    while (n) {
        size_t take = n > (1u << 30) ? (1u << 30) : n;
        w->z.next_in = (unsigned char *)b;
        w->z.avail_in = (uInt)take;
        if (!pump(w, Z_NO_FLUSH, err, errlen))
            return false;
        b += take;
        n -= take;
    }
    return true;
}

bool bk_writer_finish(bk_writer **wp, bk_stats *st, char *err, size_t errlen)
{
    bk_writer *w = *wp;
    w->z.next_in = NULL;
    w->z.avail_in = 0;
    if (!pump(w, Z_FINISH, err, errlen) || (w->fill && !emit(w, w->chunk, 1 + w->fill, err, errlen))) {
        bk_writer_abort(wp);
        return false;
    }
    char plain_hex[65];
    hexdigest(w->plain_md, plain_hex);
    char end[160];
    int el = snprintf(end, sizeof end, "Erecords=%llu plain=%llu sha256=%s", (unsigned long long)w->seq,
                      (unsigned long long)w->plain, plain_hex);
    if (!emit(w, (const unsigned char *)end, (size_t)el, err, errlen)) {
        bk_writer_abort(wp);
        return false;
    }
    if (!recio_sync_close(&w->fd)) {
        snprintf(err, errlen, "cannot write %s: %s", w->path, strerror(errno));
        bk_writer_abort(wp);
        return false;
    }
    if (st) {
        memset(st, 0, sizeof *st);
        st->size = w->size;
        st->plain = w->plain;
        st->records = w->seq - 1;
        hexdigest(w->md, st->sha256);
        memcpy(st->plain_sha256, plain_hex, sizeof plain_hex);
        unsigned char id[CRYPTO_KEYID_LEN];
        if (crypto_blob_key_id(w->sealed, CRYPTO_SEAL_OVERHEAD, id))
            str_hex(id, CRYPTO_KEYID_LEN, st->key_id);
    }
    writer_free(w);
    *wp = NULL;
    return true;
}

void bk_writer_abort(bk_writer **wp)
{
    if (!wp || !*wp)
        return;
    bk_writer *w = *wp;
    if (w->fd >= 0) {
        close(w->fd);
        w->fd = -1;
    }
    if (w->path)
        unlink(w->path);
    writer_free(w);
    *wp = NULL;
}

static bool read_header(int fd, char *line, size_t cap, size_t *len)
{
    /* byte by byte: the header is short and must end with '\n' */
    size_t n = 0;
    while (n + 1 < cap) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        line[n++] = c;
        if (c == '\n') {
            line[n] = '\0';
            *len = n;
            return true;
        }
    }
    return false;
}

static bool parse_header(const char *line, char *kind, char *owner, char *gen, size_t len)
{
    if (strncmp(line, MAGIC, strlen(MAGIC)))
        return false;
    char k[32], o[64], g[64], comp[16];
    if (sscanf(line + strlen(MAGIC), "%31s %63s %63s %15s", k, o, g, comp) != 4 || strcmp(comp, "zlib"))
        return false;
    snprintf(kind, len, "%s", k);
    snprintf(owner, len, "%s", o);
    snprintf(gen, len, "%s", g);
    return true;
}

bool bk_peek(const char *path, char *kind, char *owner, char *gen, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char line[256];
    size_t hl;
    bool ok = read_header(fd, line, sizeof line, &hl) && parse_header(line, kind, owner, gen, len);
    close(fd);
    return ok;
}

typedef struct reader {
    z_stream z;
    bool z_open, z_end;
    unsigned char *out;
    bk_sink sink;
    void *arg;
    EVP_MD_CTX *plain_md;
    uint64_t plain;
} reader;

#define OUTBUF (256u * 1024)

static bk_status inflate_into(reader *r, const unsigned char *p, size_t n, char *err, size_t errlen, uint64_t seq)
{
    r->z.next_in = (unsigned char *)p;
    r->z.avail_in = (uInt)n;
    do {
        if (r->z_end) {
            if (r->z.avail_in == 0)
                break;
            snprintf(err, errlen, "corrupted: record %llu holds data after the end of the compressed stream",
                     (unsigned long long)seq);
            return BK_CORRUPT;
        }
        r->z.next_out = r->out;
        r->z.avail_out = OUTBUF;
        int zr = inflate(&r->z, Z_NO_FLUSH);
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            snprintf(err, errlen, "corrupted: record %llu: the compressed stream is damaged", (unsigned long long)seq);
            return BK_CORRUPT;
        }
        size_t got = OUTBUF - r->z.avail_out;
        if (got) {
            EVP_DigestUpdate(r->plain_md, r->out, got);
            r->plain += got;
            if (r->sink && !r->sink(r->arg, r->out, got))
                return BK_SINK;
        }
        if (zr == Z_STREAM_END)
            r->z_end = true;
        if (zr == Z_BUF_ERROR)
            break;   /* no progress without more input */
    } while (r->z.avail_in > 0 || r->z.avail_out == 0);
    return BK_OK;
}

bk_status bk_read(const char *path, const bk_key *key, const char *gen, bk_sink sink, void *arg, bk_stats *st,
                  char *err, size_t errlen)
{
    bk_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return BK_IO;
    }
    bk_status res = BK_OK;
    reader r;
    memset(&r, 0, sizeof r);
    r.sink = sink;
    r.arg = arg;
    unsigned char *blob = malloc(REC_MAX), *plain = malloc(REC_MAX);
    r.out = malloc(OUTBUF);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    r.plain_md = EVP_MD_CTX_new();
    uint64_t seq = 0, offset = 0;
    bool ended = false;
    if (!blob || !plain || !r.out || !md || !r.plain_md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
        EVP_DigestInit_ex(r.plain_md, EVP_sha256(), NULL) != 1 || inflateInit(&r.z) != Z_OK) {
        snprintf(err, errlen, "out of memory");
        res = BK_IO;
        goto out;
    }
    r.z_open = true;
    char line[256], k[64], o[64], g[64];
    size_t hl;
    if (!read_header(fd, line, sizeof line, &hl) || !parse_header(line, k, o, g, sizeof k)) {
        snprintf(err, errlen, "%s is not a genba backup file (its header is missing or damaged)", path);
        res = BK_HEADER;
        goto drain;
    }
    EVP_DigestUpdate(md, line, hl);
    offset = hl;
    if (strcmp(k, kind_name(key->kind)) || strcmp(o, owner_of(key)) || strcmp(g, gen)) {
        snprintf(err, errlen, "%s holds %s %s of generation %s, not %s %s of generation %s", path, k, o, g,
                 kind_name(key->kind), owner_of(key), gen);
        res = BK_HEADER;
        goto drain;
    }
    for (;;) {
        unsigned char lb[RECIO_LEN_BYTES];
        size_t got, len;
        recio_status rs = recio_get_len(fd, lb, &got, &len);
        if (rs == RECIO_IO) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            res = BK_IO;
            goto out;
        }
        if (rs != RECIO_OK) {
            if (rs == RECIO_END && ended)
                break;
            EVP_DigestUpdate(md, lb, got);
            offset += got;
            snprintf(err, errlen, "truncated: the file ends at byte %llu, after %llu record%s, without its end record",
                     (unsigned long long)offset, (unsigned long long)seq, seq == 1 ? "" : "s");
            res = BK_TRUNCATED;
            goto out;
        }
        EVP_DigestUpdate(md, lb, 4);
        if (ended) {
            offset += 4;
            snprintf(err, errlen, "corrupted: bytes follow the end record (at byte %llu)", (unsigned long long)(offset - 4));
            res = BK_CORRUPT;
            goto drain;
        }
        if (len <= CRYPTO_SEAL_OVERHEAD || len > REC_MAX) {
            snprintf(err, errlen, "corrupted: record %llu at byte %llu has an impossible length (%zu)",
                     (unsigned long long)seq, (unsigned long long)offset, len);
            offset += 4;
            res = BK_CORRUPT;
            goto drain;
        }
        if (!recio_read_all(fd, blob, len, &got)) {
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
            res = BK_IO;
            goto out;
        }
        EVP_DigestUpdate(md, blob, got);
        if (got < len) {
            snprintf(err, errlen, "truncated: record %llu at byte %llu is cut short (%zu of %zu bytes)",
                     (unsigned long long)seq, (unsigned long long)offset, got, len);
            offset += 4 + got;
            res = BK_TRUNCATED;
            goto out;
        }
        if (key->kind == BK_CONTROL) {
            unsigned char want[CRYPTO_KEYID_LEN], id[CRYPTO_KEYID_LEN];
            bool have = false;
            crypto_blob_key_id(blob, len, want);
            for (unsigned i = 0; i < key->kr->n && !have; i++) {
                crypto_key_id(key->kr->keys[i], id);
                have = !memcmp(id, want, sizeof id);
            }
            if (!have) {
                char hex[17];
                str_hex(want, CRYPTO_KEYID_LEN, hex);
                snprintf(err, errlen,
                         "sealed with master key %s, which is not loaded (put that retired key in key_file.prev)", hex);
                offset += 4 + len;
                res = BK_NOKEY;
                goto drain;
            }
        }
        if (seq == 0) {
            unsigned char id[CRYPTO_KEYID_LEN];
            if (crypto_blob_key_id(blob, len, id))
                str_hex(id, CRYPTO_KEYID_LEN, st->key_id);
        }
        if (!open_record(key, gen, seq, blob, len, plain)) {
            snprintf(err, errlen,
                     "corrupted: record %llu at byte %llu does not decrypt (the file was altered, or is not this %s's)",
                     (unsigned long long)seq, (unsigned long long)offset, key->kind == BK_TENANT ? "tenant" : "service");
            offset += 4 + len;
            res = BK_CORRUPT;
            goto drain;
        }
        size_t pl = len - CRYPTO_SEAL_OVERHEAD;
        offset += 4 + len;
        if (plain[0] == 'D') {
            res = inflate_into(&r, plain + 1, pl - 1, err, errlen, seq);
            if (res == BK_SINK)
                snprintf(err, errlen, "the data could not be passed on");
            if (res != BK_OK)
                goto drain;
            st->records++;
        } else if (plain[0] == 'E') {
            char text[200];
            unsigned long long nrec = 0, nplain = 0;
            char sha[65] = "";
            size_t tl = pl - 1 < sizeof text - 1 ? pl - 1 : sizeof text - 1;
            memcpy(text, plain + 1, tl);
            text[tl] = '\0';
            char got_sha[65];
            hexdigest(r.plain_md, got_sha);
            if (sscanf(text, "records=%llu plain=%llu sha256=%64s", &nrec, &nplain, sha) != 3 || nrec != seq ||
                nplain != r.plain || strcmp(sha, got_sha) || !r.z_end) {
                snprintf(err, errlen, "corrupted: the end record does not match the data before it");
                res = BK_CORRUPT;
                goto drain;
            }
            memcpy(st->plain_sha256, got_sha, sizeof got_sha);
            ended = true;
        } else {
            snprintf(err, errlen, "corrupted: record %llu has an unknown type", (unsigned long long)seq);
            res = BK_CORRUPT;
            goto drain;
        }
        crypto_wipe(plain, pl);
        seq++;
    }
    goto out;
drain:
    /* keep hashing the rest, so st->sha256 is the whole file's */
    for (;;) {
        ssize_t n = read(fd, blob, REC_MAX);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        EVP_DigestUpdate(md, blob, (size_t)n);
        offset += (uint64_t)n;
    }
out:
    st->size = offset;
    st->plain = r.plain;
    if (md)
        hexdigest(md, st->sha256);
    if (r.z_open)
        inflateEnd(&r.z);
    if (plain)
        crypto_wipe(plain, REC_MAX);
    if (r.out)
        crypto_wipe(r.out, OUTBUF);
    free(blob);
    free(plain);
    free(r.out);
    EVP_MD_CTX_free(md);
    EVP_MD_CTX_free(r.plain_md);
    close(fd);
    return res;
}
