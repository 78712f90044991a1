/* defzip.c - a definition and its background images from a zip: see defzip.h. */
#include "forms/defzip.h"
#include "forms/defcheck.h"
#include "forms/defxml.h"
#include "util/image.h"

#include <string.h>
#include <strings.h>

static const zip_entry *find(const zip_entry *list, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(list[i].name, name))
            return &list[i];
    return NULL;
}

static bool extension_matches(const char *name, image_kind kind)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return false;
    if (kind == IMAGE_PNG)
        return !strcasecmp(dot, ".png");
    return !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg");
}

/* Whether the image is fit to be a background; adds bad_image if not. */
static bool check_image(arena *a, const zip_entry *z, const def_sheet *s, const char *field, errs *e)
{
    const char *why = NULL;
    image_info info;
    if (z->len > DEFZIP_MAX_IMAGE_BYTES)
        why = "larger than 10 MiB";
    else if (!image_probe(z->data, z->len, DEFZIP_MAX_IMAGE_PIXELS, &info))
        why = info.why;
    else if (!extension_matches(z->name, info.kind))
        why = info.kind == IMAGE_PNG ? "a PNG image named otherwise" : "a JPEG image named otherwise";
    if (!why)
        return true;
    e->line = s->line;
    errs_add_arg(e, field, "bad_image", arena_printf(a, "%s: %s", z->name, why));
    return false;
}

bool defzip_read_checked(arena *a, const void *zip, size_t len,
                         bool (*group_exists)(void *ctx, const char *name), void *ctx,
                         definition **out, zip_entry **images, int *nimages, errs *e)
{
    *out = NULL;
    *images = NULL;
    *nimages = 0;
    int before = e->n, saved_line = e->line;
    zip_entry *list;
    int n;
    char err[300];
    if (!zip_read_entries(a, zip, len, &list, &n, NULL, err, sizeof err)) {
        e->line = 0;
        errs_add_arg(e, "zip", "zip_invalid", arena_strdup(a, err));
        e->line = saved_line;
        return false;
    }
    const zip_entry *xml = find(list, n, "definition.xml");
    if (!xml) {
        e->line = 0;
        errs_add(e, "zip", "definition_missing");
        e->line = saved_line;
        return false;
    }
    defxml_read_checked(a, (const char *)xml->data, xml->len, group_exists, ctx, out, e);
    const definition *d = *out;
    if (!d) {
        e->line = saved_line;
        return false;
    }
    zip_entry *found = arena_calloc(a, (size_t)d->nsheets + 1, sizeof *found);
    const char **seen = arena_calloc(a, (size_t)d->nsheets + 1, sizeof *seen);
    int nfound = 0, nseen = 0;
    for (int i = 0; i < d->nsheets; i++) {
        const def_sheet *s = &d->sheets[i];
        if (!s->background || !defcheck_background_ok(s->background))
            continue;   /* no background, or a name defcheck refused */
        bool again = false;
        for (int j = 0; j < nseen; j++)
            again |= !strcmp(seen[j], s->background);
        if (again)
            continue;   /* checked for an earlier sheet */
        seen[nseen++] = s->background;
        const char *field = arena_printf(a, "sheet %d", s->no);
        const zip_entry *z = find(list, n, s->background);
        if (!z) {
            e->line = s->line;
            errs_add_arg(e, field, "background_missing", s->background);
            continue;
        }
        if (check_image(a, z, s, field, e))
            found[nfound++] = *z;
    }
    e->line = saved_line;
    if (e->n != before)
        return false;
    *images = found;
    *nimages = nfound;
    return true;
}

bool defzip_read(arena *a, const void *zip, size_t len, definition **out, zip_entry **images,
                 int *nimages, errs *e)
{
    return defzip_read_checked(a, zip, len, NULL, NULL, out, images, nimages, e);
}
