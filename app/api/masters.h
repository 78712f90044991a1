/* masters.h - master data and labels over the API: list, upload (CSV),
 * records for offline use; labels of definitions. */
#ifndef GENBA_API_MASTERS_H
#define GENBA_API_MASTERS_H
#include "http/request.h"
void api_masters_list(request *r);
void api_masters_upload(request *r);
void api_masters_records(request *r);
void api_labels_list(request *r);
void api_labels_create(request *r);
void api_definitions_labels(request *r);
#endif
