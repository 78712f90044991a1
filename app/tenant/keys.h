/* keys.h - the master keyring and per-tenant data keys.
 *
 * The master key (32 random bytes, hex in a 0600 file) wraps each tenant's
 * data key and database password; wrapped values live in the control DB.
 * During a master-key rotation the file's ".new" and ".prev" siblings may
 * exist: every key found is loaded and a blob is opened with the key whose
 * id it carries, so a rotation interrupted at any point loses nothing.
 *
 * keyring_* is called from main before threads start; after that the keyring
 * is read-only and every function here is thread-safe.
 */
#ifndef GENBA_KEYS_H
#define GENBA_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include "util/crypto.h"

#define KEYRING_MAX 3

typedef struct keyring {
    unsigned n;                                 /* keys[0] is the current one */
    unsigned char keys[KEYRING_MAX][CRYPTO_KEY_LEN];
} keyring;

/* Create path with a fresh key (mode 0600) when it does not exist.
 * *created tells whether it did.  False with a message on failure. */
bool keyring_create_file(const char *path, bool *created, char *err, size_t errlen);
/* Write key to path atomically (temp file, fsync, rename), mode 0600. */
bool keyring_write_file(const char *path, const unsigned char key[CRYPTO_KEY_LEN], char *err, size_t errlen);
/* Load path (and path.new, path.prev if present).  Refuses a file that
 * group or others can read. */
bool keyring_load(keyring *kr, const char *path, char *err, size_t errlen);
/* Serialise to / read from a file descriptor (master → worker hand-over). */
bool keyring_to_fd(const keyring *kr, int fd);
bool keyring_from_fd(keyring *kr, int fd);
void keyring_wipe(keyring *kr);

/* Wrap a secret for tenant code under the current master key, bound to
 * purpose ("datakey", "dbpass").  out holds n + CRYPTO_SEAL_OVERHEAD. */
bool keys_wrap(const keyring *kr, const char *tenant, const char *purpose, const void *in, size_t n,
               unsigned char *out);
/* Unwrap with whichever loaded key sealed it; false if none opens it. */
bool keys_unwrap(const keyring *kr, const char *tenant, const char *purpose, const unsigned char *in,
                 size_t n, unsigned char *out);

/* Encrypt a blob of tenant data with the tenant's data key, binding tenant,
 * purpose and object id.  out holds n + CRYPTO_SEAL_OVERHEAD bytes. */
bool tenant_seal(const unsigned char datakey[CRYPTO_KEY_LEN], const char *tenant, const char *purpose,
                 const char *object_id, const void *in, size_t n, unsigned char *out);
bool tenant_open(const unsigned char datakey[CRYPTO_KEY_LEN], const char *tenant, const char *purpose,
                 const char *object_id, const unsigned char *in, size_t n, unsigned char *out);

#endif
