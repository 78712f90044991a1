/* response.h - the one place that writes HTTP answers.
 *
 * Every answer carries the request id and the security headers (HSTS,
 * nosniff, CSP, Referrer-Policy, frame-ancestors).  Errors are rendered as
 * JSON for the tablet API, XML for the ConMas API and a page for the
 * console.  Headers are formatted with snprintf and written with
 * FCGX_PutStr (FCGX_FPrintF mishandles %zu).  Not thread-safe per request:
 * a request is answered by its own thread.
 */
#ifndef GENBA_RESPONSE_H
#define GENBA_RESPONSE_H

#include <json-c/json.h>
#include "http/request.h"
#include "util/errs.h"

/* Add a header to the answer (name and value must outlive the request; the
 * value must not contain CR or LF). */
void resp_header(request *r, const char *name, const char *value);
/* Send status, content type and body.  A second answer is ignored. */
void resp_send(request *r, int status, const char *content_type, const void *body, size_t len);
/* A long answer in pieces: the status and headers (Content-Length len),
 * then resp_write as the body comes.  resp_begin is false when no body
 * is to follow (HEAD, an answer already sent); resp_write false when the
 * client went away.  Writing other than len bytes breaks the answer. */
bool resp_begin(request *r, int status, const char *content_type, uint64_t len);
bool resp_write(request *r, const void *body, size_t len);
/* A download whose bytes come from a reader: fill r, content_type,
 * filename and len, then hand resp_stream_write to the reader as its sink.
 * The headers go with the first bytes (so a reader that fails before any
 * byte leaves the answer to the caller: begun is false). */
typedef struct resp_stream {
    request *r;
    const char *content_type, *filename;
    uint64_t len;
    bool begun, body;
} resp_stream;
bool resp_stream_write(void *ctx, const void *p, size_t n);
/* Send obj as JSON and release it (json_object_put). */
void resp_json(request *r, int status, json_object *obj);
/* Answer an error in the request's kind (JSON / XML / page).  code is a
 * stable machine code ("not_found"), message English text for people. */
void resp_error(request *r, int status, const char *code, const char *message);
/* The HTTP status of a domain refusal (util/errs.h): 400, 403, 404, 409,
 * 412, 413, 415, 422, 507. */
int resp_refusal_status(refusal_kind k);
/* 503 with Retry-After (database away, maintenance, schema mismatch). */
void resp_unavailable(request *r, const char *code, const char *message);
/* 303 See Other to location (a path on this site). */
void resp_redirect(request *r, const char *location);
/* The Content-Disposition of a download named filename (UTF-8), in a
 * (RFC 6266): attachment; filename="<ASCII stand-in>", and when the
 * stand-in is not the name itself also filename*=UTF-8''<percent-encoded>
 * (RFC 5987).
 * The stand-in has "_" for each other character, quote, backslash or
 * control character ("download.pdf" when nothing readable is left). */
struct arena;
const char *resp_disposition(struct arena *a, const char *filename);
/* Answer 200 with a file to save (a report's PDF, XLSX): its type, the
 * Content-Disposition of filename, never cached. */
void resp_download(request *r, const char *content_type, const char *filename, const void *body, size_t len);
/* Standard reason phrase. */
const char *resp_reason(int status);
/* The security headers for a kind (exposed for tests). */
const char *resp_csp(req_kind kind);

#endif
