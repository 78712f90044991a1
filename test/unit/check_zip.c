/* Zip uploads (util/zip.c, forms/defzip.c) and image headers (util/image.c).
 * The archives are built here with libzip, in memory. */
#include "tests.h"
#include "forms/defzip.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/errs.h"
#include "util/image.h"
#include "util/zip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

typedef struct zfile {
    const char *name;
    const void *data;
    size_t len;        /* 0: strlen(data) */
} zfile;

/* An archive of files (deflated unless store), copied into a. */
static unsigned char *make_zip(arena *a, const zfile *files, int n, bool store, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    ck_assert_ptr_nonnull(src);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    ck_assert_ptr_nonnull(za);
    for (int i = 0; i < n; i++) {
        size_t l = files[i].len ? files[i].len : strlen(files[i].data);
        zip_source_t *fs = zip_source_buffer(za, files[i].data, l, 0);
        ck_assert_ptr_nonnull(fs);
        zip_int64_t idx = zip_file_add(za, files[i].name, fs, ZIP_FL_ENC_UTF_8);
        ck_assert_msg(idx >= 0, "%s: %s", files[i].name, zip_strerror(za));
        if (store)
            ck_assert_int_eq(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0), 0);
    }
    ck_assert_msg(zip_close(za) == 0, "%s", zip_strerror(za));
    ck_assert_int_eq(zip_source_open(src), 0);
    ck_assert_int_eq(zip_source_seek(src, 0, SEEK_END), 0);
    zip_int64_t size = zip_source_tell(src);
    ck_assert_int_gt(size, 0);
    ck_assert_int_eq(zip_source_seek(src, 0, SEEK_SET), 0);
    unsigned char *out = arena_alloc(a, (size_t)size);
    ck_assert_int_eq(zip_source_read(src, out, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *len = (size_t)size;
    return out;
}

static void put16(unsigned char *p, unsigned v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
}

static void put32(unsigned char *p, unsigned long v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (v >> (8 * i)) & 0xff;
}

/* Change, in both the local and the central header of entry name, the
 * compression method (method >= 0), the uncompressed size (size >= 0), or
 * the name itself (rename, same length).  Returns the headers patched. */
static int patch(unsigned char *z, size_t len, const char *name, long method, long size, const char *rename)
{
    size_t nl = strlen(name);
    int patched = 0;
    for (size_t i = 0; i + 46 <= len; i++) {
        bool local = !memcmp(z + i, "PK\3\4", 4), central = !memcmp(z + i, "PK\1\2", 4);
        if (!local && !central)
            continue;
        size_t name_off = local ? 30 : 46, len_off = local ? 26 : 28;
        size_t got = z[i + len_off] | (size_t)z[i + len_off + 1] << 8;
        if (got != nl || i + name_off + nl > len || memcmp(z + i + name_off, name, nl))
            continue;
        if (method >= 0)
            put16(z + i + (local ? 8 : 10), (unsigned)method);
        if (size >= 0)
            put32(z + i + (local ? 22 : 24), (unsigned long)size);
        if (rename)
            memcpy(z + i + name_off, rename, nl);
        patched++;
    }
    return patched;
}

/* zip_read_entries must refuse, with err containing want. */
static void refused(arena *a, const unsigned char *z, size_t len, const zip_limits *lim, const char *want)
{
    zip_entry *list;
    int n;
    char err[300];
    ck_assert_msg(!zip_read_entries(a, z, len, &list, &n, lim, err, sizeof err), "accepted, wanted '%s'", want);
    ck_assert_msg(strstr(err, want), "want '%s', got '%s'", want, err);
    ck_assert_ptr_null(list);
    ck_assert_int_eq(n, 0);
}

START_TEST(zip_entries)
{
    arena *a = arena_new();
    zfile files[] = {{"a.txt", "hello", 0}, {"dir/b.txt", "world!", 0}, {"empty", "", 0}};
    for (int store = 0; store < 2; store++) {
        size_t len;
        unsigned char *z = make_zip(a, files, 3, store, &len);
        zip_entry *list;
        int n;
        char err[200];
        ck_assert_msg(zip_read_entries(a, z, len, &list, &n, NULL, err, sizeof err), "%s", err);
        ck_assert_int_eq(n, 3);
        ck_assert_str_eq(list[0].name, "a.txt");
        ck_assert_uint_eq(list[0].len, 5);
        ck_assert(!memcmp(list[0].data, "hello", 5) && list[0].data[5] == 0);
        ck_assert_str_eq(list[1].name, "dir/b.txt");
        ck_assert_uint_eq(list[2].len, 0);
        /* flat: folders refused */
        zip_limits flat = zip_default_limits;
        flat.flat = true;
        refused(a, z, len, &flat, "dir/b.txt\": unsafe name");
    }
    /* not a zip at all */
    refused(a, (const unsigned char *)"PK not really", 13, NULL, "not a readable zip");
    refused(a, NULL, 0, NULL, "not a readable zip");
    arena_free(&a);
}
END_TEST

START_TEST(zip_hostile_names)
{
    static const char *const names[] = {"../evil.png", "/etc/passwd", "a/../../x", "a\\b.png", "./x",
                                        "a//b", "C:x", "dir/.."};
    arena *a = arena_new();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        zfile f[] = {{"ok.txt", "x", 0}, {names[i], "bad", 0}};
        size_t len;
        unsigned char *z = make_zip(a, f, 2, false, &len);
        refused(a, z, len, NULL, "unsafe name");
    }
    /* a control character (libzip will not write it: rename an entry) */
    zfile ctl[] = {{"ctlX.txt", "x", 0}};
    size_t clen;
    unsigned char *cz = make_zip(a, ctl, 1, false, &clen);
    ck_assert_int_eq(patch(cz, clen, "ctlX.txt", -1, -1, "ctl\x01.txt"), 2);
    refused(a, cz, clen, NULL, "unsafe name");
    /* the same name twice (libzip will not write it: rename an entry); libzip
     * refuses it when opening, zip.c again if it ever did not */
    zfile two[] = {{"a.png", "1", 0}, {"b.png", "2", 0}};
    size_t len;
    unsigned char *z = make_zip(a, two, 2, false, &len);
    ck_assert_int_eq(patch(z, len, "b.png", -1, -1, "a.png"), 2);
    refused(a, z, len, NULL, "");
    arena_free(&a);
}
END_TEST

START_TEST(zip_limits_enforced)
{
    arena *a = arena_new();
    /* too many entries */
    zfile many[51];
    for (int i = 0; i < 51; i++)
        many[i] = (zfile){arena_printf(a, "f%02d.txt", i), "x", 0};
    size_t len;
    unsigned char *z = make_zip(a, many, 51, false, &len);
    refused(a, z, len, NULL, "51 entries (at most 50)");
    zip_entry *list;
    int n;
    char err[300];
    ck_assert(zip_read_entries(a, z, len, &list, &n, &(zip_limits){51, 100, 1000, false}, err, sizeof err));

    /* entry and total limits */
    zfile three[] = {{"a", "0123456789", 0}, {"b", "0123456789", 0}, {"c", "0123456789", 0}};
    z = make_zip(a, three, 3, false, &len);
    refused(a, z, len, &(zip_limits){10, 9, 1000, false}, "\"a\": larger than 9 bytes");
    refused(a, z, len, &(zip_limits){10, 10, 25, false}, "more than 25 bytes");
    ck_assert(zip_read_entries(a, z, len, &list, &n, &(zip_limits){10, 10, 30, false}, err, sizeof err));

    /* unsupported compression (method 14 = LZMA) */
    zfile one[] = {{"x.bin", "data data data", 0}};
    z = make_zip(a, one, 1, false, &len);
    ck_assert_int_eq(patch(z, len, "x.bin", 14, -1, NULL), 2);
    refused(a, z, len, NULL, "unsupported compression");

    /* encrypted */
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    zip_int64_t idx = zip_file_add(za, "secret.txt", zip_source_buffer(za, "secret", 6, 0), 0);
    ck_assert_int_eq(zip_file_set_encryption(za, (zip_uint64_t)idx, ZIP_EM_AES_256, "password"), 0);
    ck_assert_int_eq(zip_close(za), 0);
    zip_source_open(src);
    zip_source_seek(src, 0, SEEK_END);
    len = (size_t)zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    z = arena_alloc(a, len);
    ck_assert_int_eq(zip_source_read(src, z, len), (zip_int64_t)len);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    refused(a, z, len, NULL, "encrypted");

    /* damaged data: a flipped byte in a stored entry fails the CRC */
    zfile plain[] = {{"p.txt", "plain text here", 0}};
    z = make_zip(a, plain, 1, true, &len);
    unsigned char *hit = memmem(z, len, "plain text", 10);
    ck_assert_ptr_nonnull(hit);
    hit[0] = 'P';
    refused(a, z, len, NULL, "\"p.txt\"");
    arena_free(&a);
}
END_TEST

/* 100 MiB of zeros compress to ~100 KiB.  Declared honestly it is refused
 * before reading; with a lying header it is refused as soon as it yields
 * more than it declared, without the memory ever being allocated. */
START_TEST(zip_bomb)
{
    arena *a = arena_new();
    size_t big = 100u * 1024 * 1024;
    char *zeros = calloc(1, big);
    ck_assert_ptr_nonnull(zeros);
    zfile f[] = {{"definition.xml", zeros, big}};
    size_t len;
    unsigned char *z = make_zip(a, f, 1, false, &len);
    free(zeros);
    ck_assert_uint_lt(len, 1024 * 1024);
    size_t before = arena_used(a);
    refused(a, z, len, NULL, "larger than 10485760 bytes");

    ck_assert_int_eq(patch(z, len, "definition.xml", -1, 1000, NULL), 2);
    refused(a, z, len, NULL, "unpacks to more than its declared size");
    ck_assert_uint_lt(arena_used(a) - before, 64 * 1024);

    /* the same through defzip_read */
    errs e;
    errs_init(&e, a);
    definition *d;
    zip_entry *images;
    int nimages;
    ck_assert(!defzip_read(a, z, len, &d, &images, &nimages, &e));
    ck_assert_int_eq(e.n, 1);
    ck_assert_str_eq(e.e[0].code, "zip_invalid");
    ck_assert_ptr_nonnull(strstr(e.e[0].arg, "declared size"));
    ck_assert_uint_lt(arena_used(a) - before, 64 * 1024);
    arena_free(&a);
}
END_TEST

/* A PNG header (no pixel data: only the header is ever looked at). */
static const unsigned char png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0x02, 0x53, 0, 0, 0x03, 0x4A, 8, 2, 0, 0, 0, 0x11, 0x22, 0x33, 0x44,   /* 595 x 842 */
    0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82,
};
/* SOI, APP0 (JFIF), DQT stub, SOF0 100 x 50, 3 components. */
static const unsigned char jpeg[] = {
    0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    0xFF, 0xDB, 0, 4, 0, 0,
    0xFF, 0xFF, 0xC0, 0, 17, 8, 0, 50, 0, 100, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
    0xFF, 0xDA, 0, 2, 0xFF, 0xD9,
};

/* A definition naming background bg, as XML text. */
static const char *def_with_background(arena *a, const char *bg)
{
    return arena_printf(a,
        "<conmas><top><defTopName>T</defTopName><sheets>\n"
        "<sheet><sheetNo>1</sheetNo><defSheetName>S</defSheetName><width>595</width><height>842</height>"
        "<background>%s</background></sheet>\n"
        "<sheet><sheetNo>2</sheetNo><defSheetName>S2</defSheetName><width>595</width><height>842</height>"
        "<background>%s</background></sheet>\n"
        "</sheets></top></conmas>", bg, bg);
}

static const char *read_zip(arena *a, const zfile *files, int n, errs *e, int *nimages)
{
    size_t len;
    unsigned char *z = make_zip(a, files, n, false, &len);
    definition *d;
    zip_entry *images;
    errs_init(e, a);
    bool ok = defzip_read(a, z, len, &d, &images, nimages, e);
    if (ok) {
        ck_assert_int_eq(e->n, 0);
        return NULL;
    }
    ck_assert_int_gt(e->n, 0);
    return e->e[0].code;
}

START_TEST(defzip_cases)
{
    arena *a = arena_new();
    errs e;
    int nimages;
    /* good: the background is returned once, although both sheets use it */
    zfile good[] = {{"definition.xml", def_with_background(a, "sheet1.png"), 0},
                    {"sheet1.png", png, sizeof png}, {"notes/readme.txt", "ignored", 0}};
    ck_assert_ptr_null(read_zip(a, good, 3, &e, &nimages));
    ck_assert_int_eq(nimages, 1);
    size_t len;
    unsigned char *z = make_zip(a, good, 3, false, &len);
    definition *d;
    zip_entry *images;
    errs_init(&e, a);
    ck_assert(defzip_read(a, z, len, &d, &images, &nimages, &e));
    ck_assert_str_eq(images[0].name, "sheet1.png");
    ck_assert_uint_eq(images[0].len, sizeof png);
    ck_assert_str_eq(d->sheets[0].background, "sheet1.png");

    zfile good_jpeg[] = {{"definition.xml", def_with_background(a, "bg.JPEG"), 0}, {"bg.JPEG", jpeg, sizeof jpeg}};
    ck_assert_ptr_null(read_zip(a, good_jpeg, 2, &e, &nimages));

    /* the sample itself, zipped */
    size_t slen;
    char *sample = sample_read(a, "daily-inspection.xml", &slen);
    zfile s[] = {{"definition.xml", sample, slen}};
    ck_assert_ptr_null(read_zip(a, s, 1, &e, &nimages));
    ck_assert_int_eq(nimages, 0);

    /* missing background: reported once per name, at the first sheet using it */
    zfile missing[] = {{"definition.xml", def_with_background(a, "sheet1.png"), 0}};
    ck_assert_str_eq(read_zip(a, missing, 1, &e, &nimages), "background_missing");
    ck_assert_int_eq(e.n, 1);
    ck_assert_str_eq(e.e[0].arg, "sheet1.png");
    ck_assert_str_eq(e.e[0].field, "sheet 1");
    ck_assert_int_eq(e.e[0].line, 2);

    /* wrong magic bytes, truncated header, wrong extension */
    zfile gif[] = {{"definition.xml", def_with_background(a, "sheet1.png"), 0}, {"sheet1.png", "GIF89a......", 0}};
    ck_assert_str_eq(read_zip(a, gif, 2, &e, &nimages), "bad_image");
    ck_assert_int_eq(e.n, 1);
    ck_assert_str_eq(e.e[0].arg, "sheet1.png: not a PNG or JPEG image");
    zfile cut[] = {{"definition.xml", def_with_background(a, "sheet1.png"), 0}, {"sheet1.png", png, 20}};
    ck_assert_str_eq(read_zip(a, cut, 2, &e, &nimages), "bad_image");
    ck_assert_str_eq(e.e[0].arg, "sheet1.png: truncated image header");
    zfile named[] = {{"definition.xml", def_with_background(a, "sheet1.png"), 0}, {"sheet1.png", jpeg, sizeof jpeg}};
    ck_assert_str_eq(read_zip(a, named, 2, &e, &nimages), "bad_image");
    ck_assert_ptr_nonnull(strstr(e.e[0].arg, "JPEG image named otherwise"));

    /* no definition.xml; a subfolder's does not count */
    zfile none[] = {{"sub/definition.xml", def_with_background(a, "x.png"), 0}};
    ck_assert_str_eq(read_zip(a, none, 1, &e, &nimages), "definition_missing");
    /* not a zip */
    errs_init(&e, a);
    ck_assert(!defzip_read(a, "<conmas/>", 9, &d, &images, &nimages, &e));
    ck_assert_str_eq(e.e[0].code, "zip_invalid");
    /* a bad definition: its errors, and the background still checked */
    zfile baddef[] = {{"definition.xml", "<conmas><top><defTopName>T</defTopName><sheets><sheet><sheetNo>1</sheetNo>"
                                         "<defSheetName>S</defSheetName><width>0</width><height>1</height>"
                                         "<background>x.png</background></sheet></sheets></top></conmas>", 0}};
    ck_assert_str_eq(read_zip(a, baddef, 1, &e, &nimages), "bad_size");
    ck_assert_int_eq(e.n, 2);
    ck_assert_str_eq(e.e[1].code, "background_missing");
    /* an unsafe background name is bad_background only */
    zfile unsafe[] = {{"definition.xml", def_with_background(a, "../x.png"), 0}};
    ck_assert_str_eq(read_zip(a, unsafe, 1, &e, &nimages), "bad_background");
    ck_assert_int_eq(e.n, 2);   /* one per sheet */
    ck_assert_str_eq(e.e[1].code, "bad_background");
    arena_free(&a);
}
END_TEST

TCase *tcase_zip(void)
{
    TCase *t = tcase_create("zip");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, zip_entries);
    tcase_add_test(t, zip_hostile_names);
    tcase_add_test(t, zip_limits_enforced);
    tcase_add_test(t, zip_bomb);
    tcase_add_test(t, defzip_cases);
    return t;
}

START_TEST(image_headers)
{
    image_info in;
    ck_assert(image_probe(png, sizeof png, 0, &in));
    ck_assert_int_eq(in.kind, IMAGE_PNG);
    ck_assert_str_eq(in.content_type, "image/png");
    ck_assert_uint_eq(in.width, 595);
    ck_assert_uint_eq(in.height, 842);
    ck_assert(image_probe(png, 33, 595 * 842, &in));          /* the header is enough */
    ck_assert(!image_probe(png, sizeof png, 595 * 842 - 1, &in));
    ck_assert_str_eq(in.why, "image has too many pixels");

    ck_assert(image_probe(jpeg, sizeof jpeg, 40000000, &in));
    ck_assert_int_eq(in.kind, IMAGE_JPEG);
    ck_assert_str_eq(in.content_type, "image/jpeg");
    ck_assert_uint_eq(in.width, 100);
    ck_assert_uint_eq(in.height, 50);

    /* every truncation of the headers */
    for (size_t n = 0; n < 33; n++) {
        ck_assert_msg(!image_probe(png, n, 0, &in), "png %zu", n);
        ck_assert_msg(!strcmp(in.why, "truncated image header"), "png %zu: %s", n, in.why);
    }
    size_t sof_end = 37;   /* through the SOF0 component count */
    for (size_t n = 0; n < sof_end; n++) {
        ck_assert_msg(!image_probe(jpeg, n, 0, &in), "jpeg %zu", n);
        ck_assert_msg(!strcmp(in.why, "truncated image header"), "jpeg %zu: %s", n, in.why);
    }
    ck_assert(image_probe(jpeg, sof_end, 0, &in));
    ck_assert(!image_probe(NULL, 0, 0, &in));

    /* zero and huge sizes */
    unsigned char p[sizeof png];
    memcpy(p, png, sizeof p);
    memset(p + 16, 0, 4);
    ck_assert(!image_probe(p, sizeof p, 0, &in));
    ck_assert_str_eq(in.why, "image has no size");
    memcpy(p + 16, "\x00\x01\x86\xA0", 4);   /* 100000 x 100000 */
    memcpy(p + 20, "\x00\x01\x86\xA0", 4);
    ck_assert(!image_probe(p, sizeof p, 40000000, &in));
    ck_assert_str_eq(in.why, "image has too many pixels");
    memcpy(p + 16, "\x80\x00\x00\x00", 4);   /* beyond PNG's 2^31-1 */
    ck_assert(!image_probe(p, sizeof p, 0, &in));
    memcpy(p, png, sizeof p);
    p[25] = 5;                                  /* no such colour type */
    ck_assert(!image_probe(p, sizeof p, 0, &in));
    ck_assert_str_eq(in.why, "not a PNG or JPEG image");
    memcpy(p, png, sizeof p);
    p[12] = 'X';                                /* first chunk is not IHDR */
    ck_assert(!image_probe(p, sizeof p, 0, &in));

    unsigned char j[sizeof jpeg];
    memcpy(j, jpeg, sizeof j);
    j[32] = 0;                                  /* height 0 */
    j[33] = 0;
    ck_assert(!image_probe(j, sizeof j, 0, &in));
    ck_assert_str_eq(in.why, "image has no size");
    memcpy(j, jpeg, sizeof j);
    j[28] = 0xC3;                               /* lossless */
    ck_assert(!image_probe(j, sizeof j, 0, &in));
    ck_assert_str_eq(in.why, "unsupported JPEG coding");
    j[28] = 0xC2;                               /* progressive is fine */
    ck_assert(image_probe(j, sizeof j, 0, &in));
    static const unsigned char sos_first[] = {0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9};
    ck_assert(!image_probe(sos_first, sizeof sos_first, 0, &in));
    ck_assert_str_eq(in.why, "not a PNG or JPEG image");
    static const unsigned char junk[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 2, 'x', 'y'};
    ck_assert(!image_probe(junk, sizeof junk, 0, &in));
    static const unsigned char loop[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0};   /* length < 2 */
    ck_assert(!image_probe(loop, sizeof loop, 0, &in));

    static const char others[][16] = {"GIF89a\x01\x00\x01\x00", "BM6\x00\x00\x00\x00\x00", "<svg xmlns=",
                                      "RIFF\x10\x00\x00\x00WEBPVP8"};
    for (int i = 0; i < 4; i++) {
        ck_assert(!image_probe(others[i], sizeof others[i], 0, &in));
        ck_assert_str_eq(in.why, "not a PNG or JPEG image");
    }
}
END_TEST

TCase *tcase_image(void)
{
    TCase *t = tcase_create("image");
    tcase_add_test(t, image_headers);
    return t;
}
