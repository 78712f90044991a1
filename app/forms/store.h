/* store.h - form definitions in the tenant database.
 *
 * A definition has revisions; each revision keeps its canonical XML (the
 * export) and, to be queryable, its sheets, clusters (one row each, type
 * parameters as JSON) and approval stages.  Only the latest revision is
 * editable: saving over a revision that was ever published makes the next
 * revision, saving over a draft or test revision replaces it.  Publishing a
 * revision archives the revision published before it; older revisions stay
 * readable (?revision=N).  Background images are stored once per content
 * (table images, keyed by SHA-256).  Every change runs in one transaction
 * with its access-log row.  Request thread only.
 */
#ifndef GENBA_DEFSTORE_H
#define GENBA_DEFSTORE_H

#include <json-c/json.h>
#include "forms/model.h"
#include "tenant/op.h"
#include "util/buf.h"
#include "util/errs.h"

/* A background image that came with the definition. */
typedef struct def_image {
    const char *name, *content_type;
    const void *data;
    size_t len;
    int width, height;
} def_image;

/* Save d as a new definition (id 0) or over definition id.  *out_rev gets
 * the revision written, *new_rev whether it is a new revision. */
op_result defstore_save(op_ctx *op, long long id, const definition *d, const def_image *images, int nimages,
                        errs *e, long long *out_id, int *out_rev, bool *new_rev);
/* Set the latest revision's status: draft, test, published, archived
 * (a revision that was published cannot go back to draft or test:
 * code status_frozen). */
op_result defstore_set_status(op_ctx *op, long long id, const char *status, errs *e);

typedef struct def_rev {
    long long id;
    int revision;
    const char *name, *status, *sha256, *xml, *updated_at;
    const char *available_from, *available_until;
} def_rev;

/* Revision rev of definition id (rev 0 = the latest).  OP_NOT_FOUND when
 * there is none. */
op_result defstore_get(op_ctx *op, long long id, int rev, def_rev *out);
/* The revision a tablet user gets: the latest published one (a tester also
 * gets a newer test revision), inside its availability window. */
op_result defstore_get_for_tablet(op_ctx *op, long long id, bool tester, def_rev *out);
/* The model of a stored revision (its canonical XML read back). */
definition *defstore_model(op_ctx *op, const def_rev *rev, op_result *res);
/* Background image of a sheet: bytes in the arena. */
op_result defstore_background(op_ctx *op, long long id, int rev, int sheet, const char **ctype, const void **data,
                              size_t *len);
/* The export of a revision: its XML, or a zip with definition.xml and the
 * background images when it has any (what an upload takes back).  *ctype
 * and *ext ("xml" or "zip") say which. */
op_result defstore_export(op_ctx *op, const def_rev *rev, buf *out, const char **ctype, const char **ext);
/* Every revision of id, newest first. */
json_object *defstore_revisions(op_ctx *op, long long id, op_result *res);
/* Definitions for the console: filter by label (and the labels below it),
 * status of the latest revision, name (substring). */
json_object *defstore_list(op_ctx *op, long long label, const char *status, const char *name, op_result *res);

#endif
