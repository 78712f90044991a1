#include "forms/upload.h"
#include "forms/defxml.h"
#include "forms/defzip.h"
#include "forms/formula.h"
#include "forms/store.h"
#include "tenant/resolve.h"
#include "util/image.h"
#include "util/zip.h"

#include <string.h>

bool defupload_is_zip(const char *content_type, const char *filename, const void *data, size_t len)
{
    if (len >= 4 && !memcmp(data, "PK\x03\x04", 4))
        return true;
    if (content_type && (strstr(content_type, "zip")))
        return true;
    size_t n = filename ? strlen(filename) : 0;
    return n > 4 && !strcasecmp(filename + n - 4, ".zip");
}

static bool group_exists(void *ctx, const char *name)
{
    op_ctx *op = ctx;
    db_rows rows;
    return db_query(op->tenant->db, op->a, "SELECT 1 FROM `groups` WHERE name = ?", DB_ARGS(DB_STR(name)), &rows, NULL) ==
               DB_OK &&
           rows.nrows > 0;
}

op_result defupload_process(op_ctx *op, long long id, bool zip, const void *data, size_t len, errs *e,
                            long long *out_id, int *out_rev, bool *new_rev)
{
    definition *d = NULL;
    zip_entry *entries = NULL;
    int nentries = 0;
    /* schema and semantic checks (with this tenant's groups), then formulas */
    bool ok = zip ? defzip_read_checked(op->a, data, len, group_exists, op, &d, &entries, &nentries, e)
                  : defxml_read_checked(op->a, data, len, group_exists, op, &d, e);
    if (!d)
        return OP_INVALID;
    formula_check_definition(op->a, d, e);
    if (!ok)
        return OP_INVALID;
    if (e->n)
        return OP_INVALID;
    def_image *images = arena_calloc(op->a, (size_t)nentries + 1, sizeof *images);
    int nimages = 0;
    for (int i = 0; i < nentries; i++) {
        image_info info;
        if (!image_probe(entries[i].data, entries[i].len, DEFZIP_MAX_IMAGE_PIXELS, &info))
            continue;   /* defzip_read already refused a background that is not an image */
        images[nimages++] = (def_image){.name = entries[i].name, .content_type = info.content_type,
                                         .data = entries[i].data, .len = entries[i].len,
                                         .width = (int)info.width, .height = (int)info.height};
    }
    return defstore_save(op, id, d, images, nimages, e, out_id, out_rev, new_rev);
}
