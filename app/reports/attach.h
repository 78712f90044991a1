/* attach.h - report attachments: the images of Image, Handwriting and
 * FreeDraw clusters (tablet-api.md "Reports", definition-xml.md).
 *
 * One image per (report, sheet, cluster).  Its type is what its magic bytes
 * say: PNG or JPEG for Image, PNG only for Handwriting and FreeDraw (the
 * declared Content-Type must agree).  Limits: the cluster's maxBytes and
 * maxPixels, else the tenant settings attachments.max_bytes (10 MiB) and
 * attachments.max_pixels (40,000,000).  Sign-off clusters (Create, Inspect,
 * Approve) take no upload: their stamp is the signer's seal image.
 *
 * Stored in report_attachments sealed with the tenant's data key (purpose
 * "attachment", object id "<report>/<sheet>/<cluster>", so a blob moved to
 * another tenant, report or cluster does not open), with the SHA-256 of the
 * plain bytes.  Storing is a change of the report under the same rules as
 * report_update (reports/save.c: who may edit, the applicant lock, another
 * user's exclusive lock, lockAfterSave, an optional If-Match), and happens
 * in one transaction: the row, the report's rev and updated_at, a history
 * row (old and new value = the SHA-256s) and an access-log row
 * (report.attachment).  The same bytes again write nothing (unless the
 * stored copy no longer opens: then it is replaced), so a repeated PUT is
 * idempotent without an Idempotency-Key.  New bytes must fit the tenant's
 * quota (tenant/quota.h).
 *
 * A stored blob that does not open (altered or damaged in the database) is
 * never served: the read is refused with 409 attachment_unreadable and an
 * error line in the log; uploading the image again repairs it.
 *
 * Refusals come back in a refusal (reports/report.h): 400, 403, 404,
 * 409, 412, 413, 415, 422, 507.  Request thread only.
 */
#ifndef GENBA_ATTACH_H
#define GENBA_ATTACH_H

#include <stdint.h>
#include "forms/model.h"
#include "tenant/op.h"
#include "reports/report.h"

#define ATTACH_MAX_BYTES_DEFAULT (10ULL * 1024 * 1024)
#define ATTACH_MAX_PIXELS_DEFAULT 40000000ULL

/* An attachment's place, found and checked by attach_target. */
typedef struct attach_target {
    const char *report_id;          /* as stored (lower case) */
    int sheet, cluster;
    long long definition_id;
    int definition_revision;
    /* write targets only: */
    const definition *def;          /* the report's definition revision (arena) */
    cluster_type type;
    bool png_only;                  /* Handwriting, FreeDraw */
    bool lock_after_save;
    uint64_t max_bytes, max_pixels;
} attach_target;

/* What is stored. */
typedef struct attach_meta {
    char sha256[65];                /* hex, of the plain bytes */
    const char *content_type;       /* "image/png", "image/jpeg" */
    uint64_t size;
    unsigned width, height;
    int rev;                        /* the report's revision (after a write) */
} attach_meta;

/* Find report id (visible to the user: its creator, or def.reports.view)
 * and the place sheet/cluster (path texts).  write: the cluster must be an
 * attachment cluster of the report's definition revision and the user must
 * be allowed to edit the report now (refusals as report_update's). */
op_result attach_target_find(op_ctx *op, const char *id, const char *sheet, const char *cluster, bool write,
                             attach_target *t, refusal *why);
/* Store data[0..len) at t.  declared: the request's Content-Type.
 * if_match: the report revision the client read, 0 = unconditional.
 * *created: true when new bytes were stored (201), false when they were
 * the ones stored already (200: nothing written).  m: what is stored. */
op_result attach_put(op_ctx *op, const attach_target *t, const void *data, size_t len, const char *declared,
                     int if_match, attach_meta *m, bool *created, refusal *why);
/* What is stored at t (OP_NOT_FOUND: nothing). */
op_result attach_stat(op_ctx *op, const attach_target *t, attach_meta *m);
/* The plain bytes stored at t (in the arena; m->size of them).  A blob that
 * does not open: OP_INVALID with 409 attachment_unreadable in why. */
op_result attach_read(op_ctx *op, const attach_target *t, attach_meta *m, const unsigned char **data,
                      refusal *why);

/* Inside the caller's transaction (the report row already locked by it;
 * the caller checked the right to edit): store data as the image of
 * cluster dc of report_id (Image, Handwriting, FreeDraw; and the stamp
 * image of a sign-off cluster: PNG or JPEG), under the same checks of the
 * bytes, limits, quota and lockAfterSave (unless force) as attach_put; the
 * same bytes again write nothing; else rev + 1, a history event and an
 * access-log row.  attach_clear_in removes what is stored there (nothing
 * stored: nothing written).  Refusals as attach_put's. */
op_result attach_store_in(op_ctx *op, const char *report_id, const def_cluster *dc, const void *data, size_t len,
                          bool force, refusal *why);
op_result attach_clear_in(op_ctx *op, const char *report_id, const def_cluster *dc, bool force, refusal *why);

#endif
