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
/* Path parameter {name} as a positive id, or false after answering 404. */
bool api_path_id(request *r, const char *name, long long *id);
/* Answer a failed op_result: OP_INVALID 422 validation_failed with e's
 * details, OP_CONFLICT 409 (code from e's first error or "conflict"),
 * OP_NOT_FOUND 404, OP_GONE 503, OP_ERROR 500. */
void api_fail(request *r, op_result res, const errs *e);
/* 422 validation_failed with a detail per problem of e. */
void api_invalid(request *r, const errs *e);
/* The one place a domain refusal becomes an answer: its status (400, 403,
 * 404, 409, 412 with the current report and its ETag, 413, 415, 422, 507),
 * {"error": {code, message, request_id}} merged into why->body when there
 * is one (taken). */
void api_refusal(request *r, refusal *why);
/* Answer o with status (taking it), or the failure res when o is NULL. */
void api_send(request *r, int status, json_object *o, op_result res);
/* Answer {"<key>": arr} (200), or the failure res when arr is NULL. */
void api_send_list(request *r, const char *key, json_object *arr, op_result res);
/* Member key of b as text copied into the arena; NULL when absent (a
 * problem into e: wrong_type, or required when required). */
const char *api_str(request *r, json_object *b, const char *key, bool required, errs *e);
/* Member key of b as an array of positive ids (at most max; problems
 * into e with field key).  *ids in the arena. */
bool api_ids(request *r, json_object *b, const char *key, int max, long long **ids, int *n, errs *e);
/* The details array of e (field, or sheet and cluster for a report's
 * value "S/C"; code, arg, message, line when set). */
json_object *api_details(request *r, const errs *e);
/* An error with details (status, code, message). */
void api_error_details(request *r, int status, const char *code, const char *message, const errs *e);

#endif
