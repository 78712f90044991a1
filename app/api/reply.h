/* reply.h - what every JSON handler shares: reading the body, path ids,
 * and answering failures (422 with a detail per field, 404, 409, 503).
 * Messages in details are the English catalog's "err.<code>" text.
 * Request thread only. */
#ifndef GENBA_REPLY_H
#define GENBA_REPLY_H

#include <json-c/json.h>
#include "http/request.h"
#include "util/errs.h"

/* The body as a JSON object, or NULL after answering 400/413. */
json_object *api_body(request *r);
/* As api_body, and refuse members not named in allowed (400 unknown_field). */
json_object *api_body_only(request *r, const char *const *allowed);
/* Path parameter idx as a positive id, or false after answering 404. */
bool api_path_id(request *r, int idx, long long *id);
/* Answer a failed op_result: OP_INVALID 422 validation_failed with e's
 * details, OP_CONFLICT 409 (code from e's first error or "conflict"),
 * OP_NOT_FOUND 404, OP_GONE 503, OP_ERROR 500. */
void api_fail(request *r, op_result res, const errs *e);
/* The details array of e (field, code, message, line when set). */
json_object *api_details(request *r, const errs *e);
/* An error with details (status, code, message). */
void api_error_details(request *r, int status, const char *code, const char *message, const errs *e);

#endif
