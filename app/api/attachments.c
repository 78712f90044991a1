#include "api/attachments.h"
#include "http/response.h"

/* (Being written.) */
void api_attachment_put(request *r) { resp_error(r, 501, "not_implemented", "Not implemented yet."); }
void api_attachment_get(request *r) { resp_error(r, 501, "not_implemented", "Not implemented yet."); }
