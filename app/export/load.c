#include "export/report.h"
#include "auth/perm.h"
#include "db/txn.h"
#include "forms/defcache.h"
#include "reports/attach.h"
#include "tenant/resolve.h"
#include "tenant/user.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

op_result export_attachment_read(op_ctx *op, const export_report *r, const export_attachment *x,
                                 const unsigned char **data, size_t *len)
{
    attach_target t = {.report_id = r->id,
                       .sheet = x->sheet,
                       .cluster = x->cluster,
                       .definition_id = r->definition_id,
                       .definition_revision = r->definition_revision};
    attach_meta m;
    refusal why;
    *data = NULL;
    *len = 0;
    op_result res = attach_read(op, &t, &m, data, &why);
    if (res == OP_OK)
        *len = (size_t)m.size;
    return res;
}
