/* password.h - argon2id password hashes (libargon2) and one-time passwords.
 *
 * Thread-safe, except password_set_cost: call it once in main() after
 * loading the configuration and before any thread starts; the other
 * functions only read the cost it sets.  Never log what passes through here.
 */
#ifndef GENBA_PASSWORD_H
#define GENBA_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 160

/* Cost of new hashes: memory in KiB, passes, lanes.  The defaults (19 MiB,
 * 2, 1) are also the minimums the configuration accepts (argon2_memory,
 * argon2_time, argon2_parallelism). */
#define PASSWORD_DEFAULT_MEMORY 19456
#define PASSWORD_DEFAULT_TIME 2
#define PASSWORD_DEFAULT_PARALLELISM 1
void password_set_cost(unsigned m_kib, unsigned t, unsigned p);

/* argon2id at the current cost, 16-byte random salt, 32-byte hash, encoded
 * as $argon2id$v=19$m=...,t=...,p=...$salt$hash. */
bool password_hash(const char *password, char *out, size_t outlen);
/* Constant-time verification against an encoded argon2id hash of any cost. */
bool password_verify(const char *encoded, const char *password);
/* true when encoded should be replaced by a new hash after a successful
 * verification: not argon2id version 19, unreadable, m or t below the
 * current cost, or p other than it. */
bool password_needs_rehash(const char *encoded);
/* A random one-time password of n characters from an unambiguous alphabet. */
bool password_generate(char *out, size_t n);

#endif
