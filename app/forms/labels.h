/* labels.h - hierarchical labels that organise definitions (a label may sit
 * inside another; filtering by a label includes the labels below it).
 * Request thread only; changes are logged. */
#ifndef GENBA_LABELS_H
#define GENBA_LABELS_H

#include <json-c/json.h>
#include "tenant/op.h"
#include "util/errs.h"

json_object *labels_list(op_ctx *op, op_result *res);
op_result labels_create(op_ctx *op, const char *name, long long parent, errs *e, long long *id);
/* Replace the labels of definition id. */
op_result labels_set(op_ctx *op, long long def_id, const long long *labels, int n, errs *e);

#endif
