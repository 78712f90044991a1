/* jobs/zipw.c - a zip archive written as a stream (see zipw.h; PKWARE
 * APPNOTE 6.3: local header with the general-purpose bit 3 and the sizes
 * in a data descriptor after the data, UTF-8 names by bit 11, zip64 when
 * needed). */
#include "jobs/zipw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ZBUF (256u << 10)

typedef struct zent {
    char *name;
    uint32_t crc;
    uint64_t csize, usize, offset;
    uint16_t method;
} zent;

struct zipw {
    export_sink *out;
    uint64_t off;
    zent *e;
    size_t n, cap;
    unsigned char *cbuf;       /* ZBUF bytes of deflate output */
    z_stream zs;               /* the open entry's deflate state */
    bool open;
    uint64_t data_start;
    size_t *slot;              /* open addressing over names: entry index + 1, 0 = free */
    size_t nslot;
    bool failed;
};

static void le16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static bool put(zipw *z, const void *p, size_t n)
{
    if (z->failed)
        return false;
    if (n && !z->out->write(z->out->ctx, p, n)) {
        z->failed = true;
        return false;
    }
    z->off += n;
    return true;
}

zipw *zipw_new(export_sink *out)
{
    zipw *z = calloc(1, sizeof *z);
    if (z)
        z->out = out;
    return z;
}

void zipw_free(zipw **zp)
{
    if (!zp || !*zp)
        return;
    zipw *z = *zp;
    if (z->open && z->e[z->n - 1].method == 8)
        deflateEnd(&z->zs);
    for (size_t i = 0; i < z->n; i++)
        free(z->e[i].name);
    free(z->e);
    free(z->slot);
    free(z->cbuf);
    free(z);
    *zp = NULL;
}

static size_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

static bool name_taken(const zipw *z, const char *name)
{
    if (!z->nslot)
        return false;
    for (size_t i = name_hash(name) & (z->nslot - 1); z->slot[i]; i = (i + 1) & (z->nslot - 1))
        if (!strcmp(z->e[z->slot[i] - 1].name, name))
            return true;
    return false;
}

/* Remember entry k's name (the table stays at most half full). */
static bool name_keep(zipw *z, size_t k)
{
    if ((k + 1) * 2 > z->nslot) {
        size_t n = z->nslot ? z->nslot * 2 : 256;
        size_t *s = calloc(n, sizeof *s);
        if (!s)
            return false;
        free(z->slot);
        z->slot = s;
        z->nslot = n;
        for (size_t j = 0; j < k; j++) {
            size_t i = name_hash(z->e[j].name) & (n - 1);
            while (s[i])
                i = (i + 1) & (n - 1);
            s[i] = j + 1;
        }
    }
    size_t i = name_hash(z->e[k].name) & (z->nslot - 1);
    while (z->slot[i])
        i = (i + 1) & (z->nslot - 1);
    z->slot[i] = k + 1;
    return true;
}

/* name, or "stem (k).ext" for the first k that is free */
static char *unique_name(const zipw *z, const char *name)
{
    if (!name_taken(z, name))
        return strdup(name);
    const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash))
        dot = name + strlen(name);
    size_t len = strlen(name) + 24;
    char *s = malloc(len);
    for (int k = 2; s; k++) {
        snprintf(s, len, "%.*s (%d)%s", (int)(dot - name), name, k, dot);
        if (!name_taken(z, s))
            return s;
    }
    return s;
}

bool zipw_begin(zipw *z, const char *name, bool compress)
{
    if (z->failed || z->open)
        return false;
    if (z->n == z->cap) {
        size_t cap = z->cap ? z->cap * 2 : 64;
        zent *e = realloc(z->e, cap * sizeof *e);
        if (!e)
            return z->failed = true, false;
        z->e = e;
        z->cap = cap;
    }
    zent *e = &z->e[z->n];
    memset(e, 0, sizeof *e);
    e->name = unique_name(z, name);
    if (!e->name)
        return z->failed = true, false;
    z->n++;
    if (!name_keep(z, z->n - 1))
        return z->failed = true, false;
    e->offset = z->off;
    e->crc = (uint32_t)crc32(0L, Z_NULL, 0);
    e->method = compress ? 8 : 0;
    if (compress) {
        memset(&z->zs, 0, sizeof z->zs);
        /* raw deflate (no zlib header), as zip wants */
        if (deflateInit2(&z->zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return z->failed = true, false;
        if (!z->cbuf && !(z->cbuf = malloc(ZBUF)))
            return z->failed = true, false;
    }
    size_t nl = strlen(e->name);
    unsigned char h[30];
    le32(h, 0x04034b50);
    le16(h + 4, 45);                  /* version needed: zip64 */
    le16(h + 6, (1u << 3) | (1u << 11));
    le16(h + 8, e->method);
    le16(h + 10, 0);                  /* time: 00:00 */
    le16(h + 12, (uint16_t)((1 << 5) | 1 | ((2020 - 1980) << 9)));
    le32(h + 14, 0);                  /* crc and sizes: in the descriptor */
    le32(h + 18, 0);
    le32(h + 22, 0);
    le16(h + 26, (uint16_t)nl);
    le16(h + 28, 0);
    z->open = true;
    z->data_start = z->off + 30 + nl;
    return put(z, h, 30) && put(z, e->name, nl);
}

static bool pump(zipw *z, int flush)
{
    do {
        z->zs.next_out = z->cbuf;
        z->zs.avail_out = ZBUF;
        int rc = deflate(&z->zs, flush);
        if (rc == Z_STREAM_ERROR)
            return z->failed = true, false;
        if (!put(z, z->cbuf, ZBUF - z->zs.avail_out))
            return false;
    } while (z->zs.avail_out == 0);
    return true;
}

bool zipw_data(zipw *z, const void *data, size_t n)
{
    if (z->failed || !z->open)
        return false;
    zent *e = &z->e[z->n - 1];
    const unsigned char *p = data;
    while (n) {
        uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
        e->crc = (uint32_t)crc32(e->crc, p, k);
        e->usize += k;
        if (e->method == 8) {
            z->zs.next_in = (Bytef *)p;
            z->zs.avail_in = k;
            if (!pump(z, Z_NO_FLUSH))
                return false;
        } else if (!put(z, p, k)) {
            return false;
        }
        p += k;
        n -= k;
    }
    return true;
}

/* zipw_data as an export_sink's write. */
bool zipw_write(void *ctx, const void *p, size_t n)
{
    return zipw_data(ctx, p, n);
}

bool zipw_end(zipw *z)
{
    if (z->failed || !z->open)
        return false;
    zent *e = &z->e[z->n - 1];
    z->open = false;
    if (e->method == 8) {
        z->zs.next_in = Z_NULL;
        z->zs.avail_in = 0;
        bool ok = pump(z, Z_FINISH);
        deflateEnd(&z->zs);
        if (!ok)
            return false;
    }
    e->csize = z->off - z->data_start;
    /* data descriptor, zip64 form (8-byte sizes) */
    unsigned char d[24];
    le32(d, 0x08074b50);
    le32(d + 4, e->crc);
    le64(d + 8, e->csize);
    le64(d + 16, e->usize);
    return put(z, d, 24);
}

bool zipw_add(zipw *z, const char *name, const void *data, size_t n, bool compress)
{
    return zipw_begin(z, name, compress && n > 64) && zipw_data(z, data, n) && zipw_end(z);
}

bool zipw_finish(zipw **zp)
{
    zipw *z = *zp;
    if (z->open)
        z->failed = true;
    uint64_t cd_start = z->off;
    for (size_t i = 0; i < z->n && !z->failed; i++) {
        zent *e = &z->e[i];
        size_t nl = strlen(e->name);
        bool big = e->csize >= 0xffffffffu || e->usize >= 0xffffffffu || e->offset >= 0xffffffffu;
        unsigned char h[46], x[28];
        le32(h, 0x02014b50);
        le16(h + 4, (3 << 8) | 45);   /* made by: unix, 4.5 */
        le16(h + 6, 45);
        le16(h + 8, (1u << 3) | (1u << 11));
        le16(h + 10, e->method);
        le16(h + 12, 0);
        le16(h + 14, (uint16_t)((1 << 5) | 1 | ((2020 - 1980) << 9)));
        le32(h + 16, e->crc);
        le32(h + 20, big ? 0xffffffffu : (uint32_t)e->csize);
        le32(h + 24, big ? 0xffffffffu : (uint32_t)e->usize);
        le16(h + 28, (uint16_t)nl);
        le16(h + 30, big ? 28 : 0);
        le16(h + 32, 0);
        le16(h + 34, 0);
        le16(h + 36, 0);
        le32(h + 38, 0100600u << 16);  /* -rw------- */
        le32(h + 42, big ? 0xffffffffu : (uint32_t)e->offset);
        put(z, h, 46);
        put(z, e->name, nl);
        if (big) {
            le16(x, 1);
            le16(x + 2, 24);
            le64(x + 4, e->usize);
            le64(x + 12, e->csize);
            le64(x + 20, e->offset);
            put(z, x, 28);
        }
    }
    uint64_t cd_size = z->off - cd_start;
    bool z64 = z->n >= 0xffff || cd_start >= 0xffffffffu || cd_size >= 0xffffffffu;
    if (z64) {
        uint64_t rec = z->off;
        unsigned char r[56], l[20];
        le32(r, 0x06064b50);
        le64(r + 4, 44);
        le16(r + 12, (3 << 8) | 45);
        le16(r + 14, 45);
        le32(r + 16, 0);
        le32(r + 20, 0);
        le64(r + 24, z->n);
        le64(r + 32, z->n);
        le64(r + 40, cd_size);
        le64(r + 48, cd_start);
        put(z, r, 56);
        le32(l, 0x07064b50);
        le32(l + 4, 0);
        le64(l + 8, rec);
        le32(l + 16, 1);
        put(z, l, 20);
    }
    unsigned char end[22];
    le32(end, 0x06054b50);
    le16(end + 4, 0);
    le16(end + 6, 0);
    le16(end + 8, z64 ? 0xffff : (uint16_t)z->n);
    le16(end + 10, z64 ? 0xffff : (uint16_t)z->n);
    le32(end + 12, z64 ? 0xffffffffu : (uint32_t)cd_size);
    le32(end + 16, z64 ? 0xffffffffu : (uint32_t)cd_start);
    le16(end + 20, 0);
    put(z, end, 22);
    bool ok = !z->failed;
    zipw_free(zp);
    return ok;
}
