/* exports.h - background exports over the API (jobs/exports.h):
 * POST /exports (202 {"id"}), GET /exports, GET /exports/{id},
 * GET /exports/{id}/file (decrypted while it streams), DELETE
 * /exports/{id} (cancels), and POST /exports/full (a tenant
 * administrator's full export). */
#ifndef GENBA_API_EXPORTS_H
#define GENBA_API_EXPORTS_H
#include "http/request.h"
void api_exports_create(request *r);
void api_exports_full(request *r);
void api_exports_list(request *r);
void api_exports_get(request *r);
void api_exports_file(request *r);
void api_exports_cancel(request *r);
#endif
