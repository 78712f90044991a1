/* upload.h - taking a definition as uploaded (XML, or a zip with
 * definition.xml and its background images): read it safely, check it
 * (schema, semantics, formulas, approval groups of this tenant), and store
 * it only when everything is right.  Every problem found goes into e at
 * once.  Shared by the API and the console.  Request thread only.
 */
#ifndef GENBA_UPLOAD_H
#define GENBA_UPLOAD_H

#include "tenant/op.h"
#include "util/errs.h"

/* Is content type (or file name) a zip?  */
bool defupload_is_zip(const char *content_type, const char *filename, const void *data, size_t len);
/* Check and store.  id 0 = a new definition.  OP_INVALID with e filled
 * when the upload is wrong (nothing stored). */
op_result defupload_process(op_ctx *op, long long id, bool zip, const void *data, size_t len, errs *e,
                            long long *out_id, int *out_rev, bool *new_rev);

#endif
