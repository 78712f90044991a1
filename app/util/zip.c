/* zip.c - unpacking an uploaded zip held in memory: see zip.h. */
#include "util/zip.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zip.h>

const zip_limits zip_default_limits = {
    .max_entries = 50,
    .max_entry = 10u * 1024 * 1024,
    .max_total = 50u * 1024 * 1024,
    .flat = false,
};

#define ZIP_MAX_NAME 255

static bool refuse(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool refuse(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* A relative path of plain components: no leading '/', no empty, "." or
 * ".." component, no backslash, colon or control character.  A directory
 * entry ends in '/' (its last, empty, component is allowed). */
static bool safe_name(const char *s, bool flat)
{
    size_t n = strlen(s);
    if (n == 0 || n > ZIP_MAX_NAME || s[0] == '/')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p == '\\' || *p == ':' || *p < 0x20 || *p == 0x7f)
            return false;
    const char *c = s;
    for (;;) {
        const char *slash = strchr(c, '/');
        size_t len = slash ? (size_t)(slash - c) : strlen(c);
        if (!slash && len == 0)
            return true;   /* "dir/": the end of a directory name */
        if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        if (!slash)
            return true;
        if (flat)
            return false;
        c = slash + 1;
    }
}

/* Read entry i (declared size st->size) into the arena. */
static bool read_entry(arena *a, zip_t *za, zip_uint64_t i, const char *name, zip_uint64_t size,
                       zip_entry *out, char *err, size_t errlen)
{
    zip_file_t *f = zip_fopen_index(za, i, 0);
    if (!f)
        return refuse(err, errlen, "entry \"%s\": %s", name, zip_strerror(za));
    unsigned char *data = arena_alloc(a, (size_t)size + 1);
    zip_uint64_t got = 0;
    bool ok = true;
    while (got < size) {
        zip_int64_t r = zip_fread(f, data + got, size - got);
        if (r < 0) {
            ok = refuse(err, errlen, "entry \"%s\": %s", name, zip_file_strerror(f));
            break;
        }
        if (r == 0)
            break;
        got += (zip_uint64_t)r;
    }
    if (ok && got < size)
        ok = refuse(err, errlen, "entry \"%s\": shorter than its declared size", name);
    if (ok) {
        /* one byte more than declared is a lie (or a bomb): stop here */
        unsigned char extra;
        zip_int64_t r = zip_fread(f, &extra, 1);
        if (r > 0)
            ok = refuse(err, errlen, "entry \"%s\": unpacks to more than its declared size", name);
        else if (r < 0)
            ok = refuse(err, errlen, "entry \"%s\": %s", name, zip_file_strerror(f));
    }
    int rc = zip_fclose(f);
    if (ok && rc != 0)
        ok = refuse(err, errlen, "entry \"%s\": damaged (error %d)", name, rc);
    if (!ok)
        return false;
    data[got] = '\0';
    out->data = data;
    out->len = (size_t)got;
    return true;
}

bool zip_read_entries(arena *a, const void *zipdata, size_t len, zip_entry **entries, int *n,
                      const zip_limits *lim, char *err, size_t errlen)
{
    *entries = NULL;
    *n = 0;
    if (!lim)
        lim = &zip_default_limits;
    if (err && errlen)
        err[0] = '\0';
    if (len < 22)   /* smaller than an end of central directory record */
        return refuse(err, errlen, "not a readable zip archive: too short");
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(zipdata, len, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return refuse(err, errlen, "cannot read the archive");
    }
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!za) {
        refuse(err, errlen, "not a readable zip archive: %s", zip_error_strerror(&ze));
        zip_source_free(src);
        zip_error_fini(&ze);
        return false;
    }
    zip_error_fini(&ze);

    bool ok = true;
    zip_int64_t count = zip_get_num_entries(za, 0);
    zip_entry *list = NULL;
    int got = 0;
    size_t total = 0;
    if (count < 0 || count > lim->max_entries) {
        ok = refuse(err, errlen, "the archive holds %lld entries (at most %d)", (long long)count,
                    lim->max_entries);
        count = 0;
    }
    if (ok)
        list = arena_calloc(a, (size_t)count + 1, sizeof *list);
    for (zip_int64_t i = 0; ok && i < count; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME) ||
            !(st.valid & ZIP_STAT_SIZE)) {
            ok = refuse(err, errlen, "entry %lld: %s", (long long)i, zip_strerror(za));
            break;
        }
        /* the name as used (CP437 names converted to UTF-8) and as stored */
        const char *name = st.name, *raw = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (!raw || !safe_name(raw, lim->flat) || !safe_name(name, lim->flat)) {
            ok = refuse(err, errlen, "entry \"%.100s\": unsafe name", name);
            break;
        }
        if (name[strlen(name) - 1] == '/') {
            if (st.size != 0)
                ok = refuse(err, errlen, "entry \"%s\": a folder with contents", name);
            continue;
        }
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
            ok = refuse(err, errlen, "entry \"%s\": encrypted", name);
            break;
        }
        if (!(st.valid & ZIP_STAT_COMP_METHOD) ||
            (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)) {
            ok = refuse(err, errlen, "entry \"%s\": unsupported compression", name);
            break;
        }
        if (st.size > lim->max_entry) {
            ok = refuse(err, errlen, "entry \"%s\": larger than %zu bytes", name, lim->max_entry);
            break;
        }
        if (st.size > lim->max_total - total) {
            ok = refuse(err, errlen, "the archive unpacks to more than %zu bytes", lim->max_total);
            break;
        }
        for (int j = 0; j < got; j++)
            if (!strcmp(list[j].name, name)) {
                ok = refuse(err, errlen, "entry \"%s\": appears twice", name);
                break;
            }
        if (!ok)
            break;
        list[got].name = arena_strdup(a, name);
        if (!read_entry(a, za, (zip_uint64_t)i, name, st.size, &list[got], err, errlen)) {
            ok = false;
            break;
        }
        total += list[got].len;   /* bytes actually produced */
        got++;
    }
    zip_discard(za);   /* also frees src */
    if (!ok)
        return false;
    *entries = list;
    *n = got;
    return true;
}

bool zip_write_entries(const zip_entry *entries, int n, buf *out, char *err, size_t errlen)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    bool ok = z != NULL;
    if (!z) {
        snprintf(err, errlen, "cannot create the archive: %s", zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return false;
    }
    zip_source_keep(src);   /* the data is read back after zip_close */
    for (int i = 0; ok && i < n; i++) {
        zip_source_t *fs = zip_source_buffer(z, entries[i].data, entries[i].len, 0);
        zip_int64_t idx = fs ? zip_file_add(z, entries[i].name, fs, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            snprintf(err, errlen, "cannot add %s: %s", entries[i].name, zip_strerror(z));
            zip_source_free(fs);
            ok = false;
        }
    }
    if (!ok) {
        zip_discard(z);
    } else if (zip_close(z) < 0) {
        snprintf(err, errlen, "cannot write the archive: %s", zip_strerror(z));
        zip_discard(z);
        ok = false;
    }
    zip_stat_t st;
    if (ok && (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0)) {
        snprintf(err, errlen, "cannot read the archive back");
        ok = false;
    } else if (ok) {
        char tmp[65536];
        zip_int64_t k;
        while ((k = zip_source_read(src, tmp, sizeof tmp)) > 0)
            buf_add(out, tmp, (size_t)k);
        zip_source_close(src);
        ok = k == 0;
    }
    zip_source_free(src);
    zip_error_fini(&ze);
    return ok;
}
