/* attachments.h - report attachments over the API (Image, Handwriting,
 * FreeDraw clusters and stamps): PUT and GET
 * /reports/{id}/attachments/{sheet}/{cluster}. */
#ifndef GENBA_API_ATTACHMENTS_H
#define GENBA_API_ATTACHMENTS_H
#include "http/request.h"
void api_attachment_put(request *r);
void api_attachment_get(request *r);
#endif
