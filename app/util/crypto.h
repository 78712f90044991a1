/* crypto.h - random tokens, SHA-256 and AES-256-GCM sealing.
 *
 * A sealed blob is: version byte 0x01 | key id (8 bytes) | nonce (12) |
 * ciphertext | tag (16).  The associated data binds the blob to its
 * context ("tenant|purpose|object"), so a blob copied to another tenant,
 * purpose or row fails to open.  All functions are thread-safe.
 */
#ifndef GENBA_CRYPTO_H
#define GENBA_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define CRYPTO_KEY_LEN 32
#define CRYPTO_KEYID_LEN 8
#define CRYPTO_SEAL_OVERHEAD (1 + CRYPTO_KEYID_LEN + 12 + 16)

/* Fill out with n bytes from the CSPRNG; false when it fails. */
bool crypto_random(void *out, size_t n);
/* A random token of nbytes rendered as 2*nbytes hex chars into out. */
bool crypto_token_hex(size_t nbytes, char *out);
/* A random (version 4) UUID, lower case, into out (37 bytes with the NUL);
 * false when the random source fails. */
bool crypto_uuid4(char out[37]);
/* SHA-256 of in into out[32]. */
void crypto_sha256(const void *in, size_t n, unsigned char out[32]);
/* Key id of a key: the first 8 bytes of SHA-256("genba-keyid" | key). */
void crypto_key_id(const unsigned char key[CRYPTO_KEY_LEN], unsigned char id[CRYPTO_KEYID_LEN]);

/* Seal in[n] with key under associated data ad.  out must hold
 * n + CRYPTO_SEAL_OVERHEAD bytes.  Returns false on a library failure. */
bool crypto_seal(const unsigned char key[CRYPTO_KEY_LEN], const char *ad, const void *in, size_t n,
                 unsigned char *out);
/* Open a sealed blob; out must hold n - CRYPTO_SEAL_OVERHEAD bytes.  False
 * when the blob is malformed, was sealed under another key or associated
 * data, or was altered; out is then wiped. */
bool crypto_open(const unsigned char key[CRYPTO_KEY_LEN], const char *ad, const unsigned char *in,
                 size_t n, unsigned char *out);
/* The key id written in a sealed blob (false when too short). */
bool crypto_blob_key_id(const unsigned char *in, size_t n, unsigned char id[CRYPTO_KEYID_LEN]);
/* Wipe secrets. */
void crypto_wipe(void *p, size_t n);

#endif
