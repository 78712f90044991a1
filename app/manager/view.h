/* view.h - what every console handler shares: path ids, answering a
 * failed change, and the "saved" notice after a redirect.  Request thread
 * only. */
#ifndef GENBA_VIEW_H
#define GENBA_VIEW_H

#include "http/page.h"
#include "http/request.h"
#include "util/errs.h"

/* Path parameter idx as a positive id, or false after a 404 page. */
bool view_id(request *r, const char *name, long long *id);
/* Answer OP_NOT_FOUND 404, OP_GONE 503, OP_CONFLICT 409, else 500. */
void view_fail(request *r, op_result res);
/* A page titled by catalog key title_key; a "done" query value becomes the
 * notice (catalog "done.<value>"). */
page *view_page(request *r, const char *title_key);
/* 303 to /<tenant>/manager/<path>?done=<what>. */
void view_done(request *r, const char *path, const char *what);
/* The form field, or "" when it was not sent. */
const char *view_field(request *r, const char *name);

#endif
