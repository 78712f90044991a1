/* erase.h - genbactl tenant erase CODE --confirm CODE.
 *
 * In order, each step safe to repeat (a run that stops part way is
 * finished by running the command again):
 *  1. the tenant is suspended (it stops serving at once);
 *  2. its database and MariaDB account are dropped;
 *  3. its files under data_dir/CODE are deleted;
 *  4. its wrapped data key and database password are overwritten with
 *     zeros in the control DB and its status becomes 'erased' (the code
 *     stays taken, so nobody inherits its old backups);
 *  5. the copies of the wrapped key inside the control-DB dumps of the
 *     generations still in backup_dir are overwritten too: each such dump
 *     is loaded into a scratch database, the tenant's secrets zeroed,
 *     dumped, sealed, checked and renamed over the old file, and the
 *     manifest amended (and the copy command run again).  From then on no
 *     copy of the key exists that the master key opens, so the tenant's
 *     backup files, still in the retained generations, cannot be read
 *     (crypto-shredding).  Dumps sealed with a retired master key that is
 *     not loaded cannot be rewritten: the certificate names them and that
 *     key must be destroyed;
 *  6. an erasure certificate is stored (erasure_certificates) and printed:
 *     tenant, when, who (OS user and host), what was destroyed, the
 *     SHA-256 of the tenant's last backup manifest and last export
 *     manifest, and the certificate's own SHA-256.
 */
#ifndef GENBA_ERASE_H
#define GENBA_ERASE_H

#include <stdbool.h>
#include "ops/ops.h"

typedef struct erase_result {
    long long certificate_id;
    bool already;            /* erased before: the stored certificate */
    char *text;              /* the certificate as printed (e->a) */
    char sha256[65];         /* of text */
    json_object *json;       /* the certificate's fields (caller puts) */
} erase_result;

bool tenant_erase(const ops_env *e, const char *code, erase_result *r, char *err, size_t errlen);

#endif
