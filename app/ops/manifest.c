/* manifest.c - generations and their manifests (see manifest.h). */
#include "ops/manifest.h"
#include "ops/retention.h"
#include "util/crypto.h"
#include "util/recio.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool manifest_id_ok(const char *id)
{
    /* YYYYMMDDTHHMMSSZ, optionally -N */
    size_t n = strlen(id);
    if (n < 16 || n > 24 || id[8] != 'T' || id[15] != 'Z')
        return false;
    for (size_t i = 0; i < 15; i++)
        if (i != 8 && (id[i] < '0' || id[i] > '9'))
            return false;
    if (n == 16)
        return true;
    if (id[16] != '-' || n == 17)
        return false;
    for (size_t i = 17; i < n; i++)
        if (id[i] < '0' || id[i] > '9')
            return false;
    return true;
}

const char *manifest_str(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

long long manifest_int(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v))
        return 0;
    return (long long)json_object_get_int64(v);
}

bool manifest_load(const char *dir, json_object **m, char sha[65], char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    *m = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size <= 0 || st.st_size > 64 * 1024 * 1024) {
        fclose(f);
        snprintf(err, errlen, "%s is empty or too large", path);
        return false;
    }
    size_t n = (size_t)st.st_size;
    char *text = malloc(n + 1);
    bool ok = text && fread(text, 1, n, f) == n;
    fclose(f);
    if (!ok) {
        free(text);
        snprintf(err, errlen, "cannot read %s", path);
        return false;
    }
    text[n] = '\0';
    unsigned char h[32];
    crypto_sha256(text, n, h);
    str_hex(h, 32, sha);
    json_tokener *tok = json_tokener_new_ex(16);
    json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)n) : NULL;
    bool whole = tok && json_tokener_get_error(tok) == json_tokener_success &&
                 (size_t)json_tokener_get_parse_end(tok) >= n - 1;
    json_tokener_free(tok);
    free(text);
    const char *fmt = manifest_str(o, "format");
    if (!o || !whole || !json_object_is_type(o, json_type_object) || !fmt || strcmp(fmt, MANIFEST_FORMAT)) {
        json_object_put(o);
        snprintf(err, errlen, "%s is not a genba backup manifest", path);
        return false;
    }
    *m = o;
    return true;
}

bool manifest_write(const char *dir, json_object *m, char sha[65], char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    const char *text = ops_json_text(m, true);
    size_t n = strlen(text);
    char *t = malloc(n + 2);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    memcpy(t, text, n);
    t[n++] = '\n';
    unsigned char h[32];
    crypto_sha256(t, n, h);
    str_hex(h, 32, sha);
    bool ok = recio_write_file(path, t, n, err, errlen);
    free(t);
    return ok;
}

json_object *manifest_file(json_object *m, const char *tenant)
{
    json_object *files;
    if (!m || !json_object_object_get_ex(m, "files", &files) || !json_object_is_type(files, json_type_array))
        return NULL;
    for (size_t i = 0; i < json_object_array_length(files); i++) {
        json_object *f = json_object_array_get_idx(files, i);
        const char *kind = manifest_str(f, "kind"), *t = manifest_str(f, "tenant");
        if (!kind)
            continue;
        if (!tenant && !strcmp(kind, "control"))
            return f;
        if (tenant && !strcmp(kind, "tenant") && t && !strcmp(t, tenant))
            return f;
    }
    return NULL;
}

const char *manifest_file_name(const ops_env *e, const char *tenant)
{
    return tenant ? arena_printf(e->a, "tenant-%s.dump.enc", tenant) : "control.dump.enc";
}

static bool fill_gen(const ops_env *e, const char *id, bk_gen *g, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    snprintf(g->id, sizeof g->id, "%s", id);
    g->path = arena_printf(e->a, "%s/%s", e->cfg->backup_dir, id);
    if (!manifest_load(g->path, &g->m, g->sha256, err, errlen))
        return false;
    const char *at = manifest_str(g->m, "run_at");
    if (!at || !ops_parse_time(at, &g->at)) {
        snprintf(err, errlen, "%s/manifest.json has no run_at", g->path);
        json_object_put(g->m);
        g->m = NULL;
        return false;
    }
    json_object *tags, *c, *files;
    if (json_object_object_get_ex(g->m, "tags", &tags) && json_object_is_type(tags, json_type_array))
        for (size_t i = 0; i < json_object_array_length(tags); i++)
            g->tags |= retention_tags_parse(json_object_get_string(json_object_array_get_idx(tags, i)));
    g->complete = json_object_object_get_ex(g->m, "complete", &c) && json_object_get_boolean(c);
    if (json_object_object_get_ex(g->m, "files", &files) && json_object_is_type(files, json_type_array))
        for (size_t i = 0; i < json_object_array_length(files); i++)
            g->bytes += (uint64_t)manifest_int(json_object_array_get_idx(files, i), "bytes");
    return true;
}

static int newest_first(const void *a, const void *b)
{
    const bk_gen *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? 1 : -1;
    /* same second: "…Z-2" after "…Z" */
    size_t lx = strlen(x->id), ly = strlen(y->id);
    if (lx != ly)
        return lx < ly ? 1 : -1;
    return -strcmp(x->id, y->id);
}

bool manifest_list(const ops_env *e, bk_gen **out, size_t *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(e->cfg->backup_dir);
    if (!d) {
        if (errno == ENOENT)
            return true;
        snprintf(err, errlen, "cannot read backup_dir %s: %s", e->cfg->backup_dir, strerror(errno));
        return false;
    }
    size_t cap = 0;
    bk_gen *g = NULL;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!manifest_id_ok(de->d_name))
            continue;
        bk_gen one;
        char why[300];
        if (!fill_gen(e, de->d_name, &one, why, sizeof why))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            bk_gen *ng = realloc(g, cap * sizeof *g);
            if (!ng) {
                json_object_put(one.m);
                break;
            }
            g = ng;
        }
        g[(*n)++] = one;
    }
    closedir(d);
    if (*n)
        qsort(g, *n, sizeof *g, newest_first);
    *out = g;
    return true;
}

void manifest_gen_free(bk_gen *g)
{
    if (g && g->m) {
        json_object_put(g->m);
        g->m = NULL;
    }
}

void manifest_list_free(bk_gen **g, size_t n)
{
    if (!g || !*g)
        return;
    for (size_t i = 0; i < n; i++)
        manifest_gen_free(&(*g)[i]);
    free(*g);
    *g = NULL;
}

bool manifest_get(const ops_env *e, const char *id, bk_gen *out, char *err, size_t errlen)
{
    if (id) {
        if (!manifest_id_ok(id)) {
            snprintf(err, errlen, "'%s' is not a generation name (genbactl backup list shows them)", id);
            return false;
        }
        char why[400];
        if (!fill_gen(e, id, out, why, sizeof why)) {
            struct stat st;
            if (stat(arena_printf(e->a, "%s/%s", e->cfg->backup_dir, id), &st) != 0)
                snprintf(err, errlen, "no generation %s in %s (genbactl backup list shows them)", id,
                         e->cfg->backup_dir);
            else
                snprintf(err, errlen, "generation %s: %s", id, why);
            return false;
        }
        return true;
    }
    bk_gen *all;
    size_t n;
    if (!manifest_list(e, &all, &n, err, errlen))
        return false;
    if (n == 0) {
        snprintf(err, errlen, "there is no backup in %s yet", e->cfg->backup_dir);
        manifest_list_free(&all, n);
        return false;
    }
    *out = all[0];
    all[0].m = NULL;
    manifest_list_free(&all, n);
    return true;
}
