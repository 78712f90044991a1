/* definitions.h - form definitions over the API: the tablet's list and
 * detail (ETag, 304), background images, and administration (upload as
 * XML or zip, new revision, status, export, revisions). */
#ifndef GENBA_API_DEFINITIONS_H
#define GENBA_API_DEFINITIONS_H
#include "http/request.h"
void api_definitions_list(request *r);
void api_definitions_create(request *r);
void api_definitions_get(request *r);
void api_definitions_update(request *r);
void api_definitions_status(request *r);
void api_definitions_export(request *r);
void api_definitions_revisions(request *r);
void api_definitions_background(request *r);
#endif
