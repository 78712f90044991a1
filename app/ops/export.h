/* export.h - genbactl tenant export CODE DIR: everything the customer owns,
 * readable without genba, with a SHA-256 manifest.
 *
 *     tenant.json                          code, name, time, schema, counts
 *     definitions/definitions.csv          every revision: id, revision, name, status, sha256, file
 *     definitions/<id>/revision-<n>.xml    the stored canonical definition XML
 *     definitions/images/<sha256>.png|jpg  background images
 *     masters/masters.csv, masters/<id>.csv   master data (current records)
 *     reports/reports.csv                  one row per report
 *     reports/values.csv                   one row per value, with the cluster's name and type
 *     reports/<report id>.xml              each report, deleted ones too, in the report XML of GET
 *                                          /api/v1/reports/{id}/xml (export_xml_write; a deleted one
 *                                          marked <deleteTime>)
 *     attachments/attachments.csv, attachments/<report id>/<sheet>-<cluster>.png|jpg   decrypted
 *     users/users.csv, groups.csv, group_members.csv, group_permissions.csv (no password hashes)
 *     users/seals/<user id>.png|jpg        seal images, decrypted
 *     access_log.csv                       the customer's access log
 *     manifest.json                        every file above: path, bytes, sha256
 *     SHA256SUMS                           the same for `sha256sum -c`, manifest.json included
 *
 * Everything is read in one consistent snapshot, reports page by page:
 * memory does not grow with them (the list of files for manifest.json and
 * SHA256SUMS waits in a temporary file).
 * No genba command reads the archive back (a restore takes a backup,
 * ops/backup.h); the report XML imports through the ConMas API.  CSV files are UTF-8 with
 * a byte order mark (Excel), CR LF, formula injection guarded (csv.h).
 * DIR must be missing or empty; files are 0600, directories 0700.  The
 * export is recorded in the control DB (tenant_exports) with the SHA-256
 * of manifest.json, which an erasure certificate quotes.
 */
#ifndef GENBA_EXPORT_H
#define GENBA_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "ops/ops.h"

typedef struct export_result {
    unsigned files;
    uint64_t bytes;
    long long definitions, reports, values, attachments, seals, log_rows;
    char manifest_sha256[65];
} export_result;

bool tenant_export(const ops_env *e, const char *code, const char *dir, export_result *r, char *err, size_t errlen);
/* The same read through db, a connection on the tenant's database (an
 * administrator's, or the tenant's own account: the background job of
 * jobs/full.c), with its data key: the files written into dir (created;
 * the caller removes it after a failure), nothing recorded.  Between its
 * parts it asks e->cancelled (when set) and stops with err "cancelled". */
bool tenant_export_from(const ops_env *e, db_conn *db, const char *code, const char *name, int schema,
                        const unsigned char key[CRYPTO_KEY_LEN], const char *dir, export_result *r, char *err,
                        size_t errlen);

#endif
