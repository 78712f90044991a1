/* definitions.h - the console's definition pages: list with filters and
 * upload, detail with a drawn preview of every sheet, status, revisions,
 * labels, per-definition permissions, export, background images. */
#ifndef GENBA_MANAGER_DEFINITIONS_H
#define GENBA_MANAGER_DEFINITIONS_H
#include "http/request.h"
void manager_definitions(request *r);
void manager_definition_upload(request *r);
void manager_definition(request *r);
void manager_definition_revise(request *r);
void manager_definition_status(request *r);
void manager_definition_labels(request *r);
void manager_definition_perms(request *r);
void manager_definition_export(request *r);
void manager_definition_background(request *r);
void manager_label_create(request *r);
#endif
