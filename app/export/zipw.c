/* export/zipw.c - a zip archive written as it goes (export/writer.h,
 * export_zip_*): each entry's local header, its data (deflated by zlib, or
 * stored) and a data descriptor go to the sink at once; the central
 * directory is kept in an unlinked temporary file and copied to the sink
 * at the end, so memory does not grow with the entries.  ZIP64 records are
 * written when the archive needs them (more than 65,535 entries, or
 * offsets past 4 GiB); one entry holds less than 4 GiB.  Names are UTF-8
 * (flag bit 11). */
#include "export/writer.h"
#include "util/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

struct export_zip {
    export_sink *out;
    FILE *cd;                   /* central directory records, spilled */
    uint64_t offset;            /* bytes written to out */
    uint64_t entries, cd_size;
    uint16_t dos_time, dos_date;
    bool failed;
    /* the entry being written */
    bool open, deflate;
    char *name;
    uint64_t start;             /* its local header's offset */
    uint32_t crc;
    uint64_t usize, csize;
    z_stream zs;
    unsigned char zbuf[65536];
    /* names used: 64-bit hashes, open addressing */
    uint64_t *names;
    size_t nnames, cap;
};

static void le16(unsigned char *p, unsigned v)
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

static bool put(export_zip *z, const void *p, size_t n)
{
    if (z->failed || !z->out->write(z->out->ctx, p, n)) {
        z->failed = true;
        return false;
    }
    z->offset += n;
    return true;
}

export_zip *export_zip_new(export_sink *out)
{
    export_zip *z = calloc(1, sizeof *z);
    if (!z)
        return NULL;
    z->out = out;
    z->cd = tmpfile();   /* unlinked already */
    z->cap = 1024;
    z->names = calloc(z->cap, sizeof *z->names);
    if (!z->cd || !z->names) {
        export_zip_free(&z);
        return NULL;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    z->dos_time = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
    z->dos_date = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
    return z;
}

void export_zip_free(export_zip **zp)
{
    if (!zp || !*zp)
        return;
    export_zip *z = *zp;
    if (z->open && z->deflate)
        deflateEnd(&z->zs);
    if (z->cd)
        fclose(z->cd);
    free(z->name);
    free(z->names);
    free(z);
    *zp = NULL;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

/* Is the name's hash taken?  Takes it when not. */
static bool name_taken(export_zip *z, const char *name)
{
    if (z->nnames * 2 >= z->cap) {
        size_t cap = z->cap * 2;
        uint64_t *n = calloc(cap, sizeof *n);
        if (!n)
            return true;   /* out of memory: the caller's next try fails the same way */
        for (size_t i = 0; i < z->cap; i++)
            if (z->names[i])
                for (size_t k = z->names[i] % cap;; k = (k + 1) % cap)
                    if (!n[k]) {
                        n[k] = z->names[i];
                        break;
                    }
        free(z->names);
        z->names = n;
        z->cap = cap;
    }
    uint64_t h = name_hash(name);
    for (size_t k = h % z->cap;; k = (k + 1) % z->cap) {
        if (z->names[k] == h)
            return true;
        if (!z->names[k]) {
            z->names[k] = h;
            z->nnames++;
            return false;
        }
    }
}

const char *export_zip_unique(export_zip *z, arena *a, const char *name)
{
    if (!name_taken(z, name))
        return name;
    const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash) || dot == name)
        dot = name + strlen(name);
    for (int i = 2; i < 1000000; i++) {
        const char *n = arena_printf(a, "%.*s (%d)%s", (int)(dot - name), name, i, dot);
        if (!name_taken(z, n))
            return n;
    }
    return arena_printf(a, "%llu-%s", (unsigned long long)z->entries, name);
}

bool export_zip_begin(export_zip *z, const char *name, bool deflate)
{
    size_t nlen = strlen(name);
    if (z->failed || z->open || !nlen || nlen > 65535)
        return z->failed = true, false;
    free(z->name);
    z->name = strdup(name);
    if (!z->name)
        return z->failed = true, false;
    if (deflate) {
        memset(&z->zs, 0, sizeof z->zs);
        if (deflateInit2(&z->zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return z->failed = true, false;
    }
    z->open = true;
    z->deflate = deflate;
    z->start = z->offset;
    z->crc = (uint32_t)crc32(0L, Z_NULL, 0);
    z->usize = z->csize = 0;
    unsigned char h[30];
    le32(h, 0x04034b50);
    le16(h + 4, 20);                     /* version needed: 2.0 */
    le16(h + 6, 1u << 3 | 1u << 11);     /* sizes in the data descriptor; UTF-8 name */
    le16(h + 8, deflate ? 8 : 0);
    le16(h + 10, z->dos_time);
    le16(h + 12, z->dos_date);
    le32(h + 14, 0);                     /* crc, sizes: in the descriptor */
    le32(h + 18, 0);
    le32(h + 22, 0);
    le16(h + 26, (unsigned)nlen);
    le16(h + 28, 0);
    return put(z, h, sizeof h) && put(z, name, nlen);
}

static bool pump(export_zip *z, int flush)
{
    do {
        z->zs.next_out = z->zbuf;
        z->zs.avail_out = sizeof z->zbuf;
        int rc = deflate(&z->zs, flush);
        if (rc == Z_STREAM_ERROR)
            return z->failed = true, false;
        size_t n = sizeof z->zbuf - z->zs.avail_out;
        z->csize += n;
        if (n && !put(z, z->zbuf, n))
            return false;
    } while (z->zs.avail_out == 0 || (flush == Z_FINISH && z->zs.avail_in));
    return true;
}

bool export_zip_write(export_zip *z, const void *p, size_t n)
{
    if (z->failed || !z->open)
        return false;
    z->usize += n;
    if (z->usize >= 0xFFFFFFFFull)
        return z->failed = true, false;   /* one entry under 4 GiB */
    while (n) {   /* crc32 and zlib take uInt lengths */
        uInt k = n > 1u << 30 ? 1u << 30 : (uInt)n;
        z->crc = (uint32_t)crc32(z->crc, p, k);
        if (z->deflate) {
            z->zs.next_in = (Bytef *)p;
            z->zs.avail_in = k;
            if (!pump(z, Z_NO_FLUSH))
                return false;
        } else {
            z->csize += k;
            if (!put(z, p, k))
                return false;
        }
        p = (const char *)p + k;
        n -= k;
    }
    return true;
}

bool export_zip_end(export_zip *z)
{
    if (!z->open)
        return false;
    z->open = false;
    if (z->deflate) {
        z->zs.next_in = NULL;
        z->zs.avail_in = 0;
        bool ok = pump(z, Z_FINISH);
        deflateEnd(&z->zs);
        if (!ok)
            return false;
    }
    if (z->failed || z->csize >= 0xFFFFFFFFull)
        return z->failed = true, false;
    unsigned char d[16];
    le32(d, 0x08074b50);
    le32(d + 4, z->crc);
    le32(d + 8, (uint32_t)z->csize);
    le32(d + 12, (uint32_t)z->usize);
    if (!put(z, d, sizeof d))
        return false;
    /* its central directory record, with a ZIP64 offset when it needs one */
    size_t nlen = strlen(z->name);
    bool big = z->start >= 0xFFFFFFFFull;
    unsigned char c[46], x[12];
    le32(c, 0x02014b50);
    le16(c + 4, 3u << 8 | 45);            /* made by: Unix, 4.5 */
    le16(c + 6, big ? 45 : 20);
    le16(c + 8, 1u << 3 | 1u << 11);
    le16(c + 10, z->deflate ? 8 : 0);
    le16(c + 12, z->dos_time);
    le16(c + 14, z->dos_date);
    le32(c + 16, z->crc);
    le32(c + 20, (uint32_t)z->csize);
    le32(c + 24, (uint32_t)z->usize);
    le16(c + 28, (unsigned)nlen);
    le16(c + 30, big ? sizeof x : 0);
    le16(c + 32, 0);
    le16(c + 34, 0);
    le16(c + 36, 0);
    le32(c + 38, 0100644u << 16);        /* a regular file, rw-r--r-- */
    le32(c + 42, big ? 0xFFFFFFFFu : (uint32_t)z->start);
    le16(x, 0x0001);
    le16(x + 2, 8);
    le64(x + 4, z->start);
    if (fwrite(c, 1, sizeof c, z->cd) != sizeof c || fwrite(z->name, 1, nlen, z->cd) != nlen ||
        (big && fwrite(x, 1, sizeof x, z->cd) != sizeof x))
        return z->failed = true, false;
    z->cd_size += sizeof c + nlen + (big ? sizeof x : 0);
    z->entries++;
    return true;
}

bool export_zip_add(export_zip *z, const char *name, const void *data, size_t len, bool deflate)
{
    return export_zip_begin(z, name, deflate) && export_zip_write(z, data, len) && export_zip_end(z);
}

static bool entry_write(void *ctx, const void *p, size_t n)
{
    return export_zip_write(ctx, p, n);
}

export_sink export_zip_sink(export_zip *z)
{
    return (export_sink){entry_write, z};
}

bool export_zip_finish(export_zip **zp)
{
    export_zip *z = *zp;
    bool ok = z && !z->failed && !z->open && fflush(z->cd) == 0 && fseek(z->cd, 0, SEEK_SET) == 0;
    uint64_t cd_start = z ? z->offset : 0;
    char chunk[65536];
    size_t n;
    while (ok && (n = fread(chunk, 1, sizeof chunk, z->cd)) > 0)
        ok = put(z, chunk, n);
    ok = ok && !ferror(z->cd);
    if (ok && (z->entries >= 0xFFFF || cd_start >= 0xFFFFFFFFull || z->cd_size >= 0xFFFFFFFFull)) {
        /* the ZIP64 end of central directory record and its locator */
        unsigned char e[56], l[20];
        uint64_t at = z->offset;
        le32(e, 0x06064b50);
        le64(e + 4, sizeof e - 12);
        le16(e + 12, 3u << 8 | 45);
        le16(e + 14, 45);
        le32(e + 16, 0);
        le32(e + 20, 0);
        le64(e + 24, z->entries);
        le64(e + 32, z->entries);
        le64(e + 40, z->cd_size);
        le64(e + 48, cd_start);
        le32(l, 0x07064b50);
        le32(l + 4, 0);
        le64(l + 8, at);
        le32(l + 16, 1);
        ok = put(z, e, sizeof e) && put(z, l, sizeof l);
    }
    if (ok) {
        unsigned char e[22];
        unsigned short ne = z->entries >= 0xFFFF ? 0xFFFF : (unsigned short)z->entries;
        le32(e, 0x06054b50);
        le16(e + 4, 0);
        le16(e + 6, 0);
        le16(e + 8, ne);
        le16(e + 10, ne);
        le32(e + 12, z->cd_size >= 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)z->cd_size);
        le32(e + 16, cd_start >= 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)cd_start);
        le16(e + 20, 0);
        ok = put(z, e, sizeof e);
    }
    export_zip_free(zp);
    return ok;
}

/* ---- many reports, one file each --------------------------------------- */

typedef struct zr {
    export_zip *z;
    export_zip_kind kind;
    export_msg_fn msg;
    export_progress *p;
    long long done, total;
} zr;

static op_result one(op_ctx *op, const export_report *r, void *ctx)
{
    zr *x = ctx;
    bool pdf = x->kind == EXPORT_ZIP_PDF;
    const char *name = export_zip_unique(x->z, op->a, export_file_name(op->a, r, pdf ? "pdf" : "xml"));
    /* PDFs are deflated already (their streams): stored */
    if (!export_zip_begin(x->z, name, !pdf))
        return OP_ERROR;
    export_sink s = export_zip_sink(x->z);
    export_pdf_opts o = {.msg = x->msg};
    op_result res = pdf ? export_pdf_write(op, r, &o, &s) : export_xml_write(op, r, &s);
    if (res != OP_OK)
        return res;
    if (!export_zip_end(x->z))
        return OP_ERROR;
    x->done++;
    if (x->p && x->p->step)
        x->p->step(x->p->ctx, x->done, x->total);
    if (x->p && x->p->cancelled && x->p->cancelled(x->p->ctx))
        return OP_CONFLICT;
    return OP_OK;
}

op_result export_zip_reports_write(op_ctx *op, const export_filter *f, const char *const *ids, int nids,
                                   export_zip_kind kind, export_msg_fn msg, export_progress *p, export_sink *out)
{
    zr x = {.z = export_zip_new(out), .kind = kind, .msg = msg, .p = p};
    if (!x.z)
        return OP_ERROR;
    op_result res = export_each(op, f, ids, nids, one, &x, &x.total);
    if (res == OP_OK && x.total == 0 && p && p->step)
        p->step(p->ctx, 0, 0);
    if (res != OP_OK) {
        export_zip_free(&x.z);
        return res;
    }
    return export_zip_finish(&x.z) ? OP_OK : OP_ERROR;
}
