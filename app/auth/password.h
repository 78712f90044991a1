/* password.h - argon2id password hashes (libargon2) and one-time passwords.
 * Thread-safe.  Never log what passes through here. */
#ifndef GENBA_PASSWORD_H
#define GENBA_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 160

/* Current cost: argon2id, m = 19 MiB, t = 2, p = 1, 16-byte random salt. */
bool password_hash(const char *password, char *out, size_t outlen);
/* Constant-time verification against an encoded hash. */
bool password_verify(const char *encoded, const char *password);
/* A random one-time password of n characters from an unambiguous alphabet. */
bool password_generate(char *out, size_t n);

#endif
